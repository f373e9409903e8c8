//! The pipeline as short functions: `load_site` (config → load → parse → model) and `build`
//! (then render → write). Commands that only need the model (`translations`) stop halfway.
//! `run` is `build` with the editorial lints of `hubgen check` and the accounting of files.
//!
//! Every stage up to the model runs to the end even when files are broken, so the editor sees
//! every problem at once; nothing is written unless the whole site rendered.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::accounting::{Accounting, Inventory};
use crate::config::{self, Overrides};
use crate::diagnostics::Diagnostics;
use crate::i18n::Strings;
use crate::model::Site;
use crate::{i18n, lint, load, model, parse, pdf, render, search, write};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root (holds `config.toml`).
    pub root: PathBuf,
    /// Output folder; `public/` under the root when not given.
    pub output: Option<PathBuf>,
    /// Command-line overrides.
    pub overrides: Overrides,
    /// False for `check`: render in memory, write nothing.
    pub write: bool,
    /// Delete the previous output on a background thread (for `serve`, which keeps running).
    pub background_cleanup: bool,
    /// The manifest of the site already in the output folder (serve's rebuilds): only changed
    /// files are written, in place. None writes a fresh folder and swaps it in.
    pub previous: Option<Arc<write::Manifest>>,
    /// The process ends once this build returns (`hubgen build` and `hubgen check`): the
    /// model, the rendered templates and the search index are left for the operating system
    /// to reclaim rather than freed string by string, which at 10,000 pages kept one core
    /// busy for tens of milliseconds after the site was written. False in `serve` and in
    /// tests, which build many times in one process.
    pub exiting: bool,
}

/// Why a build did not produce a site.
#[derive(Debug)]
pub enum Failure {
    /// Content problems (all of them, with any warnings).
    Content(Diagnostics),
    /// The machine failed us: I/O, permissions, a folder we must not replace.
    Env(anyhow::Error),
}

/// A finished build.
#[derive(Debug)]
pub struct BuildReport {
    /// Warnings to show.
    pub warnings: Diagnostics,
    /// Pages and sections rendered.
    pub documents: usize,
    /// Files in the output.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Where the site went (None for `check`).
    pub output: Option<PathBuf>,
    /// What is on disk now, and how much of it this build wrote (None for `check`).
    pub written: Option<write::WriteReport>,
    /// Time per stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
    /// How the PDFs were made (count, typeset or cached, time per PDF); empty without PDFs.
    pub pdf: String,
}

/// The site model with what rendering needs besides it.
pub struct Loaded {
    /// The model.
    pub site: Site,
    /// UI strings.
    pub strings: Strings,
    /// Shortcode names the templates provide.
    pub shortcodes: BTreeSet<String>,
    /// Warnings so far.
    pub warnings: Diagnostics,
    /// Time per stage so far.
    pub timings: Vec<(&'static str, Duration)>,
}

struct Clock {
    start: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Clock {
    fn lap(&mut self, name: &'static str) {
        self.timings.push((name, self.start.elapsed()));
        self.start = Instant::now();
    }
}

/// config → load → parse → model. Every content problem is collected before giving up.
pub fn load_site(root: &std::path::Path, overrides: &Overrides) -> Result<Loaded, Failure> {
    load_counted(root, overrides, false, &mut Inventory::default())
}

/// `load_site`, noting in `inv` every file found and what became of it. With `index`, the
/// parse pass also reads each page's text for the search index (when the site has search).
fn load_counted(
    root: &std::path::Path,
    overrides: &Overrides,
    index: bool,
    inv: &mut Inventory,
) -> Result<Loaded, Failure> {
    let mut clock = Clock {
        start: Instant::now(),
        timings: Vec::new(),
    };
    let config = config::load(root, overrides).map_err(Failure::Content)?;
    let (strings, mut ds) = i18n::load(&config);
    clock.lap("config");
    let (mut loaded, load_ds) = load::walk(&config);
    ds.extend(load_ds);
    let (unused_ds, unused) = lint::unused_files(&loaded, &config.allow);
    ds.extend(unused_ds);
    inv.files = std::mem::take(&mut loaded.files);
    inv.unused = unused;
    clock.lap("load");
    let (mut parsed, parse_ds) = parse::all(loaded.sources, index && config.search);
    if !config.drafts {
        inv.drafts = parsed
            .docs
            .iter()
            .filter(|d| d.front.draft)
            .map(|d| d.source.display.clone())
            .collect();
    }
    ds.extend(parse_ds);
    clock.lap("parse");
    // Pages without `updated` get their file's last commit date: one git call for the site.
    if parsed.docs.iter().any(|d| d.front.updated.is_none()) {
        let dates = crate::gitdates::last_commit_dates(&config.content_dir());
        for d in &mut parsed.docs {
            if d.front.updated.is_none() {
                d.front.updated = dates.get(&d.source.rel).cloned();
            }
        }
        clock.lap("git");
    }
    let shortcodes = render::templates::shortcode_names(&config);
    let inputs = model::Inputs {
        docs: parsed.docs,
        broken: parsed.broken.into_iter().chain(loaded.broken).collect(),
        assets: loaded.assets,
        data: loaded.data,
        shortcodes: shortcodes.clone(),
    };
    let site = match model::assemble(config, inputs) {
        Ok((site, warnings)) => {
            ds.extend(warnings);
            if ds.has_errors() {
                return Err(Failure::Content(ds));
            }
            site
        }
        Err(e) => {
            ds.extend(e);
            return Err(Failure::Content(ds));
        }
    };
    clock.lap("model");
    Ok(Loaded {
        site,
        strings,
        shortcodes,
        warnings: ds,
        timings: clock.timings,
    })
}

/// Runs the whole pipeline.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Failure> {
    run(opts, false).result
}

/// What a successful build leaves for `serve` to update the site from without starting over
/// (`crate::serve::incremental`): the model and everything rendering used besides it.
pub struct Kept {
    /// The model.
    pub site: Site,
    /// Templates, shared contexts, static files, and each PDF's link (size and pages): a
    /// targeted update never changes a document that has a PDF, so these stay true.
    pub prepared: render::Prepared,
    /// Shortcode names the templates provide.
    pub shortcodes: BTreeSet<String>,
    /// Each language's search manifest URL, as the search pages name it.
    pub manifests: HashMap<String, String>,
    /// The build's warnings.
    pub warnings: Diagnostics,
    /// Each language's search index, ready to update (empty when the site has no search).
    pub search: Vec<search::incremental::LangState>,
    /// What the model read besides the files, taken before the build: the checked-out commit
    /// (pages' `updated` dates) and today's date (review and services staleness).
    pub world: World,
}

/// What a build depends on besides the site's files; when it moves, serve rebuilds everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct World {
    git_head: Option<String>,
    today: crate::dates::Ymd,
    services_today: i64,
}

impl World {
    /// Reads the commit and the date now.
    pub fn now(root: &std::path::Path) -> World {
        World {
            git_head: crate::gitdates::head(&root.join("content")),
            today: crate::dates::today(),
            services_today: crate::parse::services::today(),
        }
    }
}

/// `build`, also returning what serve keeps to update the site later.
pub fn build_kept(opts: &BuildOptions) -> Result<(BuildReport, Kept), Failure> {
    let world = World::now(&opts.root);
    let (report, kept) = build_counted(opts, false, Some(world), &mut Inventory::default())?;
    let kept = kept.ok_or_else(|| Failure::Env(anyhow::anyhow!("nothing was kept")))?;
    Ok((report, kept))
}

/// What `run` produced: the build's result and the accounting of `content/`.
#[derive(Debug)]
pub struct Outcome {
    /// The site, or why there is none.
    pub result: Result<BuildReport, Failure>,
    /// What became of every file in `content/` (None when config.toml could not be read).
    pub accounting: Option<Accounting>,
}

/// Runs the whole pipeline, with `hubgen check`'s lints when `lint` is true, and accounts
/// for every file in `content/` whether or not it succeeds.
pub fn run(opts: &BuildOptions, lint: bool) -> Outcome {
    let mut inv = Inventory::default();
    let result = build_counted(opts, lint, None, &mut inv).map(|(report, _)| report);
    let accounting = match &result {
        // config.toml failed: content/ was never walked.
        _ if inv.files.is_empty() => None,
        Ok(report) => Some(Accounting::count(&inv, &report.warnings)),
        Err(Failure::Content(ds)) => Some(Accounting::count(&inv, ds)),
        Err(Failure::Env(_)) => None,
    };
    Outcome { result, accounting }
}

/// The pipeline; with `keep` (the world as it was before the build), also what serve keeps.
fn build_counted(
    opts: &BuildOptions,
    lint: bool,
    keep: Option<World>,
    inv: &mut Inventory,
) -> Result<(BuildReport, Option<Kept>), Failure> {
    let Loaded {
        site,
        strings,
        shortcodes,
        warnings: mut ds,
        timings,
    } = load_counted(&opts.root, &opts.overrides, opts.write, inv)?;
    let mut clock = Clock {
        start: Instant::now(),
        timings,
    };
    let documents = site.docs.len();
    let assets = render::assets::collect(&site.config).map_err(Failure::Env)?;
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| site.config.root.join("public"));
    let staging = match (opts.write, &opts.previous) {
        (false, _) => None,
        (true, None) => Some(write::Staging::new(&output, site.config.minify)),
        (true, Some(previous)) => Some(write::Staging::updating(
            &output,
            site.config.minify,
            previous.clone(),
        )),
    }
    .transpose()
    .map_err(Failure::Env)?;
    // The first write error is kept; rendering finishes (it is cheap) and the build then fails.
    let write_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let collector = lint.then(|| lint::Collector::new(&site.config.base_url));
    let sink = |f: render::OutputFile| {
        if let Some(c) = &collector {
            c.add(&f);
        }
        if let Some(s) = &staging
            && let Err(e) = s.put(&f)
            && let Ok(mut slot) = write_error.lock()
        {
            slot.get_or_insert(e);
        }
    };
    // One stage after another, each on every core: the PDFs first (the pages link them with
    // their size, so the templates' shared data, `prepared`, is made after them), then the
    // pages, then the index, then the search pages (each names its language's manifest, whose
    // file name is the hash of its contents). The index was once built beside the rendering,
    // to fill the cores its sequential steps leave idle; but its tens of megabytes of
    // postings then shared the cores' caches and the allocator's heaps with the pages'
    // churn, and a 10,000-page build spent about half a second more CPU than it does
    // rendering first (BENCHMARKS.md, "The index after the pages").
    let strings = Arc::new(strings);
    let assets = Arc::new(assets);
    let started = Instant::now();
    let pdfs = pdf::build(&site, &strings);
    let pdf_took = started.elapsed();
    let pdf_summary = pdf_summary(&pdfs);
    ds.extend(pdfs.diagnostics);
    let pdf_files = pdfs.files.len();
    pdfs.files.into_par_iter().for_each(sink);
    let links = Arc::new(pdfs.links);
    let rendered = render::prepare(&site, strings.clone(), assets.clone(), links)
        .and_then(|prepared| render::site(&site, &prepared, &sink).map(|n| (n, prepared)));
    let (pages, prepared) = match rendered {
        Ok(done) => done,
        Err(e) => {
            ds.extend(e.default_code(crate::lint::codes::TEMPLATE));
            return Err(Failure::Content(ds));
        }
    };
    clock.lap("render+write");
    if !pdf_summary.is_empty() {
        clock.timings.push(("of which pdf", pdf_took));
    }
    // `check` writes nothing, so it builds no index: its search pages point at where each
    // manifest would be (the lints do not follow that address; everything else they read is
    // the same as in a build). A site without search has no manifests at all.
    let indexed = site.config.search && (keep.is_some() || opts.write);
    let (manifests, index_files, search_states, spent_index) = if !indexed {
        (search::unbuilt_manifests(&site), 0, Vec::new(), None)
    } else if keep.is_some() {
        // Serve keeps each language's index to update it after an edit (the same files).
        let (states, counts): (Vec<_>, Vec<usize>) = site
            .config
            .languages
            .par_iter()
            .map(|l| {
                let (state, files) = search::incremental::LangState::build(&site, &l.code);
                let n = files.len();
                files.into_par_iter().for_each(sink);
                (state, n)
            })
            .unzip();
        let manifests = states
            .iter()
            .map(|s| (s.lang().to_string(), s.manifest_url.clone()))
            .collect();
        (manifests, counts.iter().sum(), states, None)
    } else {
        let index = search::build(&site, &sink);
        let n = index.langs.iter().map(|l| l.files).sum();
        (index.manifests(), n, Vec::new(), Some(index))
    };
    let files = match render::search_pages(&site, &prepared, &manifests, None, &sink) {
        Ok(n) => pdf_files + pages + n + index_files,
        Err(e) => {
            ds.extend(e.default_code(crate::lint::codes::TEMPLATE));
            return Err(Failure::Content(ds));
        }
    };
    // The search pages are part of the stage; a build without an index says nothing of one.
    if indexed {
        clock.lap("search index");
    }
    if let Some(e) = write_error.into_inner().ok().flatten() {
        return Err(Failure::Env(e));
    }
    // Freed beside the rest of the build (the lints, the swap) rather than before it: tens of
    // thousands of strings take tens of milliseconds to free at 10,000 pages. If the thread
    // cannot start, the closure and with it the index are dropped here. Not freed at all
    // when the process is about to end.
    if opts.exiting {
        std::mem::forget(spent_index);
    } else if spent_index.is_some() {
        let _ = std::thread::Builder::new().spawn(move || drop(spent_index));
    }
    if let Some(c) = collector {
        ds.extend(c.finish(&site));
        ds.extend(lint::model_lints(&site));
        ds = lint::apply_allow(&site, ds);
        clock.lap("lint");
    }
    // Before anything is swapped in: with --production, the warnings the site lists in
    // `[check] production_errors` stop the build like any error.
    if site.config.production {
        ds.promote(&site.config.production_errors);
    }
    if ds.has_errors() {
        return Err(Failure::Content(ds));
    }
    let mut report = BuildReport {
        warnings: ds,
        documents,
        files,
        bytes: 0,
        output: None,
        written: None,
        timings: Vec::new(),
        pdf: pdf_summary,
    };
    if let Some(staging) = staging {
        let w = staging
            .finish(&output, opts.background_cleanup)
            .map_err(Failure::Env)?;
        report.bytes = w.bytes;
        report.output = Some(output);
        report.written = Some(w);
        clock.lap("swap");
    }
    report.timings = clock.timings;
    let kept = match keep {
        Some(world) => Some(Kept {
            site,
            prepared,
            shortcodes,
            manifests,
            warnings: report.warnings.clone(),
            search: search_states,
            world,
        }),
        None => {
            if opts.exiting {
                std::mem::forget((site, prepared));
            }
            None
        }
    };
    Ok((report, kept))
}

/// `228 PDFs: 12 typeset (median 85 ms, slowest 140 ms each), 216 from the cache`.
fn pdf_summary(p: &pdf::Pdfs) -> String {
    let total = p.files.len();
    if total == 0 {
        return String::new();
    }
    let mut times: Vec<Duration> = p.typeset_times.clone();
    times.sort();
    let typeset = if times.is_empty() {
        "none typeset".to_string()
    } else {
        format!(
            "{} typeset (median {} ms, slowest {} ms each)",
            times.len(),
            times[times.len() / 2].as_millis(),
            times[times.len() - 1].as_millis()
        )
    };
    format!("{total} PDFs: {typeset}, {} from the cache", p.cached)
}
