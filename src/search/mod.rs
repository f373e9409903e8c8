//! The search stage: one index per language under `/search/<code>/`, built in parallel from
//! the site model, for the dependency-free client in `themes/hub/static/search.js`.
//!
//! `tokenize` holds the rules shared with the client, `extract` turns documents and services
//! into result entries, `count` tallies their words, `index` scores them and writes the manifest
//! and term shards, `meta` the result metadata chunks; `incremental` keeps one language's index
//! for `serve` to update after an edit, writing the same bytes. The manifest URLs are handed to
//! the renderer so each language's search page can point at its own manifest.

pub mod count;
pub mod extract;
pub mod incremental;
pub mod index;
pub mod meta;
pub mod postings;
mod scored;
pub mod tokenize;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::Site;
use crate::render::OutputFile;
pub use index::LangIndex;

/// Every language's index, in configured language order.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// One per configured language.
    pub langs: Vec<LangIndex>,
}

impl SearchIndex {
    /// Manifest URL path by language code.
    pub fn manifests(&self) -> HashMap<String, String> {
        self.langs
            .iter()
            .map(|l| (l.lang.clone(), l.manifest_url.clone()))
            .collect()
    }
}

/// What the search pages point at when no index is built (`hubgen check`, which writes
/// nothing): each language's manifest address without its hash. Empty when the site has no
/// search, like the index.
pub fn unbuilt_manifests(site: &Site) -> HashMap<String, String> {
    if !site.config.search {
        return HashMap::new();
    }
    site.config
        .languages
        .iter()
        .map(|l| (l.code.clone(), format!("/search/{}/manifest.json", l.code)))
        .collect()
}

/// Builds the index of every language, in parallel, handing each file to `sink` as it is
/// made; same model, same bytes. Nothing when the site turned search off (`search = false`
/// in config.toml).
pub fn build(site: &Site, sink: &(dyn Fn(OutputFile) + Sync)) -> SearchIndex {
    if !site.config.search {
        return SearchIndex::default();
    }
    let langs = site
        .config
        .languages
        .par_iter()
        .map(|l| index::build(site, &l.code, sink))
        .collect();
    SearchIndex { langs }
}
