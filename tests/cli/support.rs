//! Test helper: copies a fixture site into a temp folder, runs the real `hubgen` binary on it.
//!
//! Fixtures that have no `themes/` or `translations/` get the repository's own, so the tests
//! exercise the theme the hub ships.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

pub struct Site {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`, with any `layers` copied on top in order.
    pub fn new(name: &str, layers: &[&str]) -> Site {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("site");
        copy_dir(&fixture(name), &root);
        for layer in layers {
            copy_dir(&fixture(layer), &root);
        }
        for shared in ["themes", "translations"] {
            if !root.join(shared).exists() {
                copy_dir(&repo().join(shared), &root.join(shared));
            }
        }
        Site { dir }
    }

    /// A copy of the fixture, built; panics with the diagnostics when the build fails.
    pub fn built(name: &str) -> Site {
        let site = Site::new(name, &[]);
        let run = site.build();
        assert_eq!(run.code, 0, "{}", run.stderr);
        site
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }

    /// Runs `hubgen <args> --root ROOT` from the temp folder.
    pub fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hubgen"));
        cmd.args(args)
            .arg("--root")
            .arg(self.root())
            .current_dir(self.dir.path())
            // One PDF cache for the whole test run: PDFs are keyed by the hash of everything
            // they are made from, so tests that build the same pack typeset it once. Tests of
            // the cache itself pass their own folder.
            .env("HUBGEN_CACHE_DIR", shared_pdf_cache());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let o = cmd.output().expect("run hubgen");
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// `hubgen build --output OUT`.
    pub fn build(&self) -> Run {
        self.build_env(&[])
    }

    pub fn build_env(&self, env: &[(&str, &str)]) -> Run {
        let out = self.out();
        let out = out.to_str().expect("utf-8 path");
        self.run(&["build", "--output", out], env)
    }

    /// The row of `hubgen translations --format json` for `page` (e.g. `guide/sleep.md`).
    pub fn translations_row(&self, page: &str) -> serde_json::Value {
        let out = self.run(&["translations", "--format", "json"], &[]).stdout;
        let json: serde_json::Value = serde_json::from_str(&out).expect("translations JSON");
        json.as_array()
            .expect("a list of rows")
            .iter()
            .find(|r| r["page"] == page)
            .unwrap_or_else(|| panic!("no row for {page}: {json}"))
            .clone()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }
}

/// Every file under `dir` with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// Stderr with the temp folder and timings removed, for exact comparison.
pub fn clean(stderr: &str, site: &Site) -> String {
    let root = format!("{}/", site.root().display());
    stderr
        .replace(&root, "")
        .lines()
        .map(|l| match l.find(" [config ") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// `$CARGO_TARGET_TMPDIR/pdf-cache`, shared by every test's builds.
pub fn shared_pdf_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pdf-cache")
}
