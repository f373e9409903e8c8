//! The pipeline as one short function: config → load → parse → model → render → write.
//!
//! Every stage up to the model runs to the end even when files are broken, so the editor sees
//! every problem at once; nothing is written unless the whole site rendered.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::{self, Overrides};
use crate::diagnostics::Diagnostics;
use crate::{i18n, load, model, parse, render, write};

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
    /// Time per stage, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Runs the pipeline.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Failure> {
    let mut timings = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
        timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    let config = config::load(&opts.root, &opts.overrides).map_err(Failure::Content)?;
    let (strings, mut ds) = i18n::load(&config);
    lap("config", &mut timings);
    let (loaded, load_ds) = load::walk(&config);
    ds.extend(load_ds);
    lap("load", &mut timings);
    let (parsed, parse_ds) = parse::all(loaded.sources);
    ds.extend(parse_ds);
    lap("parse", &mut timings);
    let documents = parsed.docs.len();
    let shortcodes = render::templates::shortcode_names(&config);
    let inputs = model::Inputs {
        docs: parsed.docs,
        broken: parsed.broken.into_iter().chain(loaded.broken).collect(),
        assets: loaded.assets,
        data: loaded.data,
        shortcodes,
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
    lap("model", &mut timings);
    let assets = render::assets::collect(&site.config).map_err(Failure::Env)?;
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| site.config.root.join("public"));
    let staging = match opts.write {
        true => Some(write::Staging::new(&output, site.config.minify).map_err(Failure::Env)?),
        false => None,
    };
    // The first write error is kept; rendering finishes (it is cheap) and the build then fails.
    let write_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let sink = |f: render::OutputFile| {
        if let Some(s) = &staging
            && let Err(e) = s.put(&f)
            && let Ok(mut slot) = write_error.lock()
        {
            slot.get_or_insert(e);
        }
    };
    let files = match render::site(&site, Arc::new(strings), Arc::new(assets), &sink) {
        Ok(n) => n,
        Err(e) => {
            ds.extend(e);
            return Err(Failure::Content(ds));
        }
    };
    if let Some(e) = write_error.into_inner().ok().flatten() {
        return Err(Failure::Env(e));
    }
    lap("render+write", &mut timings);
    let mut report = BuildReport {
        warnings: ds,
        documents,
        files,
        bytes: 0,
        output: None,
        timings: Vec::new(),
    };
    if let Some(staging) = staging {
        let w = staging.finish(&output).map_err(Failure::Env)?;
        report.bytes = w.bytes;
        report.output = Some(output);
        lap("swap", &mut timings);
    }
    report.timings = timings;
    Ok(report)
}
