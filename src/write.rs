//! The one door to disk: minify HTML, write every file into a fresh folder beside the output,
//! then swap it in. A failed build leaves the previous output exactly as it was.
//!
//! The output folder carries a marker file; a non-empty folder without it is never replaced,
//! so pointing `--output` at someone's documents cannot delete them.
//!
//! `serve` rebuilds in update mode: given the manifest (path → content hash) of the site on
//! disk, only files whose bytes changed are staged, and only after the whole site rendered are
//! they renamed into place and vanished files deleted. Each file is replaced atomically, the
//! result is the same tree a clean build writes, and a save that changes one page rewrites a
//! handful of files instead of the whole site.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context as _, bail};
use rayon::prelude::*;
use sha2::{Digest as _, Sha256};

use crate::render::{Content, OutputFile};

/// Name of the file that marks a folder as hubgen's output.
pub const MARKER: &str = ".hubgen-output";

/// Every file of a written site (relative path with `/`) and the SHA-256 of its bytes.
pub type Manifest = HashMap<String, [u8; 32]>;

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct WriteReport {
    /// Number of files.
    pub files: usize,
    /// Total bytes.
    pub bytes: u64,
    /// Files whose bytes were written (all of them, unless updating).
    pub written: usize,
    /// Files deleted because the site no longer has them (updating only).
    pub removed: usize,
    /// The site now on disk, for the next update.
    pub manifest: Arc<Manifest>,
}

fn minify_cfg() -> minify_html::Cfg {
    // JS minification is off: upstream still reports broken output (minify-html #177, #197).
    // Doctype and attribute shortcuts are off because they make the HTML invalid.
    minify_html::Cfg {
        minify_js: false,
        minify_css: true,
        minify_doctype: false,
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        allow_noncompliant_unquoted_attribute_values: false,
        allow_removing_spaces_between_attributes: false,
        ..minify_html::Cfg::default()
    }
}

/// Minifies one HTML document.
pub fn minify(html: &[u8]) -> Vec<u8> {
    minify_html::minify(html, &minify_cfg())
}

/// Checks that the output folder may be replaced.
pub fn check_output(output: &Path) -> anyhow::Result<()> {
    if !output.exists() {
        return Ok(());
    }
    if !output.is_dir() {
        bail!(
            "{} exists and is not a folder; choose another --output",
            output.display()
        );
    }
    let mut entries =
        std::fs::read_dir(output).with_context(|| format!("cannot read {}", output.display()))?;
    if entries.next().is_some() && !output.join(MARKER).exists() {
        bail!(
            "{} is not empty and was not made by hubgen (it has no {MARKER} file); refusing to replace it. Choose another --output, or empty the folder first",
            output.display()
        );
    }
    Ok(())
}

/// A fresh folder beside the output that files are written into as they are rendered, so the
/// whole site never has to sit in memory; `finish` swaps it in, dropping it deletes it.
pub struct Staging {
    dir: tempfile::TempDir,
    minify: bool,
    files: AtomicUsize,
    bytes: AtomicU64,
    /// Hash every file into `produced` (serve only: a plain build never needs the manifest,
    /// and hashing a large site costs seconds of CPU).
    track: bool,
    /// The site on disk when updating in place; None for a fresh folder swapped in whole.
    previous: Option<Arc<Manifest>>,
    /// Patching (serve's targeted rebuilds): only part of the site is produced, and only the
    /// files named here (by `remove`) are deleted; None = the whole site is produced.
    patch: Option<Mutex<Vec<String>>>,
    produced: Mutex<Manifest>,
    /// Folders created so far. `create_dir_all` on a folder that exists costs two system
    /// calls (a failing `mkdir`, then a `stat`), and thousands of files share a folder: each
    /// language's search index writes about 4,000 files into `search/<code>/`.
    made: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    /// Checks `output` may be replaced and creates the staging folder beside it.
    pub fn new(output: &Path, minify: bool) -> anyhow::Result<Staging> {
        check_output(output)?;
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        remove_leftovers(&parent);
        let dir = tempfile::Builder::new()
            .prefix(".hubgen-build-")
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a temporary folder in {}", parent.display()))?;
        Ok(Staging {
            dir,
            minify,
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            track: false,
            previous: None,
            patch: None,
            produced: Mutex::new(Manifest::new()),
            made: Mutex::new(HashSet::new()),
        })
    }

    /// Like `new`, but keeps the manifest of what it writes, and `finish` updates `output` in
    /// place: `previous` must describe what is on disk there (the manifest of the build that
    /// wrote it). An empty `previous` (the first build) or an `output` that does not hold a
    /// site gives a fresh folder swapped in whole.
    pub fn updating(
        output: &Path,
        minify: bool,
        previous: Arc<Manifest>,
    ) -> anyhow::Result<Staging> {
        let mut staging = Staging::new(output, minify)?;
        staging.track = true;
        if !previous.is_empty() && output.join(MARKER).is_file() {
            staging.previous = Some(previous);
        }
        Ok(staging)
    }

    /// Like `updating`, for a build that produces only part of the site: files not produced
    /// keep their place on disk and in the manifest, unless named by `remove`. Fails when
    /// `previous` is empty or the output holds no site: a patch needs something to patch.
    pub fn patching(
        output: &Path,
        minify: bool,
        previous: Arc<Manifest>,
    ) -> anyhow::Result<Staging> {
        let mut staging = Staging::updating(output, minify, previous)?;
        if staging.previous.is_none() {
            bail!(
                "cannot patch {}: it holds no site from this process",
                output.display()
            );
        }
        staging.patch = Some(Mutex::new(Vec::new()));
        Ok(staging)
    }

    /// Patching: deletes `rel` (relative to the output) when finishing, unless it is produced.
    pub fn remove(&self, rel: String) {
        if let Some(patch) = &self.patch {
            patch
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(rel);
        }
    }

    /// Writes one file (minifying HTML when asked). Safe to call from many threads.
    pub fn put(&self, f: &OutputFile) -> anyhow::Result<()> {
        let dest = self.dir.path().join(safe_relative(&f.path)?);
        let bytes: std::borrow::Cow<[u8]> = match &f.content {
            Content::Html(h) if self.minify => minify(h).into(),
            Content::Html(h) => h.as_slice().into(),
            Content::Bytes(b) => b.as_slice().into(),
            Content::Copy(src) => std::fs::read(src)
                .with_context(|| format!("cannot read {}", src.display()))?
                .into(),
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if self.track {
            let hash: [u8; 32] = Sha256::digest(&bytes).into();
            let unchanged = self
                .previous
                .as_ref()
                .is_some_and(|p| p.get(&f.path) == Some(&hash));
            self.produced
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(f.path.clone(), hash);
            if unchanged {
                return Ok(());
            }
        }
        if let Some(parent) = dest.parent() {
            self.make_folder(parent)?;
        }
        std::fs::write(&dest, &bytes)
            .with_context(|| format!("cannot write {}", dest.display()))?;
        Ok(())
    }

    /// Creates `folder` (with its parents) in the staging folder, once.
    fn make_folder(&self, folder: &Path) -> anyhow::Result<()> {
        let made = || self.made.lock().unwrap_or_else(PoisonError::into_inner);
        if made().contains(folder) {
            return Ok(());
        }
        // Outside the lock: other threads go on writing meanwhile. Two threads may both
        // create the same new folder; `create_dir_all` accepts a folder that appeared.
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        made().insert(folder.to_path_buf());
        Ok(())
    }

    /// Marks the folder as hubgen's and swaps it in as `output`. With `background`, the previous
    /// site is deleted on another thread (serve: the reload need not wait for thousands of
    /// unlinks); otherwise before returning.
    pub fn finish(self, output: &Path, background: bool) -> anyhow::Result<WriteReport> {
        let produced = Arc::new(std::mem::take(
            &mut *self.produced.lock().unwrap_or_else(PoisonError::into_inner),
        ));
        if let Some(previous) = self.previous.clone() {
            return self.finish_update(output, &previous, produced);
        }
        let marker = self.dir.path().join(MARKER);
        std::fs::write(
            &marker,
            "This folder is written by hubgen; it is replaced whole on every build.\n",
        )
        .with_context(|| format!("cannot write {}", marker.display()))?;
        let files = self.files.load(Ordering::Relaxed);
        let report = WriteReport {
            files,
            bytes: self.bytes.load(Ordering::Relaxed),
            written: files,
            removed: 0,
            manifest: produced,
        };
        let old = swap(self.dir, output)?;
        if background {
            std::thread::spawn(move || drop(old));
        } else {
            drop(old);
        }
        Ok(report)
    }
}

impl Staging {
    /// Update mode's finish: delete what the site no longer has (first, so a file that became
    /// a folder has room), then rename each changed file into place.
    fn finish_update(
        self,
        output: &Path,
        previous: &Manifest,
        produced: Arc<Manifest>,
    ) -> anyhow::Result<WriteReport> {
        let removals: Option<Vec<String>> = self
            .patch
            .as_ref()
            .map(|p| std::mem::take(&mut *p.lock().unwrap_or_else(PoisonError::into_inner)));
        let mut gone: Vec<&String> = match &removals {
            None => previous
                .keys()
                .filter(|p| !produced.contains_key(*p))
                .collect(),
            Some(list) => list
                .iter()
                .filter(|p| previous.contains_key(*p) && !produced.contains_key(*p))
                .collect(),
        };
        gone.sort();
        for rel in &gone {
            let path = output.join(safe_relative(rel)?);
            match std::fs::remove_file(&path) {
                Ok(()) => remove_empty_parents(output, &path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot remove {}", path.display()));
                }
            }
        }
        // What `put` wrote into the staging folder: every file new or changed since `previous`.
        let mut staged: Vec<&String> = produced
            .iter()
            .filter(|(p, h)| previous.get(*p) != Some(*h))
            .map(|(p, _)| p)
            .collect();
        staged.sort();
        for rel in &staged {
            let rel_path = safe_relative(rel)?;
            let (from, to) = (self.dir.path().join(rel_path), output.join(rel_path));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            std::fs::rename(&from, &to)
                .with_context(|| format!("cannot move {} into place", to.display()))?;
        }
        let (written, removed) = (staged.len(), gone.len());
        // A patch's manifest is the previous one with what it produced and deleted applied.
        let manifest = match &removals {
            None => produced,
            Some(_) => {
                let mut all = previous.clone();
                for rel in &gone {
                    all.remove(*rel);
                }
                all.extend(produced.iter().map(|(p, h)| (p.clone(), *h)));
                Arc::new(all)
            }
        };
        Ok(WriteReport {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            written,
            removed,
            manifest,
        })
    }
}

/// Removes the folders above a deleted file that it left empty, up to `root`, as a clean build
/// would not have them.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Deletes previous sites that a stopped process had moved aside but not finished deleting.
/// Only folders named `.hubgen-old-*` are touched: hubgen made them and nothing else uses them.
fn remove_leftovers(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(".hubgen-old-") && e.path().is_dir() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Writes all files and swaps them in as `output` (for callers that already hold every file).
pub fn commit(
    output: &Path,
    files: &[OutputFile],
    minify_html: bool,
) -> anyhow::Result<WriteReport> {
    let staging = Staging::new(output, minify_html)?;
    files.par_iter().try_for_each(|f| staging.put(f))?;
    staging.finish(output, false)
}

/// Moves the finished folder into place and returns the previous site, moved aside; dropping it
/// deletes it (only after the new site is in place).
fn swap(staging: tempfile::TempDir, output: &Path) -> anyhow::Result<Option<tempfile::TempDir>> {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let old = if output.exists() {
        let old = tempfile::Builder::new()
            .prefix(".hubgen-old-")
            .tempdir_in(parent)
            .with_context(|| format!("cannot create a temporary folder in {}", parent.display()))?;
        let old_path = old.path().join("site");
        std::fs::rename(output, &old_path)
            .with_context(|| format!("cannot move the previous {} aside", output.display()))?;
        Some((old, old_path))
    } else {
        None
    };
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, output) {
        if let Some((_, old_path)) = &old {
            let _ = std::fs::rename(old_path, output);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e)
            .with_context(|| format!("cannot move the new site into {}", output.display()));
    }
    Ok(old.map(|(dir, _)| dir))
}

/// Refuses absolute paths and `..` so no content can write outside the output folder.
fn safe_relative(path: &str) -> anyhow::Result<&Path> {
    let p = Path::new(path);
    if path.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        bail!("refusing to write `{path}`: output paths must stay inside the output folder");
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, s: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: Content::Bytes(s.as_bytes().to_vec()),
        }
    }

    #[test]
    fn swaps_and_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        commit(&out, &[file("a/index.html", "one")], false).unwrap();
        commit(&out, &[file("b.txt", "two")], false).unwrap();
        assert!(!out.join("a").exists());
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "two");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);

        let foreign = tmp.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("thesis.txt"), "precious").unwrap();
        let err = commit(&foreign, &[file("x", "y")], false).unwrap_err();
        assert!(err.to_string().contains("refusing to replace"), "{err}");
        assert_eq!(
            std::fs::read_to_string(foreign.join("thesis.txt")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn folders_are_made_once_each_and_failures_still_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let staging = Staging::new(&out, false).unwrap();
        // Many files in one folder, a folder inside one already made, a sibling folder.
        let paths = [
            "search/en/s.1.json",
            "search/en/s.2.json",
            "search/en/deeper/m.1.json",
            "search/fr/s.1.json",
            "page/index.html",
        ];
        for p in paths {
            staging.put(&file(p, p)).unwrap();
        }
        // A file where a folder must go fails, even though its parent was made already.
        staging.put(&file("page/child", "a file")).unwrap();
        let err = staging.put(&file("page/child/x.html", "x")).unwrap_err();
        assert!(err.to_string().contains("cannot create"), "{err}");
        staging.finish(&out, false).unwrap();
        for p in paths {
            assert_eq!(std::fs::read_to_string(out.join(p)).unwrap(), p);
        }
    }

    #[test]
    fn leftovers_of_a_stopped_process_are_removed_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let left = tmp.path().join(".hubgen-old-abc/site");
        std::fs::create_dir_all(&left).unwrap();
        std::fs::write(left.join("index.html"), "old").unwrap();
        std::fs::create_dir_all(tmp.path().join("notes")).unwrap();
        let staging = Staging::new(&out, false).unwrap();
        staging.put(&file("index.html", "new")).unwrap();
        staging.finish(&out, true).unwrap();
        assert!(!tmp.path().join(".hubgen-old-abc").exists());
        assert!(tmp.path().join("notes").is_dir());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
    }

    #[test]
    fn only_serve_builds_keep_a_manifest_and_an_empty_one_swaps_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let plain = commit(&out, &[file("stale.txt", "old")], false).unwrap();
        assert!(plain.manifest.is_empty(), "a plain build hashes nothing");

        // The first serve build: an empty manifest swaps a fresh folder in (the stale file goes)
        // and records what it wrote.
        let first = Staging::updating(&out, false, Arc::default()).unwrap();
        first.put(&file("a.txt", "one")).unwrap();
        first.put(&file("b.txt", "two")).unwrap();
        let first = first.finish(&out, false).unwrap();
        assert!(!out.join("stale.txt").exists());
        assert_eq!(first.manifest.len(), 2);

        // The next one rewrites only what changed and removes what is gone.
        let next = Staging::updating(&out, false, first.manifest.clone()).unwrap();
        next.put(&file("a.txt", "one")).unwrap();
        next.put(&file("c.txt", "three")).unwrap();
        let next = next.finish(&out, false).unwrap();
        assert_eq!((next.written, next.removed), (1, 1));
        assert!(!out.join("b.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("c.txt")).unwrap(), "three");
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "one");
    }

    #[test]
    fn a_patch_writes_what_it_is_given_and_removes_only_what_it_names() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        assert!(
            Staging::patching(&out, false, Arc::default()).is_err(),
            "nothing to patch"
        );
        let first = Staging::updating(&out, false, Arc::default()).unwrap();
        for (p, s) in [("a.txt", "one"), ("s/x.json", "x"), ("s/y.json", "y")] {
            first.put(&file(p, s)).unwrap();
        }
        let first = first.finish(&out, false).unwrap();

        let patch = Staging::patching(&out, false, first.manifest.clone()).unwrap();
        patch.put(&file("s/z.json", "z")).unwrap();
        patch.put(&file("s/y.json", "y")).unwrap();
        patch.remove("s/x.json".into());
        // Named for removal but produced again: it stays.
        patch.remove("s/y.json".into());
        let done = patch.finish(&out, false).unwrap();
        assert_eq!((done.written, done.removed), (1, 1));
        let mut names: Vec<&String> = done.manifest.keys().collect();
        names.sort();
        assert_eq!(names, ["a.txt", "s/y.json", "s/z.json"]);
        assert_eq!(std::fs::read_to_string(out.join("a.txt")).unwrap(), "one");
        assert!(!out.join("s/x.json").exists());
        assert_eq!(std::fs::read_to_string(out.join("s/z.json")).unwrap(), "z");
    }

    #[test]
    fn refuses_paths_outside_output() {
        assert!(safe_relative("../x").is_err());
        assert!(safe_relative("/etc/x").is_err());
        assert!(safe_relative("a/b.html").is_ok());
    }

    #[test]
    fn minify_keeps_text_and_doctype() {
        let out = String::from_utf8(minify("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<p>  مرحبا   بكم </p>\n<script>let a = 1;</script>".as_bytes())).unwrap();
        assert!(
            out.starts_with("<!doctype html>") || out.starts_with("<!DOCTYPE html>"),
            "{out}"
        );
        assert!(out.contains("مرحبا بكم"), "{out}");
        assert!(out.contains("let a = 1;"), "{out}");
    }
}
