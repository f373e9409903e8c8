//! Resolves `@/path.md#anchor` links against the whole site: to the translation in the linking
//! page's language where it exists, else to the default language; missing targets are errors.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Doc, DocId};

/// Content that exists but is not in the model, so links to it get the right message.
pub struct Known<'a> {
    /// Keys of drafts left out of this build.
    pub drafts: &'a HashSet<String>,
    /// Keys of files that failed to parse (their errors are already reported).
    pub broken: &'a HashSet<String>,
}

/// Resolved URL paths for each `@/` link of `doc`, in order; problems go to `ds`.
pub fn resolve(
    config: &Config,
    docs: &[Doc],
    by_key: &HashMap<(String, String), DocId>,
    known: &Known<'_>,
    doc: &Doc,
    ds: &mut Diagnostics,
) -> Vec<String> {
    let src = &doc.parsed.source;
    let default = &config.default_language().code;
    let mut out = Vec::with_capacity(doc.parsed.structure.links.len());
    for link in &doc.parsed.structure.links {
        let (key, explicit_lang) = split_language(config, &normalise(&link.target));
        let target = match &explicit_lang {
            // `@/page.ar.md` names one translation: link to exactly that one.
            Some(lang) => by_key.get(&(key.clone(), lang.clone())),
            None => by_key
                .get(&(key.clone(), doc.lang().to_string()))
                .or_else(|| by_key.get(&(key.clone(), default.clone()))),
        }
        .map(|&i| &docs[i]);
        let Some(target) = target else {
            if known.broken.contains(&key) {
                out.push(String::new());
                continue;
            }
            let help = if known.drafts.contains(&key) {
                format!("`{key}` is a draft; publish it (draft = false) or build with --drafts")
            } else {
                format!(
                    "no file content/{key} exists; paths after @/ start from the content folder, e.g. @/campaigns/core-conversations.md"
                )
            };
            ds.push(
                Diagnostic::at(
                    &src.display,
                    &src.text,
                    link.range.clone(),
                    format!("link to a page that does not exist: @/{}", link.target),
                )
                .help(help)
                .code(crate::lint::codes::MISSING_PAGE),
            );
            out.push(String::new());
            continue;
        };
        match &link.anchor {
            None => out.push(target.path.clone()),
            Some(anchor) => {
                let headings = &target.parsed.structure.headings;
                if headings.iter().any(|h| &h.id == anchor) {
                    out.push(format!("{}#{anchor}", target.path));
                } else {
                    let known: Vec<String> = headings
                        .iter()
                        .take(8)
                        .map(|h| format!("#{}", h.id))
                        .collect();
                    let help = if known.is_empty() {
                        format!(
                            "{} has no headings to link to",
                            target.parsed.source.display.display()
                        )
                    } else {
                        format!(
                            "the headings of {} have these anchors: {}",
                            target.parsed.source.display.display(),
                            known.join(", ")
                        )
                    };
                    ds.push(
                        Diagnostic::at(
                            &src.display,
                            &src.text,
                            link.range.clone(),
                            format!("link to an anchor that does not exist: #{anchor}"),
                        )
                        .help(help)
                        .code(crate::lint::codes::MISSING_ANCHOR),
                    );
                    out.push(target.path.clone());
                }
            }
        }
    }
    out
}

/// `guidance/page.ar.md` → (`guidance/page.md`, Some("ar")) when `ar` is a configured language.
fn split_language(config: &Config, key: &str) -> (String, Option<String>) {
    if let Some(stem) = key.strip_suffix(".md")
        && let Some((base, suffix)) = stem.rsplit_once('.')
        && config.language(suffix).is_some()
    {
        return (format!("{base}.md"), Some(suffix.to_string()));
    }
    (key.to_string(), None)
}

/// `./campaigns//a.md` → `campaigns/a.md`; a folder link means its section.
fn normalise(target: &str) -> String {
    let t: Vec<&str> = target
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let joined = t.join("/");
    if joined.is_empty() {
        "_index.md".into()
    } else if !joined.ends_with(".md") {
        format!("{joined}/_index.md")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalise_paths() {
        assert_eq!(super::normalise("./campaigns//a.md"), "campaigns/a.md");
        assert_eq!(super::normalise("campaigns/"), "campaigns/_index.md");
        assert_eq!(super::normalise(""), "_index.md");
    }
}
