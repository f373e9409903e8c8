//! Rendering part of the site: the search pages once the index exists (every build), and
//! chosen documents with the pages built from them (serve's targeted rebuilds).

use std::collections::HashMap;

use super::{Prepared, Renderer, Sink};
use crate::diagnostics::Diagnostics;
use crate::model::{DocId, Site};

impl Prepared {
    pub(super) fn renderer<'a>(&'a self, site: &'a Site) -> Renderer<'a> {
        Renderer {
            site,
            templates: &self.templates,
            bases: &self.bases,
            directory: &self.directory,
        }
    }
}

/// The search pages, once the index exists: `manifests` holds each language's manifest URL
/// (see `crate::search`), whose name is the hash of its contents, so these pages are rendered
/// after the index while everything else is rendered beside it. Returns the number of files.
pub fn search_pages(
    site: &Site,
    prepared: &Prepared,
    manifests: &HashMap<String, String>,
    only: Option<&[String]>,
    sink: &Sink<'_>,
) -> Result<usize, Diagnostics> {
    if manifests.is_empty() {
        return Ok(0);
    }
    let r = prepared.renderer(site);
    let files = r.search_pages(manifests, only).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.extend(e);
        ds
    })?;
    let n = files.len();
    files.into_iter().for_each(sink);
    Ok(n)
}

/// Renders the documents `ids` (each with every file `render::site` makes from it: pagination,
/// a borough's category pages, a pack's copies) and, with `translations_page`, the
/// translations page, whose rows show English bodies' hashes. This is everything but the
/// search index and search pages that reads a Markdown body (see `crate::serve::incremental`
/// for why that holds).
pub fn doc_pages(
    site: &Site,
    prepared: &Prepared,
    ids: &[DocId],
    translations_page: bool,
    sink: &Sink<'_>,
) -> Result<usize, Diagnostics> {
    let r = prepared.renderer(site);
    let mut ds = Diagnostics::new();
    let mut n = 0;
    for &id in ids {
        match r.doc(&site.docs[id]) {
            Ok(files) => {
                n += files.len();
                files.into_iter().for_each(sink);
            }
            Err(e) => ds.extend(e),
        }
    }
    if !translations_page {
        return if ds.has_errors() { Err(ds) } else { Ok(n) };
    }
    match r.translations_page() {
        Ok(f) => {
            n += 1;
            sink(f);
        }
        Err(e) => ds.push(e),
    }
    if ds.has_errors() { Err(ds) } else { Ok(n) }
}
