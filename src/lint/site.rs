//! Lints over the site model and the files read from `content/`: duplicate titles within a
//! language, pages without a description, images without alt text in Markdown, and files
//! that produce nothing in the site.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use super::codes;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Loaded;
use crate::model::Site;
use crate::parse::front_matter::key_line;

/// Duplicate titles (H019), missing descriptions (H020), Markdown images without alt (H014).
pub fn model_lints(site: &Site) -> Diagnostics {
    let mut ds = Diagnostics::new();
    let mut titles: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
    for d in &site.docs {
        let src = &d.parsed.source;
        let front = &d.parsed.front;
        titles
            .entry((d.lang(), front.title.trim().to_lowercase()))
            .or_default()
            .push(d.id);
        let title_line = key_line(&src.text, "title").unwrap_or(1);
        if front.description.is_none() {
            ds.push(
                Diagnostic::at_line(&src.display, &src.text, title_line, "page has no description")
                    .help("add description = \"…\" to the front matter: one plain sentence saying what the page offers; search results, listings and link previews show it")
                    .code(codes::NO_DESCRIPTION)
                    .warning(),
            );
        }
        for r in &d.parsed.structure.images_without_alt {
            ds.push(
                Diagnostic::at(&src.display, &src.text, r.clone(), "image has no alt text")
                    .help("describe the image between the brackets: ![Volunteers at a stall in Hackney](stall.jpg)")
                    .code(codes::IMAGE_ALT),
            );
        }
    }
    for ids in titles.values().filter(|ids| ids.len() > 1) {
        for &id in ids {
            let d = &site.docs[id];
            let src = &d.parsed.source;
            let others: Vec<String> = ids
                .iter()
                .filter(|&&o| o != id)
                .map(|&o| site.docs[o].parsed.source.display.display().to_string())
                .collect();
            ds.push(
                Diagnostic::at_line(
                    &src.display,
                    &src.text,
                    key_line(&src.text, "title").unwrap_or(1),
                    format!("title `{}` is also the title of {}", d.parsed.front.title.trim(), others.join(", ")),
                )
                .help("give each page a title that tells it apart in search results, tabs and bookmarks")
                .code(codes::DUPLICATE_TITLE)
                .warning(),
            );
        }
    }
    ds
}

/// Data files that nothing reads and Markdown-looking files that would only be copied (H021),
/// with their paths for the accounting. `allow` lists the site-wide allowed codes.
pub fn unused_files(loaded: &Loaded, allow: &[String]) -> (Diagnostics, HashSet<PathBuf>) {
    let mut ds = Diagnostics::new();
    let mut unused = HashSet::new();
    for f in &loaded.data {
        if !crate::model::reads_data_file(&f.rel) {
            unused.insert(f.display.clone());
            ds.push(
                Diagnostic::file_error(&f.display, "data file is not used by anything: it produces nothing in the site")
                    .help("hubgen reads content/helplines.toml and content/boroughs/<slug>/services.toml; check the file's name and folder")
                    .code(codes::NO_PAGE)
                    .warning(),
            );
        }
    }
    for a in &loaded.assets {
        let lower = a.rel.to_lowercase();
        if [".md", ".markdown", ".mdown", ".mkd"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            let display = PathBuf::from("content").join(&a.rel);
            unused.insert(display.clone());
            ds.push(
                Diagnostic::file_error(&display, "looks like Markdown but is not named .md, so it is copied as a file and makes no page")
                    .help("rename it to end in .md (lowercase)")
                    .code(codes::NO_PAGE)
                    .warning(),
            );
        }
    }
    if allow.iter().any(|a| a == codes::NO_PAGE) {
        ds = Diagnostics::new();
    }
    (ds, unused)
}
