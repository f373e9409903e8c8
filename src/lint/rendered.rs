//! Lints over the rendered site, collected while it renders (in memory; `check` writes
//! nothing): every `href`/`src` must resolve to a file of the build and every `#id` to an
//! element of its target page; images need alt text; headings must not skip levels and a page
//! has one h1; links need text, and in English text that says where they go.
//!
//! A finding is reported where it came from: at its line in the Markdown source when the
//! source contains it, otherwise once for the theme's templates with the number of pages it
//! is on (a template mistake is on every page; reporting it a thousand times would bury it).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;

use super::codes;
use super::html::{self, PageScan, fold};
use super::locate;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::{Doc, Site};
use crate::render::{Content, OutputFile, index_file};

/// Gathers what the lints need from each output file as the renderer hands it over.
#[derive(Default)]
pub struct Collector {
    pages: Mutex<Vec<PageScan>>,
    files: Mutex<HashSet<String>>,
}

impl Collector {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one output file (called from many render threads at once).
    pub fn add(&self, f: &OutputFile) {
        let html = match &f.content {
            Content::Html(s) => Some(s.as_str()),
            Content::Bytes(b) if f.path.ends_with(".html") => std::str::from_utf8(b).ok(),
            _ => None,
        };
        // Scan outside the lock: the scan is the work, the push is cheap.
        let scan = html.map(|h| html::scan(&f.path, h));
        if let Ok(mut files) = self.files.lock() {
            files.insert(f.path.clone());
        }
        if let Some(scan) = scan
            && let Ok(mut pages) = self.pages.lock()
        {
            pages.push(scan);
        }
    }

    /// Runs the lints over everything collected.
    pub fn finish(self, site: &Site) -> Diagnostics {
        let mut pages = self.pages.into_inner().unwrap_or_default();
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        let files = self.files.into_inner().unwrap_or_default();
        let origins: HashMap<String, &Doc> =
            site.docs.iter().map(|d| (index_file(&d.path), d)).collect();
        let by_path: HashMap<&str, &PageScan> =
            pages.iter().map(|p| (p.path.as_str(), p)).collect();
        let ctx = Ctx {
            site,
            files: &files,
            by_path: &by_path,
            origins: &origins,
        };
        let findings: Vec<Finding> = pages.par_iter().flat_map_iter(|p| ctx.page(p)).collect();
        report(site, findings)
    }
}

struct Ctx<'a> {
    site: &'a Site,
    files: &'a HashSet<String>,
    by_path: &'a HashMap<&'a str, &'a PageScan>,
    origins: &'a HashMap<String, &'a Doc>,
}

/// One problem on one rendered page, before it is placed in a source file.
struct Finding {
    code: &'static str,
    /// The page's URL path (`/about/`).
    page: String,
    /// The Markdown document the page was rendered from, if any.
    doc: Option<usize>,
    /// What to search for in the source to place it; empty means "from a template".
    needles: Vec<String>,
    /// A heading finding: placed on the heading line when the source has that heading.
    heading: Option<String>,
    /// What makes two template findings the same problem (the address, `h2→h4`), so one
    /// template mistake is one report whatever text each page puts around it.
    group: String,
    message: String,
    help: String,
}

/// Words that do not say where a link goes (compared lowercased, punctuation trimmed).
const VAGUE: &[&str] = &[
    "click here",
    "click",
    "here",
    "read more",
    "more",
    "learn more",
    "find out more",
    "more info",
    "more information",
    "link",
    "this link",
    "this page",
    "go",
];

impl Ctx<'_> {
    /// The Markdown document a page came from: its own page, or the section or borough whose
    /// pagination (`page/2/`) or category filter pages (`services/food/`) it is.
    fn origin(&self, path: &str) -> Option<&Doc> {
        if let Some(d) = self.origins.get(path) {
            return Some(d);
        }
        let dir = path.strip_suffix("index.html")?.trim_end_matches('/');
        let (parent, _) = dir.rsplit_once('/')?;
        let (grand, kind) = parent.rsplit_once('/').unwrap_or(("", parent));
        if kind == "page" || kind == "services" {
            let base = if grand.is_empty() {
                "index.html".to_string()
            } else {
                format!("{grand}/index.html")
            };
            return self.origins.get(&base).copied();
        }
        None
    }

    fn page(&self, p: &PageScan) -> Vec<Finding> {
        let doc = self.origin(&p.path);
        let url = format!("/{}", p.path.trim_end_matches("index.html"));
        let mut out = Vec::new();
        let mut finding = |code,
                           group: String,
                           needles: Vec<String>,
                           heading: Option<String>,
                           message: String,
                           help: String| {
            out.push(Finding {
                code,
                page: url.clone(),
                doc: doc.map(|d| d.id),
                needles,
                heading,
                group,
                message,
                help,
            });
        };
        for r in &p.refs {
            match self.check_ref(&p.path, &r.url) {
                RefProblem::None => {}
                RefProblem::Missing(target) => finding(
                    codes::BROKEN_LINK,
                    target.clone(),
                    ref_needles(&r.url),
                    None,
                    if r.tag == "a" || r.tag == "link" {
                        format!("link to {target}, which is not a page or file of the site")
                    } else {
                        format!("<{}> source {target} is not a file of the site", r.tag)
                    },
                    "check the address; link to pages of this site as @/path/to/file.md so hubgen checks and rewrites the link".into(),
                ),
                RefProblem::NoAnchor(target, id, known) => finding(
                    codes::BROKEN_ANCHOR,
                    format!("{target}#{id}"),
                    vec![format!("#{id})"), format!("#{id}\""), format!("({}", r.url)],
                    None,
                    format!("link to #{id} on {target}, which has no element with that id"),
                    if known.is_empty() {
                        format!("{target} has no ids to link to")
                    } else {
                        format!("the ids on {target} include: {}", known.join(", "))
                    },
                ),
            }
        }
        for src in &p.images_without_alt {
            finding(
                codes::IMAGE_ALT,
                src.clone(),
                vec![format!("\"{src}\"")],
                None,
                format!("image {src} has no alt attribute"),
                "describe the image in its alt text; in a template, give a purely decorative image alt=\"\"".into(),
            );
        }
        let h1s: Vec<&String> = p
            .headings
            .iter()
            .filter(|h| h.0 == 1)
            .map(|h| &h.1)
            .collect();
        if h1s.len() > 1 {
            finding(
                codes::MANY_H1,
                String::new(),
                Vec::new(),
                Some(h1s[1].clone()),
                format!(
                    "page has {} h1 headings: {}",
                    h1s.len(),
                    h1s.iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                "the theme shows the title as the page's h1; start headings in the text at ## (h2)"
                    .into(),
            );
        }
        for pair in p.headings.windows(2) {
            let ((a, at), (b, bt)) = (&pair[0], &pair[1]);
            if *b > a + 1 {
                finding(
                    codes::HEADING_SKIP,
                    format!("h{a}→h{b}"),
                    Vec::new(),
                    Some(bt.clone()),
                    format!("heading level skipped: h{a} `{at}` is followed by h{b} `{bt}`"),
                    format!(
                        "make `{bt}` an h{} ({} in Markdown): screen-reader users move through a page by heading level",
                        a + 1,
                        "#".repeat(usize::from(a + 1))
                    ),
                );
            }
        }
        let english = p.lang == "en" || p.lang.starts_with("en-");
        for l in &p.links {
            let text = fold(&l.text);
            if text.is_empty() {
                finding(
                    codes::EMPTY_LINK,
                    l.href.clone(),
                    vec![format!("[]({}", l.href), format!("[ ]({}", l.href)],
                    None,
                    format!("link to {} has no text", l.href),
                    "write the link text between [ and ], saying where the link goes (or give an icon link an aria-label)".into(),
                );
                continue;
            }
            let key = text
                .trim_matches(|c: char| {
                    c.is_ascii_punctuation() || "…»›→".contains(c) || c.is_whitespace()
                })
                .to_lowercase();
            if english && VAGUE.contains(&key.as_str()) {
                finding(
                    codes::VAGUE_LINK,
                    key.clone(),
                    [vec![format!("[{text}]")], ref_needles(&l.href)].concat(),
                    None,
                    format!("link text `{text}` does not say where the link goes"),
                    "use words that make sense on their own, e.g. [our guide to coping with stress](@/guidance/coping-with-stress.md)".into(),
                );
            }
        }
        out
    }

    fn check_ref(&self, page: &str, url: &str) -> RefProblem {
        let Some(target) = resolve(page, url, &self.site.config.base_url) else {
            return RefProblem::None;
        };
        let file = match &target.path {
            None => Some(page.to_string()),
            Some(path) => path
                .candidates()
                .into_iter()
                .find(|c| self.files.contains(c)),
        };
        let Some(file) = file else {
            let shown = target.path.as_ref().map_or(String::new(), |p| p.0.clone());
            return RefProblem::Missing(shown);
        };
        let Some(id) = target.fragment.filter(|f| !f.is_empty() && f != "top") else {
            return RefProblem::None;
        };
        let Some(scan) = self.by_path.get(file.as_str()) else {
            return RefProblem::None;
        };
        if scan.ids.contains(&id) {
            return RefProblem::None;
        }
        let mut known: Vec<String> = scan.ids.iter().map(|i| format!("#{i}")).collect();
        known.sort();
        known.truncate(8);
        let shown = format!("/{}", file.trim_end_matches("index.html"));
        RefProblem::NoAnchor(shown, id, known)
    }
}

/// How an address can appear in Markdown or raw HTML: inline `(url`, a reference definition
/// `]: url`, an autolink `<url>`, or a quoted attribute.
fn ref_needles(url: &str) -> Vec<String> {
    vec![
        format!("({url}"),
        format!("]: {url}"),
        format!("<{url}>"),
        format!("\"{url}\""),
        format!("'{url}'"),
    ]
}

enum RefProblem {
    None,
    Missing(String),
    NoAnchor(String, String, Vec<String>),
}

/// A site path, percent-decoded, starting with `/`.
struct SitePath(String);

impl SitePath {
    /// Output files that would serve this path.
    fn candidates(&self) -> Vec<String> {
        let p = self.0.trim_start_matches('/');
        if p.is_empty() || p.ends_with('/') {
            vec![format!("{p}index.html")]
        } else {
            vec![p.to_string(), format!("{p}/index.html")]
        }
    }
}

struct Target {
    /// None: the same page.
    path: Option<SitePath>,
    fragment: Option<String>,
}

/// Where `url` on output page `page` points inside the site; None for other sites, mail,
/// phone and the like.
fn resolve(page: &str, url: &str, base_url: &str) -> Option<Target> {
    let url = url.trim();
    let local = match url.strip_prefix(base_url) {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '?', '#']) => {
            if rest.starts_with('/') {
                rest.to_string()
            } else {
                format!("/{rest}")
            }
        }
        _ => url.to_string(),
    };
    if local.is_empty() || local.starts_with("//") {
        return None;
    }
    let scheme_end = local.find(':');
    let path_char = local.find(['/', '?', '#']);
    if let Some(c) = scheme_end
        && path_char.is_none_or(|p| c < p)
    {
        return None;
    }
    let (rest, fragment) = match local.split_once('#') {
        Some((r, f)) => (r, Some(percent_decode(f))),
        None => (local.as_str(), None),
    };
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if path.is_empty() {
        return Some(Target {
            path: None,
            fragment,
        });
    }
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        format!("/{dir}/{path}")
    };
    let trailing = joined.ends_with('/');
    let mut segments: Vec<&str> = Vec::new();
    for s in joined.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut norm = format!("/{}", segments.join("/"));
    if trailing && norm != "/" {
        norm.push('/');
    }
    Some(Target {
        path: Some(SitePath(percent_decode(&norm))),
        fragment,
    })
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Places findings in source files, or groups them under the templates.
fn report(site: &Site, findings: Vec<Finding>) -> Diagnostics {
    let mut ds = Diagnostics::new();
    // (code, group) → (pages, first message, help), for findings that come from templates.
    type Grouped = (Vec<String>, String, String);
    let mut from_templates: BTreeMap<(&'static str, String), Grouped> = BTreeMap::new();
    let mut seen = HashSet::new();
    for f in findings {
        let doc = f.doc.map(|i| &site.docs[i]);
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
                // Findings arrive in page order per thread, not overall: keep the message of
                // the first page in sorted order so the report is the same on every run.
                if entry.0.iter().all(|p| f.page < *p) {
                    entry.1 = f.message;
                }
                entry.0.push(f.page);
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

    fn path(page: &str, url: &str) -> Option<(Option<String>, Option<String>)> {
        resolve(page, url, "https://hub.example.org").map(|t| (t.path.map(|p| p.0), t.fragment))
    }

    #[test]
    fn resolves_site_addresses_and_skips_others() {
        assert_eq!(path("a/b/index.html", "https://other.org/x"), None);
        assert_eq!(path("a/b/index.html", "mailto:x@y.org"), None);
        assert_eq!(path("a/b/index.html", "//cdn.org/x"), None);
        assert_eq!(
            path("a/b/index.html", "https://hub.example.org/c/"),
            Some((Some("/c/".into()), None))
        );
        assert_eq!(
            path("a/b/index.html", "../c/d.png?v=1#x%20y"),
            Some((Some("/a/c/d.png".into()), Some("x y".into())))
        );
        assert_eq!(
            path("a/index.html", "#top"),
            Some((None, Some("top".into())))
        );
        assert_eq!(
            path("index.html", "/ar/%D9%85/"),
            Some((Some("/ar/م/".into()), None))
        );
        let c = SitePath("/a/b".into()).candidates();
        assert_eq!(c, ["a/b", "a/b/index.html"]);
        assert_eq!(SitePath("/".into()).candidates(), ["index.html"]);
    }
}
