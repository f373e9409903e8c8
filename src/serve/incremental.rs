//! Serve's targeted rebuilds: when a batch only rewrites the Markdown bodies of existing pages,
//! re-parse those files, patch them into the model kept from the last build, and write only
//! what a body can change. A batch of `static/` files goes to `super::statics`; anything else
//! rebuilds everything.
//!
//! Why this is byte-identical to a clean build. A Markdown body reaches the output through
//! exactly these paths (grep `body()`, `structure` and `source.text` outside `lint/`):
//! - its own document's pages (`render::Renderer::doc`: content, table of contents, shortcode
//!   output, and for a pack its copies per borough; for a borough its category pages);
//! - the search index of its language (`search::extract` cuts the body into blocks; BM25
//!   statistics are over the whole language, so `search::incremental` re-scores it all and
//!   rewrites what changed) and so every search page (each names its manifest, whose name is
//!   a hash of the index);
//! - translation staleness (`model::staleness`): warnings, and the `/translations/` page when a
//!   language's state against the edited English page changes (it shows states, not hashes);
//! - its PDFs, for a pack or a leaflet page (`crate::pdf`), and the links to them, which give
//!   each PDF's size and page count (a pack's borough pages and copies page, a leaflet's
//!   page): these are never patched, since typesetting belongs to the full build (whose
//!   content-hash cache typesets only the edited document's PDFs again), so an edit of such a
//!   document is a full build (`pdf_reason`);
//! - the model's checks: `@/` links out of the body, anchors other pages link to, shortcode
//!   names.
//!
//! Listings, feeds, the sitemap, switchers, taxonomies, aliases, templates' shared data
//! (`render::Prepared`) read only front matter, configuration, data files and file names.
//! So the patch is allowed only when the front matter text is unchanged byte for byte, every
//! file still exists and parses, its links resolve without a problem, its shortcodes exist,
//! it keeps every heading anchor it had (other pages may link to them), and the world the last
//! full build saw (git HEAD for `updated` dates, today's date) has not moved. Whenever one of
//! these does not hold, or anything fails, the caller runs a full build, which also reports
//! any error with its file and line.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::watch::{Batch, ChangeKind};
use crate::build::{BuildOptions, BuildReport, Kept, World};
use crate::diagnostics::Diagnostics;
use crate::lint::codes;
use crate::model::{Doc, DocId, links, staleness};
use crate::parse::ParsedDoc;
use crate::{load, parse, render, translations, write};

/// Why `update` gave up when the output may be half-updated (the next build writes afresh).
pub const OUTPUT_FAILED: &str = "the output could not be updated";

/// What a batch of changes needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Everything, for this reason (said on the terminal).
    Full(&'static str),
    /// Possibly only the bodies of these Markdown files (paths relative to `content/`), each a
    /// document of the kept site; `update` checks the rest once it has read them.
    Bodies(Vec<String>),
    /// Only files in `static/` (the site's or the theme's); `super::statics::update` decides
    /// whether copying them is enough.
    Static,
}

/// Decides from the paths alone. `known` says whether a `content/`-relative path is a document
/// of the kept site (false for new files, drafts left out, and with no kept site at all).
pub fn plan(batch: &Batch, known: impl Fn(&str) -> bool) -> Plan {
    if batch.rescan {
        return Plan::Full("file events were lost");
    }
    if batch.changes.is_empty() {
        return Plan::Full("no changed file was named");
    }
    if batch.changes.values().all(|k| *k == ChangeKind::Static) {
        return Plan::Static;
    }
    let mut rels = Vec::new();
    for (path, kind) in &batch.changes {
        if *kind != ChangeKind::Content {
            return Plan::Full("a template, static file, translation or config changed");
        }
        let Some(rel) = content_rel(path) else {
            return Plan::Full("the content folder itself changed");
        };
        if !rel.ends_with(".md") {
            return Plan::Full("a data file or bundle file changed");
        }
        if !known(&rel) {
            return Plan::Full("a page was added, renamed or is not in the site");
        }
        rels.push(rel);
    }
    Plan::Bodies(rels)
}

/// `guidance/a.md` for `content/guidance/a.md`, with `/` separators as `load` names files.
fn content_rel(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("content").ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Why a re-read document cannot simply replace the old one, or None when only its body
/// changed in a way the targeted rebuild covers (see the module comment).
pub fn body_only(
    old: &ParsedDoc,
    new: &ParsedDoc,
    shortcodes: &HashSet<&str>,
) -> Option<&'static str> {
    if old.source.text[..old.body_offset] != new.source.text[..new.body_offset] {
        return Some("its front matter changed");
    }
    if let Some(c) = new
        .structure
        .shortcodes
        .iter()
        .find(|c| !shortcodes.contains(c.name.as_str()))
    {
        let _ = c;
        return Some("it calls an unknown shortcode");
    }
    let ids: HashSet<&str> = new
        .structure
        .headings
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    if old
        .structure
        .headings
        .iter()
        .any(|h| !ids.contains(h.id.as_str()))
    {
        return Some("a heading anchor went away");
    }
    None
}

/// Why an edit of `d` needs the full build whatever changed in it: it has PDF versions, which
/// only the full build typesets (with the links to them that give their size and pages).
pub fn pdf_reason(config: &crate::config::Config, d: &Doc) -> Option<&'static str> {
    crate::pdf::kind(config, d).map(|kind| match kind {
        "pack" => "a pack changed: its PDFs are typeset by the full build",
        _ => "a leaflet page changed: its PDF is typeset by the full build",
    })
}

/// Applies a `Plan::Bodies` batch to the kept site and the output folder. `Err` names why a
/// full build is needed instead; `kept` may then be half-patched and must be rebuilt.
pub fn update(
    kept: &mut Kept,
    rels: &[String],
    opts: &BuildOptions,
    previous: Arc<write::Manifest>,
) -> Result<BuildReport, &'static str> {
    let mut clock = Clock::start();
    if World::now(&opts.root) != kept.world {
        return Err("git HEAD or the date changed");
    }
    let site = &mut kept.site;
    let by_rel: HashMap<&str, DocId> = site
        .docs
        .iter()
        .map(|d| (d.parsed.source.rel.as_str(), d.id))
        .collect();
    // Read and check every file before touching the model.
    let shortcodes: HashSet<&str> = kept.shortcodes.iter().map(String::as_str).collect();
    let mut replacements = Vec::new();
    for rel in rels {
        let &id = by_rel
            .get(rel.as_str())
            .ok_or("a page is not in the site")?;
        if let Some(why) = pdf_reason(&site.config, &site.docs[id]) {
            return Err(why);
        }
        let old = &site.docs[id].parsed;
        let abs = site.config.content_dir().join(rel);
        let source = load::read_source(&site.config, &abs, rel.clone())
            .map_err(|_| "a page cannot be read")?;
        // With the search text when the index reads it, as the full build's parse pass does.
        let mut new =
            parse::one(source, site.config.search).map_err(|_| "a page does not parse")?;
        if let Some(why) = body_only(old, &new, &shortcodes) {
            return Err(why);
        }
        // Filled from git by the full build; the same file at the same commit gets the same.
        new.front.updated = old.front.updated.clone();
        replacements.push((id, new));
    }
    clock.lap("read+parse");
    let ids: Vec<DocId> = replacements.iter().map(|(id, _)| *id).collect();
    // The /translations/ page shows, for each English page in it, each language's state
    // against its words; a translation's own body is not in it.
    let states = |site: &crate::model::Site| -> Vec<Option<Vec<translations::Cell>>> {
        ids.iter()
            .map(|&i| {
                let d = &site.docs[i];
                translations::in_matrix(site, d).then(|| translations::cells(site, d))
            })
            .collect()
    };
    let states_before = states(site);
    for (id, new) in replacements {
        site.docs[id].parsed = new;
    }
    let matrix = states(site) != states_before;
    // The edited pages' own links, resolved as the model does; any problem gets the full
    // build's complete report instead.
    let (none, mut problems) = (HashSet::new(), Diagnostics::new());
    for &id in &ids {
        let known = links::Known {
            drafts: &none,
            broken: &none,
        };
        let resolved = links::resolve(
            &site.config,
            &site.docs,
            &site.by_key,
            &known,
            &site.docs[id],
            &mut problems,
        );
        site.docs[id].resolved_links = resolved;
    }
    if !problems.is_empty() {
        return Err("a link needs checking");
    }
    let site = &kept.site;
    // Staleness hashes English bodies: recompute its warnings; every other warning stands.
    let mut warnings = kept.warnings.clone();
    warnings.retain(|d| {
        !matches!(
            d.code,
            Some(codes::STALE_TRANSLATION | codes::ORPHAN_TRANSLATION)
        )
    });
    staleness::check(&site.config, &site.docs, &mut warnings);

    let (output, staging) = patch_output(site, opts, previous)?;
    clock.lap("model");
    let failed = Mutex::new(false);
    let sink = |f: render::OutputFile| {
        if staging.put(&f).is_err() {
            *failed.lock().unwrap_or_else(|p| p.into_inner()) = true;
        }
    };
    let search = &mut kept.search;
    let steps = Mutex::new(Vec::new());
    let ((indexed, search_time), (rendered, pages_time)) = rayon::join(
        || {
            let t = Instant::now();
            let updated: Option<Vec<(String, String)>> = search
                .par_iter_mut()
                .filter(|s| ids.iter().any(|&i| site.docs[i].lang() == s.lang()))
                .map(|s| {
                    let docs: Vec<&Doc> = ids
                        .iter()
                        .map(|&i| &site.docs[i])
                        .filter(|d| d.lang() == s.lang())
                        .collect();
                    let patch = s.update(site, &docs)?;
                    steps
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .extend(patch.timings);
                    patch.removed.into_iter().for_each(|r| staging.remove(r));
                    patch.files.into_par_iter().for_each(sink);
                    Some((s.lang().to_string(), s.manifest_url.clone()))
                })
                .collect();
            (updated, t.elapsed())
        },
        || {
            let t = Instant::now();
            let pages = render::doc_pages(site, &kept.prepared, &ids, matrix, &sink);
            (pages, t.elapsed())
        },
    );
    // The two ran side by side: each one's own time says which one the edit waits for.
    clock.timings.push(("of which search", search_time));
    clock.timings.push(("of which pages", pages_time));
    clock
        .timings
        .extend(steps.into_inner().unwrap_or_else(|p| p.into_inner()));
    let indexed = indexed.ok_or("a page's search entry moved")?;
    let langs: Vec<String> = indexed.iter().map(|(l, _)| l.clone()).collect();
    let mut manifests = kept.manifests.clone();
    manifests.extend(indexed);
    // Only the search pages of the re-indexed languages name a new manifest.
    rendered
        .and_then(|_| render::search_pages(site, &kept.prepared, &manifests, Some(&langs), &sink))
        .map_err(|_| "a page failed to render")?;
    if *failed.lock().unwrap_or_else(|p| p.into_inner()) {
        return Err("a file could not be written");
    }
    clock.lap("render+search");
    let w = staging.finish(&output, true).map_err(|_| OUTPUT_FAILED)?;
    clock.lap("write");
    kept.manifests = manifests;
    kept.warnings = warnings.clone();
    Ok(BuildReport {
        warnings,
        documents: site.docs.len(),
        files: w.manifest.len(),
        bytes: w.bytes,
        output: Some(output),
        written: Some(w),
        timings: clock.timings,
        // No PDF was made: a document with one is never patched (`pdf_reason`).
        pdf: String::new(),
    })
}

/// The output folder and a staging area that patches it (targeted updates write only some
/// files and remove others; the rest stay as the last build left them).
pub fn patch_output(
    site: &crate::model::Site,
    opts: &BuildOptions,
    previous: Arc<write::Manifest>,
) -> Result<(std::path::PathBuf, write::Staging), &'static str> {
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| site.config.root.join("public"));
    let staging = write::Staging::patching(&output, site.config.minify, previous)
        .map_err(|_| "the output folder cannot be patched")?;
    Ok((output, staging))
}

/// Time per step, like `build`'s.
struct Clock {
    start: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            start: Instant::now(),
            timings: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        self.timings.push((name, self.start.elapsed()));
        self.start = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeKind::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn batch(changes: &[(&str, ChangeKind)]) -> Batch {
        Batch {
            changes: changes
                .iter()
                .map(|(p, k)| (PathBuf::from(p), *k))
                .collect::<BTreeMap<_, _>>(),
            rescan: false,
        }
    }

    #[test]
    fn only_known_markdown_pages_may_skip_the_full_build() {
        let known = |rel: &str| ["guidance/a.md", "guidance/a.ar.md", "_index.md"].contains(&rel);
        assert_eq!(
            plan(
                &batch(&[
                    ("content/guidance/a.md", Content),
                    ("content/guidance/a.ar.md", Content)
                ]),
                known
            ),
            Plan::Bodies(vec!["guidance/a.ar.md".into(), "guidance/a.md".into()])
        );
        assert_eq!(
            plan(&batch(&[("content/_index.md", Content)]), known),
            Plan::Bodies(vec!["_index.md".into()])
        );
        let full =
            |changes: &[(&str, ChangeKind)]| matches!(plan(&batch(changes), known), Plan::Full(_));
        // A new page, a page the kept site does not have (a draft), a data or bundle file.
        assert!(full(&[("content/guidance/new.md", Content)]));
        assert!(full(&[
            ("content/guidance/a.md", Content),
            ("content/guidance/b.md", Content)
        ]));
        assert!(full(&[("content/boroughs/hackney/services.toml", Content)]));
        assert!(full(&[("content/guidance/bundle/photo.jpg", Content)]));
        assert!(full(&[("content", Content)]));
        // Anything outside content/.
        for kind in [Config, Templates, Static, Translations] {
            assert!(
                full(&[("content/guidance/a.md", Content), ("x", kind)]),
                "{kind:?}"
            );
        }
        // Only static files: copied when no page links them (decided by `statics::update`).
        assert_eq!(
            plan(
                &batch(&[("static/a.svg", Static), ("static/b.svg", Static)]),
                known
            ),
            Plan::Static
        );
        // Lost events, and an empty batch.
        let mut lost = batch(&[("content/guidance/a.md", Content)]);
        lost.rescan = true;
        assert!(matches!(plan(&lost, known), Plan::Full(_)));
        assert!(full(&[]));
        // No kept site: nothing is known.
        assert!(matches!(
            plan(&batch(&[("content/guidance/a.md", Content)]), |_: &str| {
                false
            }),
            Plan::Full(_)
        ));
    }

    fn parsed(text: &str) -> ParsedDoc {
        parsed_at("guidance/a.md", text)
    }

    /// A document at content path `key` (English), `_index.md` being a section.
    fn parsed_at(key: &str, text: &str) -> ParsedDoc {
        let source = load::Source {
            rel: key.into(),
            display: PathBuf::from(format!("content/{key}")),
            lang: "en".into(),
            key: key.into(),
            is_section: key.ends_with("_index.md"),
            is_bundle: key.ends_with("/index.md"),
            text: text.into(),
        };
        parse::one(source, false).expect("parses")
    }

    #[test]
    fn documents_with_pdfs_always_take_the_full_build() {
        let config = |pdf: &str| {
            crate::config::parse(
                Path::new("."),
                Path::new("config.toml"),
                &format!(
                    "title = \"T\"\nbase_url = \"https://x.org\"\n{pdf}\n[[language]]\ncode = \"en\"\ntag = \"en-GB\"\nname = \"English\"\nenglish = \"English\"\ndir = \"ltr\"\n"
                ),
                &crate::config::Overrides::default(),
            )
            .expect("config parses")
        };
        let doc = |key: &str| Doc {
            id: 0,
            parsed: parsed_at(key, "+++\ntitle = \"A\"\n+++\nBody.\n"),
            path: String::new(),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            translations: Vec::new(),
            resolved_links: Vec::new(),
        };
        let leaflets = config("[pdf]\nleaflets = [\"guidance\"]\n");
        let reason = |c: &crate::config::Config, key: &str| pdf_reason(c, &doc(key));
        // A pack (a file or a bundle directly in packs/) has a PDF for every borough.
        for key in ["packs/guide.md", "packs/money/index.md"] {
            let why = reason(&leaflets, key).expect(key);
            assert!(why.contains("pack") && why.contains("full build"), "{why}");
        }
        // A page of a leaflet section has its leaflet; the section page itself has none.
        let why = reason(&leaflets, "guidance/stress.md").expect("leaflet");
        assert!(
            why.contains("leaflet") && why.contains("full build"),
            "{why}"
        );
        assert_eq!(reason(&leaflets, "guidance/_index.md"), None);
        // No PDF: patched as before (the packs section, a page elsewhere, a page deeper in
        // packs/ that is not a pack).
        for key in [
            "packs/_index.md",
            "campaigns/walk.md",
            "boroughs/camden/index.md",
        ] {
            assert_eq!(reason(&leaflets, key), None, "{key}");
        }
        // Without [pdf] leaflets only packs have PDFs; with PDFs off, nothing has.
        let packs_only = config("");
        assert!(reason(&packs_only, "packs/guide.md").is_some());
        assert_eq!(reason(&packs_only, "guidance/stress.md"), None);
        let off = config("[pdf]\nenabled = false\nleaflets = [\"guidance\"]\n");
        for key in ["packs/guide.md", "guidance/stress.md"] {
            assert_eq!(reason(&off, key), None, "{key}");
        }
    }

    #[test]
    fn only_body_edits_that_keep_front_matter_anchors_and_shortcodes_are_body_only() {
        let names: HashSet<&str> = ["helplines"].into_iter().collect();
        let old = parsed("+++\ntitle = \"A\"\n+++\nIntro.\n\n## Money\n\nText.\n");
        let check = |text: &str| body_only(&old, &parsed(text), &names);
        assert_eq!(
            check("+++\ntitle = \"A\"\n+++\nIntro, edited.\n\n## Money\n\nMore.\n\n## New\n"),
            None
        );
        assert_eq!(
            check("+++\ntitle = \"A\"\n+++\nIntro.\n\n## Money\n\n{{ helplines() }}\n"),
            None
        );
        // Any front matter change, even one that looks harmless.
        assert!(check("+++\ntitle = \"B\"\n+++\nIntro.\n\n## Money\n").is_some());
        assert!(check("+++\ntitle = \"A\"\nweight = 1\n+++\nIntro.\n\n## Money\n").is_some());
        assert!(check("+++\ntitle =  \"A\"\n+++\nIntro.\n\n## Money\n").is_some());
        // A heading other pages may link to went away, or a shortcode the theme lacks.
        assert!(check("+++\ntitle = \"A\"\n+++\nIntro.\n\n## Cash\n").is_some());
        assert!(check("+++\ntitle = \"A\"\n+++\nIntro.\n\n## Money\n\n{{ nope() }}\n").is_some());
    }
}
