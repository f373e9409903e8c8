//! PDFs: every borough's copy of each information pack, and a printable leaflet of each page
//! in the `[pdf] leaflets` sections in each of its languages, typeset with typst through the
//! theme's `typst/` templates. Runs before rendering, which links each PDF with its size and
//! page count.
//!
//! Each PDF is a pure function of its four input files and the fonts, so it is cached by the
//! hash of those in `.hubgen-cache/pdf/` (or `$HUBGEN_CACHE_DIR`): a rebuild typesets only
//! what changed, and a clean build of the same input writes the same bytes.

pub mod fonts;
pub mod markup;
mod world;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::config::{Config, Dir};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::Strings;
use crate::lint::codes;
use crate::model::{Doc, Site};
use crate::render::{Content, OutputFile};
use fonts::FontSet;

/// Stack size for threads that typeset (see `main.rs`): typst recurses deeply.
pub const STACK_SIZE: usize = 32 << 20;

/// A PDF as the pages that link to it describe it.
#[derive(Debug, Clone, Serialize)]
pub struct PdfLink {
    /// URL path of the PDF.
    pub path: String,
    /// File size in bytes.
    pub bytes: u64,
    /// Size for people: `85 KB`, `1.2 MB`.
    pub size: String,
    /// Number of pages.
    pub pages: usize,
}

/// What the PDF stage produced.
#[derive(Debug, Default)]
pub struct Pdfs {
    /// URL path of the HTML page a PDF is the print version of → the PDF.
    pub links: HashMap<String, PdfLink>,
    /// The PDF files, for the output.
    pub files: Vec<OutputFile>,
    /// Glyph, font and template problems.
    pub diagnostics: Diagnostics,
    /// Time spent typesetting each PDF that was not in the cache.
    pub typeset_times: Vec<Duration>,
    /// PDFs taken from the cache.
    pub cached: usize,
}

/// One PDF to make.
struct Job<'a> {
    doc: &'a Doc,
    /// `pack` or `leaflet`: the template's name.
    kind: &'static str,
    /// URL path of the HTML version.
    html_path: String,
    /// URL path of the PDF.
    pdf_path: String,
    /// `/data.json`.
    data: Value,
}

/// `/guidance/money-worries/` → `/guidance/money-worries.pdf`.
pub fn pdf_path(html_path: &str) -> String {
    format!("{}.pdf", html_path.trim_end_matches('/'))
}

/// `85 KB` below a megabyte, `1.2 MB` above (1 KB = 1000 bytes, as file managers show).
pub fn human_size(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000).max(1))
    } else {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    }
}

/// Where cached PDFs live.
fn cache_dir(config: &Config) -> PathBuf {
    match std::env::var_os("HUBGEN_CACHE_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d).join("pdf"),
        _ => config.root.join(".hubgen-cache").join("pdf"),
    }
}

/// The theme's typst file `name`, or the site's own in `typst/` when it has one.
fn template(config: &Config, name: &str) -> Result<(PathBuf, String), String> {
    let own = config.root.join("typst").join(name);
    let path = if own.is_file() {
        own
    } else {
        config.theme_dir().join("typst").join(name)
    };
    std::fs::read_to_string(&path)
        .map(|t| (path.clone(), t))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Builds every PDF of the site.
pub fn build(site: &Site, strings: &Strings) -> Pdfs {
    let config = &site.config;
    let mut out = Pdfs::default();
    if !config.pdf.enabled {
        return out;
    }
    let jobs = jobs(site, strings);
    if jobs.is_empty() {
        return out;
    }
    let lib = template(config, "lib.typ");
    let pack = template(config, "pack.typ");
    let leaflet = template(config, "leaflet.typ");
    for t in [&lib, &pack, &leaflet] {
        if let Err(e) = t {
            out.diagnostics.push(
                Diagnostic::file_error("config.toml", e.clone())
                    .code(codes::PDF_TYPESET)
                    .help("the theme's typst/ folder needs lib.typ, pack.typ and leaflet.typ, or set [pdf] enabled = false"),
            );
        }
    }
    let (Ok(lib), Ok(pack), Ok(leaflet)) = (lib, pack, leaflet) else {
        return out;
    };
    let fonts = fonts::load(&config.pdf.font_dirs);
    // Each document's body, and its characters' check against the fonts, once, not once
    // per borough.
    let mut bodies: HashMap<usize, Result<Body, String>> = HashMap::new();
    for j in &jobs {
        bodies.entry(j.doc.id).or_insert_with(|| {
            // The theme's functions (the shortcodes' PDF versions) are in scope in the body.
            markup::body(j.doc, &config.base_url).map(|b| {
                let text = format!("#import \"/lib.typ\": *\n\n{b}");
                Body {
                    missing: fonts.missing_script(&text),
                    uncovered: fonts.uncovered(&text),
                    text,
                }
            })
        });
    }
    let cache = cache_dir(config);
    let started = std::time::SystemTime::now();
    let results: Vec<Outcome> = jobs
        .par_iter()
        .map(|j| {
            let main = if j.kind == "pack" { &pack } else { &leaflet };
            // Every job's document is in `bodies`: it was filled from these jobs.
            let body = match &bodies[&j.doc.id] {
                Ok(b) => b,
                Err(e) => return Outcome::Failed(vec![doc_error(j.doc, e.clone())]),
            };
            let shared = Shared {
                lib: &lib.1,
                fonts: &fonts,
                cache: &cache,
                root: &config.root,
            };
            one(j, main, body, &shared)
        })
        .collect();
    let mut missing: BTreeMap<&'static str, (usize, Vec<String>, String)> = BTreeMap::new();
    // One template error fails every PDF made from it: report each place once.
    let mut seen = std::collections::HashSet::new();
    for (j, r) in jobs.iter().zip(results) {
        match r {
            Outcome::Made { file, link, time } => {
                out.files.push(file);
                out.links.insert(j.html_path.clone(), link);
                match time {
                    Some(t) => out.typeset_times.push(t),
                    None => out.cached += 1,
                }
            }
            Outcome::FontsMissing(script) => {
                let e = missing.entry(script.name).or_insert((
                    0,
                    Vec::new(),
                    script.package.to_string(),
                ));
                e.0 += 1;
                let lang = j.doc.lang().to_string();
                if !e.1.contains(&lang) {
                    e.1.push(lang);
                }
            }
            Outcome::Failed(ds) => {
                for d in ds {
                    if seen.insert((d.file.clone(), d.line, d.message.clone())) {
                        out.diagnostics.push(d);
                    }
                }
            }
        }
    }
    // One warning per script, not one per PDF: the fix is one package.
    for (script, (n, langs, package)) in missing {
        // A production build must not publish a site whose pages lack their PDFs.
        let families = fonts::SCRIPTS
            .iter()
            .find(|s| s.name == script)
            .map_or(String::new(), |s| s.families.join(" or "));
        let d = Diagnostic::file_error(
                "config.toml",
                format!(
                    "{n} PDF(s) in {} not built: no font for {script} text is installed",
                    langs.join(", ")
                ),
            )
            .code(codes::PDF_FONTS_MISSING)
            .help(format!(
                "install Debian's {package} (apt-get install {package}), or add a folder holding {families} to [pdf] font_dirs"
            ));
        out.diagnostics
            .push(if config.production { d } else { d.warning() });
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    if !out.diagnostics.has_errors() && std::env::var_os("HUBGEN_CACHE_DIR").is_none() {
        prune(&cache, &out.files, started);
    }
    out
}

enum Outcome {
    Made {
        file: OutputFile,
        link: PdfLink,
        /// None when it came from the cache.
        time: Option<Duration>,
    },
    FontsMissing(&'static fonts::Script),
    Failed(Vec<Diagnostic>),
}

fn doc_error(doc: &Doc, message: String) -> Diagnostic {
    Diagnostic::file_error(&doc.parsed.source.display, message).code(codes::PDF_TYPESET)
}

/// A document's body as typst markup, with what its characters need from the fonts.
struct Body {
    text: String,
    /// A script used in it whose fonts are not installed.
    missing: Option<&'static fonts::Script>,
    /// Characters no font has.
    uncovered: Vec<char>,
}

/// What every PDF of a build shares.
struct Shared<'a> {
    /// The theme's `lib.typ`.
    lib: &'a str,
    fonts: &'a FontSet,
    /// Cache folder.
    cache: &'a Path,
    /// Site root, for file names in messages.
    root: &'a Path,
}

/// Checks, then takes from the cache or typesets, one PDF.
fn one(j: &Job<'_>, main: &(PathBuf, String), body: &Body, shared: &Shared<'_>) -> Outcome {
    let Shared {
        lib,
        fonts,
        cache,
        root,
    } = *shared;
    let (main_path, main) = (&main.0, main.1.as_str());
    let data = j.data.to_string();
    // A whole script without its fonts is a machine's setup, not the content's fault.
    if let Some(script) = body.missing.or_else(|| fonts.missing_script(&data)) {
        return Outcome::FontsMissing(script);
    }
    let uncovered: Vec<char> = body
        .uncovered
        .iter()
        .copied()
        .chain(fonts.uncovered(&data))
        .collect();
    if let Some(o) = glyph_problems(j, &uncovered) {
        return o;
    }
    let mut h = Sha256::new();
    for part in [
        "hubgen-pdf-1",
        env!("CARGO_PKG_VERSION"),
        &fonts.fingerprint,
        main,
        lib,
        &body.text,
        &data,
        &j.pdf_path,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let key: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let cached_pdf = cache.join(format!("{key}.pdf"));
    let cached_pages = cache.join(format!("{key}.pages"));
    let rel = j.pdf_path.trim_start_matches('/').to_string();
    if let (Ok(meta), Ok(pages)) = (
        std::fs::metadata(&cached_pdf),
        std::fs::read_to_string(&cached_pages),
    ) && let Ok(pages) = pages.trim().parse()
    {
        return Outcome::Made {
            link: link(&j.pdf_path, meta.len(), pages),
            file: OutputFile {
                path: rel,
                content: Content::Copy(cached_pdf),
            },
            time: None,
        };
    }
    let start = Instant::now();
    let files = world::Files {
        main: main.to_string(),
        lib: lib.to_string(),
        body: body.text.clone(),
        data,
    };
    match world::typeset(files, fonts, &j.pdf_path) {
        Ok(t) => {
            let time = start.elapsed();
            store(cache, &key, &t);
            Outcome::Made {
                link: link(&j.pdf_path, t.bytes.len() as u64, t.pages),
                file: OutputFile {
                    path: rel,
                    content: Content::Bytes(t.bytes),
                },
                time: Some(time),
            }
        }
        Err(errors) => Outcome::Failed(
            errors
                .into_iter()
                .map(|e| {
                    let where_ = match e.file.as_str() {
                        "body.typ" | "data.json" | "" => {
                            format!("in the PDF of {}", j.html_path)
                        }
                        f => format!(
                            "in {}{}",
                            main_path
                                .with_file_name(f)
                                .strip_prefix(root)
                                .unwrap_or(main_path)
                                .display(),
                            if e.line > 0 {
                                format!(":{}", e.line)
                            } else {
                                String::new()
                            }
                        ),
                    };
                    let help = if e.message.starts_with("unknown variable") {
                        "a shortcode used in a PDF needs a function of the same name in the theme's typst/lib.typ"
                    } else {
                        "the PDF templates are the theme's typst/ files (or the site's own typst/ folder)"
                    };
                    doc_error(j.doc, format!("typst: {} ({where_})", e.message)).help(help)
                })
                .collect(),
        ),
    }
}

/// Missing-font and missing-glyph findings for `uncovered` characters, if any.
fn glyph_problems(j: &Job<'_>, uncovered: &[char]) -> Option<Outcome> {
    if uncovered.is_empty() {
        return None;
    }
    let source = &j.doc.parsed.source;
    let ds = uncovered
        .iter()
        .map(|&c| {
            let msg = format!(
                "no font has a glyph for '{c}' (U+{:04X}), used in the PDF {} (language {})",
                c as u32,
                j.pdf_path,
                j.doc.lang()
            );
            let d = match source.text.find(c) {
                Some(at) => Diagnostic::at(
                    &source.display,
                    &source.text,
                    at..at + c.len_utf8(),
                    msg,
                ),
                None => Diagnostic::file_error(&source.display, msg),
            };
            d.code(codes::PDF_GLYPH).help(
                "write it another way, or add a folder holding a font with that character to [pdf] font_dirs",
            )
        })
        .collect();
    Some(Outcome::Failed(ds))
}

fn link(path: &str, bytes: u64, pages: usize) -> PdfLink {
    PdfLink {
        path: path.to_string(),
        bytes,
        size: human_size(bytes),
        pages,
    }
}

/// Saves a typeset PDF in the cache. A cache that cannot be written only costs time later.
fn store(cache: &Path, key: &str, t: &world::Typeset) {
    if std::fs::create_dir_all(cache).is_err() {
        return;
    }
    let write = |name: String, bytes: &[u8]| {
        // Written beside and renamed, so a concurrent build never reads half a file.
        let tmp = cache.join(format!(".{name}.{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() {
            let _ = std::fs::rename(&tmp, cache.join(&name));
        }
    };
    write(format!("{key}.pdf"), &t.bytes);
    write(format!("{key}.pages"), t.pages.to_string().as_bytes());
}

/// Removes cache entries this build neither used nor wrote (a site's own cache folder only),
/// so the folder holds one site's worth of PDFs however often it is rebuilt.
fn prune(cache: &Path, files: &[OutputFile], started: std::time::SystemTime) {
    let used: std::collections::HashSet<String> = files
        .iter()
        .filter_map(|f| match &f.content {
            Content::Copy(p) => p.file_stem().map(|s| s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((stem, ext)) = name.split_once('.') else {
            continue;
        };
        let written_now = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= started);
        if matches!(ext, "pdf" | "pages")
            && stem.len() == 64
            && !used.contains(stem)
            && !written_now
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The typst language code for a configured language: its primary subtag.
fn typst_lang(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_ascii_lowercase()
}

/// Which PDFs `d` has: `"pack"` (a copy for every borough), `"leaflet"` (one), or None. The
/// one rule for it: `build` typesets these, and serve's targeted rebuilds leave every edit of
/// such a document to the full build (`crate::serve::incremental`).
pub fn kind(config: &Config, d: &Doc) -> Option<&'static str> {
    if !config.pdf.enabled {
        return None;
    }
    let top = d.key().split('/').next().unwrap_or_default();
    if crate::packs::is_pack(d) {
        Some("pack")
    } else if !d.is_section() && config.pdf.leaflets.iter().any(|s| s == top) {
        Some("leaflet")
    } else {
        None
    }
}

/// Every PDF the site has, with its data.
fn jobs<'a>(site: &'a Site, strings: &Strings) -> Vec<Job<'a>> {
    let config = &site.config;
    let directory = crate::render::directory::build(site);
    let fonts_for = |lang: &str| -> Value { json!(fonts::load(&config.pdf.font_dirs).chain(lang)) };
    let languages: Vec<Value> = config
        .languages
        .iter()
        .map(|l| json!({"name": l.name, "typst": typst_lang(&l.tag), "dir": if l.dir == Dir::Rtl { "rtl" } else { "ltr" }}))
        .collect();
    let mut jobs = Vec::new();
    for d in &site.docs {
        let Some(lang) = config.language(d.lang()) else {
            continue;
        };
        let Some(kind) = kind(config, d) else {
            continue;
        };
        let table = strings.table(&lang.code);
        let base = json!({
            "kind": kind,
            "title": d.parsed.front.title,
            "description": d.parsed.front.description,
            "lang": {
                "code": lang.code,
                "tag": lang.tag,
                "typst": typst_lang(&lang.tag),
                "dir": if lang.dir == Dir::Rtl { "rtl" } else { "ltr" },
            },
            "fonts": fonts_for(&lang.code),
            "site": {"name": table.get("site_name").cloned().unwrap_or_else(|| config.title.clone()), "base_url": config.base_url},
            "updated": d.parsed.front.updated.as_ref().map(|u| crate::dates::long_date(strings, &lang.code, &u.ymd)),
            "helplines": site.helplines,
            "boroughs": directory.list,
            // Only where the page lists them: the names are in every script, and a PDF that
            // does not show them must not need every script's fonts.
            "languages": if uses(d, "language_list") { languages.clone() } else { Vec::new() },
            "strings": table,
        });
        if kind == "pack" {
            for b in &site.boroughs {
                let html_path =
                    crate::packs::html_path(config, &lang.code, &b.slug, crate::packs::name(d));
                let mut data = base.clone();
                let mut view = directory
                    .by_slug
                    .get(&b.slug)
                    .cloned()
                    .unwrap_or(Value::Null);
                dates_written_out(&mut view, strings, &lang.code);
                data["borough"] = view;
                data["url"] = json!(config.absolute(&html_path));
                jobs.push(Job {
                    doc: d,
                    kind,
                    pdf_path: pdf_path(&html_path),
                    html_path,
                    data,
                });
            }
        } else {
            let mut data = base;
            data["borough"] = Value::Null;
            data["url"] = json!(config.absolute(&d.path));
            jobs.push(Job {
                doc: d,
                kind,
                html_path: d.path.clone(),
                pdf_path: pdf_path(&d.path),
                data,
            });
        }
    }
    jobs
}

/// True when `d` calls shortcode `name`.
fn uses(d: &Doc, name: &str) -> bool {
    d.parsed.structure.shortcodes.iter().any(|c| c.name == name)
}

/// Adds `last_checked` (the date written out) beside each `last_verified` in a borough view,
/// and drops the JSON-LD the web page embeds, which a PDF has no use for.
fn dates_written_out(v: &mut Value, strings: &Strings, lang: &str) {
    match v {
        Value::Object(map) => {
            map.remove("jsonld");
            if let Some(ymd) = map
                .get("last_verified")
                .and_then(|l| l.get("ymd"))
                .and_then(Value::as_str)
            {
                let long = crate::dates::long_date(strings, lang, ymd);
                map.insert("last_checked".into(), Value::String(long));
            }
            for x in map.values_mut() {
                dates_written_out(x, strings, lang);
            }
        }
        Value::Array(items) => {
            for x in items {
                dates_written_out(x, strings, lang);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(1), "1 KB");
        assert_eq!(human_size(85_200), "86 KB");
        assert_eq!(human_size(1_234_567), "1.2 MB");
    }

    #[test]
    fn pdf_paths_sit_beside_their_pages() {
        assert_eq!(
            pdf_path("/ar/guidance/money-worries/"),
            "/ar/guidance/money-worries.pdf"
        );
        assert_eq!(
            pdf_path("/boroughs/camden/packs/core-conversations/"),
            "/boroughs/camden/packs/core-conversations.pdf"
        );
    }

    #[test]
    fn typst_language_codes() {
        assert_eq!(typst_lang("zh-Hans"), "zh");
        assert_eq!(typst_lang("en-GB"), "en");
        assert_eq!(typst_lang("ckb"), "ckb");
    }
}
