//! minify-html must never change what a reader sees: the visible text of every page is the
//! same with and without minification (upstream has reported entity and text bugs).

use crate::support::{Site, tree};

/// Visible text: tags dropped, entities for the characters we emit decoded, spaces folded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn minified_pages_keep_their_visible_text() {
    let plain = Site::new("i18n", &[]);
    assert_eq!(plain.build().code, 0);
    let minified = Site::new("i18n", &[]);
    let config = std::fs::read_to_string(minified.root().join("config.toml")).unwrap();
    minified.write(
        "config.toml",
        config.replace("minify = false", "minify = true"),
    );
    assert_eq!(minified.build().code, 0);
    let (a, b) = (tree(&plain.out()), tree(&minified.out()));
    let mut pages = 0;
    for (path, bytes) in a.iter().filter(|(p, _)| p.ends_with(".html")) {
        let small = &b[path];
        assert!(small.len() < bytes.len(), "{path} did not get smaller");
        let (x, y) = (
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(small),
        );
        assert_eq!(visible_text(&x), visible_text(&y), "{path}");
        pages += 1;
    }
    assert!(pages > 20, "only {pages} pages compared");
}
