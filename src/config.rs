//! Site configuration: `config.toml` read into a raw serde struct, then validated into `Config`.
//!
//! Unknown keys are rejected so a typo never silently does nothing. Reading direction is
//! configured per language, never guessed from the code (Punjabi in Gurmukhi is LTR, Sorani RTL).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Reading direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
}

/// One configured language.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// URL prefix and file suffix (`ar` in `page.ar.md` and `/ar/`).
    pub code: String,
    /// BCP 47 tag for `lang=` and `hreflang` (`zh-Hans`).
    pub tag: String,
    /// The language's own name, shown in the switcher.
    pub name: String,
    /// Its English name, for editors' reports.
    pub english: String,
    /// Reading direction.
    pub dir: Dir,
}

/// A main-navigation entry: a translation key for the label and an `@/` content path.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// Key in `translations/<code>.toml`.
    pub label: String,
    /// Content path, e.g. `@/campaigns/_index.md`.
    pub path: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: Spanned<String>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_language")]
    default_language: Spanned<String>,
    #[serde(default = "yes")]
    minify: bool,
    #[serde(default = "yes")]
    search: bool,
    #[serde(default)]
    feeds: Vec<String>,
    #[serde(default)]
    menu: Vec<MenuItem>,
    #[serde(default, rename = "language")]
    languages: Vec<Spanned<Language>>,
    #[serde(default)]
    services: RawServices,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    review: RawReview,
    #[serde(default)]
    pdf: RawPdf,
    #[serde(default)]
    extra: toml::Table,
}

/// `[pdf]`: the typeset packs and leaflets (see `PdfConfig`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPdf {
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    leaflets: Vec<String>,
    font_dirs: Option<Vec<PathBuf>>,
}

impl Default for RawPdf {
    fn default() -> Self {
        RawPdf {
            enabled: true,
            leaflets: Vec::new(),
            font_dirs: None,
        }
    }
}

/// `[pdf]` in config.toml: which PDFs are built and where their fonts come from.
#[derive(Debug, Clone)]
pub struct PdfConfig {
    /// PDFs are built at all (packs always, when on).
    pub enabled: bool,
    /// Sections (`guidance`) whose pages also get a PDF leaflet in each language.
    pub leaflets: Vec<String>,
    /// Folders searched for fonts, relative to the site root unless absolute.
    pub font_dirs: Vec<PathBuf>,
}

/// `[review]`: when health information must be checked again (see `ReviewConfig`).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawReview {
    #[serde(default)]
    interval_days: std::collections::BTreeMap<String, Spanned<i64>>,
    due_soon_days: Option<Spanned<i64>>,
    #[serde(default)]
    overdue_is_error: bool,
}

/// Review dates of health information (`[review]` in config.toml).
#[derive(Debug, Clone, Default)]
pub struct ReviewConfig {
    /// Top-level section (`guidance`) → days after `reviewed` that a page falls due, for
    /// pages that give `reviewed` but no `review_due`.
    pub interval_days: std::collections::BTreeMap<String, i64>,
    /// `check` warns this many days before a page's review falls due (default 30).
    pub due_soon_days: i64,
    /// An overdue page is an error (build and check), not a warning.
    pub overdue_is_error: bool,
}

/// `[check]`: lint codes silenced for the whole site.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    production_errors: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServices {
    #[serde(default)]
    categories: Vec<String>,
    review_after_days: Option<i64>,
}

fn default_theme() -> String {
    "hub".into()
}
fn default_language() -> Spanned<String> {
    Spanned::new(0..0, "en".into())
}
fn yes() -> bool {
    true
}

/// The validated configuration every later stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site root (the folder holding `config.toml`).
    pub root: PathBuf,
    /// Site title for feeds and `<title>` fallbacks.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Absolute base URL without a trailing slash (`https://hub.example.org`).
    pub base_url: String,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Languages in configured order; the default language is first.
    pub languages: Vec<Language>,
    /// Whether HTML is minified.
    pub minify: bool,
    /// Whether the search index, search pages and header search form are built.
    pub search: bool,
    /// Sections (content paths like `campaigns`) that get an Atom feed.
    pub feeds: Vec<String>,
    /// Main navigation.
    pub menu: Vec<MenuItem>,
    /// Include drafts.
    pub drafts: bool,
    /// Refuse sample data and entries due for review.
    pub production: bool,
    /// Services-directory category keys, in display order.
    pub categories: Vec<String>,
    /// Directory entries verified longer ago than this are due for review.
    pub review_after_days: i64,
    /// Free-form `[extra]`, converted for templates.
    pub extra: serde_json::Value,
    /// Lint codes silenced for the whole site (`[check] allow = ["H020"]`).
    pub allow: Vec<String>,
    /// Warning codes that are errors with `--production` (`[check] production_errors`).
    pub production_errors: Vec<String>,
    /// Review dates of health information (`[review]`).
    pub review: ReviewConfig,
    /// PDFs (`[pdf]`).
    pub pdf: PdfConfig,
}

impl Config {
    /// The default language (served at `/`).
    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    /// Looks a language up by its code.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// Index of a language in configured order.
    pub fn language_index(&self, code: &str) -> Option<usize> {
        self.languages.iter().position(|l| l.code == code)
    }

    /// URL path prefix for a language: `""` for the default, `/ar` otherwise.
    pub fn lang_prefix(&self, code: &str) -> String {
        if code == self.default_language().code {
            String::new()
        } else {
            format!("/{code}")
        }
    }

    /// Absolute URL for a site path starting with `/`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Content folder.
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    /// Active theme folder.
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }
}

/// Command-line overrides applied after reading the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--base-url`.
    pub base_url: Option<String>,
    /// `--drafts`.
    pub drafts: bool,
    /// `--production`.
    pub production: bool,
}

/// Reads and validates `<root>/config.toml`. Problems are diagnostics naming the line.
pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Diagnostics> {
    let path = root.join("config.toml");
    let display = PathBuf::from("config.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let mut ds = Diagnostics::new();
            ds.push(
                Diagnostic::file_error(&display, format!("cannot read {}: {e}", path.display()))
                    .help("run hubgen in the site folder, or pass --root DIR"),
            );
            return Err(ds);
        }
    };
    parse(root, &display, &text, overrides)
        .map_err(|ds| ds.default_code(crate::lint::codes::CONFIG))
}

/// Validates config text (pure, for tests).
pub fn parse(
    root: &Path,
    display: &Path,
    text: &str,
    overrides: &Overrides,
) -> Result<Config, Diagnostics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut ds = Diagnostics::new();
    let raw: RawConfig = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            ds.push(crate::parse::front_matter::toml_diagnostic(
                display,
                text,
                0,
                &e,
                &[
                    "title",
                    "description",
                    "base_url",
                    "theme",
                    "default_language",
                    "minify",
                    "search",
                    "feeds",
                    "menu",
                    "language",
                    "services",
                    "check",
                    "review",
                    "pdf",
                    "extra",
                ],
            ));
            return Err(ds);
        }
    };
    let base_url = overrides
        .base_url
        .clone()
        .unwrap_or_else(|| raw.base_url.get_ref().clone());
    if !(base_url.starts_with("http://") || base_url.starts_with("https://"))
        || base_url.len() <= "https://".len()
    {
        let d = if overrides.base_url.is_some() {
            Diagnostic::file_error(
                display,
                format!("--base-url `{base_url}` has no http(s) scheme"),
            )
        } else {
            Diagnostic::at(
                display,
                text,
                raw.base_url.span(),
                "base_url has no http(s) scheme",
            )
        };
        ds.push(d.help("write the full address, e.g. base_url = \"https://hub.example.org\""));
    }
    let mut seen = BTreeSet::new();
    for lang in &raw.languages {
        let l = lang.get_ref();
        let valid = !l.code.is_empty()
            && l.code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            ds.push(
                Diagnostic::at(
                    display,
                    text,
                    lang.span(),
                    format!("language code `{}` is not valid", l.code),
                )
                .help("use a lowercase code of letters, digits and hyphens, such as `ar` or `zh`"),
            );
        }
        if !seen.insert(l.code.clone()) {
            ds.push(
                Diagnostic::at(
                    display,
                    text,
                    lang.span(),
                    format!("language `{}` is configured twice", l.code),
                )
                .help("remove one of the [[language]] blocks"),
            );
        }
    }
    for code in &raw.check.allow {
        if let Some(msg) = crate::lint::codes::allow_problem(code.get_ref()) {
            ds.push(
                Diagnostic::at(display, text, code.span(), msg).help(format!(
                    "codes that may be allowed: {}",
                    crate::lint::codes::allowable_list()
                )),
            );
        }
    }
    for code in &raw.check.production_errors {
        let c = code.get_ref();
        if crate::lint::codes::find(c).is_none() {
            ds.push(
                Diagnostic::at(
                    display,
                    text,
                    code.span(),
                    format!("`{c}` in `production_errors` is not a hubgen code"),
                )
                .help("use codes from the table in the README, e.g. \"H020\""),
            );
        }
    }
    let review_days = raw
        .review
        .interval_days
        .values()
        .chain(raw.review.due_soon_days.as_ref());
    for days in review_days {
        if *days.get_ref() < 1 {
            ds.push(
                Diagnostic::at(
                    display,
                    text,
                    days.span(),
                    "a number of days must be at least 1",
                )
                .help("write whole days, e.g. guidance = 365"),
            );
        }
    }
    let default_code = raw.default_language.get_ref().clone();
    let mut languages: Vec<Language> = raw.languages.iter().map(|l| l.get_ref().clone()).collect();
    match languages.iter().position(|l| l.code == default_code) {
        Some(i) => {
            let d = languages.remove(i);
            languages.insert(0, d);
        }
        None => {
            let d = if raw.default_language.span().is_empty() {
                Diagnostic::file_error(
                    display,
                    format!("the default language `{default_code}` is not configured"),
                )
            } else {
                Diagnostic::at(
                    display,
                    text,
                    raw.default_language.span(),
                    format!("the default language `{default_code}` is not configured"),
                )
            };
            ds.push(d.help(format!(
                "add a [[language]] block with code = \"{default_code}\""
            )));
        }
    }
    if ds.has_errors() {
        return Err(ds);
    }
    Ok(Config {
        root: root.to_path_buf(),
        title: raw.title,
        description: raw.description,
        base_url: base_url.trim_end_matches('/').to_string(),
        theme: raw.theme,
        languages,
        minify: raw.minify,
        search: raw.search,
        pdf: PdfConfig {
            enabled: raw.pdf.enabled,
            leaflets: raw.pdf.leaflets,
            font_dirs: raw
                .pdf
                .font_dirs
                .map(|dirs| dirs.iter().map(|d| root.join(d)).collect())
                .unwrap_or_else(crate::pdf::fonts::default_dirs),
        },
        feeds: raw.feeds,
        menu: raw.menu,
        drafts: overrides.drafts,
        production: overrides.production,
        categories: raw.services.categories,
        review_after_days: raw.services.review_after_days.unwrap_or(365),
        extra: crate::parse::front_matter::toml_to_json(&toml::Value::Table(raw.extra)),
        allow: raw
            .check
            .allow
            .into_iter()
            .map(|c| c.into_inner())
            .collect(),
        production_errors: raw
            .check
            .production_errors
            .into_iter()
            .map(|c| c.into_inner())
            .collect(),
        review: ReviewConfig {
            interval_days: raw
                .review
                .interval_days
                .into_iter()
                .map(|(k, v)| (k, v.into_inner()))
                .collect(),
            due_soon_days: raw.review.due_soon_days.map_or(30, |d| d.into_inner()),
            overdue_is_error: raw.review.overdue_is_error,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: &str = r#"
[[language]]
code = "en"
tag = "en-GB"
name = "English"
english = "English"
dir = "ltr"

[[language]]
code = "ckb"
tag = "ckb"
name = "کوردی"
english = "Kurdish (Sorani)"
dir = "rtl"
"#;

    fn parse_str(s: &str) -> Result<Config, Diagnostics> {
        parse(
            Path::new("."),
            Path::new("config.toml"),
            s,
            &Overrides::default(),
        )
    }

    #[test]
    fn valid_config_puts_default_language_first() {
        let c = parse_str(&format!(
            "title = \"T\"\nbase_url = \"https://x.org/\"\ndefault_language = \"ckb\"\n{LANGS}"
        ))
        .unwrap();
        assert_eq!(c.default_language().code, "ckb");
        assert_eq!(c.base_url, "https://x.org");
        assert_eq!(c.language("ckb").unwrap().dir, Dir::Rtl);
    }

    #[test]
    fn base_url_without_scheme_is_an_error_on_its_line() {
        let e = parse_str(&format!("title = \"T\"\nbase_url = \"hub.org\"\n{LANGS}")).unwrap_err();
        let d = e.sorted()[0].clone();
        assert_eq!((d.line, d.column), (2, 12));
        assert_eq!(d.message, "base_url has no http(s) scheme");
    }

    #[test]
    fn check_allow_accepts_lint_codes_only() {
        let base = format!("title = \"T\"\nbase_url = \"https://x.org\"\n{LANGS}");
        let c = parse_str(&format!("{base}\n[check]\nallow = [\"H020\"]\n")).unwrap();
        assert_eq!(c.allow, ["H020"]);
        let e = parse_str(&format!(
            "{base}\n[check]\nallow = [\"H999\", \"H003\"]\nproduction_errors = [\"X1\"]\n"
        ))
        .unwrap_err();
        let messages: Vec<&str> = e.sorted().iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`H999` in `allow` is not a hubgen code",
                "`H003` cannot be allowed: front matter is missing, unclosed, not valid TOML, or has an unknown or wrong key",
                "`X1` in `production_errors` is not a hubgen code",
            ]
        );
    }

    #[test]
    fn unknown_key_and_duplicate_language_are_errors() {
        let e = parse_str(&format!(
            "title = \"T\"\nbase_url = \"https://x\"\nthem = \"a\"\n{LANGS}"
        ))
        .unwrap_err();
        assert!(
            e.sorted()[0].message.contains("unknown key `them`"),
            "{:?}",
            e
        );
        let e = parse_str(&format!(
            "title = \"T\"\nbase_url = \"https://x\"\n{LANGS}{LANGS}"
        ))
        .unwrap_err();
        assert_eq!(e.error_count(), 2);
        let e = parse_str(&format!(
            "title = \"T\"\nbase_url = \"https://x\"\ndefault_language = \"fr\"\n{LANGS}"
        ))
        .unwrap_err();
        assert!(e.sorted()[0].message.contains("`fr` is not configured"));
    }
}
