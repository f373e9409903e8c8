//! The summary line that accounts for every file in `content/`: each file found gets exactly
//! one fate, so the parts always add up to the files found, and nothing is dropped silently.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::diagnostics::{Diagnostics, Severity};
use crate::load::FileKind;

/// How many files of `content/` ended how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accounting {
    /// Every file under `content/`.
    pub found: usize,
    /// Markdown files that make a page or section (built, or checked by `check`).
    pub pages: usize,
    /// Markdown files left out because they are drafts.
    pub drafts: usize,
    /// Files with at least one error (whatever their kind).
    pub errors: usize,
    /// Data files read (`helplines.toml`, `services.toml`).
    pub data: usize,
    /// Other files, copied into the site as they are.
    pub copied: usize,
    /// Files that produce nothing (reported as H021).
    pub unused: usize,
    /// Dotfiles and editor backups, never content.
    pub ignored: usize,
}

/// What the pipeline learnt about each file, gathered as it ran.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Every file found, with its kind.
    pub files: Vec<(PathBuf, FileKind)>,
    /// Drafts left out of this build.
    pub drafts: HashSet<PathBuf>,
    /// Files that produce nothing.
    pub unused: HashSet<PathBuf>,
}

impl Accounting {
    /// Gives every file one fate: ignored, else with errors, else by kind.
    pub fn count(inv: &Inventory, ds: &Diagnostics) -> Accounting {
        let with_errors: HashSet<&PathBuf> = ds
            .sorted()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| &d.file)
            .collect();
        let mut a = Accounting::default();
        for (path, kind) in &inv.files {
            a.found += 1;
            let slot = match kind {
                FileKind::Ignored => &mut a.ignored,
                _ if with_errors.contains(path) => &mut a.errors,
                _ if inv.unused.contains(path) => &mut a.unused,
                FileKind::Markdown if inv.drafts.contains(path) => &mut a.drafts,
                FileKind::Markdown => &mut a.pages,
                FileKind::Data => &mut a.data,
                FileKind::Asset => &mut a.copied,
            };
            *slot += 1;
        }
        a
    }

    /// The parts, in order; they sum to `found`.
    pub fn parts(&self) -> [usize; 7] {
        [
            self.pages,
            self.drafts,
            self.errors,
            self.data,
            self.copied,
            self.unused,
            self.ignored,
        ]
    }

    /// `content/: 293 files = 255 pages + 3 drafts skipped + 1 with errors + 34 data files`
    /// (pages, drafts and errors always shown; the other parts when there are any).
    pub fn line(&self) -> String {
        let n = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        let mut parts = vec![
            n(self.pages, "page", "pages"),
            n(self.drafts, "draft skipped", "drafts skipped"),
            format!("{} with errors", self.errors),
        ];
        if self.data > 0 {
            parts.push(n(self.data, "data file", "data files"));
        }
        if self.copied > 0 {
            parts.push(format!("{} copied as is", self.copied));
        }
        if self.unused > 0 {
            parts.push(format!("{} producing nothing", self.unused));
        }
        if self.ignored > 0 {
            parts.push(format!(
                "{} ignored (dotfiles, editor backups)",
                self.ignored
            ));
        }
        format!(
            "content/: {} = {}",
            n(self.found, "file", "files"),
            parts.join(" + ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    #[test]
    fn every_file_gets_one_fate() {
        let inv = Inventory {
            files: vec![
                ("content/a.md".into(), FileKind::Markdown),
                ("content/b.md".into(), FileKind::Markdown),
                ("content/c.md".into(), FileKind::Markdown),
                ("content/x.toml".into(), FileKind::Data),
                ("content/y.toml".into(), FileKind::Data),
                ("content/i.png".into(), FileKind::Asset),
                ("content/.a.md.swp".into(), FileKind::Ignored),
            ],
            drafts: HashSet::from(["content/b.md".into()]),
            unused: HashSet::from(["content/y.toml".into()]),
        };
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::file_error("content/c.md", "bad"));
        ds.push(Diagnostic::file_error("content/a.md", "meh").warning());
        let a = Accounting::count(&inv, &ds);
        assert_eq!(a.parts(), [1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(a.parts().iter().sum::<usize>(), a.found);
        assert_eq!(
            a.line(),
            "content/: 7 files = 1 page + 1 draft skipped + 1 with errors + 1 data file + 1 copied as is + 1 producing nothing + 1 ignored (dotfiles, editor backups)"
        );
    }
}
