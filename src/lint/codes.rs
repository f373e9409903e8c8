//! The stable diagnostic codes: one per rule, never renumbered, so editors' `allow` lists and
//! tools keep working. The README's table is checked against this list by a test.

use crate::diagnostics::Severity;

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    /// `H012`.
    pub code: &'static str,
    /// What it reports, for the README and help messages.
    pub what: &'static str,
    /// Severity unless `--production` or a setting changes it.
    pub severity: Severity,
    /// Whether `allow = ["…"]` may silence it. Rules whose findings would break the site or
    /// publish wrong facts (syntax, missing pages, sample data) cannot be allowed.
    pub allowable: bool,
}

macro_rules! codes {
    ($($name:ident = $code:literal, $sev:ident, $allow:literal, $what:literal;)*) => {
        $(
            #[doc = $what]
            pub const $name: &str = $code;
        )*
        /// Every rule, in code order.
        pub const ALL: &[Code] = &[
            $(Code { code: $code, what: $what, severity: Severity::$sev, allowable: $allow },)*
        ];
    };
}

codes! {
    UNREADABLE = "H001", Error, false, "A file cannot be read or is not UTF-8.";
    LANGUAGE_SUFFIX = "H002", Error, false, "A file name has a language suffix that is not configured.";
    FRONT_MATTER = "H003", Error, false, "Front matter is missing, unclosed, not valid TOML, or has an unknown or wrong key.";
    UNSAFE_LINK = "H004", Error, false, "A link uses an address scheme that is not allowed (javascript:, data:, …).";
    SHORTCODE_SYNTAX = "H005", Error, false, "A shortcode call is not closed or has a bad argument.";
    UNKNOWN_SHORTCODE = "H006", Error, false, "A shortcode that the theme does not have.";
    SHORTCODE_FAILED = "H007", Error, false, "A shortcode failed to render (e.g. an unknown borough or category).";
    MISSING_PAGE = "H008", Error, false, "An `@/` link to a page that does not exist (or is a draft).";
    MISSING_ANCHOR = "H009", Error, false, "An `@/…#anchor` link to a heading that does not exist.";
    ADDRESS_TAKEN = "H010", Error, false, "Two files, or an alias and a file, would be written to the same address.";
    TEMPLATE = "H011", Error, false, "A template is missing or fails to render.";
    BROKEN_LINK = "H012", Error, true, "A link or image in the rendered site (content or templates) points to a file the build does not make.";
    BROKEN_ANCHOR = "H013", Error, true, "A link in the rendered site points to an `#id` that its target page does not have.";
    IMAGE_ALT = "H014", Error, true, "An image has no alt text (write alt text, or alt=\"\" in a template for a decorative image).";
    HEADING_SKIP = "H015", Warning, true, "A heading skips a level (an h2 followed by an h4) in the rendered page.";
    MANY_H1 = "H016", Warning, true, "A rendered page has more than one h1 (the theme already shows the title as h1).";
    EMPTY_LINK = "H017", Error, true, "A link has no text that a screen reader can announce.";
    VAGUE_LINK = "H018", Warning, true, "English link text that does not say where it goes (\"click here\", \"read more\", \"here\").";
    DUPLICATE_TITLE = "H019", Warning, true, "Two pages in the same language have the same title.";
    NO_DESCRIPTION = "H020", Warning, true, "A page has no description (used by search results, listings and link previews).";
    NO_PAGE = "H021", Warning, true, "A file in content/ produces nothing in the site.";
    SERVICES_DATA = "H022", Error, false, "A services or helplines data entry breaks a rule (phone, URL, postcode, category, language, missing field).";
    DUE_FOR_REVIEW = "H023", Warning, false, "A services entry is due for review (an error with --production).";
    SAMPLE_ENTRY = "H024", Warning, false, "A services entry is sample data (an error with --production).";
    ORPHAN_SERVICES = "H025", Error, false, "A services.toml file for a borough that has no page.";
    STALE_TRANSLATION = "H026", Warning, false, "A translation's English source changed since `translation_of` was recorded.";
    ORPHAN_TRANSLATION = "H027", Warning, false, "A translation records `translation_of` but its English page does not exist.";
    UI_STRINGS = "H028", Warning, false, "UI strings are missing for a language (English is shown instead).";
    CONFIG = "H029", Error, false, "config.toml is invalid (unknown key, bad base_url, language, menu or allow entry).";
    TAXONOMY_TERM = "H030", Error, false, "A topics or audiences term has no letters or digits.";
    REVIEW_DUE_SOON = "H031", Warning, false, "A page's `review_due` date is within `[review] due_soon_days` (30 days unless set).";
    REVIEW_OVERDUE = "H032", Warning, false, "A page's `review_due` date has passed (an error with `[review] overdue_is_error = true`).";
    REVIEW_MISSING = "H033", Warning, false, "A page in a section with a `[review] interval_days` entry has no `reviewed` date.";
    PDF_GLYPH = "H034", Error, false, "A character in a PDF (pack or leaflet) that no font in the PDF font folders has a glyph for.";
    PDF_FONTS_MISSING = "H035", Warning, false, "The fonts for a script are not installed, so the PDFs in it are not built (an error with `--production`).";
    PDF_TYPESET = "H036", Error, false, "A PDF template failed to typeset (an error in the theme's `typst/` files or a shortcode without a PDF version).";
}

/// The rule for a code, if it exists.
pub fn find(code: &str) -> Option<&'static Code> {
    ALL.iter().find(|c| c.code == code)
}

/// Why `code` may not appear in an `allow` list, if it may not.
pub fn allow_problem(code: &str) -> Option<String> {
    match find(code) {
        None => Some(format!("`{code}` in `allow` is not a hubgen code")),
        Some(c) if !c.allowable => {
            // "A file cannot be read." → "a file cannot be read" (keep TOML, URL capitals).
            let what = c.what.trim_end_matches('.');
            let mut chars = what.chars();
            let first = chars.next().map(|f| f.to_lowercase().collect::<String>());
            Some(format!(
                "`{code}` cannot be allowed: {}{}",
                first.unwrap_or_default(),
                chars.as_str()
            ))
        }
        Some(_) => None,
    }
}

/// The codes `allow` accepts, for help messages.
pub fn allowable_list() -> String {
    ALL.iter()
        .filter(|c| c.allowable)
        .map(|c| c.code)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_unique_and_in_order() {
        let codes: Vec<&str> = super::ALL.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }
}

#[cfg(test)]
mod readme {
    /// The README's table is the editors' reference: it must list every code as it is here.
    #[test]
    fn readme_table_matches_the_codes() {
        let readme = include_str!("../../README.md");
        for c in super::ALL {
            let severity = match c.severity {
                crate::diagnostics::Severity::Error => "error",
                crate::diagnostics::Severity::Warning => "warning",
            };
            let row = format!(
                "| {} | {} | {severity} | {} |",
                c.code,
                c.what,
                if c.allowable { "yes" } else { "no" }
            );
            assert!(readme.contains(&row), "README lacks the row:\n{row}");
        }
    }
}
