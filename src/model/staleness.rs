//! Translation staleness: a translation records the hash of the English it was made from
//! (`translation_of`); when the English words change, the translation is reported, never
//! silently left behind.

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Doc;
use crate::parse::front_matter::key_line;

/// The short hash of an English page that translations record in `translation_of`: the first
/// 12 hex digits of the SHA-256 of its title, a newline, and its Markdown body, each with every
/// run of white space folded to one space and trimmed. Only words count: re-wrapping lines,
/// line endings or front-matter changes (weight, dates) do not mark 26 translations stale.
pub fn source_hash(title: &str, body: &str) -> String {
    // The folded text is fed to the hash word by word instead of being built first.
    fn fold(h: &mut Sha256, s: &str) {
        for (i, w) in s.split_whitespace().enumerate() {
            if i > 0 {
                h.update(b" ");
            }
            h.update(w.as_bytes());
        }
    }
    let mut h = Sha256::new();
    fold(&mut h, title);
    h.update(b"\n");
    fold(&mut h, body);
    h.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of a parsed English document (computed once per parse).
pub fn doc_hash(d: &Doc) -> String {
    d.parsed
        .source_hash
        .get_or_init(|| source_hash(&d.parsed.front.title, d.parsed.body()))
        .clone()
}

/// How a translation stands against its English source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Made from the current English (or no hash recorded, so nothing to compare).
    Current,
    /// The English changed since `translation_of` was recorded.
    Stale,
}

/// The status of translation `d` whose English version is `english`.
pub fn status(d: &Doc, english: &Doc) -> Status {
    match &d.parsed.front.translation_of {
        Some(h) if *h != doc_hash(english) => Status::Stale,
        _ => Status::Current,
    }
}

/// Warns about every translation whose `translation_of` no longer matches its English source.
pub fn check(config: &Config, docs: &[Doc], ds: &mut Diagnostics) {
    let default = &config.default_language().code;
    for d in docs.iter().filter(|d| d.lang() != default.as_str()) {
        if d.parsed.front.translation_of.is_none() {
            continue;
        }
        let src = &d.parsed.source;
        let line = key_line(&src.text, "translation_of").unwrap_or(1);
        let english = d
            .translations
            .iter()
            .map(|&i| &docs[i])
            .find(|t| t.lang() == default.as_str());
        let Some(english) = english else {
            ds.push(
                Diagnostic::at_line(
                    &src.display,
                    &src.text,
                    line,
                    format!(
                        "translation of a page that does not exist: there is no content/{}",
                        d.key()
                    ),
                )
                .help("remove translation_of, or restore the English page")
                .code(crate::lint::codes::ORPHAN_TRANSLATION)
                .warning(),
            );
            continue;
        };
        if status(d, english) == Status::Stale {
            ds.push(
                Diagnostic::at_line(&src.display, &src.text, line, format!("translation is out of date: {} changed since it was translated", english.parsed.source.display.display()))
                    .help(format!(
                        "update the translation from the English, then run `hubgen translations --stamp {}` (it sets translation_of = \"{}\")",
                        src.display.display(),
                        doc_hash(english)
                    ))
                    .code(crate::lint::codes::STALE_TRANSLATION)
                    .warning(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::source_hash;

    #[test]
    fn hash_folds_white_space_and_matches_the_documented_rule() {
        // python3: hashlib.sha256("Coping with stress\nSome text. More text.".encode()).hexdigest()[:12]
        assert_eq!(
            source_hash("Coping with stress", "Some   text.\n\nMore\ttext.\n"),
            "3d813c3902af"
        );
        assert_eq!(
            source_hash("Coping with stress", "Some text. More text."),
            "3d813c3902af"
        );
        assert_ne!(
            source_hash("Coping with stress", "Some text. More texts."),
            "3d813c3902af"
        );
        assert_ne!(
            source_hash("Coping with Stress", "Some text. More text."),
            "3d813c3902af"
        );
    }
}
