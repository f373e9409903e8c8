//! What serve adds to every HTML response, never to the files on disk: the live-reload script
//! and, while the latest build failed, an overlay listing every diagnostic.
//!
//! Everything from content (messages, source lines, paths) is inserted as escaped text, never
//! as HTML. Source lines get `dir="auto"` so an Arabic line reads right to left; the overlay
//! takes the page's `<html dir>` for its layout. It is a modal dialog: focus moves into it, Tab
//! stays on its one button, Escape or the button dismisses it and gives focus back.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use super::state::BuildFailure;
use crate::diagnostics::{Diagnostic, Severity};

/// Overlay text is escaped exactly as the generated XML and redirect pages are.
pub use crate::render::extras::xml_escape as escape;

/// The Server-Sent Events endpoint the injected script listens to.
pub const EVENTS_PATH: &str = "/__hubgen/events";

/// `html` with the overlay (when `failure` is set) and the reload script inserted before the
/// last `</body>`, or appended when there is none.
pub fn inject(html: &str, version: u64, failure: Option<&BuildFailure>) -> String {
    let mut extra = String::new();
    if let Some(f) = failure {
        extra.push_str(&overlay(f, page_dir(html)));
    }
    extra.push_str(&reload_script(version));
    // ASCII lowercasing keeps byte offsets, so the index is valid in `html`.
    let at = html
        .to_ascii_lowercase()
        .rfind("</body")
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + extra.len());
    out.push_str(&html[..at]);
    out.push_str(&extra);
    out.push_str(&html[at..]);
    out
}

/// The page served when the output has no such file and no `404.html` of its own (e.g. the
/// first build failed), so the overlay still has somewhere to show.
pub fn fallback_not_found() -> String {
    "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n\
     <title>Not found</title>\n</head>\n<body>\n<h1>Not found</h1>\n\
     <p>There is no page at this address in the site built so far.</p>\n</body>\n</html>\n"
        .to_string()
}

/// The page client: live reload, and the overlay's keyboard handling. It is an external file
/// so that previewed pages keep working under the site's `default-src 'self'` policy.
pub const CLIENT_PATH: &str = "/__hubgen/client.js";
/// The client's source.
pub const CLIENT_JS: &str = include_str!("client.js");
/// The overlay's stylesheet, external for the same reason.
pub const OVERLAY_CSS_PATH: &str = "/__hubgen/overlay.css";
/// The stylesheet's source.
pub const OVERLAY_CSS: &str = include_str!("overlay.css");

/// The tag that loads the client; `version` is the build the page came from.
fn reload_script(version: u64) -> String {
    format!(
        "<script src=\"{CLIENT_PATH}\" data-version=\"{version}\" data-hubgen=\"live-reload\"></script>\n"
    )
}

/// `rtl` when the page's `<html>` tag says `dir="rtl"` (quoted or not), else `ltr`.
fn page_dir(html: &str) -> &'static str {
    let lower = html.to_ascii_lowercase();
    let Some(start) = lower.find("<html") else {
        return "ltr";
    };
    let tag = &lower[start..];
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let Some(i) = tag.find(" dir=") else {
        return "ltr";
    };
    let value = tag[i + 5..].trim_start_matches(['"', '\'']);
    if value.starts_with("rtl") {
        "rtl"
    } else {
        "ltr"
    }
}

/// The overlay for a failed build, laid out in the page's direction `dir`.
fn overlay(failure: &BuildFailure, dir: &str) -> String {
    let mut items = String::new();
    let title = match failure {
        BuildFailure::Content(ds) => {
            for d in ds {
                items.push_str(&diagnostic_item(d));
            }
            let errors = ds.iter().filter(|d| d.severity == Severity::Error).count();
            let warnings = ds.len() - errors;
            let mut t = format!("{errors} {}", plural(errors, "error", "errors"));
            if warnings > 0 {
                let _ = write!(
                    t,
                    ", {warnings} {}",
                    plural(warnings, "warning", "warnings")
                );
            }
            format!("The last build failed: {t}")
        }
        BuildFailure::Env(message) => {
            let _ = write!(
                items,
                "<li><p dir=\"auto\"><strong>error:</strong> {}</p></li>",
                escape(message)
            );
            "The last build failed".to_string()
        }
    };
    format!(
        "<div id=\"hubgen-overlay\" dir=\"{dir}\" lang=\"en\">\
         <link rel=\"stylesheet\" href=\"{OVERLAY_CSS_PATH}\">\
         <div class=\"hg-box\" role=\"alertdialog\" aria-modal=\"true\" \
         aria-labelledby=\"hubgen-overlay-title\" aria-describedby=\"hubgen-overlay-note\" tabindex=\"-1\">\
         <h2 id=\"hubgen-overlay-title\">{title}</h2>\
         <p id=\"hubgen-overlay-note\">You are looking at the last good build. Fix the problems below \
         and save: this page reloads by itself. The terminal running <code>hubgen serve</code> shows \
         them too.</p><ol>{items}</ol>\
         <button type=\"button\" id=\"hubgen-overlay-close\">Dismiss (Esc)</button></div></div>\n"
    )
}

/// One diagnostic: headline, `file:line:col`, the source line with the span marked, the caret,
/// and the help.
fn diagnostic_item(d: &Diagnostic) -> String {
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!(
        "<li><p dir=\"auto\"><strong>{label}:</strong> {}</p><p><code dir=\"ltr\">{}</code></p>",
        escape(&d.message),
        escape(&d.location())
    );
    if let (Some(src), true) = (&d.source_line, d.line > 0) {
        let (before, marked, after) = split_at_column(src, d.column, d.width);
        let _ = write!(out, "<pre class=\"hg-src\" dir=\"auto\">{}", escape(before));
        if !marked.is_empty() {
            let _ = write!(out, "<mark>{}</mark>", escape(marked));
        }
        let _ = write!(out, "{}</pre>", escape(after));
        // A caret line only lines up under a left-to-right line; in a right-to-left one the
        // marked span (above) shows the place instead.
        if d.column > 0 && !has_rtl(src) {
            let _ = write!(
                out,
                "<pre class=\"hg-caret\" dir=\"ltr\" aria-hidden=\"true\">{}{}</pre>",
                " ".repeat(before.width()),
                "^".repeat(marked.width().max(1))
            );
        }
    }
    if let Some(help) = &d.help {
        let _ = write!(
            out,
            "<p dir=\"auto\"><strong>help:</strong> {}</p>",
            escape(help)
        );
    }
    out.push_str("</li>");
    out
}

/// Splits `src` around the `width` characters starting at 1-based character `column`.
fn split_at_column(src: &str, column: usize, width: usize) -> (&str, &str, &str) {
    if column == 0 {
        return (src, "", "");
    }
    let byte_at = |chars: usize| src.char_indices().nth(chars).map_or(src.len(), |(i, _)| i);
    let start = byte_at(column - 1);
    let end = byte_at(column - 1 + width.max(1)).max(start);
    (&src[..start], &src[start..end], &src[end..])
}

/// True when the line has a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko…).
fn has_rtl(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
    })
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><body><p>x</p></body></html>";

    #[test]
    fn nothing_inline_is_injected_so_the_sites_csp_holds() {
        let d = Diagnostic::file_error("content/a.md", "broken");
        let out = inject(PAGE, 1, Some(&BuildFailure::Content(vec![d])));
        let added = &out[PAGE.find("</body>").unwrap()..];
        assert!(!added.contains("<style"), "{added}");
        assert!(!added.contains(" style="), "{added}");
        for tag in added.match_indices("<script").map(|(i, _)| &added[i..]) {
            let tag = &tag[..tag.find('>').unwrap()];
            assert!(tag.contains(" src=\"/__hubgen/client.js\""), "{tag}");
        }
        assert!(added.contains("href=\"/__hubgen/overlay.css\""));
    }

    #[test]
    fn script_goes_before_the_last_body_close() {
        let out = inject(PAGE, 7, None);
        let script = out.find("data-version=\"7\"").unwrap();
        assert!(script < out.find("</body>").unwrap());
        assert!(!out.contains("hubgen-overlay"));
        let bare = inject("<p>no body</p>", 1, None);
        assert!(bare.starts_with("<p>no body</p><script"));
        let upper = inject("<BODY></BODY>", 1, None);
        assert!(upper.ends_with("</script>\n</BODY>"), "{upper}");
    }

    #[test]
    fn overlay_escapes_content_and_follows_the_page_direction() {
        let text = "+++\ntitle = \"<script>alert(1)</script>\"\nعنوان = 1\n+++\n";
        let off = text.find("عنوان").unwrap();
        let d = Diagnostic::at(
            "content/a.ar.md",
            text,
            off..off + "عنوان".len(),
            "unknown key",
        )
        .help("use `title` & co");
        let f = BuildFailure::Content(vec![
            d,
            Diagnostic::at("content/b.md", text, 4..9, "bad <b>"),
        ]);
        let out = inject(PAGE, 2, Some(&f));
        assert!(out.contains("<div id=\"hubgen-overlay\" dir=\"rtl\" lang=\"en\">"));
        assert!(out.contains("The last build failed: 2 errors"));
        assert!(out.contains("content/a.ar.md:3:1"));
        assert!(out.contains("<pre class=\"hg-src\" dir=\"auto\"><mark>عنوان</mark> = 1</pre>"));
        assert!(out.contains("use `title` &amp; co"));
        assert!(out.contains("bad &lt;b&gt;"));
        // The Arabic line gets no caret line; the Latin one does, under the marked span.
        assert_eq!(out.matches("hg-caret\"").count(), 1);
        assert!(out.contains("aria-hidden=\"true\">^^^^^</pre>"));
        assert!(!out.contains("<script>alert"));
        assert!(out.find("hubgen-overlay").unwrap() < out.find("live-reload").unwrap());
    }

    #[test]
    fn page_direction_reads_quoted_and_bare_values() {
        assert_eq!(page_dir("<html lang=ar dir=rtl>"), "rtl");
        assert_eq!(page_dir("<HTML DIR='RTL'>"), "rtl");
        assert_eq!(page_dir("<html lang=\"en\" dir=\"ltr\">"), "ltr");
        assert_eq!(page_dir("<p dir=rtl>"), "ltr");
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(split_at_column("ab标题cd", 3, 2), ("ab", "标题", "cd"));
        assert_eq!(split_at_column("abc", 9, 1), ("abc", "", ""));
        assert_eq!(split_at_column("abc", 0, 0), ("abc", "", ""));
    }
}
