//! Page weight: what a page makes a phone download (its HTML plus the stylesheets and scripts
//! it links), measured over the built files. A typical (median) guidance page stays within
//! 30 KB, none goes past a hard ceiling, and no page downloads a font.
//!
//! The median, not the maximum, carries the 30 KB promise because the same guidance weighs
//! more in scripts that take three bytes a letter in UTF-8 (Tamil, Bengali, Gujarati...): the
//! ceiling catches a template or stylesheet that bloats every page.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{self, KINDS};

/// The budget for a typical guidance page, uncompressed.
const GUIDANCE_BUDGET: u64 = 30_000;
/// No guidance page in any language may go past this.
const GUIDANCE_CEILING: u64 = 45_000;

/// The value of `attr` in a tag's text, quoted or not.
fn attr<'a>(tag: &'a str, attr: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {attr}="))? + attr.len() + 2;
    let rest = &tag[at..];
    match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next(),
        _ => rest.split([' ', '>']).next(),
    }
}

/// Bytes of the page and of every stylesheet and script it loads.
fn weight(out: &Path, html_file: &Path) -> (u64, Vec<String>) {
    let html = support::read(html_file);
    let mut total = html.len() as u64;
    let mut linked = Vec::new();
    for (open, name) in [("<link", "href"), ("<script", "src")] {
        for (i, _) in html.match_indices(open) {
            let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
            if open == "<link" && !tag.contains("stylesheet") {
                continue;
            }
            if let Some(url) = attr(tag, name) {
                let file = out.join(url.trim_start_matches('/'));
                let size = std::fs::metadata(&file)
                    .unwrap_or_else(|e| panic!("{url} linked from {}: {e}", html_file.display()))
                    .len();
                total += size;
                linked.push(format!("{url} ({size} B)"));
            }
        }
    }
    (total, linked)
}

#[test]
fn guidance_pages_stay_within_30_kb_and_no_page_loads_a_font() {
    let hub = support::hub();
    let mut all: Vec<(u64, String)> = Vec::new();
    let mut over = Vec::new();
    let mut guidance = Vec::new();
    for file in hub.html_files() {
        let rel = file
            .strip_prefix(&hub.out)
            .unwrap_or(&file)
            .display()
            .to_string();
        let (bytes, _) = weight(&hub.out, &file);
        let is_guidance = rel.contains("guidance/") && !rel.ends_with("guidance/index.html");
        if is_guidance {
            guidance.push(bytes);
            if bytes > GUIDANCE_CEILING {
                over.push(format!("{rel}: {bytes} B"));
            }
        }
        all.push((bytes, rel));
    }
    all.sort_by(|a, b| b.cmp(a));
    let mut rows = BTreeMap::new();
    for kind in KINDS {
        let file = hub.file(kind.path);
        let file = if file.is_file() {
            file
        } else {
            hub.out.join("404.html")
        };
        let (bytes, linked) = weight(&hub.out, &file);
        rows.insert(
            kind.name.to_string(),
            format!("{bytes:>6} B  {}", linked.join(", ")),
        );
    }
    for (i, (bytes, rel)) in all.iter().take(10).enumerate() {
        rows.insert(
            format!("~heaviest {:02}", i + 1),
            format!("{bytes:>6} B  {rel}"),
        );
    }
    guidance.sort_unstable();
    let median = guidance[guidance.len() / 2];
    rows.insert(
        "~guidance median".to_string(),
        format!("{median:>6} B over {} guidance pages", guidance.len()),
    );
    support::report(
        "Page weight (HTML + CSS + JS, uncompressed)",
        "page / bytes",
        &rows,
    );
    assert!(guidance.len() > 100, "guidance in 27 languages");
    assert!(
        median <= GUIDANCE_BUDGET,
        "the median guidance page is {median} B"
    );
    assert!(
        over.is_empty(),
        "guidance pages over {GUIDANCE_CEILING} B:\n{}",
        over.join("\n")
    );

    let fonts: Vec<_> = std::fs::read_dir(&hub.out)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ["woff", "woff2", "ttf", "otf"].contains(&e))
        })
        .collect();
    assert!(fonts.is_empty(), "font files in the site: {fonts:?}");
    for css in std::fs::read_dir(&hub.out).into_iter().flatten().flatten() {
        let p = css.path();
        if p.extension().is_some_and(|e| e == "css") {
            assert!(
                !support::read(&p).contains("@font-face"),
                "{} loads a font",
                p.display()
            );
        }
    }
}
