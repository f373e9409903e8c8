//! Static files from the theme and the site, each given a fingerprinted name for long caching.
//!
//! Site `static/` files override the theme's by path. Every file is written under its own name
//! and under `name.<hash>.ext`; templates ask for the fingerprinted one with `asset_url()`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::config::Config;

/// One static file.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path relative to the output root (`style.css`).
    pub rel: String,
    /// Fingerprinted path (`style.1a2b3c4d5e.css`).
    pub hashed: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// All static files by their plain path.
#[derive(Debug, Default)]
pub struct Assets {
    /// Files by plain relative path, sorted.
    pub files: BTreeMap<String, StaticFile>,
}

impl Assets {
    /// The fingerprinted URL path for a static file.
    pub fn url(&self, rel: &str) -> Option<String> {
        self.files
            .get(rel.trim_start_matches('/'))
            .map(|f| format!("/{}", f.hashed))
    }
}

/// The static files the templates see, and which of them they asked for. Serve swaps in new
/// files after a save in `static/` (`replace`) when no rendered page named the changed ones,
/// so that pages rendered later see the same fingerprints as a clean build would.
#[derive(Debug)]
pub struct AssetTable {
    current: RwLock<Arc<Assets>>,
    /// Plain paths `asset_url()` was asked for since the table was made.
    used: Mutex<BTreeSet<String>>,
}

impl AssetTable {
    /// A table of `assets`, none of them asked for yet.
    pub fn new(assets: Arc<Assets>) -> AssetTable {
        AssetTable {
            current: RwLock::new(assets),
            used: Mutex::new(BTreeSet::new()),
        }
    }

    /// The fingerprinted URL path for a static file, remembering that it was asked for.
    pub fn url(&self, rel: &str) -> Option<String> {
        let rel = rel.trim_start_matches('/');
        // A poisoned lock only means a render thread panicked; the set is still whole.
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rel.to_string());
        self.current().url(rel)
    }

    /// The files now.
    pub fn current(&self) -> Arc<Assets> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Whether a template asked for `rel`.
    pub fn was_used(&self, rel: &str) -> bool {
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(rel)
    }

    /// Replaces the files (serve, after a static file changed).
    pub fn replace(&self, assets: Assets) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(assets);
    }
}

/// Reads `themes/<theme>/static/` then `static/`.
pub fn collect(config: &Config) -> anyhow::Result<Assets> {
    let mut assets = Assets::default();
    for dir in [
        config.theme_dir().join("static"),
        config.root.join("static"),
    ] {
        if dir.is_dir() {
            read_dir(&dir, &mut assets)?;
        }
    }
    Ok(assets)
}

fn read_dir(dir: &Path, assets: &mut Assets) -> anyhow::Result<()> {
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .with_context(|| format!("{} is outside {}", entry.path().display(), dir.display()))?
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        let hashed = fingerprint(&rel, &bytes);
        assets
            .files
            .insert(rel.clone(), StaticFile { rel, hashed, bytes });
    }
    Ok(())
}

/// `css/style.css` → `css/style.<10 hex>.css`.
pub fn fingerprint(rel: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    let (dir, file) = rel.rsplit_once('/').map_or(("", rel), |(d, f)| (d, f));
    let named = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hex}.{ext}"),
        _ => format!("{file}.{hex}"),
    };
    if dir.is_empty() {
        named
    } else {
        format!("{dir}/{named}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_keeps_extension_and_folder() {
        let h = super::fingerprint("css/style.css", b"body{}");
        assert!(
            h.starts_with("css/style.")
                && h.ends_with(".css")
                && h.len() == "css/style..css".len() + 10,
            "{h}"
        );
        assert_ne!(h, super::fingerprint("css/style.css", b"body{ }"));
    }
}
