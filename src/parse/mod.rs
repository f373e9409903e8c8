//! Parses every Markdown source into front matter and Markdown structure, in parallel.
//!
//! A bad file does not stop the others: every problem in every file is collected.

pub mod front_matter;
pub mod markdown;
pub mod services;

use std::collections::HashSet;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Source;
use front_matter::FrontMatter;
use markdown::Structure;

/// A source with its front matter and Markdown structure.
#[derive(Debug)]
pub struct ParsedDoc {
    /// The file as read.
    pub source: Source,
    /// Validated front matter.
    pub front: FrontMatter,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
    /// Headings, links, shortcodes, text.
    pub structure: Structure,
    /// The staleness hash of title and body (`model::staleness::doc_hash`), once asked for:
    /// the model's checks and every render of `/translations/` need it for every English
    /// page, and serve replaces a whole `ParsedDoc` when a file changes, so it never goes
    /// stale.
    pub source_hash: std::sync::OnceLock<String>,
}

impl ParsedDoc {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }
}

/// Parses one source (pure apart from the source it owns); with `text`, also reads the plain
/// text the search index needs, its description first (see `markdown::Structure::text`).
pub fn one(source: Source, text: bool) -> Result<ParsedDoc, Vec<Diagnostic>> {
    let file = source.display.clone();
    let split = front_matter::split(&file, &source.text)
        .map_err(|d| vec![d.code(crate::lint::codes::FRONT_MATTER)])?;
    let front = front_matter::parse(&file, &source.text, &split, source.is_section).map_err(|e| {
        e.into_iter()
            .map(|d| d.code(crate::lint::codes::FRONT_MATTER))
            .collect::<Vec<_>>()
    });
    let text = if text {
        markdown::Text::Read(front.as_ref().ok().and_then(|f| f.description.as_deref()))
    } else {
        markdown::Text::Skip
    };
    let (structure, mut errors) =
        markdown::scan(&file, &source.text, split.body, split.body_offset, text);
    let body_offset = split.body_offset;
    match front {
        Ok(front) if errors.is_empty() => Ok(ParsedDoc {
            source,
            front,
            body_offset,
            structure,
            source_hash: std::sync::OnceLock::new(),
        }),
        Ok(_) => Err(errors),
        Err(mut e) => {
            e.append(&mut errors);
            Err(e)
        }
    }
}

/// Everything the parse stage produced.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Documents that parsed, in input order.
    pub docs: Vec<ParsedDoc>,
    /// Content keys of files that exist but did not parse; links to them are not reported
    /// again as "does not exist", which would send the editor looking in the wrong place.
    pub broken: HashSet<String>,
}

/// Parses all sources; the result keeps the input order. `text`: see `one`.
pub fn all(sources: Vec<Source>, text: bool) -> (Parsed, Diagnostics) {
    let results: Vec<_> = sources
        .into_par_iter()
        .map(|s| {
            let key = s.key.clone();
            one(s, text).map_err(|e| (key, e))
        })
        .collect();
    let mut parsed = Parsed {
        docs: Vec::with_capacity(results.len()),
        broken: HashSet::new(),
    };
    let mut ds = Diagnostics::new();
    for r in results {
        match r {
            Ok(d) => parsed.docs.push(d),
            Err((key, e)) => {
                parsed.broken.insert(key);
                ds.extend(e);
            }
        }
    }
    (parsed, ds)
}
