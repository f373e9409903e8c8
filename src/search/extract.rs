//! What the index holds for each result: the documents of one language cut into blocks (the
//! intro, then one block per heading, linking to its anchor) and one entry per service.
//!
//! Text comes from the Markdown source, not the rendered HTML, so the index does not depend
//! on the templates or the renderer's output: the parse pass reads it
//! (`parse::markdown::body_text`) while it reads the rest of the page's structure. Shortcode
//! calls and raw HTML are left out (a shortcode's output, such as a services list, is indexed
//! from the data it comes from).

use rayon::prelude::*;

use crate::model::{Doc, Site};
use crate::parse::markdown::{BodyText, body_text};

/// One searchable block of a page.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Heading anchor (empty for the intro).
    pub anchor: String,
    /// Heading text (empty for the intro).
    pub heading: String,
}

/// One result: a page, a section, or a service entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// URL path, possibly with `#anchor`.
    pub url: String,
    /// Title.
    pub title: String,
    /// Where it sits: the parent section's title, or the borough of a service.
    pub context: String,
    /// The plain text of every block, one after another, as the parse pass read it. Kept
    /// as it came, without cutting it into a string per block: this runs on every core, and
    /// freeing memory another thread allocated (the parse pass's) takes that thread's heap
    /// lock, which made the two cores wait on each other for up to 20 ms at 10,000 pages.
    pub text: BodyText,
    /// Block 0 is the intro (with the description), then one per heading; block `i`'s
    /// text is `text.block(i)`.
    pub blocks: Vec<Block>,
}

/// Every entry of `lang`, sorted by URL so entry numbers do not depend on thread timing.
pub fn entries(site: &Site, lang: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = site
        .docs
        .par_iter()
        .filter(|d| d.lang() == lang)
        .map(|d| doc_entry(site, d))
        .collect();
    // Services are data, written once in English; they are listed in every language whose
    // borough page exists, linking to that language's version of the page.
    for b in &site.boroughs {
        let key = site.docs[b.doc].key();
        let Some(page) = site.get(key, lang) else {
            continue;
        };
        let mut index_in_category: std::collections::HashMap<&str, usize> = Default::default();
        for s in &b.directory.services {
            let n = index_in_category.entry(s.category.as_str()).or_insert(0);
            *n += 1;
            let mut text = s.description.clone();
            for extra in [&s.address, &s.postcode, &s.hours].into_iter().flatten() {
                text.push(' ');
                text.push_str(extra);
            }
            out.push(Entry {
                // The anchor the borough template gives each service (partials/service.html).
                url: format!("{}#svc-{}-{}", page.path, s.category, n),
                title: s.name.clone(),
                context: page.parsed.front.title.clone(),
                blocks: vec![Block::default()],
                text: BodyText {
                    ends: vec![text.len()],
                    text,
                },
            });
        }
    }
    out.sort_by(|a, b| a.url.cmp(&b.url));
    out
}

/// The entry of one document. Its blocks are the body cut at headings, the description
/// opening the intro; heading anchors are the parse pass's, matched by order (the same
/// parser with the same options sees the same headings). The text was read by the parse
/// pass when the site has search; it is read here only when it was not (or was taken
/// already).
pub fn doc_entry(site: &Site, d: &Doc) -> Entry {
    let context = d
        .parent
        .map(|p| site.docs[p].parsed.front.title.clone())
        .unwrap_or_default();
    let structure = &d.parsed.structure;
    let description = d.parsed.front.description.as_deref();
    let text = structure
        .take_text()
        .unwrap_or_else(|| body_text(d.parsed.body(), &structure.shortcodes, description));
    let headings = &structure.headings;
    let blocks = (0..text.ends.len())
        .map(|i| match i.checked_sub(1).map(|h| headings.get(h)) {
            None => Block::default(),
            Some(h) => Block {
                anchor: h.map(|h| h.id.clone()).unwrap_or_default(),
                heading: h.map(|h| h.text.clone()).unwrap_or_default(),
            },
        })
        .collect();
    Entry {
        url: d.path.clone(),
        title: d.parsed.front.title.clone(),
        context,
        text,
        blocks,
    }
}
