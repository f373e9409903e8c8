//! Serve's update after a save in `static/` (the site's or the theme's): copy the changed files
//! instead of rebuilding every page.
//!
//! A static file reaches the output under its own name and under its fingerprinted name
//! (`render::assets`), and pages name the fingerprinted one only through `asset_url()`. So
//! when the same files exist as before and no template asked for a changed one, no page can
//! change: the update writes the changed files under both names, removes their old
//! fingerprinted copies and gives the templates the new table (a page rendered later that
//! asks for one then gets the name a clean build would give). A changed stylesheet or script
//! that pages link, or a file added or removed (links to it may now resolve or break), is a
//! full build.

use std::sync::Arc;
use std::time::Instant;

use crate::build::{BuildOptions, BuildReport, Kept, World};
use crate::render::{self, Content, OutputFile};
use crate::write;

/// Applies a batch of `static/` changes to the output folder; `Err` names why a full build is
/// needed instead.
pub fn update(
    kept: &mut Kept,
    opts: &BuildOptions,
    previous: Arc<write::Manifest>,
) -> Result<BuildReport, &'static str> {
    let started = Instant::now();
    if World::now(&opts.root) != kept.world {
        return Err("git HEAD or the date changed");
    }
    let site = &kept.site;
    let table = kept.prepared.assets();
    let old = table.current();
    let new = render::assets::collect(&site.config).map_err(|_| "a static file cannot be read")?;
    if !old.files.keys().eq(new.files.keys()) {
        return Err("a static file was added or removed");
    }
    let changed: Vec<&render::assets::StaticFile> = new
        .files
        .values()
        .filter(|f| old.files.get(&f.rel).is_none_or(|o| o.bytes != f.bytes))
        .collect();
    if changed.iter().any(|f| table.was_used(&f.rel)) {
        return Err("a stylesheet or script the pages link changed");
    }
    let (output, staging) = super::incremental::patch_output(site, opts, previous)?;
    for f in &changed {
        for path in [&f.rel, &f.hashed] {
            staging
                .put(&OutputFile {
                    path: path.clone(),
                    content: Content::Bytes(f.bytes.clone()),
                })
                .map_err(|_| "a file could not be written")?;
        }
        if let Some(o) = old.files.get(&f.rel)
            && o.hashed != f.hashed
        {
            staging.remove(o.hashed.clone());
        }
    }
    let copied = started.elapsed();
    let w = staging
        .finish(&output, true)
        .map_err(|_| super::incremental::OUTPUT_FAILED)?;
    table.replace(new);
    Ok(BuildReport {
        warnings: kept.warnings.clone(),
        documents: site.docs.len(),
        files: w.manifest.len(),
        bytes: w.bytes,
        output: Some(output),
        written: Some(w),
        timings: vec![("copy", copied), ("write", started.elapsed() - copied)],
        pdf: String::new(),
    })
}
