//! Translation staleness: a translation records the hash of the English it was made from
//! (`translation_of`); when the English file changes, the translation is reported, never
//! silently left behind.

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Doc;
use crate::parse::front_matter::key_line;

/// The short hash of a source file's text (as read: UTF-8, LF, NFC), as editors copy it into
/// `translation_of`: the first 12 hex digits of its SHA-256.
pub fn source_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Warns about every translation whose `translation_of` no longer matches its English source.
pub fn check(config: &Config, docs: &[Doc], ds: &mut Diagnostics) {
    let default = &config.default_language().code;
    for d in docs.iter().filter(|d| d.lang() != default.as_str()) {
        let Some(recorded) = &d.parsed.front.translation_of else {
            continue;
        };
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
                .warning(),
            );
            continue;
        };
        let now = source_hash(&english.parsed.source.text);
        if &now != recorded {
            ds.push(
                Diagnostic::at_line(
                    &src.display,
                    &src.text,
                    line,
                    format!(
                        "translation is out of date: {} changed since it was translated",
                        english.parsed.source.display.display()
                    ),
                )
                .help(format!(
                    "update the translation from the English, then set translation_of = \"{now}\""
                ))
                .warning(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_is_the_first_12_hex_digits_of_sha256() {
        // `printf 'hello\n' | sha256sum` starts with 5891b5b522d5.
        assert_eq!(super::source_hash("hello\n"), "5891b5b522d5");
    }
}
