//! Counting the documents' words while the model is built: the model is one thread's work
//! and counting needs only the parse output, so the build runs them side by side and the
//! index starts after the model with its largest step done.
//!
//! The index numbers documents in the order of their files (`extract::entries`), which is
//! known before the model exists. `index::build` uses what was counted here only when the
//! model holds exactly the documents counted, in that order; otherwise it counts again, so
//! the files are the same either way.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;

use super::count::{Part, Shared, count_parts};
use super::extract::{Entry, parsed_entry};
use crate::config::Config;
use crate::parse::ParsedDoc;

/// What counting needs of one document, taken from the parse output before the model takes it.
pub struct Pending {
    lang: String,
    rel: String,
    entry: Entry,
}

/// Every language's documents, counted.
#[derive(Default)]
pub struct Early {
    langs: HashMap<String, EarlyLang>,
}

/// One language's documents, counted: their files, their entries (without URL or section)
/// and the counts of each thread's share of them, in file order.
pub(super) struct EarlyLang {
    pub(super) rels: Vec<String>,
    pub(super) entries: Vec<Entry>,
    pub(super) shared: Mutex<Shared>,
    pub(super) parts: Vec<Part>,
}

impl Early {
    /// The counts of `lang`, taken out.
    pub(super) fn take(&mut self, lang: &str) -> Option<EarlyLang> {
        self.langs.remove(lang)
    }
}

/// The documents the model will keep (drafts only when the site builds them), each with its
/// entry; their text is taken out of the parse output (`Structure::take_text`).
pub fn pending<D: Borrow<ParsedDoc> + Sync>(docs: &[D], config: &Config) -> Vec<Pending> {
    docs.par_iter()
        .map(Borrow::borrow)
        .filter(|d| config.drafts || !d.front.draft)
        .filter(|d| config.languages.iter().any(|l| l.code == d.source.lang))
        .map(|d| Pending {
            lang: d.source.lang.clone(),
            rel: d.source.rel.clone(),
            entry: parsed_entry(d),
        })
        .collect()
}

/// Counts the pending documents of every language, in file order.
pub fn count(mut pending: Vec<Pending>) -> Early {
    pending.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut by_lang: HashMap<String, (Vec<String>, Vec<Entry>)> = HashMap::new();
    for p in pending {
        let (rels, entries) = by_lang.entry(p.lang).or_default();
        rels.push(p.rel);
        entries.push(p.entry);
    }
    let langs = by_lang
        .into_par_iter()
        .map(|(lang, (rels, entries))| {
            let shared = Mutex::new(Shared::default());
            // Four slices a thread: while the model holds one thread, the others go through
            // the slices one by one, and that thread joins them when the model is done.
            let slices = 4 * rayon::current_num_threads();
            let parts = count_parts(&entries, &lang, &shared, slices);
            let counted = EarlyLang {
                rels,
                entries,
                shared,
                parts,
            };
            (lang, counted)
        })
        .collect();
    Early { langs }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::parse::ParsedDoc;
    use crate::render::Content;
    use crate::search::{SearchIndex, build, build_from};

    fn files(index: SearchIndex) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = index
            .langs
            .into_iter()
            .flat_map(|l| l.files)
            .map(|f| match f.content {
                Content::Bytes(b) => (f.path, b),
                other => (f.path, format!("{other:?}").into_bytes()),
            })
            .collect();
        out.sort();
        out
    }

    fn copy_dir(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
            let Ok(rel) = entry.path().strip_prefix(from) else {
                continue;
            };
            let dest = to.join(rel);
            let done = if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest)
            } else {
                std::fs::copy(entry.path(), &dest).map(drop)
            };
            assert!(done.is_ok(), "copy {}", entry.path().display());
        }
    }

    #[test]
    fn early_counts_give_the_same_files_and_are_not_used_when_they_do_not_fit() {
        // The boroughs fixture (documents and services in two languages) with the repository's
        // theme and UI strings, as the CLI tests assemble it.
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let Ok(dir) = tempfile::tempdir() else {
            panic!("a temporary folder");
        };
        for (from, to) in [
            ("tests/fixtures/boroughs", ""),
            ("themes", "themes"),
            ("translations", "translations"),
        ] {
            copy_dir(&repo.join(from), &dir.path().join(to));
        }
        let loaded = match crate::build::load_site(dir.path(), &Default::default()) {
            Ok(l) => l,
            Err(e) => panic!("the boroughs fixture loads: {e:?}"),
        };
        let site = &loaded.site;
        let fresh = files(build(site));
        assert!(fresh.len() > 4, "{fresh:?}");
        let docs: Vec<&ParsedDoc> = site.docs.iter().map(|d| &d.parsed).collect();
        // Counted before the model (here: from the model's own documents), as a build does.
        let early = super::count(super::pending(&docs, &site.config));
        assert_eq!(files(build_from(site, early)), fresh);
        // One English document fewer than the model has: counted again from the start.
        let mut pending = super::pending(&docs, &site.config);
        let at = pending.iter().position(|p| p.lang == "en");
        pending.remove(at.unwrap_or_default());
        assert_eq!(files(build_from(site, super::count(pending))), fresh);
    }
}
