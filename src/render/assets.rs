//! Static files from the theme and the site, each given a fingerprinted name for long caching.
//!
//! Site `static/` files override the theme's by path. Every file is written under its own name
//! and under `name.<hash>.ext`; templates ask for the fingerprinted one with `asset_url()`.

use std::collections::BTreeMap;
use std::path::Path;

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
