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
use crate::parse::markdown::body_text;

/// One searchable block of a page.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Heading anchor (empty for the intro).
    pub anchor: String,
    /// Heading text (empty for the intro).
    pub heading: String,
    /// Plain text under the heading.
    pub text: String,
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
    /// Block 0 is the intro (with the description), then one per heading.
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
                blocks: vec![Block {
                    text,
                    ..Block::default()
                }],
            });
        }
    }
    out.sort_by(|a, b| a.url.cmp(&b.url));
    out
}

/// The entry of one document.
pub fn doc_entry(site: &Site, d: &Doc) -> Entry {
    let context = d
        .parent
        .map(|p| site.docs[p].parsed.front.title.clone())
        .unwrap_or_default();
    let mut blocks = blocks(d);
    if let Some(desc) = &d.parsed.front.description {
        let intro = &mut blocks[0];
        intro.text = if intro.text.is_empty() {
            desc.clone()
        } else {
            format!("{desc} {}", intro.text)
        };
    }
    Entry {
        url: d.path.clone(),
        title: d.parsed.front.title.clone(),
        context,
        blocks,
    }
}

/// The body cut at headings. Heading anchors are the parse pass's, matched by order (the same
/// parser with the same options sees the same headings). The text was read by the parse pass
/// when the site has search; it is read here only when it was not (or was taken already).
fn blocks(d: &Doc) -> Vec<Block> {
    let structure = &d.parsed.structure;
    let texts = structure
        .take_text()
        .unwrap_or_else(|| body_text(d.parsed.body(), &structure.shortcodes));
    let headings = &structure.headings;
    texts
        .into_iter()
        .enumerate()
        .map(
            |(i, text)| match i.checked_sub(1).map(|h| headings.get(h)) {
                None => Block {
                    text,
                    ..Block::default()
                },
                Some(h) => Block {
                    anchor: h.map(|h| h.id.clone()).unwrap_or_default(),
                    heading: h.map(|h| h.text.clone()).unwrap_or_default(),
                    text,
                },
            },
        )
        .collect()
}
