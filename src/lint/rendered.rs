//! Lints over the rendered site, collected while it renders (in memory; `check` writes
//! nothing): every `href`/`src` must resolve to a file of the build and every `#id` to an
//! element of its target page, plus the one-page checks of `page`.
//!
//! Memory stays small on big sites: each page is scanned as it streams past and only its ids
//! and its addresses are kept, the addresses resolved at once and interned (the menu, the
//! language switcher and the assets are the same few hundred strings on every page), so each
//! link costs a few bytes and each distinct address is checked once.
//!
//! A finding is reported where it came from: at its line in the Markdown source when the
//! source contains it, otherwise once for the theme's templates with the number of pages it
//! is on (a template mistake is on every page; reporting it a thousand times would bury it).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

use super::codes;
use super::html::{self, fold};
use super::locate;
use super::page::{self, Finding};
use super::refs::{SitePath, ref_needles, resolve};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::{Doc, Site};
use crate::render::{Content, OutputFile, index_file};

// Tags whose addresses are checked, by index (kept as one byte per address).
use super::html::REF_TAGS as TAGS;

/// Gathers what the lints need from each output file as the renderer hands it over.
pub struct Collector {
    base_url: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    files: HashSet<String>,
    pages: Vec<PageRecord>,
    strings: Interner,
    findings: Vec<Finding>,
}

/// What is kept of one page.
struct PageRecord {
    path: String,
    /// Sorted, for anchors.
    ids: Vec<Box<str>>,
    refs: Vec<Ref>,
}

/// One address on a page: where it points (`/about/#who`, interned) and how it was written.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Ref {
    target: u32,
    written: u32,
    tag: u8,
}

#[derive(Default)]
struct Interner {
    map: HashMap<Box<str>, u32>,
    list: Vec<Box<str>>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(s.into());
        self.map.insert(s.into(), i);
        i
    }

    fn get(&self, i: u32) -> &str {
        self.list.get(i as usize).map_or("", |s| s)
    }
}

impl Collector {
    /// An empty collector for a site served at `base_url` (absolute links to it are internal).
    pub fn new(base_url: &str) -> Self {
        Collector {
            base_url: base_url.to_string(),
            state: Mutex::new(State::default()),
        }
    }

    /// Records one output file (called from many render threads at once).
    pub fn add(&self, f: &OutputFile) {
        let html = match &f.content {
            // Rendered HTML is UTF-8 (templates write only strings); checked here, where it is
            // read as text, rather than for every page of every build.
            Content::Html(b) => std::str::from_utf8(b).ok(),
            Content::Bytes(b) if f.path.ends_with(".html") => std::str::from_utf8(b).ok(),
            _ => None,
        };
        // The work (scan, page checks, resolving) happens outside the lock.
        let page = html.map(|h| {
            let scan = html::scan(&f.path, h);
            let findings = page::check(&scan);
            let own = format!("/{}", f.path);
            // Pages repeat addresses (menus, switchers): resolve each distinct one once.
            let mut seen: HashSet<(&str, &str)> = HashSet::new();
            let mut refs = Vec::new();
            for r in &scan.refs {
                if !seen.insert((r.url.as_str(), r.tag)) {
                    continue;
                }
                let target = match simple_path(&r.url, &self.base_url) {
                    // Most addresses are already plain site paths: no work to do.
                    Some(p) => p.to_string(),
                    None => {
                        let Some(t) = resolve(&f.path, &r.url, &self.base_url) else {
                            continue;
                        };
                        let path = t.path.map_or_else(|| own.clone(), |p| p.0);
                        match t.fragment.filter(|f| !f.is_empty() && f != "top") {
                            Some(frag) => format!("{path}#{frag}"),
                            None => path,
                        }
                    }
                };
                let tag = TAGS.iter().position(|t| *t == r.tag).unwrap_or(0) as u8;
                refs.push((target, r.url.clone(), tag));
            }
            let mut ids: Vec<Box<str>> = scan.ids.into_iter().map(String::into_boxed_str).collect();
            ids.sort();
            (ids, refs, findings)
        });
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.files.insert(f.path.clone());
        if let Some((ids, refs, findings)) = page {
            let refs = refs
                .into_iter()
                .map(|(target, written, tag)| {
                    let target_id = state.strings.id(&target);
                    Ref {
                        target: target_id,
                        // Usually written as it resolves: one lookup, not two.
                        written: if written == target {
                            target_id
                        } else {
                            state.strings.id(&written)
                        },
                        tag,
                    }
                })
                .collect();
            state.pages.push(PageRecord {
                path: f.path.clone(),
                ids,
                refs,
            });
            state.findings.extend(findings);
        }
    }

    /// Resolves every address against the whole build and reports all findings.
    pub fn finish(self, site: &Site) -> Diagnostics {
        let State {
            files,
            mut pages,
            strings,
            mut findings,
        } = self.state.into_inner().unwrap_or_default();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        let by_path: HashMap<&str, &PageRecord> =
            pages.iter().map(|p| (p.path.as_str(), p)).collect();
        // Each distinct target is checked once.
        let mut status: HashMap<u32, Option<RefProblem>> = HashMap::new();
        for p in &pages {
            for r in &p.refs {
                let problem = status
                    .entry(r.target)
                    .or_insert_with(|| check_target(strings.get(r.target), &files, &by_path));
                let Some(problem) = problem else {
                    continue;
                };
                let written = strings.get(r.written);
                let tag = TAGS.get(usize::from(r.tag)).copied().unwrap_or("a");
                findings.push(problem.finding(&p.path, written, tag));
            }
        }
        findings.sort_by(|a, b| a.page.cmp(&b.page));
        report(site, findings)
    }
}

enum RefProblem {
    Missing(String),
    NoAnchor(String, String, Vec<String>),
}

impl RefProblem {
    fn finding(&self, page: &str, written: &str, tag: &str) -> Finding {
        let (code, group, needles, message, help) = match self {
            RefProblem::Missing(target) => (
                codes::BROKEN_LINK,
                target.clone(),
                ref_needles(written),
                if tag == "a" || tag == "link" {
                    format!("link to {target}, which is not a page or file of the site")
                } else {
                    format!("<{tag}> source {target} is not a file of the site")
                },
                "check the address; link to pages of this site as @/path/to/file.md so hubgen checks and rewrites the link".to_string(),
            ),
            RefProblem::NoAnchor(target, id, known) => (
                codes::BROKEN_ANCHOR,
                format!("{target}#{id}"),
                vec![format!("#{id})"), format!("#{id}\""), format!("({written}")],
                format!("link to #{id} on {target}, which has no element with that id"),
                if known.is_empty() {
                    format!("{target} has no ids to link to")
                } else {
                    format!("the ids on {target} include: {}", known.join(", "))
                },
            ),
        };
        Finding {
            code,
            page: page.to_string(),
            needles,
            heading: None,
            group,
            message,
            help,
        }
    }
}

/// `url` (or what follows the site's own base URL in it) when it is a plain absolute site
/// path that needs no resolving: no dot segments, query, fragment or percent-encoding.
fn simple_path<'a>(url: &'a str, base_url: &str) -> Option<&'a str> {
    let path = url.strip_prefix(base_url).unwrap_or(url);
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains(['?', '#', '%', '\\'])
        && !path.contains("/./")
        && !path.contains("/../")
        && !path.ends_with("/.")
        && !path.ends_with("/..");
    plain.then_some(path)
}

/// Whether `target` (`/path` or `/path#id`) exists in the build.
fn check_target(
    target: &str,
    files: &HashSet<String>,
    by_path: &HashMap<&str, &PageRecord>,
) -> Option<RefProblem> {
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let Some(file) = SitePath(path.to_string())
        .candidates()
        .into_iter()
        .find(|c| files.contains(c))
    else {
        return Some(RefProblem::Missing(path.to_string()));
    };
    let id = fragment?;
    let page = by_path.get(file.as_str())?;
    if page.ids.binary_search_by(|i| (**i).cmp(id)).is_ok() {
        return None;
    }
    let known: Vec<String> = page.ids.iter().take(8).map(|i| format!("#{i}")).collect();
    let shown = format!("/{}", file.trim_end_matches("index.html"));
    Some(RefProblem::NoAnchor(shown, id.to_string(), known))
}

/// The Markdown document a page came from: its own page, the section or borough whose
/// pagination (`page/2/`) or category filter pages (`services/food/`) it is, or the pack a
/// borough's pack page was made from.
fn origin<'a>(origins: &HashMap<String, &'a Doc>, path: &str) -> Option<&'a Doc> {
    if let Some(d) = origins.get(path) {
        return Some(d);
    }
    let dir = path.strip_suffix("index.html")?.trim_end_matches('/');
    // A borough's copy of a pack (`[<lang>/]boroughs/<slug>/packs/<name>/`) comes from the
    // pack, whose own page is `[<lang>/]packs/<name>/`.
    let segments: Vec<&str> = dir.split('/').collect();
    if let [prefix @ .., "boroughs", _, "packs", name] = segments.as_slice() {
        let lang: String = prefix.iter().map(|p| format!("{p}/")).collect();
        return origins
            .get(&format!("{lang}packs/{name}/index.html"))
            .copied();
    }
    let (parent, _) = dir.rsplit_once('/')?;
    let (grand, kind) = parent.rsplit_once('/').unwrap_or(("", parent));
    if kind == "page" || kind == "services" {
        let base = if grand.is_empty() {
            "index.html".to_string()
        } else {
            format!("{grand}/index.html")
        };
        return origins.get(&base).copied();
    }
    None
}

/// Places findings in source files, or groups them under the templates.
fn report(site: &Site, findings: Vec<Finding>) -> Diagnostics {
    let mut ds = Diagnostics::new();
    // (code, group) → (pages, first message, help), for findings that come from templates.
    type Grouped = (Vec<String>, String, String);
    let mut from_templates: BTreeMap<(&'static str, String), Grouped> = BTreeMap::new();
    let origins: HashMap<String, &Doc> =
        site.docs.iter().map(|d| (index_file(&d.path), d)).collect();
    let mut seen = HashSet::new();
    for f in findings {
        let doc = origin(&origins, &f.page);
        let url = format!("/{}", f.page.trim_end_matches("index.html"));
        let placed = doc.and_then(|d| {
            let src = &d.parsed.source;
            let at = d.parsed.body_offset;
            let range = match &f.heading {
                Some(h) => d
                    .parsed
                    .structure
                    .headings
                    .iter()
                    .any(|s| fold(&s.text) == *h)
                    .then(|| locate::heading(&src.text, at, h).unwrap_or(0..0)),
                None => locate::find(&src.text, at, &f.needles),
            }?;
            let d = if range.is_empty() {
                Diagnostic::file_error(&src.display, f.message.clone())
            } else {
                Diagnostic::at(&src.display, &src.text, range, f.message.clone())
            };
            Some(d)
        });
        match placed {
            Some(d) => {
                let d = d.help(f.help).code(f.code);
                let d = with_severity(d, f.code);
                if seen.insert((d.file.clone(), d.line, d.column, d.message.clone())) {
                    ds.push(d);
                }
            }
            None => {
                let entry = from_templates
                    .entry((f.code, f.group))
                    .or_insert_with(|| (Vec::new(), String::new(), f.help));
                // Keep the message of the first page in sorted order, so the report is the
                // same on every run whatever order the threads finished in.
                if entry.0.iter().all(|p| url < *p) {
                    entry.1 = f.message;
                }
                entry.0.push(url);
            }
        }
    }
    let templates = PathBuf::from("themes")
        .join(&site.config.theme)
        .join("templates");
    for ((code, _), (mut pages, message, help)) in from_templates {
        pages.sort();
        pages.dedup();
        let on = if pages.len() == 1 {
            format!("on {}", pages[0])
        } else {
            format!("on {} pages, e.g. {}", pages.len(), pages[0])
        };
        let d = Diagnostic::file_error(&templates, format!("{message} ({on})"))
            .help(format!(
                "{help}; it is not in the Markdown source, so it comes from a template or shortcode"
            ))
            .code(code);
        ds.push(with_severity(d, code));
    }
    ds
}

fn with_severity(d: Diagnostic, code: &str) -> Diagnostic {
    match codes::find(code).map(|c| c.severity) {
        Some(Severity::Warning) => d.warning(),
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_skip_resolving() {
        let base = "https://hub.example.org";
        assert_eq!(simple_path("/about/", base), Some("/about/"));
        assert_eq!(
            simple_path("https://hub.example.org/ar/", base),
            Some("/ar/")
        );
        for url in [
            "/a/../b/",
            "/a/?x",
            "/a/#b",
            "/%D9%85/",
            "a/",
            "//cdn.org/x",
            "https://x.org/",
        ] {
            assert_eq!(simple_path(url, base), None, "{url}");
        }
    }

    #[test]
    fn interned_strings_come_back() {
        let mut i = Interner::default();
        let (a, b) = (i.id("/about/"), i.id("/news/"));
        assert_eq!(i.id("/about/"), a);
        assert_eq!((i.get(a), i.get(b), i.get(99)), ("/about/", "/news/", ""));
    }

    #[test]
    fn pages_outside_pagination_and_category_filters_have_no_source() {
        let map: HashMap<String, &Doc> = HashMap::new();
        assert!(origin(&map, "topics/a/index.html").is_none());
    }
}
