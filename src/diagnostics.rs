//! Content problems as values: collected across the whole site, sorted, and printed together.
//!
//! Columns count characters (not bytes) so that Arabic and Chinese lines point at the right
//! place; the caret is padded by display width so it lines up in a terminal.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthStr;

/// How bad a diagnostic is: errors stop the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the build (exit code 1).
    Error,
    /// Reported, but the site is still written.
    Warning,
}

/// One problem in one file, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Path as the editor knows it (relative to the site root where possible).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    /// How many characters to underline (at least one when a column is known).
    pub width: usize,
    /// The text of the offending line, for the snippet.
    pub source_line: Option<String>,
    /// What is wrong, as a lowercase phrase.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Stable code (`H012`) naming the rule, for `allow` lists and tools; see `crate::lint::codes`.
    pub code: Option<&'static str>,
}

impl Diagnostic {
    /// A problem with a whole file (no position).
    pub fn file_error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: 0,
            column: 0,
            width: 0,
            source_line: None,
            message: message.into(),
            help: None,
            code: None,
        }
    }

    /// A problem at a byte range of `text`, the full contents of `file`.
    pub fn at(
        file: impl Into<PathBuf>,
        text: &str,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let pos = Position::of(text, range.start);
        let end = range.end.clamp(range.start, text.len());
        let line_end = pos.line_start + pos.line_text.len();
        let underlined = text
            .get(range.start.min(text.len())..end.min(line_end))
            .unwrap_or("");
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: pos.line,
            column: pos.column,
            width: underlined.chars().count().max(1),
            source_line: Some(pos.line_text.to_string()),
            message: message.into(),
            help: None,
            code: None,
        }
    }

    /// A problem on a 1-based line of `text` (the whole line is underlined).
    pub fn at_line(
        file: impl Into<PathBuf>,
        text: &str,
        line: usize,
        message: impl Into<String>,
    ) -> Self {
        let start = line_start_offset(text, line);
        let len = text[start..].find('\n').unwrap_or(text.len() - start);
        let trimmed = text[start..start + len].trim_start();
        let lead = len - trimmed.len();
        Self::at(
            file,
            text,
            start + lead..start + lead + trimmed.trim_end().len(),
            message,
        )
    }

    /// Adds a hint on how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Names the rule this diagnostic reports (a code from `crate::lint::codes`).
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Turns the diagnostic into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// `file:line:col`, as editors and terminals link it.
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => format!("{file}"),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }

    /// Renders rustc-style: headline, location arrow, source line, caret, help.
    pub fn render(&self) -> String {
        self.render_styled(Style::Plain)
    }

    /// Renders rustc-style, with terminal colours when `style` asks for them.
    pub fn render_styled(&self, style: Style) -> String {
        let mut out = String::new();
        let (label, colour) = match self.severity {
            Severity::Error => ("error", RED),
            Severity::Warning => ("warning", YELLOW),
        };
        let label = match self.code {
            Some(code) => format!("{label}[{code}]"),
            None => label.to_string(),
        };
        let paint = |text: &str, colour: &str| match style {
            Style::Plain => text.to_string(),
            Style::Colour => format!("{colour}{text}{RESET}"),
        };
        let _ = writeln!(
            out,
            "{}{}",
            paint(&label, colour),
            paint(&format!(": {}", self.message), BOLD)
        );
        let gutter = " ".repeat(self.line.to_string().len());
        let _ = writeln!(out, "{gutter}{} {}", paint("-->", BLUE), self.location());
        if let (Some(src), true) = (&self.source_line, self.line > 0) {
            let bar = paint("|", BLUE);
            let _ = writeln!(out, "{gutter} {bar}");
            let _ = writeln!(out, "{} {bar} {}", paint(&self.line.to_string(), BLUE), src);
            if self.column > 0 {
                let before: String = src.chars().take(self.column - 1).collect();
                let marked: String = src.chars().skip(self.column - 1).take(self.width).collect();
                let pad = " ".repeat(before.width());
                let carets = "^".repeat(marked.width().max(1));
                let _ = writeln!(out, "{gutter} {bar} {pad}{}", paint(&carets, colour));
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{gutter} {} help: {help}", paint("=", BLUE));
        }
        out
    }

    /// One JSON object for tools: file, line, column, code, severity, message, help.
    pub fn to_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            file: String,
            line: usize,
            column: usize,
            code: Option<&'a str>,
            severity: &'a str,
            message: &'a str,
            help: Option<&'a str>,
        }
        let json = Json {
            file: self.file.to_string_lossy().replace('\\', "/"),
            line: self.line,
            column: self.column,
            code: self.code,
            severity: match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: &self.message,
            help: self.help.as_deref(),
        };
        serde_json::to_string(&json).unwrap_or_default()
    }
}

/// Whether human output uses terminal colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain text (files, pipes, tests, `NO_COLOR`).
    Plain,
    /// ANSI colours, for a terminal.
    Colour,
}

impl Style {
    /// Colour only when the stream is a terminal and `NO_COLOR` is unset or empty
    /// (<https://no-color.org>), so logs and editors' tools get plain text.
    pub fn for_stream(is_terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if is_terminal && !no_color {
            Style::Colour
        } else {
            Style::Plain
        }
    }
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Line and character column of a byte offset.
struct Position<'a> {
    line: usize,
    column: usize,
    line_start: usize,
    line_text: &'a str,
}

impl<'a> Position<'a> {
    fn of(text: &'a str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..line_start].matches('\n').count() + 1;
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        Position {
            line,
            column: text[line_start..offset].chars().count() + 1,
            line_start,
            line_text: text[line_start..line_end].trim_end_matches('\r'),
        }
    }
}

/// Byte offset where 1-based `line` starts (the end of the text if there are fewer lines).
pub fn line_start_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// All diagnostics of one run, in the order they are printed.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds all of another collection.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// The diagnostics, sorted by file, position, code and message (stable across thread
    /// counts).
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, b.code, &b.message))
        });
        v.dedup();
        v
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sets `code` on every diagnostic that has none yet (a stage's default rule).
    pub fn default_code(mut self, code: &'static str) -> Self {
        for d in &mut self.items {
            d.code.get_or_insert(code);
        }
        self
    }

    /// Turns warnings whose code is in `codes` into errors (`[check] production_errors`).
    pub fn promote(&mut self, codes: &[String]) {
        for d in &mut self.items {
            if d.code.is_some_and(|c| codes.iter().any(|p| p == c)) {
                d.severity = Severity::Error;
            }
        }
    }

    /// Keeps only the diagnostics for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(keep);
    }

    /// Every diagnostic as one JSON object per line, in the sorted order.
    pub fn render_json(&self) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.to_json());
            out.push('\n');
        }
        out
    }

    /// Every diagnostic rendered, then a one-line summary.
    pub fn render(&self) -> String {
        self.render_styled(Style::Plain)
    }

    /// Every diagnostic rendered (coloured when `style` asks), then a one-line summary.
    pub fn render_styled(&self, style: Style) -> String {
        let sorted = self.sorted();
        let mut out = String::new();
        for d in &sorted {
            out.push_str(&d.render_styled(style));
            out.push('\n');
        }
        let files: std::collections::BTreeSet<&Path> =
            sorted.iter().map(|d| d.file.as_path()).collect();
        let (e, w) = (self.error_count(), self.warning_count());
        let _ = writeln!(
            out,
            "{} {}, {} {} in {} {}",
            e,
            plural(e, "error", "errors"),
            w,
            plural(w, "warning", "warnings"),
            files.len(),
            plural(files.len(), "file", "files"),
        );
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_counts_characters_not_bytes() {
        let text = "+++\ntitle = \"مرحبا\"\nbad = 1\n";
        let off = text.find("bad").unwrap();
        let d = Diagnostic::at("a.md", text, off..off + 3, "x");
        assert_eq!((d.line, d.column, d.width), (3, 1, 3));
        let text = "标题 标题 oops";
        let off = text.find("oops").unwrap();
        let d = Diagnostic::at("a.md", text, off..off + 4, "x");
        assert_eq!(d.column, 7);
        // caret is padded by display width: 4 CJK chars are 8 columns, plus 2 spaces
        let rendered = d.render();
        assert!(rendered.contains("\n  |           ^^^^\n"), "{rendered}");
    }

    #[test]
    fn renders_rustc_style() {
        let text = "line one\ntitel = 1\n";
        let d = Diagnostic::at("c.md", text, 9..14, "unknown key `titel`").help("use `title`");
        assert_eq!(
            d.render(),
            "error: unknown key `titel`\n --> c.md:2:1\n  |\n2 | titel = 1\n  | ^^^^^\n  = help: use `title`\n"
        );
    }

    #[test]
    fn code_in_headline_and_colour_only_when_asked() {
        let d = Diagnostic::file_error("a.md", "broken")
            .code("H012")
            .warning();
        assert_eq!(d.render(), "warning[H012]: broken\n --> a.md\n");
        let coloured = d.render_styled(Style::Colour);
        assert!(
            coloured.starts_with("\x1b[1;33mwarning[H012]\x1b[0m"),
            "{coloured:?}"
        );
        assert!(!d.render().contains('\x1b'));
        assert_eq!(Style::for_stream(false), Style::Plain);
        assert_eq!(
            d.to_json(),
            r#"{"file":"a.md","line":0,"column":0,"code":"H012","severity":"warning","message":"broken","help":null}"#
        );
    }

    #[test]
    fn summary_counts_files() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::file_error("a.md", "one"));
        ds.push(Diagnostic::file_error("b.md", "two").warning());
        assert!(ds.render().ends_with("1 error, 1 warning in 2 files\n"));
    }
}
