//! A small, forgiving scanner over rendered HTML: it records what the lints need (ids, link
//! and image addresses, link text, headings, images without alt) and nothing else.
//!
//! A full HTML parser would build a tree for every one of thousands of pages only to throw it
//! away; the templates and the Markdown renderer write well-formed tags, so a tag scanner that
//! understands comments, quotes and raw-text elements is enough, and it never panics on
//! malformed input (it just records less).

use std::collections::HashSet;

/// An address found in an attribute (`href` or `src`).
#[derive(Debug, Clone)]
pub struct Ref {
    /// The address as written (entities decoded).
    pub url: String,
    /// The tag it was on (`a`, `link`, `img`, `script`, `source`, …).
    pub tag: &'static str,
}

/// A link (`<a href>`) with the text a screen reader would announce for it.
#[derive(Debug, Clone)]
pub struct LinkText {
    /// Its address.
    pub href: String,
    /// Text content, image alt text inside it, or its aria-label; white space folded.
    pub text: String,
}

/// What one rendered page contains.
#[derive(Debug, Default)]
pub struct PageScan {
    /// Output path (`about/index.html`).
    pub path: String,
    /// `lang` of the `<html>` element.
    pub lang: String,
    /// Every `id` (and `name` on `<a>`), for anchors.
    pub ids: HashSet<String>,
    /// Every `href`/`src` address.
    pub refs: Vec<Ref>,
    /// `src` of each `<img>` without an `alt` attribute.
    pub images_without_alt: Vec<String>,
    /// `(level, text)` of each heading, in order.
    pub headings: Vec<(u8, String)>,
    /// Each `<a href>` with its accessible text.
    pub links: Vec<LinkText>,
}

/// Elements whose content is not HTML (skipped whole).
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "template"];

/// Scans one page.
pub fn scan(path: &str, html: &str) -> PageScan {
    let mut page = PageScan {
        path: path.to_string(),
        ..PageScan::default()
    };
    // Open link (its index in `page.links`) and heading (level, text).
    let mut link: Option<usize> = None;
    let mut link_label = false;
    let mut heading: Option<(u8, String)> = None;
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < html.len() {
        let Some(off) = html[i..].find('<') else {
            text(&html[i..], &mut page, link, link_label, &mut heading);
            break;
        };
        text(&html[i..i + off], &mut page, link, link_label, &mut heading);
        let start = i + off;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| start + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = rest.find('>').map_or(html.len(), |e| start + e + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        let name_end = html[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(html.len(), |e| name_start + e);
        if name_end == name_start {
            // A lone `<` in text.
            text("<", &mut page, link, link_label, &mut heading);
            i = start + 1;
            continue;
        }
        // Templates write lowercase tags: only allocate for the rare uppercase one.
        let raw_name = &html[name_start..name_end];
        let name: std::borrow::Cow<'_, str> = if raw_name.bytes().any(|b| b.is_ascii_uppercase()) {
            raw_name.to_ascii_lowercase().into()
        } else {
            raw_name.into()
        };
        let (attrs, end) = attributes(html, name_end);
        i = end;
        if closing {
            if name == "a" {
                link = None;
                link_label = false;
            } else if let Some(level) = heading_level(&name)
                && heading.as_ref().is_some_and(|h| h.0 == level)
                && let Some((level, t)) = heading.take()
            {
                page.headings.push((level, fold(&t)));
            }
            continue;
        }
        let get = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        if let Some(id) = get("id") {
            page.ids.insert(id.to_string());
        }
        match name.as_ref() {
            "html" => page.lang = get("lang").unwrap_or_default().to_string(),
            "a" => {
                if let Some(n) = get("name") {
                    page.ids.insert(n.to_string());
                }
                if let Some(href) = get("href") {
                    page.refs.push(Ref {
                        url: href.to_string(),
                        tag: tag_name(&name),
                    });
                    let label = get("aria-label").unwrap_or_default().to_string();
                    link_label = !label.trim().is_empty() || get("aria-labelledby").is_some();
                    page.links.push(LinkText {
                        href: href.to_string(),
                        text: label,
                    });
                    link = Some(page.links.len() - 1);
                }
            }
            "link" => {
                if let Some(href) = get("href") {
                    page.refs.push(Ref {
                        url: href.to_string(),
                        tag: tag_name(&name),
                    });
                }
            }
            "img" | "script" | "source" | "iframe" | "audio" | "video" => {
                if let Some(src) = get("src") {
                    page.refs.push(Ref {
                        url: src.to_string(),
                        tag: tag_name(&name),
                    });
                }
                if name == "img" {
                    match get("alt") {
                        None => page
                            .images_without_alt
                            .push(get("src").unwrap_or_default().to_string()),
                        Some(alt) => text(alt, &mut page, link, link_label, &mut heading),
                    }
                }
            }
            _ => {}
        }
        if let Some(level) = heading_level(&name) {
            heading = Some((level, String::new()));
        }
        if RAW_TEXT.contains(&name.as_ref())
            && bytes.get(end.wrapping_sub(2)).is_none_or(|b| *b != b'/')
        {
            let close = format!("</{name}");
            i = find_ci(&html[end..], &close).map_or(html.len(), |e| end + e);
        }
    }
    page
}

/// The tags whose addresses are recorded, as static names.
pub const REF_TAGS: &[&str] = &[
    "a", "link", "img", "script", "source", "iframe", "audio", "video",
];

fn tag_name(name: &str) -> &'static str {
    REF_TAGS
        .iter()
        .find(|t| **t == name)
        .copied()
        .unwrap_or("a")
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// Adds text to the open link and heading.
fn text(
    raw: &str,
    page: &mut PageScan,
    link: Option<usize>,
    link_label: bool,
    heading: &mut Option<(u8, String)>,
) {
    // Most text is outside links and headings: skip it before decoding anything.
    if raw.is_empty() || (heading.is_none() && (link.is_none() || link_label)) {
        return;
    }
    let t = decode(raw);
    if let Some(l) = link
        && !link_label
        && let Some(entry) = page.links.get_mut(l)
    {
        entry.text.push_str(&t);
        entry.text.push(' ');
    }
    if let Some((_, h)) = heading.as_mut() {
        h.push_str(&t);
    }
}

/// Reads attributes from just after the tag name; returns them (names lowercased, values
/// decoded) and the offset after the tag's `>`.
fn attributes(html: &str, from: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut i = from;
    let mut out = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (out, b.len());
        }
        if b[i] == b'>' {
            return (out, i + 1);
        }
        let ks = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let key = &html[ks..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let (mut vs, mut ve) = (i, i);
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                vs = i + 1;
                ve = b[vs..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(b.len(), |e| vs + e);
                i = (ve + 1).min(b.len());
            } else {
                vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                ve = i;
            }
        }
        // Only the attributes the lints read are decoded and kept: pages carry many class
        // and data attributes, and copying them all would double the cost of the scan.
        if let Some(w) = WANTED.iter().find(|w| key.eq_ignore_ascii_case(w)) {
            out.push((w.to_string(), decode(&html[vs..ve])));
        }
    }
}

/// The attributes the lints read.
const WANTED: &[&str] = &[
    "id",
    "name",
    "href",
    "src",
    "alt",
    "lang",
    "aria-label",
    "aria-labelledby",
];

/// Case-insensitive ASCII search.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    (0..hay.len().saturating_sub(n) + 1)
        .filter(|&i| hay.is_char_boundary(i))
        .find(|&i| {
            hay.get(i..i + n)
                .is_some_and(|s| s.eq_ignore_ascii_case(needle))
        })
}

/// Decodes the character references templates and the Markdown renderer write.
pub fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Folds runs of white space to one space and trims.
pub fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_ids_refs_links_headings_and_images() {
        let html = r##"<!DOCTYPE html><html lang="en-GB"><head><link rel=stylesheet href="/s.css">
<script>if (a < b) { x = "<a href='/no/'>"; }</script></head><body>
<!-- <a href="/commented/"> -->
<h1 id=top>Title &amp; more</h1><h3>Skip</h3>
<a href="/a/?x=1&amp;y=2#part">Read <em>more</em></a>
<a href="#top" aria-label="Back to top"><svg></svg></a>
<a href="/img/"><img src="/i.png" alt="Logo"></a>
<a href="/empty/"> </a><img src='/no-alt.png'><a name=old></a>
</body></html>"##;
        let p = scan("x/index.html", html);
        assert_eq!(p.lang, "en-GB");
        assert!(p.ids.contains("top") && p.ids.contains("old"));
        let urls: Vec<&str> = p.refs.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "/s.css",
                "/a/?x=1&y=2#part",
                "#top",
                "/img/",
                "/i.png",
                "/empty/",
                "/no-alt.png"
            ]
        );
        assert_eq!(
            p.headings,
            [(1, "Title & more".to_string()), (3, "Skip".into())]
        );
        let texts: Vec<String> = p.links.iter().map(|l| fold(&l.text)).collect();
        // `<a name=old>` has no href: an anchor, not a link.
        assert_eq!(texts, ["Read more", "Back to top", "Logo", ""]);
        assert_eq!(p.images_without_alt, ["/no-alt.png"]);
    }

    #[test]
    fn never_panics_on_broken_markup() {
        for s in [
            "<",
            "<a href=\"x",
            "<h1>é<",
            "&#xFFFFFFF;",
            "<a href=x>&",
            "</",
            "<script>",
            "<img alt",
        ] {
            let _ = scan("p", s);
        }
        assert_eq!(decode("&#233;&#xe9;&bogus;&"), "éé&bogus;&");
    }
}
