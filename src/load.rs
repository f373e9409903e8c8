//! Walks `content/` in sorted order and reads every file: Markdown sources, data and assets.
//!
//! Text is decoded once here (BOM dropped, CRLF turned into LF, NFC), so later stages see one
//! form. Walk and read errors become diagnostics; nothing is silently dropped.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// A Markdown file, read but not parsed.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to `content/`, with `/` separators (`guidance/coping-with-stress.ar.md`).
    pub rel: String,
    /// Path as shown to editors (`content/guidance/coping-with-stress.ar.md`).
    pub display: PathBuf,
    /// Language code from the file-name suffix (the default language when there is none).
    pub lang: String,
    /// The language-free content path used by `@/` links (`guidance/coping-with-stress.md`).
    pub key: String,
    /// `_index.md`: a section.
    pub is_section: bool,
    /// `index.md`: a page bundle whose folder is the page.
    pub is_bundle: bool,
    /// Decoded text.
    pub text: String,
}

/// A non-Markdown file copied beside the pages (bundle images, PDFs).
#[derive(Debug, Clone)]
pub struct Asset {
    /// Path relative to `content/`, `/` separators.
    pub rel: String,
    /// Where to read it from.
    pub abs: PathBuf,
}

/// A TOML data file in `content/` (directories, helplines), read as text.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// Path relative to `content/`.
    pub rel: String,
    /// Path as shown to editors.
    pub display: PathBuf,
    /// Decoded text.
    pub text: String,
}

/// What kind of file the walk found, for the accounting summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `.md`: a page or section.
    Markdown,
    /// `.toml`: hub data.
    Data,
    /// Anything else: copied as it is.
    Asset,
    /// Dotfiles and editor backups (`.#x`, `x~`, `x.swp`): never content, but counted.
    Ignored,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every file under `content/` (read or not), as shown to editors, with its kind.
    pub files: Vec<(PathBuf, FileKind)>,
    /// Markdown sources in sorted path order.
    pub sources: Vec<Source>,
    /// Files copied as they are.
    pub assets: Vec<Asset>,
    /// TOML data files.
    pub data: Vec<DataFile>,
    /// Content keys of Markdown files that could not be read (already reported).
    pub broken: std::collections::HashSet<String>,
}

enum Entry {
    Markdown(PathBuf, String),
    Data(PathBuf, String),
    Asset(PathBuf, String),
}

/// Reads `content/`. Returns what could be read plus every problem found.
pub fn walk(config: &Config) -> (Loaded, Diagnostics) {
    let content = config.content_dir();
    let mut ds = Diagnostics::new();
    let mut entries = Vec::new();
    if !content.is_dir() {
        ds.push(
            Diagnostic::file_error("content", "there is no content/ folder")
                .help("create content/_index.md for the home page"),
        );
        return (Loaded::default(), ds);
    }
    // Ignored folders are walked too (cheap), so that every file is accounted for.
    let walker = WalkDir::new(&content).sort_by_file_name().into_iter();
    let mut files = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_path(config, p))
                    .unwrap_or_else(|| "content".into());
                ds.push(Diagnostic::file_error(path, format!("cannot read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel_path) = entry.path().strip_prefix(&content) else {
            continue;
        };
        if rel_path
            .components()
            .any(|c| is_ignored(c.as_os_str().to_string_lossy().as_ref()))
        {
            files.push((display_path(config, entry.path()), FileKind::Ignored));
            continue;
        }
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            // Counted (its error makes it a "file with errors" in the summary).
            files.push((display_path(config, entry.path()), FileKind::Asset));
            ds.push(
                Diagnostic::file_error(
                    display_path(config, entry.path()),
                    "file name is not valid UTF-8",
                )
                .help("rename the file using letters, digits and hyphens"),
            );
            continue;
        };
        let abs = entry.path().to_path_buf();
        let kind = if rel.ends_with(".md") {
            FileKind::Markdown
        } else if rel.ends_with(".toml") {
            FileKind::Data
        } else {
            FileKind::Asset
        };
        files.push((display_path(config, &abs), kind));
        entries.push(if rel.ends_with(".md") {
            Entry::Markdown(abs, rel)
        } else if rel.ends_with(".toml") {
            Entry::Data(abs, rel)
        } else {
            Entry::Asset(abs, rel)
        });
    }

    // Reading and decoding is the slow part on big sites: do it in parallel, keep the order.
    let results: Vec<Result<Either, (Option<String>, Diagnostic)>> = entries
        .into_par_iter()
        .map(|e| match e {
            Entry::Markdown(abs, rel) => {
                let key = key_of(&rel);
                read_source(config, &abs, rel)
                    .map(Either::Source)
                    .map_err(|d| (Some(key), d))
            }
            Entry::Data(abs, rel) => {
                let display = display_path(config, &abs);
                let text = read_text(&abs, &display).map_err(|d| (None, d))?;
                Ok(Either::Data(DataFile { rel, display, text }))
            }
            Entry::Asset(abs, rel) => Ok(Either::Asset(Asset { rel, abs })),
        })
        .collect();
    let mut loaded = Loaded {
        files,
        ..Loaded::default()
    };
    for r in results {
        match r {
            Ok(Either::Source(s)) => loaded.sources.push(s),
            Ok(Either::Data(d)) => loaded.data.push(d),
            Ok(Either::Asset(a)) => loaded.assets.push(a),
            Err((key, d)) => {
                loaded.broken.extend(key);
                ds.push(d);
            }
        }
    }
    (loaded, ds.default_code(crate::lint::codes::UNREADABLE))
}

enum Either {
    Source(Source),
    Data(DataFile),
    Asset(Asset),
}

/// The language-free content key of a Markdown path: `a/b.ar.md` → `a/b.md`.
fn key_of(rel: &str) -> String {
    let stem = rel.trim_end_matches(".md");
    let file_start = stem.rfind('/').map_or(0, |i| i + 1);
    match stem[file_start..].rsplit_once('.') {
        Some((base, _)) => format!("{}{base}.md", &stem[..file_start]),
        None => rel.to_string(),
    }
}

/// Editor backups, swap files and dotfiles are never content.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.starts_with('#')
}

fn display_path(config: &Config, p: &Path) -> PathBuf {
    p.strip_prefix(&config.root).unwrap_or(p).to_path_buf()
}

/// Reads one Markdown file of `content/` as a source: its language from the suffix, its key.
pub fn read_source(config: &Config, abs: &Path, rel: String) -> Result<Source, Diagnostic> {
    let display = display_path(config, abs);
    let split_at = rel.rfind('/').map_or(0, |i| i + 1);
    let (dir, file) = (rel[..split_at].to_string(), &rel[split_at..]);
    let stem = &file[..file.len() - 3];
    let (base, lang) = match stem.rsplit_once('.') {
        Some((base, suffix)) => {
            if config.language(suffix).is_none() {
                let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
                return Err(Diagnostic::file_error(
                    &display,
                    format!("unknown language suffix `{suffix}` in the file name"),
                )
                .help(format!(
                    "translations are named NAME.CODE.md with a configured code ({}); rename the file or add the language to config.toml",
                    codes.join(", ")
                ))
                .code(crate::lint::codes::LANGUAGE_SUFFIX));
            }
            (base, suffix.to_string())
        }
        None => (stem, config.default_language().code.clone()),
    };
    let (key, is_section, is_bundle) =
        (format!("{dir}{base}.md"), base == "_index", base == "index");
    let text = read_text(abs, &display)?;
    Ok(Source {
        key,
        rel,
        display,
        lang,
        is_section,
        is_bundle,
        text,
    })
}

/// Reads a file as text: UTF-8 only, BOM dropped, CRLF normalised, NFC.
pub fn read_text(abs: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(abs).map_err(|e| {
        Diagnostic::file_error(display, format!("cannot read {}: {e}", abs.display()))
    })?;
    decode(display, bytes)
}

/// Decodes file bytes (pure, for tests).
pub fn decode(display: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let line_end = bytes[valid..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| valid + i);
            let shown = format!(
                "{prefix}{}",
                String::from_utf8_lossy(&bytes[valid..line_end])
            );
            return Err(Diagnostic::at(display, &shown, valid..valid + 1, "file is not valid UTF-8")
                .help("save the file with UTF-8 encoding (most editors offer it under \"Save with encoding\")"));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    Ok(if crate::nfc::is_nfc(&text) {
        text
    } else {
        text.nfc().collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_handles_bom_crlf_and_bad_bytes() {
        let p = Path::new("a.md");
        assert_eq!(
            decode(p, b"\xEF\xBB\xBF+++\r\nx\r\n".to_vec()).unwrap(),
            "+++\nx\n"
        );
        let e = decode(p, b"+++\ntitle = \"caf\xE9\"\n".to_vec()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 13));
        assert_eq!(decode(p, "e\u{301}".as_bytes().to_vec()).unwrap(), "\u{e9}");
    }
}
