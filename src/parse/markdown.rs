//! Markdown structure read once per file: headings with unique ids, `@/` links, shortcode calls.
//!
//! HTML is produced later, in `render`, once every permalink is known; this pass only records
//! what later stages need to check and resolve, each with its byte offset for diagnostics.

use std::collections::HashMap;
use std::sync::Mutex;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::slug::slugify;

/// The Markdown extensions hubgen enables, and no others.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A heading in the body.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// Plain text.
    pub text: String,
    /// Unique id within the page.
    pub id: String,
}

/// An internal link `@/path.md#anchor`.
#[derive(Debug, Clone)]
pub struct LinkRef {
    /// Content path after `@/` (`campaigns/core-conversations.md`).
    pub target: String,
    /// Anchor after `#`, if any.
    pub anchor: Option<String>,
    /// Byte range of the link in the file.
    pub range: std::ops::Range<usize>,
}

/// A shortcode call `{{ name(arg="x") }}`.
#[derive(Debug, Clone)]
pub struct ShortcodeCall {
    /// Template name under `templates/shortcodes/`.
    pub name: String,
    /// Arguments as JSON values.
    pub args: serde_json::Map<String, serde_json::Value>,
    /// Byte range in the body.
    pub body_range: std::ops::Range<usize>,
}

/// What one pass over a body found.
#[derive(Debug, Default)]
pub struct Structure {
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// Internal links.
    pub links: Vec<LinkRef>,
    /// Shortcode calls outside code.
    pub shortcodes: Vec<ShortcodeCall>,
    /// Raw HTML is present and must be sanitised.
    pub has_raw_html: bool,
    /// Byte ranges (in the file) of images whose alt text is empty, for `hubgen check`.
    pub images_without_alt: Vec<std::ops::Range<usize>>,
    /// The body's plain text for the search index (see `body_text`), read during this pass
    /// when the site has search so the index does not parse every page a second time. The
    /// index takes it out (`take_text`), so it is not kept for the whole build.
    pub text: Mutex<Option<BodyText>>,
}

/// A body's plain text cut at headings (see `body_text`): one string, and where each block
/// ends in it. One string per page rather than one per block: cutting it into strings copied
/// every page's text once more, and at 10,000 pages made 80,000 strings to free again.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BodyText {
    /// Every block's text, one after another.
    pub text: String,
    /// Where each block ends in `text`; block `i` starts where block `i - 1` ends.
    pub ends: Vec<usize>,
}

impl BodyText {
    /// Block `i`'s text (empty past the last block).
    pub fn block(&self, i: usize) -> &str {
        let from = i
            .checked_sub(1)
            .map_or(0, |j| self.ends.get(j).copied().unwrap_or(0));
        let to = self.ends.get(i).copied().unwrap_or(from);
        self.text.get(from..to).unwrap_or_default()
    }

    /// Each block's text, in order.
    pub fn blocks(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.block(i))
    }
}

impl Structure {
    /// The text blocks read by `scan` (see `body_text`), taken out: `None` when they were not
    /// read (search off) or were taken already.
    pub fn take_text(&self) -> Option<BodyText> {
        // A poisoned lock only means another thread panicked; the value is still whole.
        self.text.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// What `scan` reads for the search index besides the page's structure.
#[derive(Debug, Clone, Copy)]
pub enum Text<'a> {
    /// Nothing (the site has no search).
    Skip,
    /// The plain text (see `body_text`), opened by the page's description if it has one.
    Read(Option<&'a str>),
}

/// Collects the plain text of a body cut at headings, event by event (see `body_text`),
/// into one buffer sized for the body.
struct TextBlocks {
    text: String,
    /// Where each block but the last ends in `text`.
    ends: Vec<usize>,
    in_heading: bool,
    /// Bytes of the description and the space after it at the start of `text` (0: none).
    lead: usize,
}

impl TextBlocks {
    /// Text starting with `description` and a space: the intro's own text follows it (the
    /// space is taken off again if the intro has none).
    fn new(body_len: usize, description: Option<&str>) -> Self {
        let lead = description.map_or(0, |d| d.len() + 1);
        let mut text = String::with_capacity(body_len + lead);
        if let Some(d) = description {
            text.push_str(d);
            text.push(' ');
        }
        TextBlocks {
            text,
            ends: Vec::new(),
            in_heading: false,
            lead,
        }
    }

    /// Ends the block being read.
    fn end_block(&mut self) {
        if self.ends.is_empty() && self.lead > 0 && self.text.len() == self.lead {
            self.text.pop();
        }
        self.ends.push(self.text.len());
    }

    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                self.end_block();
                self.in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) => self.in_heading = false,
            Event::Text(t) | Event::Code(t) if !self.in_heading => self.text.push_str(t),
            // Block ends and line breaks separate words; inline ends (emphasis, links) must
            // not, or a word half in bold would be cut in two.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => {
                let start = self.ends.last().copied().unwrap_or(0);
                if self.text.len() > start && !self.text.ends_with(' ') {
                    self.text.push(' ');
                }
            }
            _ => {}
        }
    }

    /// The text, its last block ended.
    fn finish(mut self) -> BodyText {
        self.end_block();
        BodyText {
            text: self.text,
            ends: self.ends,
        }
    }
}

/// The plain text of `body` cut at headings, for the search index: block 0 is the page's
/// `description` (if any) and the text before the first heading, block `i` the text under
/// the `i`-th heading (whose own text is left out: it is the heading's). Shortcode calls are
/// blanked out first: their arguments are not content (a shortcode's output, such as a
/// services list, is indexed from its data).
pub fn body_text(body: &str, shortcodes: &[ShortcodeCall], description: Option<&str>) -> BodyText {
    let mut blanked = body.to_string();
    for c in shortcodes {
        if blanked.is_char_boundary(c.body_range.start)
            && blanked.is_char_boundary(c.body_range.end)
        {
            let blank = " ".repeat(c.body_range.len());
            blanked.replace_range(c.body_range.clone(), &blank);
        }
    }
    let mut text = TextBlocks::new(blanked.len(), description);
    for event in Parser::new_ext(&blanked, options()) {
        text.event(&event);
    }
    text.finish()
}

/// Schemes a link may use; anything else (javascript:, data:, vbscript:) is refused.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(i) => {
            let scheme = &lower[..i];
            // A colon after a path character is part of a relative path, not a scheme.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto" | "tel" | "sms")
        }
    }
}

/// Scans a body. `file_text` and `body_offset` place diagnostics in the whole file. With
/// `Text::Read`, the page's plain text for the search index is read too (`Structure::text`).
pub fn scan(
    file: &std::path::Path,
    file_text: &str,
    body: &str,
    body_offset: usize,
    text: Text<'_>,
) -> (Structure, Vec<Diagnostic>) {
    let mut s = Structure::default();
    let mut errors = Vec::new();
    let mut code_ranges: Vec<std::ops::Range<usize>> = Vec::new();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    // An open image: its range and alt text so far.
    let mut image: Option<(std::ops::Range<usize>, String)> = None;
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let at = |r: std::ops::Range<usize>| r.start + body_offset..r.end + body_offset;
    let description = match text {
        Text::Skip => None,
        Text::Read(d) => Some(d),
    };
    let mut blocks = description.map(|d| TextBlocks::new(body.len(), d));
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let Some(b) = blocks.as_mut() {
            b.event(&event);
        }
        let is_image = matches!(event, Event::Start(Tag::Image { .. }));
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level as u8, id.map(|i| i.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, text)) = heading.take() {
                    let base = explicit.clone().unwrap_or_else(|| slugify(&text));
                    let base = if base.is_empty() {
                        "section".to_string()
                    } else {
                        base
                    };
                    let id = unique_id(&mut used_ids, base);
                    s.headings.push(Heading {
                        level,
                        text: text.trim().to_string(),
                        id,
                    });
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((r, alt)) = image.take()
                    && alt.trim().is_empty()
                {
                    s.images_without_alt.push(r);
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                if is_image {
                    image = Some((at(range.clone()), String::new()));
                }
                let url = dest_url.to_string();
                if let Some(target) = url.strip_prefix("@/") {
                    let (path, anchor) = match target.split_once('#') {
                        Some((p, a)) => (p.to_string(), Some(a.to_string())),
                        None => (target.to_string(), None),
                    };
                    s.links.push(LinkRef {
                        target: path,
                        anchor,
                        range: at(range.clone()),
                    });
                } else if !is_safe_url(&url) {
                    errors.push(
                        Diagnostic::at(file, file_text, at(range.clone()), format!("link address `{url}` is not allowed"))
                            .help("links may use http:, https:, mailto: or tel:, a site path, or @/path.md for a page of this site")
                            .code(crate::lint::codes::UNSAFE_LINK),
                    );
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code_ranges.push(range.clone()),
            Event::Code(c) => {
                code_ranges.push(range.clone());
                if let Some((_, _, t)) = heading.as_mut() {
                    t.push_str(&c);
                }
            }
            Event::Text(t) => {
                if let Some((_, _, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => s.has_raw_html = true,
            _ => {}
        }
    }
    find_shortcodes(
        file,
        file_text,
        body,
        body_offset,
        &code_ranges,
        &mut s.shortcodes,
        &mut errors,
    );
    if let Some(b) = blocks {
        // Shortcode calls are found only after the pass; where there are any, the text is
        // read again with them blanked out (rare: most pages have none).
        let blocks = if s.shortcodes.is_empty() {
            b.finish()
        } else {
            body_text(body, &s.shortcodes, description.flatten())
        };
        s.text = Mutex::new(Some(blocks));
    }
    (s, errors)
}

fn unique_id(used: &mut HashMap<String, usize>, base: String) -> String {
    let n = used.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base
    } else {
        format!("{base}-{}", *n - 1)
    }
}

/// Finds `{{ name(args) }}` outside code. Text like `{{ not a call }}` is left alone.
fn find_shortcodes(
    file: &std::path::Path,
    file_text: &str,
    body: &str,
    body_offset: usize,
    code: &[std::ops::Range<usize>],
    out: &mut Vec<ShortcodeCall>,
    errors: &mut Vec<Diagnostic>,
) {
    let mut from = 0;
    while let Some(i) = body[from..].find("{{") {
        let start = from + i;
        from = start + 2;
        if code.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let rest = &body[start + 2..];
        let trimmed = rest.trim_start();
        let name_len = trimmed
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(trimmed.len());
        if name_len == 0 || !trimmed[name_len..].starts_with('(') {
            continue;
        }
        let name = &trimmed[..name_len];
        let args_start = start + 2 + (rest.len() - trimmed.len()) + name_len + 1;
        match parse_args(&body[args_start..]) {
            Ok((args, used)) => {
                let after = &body[args_start + used..];
                let close = after.trim_start();
                if let Some(stripped) = close.strip_prefix("}}") {
                    let end = body.len() - stripped.len();
                    out.push(ShortcodeCall {
                        name: name.to_string(),
                        args,
                        body_range: start..end,
                    });
                    from = end;
                } else {
                    errors.push(
                        Diagnostic::at(
                            file,
                            file_text,
                            start + body_offset..args_start + used + body_offset,
                            format!("shortcode `{name}` is not closed with `}}}}`"),
                        )
                        .help(format!("write it as {{{{ {name}(...) }}}}"))
                        .code(crate::lint::codes::SHORTCODE_SYNTAX),
                    );
                }
            }
            Err((msg, at)) => {
                errors.push(
                    Diagnostic::at(file, file_text, args_start + at + body_offset..args_start + at + 1 + body_offset, format!("bad argument to shortcode `{name}`: {msg}"))
                        .help("arguments look like name=\"text\", count=3 or flag=true, separated by commas")
                        .code(crate::lint::codes::SHORTCODE_SYNTAX),
                );
            }
        }
    }
}

type Args = serde_json::Map<String, serde_json::Value>;

/// Parses `key="v", n=1)`; returns the args and the bytes used including `)`.
fn parse_args(s: &str) -> Result<(Args, usize), (String, usize)> {
    let mut args = Args::new();
    let b = s.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t') {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i < b.len() && b[i] == b')' {
            return Ok((args, i + 1));
        }
        let key_start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i == key_start {
            return Err((
                "expected an argument name or `)`".into(),
                i.min(s.len().saturating_sub(1)),
            ));
        }
        let key = &s[key_start..i];
        skip_ws(&mut i);
        if i >= b.len() || b[i] != b'=' {
            return Err((
                format!("expected `=` after `{key}`"),
                i.min(s.len().saturating_sub(1)),
            ));
        }
        i += 1;
        skip_ws(&mut i);
        let value = if i < b.len() && b[i] == b'"' {
            let mut v = String::new();
            i += 1;
            loop {
                match s[i..].chars().next() {
                    None | Some('\n') => {
                        return Err((
                            "text is missing its closing quote".into(),
                            i.min(s.len().saturating_sub(1)),
                        ));
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') if s[i + 1..].starts_with('"') => {
                        v.push('"');
                        i += 2;
                    }
                    Some(c) => {
                        v.push(c);
                        i += c.len_utf8();
                    }
                }
            }
            serde_json::Value::String(v)
        } else {
            let vs = i;
            while i < b.len() && !matches!(b[i], b',' | b')' | b' ' | b'\n') {
                i += 1;
            }
            let word = &s[vs..i];
            match word {
                "true" => serde_json::Value::Bool(true),
                "false" => serde_json::Value::Bool(false),
                _ => match word.parse::<i64>() {
                    Ok(n) => serde_json::Value::from(n),
                    Err(_) => match word.parse::<f64>() {
                        Ok(f) => serde_json::Number::from_f64(f)
                            .map_or(serde_json::Value::Null, serde_json::Value::Number),
                        Err(_) => {
                            return Err((
                                format!("`{word}` is not text in quotes, a number, true or false"),
                                vs,
                            ));
                        }
                    },
                },
            }
        };
        if args.insert(key.to_string(), value).is_some() {
            return Err((format!("`{key}` is given twice"), key_start));
        }
        skip_ws(&mut i);
        if i < b.len() && b[i] == b',' {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn scan_str(body: &str) -> (Structure, Vec<Diagnostic>) {
        scan(Path::new("p.md"), body, body, 0, Text::Skip)
    }

    #[test]
    fn text_for_search_is_cut_at_headings_and_read_only_when_asked() {
        let body = "Intro *bold*word.\n\n## Help\n\nUnder it.\n";
        let (s, _) = scan(Path::new("p.md"), body, body, 0, Text::Read(None));
        let text = s.take_text().expect("read in the scan");
        assert_eq!(
            text.blocks().collect::<Vec<_>>(),
            ["Intro boldword. ", "Under it. "]
        );
        assert_eq!(text.text, "Intro boldword. Under it. ");
        assert_eq!(
            (text.block(0), text.block(1), text.block(2)),
            ("Intro boldword. ", "Under it. ", "")
        );
        assert!(s.take_text().is_none(), "taken once");
        assert!(scan_str(body).0.take_text().is_none(), "not asked for");
    }

    #[test]
    fn the_description_opens_the_intro() {
        let blocks = |body: &str| {
            let (s, _) = scan(
                Path::new("p.md"),
                body,
                body,
                0,
                Text::Read(Some("Summary.")),
            );
            let text = s.take_text().expect("read in the scan");
            text.blocks().map(str::to_string).collect::<Vec<_>>()
        };
        // Joined to the intro by a space; alone when the intro is empty, with or without
        // headings after it; read again the same way when a shortcode blanks part of it.
        assert_eq!(
            blocks("Intro.\n\n## H\n\nUnder.\n"),
            ["Summary. Intro. ", "Under. "]
        );
        assert_eq!(blocks("## H\n\nUnder.\n"), ["Summary.", "Under. "]);
        assert_eq!(blocks(""), ["Summary."]);
        assert_eq!(blocks("{{ helplines() }}\n"), ["Summary."]);
        let blanked = blocks("Call {{ helplines() }} now\n");
        let words: Vec<&str> = blanked[0].split_whitespace().collect();
        assert_eq!((blanked.len(), words), (1, vec!["Summary.", "Call", "now"]));
    }

    #[test]
    fn empty_blocks_stay_empty_and_get_no_space() {
        // Nothing before the first heading, an empty code block at the start of a block (its
        // end must not put a space there), and a heading with nothing under it.
        let body = "## First\n\n```\n```\n\nBody\n\n## Empty\n\n## Last\n\nEnd.\n";
        let (s, _) = scan(Path::new("p.md"), body, body, 0, Text::Read(None));
        assert_eq!(
            s.take_text()
                .expect("read in the scan")
                .blocks()
                .collect::<Vec<_>>(),
            ["", "Body ", "", "End. "]
        );
    }

    #[test]
    fn text_read_in_the_scan_is_what_a_second_reading_gives() {
        for body in [
            "Intro *bold*word, `code`.\n\n## Help\n\n- one\n- two\n\n> quoted\n\n### Sub {#s}\n\n| a | b |\n|---|---|\n| c | d |\n\nNote[^1].\n\n[^1]: Foot.\n",
            "Before {{ helplines() }} after\n\n## Local\n\n{{ services(borough=\"hackney\") }}\n",
            "No headings,\nsoft break and a [link](@/about.md).\n",
        ] {
            for d in [None, Some("A summary.")] {
                let (s, e) = scan(Path::new("p.md"), body, body, 0, Text::Read(d));
                assert!(e.is_empty(), "{e:?}");
                let text = s.take_text().expect("read in the scan");
                assert_eq!(text, body_text(body, &s.shortcodes, d), "{body}");
                assert_eq!(text.blocks().count(), s.headings.len() + 1);
            }
        }
        // A shortcode's arguments are not text (the page is read again without them).
        let body = "Call {{ services(borough=\"hackney\") }} now\n";
        let (s, _) = scan(Path::new("p.md"), body, body, 0, Text::Read(None));
        let text = s.take_text().expect("read").text;
        assert!(!text.contains("hackney") && text.contains("Call") && text.contains("now"));
    }

    #[test]
    fn headings_get_unique_ids_in_any_script() {
        let (s, _) = scan_str("## Help\n\n## Help\n\n## مساعدة\n\n## 帮助 {#help-zh}\n");
        let ids: Vec<&str> = s.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["help", "help-1", "مساعدة", "help-zh"]);
    }

    #[test]
    fn finds_links_and_refuses_javascript() {
        let (s, e) =
            scan_str("[a](@/about.md#our-aims) [b](javascript:alert(1)) [c](https://x.org)\n");
        assert_eq!(s.links[0].target, "about.md");
        assert_eq!(s.links[0].anchor.as_deref(), Some("our-aims"));
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("javascript:"));
    }

    #[test]
    fn shortcodes_outside_code_only() {
        let (s, e) = scan_str(
            "{{ helplines() }}\n\n`{{ skip() }}`\n\n{{ services(borough=\"hackney\", n=2, x=true) }}\n\n{{ not a call }}\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let names: Vec<&str> = s.shortcodes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["helplines", "services"]);
        assert_eq!(s.shortcodes[1].args["borough"], "hackney");
        assert_eq!(s.shortcodes[1].args["n"], 2);
    }

    #[test]
    fn bad_shortcode_argument_is_an_error_with_column() {
        let (_, e) = scan_str("Text\n{{ services(borough=hackney x) }}\n");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 2);
    }
}
