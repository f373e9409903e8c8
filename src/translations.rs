//! The translation matrix: for every translatable page, its state in each language (current,
//! stale, missing, machine draft), as a table, JSON or CSV; and `--stamp`, which records the
//! English hash in a translation after a reviewer has checked it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Serialize;

use crate::model::review;
use crate::model::staleness::{self, Status};
use crate::model::{Doc, Site};

/// One translation's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    /// The English source itself.
    Source,
    /// Reviewed and made from the current English.
    Current,
    /// Made from the current English but not yet reviewed by a person.
    MachineDraft,
    /// The English changed since the translation was made.
    Stale,
    /// No translation.
    Missing,
}

impl Cell {
    /// One-character symbol for the table.
    pub fn symbol(self) -> &'static str {
        match self {
            Cell::Source => "E",
            Cell::Current => "✓",
            Cell::MachineDraft => "✎",
            Cell::Stale => "!",
            Cell::Missing => "–",
        }
    }
}

/// One page across all languages.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Content path of the English page (`guidance/sleep.md`).
    pub page: String,
    /// English title.
    pub title: String,
    /// Hash of the English, as `translation_of` records it.
    pub hash: String,
    /// Language code → state, in configured order.
    pub languages: Vec<(String, Cell)>,
    /// When the English page was last reviewed (`YYYY-MM-DD`).
    pub reviewed: Option<String>,
    /// When its next review is due.
    pub review_due: Option<String>,
    /// Where that review stands today (`current`, `due_soon`, `overdue`).
    pub review: Option<review::State>,
}

/// True for the English pages the matrix has a row for: those under `guidance/` and those
/// with at least one translation.
pub fn in_matrix(site: &Site, d: &Doc) -> bool {
    d.lang() == site.config.default_language().code
        && (d.key().starts_with("guidance/") || d.translations.len() > 1)
}

/// Rows for every English page under `guidance/` or with at least one translation.
pub fn matrix(site: &Site) -> Vec<Row> {
    let today = crate::dates::today();
    let mut rows: Vec<Row> = site
        .docs
        .iter()
        .filter(|d| in_matrix(site, d))
        .map(|english| {
            let rev = review::own(&site.config, english);
            Row {
                page: english.key().to_string(),
                title: english.parsed.front.title.clone(),
                hash: staleness::doc_hash(english),
                languages: site
                    .config
                    .languages
                    .iter()
                    .map(|l| l.code.clone())
                    .zip(cells(site, english))
                    .collect(),
                reviewed: rev.and_then(|r| r.reviewed).map(|d| d.to_string()),
                review_due: rev.and_then(|r| r.due).map(|d| d.to_string()),
                review: rev.and_then(|r| r.state(&site.config, today)),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.page.cmp(&b.page));
    rows
}

/// The state of each language's version of `english`, in configured language order.
pub fn cells(site: &Site, english: &Doc) -> Vec<Cell> {
    site.config
        .languages
        .iter()
        .map(|l| {
            let version = english
                .translations
                .iter()
                .map(|&i| &site.docs[i])
                .find(|t| t.lang() == l.code);
            cell(english, version)
        })
        .collect()
}

fn cell(english: &Doc, version: Option<&Doc>) -> Cell {
    match version {
        None => Cell::Missing,
        Some(v) if v.id == english.id => Cell::Source,
        Some(v) if staleness::status(v, english) == Status::Stale => Cell::Stale,
        Some(v) if v.parsed.front.machine_draft => Cell::MachineDraft,
        Some(_) => Cell::Current,
    }
}

/// The matrix as an aligned text table with a legend.
pub fn table(site: &Site, rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|r| r.page.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!("{:width$}", "page");
    for l in &site.config.languages {
        let _ = write!(out, " {:>3}", l.code);
    }
    out.push_str("  review due\n");
    for r in rows {
        let _ = write!(out, "{:width$}", r.page);
        for (_, c) in &r.languages {
            let _ = write!(out, " {:>3}", c.symbol());
        }
        let _ = writeln!(out, "  {}", review_note(r));
    }
    let count = |want: Cell| {
        rows.iter()
            .flat_map(|r| &r.languages)
            .filter(|(_, c)| *c == want)
            .count()
    };
    let _ = writeln!(
        out,
        "\n{} current (✓), {} machine drafts (✎), {} stale (!), {} missing (–); E = the English source",
        count(Cell::Current),
        count(Cell::MachineDraft),
        count(Cell::Stale),
        count(Cell::Missing)
    );
    out
}

/// `2027-09-01`, `2026-12-01 (due soon)`, `2026-01-01 (OVERDUE)`, or `–` without a date.
fn review_note(r: &Row) -> String {
    match (&r.review_due, r.review) {
        (None, _) => "–".into(),
        (Some(d), Some(review::State::DueSoon)) => format!("{d} (due soon)"),
        (Some(d), Some(review::State::Overdue)) => format!("{d} (OVERDUE)"),
        (Some(d), _) => d.clone(),
    }
}

/// The matrix as CSV: `page,title,hash,<code>…` with cell names.
pub fn csv(site: &Site, rows: &[Row]) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("page,title,hash");
    for l in &site.config.languages {
        out.push(',');
        out.push_str(&l.code);
    }
    out.push_str(",reviewed,review_due,review\n");
    for r in rows {
        let _ = write!(out, "{},{},{}", quote(&r.page), quote(&r.title), r.hash);
        for (_, c) in &r.languages {
            let name = serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = write!(out, ",{name}");
        }
        let state = r
            .review
            .and_then(|s| serde_json::to_value(s).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            ",{},{},{state}",
            r.reviewed.as_deref().unwrap_or_default(),
            r.review_due.as_deref().unwrap_or_default()
        );
    }
    out
}

/// Sets `translation_of` in a translation file to its English page's current hash.
/// Returns the hash written. Only that one line of the file changes.
pub fn stamp(site: &Site, file: &Path) -> anyhow::Result<String> {
    let content = site.config.content_dir();
    let abs = if file.is_absolute() {
        file.to_path_buf()
    } else {
        site.config.root.join(file)
    };
    let rel = abs
        .strip_prefix(&content)
        .or_else(|_| file.strip_prefix("content"))
        .with_context(|| format!("{} is not inside {}", file.display(), content.display()))?
        .to_string_lossy()
        .replace('\\', "/");
    let Some(doc) = site.docs.iter().find(|d| d.parsed.source.rel == rel) else {
        bail!("{} is not a page of this site", file.display());
    };
    let default = &site.config.default_language().code;
    if doc.lang() == default.as_str() {
        bail!(
            "{} is the English source, not a translation; stamp its translations instead",
            file.display()
        );
    }
    let Some(english) = doc
        .translations
        .iter()
        .map(|&i| &site.docs[i])
        .find(|t| t.lang() == default.as_str())
    else {
        bail!(
            "{} has no English page content/{} to be a translation of",
            file.display(),
            doc.key()
        );
    };
    let hash = staleness::doc_hash(english);
    let text =
        std::fs::read_to_string(&abs).with_context(|| format!("cannot read {}", abs.display()))?;
    let updated = set_translation_of(&text, &hash)
        .with_context(|| format!("{} has no front matter", file.display()))?;
    std::fs::write(&abs, updated).with_context(|| format!("cannot write {}", abs.display()))?;
    Ok(hash)
}

/// Replaces the top-level `translation_of` line of the front matter, or adds one after `title`.
fn set_translation_of(text: &str, hash: &str) -> Option<String> {
    let line = format!("translation_of = \"{hash}\"");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.first()?.trim_end() != "+++" {
        return None;
    }
    let close = lines.iter().skip(1).position(|l| l.trim_end() == "+++")? + 1;
    let front = &lines[1..close];
    let top_level_end = front
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .unwrap_or(front.len());
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let is_key = |l: &str, key: &str| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with('='))
    };
    if let Some(i) = front[..top_level_end]
        .iter()
        .position(|l| is_key(l, "translation_of"))
    {
        out[i + 1] = format!("{line}\n");
    } else {
        let after = front[..top_level_end]
            .iter()
            .position(|l| is_key(l, "title"))
            .map_or(top_level_end, |i| i + 1);
        out.insert(after + 1, format!("{line}\n"));
    }
    Some(out.concat())
}

#[cfg(test)]
mod tests {
    use super::set_translation_of;

    #[test]
    fn stamping_changes_one_line_only() {
        let text = "+++\ntitle = \"T\"\nmachine_draft = true\ntranslation_of = \"old\"\n\n[taxonomies]\ntopics = [\"a\"]\n+++\nbody\n";
        assert_eq!(
            set_translation_of(text, "abc").unwrap(),
            "+++\ntitle = \"T\"\nmachine_draft = true\ntranslation_of = \"abc\"\n\n[taxonomies]\ntopics = [\"a\"]\n+++\nbody\n"
        );
        let text = "+++\ntitle = \"T\"\n[extra]\ntranslation_of = \"x\"\n+++\n";
        assert_eq!(
            set_translation_of(text, "abc").unwrap(),
            "+++\ntitle = \"T\"\ntranslation_of = \"abc\"\n[extra]\ntranslation_of = \"x\"\n+++\n"
        );
        assert!(set_translation_of("no front matter", "abc").is_none());
    }
}
