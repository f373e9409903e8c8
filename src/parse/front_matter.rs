//! Front matter: split the `+++` block off a Markdown file and read it into typed values.
//!
//! TOML error positions are relative to the front-matter slice; they are moved by the slice's
//! offset so the editor sees the line and column in the whole file (Zola gets this wrong).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// Keys an editor may write, in the order they are listed in help messages.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "reviewed",
    "review_due",
    "draft",
    "weight",
    "slug",
    "aliases",
    "template",
    "taxonomies",
    "extra",
    "translation_of",
    "machine_draft",
    "sort_by",
    "paginate_by",
    "page_template",
    "allow",
];

/// Keys only meaningful in a section's `_index.md`.
pub const SECTION_KEYS: &[&str] = &["sort_by", "paginate_by", "page_template"];

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Lightest first, then title.
    #[default]
    Weight,
    /// Newest first, then title.
    Date,
    /// Alphabetical.
    Title,
}

/// The taxonomies a page can be filed under.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Taxonomies {
    /// Subjects, e.g. "money worries".
    #[serde(default)]
    pub topics: Vec<String>,
    /// Who it is for, e.g. "young people".
    #[serde(default)]
    pub audiences: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    description: Option<String>,
    date: Option<toml::value::Datetime>,
    updated: Option<toml::value::Datetime>,
    reviewed: Option<toml::value::Datetime>,
    review_due: Option<toml::value::Datetime>,
    #[serde(default)]
    draft: bool,
    weight: Option<i64>,
    slug: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    template: Option<String>,
    #[serde(default)]
    taxonomies: Taxonomies,
    #[serde(default)]
    extra: toml::Table,
    translation_of: Option<String>,
    #[serde(default)]
    machine_draft: bool,
    sort_by: Option<SortBy>,
    paginate_by: Option<usize>,
    page_template: Option<String>,
    #[serde(default)]
    allow: Vec<String>,
}

/// A date as templates and feeds see it, converted from TOML's own datetime type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    /// RFC 3339, with midnight UTC for a bare date (sorts chronologically within one offset).
    pub rfc3339: String,
    /// `YYYY-MM-DD`.
    pub ymd: String,
}

/// Validated front matter.
#[derive(Debug, Clone, Serialize)]
pub struct FrontMatter {
    /// Page title.
    pub title: String,
    /// Summary for listings, search and meta description.
    pub description: Option<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// Last update (from git when the file does not say; see `crate::gitdates`).
    pub updated: Option<Date>,
    /// When a person last checked the health information on the page.
    pub reviewed: Option<Date>,
    /// When it must be checked again (else `reviewed` plus the section's interval).
    pub review_due: Option<Date>,
    /// Left out of the build unless `--drafts`.
    pub draft: bool,
    /// Ordering weight.
    pub weight: Option<i64>,
    /// Replaces the file-name part of the URL.
    pub slug: Option<String>,
    /// Old URLs that redirect here.
    pub aliases: Vec<String>,
    /// Template override.
    pub template: Option<String>,
    /// Topics and audiences.
    pub taxonomies: Taxonomies,
    /// Free data for templates (dates already converted to strings).
    pub extra: serde_json::Value,
    /// Hash of the English source this translation was made from.
    pub translation_of: Option<String>,
    /// Translation not reviewed by a person yet.
    pub machine_draft: bool,
    /// Section ordering.
    pub sort_by: SortBy,
    /// Section pagination (pages per listing page).
    pub paginate_by: Option<usize>,
    /// Template for the section's pages.
    pub page_template: Option<String>,
    /// Lint codes silenced for this file (`allow = ["H020"]`); validated against
    /// `crate::lint::codes`.
    pub allow: Vec<String>,
}

/// A file split into front matter and body, with offsets into the original text.
#[derive(Debug)]
pub struct Split<'a> {
    /// TOML between the fences.
    pub toml: &'a str,
    /// Byte offset of `toml` in the file.
    pub toml_offset: usize,
    /// Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Splits `+++` front matter off `text`. The opening fence must be the first line.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim_end() != "+++" {
        let d = if text.trim().is_empty() {
            Diagnostic::file_error(file, "file is empty")
        } else {
            Diagnostic::at_line(file, text, 1, "missing front matter")
        };
        return Err(
            d.help("start the file with a line `+++`, then `title = \"…\"`, then another `+++`")
        );
    }
    let toml_offset = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut pos = toml_offset;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..end].trim_end() == "+++" {
            let body_offset = (end + 1).min(text.len());
            return Ok(Split {
                toml: &text[toml_offset..pos],
                toml_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        pos = end + 1;
    }
    Err(
        Diagnostic::at_line(file, text, 1, "front matter is never closed")
            .help("add a line `+++` after the last front-matter line"),
    )
}

/// Parses the TOML of a split file into validated front matter.
pub fn parse(
    file: &Path,
    text: &str,
    split: &Split<'_>,
    is_section: bool,
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let raw: RawFrontMatter = match toml::from_str(split.toml) {
        Ok(r) => r,
        Err(e) => {
            return Err(vec![toml_diagnostic(
                file,
                text,
                split.toml_offset,
                &e,
                KNOWN_KEYS,
            )]);
        }
    };
    let mut errors = Vec::new();
    let key_diag = |key: &str, msg: String| match key_line(split.toml, key) {
        Some(l) => Diagnostic::at_line(
            file,
            text,
            text[..split.toml_offset].matches('\n').count() + l,
            msg,
        ),
        None => Diagnostic::at_line(file, text, 1, msg),
    };
    let title = raw.title.unwrap_or_default();
    if title.trim().is_empty() {
        errors.push(
            Diagnostic::at_line(file, text, 1, "front matter has no `title`")
                .help("add a line such as title = \"Coping with stress\" between the +++ lines"),
        );
    }
    if !is_section {
        for key in SECTION_KEYS {
            if key_line(split.toml, key).is_some() {
                errors.push(
                    key_diag(key, format!("`{key}` only works in a section's _index.md"))
                        .help(format!("remove `{key}` from this page, or move it to the _index.md of its folder")),
                );
            }
        }
    }
    if raw.paginate_by == Some(0) {
        errors.push(
            key_diag("paginate_by", "`paginate_by` must be at least 1".into())
                .help("use a positive number, or remove the key to list every page on one page"),
        );
    }
    for alias in &raw.aliases {
        if !alias.starts_with('/') || alias.contains("..") {
            errors.push(
                key_diag(
                    "aliases",
                    format!("alias `{alias}` must be a site path starting with `/`"),
                )
                .help("write old addresses as paths, e.g. aliases = [\"/old-page/\"]"),
            );
        }
    }
    if let Some(slug) = &raw.slug
        && crate::model::slug::slugify(slug).is_empty()
    {
        errors.push(
            key_diag("slug", format!("slug `{slug}` has no letters or digits"))
                .help("use words, e.g. slug = \"coping-with-stress\""),
        );
    }
    for code in &raw.allow {
        if let Some(msg) = crate::lint::codes::allow_problem(code) {
            errors.push(key_diag("allow", msg).help(format!(
                "codes that may be allowed: {}",
                crate::lint::codes::allowable_list()
            )));
        }
    }
    let date = convert_date(raw.date, "date", &key_diag, &mut errors);
    let updated = convert_date(raw.updated, "updated", &key_diag, &mut errors);
    let reviewed = convert_date(raw.reviewed, "reviewed", &key_diag, &mut errors);
    let review_due = convert_date(raw.review_due, "review_due", &key_diag, &mut errors);
    if let (Some(r), Some(d)) = (&reviewed, &review_due)
        && d.ymd < r.ymd
    {
        errors.push(
            key_diag(
                "review_due",
                format!("`review_due` ({}) is before `reviewed` ({})", d.ymd, r.ymd),
            )
            .help("the next review comes after the last one; check the year"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(FrontMatter {
        title,
        description: raw.description.filter(|d| !d.trim().is_empty()),
        date,
        updated,
        reviewed,
        review_due,
        draft: raw.draft,
        weight: raw.weight,
        slug: raw.slug,
        aliases: raw.aliases,
        template: raw.template,
        taxonomies: raw.taxonomies,
        extra: toml_to_json(&toml::Value::Table(raw.extra)),
        translation_of: raw.translation_of,
        machine_draft: raw.machine_draft,
        sort_by: raw.sort_by.unwrap_or_default(),
        paginate_by: raw.paginate_by,
        page_template: raw.page_template,
        allow: raw.allow,
    })
}

fn convert_date(
    value: Option<toml::value::Datetime>,
    key: &str,
    key_diag: &dyn Fn(&str, String) -> Diagnostic,
    errors: &mut Vec<Diagnostic>,
) -> Option<Date> {
    let dt = value?;
    let Some(d) = dt.date else {
        errors.push(
            key_diag(key, format!("`{key}` has a time but no date"))
                .help(format!("write a date, e.g. {key} = 2026-03-01")),
        );
        return None;
    };
    let ymd = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    let rfc3339 = match (dt.time, dt.offset) {
        (None, _) => format!("{ymd}T00:00:00Z"),
        (Some(t), None) => format!(
            "{ymd}T{:02}:{:02}:{:02}Z",
            t.hour,
            t.minute,
            t.second.unwrap_or(0)
        ),
        (Some(t), Some(o)) => format!(
            "{ymd}T{:02}:{:02}:{:02}{o}",
            t.hour,
            t.minute,
            t.second.unwrap_or(0)
        ),
    };
    Some(Date { rfc3339, ymd })
}

/// 1-based line within `toml` where `key = …` is written at the top level.
pub fn key_line(toml: &str, key: &str) -> Option<usize> {
    let mut in_table = false;
    for (i, line) in toml.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('[') {
            in_table = true;
        }
        if in_table {
            continue;
        }
        if let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Some(i + 1);
        }
    }
    None
}

/// A toml error as a diagnostic in the whole file; unknown keys get the nearest known key.
pub fn toml_diagnostic(
    file: &Path,
    text: &str,
    offset: usize,
    e: &toml::de::Error,
    known: &[&str],
) -> Diagnostic {
    let msg = e.message().trim().to_string();
    let range = e
        .span()
        .map(|r| r.start + offset..r.end + offset)
        .unwrap_or(offset..offset);
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some(key) = rest.split('`').next()
    {
        let nearest = known
            .iter()
            .map(|k| (strsim::jaro_winkler(k, key), *k))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k);
        let list = known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = match nearest {
            Some(k) => format!("did you mean `{k}`? The known keys are {list}"),
            None => format!("the known keys are {list}; put your own data under [extra]"),
        };
        return Diagnostic::at(file, text, range, format!("unknown key `{key}`")).help(help);
    }
    let help = if msg.contains("invalid type") {
        "check the value's type: text needs quotes, numbers and true/false do not, lists use [ ]"
    } else if msg.contains("day") || msg.contains("month") || msg.contains("date") {
        "write dates as YYYY-MM-DD, e.g. 2026-03-01, and check the day exists"
    } else if msg.contains("duplicate key") {
        "a key may appear only once in the same table: remove or merge the repeated one"
    } else if file.extension().is_some_and(|e| e == "md") {
        "front matter is TOML: key = value, text in double quotes"
    } else {
        "this file is TOML: key = value, text in double quotes"
    };
    // Serde names Rust types; editors need plain words.
    let msg = first_line(&msg)
        .replace("expected i64", "expected a whole number")
        .replace("expected usize", "expected a whole number (0 or more)")
        .replace("expected a sequence", "expected a list in [ ]");
    Diagnostic::at(file, text, range, format!("invalid TOML: {msg}")).help(help)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// Converts TOML to JSON for templates, turning datetimes into plain strings.
pub fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_help_names_the_file_kind_and_duplicate_keys() {
        let help = |file: &str, text: &str| {
            let e = toml::from_str::<toml::Table>(text).unwrap_err();
            toml_diagnostic(Path::new(file), text, 0, &e, &[])
                .help
                .unwrap()
        };
        assert!(help("config.toml", "a = 1\na = 2\n").contains("only once"));
        assert!(help("config.toml", "a = \"x\n").starts_with("this file is TOML"));
        assert!(help("content/a.md", "a = \"x\n").starts_with("front matter is TOML"));
    }

    fn fm(text: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
        let s = split(Path::new("p.md"), text).map_err(|d| vec![d])?;
        parse(Path::new("p.md"), text, &s, false)
    }

    #[test]
    fn parses_dates_without_leaking_toml_types() {
        let f = fm("+++\ntitle = \"A\"\ndate = 2026-05-01\n[extra]\nwhen = 2026-01-02\n+++\nbody")
            .unwrap();
        assert_eq!(f.date.unwrap().rfc3339, "2026-05-01T00:00:00Z");
        assert_eq!(f.extra["when"], serde_json::json!("2026-01-02"));
    }

    #[test]
    fn error_positions_are_in_the_whole_file() {
        let e = fm("+++\ntitle = \"A\"\ndate = 2026-02-30\n+++\n").unwrap_err();
        assert_eq!(e[0].line, 3);
        let e = fm("+++\ntitle = \"A\"\ntitel = \"B\"\n+++\n").unwrap_err();
        assert_eq!((e[0].line, e[0].column), (3, 1));
        assert!(
            e[0].help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `title`?")
        );
    }

    #[test]
    fn unclosed_and_missing_front_matter() {
        assert_eq!(
            fm("+++\ntitle = \"A\"\n").unwrap_err()[0].message,
            "front matter is never closed"
        );
        assert_eq!(fm("# hi\n").unwrap_err()[0].message, "missing front matter");
        assert_eq!(
            fm("+++\n+++\n").unwrap_err()[0].message,
            "front matter has no `title`"
        );
    }

    #[test]
    fn section_keys_rejected_on_pages() {
        let e = fm("+++\ntitle = \"A\"\nsort_by = \"date\"\n+++\n").unwrap_err();
        assert_eq!(e[0].line, 3);
    }
}
