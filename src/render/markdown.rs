//! Markdown to HTML for one document, once every permalink is known: heading ids from the parse
//! pass, `@/` links replaced by their resolved paths, raw HTML sanitised, shortcodes inserted.

use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag};

use crate::model::Doc;
use crate::parse::markdown::options;

/// Marks where a shortcode's output goes; private-use characters never appear in content.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "lang", "dir"])
        .add_tags([
            "section",
            "sup",
            "figure",
            "figcaption",
            "mark",
            "abbr",
            "details",
            "summary",
        ])
        .url_schemes(
            ["http", "https", "mailto", "tel", "sms"]
                .into_iter()
                .collect(),
        )
        .link_rel(None);
    b
});

/// `doc`'s body with each shortcode call replaced by a placeholder (`OPEN n CLOSE`), so
/// Markdown sees one plain word where the call was.
pub fn with_placeholders(doc: &Doc) -> std::borrow::Cow<'_, str> {
    let body = doc.parsed.body();
    let calls = &doc.parsed.structure.shortcodes;
    if calls.is_empty() {
        return std::borrow::Cow::Borrowed(body);
    }
    let mut s = String::with_capacity(body.len());
    let mut last = 0;
    for (i, c) in calls.iter().enumerate() {
        s.push_str(&body[last..c.body_range.start]);
        s.push(OPEN);
        s.push_str(&i.to_string());
        s.push(CLOSE);
        last = c.body_range.end;
    }
    s.push_str(&body[last..]);
    std::borrow::Cow::Owned(s)
}

/// Splits text at shortcode placeholders: `Ok(text)` runs and `Err(n)` for call `n`.
pub fn split_placeholders(text: &str) -> Vec<Result<&str, usize>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(OPEN) {
        let Some(j) = rest[i..].find(CLOSE) else {
            break;
        };
        if i > 0 {
            out.push(Ok(&rest[..i]));
        }
        match rest[i + OPEN.len_utf8()..i + j].parse() {
            Ok(n) => out.push(Err(n)),
            Err(_) => out.push(Ok(&rest[i..i + j + CLOSE.len_utf8()])),
        }
        rest = &rest[i + j + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(Ok(rest));
    }
    out
}

/// The Markdown events of `text` (from `with_placeholders`) with heading ids from the parse
/// pass and `@/` links replaced by their resolved paths: what every output format renders.
pub fn events<'a>(doc: &'a Doc, text: &'a str) -> impl Iterator<Item = Event<'a>> + 'a {
    let headings = &doc.parsed.structure.headings;
    let links = &doc.resolved_links;
    let mut heading_index = 0;
    let mut link_index = 0;
    let next_link = move |i: &mut usize| -> CowStr<'static> {
        let dest = links.get(*i).cloned().unwrap_or_default();
        *i += 1;
        dest.into()
    };
    Parser::new_ext(text, options()).map(move |event| match event {
        Event::Start(Tag::Heading {
            level,
            classes,
            attrs,
            ..
        }) => {
            let id = headings
                .get(heading_index)
                .map(|h| CowStr::from(h.id.clone()));
            heading_index += 1;
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            })
        }
        // `@/` links and images take the next resolved path, in the order the parse pass saw them.
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if dest_url.starts_with("@/") => Event::Start(Tag::Link {
            link_type,
            dest_url: next_link(&mut link_index),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if dest_url.starts_with("@/") => Event::Start(Tag::Image {
            link_type,
            dest_url: next_link(&mut link_index),
            title,
            id,
        }),
        other => other,
    })
}

/// Renders `doc`'s body. `shortcodes` holds each call's already rendered output, in order.
pub fn to_html(doc: &Doc, shortcodes: &[String]) -> String {
    let calls = &doc.parsed.structure.shortcodes;
    let text = with_placeholders(doc);
    let events = events(doc, &text);
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    if doc.parsed.structure.has_raw_html {
        html = SANITIZER.clean(&html).to_string();
    }
    if calls.is_empty() {
        return html;
    }
    insert_shortcodes(&html, shortcodes)
}

/// Swaps placeholders for output; a placeholder alone in a paragraph replaces the paragraph.
fn insert_shortcodes(html: &str, outputs: &[String]) -> String {
    let mut out =
        String::with_capacity(html.len() + outputs.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(i) = rest.find(OPEN) {
        let Some(j) = rest[i..].find(CLOSE) else {
            break;
        };
        let n: usize = rest[i + OPEN.len_utf8()..i + j]
            .parse()
            .unwrap_or(usize::MAX);
        let output = outputs.get(n).map_or("", String::as_str);
        let before = &rest[..i];
        let after = &rest[i + j + CLOSE.len_utf8()..];
        if before.ends_with("<p>") && after.starts_with("</p>") {
            out.push_str(&before[..before.len() - 3]);
            out.push_str(output);
            rest = after["</p>".len()..].trim_start_matches('\n');
            out.push('\n');
        } else {
            out.push_str(before);
            out.push_str(output);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_and_inline_shortcodes() {
        let html = format!("<p>{OPEN}0{CLOSE}</p>\n<p>a {OPEN}1{CLOSE} b</p>\n");
        let out = insert_shortcodes(&html, &["<ul></ul>".into(), "<b>x</b>".into()]);
        assert_eq!(out, "<ul></ul>\n<p>a <b>x</b> b</p>\n");
    }

    #[test]
    fn sanitiser_removes_scripts_and_handlers() {
        let dirty = "<p onclick=\"x()\">a</p><script>alert(1)</script><a href=\"javascript:alert(1)\">b</a><h2 id=\"k\">h</h2>";
        let clean = SANITIZER.clean(dirty).to_string();
        assert_eq!(clean, "<p>a</p><a>b</a><h2 id=\"k\">h</h2>");
    }
}
