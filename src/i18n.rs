//! UI strings from `translations/<code>.toml`: one table per language, English as the fallback.
//!
//! A key missing in a language falls back to English and is reported as a warning; a key the
//! theme uses that English lacks is an error when the template asks for it.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    meta: Meta,
    strings: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Meta {
    #[serde(default)]
    machine_draft: bool,
}

/// Every language's UI strings.
#[derive(Debug, Default)]
pub struct Strings {
    by_lang: HashMap<String, BTreeMap<String, String>>,
    default: String,
}

impl Strings {
    /// The string for `key` in `lang`, else in the default language.
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        self.by_lang
            .get(lang)
            .and_then(|m| m.get(key))
            .or_else(|| self.by_lang.get(&self.default).and_then(|m| m.get(key)))
            .map(String::as_str)
    }

    /// Every string of `lang`, with the default language's where it has none.
    pub fn table(&self, lang: &str) -> BTreeMap<String, String> {
        let mut out = self.by_lang.get(&self.default).cloned().unwrap_or_default();
        if let Some(own) = self.by_lang.get(lang) {
            out.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        out
    }

    /// Builds strings from already parsed tables (for tests).
    pub fn from_tables(default: &str, tables: HashMap<String, BTreeMap<String, String>>) -> Self {
        Strings {
            by_lang: tables,
            default: default.to_string(),
        }
    }
}

/// Reads `translations/*.toml` for every configured language.
pub fn load(config: &Config) -> (Strings, Diagnostics) {
    let mut ds = Diagnostics::new();
    let mut by_lang = HashMap::new();
    let dir = config.root.join("translations");
    let default = config.default_language().code.clone();
    for lang in &config.languages {
        let display = std::path::PathBuf::from(format!("translations/{}.toml", lang.code));
        let path = dir.join(format!("{}.toml", lang.code));
        if !path.exists() {
            let d = Diagnostic::file_error(
                &display,
                format!("no UI strings for {} ({})", lang.english, lang.code),
            )
            .help("copy translations/en.toml to this name and translate the values");
            ds.push(if lang.code == default { d } else { d.warning() });
            continue;
        }
        let text = match crate::load::read_text(&path, &display) {
            Ok(t) => t,
            Err(d) => {
                ds.push(d);
                continue;
            }
        };
        match toml::from_str::<File>(&text) {
            Ok(f) => {
                let _ = f.meta.machine_draft;
                by_lang.insert(lang.code.clone(), f.strings);
            }
            Err(e) => ds.push(crate::parse::front_matter::toml_diagnostic(
                &display,
                &text,
                0,
                &e,
                &["meta", "strings"],
            )),
        }
    }
    if let Some(reference) = by_lang.get(&default) {
        for lang in &config.languages {
            let Some(table) = by_lang.get(&lang.code) else {
                continue;
            };
            let missing: Vec<&str> = reference
                .keys()
                .filter(|k| !table.contains_key(*k))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                ds.push(
                    Diagnostic::file_error(
                        format!("translations/{}.toml", lang.code),
                        format!(
                            "{} UI strings missing, shown in English: {}",
                            missing.len(),
                            missing.join(", ")
                        ),
                    )
                    .help("add the missing keys under [strings]")
                    .warning(),
                );
            }
        }
    }
    (
        Strings { by_lang, default },
        ds.default_code(crate::lint::codes::UI_STRINGS),
    )
}

/// Fills `{name}` placeholders from `args`.
pub fn interpolate(template: &str, args: &[(String, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_default_language() {
        let mut t = HashMap::new();
        t.insert(
            "en".into(),
            BTreeMap::from([("a".into(), "A".into()), ("b".into(), "B".into())]),
        );
        t.insert("ar".into(), BTreeMap::from([("a".into(), "أ".into())]));
        let s = Strings::from_tables("en", t);
        assert_eq!(s.get("ar", "a"), Some("أ"));
        assert_eq!(s.get("ar", "b"), Some("B"));
        assert_eq!(s.get("ar", "c"), None);
        assert_eq!(
            interpolate(
                "Page {current} of {total}",
                &[("current".into(), "2".into()), ("total".into(), "5".into())]
            ),
            "Page 2 of 5"
        );
    }
}
