//! Markdown to typst markup for the PDFs: a document's body, with `@/` links resolved and each
//! shortcode turned into a call of the theme's typst function of the same name.
//!
//! Every character that comes from content goes in as a typst string literal (`#"…"`), never
//! as markup, so `*`, `#`, `$`, `[`, `<` or `@` in a page or in borough data cannot change the
//! document (the PDF twin of HTML escaping). Only the structure is written as typst code.

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use crate::model::Doc;
use crate::parse::markdown::ShortcodeCall;
use crate::render::markdown::{events, split_placeholders, with_placeholders};

/// A typst string literal holding `s` exactly.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON value as a typst value, for shortcode arguments.
fn value(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "none".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(items) => {
            // `(x,)`: a one-item array needs the comma, or it is just parentheses.
            let inner: Vec<String> = items.iter().map(value).collect();
            format!("({},)", inner.join(", "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", string(k), value(v)))
                .collect();
            if inner.is_empty() {
                "(:)".into()
            } else {
                format!("({})", inner.join(", "))
            }
        }
    }
}

/// True for a name typst accepts as an identifier and a named argument.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A shortcode call as typst code: `#name(key: value, …)`.
fn call(c: &ShortcodeCall) -> Result<String, String> {
    if !is_identifier(&c.name) {
        return Err(format!(
            "shortcode `{}` has a name typst cannot call",
            c.name
        ));
    }
    let mut args = Vec::new();
    for (k, v) in &c.args {
        if !is_identifier(k) {
            return Err(format!(
                "argument `{k}` of shortcode `{}` has a name typst cannot take",
                c.name
            ));
        }
        args.push(format!("{k}: {}", value(v)));
    }
    Ok(format!("#{}({})", c.name, args.join(", ")))
}

/// Where a link goes in a PDF: absolute web addresses stay, site paths get the base URL, and
/// anything else (a `#fragment` or a relative path) has nowhere to go outside the website.
fn link_target(dest: &str, base_url: &str) -> Option<String> {
    let lower = dest.to_ascii_lowercase();
    if ["https://", "http://", "mailto:", "tel:", "sms:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        Some(dest.to_string())
    } else if dest.starts_with('/') && !dest.starts_with("//") {
        Some(format!("{base_url}{dest}"))
    } else {
        None
    }
}

/// Drops the tags of sanitised inline HTML, keeping its text.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    crate::lint::html::decode(&out)
}

/// `doc`'s body as typst markup. Errors are messages about a shortcode that typst cannot call.
pub fn body(doc: &Doc, base_url: &str) -> Result<String, String> {
    let calls = &doc.parsed.structure.shortcodes;
    let text = with_placeholders(doc);
    let mut w = Writer::default();
    for event in events(doc, &text) {
        w.event(event, calls, base_url)?;
    }
    Ok(w.out)
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Text of the code block being read.
    code: Option<(String, String)>,
    /// Image alt text is collected and written as text: the PDF has no images yet.
    in_image: usize,
}

impl Writer {
    fn text(&mut self, t: &str, calls: &[ShortcodeCall]) -> Result<(), String> {
        if let Some((_, code)) = &mut self.code {
            code.push_str(t);
            return Ok(());
        }
        for part in split_placeholders(t) {
            match part {
                Ok(run) => {
                    self.out.push('#');
                    self.out.push_str(&string(run));
                }
                Err(n) => match calls.get(n) {
                    Some(c) => self.out.push_str(&call(c)?),
                    None => return Err(format!("shortcode placeholder {n} has no call")),
                },
            }
        }
        Ok(())
    }

    fn event(
        &mut self,
        event: Event<'_>,
        calls: &[ShortcodeCall],
        base_url: &str,
    ) -> Result<(), String> {
        let o = &mut self.out;
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {}
                Tag::Heading { level, .. } => {
                    o.push_str(&format!("#heading(level: {})[", level as u8));
                }
                Tag::BlockQuote(_) => o.push_str("#quote(block: true)["),
                Tag::CodeBlock(kind) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => {
                            l.split_whitespace().next().unwrap_or("").to_string()
                        }
                        CodeBlockKind::Indented => String::new(),
                    };
                    self.code = Some((lang, String::new()));
                }
                Tag::List(None) => o.push_str("#list("),
                Tag::List(Some(start)) => o.push_str(&format!("#enum(start: {start}, ")),
                Tag::Item => o.push('['),
                Tag::Table(aligns) => {
                    o.push_str(&format!("#table(columns: {}, ", aligns.len().max(1)));
                }
                Tag::TableHead => o.push_str("table.header("),
                Tag::TableRow => {}
                Tag::TableCell => o.push('['),
                Tag::Emphasis => o.push_str("#emph["),
                Tag::Strong => o.push_str("#strong["),
                Tag::Strikethrough => o.push_str("#strike["),
                Tag::Link { dest_url, .. } => match link_target(&dest_url, base_url) {
                    Some(url) => o.push_str(&format!("#link({})[", string(&url))),
                    None => o.push_str("#["),
                },
                Tag::Image { .. } => {
                    self.in_image += 1;
                    o.push_str("#emph[");
                }
                Tag::FootnoteDefinition(label) => {
                    o.push_str(&format!("#block[#super[{}] ", string(&label)));
                }
                Tag::HtmlBlock => {}
                // Not enabled by `parse::markdown::options`; their text still comes through.
                _ => o.push_str("#["),
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => o.push_str("\n\n"),
                TagEnd::Heading(_) => o.push_str("]\n\n"),
                TagEnd::BlockQuote(_) => o.push_str("]\n\n"),
                TagEnd::CodeBlock => {
                    if let Some((lang, code)) = self.code.take() {
                        let lang = if lang.is_empty() {
                            String::new()
                        } else {
                            format!("lang: {}, ", string(&lang))
                        };
                        let o = &mut self.out;
                        o.push_str(&format!("#raw(block: true, {lang}{})\n\n", string(&code)));
                    }
                }
                TagEnd::List(_) => o.push_str(")\n\n"),
                TagEnd::Item => o.push_str("], "),
                TagEnd::Table => o.push_str(")\n\n"),
                TagEnd::TableHead => o.push_str("), "),
                TagEnd::TableRow => {}
                TagEnd::TableCell => o.push_str("], "),
                TagEnd::Image => {
                    self.in_image = self.in_image.saturating_sub(1);
                    o.push(']');
                }
                TagEnd::FootnoteDefinition => o.push_str("]\n\n"),
                TagEnd::HtmlBlock => o.push_str("\n\n"),
                // Emphasis, strong, strikethrough, links and the fallbacks opened with `#[`.
                _ => o.push(']'),
            },
            Event::Text(t) => self.text(&t, calls)?,
            Event::Code(t) => o.push_str(&format!("#raw({})", string(&t))),
            Event::Html(h) | Event::InlineHtml(h) => {
                let t = html_text(&h);
                if !t.trim().is_empty() {
                    self.text(&t, calls)?;
                }
            }
            Event::SoftBreak => {
                if let Some((_, code)) = &mut self.code {
                    code.push('\n');
                } else {
                    o.push_str("#\" \"");
                }
            }
            Event::HardBreak => o.push_str("#linebreak()"),
            Event::Rule => o.push_str("#line(length: 100%)\n\n"),
            Event::FootnoteReference(label) => {
                o.push_str(&format!("#super[{}]", string(&label)));
            }
            Event::TaskListMarker(done) => o.push_str(if done { "#\"☑ \"" } else { "#\"☐ \"" }),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t, calls)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(string(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
        assert_eq!(string("x\ny\u{7}"), "\"x\\ny\\u{7}\"");
        assert_eq!(
            string("#set page(width: 1pt) *bold* $x$ <l> @r"),
            "\"#set page(width: 1pt) *bold* $x$ <l> @r\""
        );
    }

    #[test]
    fn shortcode_values_become_typst_values() {
        let v: serde_json::Value =
            serde_json::json!({"a": "x\"y", "n": 2, "b": true, "l": ["p"], "z": null});
        assert_eq!(
            value(&v),
            "(\"a\": \"x\\\"y\", \"b\": true, \"l\": (\"p\",), \"n\": 2, \"z\": none)"
        );
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("borough_directory"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier("a)b"));
        assert!(!is_identifier(""));
    }

    #[test]
    fn link_targets() {
        let b = "https://hub.example.org";
        assert_eq!(
            link_target("/x/", b).as_deref(),
            Some("https://hub.example.org/x/")
        );
        assert_eq!(link_target("tel:+44", b).as_deref(), Some("tel:+44"));
        assert_eq!(
            link_target("HTTPS://a.org", b).as_deref(),
            Some("HTTPS://a.org")
        );
        assert_eq!(link_target("#top", b), None);
        assert_eq!(link_target("//evil.org/", b), None);
        assert_eq!(link_target("javascript:alert(1)", b), None);
    }

    #[test]
    fn inline_html_keeps_only_text() {
        assert_eq!(
            html_text("<abbr title=\"x\">NHS</abbr> &amp; co"),
            "NHS & co"
        );
    }
}
