//! `updated` from git: a page that does not give `updated` gets the date of the last commit
//! that touched its file.
//!
//! One `git log` over `content/` for the whole site (never one call per file: the benchmark
//! corpus has 10,000 pages), newest commit first, so the first date seen for a path is its
//! last change (cached by HEAD commit while `serve` runs). The committer date is used, so the result depends only on the checked-out
//! commit (uncommitted edits do not count), and the build stays deterministic for a given
//! commit. When the site is not a git checkout, or git is not installed, or git fails for any
//! reason, there are simply no dates: pages without `updated` show none, as before.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use crate::parse::front_matter::Date;

/// The last answer, kept while `serve` runs: (content folder, HEAD commit, dates). A rebuild
/// after an edit then costs one `git rev-parse` (about 2 ms) instead of the whole log (about
/// 0.35 s for 10,000 pages and 200 commits), since only a new commit changes the dates.
type Cached = (PathBuf, String, HashMap<String, Date>);
static CACHE: Mutex<Option<Cached>> = Mutex::new(None);

/// Content path (`guidance/sleep.md`, as `load` names files) → date of its last commit.
pub fn last_commit_dates(content_dir: &Path) -> HashMap<String, Date> {
    let Some(head) = head(content_dir) else {
        return HashMap::new();
    };
    if let Ok(cache) = CACHE.lock()
        && let Some((dir, commit, dates)) = cache.as_ref()
        && dir == content_dir
        && *commit == head
    {
        return dates.clone();
    }
    // -z: file names as they are (no quoting of non-ASCII names), NUL-separated.
    // --relative with -C content/: paths relative to content/, changes elsewhere left out.
    // The commit is named, so the log matches the HEAD just read even if it moves meanwhile.
    let Some(log) = git(
        content_dir,
        &[
            "log",
            "--format=%x01%cI",
            "--name-only",
            "--relative",
            "--no-renames",
            "-z",
            &head,
            "--",
            ".",
        ],
    ) else {
        return HashMap::new();
    };
    let dates = parse(&log);
    if let Ok(mut cache) = CACHE.lock() {
        *cache = Some((content_dir.to_path_buf(), head, dates.clone()));
    }
    dates
}

/// The commit checked out, or None outside a git checkout: serve's targeted rebuilds keep the
/// dates of the last full build, which stay right only while HEAD does not move.
pub fn head(content_dir: &Path) -> Option<String> {
    git(content_dir, &["rev-parse", "--verify", "-q", "HEAD"]).map(|h| h.trim().to_string())
}

/// Runs git in `dir`; its output, or None when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        // Never take locks or prompt: a build only reads.
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Reads `git log --format=%x01%cI --name-only -z` output.
fn parse(log: &str) -> HashMap<String, Date> {
    let mut dates = HashMap::new();
    let mut current: Option<Date> = None;
    for token in log.split('\0') {
        let token = token.trim_start_matches('\n');
        if let Some(when) = token.strip_prefix('\u{1}') {
            current = when.get(..10).map(|ymd| Date {
                ymd: ymd.to_string(),
                rfc3339: when.to_string(),
            });
        } else if !token.is_empty()
            && let Some(date) = &current
        {
            dates
                .entry(token.to_string())
                .or_insert_with(|| date.clone());
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_newest_commit_of_each_file_wins() {
        let log = "\u{1}2026-03-02T10:00:00+00:00\0\nb.md\0a.md\0\0\u{1}2026-03-01T09:00:00+00:00\0\na.md\0c/d.md\0";
        let dates = super::parse(log);
        assert_eq!(dates["a.md"].ymd, "2026-03-02");
        assert_eq!(dates["b.md"].rfc3339, "2026-03-02T10:00:00+00:00");
        assert_eq!(dates["c/d.md"].ymd, "2026-03-01");
        assert_eq!(dates.len(), 3);
        assert!(super::parse("").is_empty());
    }
}
