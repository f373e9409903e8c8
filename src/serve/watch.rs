//! Watching the sources: notify on folders, a pure `classify` for each changed path, and a
//! debounce that turns a burst of events (an editor's atomic save, a `git checkout`) into one
//! batch, so one burst gives one rebuild.
//!
//! Folders are watched, never single files: an editor that saves by writing a new file and
//! renaming it over the old one would end a watch on the file itself (notify-rs/notify#531).
//! `content/`, `themes/`, `templates/`, `static/` and `translations/` are watched recursively;
//! the site root only non-recursively, which is how `config.toml` and the creation of a missing
//! source folder are seen without watching `public/`, `target/` or `.git/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

use super::state::State;

/// The source folders under the site root, watched recursively.
pub const SOURCE_DIRS: [&str; 6] = [
    "content",
    "themes",
    "templates",
    "typst",
    "static",
    "translations",
];

/// The quiet period that ends a burst. It is part of every edit's latency, so it is short:
/// the events of one save (an editor's write, or write-and-rename) arrive within a few
/// milliseconds of each other, and webpack's watcher waits the same 20 ms by default. A slow
/// `git checkout` that pauses longer gets more than one rebuild, each of a state on disk;
/// the last one sees everything.
const QUIET: Duration = Duration::from_millis(20);
/// A burst that never goes quiet (a long checkout, a tool writing in a loop) is cut here, so
/// the preview still moves on.
const MAX_BURST: Duration = Duration::from_secs(1);
/// How often a waiting watcher checks whether the server is stopping.
const STOP_POLL: Duration = Duration::from_millis(250);

/// What kind of source changed: `incremental::plan` chooses the rebuild from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// `config.toml`.
    Config,
    /// Anything under `content/` (Markdown, data, bundle files).
    Content,
    /// Site or theme templates (and other theme files such as `theme.toml`).
    Templates,
    /// Site or theme static files.
    Static,
    /// UI strings under `translations/`.
    Translations,
}

/// Which kind of source `path` is, or `None` when a change there does not affect the site:
/// paths outside the sources (the output folder, `target/`, `.git/`), dotfiles and dot-folders
/// (including the build's own `.hubgen-build-*` staging folders), and editor swap or backup
/// files. `root` and `path` must both be absolute (or both relative) in the same form.
pub fn classify(root: &Path, path: &Path) -> Option<ChangeKind> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let (first, last) = (parts.first()?, parts.last()?);
    if parts.iter().any(|p| p.starts_with('.')) || is_editor_file(last) {
        return None;
    }
    match first.as_str() {
        "config.toml" if parts.len() == 1 => Some(ChangeKind::Config),
        "content" => Some(ChangeKind::Content),
        // The site's own PDF templates (`crate::pdf`) are templates like the HTML ones.
        "templates" | "typst" => Some(ChangeKind::Templates),
        "static" => Some(ChangeKind::Static),
        "translations" => Some(ChangeKind::Translations),
        "themes" => match parts.get(2).map(String::as_str) {
            Some("static") => Some(ChangeKind::Static),
            _ => Some(ChangeKind::Templates),
        },
        _ => None,
    }
}

/// Swap, backup and temporary files editors write beside the real one.
fn is_editor_file(name: &str) -> bool {
    name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913" // vim's probe for whether it may write in the folder
        || [".swp", ".swo", ".swx", ".tmp", ".kate-swp", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// True for events that change nothing on disk: notify reports every `open` on Linux, and the
/// build itself opens every source, so counting them would rebuild forever.
fn is_read_only(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Open(_) | AccessKind::Read | AccessKind::Close(_))
            | EventKind::Access(AccessKind::Any | AccessKind::Other)
            | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// One debounced burst of changes.
#[derive(Debug, Default)]
pub struct Batch {
    /// Each changed source path (relative to the root) and its kind.
    pub changes: BTreeMap<PathBuf, ChangeKind>,
    /// The watcher lost events (queue overflow or an error): only a full rebuild is safe.
    pub rescan: bool,
}

impl Batch {
    /// True when every change is a stylesheet among the static files: the pages' words are
    /// untouched, so open tabs can swap stylesheets instead of reloading.
    pub fn is_css_only(&self) -> bool {
        !self.rescan
            && !self.changes.is_empty()
            && self
                .changes
                .iter()
                .all(|(p, k)| *k == ChangeKind::Static && p.extension().is_some_and(|e| e == "css"))
    }

    /// A short description for the terminal: `content/a.md`, or `content/a.md and 2 more`.
    /// Paths that no longer exist (an editor's temporary file, renamed over the real one) are
    /// left out when something else changed.
    pub fn describe(&self, root: &Path) -> String {
        let existing: Vec<&PathBuf> = self
            .changes
            .keys()
            .filter(|p| root.join(p).exists())
            .collect();
        let shown = if existing.is_empty() {
            self.changes.keys().collect()
        } else {
            existing
        };
        match shown.as_slice() {
            [] => "lost file events".to_string(),
            [one] => one.display().to_string(),
            [first, rest @ ..] => format!("{} and {} more", first.display(), rest.len()),
        }
    }
}

/// The notify watcher with its event channel and the folders it watches.
pub struct Watcher {
    notify: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    watched: BTreeSet<PathBuf>,
    quiet: Duration,
}

impl Watcher {
    /// Starts watching `root` (canonical) and its source folders. Events start queueing at once,
    /// so a save during the first build is not lost.
    pub fn new(root: &Path) -> anyhow::Result<Watcher> {
        let (tx, events) = channel();
        let mut notify = notify::recommended_watcher(tx)?;
        notify
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(root, e))?;
        let mut w = Watcher {
            notify,
            events,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
            quiet: QUIET,
        };
        w.refresh(&BTreeSet::new())?;
        Ok(w)
    }

    /// Watches each source folder that exists and is not watched yet, or that was just
    /// created or replaced (`touched`): a watch ends when its folder is deleted.
    fn refresh(&mut self, touched: &BTreeSet<PathBuf>) -> anyhow::Result<()> {
        for name in SOURCE_DIRS {
            let dir = self.root.join(name);
            if !dir.is_dir() {
                self.watched.remove(&dir);
                continue;
            }
            if self.watched.contains(&dir) && !touched.contains(&dir) {
                continue;
            }
            // Unwatching a folder that was deleted fails; that is the expected case here.
            let _ = self.notify.unwatch(&dir);
            self.notify
                .watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| watch_error(&dir, e))?;
            self.watched.insert(dir);
        }
        Ok(())
    }

    /// Blocks until a relevant change arrives, then collects until things go quiet. Returns
    /// `None` when the server is stopping.
    pub fn next_batch(&mut self, state: &State) -> Option<Batch> {
        let mut batch = Batch::default();
        let mut touched = Touched::default();
        // Wait for the first relevant event, checking now and then for Ctrl-C.
        loop {
            if state.is_stopping() {
                return None;
            }
            match self.events.recv_timeout(STOP_POLL) {
                Ok(ev) => {
                    if self.add(ev, &mut batch, &mut touched) {
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        let started = Instant::now();
        let mut last = started;
        loop {
            let now = Instant::now();
            // A file still open for writing (a save descheduled between truncating and
            // writing) holds the batch until it is closed, so no build reads it half-written.
            let until = if touched.writing.is_empty() {
                (last + self.quiet).min(started + MAX_BURST)
            } else {
                started + MAX_BURST
            };
            if now >= until {
                break;
            }
            match self.events.recv_timeout(until - now) {
                Ok(ev) => {
                    if self.add(ev, &mut batch, &mut touched) {
                        last = Instant::now();
                    }
                }
                Err(_) => break,
            }
        }
        if let Err(e) = self.refresh(&touched.paths) {
            eprintln!("warning: {e:#}; changes there are not seen until serve is restarted");
        }
        Some(batch)
    }

    /// Adds one notify event to the batch; true when it was relevant.
    fn add(
        &self,
        ev: notify::Result<notify::Event>,
        batch: &mut Batch,
        touched: &mut Touched,
    ) -> bool {
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                eprintln!("warning: file watching reported an error ({e}); rebuilding everything");
                batch.rescan = true;
                return true;
            }
        };
        if ev.need_rescan() {
            batch.rescan = true;
            return true;
        }
        let sources = ev
            .paths
            .iter()
            .filter(|p| classify(&self.root, p).is_some());
        match ev.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(_))
            | EventKind::Remove(_) => {
                for p in sources.clone() {
                    touched.writing.remove(p);
                }
            }
            EventKind::Modify(ModifyKind::Data(_)) | EventKind::Create(CreateKind::File) => {
                touched.writing.extend(sources.clone().cloned());
            }
            _ => {}
        }
        if is_read_only(&ev.kind) {
            return false;
        }
        let mut relevant = false;
        for path in &ev.paths {
            if let Some(kind) = classify(&self.root, path) {
                relevant = true;
                touched.paths.insert(path.clone());
                let rel = path.strip_prefix(&self.root).unwrap_or(path);
                batch.changes.insert(rel.to_path_buf(), kind);
            }
        }
        relevant
    }
}

/// The paths a burst touched, and which of them are still open for writing.
#[derive(Default)]
struct Touched {
    paths: BTreeSet<PathBuf>,
    writing: BTreeSet<PathBuf>,
}

/// A watch error that says what to do about the usual cause on Linux.
fn watch_error(path: &Path, e: notify::Error) -> anyhow::Error {
    let hint = match &e.kind {
        notify::ErrorKind::MaxFilesWatch => {
            "; the system limit on watched folders is reached: raise it with \
             `sudo sysctl fs.inotify.max_user_watches=524288`"
        }
        _ => "",
    };
    anyhow::anyhow!("cannot watch {}: {e}{hint}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ChangeKind::*;

    #[test]
    fn only_stylesheet_changes_are_css_only() {
        let batch = |changes: &[(&str, ChangeKind)], rescan| Batch {
            changes: changes
                .iter()
                .map(|(p, k)| (PathBuf::from(p), *k))
                .collect(),
            rescan,
        };
        assert!(batch(&[("themes/hub/static/style.css", Static)], false).is_css_only());
        assert!(batch(&[("static/a.css", Static), ("static/b.css", Static)], false).is_css_only());
        assert!(!batch(&[("static/logo.svg", Static)], false).is_css_only());
        assert!(
            !batch(
                &[("static/a.css", Static), ("content/a.md", Content)],
                false
            )
            .is_css_only()
        );
        assert!(!batch(&[("static/a.css", Static)], true).is_css_only());
        assert!(!batch(&[], false).is_css_only());
    }

    #[test]
    fn classifies_sources_and_ignores_the_rest() {
        let root = Path::new("/site");
        let cases: &[(&str, Option<ChangeKind>)] = &[
            ("/site/config.toml", Some(Config)),
            ("/site/content/news/first.md", Some(Content)),
            (
                "/site/content/boroughs/hackney/services.toml",
                Some(Content),
            ),
            ("/site/content", Some(Content)),
            ("/site/templates/page.html", Some(Templates)),
            ("/site/themes/hub/templates/base.html", Some(Templates)),
            ("/site/themes/hub/theme.toml", Some(Templates)),
            ("/site/themes/hub/static/style.css", Some(Static)),
            ("/site/static/logo.svg", Some(Static)),
            ("/site/translations/ar.toml", Some(Translations)),
            // The output, the build's staging folders, and other things in the root.
            ("/site/public/index.html", None),
            ("/site/public", None),
            ("/site/.hubgen-build-x1y2/index.html", None),
            ("/site/.hubgen-old-x1y2", None),
            ("/site/.git/index", None),
            ("/site/target/debug/hubgen", None),
            ("/site/README.md", None),
            ("/site/content/config.toml", Some(Content)),
            ("/site/sub/config.toml", None),
            ("/site", None),
            ("/elsewhere/content/a.md", None),
            // Editors' swap, backup and probe files.
            ("/site/content/.a.md.swp", None),
            ("/site/content/a.md~", None),
            ("/site/content/#a.md#", None),
            ("/site/content/.#a.md", None),
            ("/site/content/4913", None),
            ("/site/content/a.md.tmp", None),
            ("/site/content/a.md___jb_tmp___", None),
            ("/site/content/.hidden/a.md", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(root, Path::new(path)), *want, "{path}");
        }
    }

    #[test]
    fn opening_a_file_is_not_a_change() {
        use notify::event::{AccessMode, CreateKind, DataChange};
        assert!(is_read_only(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(is_read_only(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(!is_read_only(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(!is_read_only(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn a_file_still_open_for_writing_holds_the_batch() {
        use std::io::Write as _;
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        let mut w = Watcher::new(&root).unwrap();
        let state = State::new();
        let path = root.join("content/a.md");
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(b"+++\n").unwrap();
        f.flush().unwrap();
        // A save descheduled half-way, for far longer than the quiet period.
        let writer = std::thread::spawn(move || {
            std::thread::sleep(QUIET * 8);
            f.write_all(b"title = \"A\"\n+++\n").unwrap();
        });
        let batch = w.next_batch(&state).unwrap();
        let seen = std::fs::read_to_string(&path).unwrap();
        writer.join().unwrap();
        assert!(batch.changes.contains_key(Path::new("content/a.md")));
        assert_eq!(
            seen, "+++\ntitle = \"A\"\n+++\n",
            "the batch waited for the close"
        );
    }

    #[test]
    fn one_burst_is_one_batch() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        let mut w = Watcher::new(&root).unwrap();
        // A longer quiet period than serve's, so a loaded machine cannot split the burst.
        w.quiet = Duration::from_millis(300);
        let state = State::new();
        for i in 0..20 {
            std::fs::write(root.join(format!("content/p{i}.md")), "x").unwrap();
        }
        std::fs::write(root.join("config.toml"), "x").unwrap();
        let batch = w.next_batch(&state).unwrap();
        assert_eq!(batch.changes.len(), 21, "{:?}", batch.changes);
        assert_eq!(batch.changes[Path::new("config.toml")], Config);
        assert_eq!(batch.describe(&root), "config.toml and 20 more");
        // A folder created after the start is watched from then on.
        std::fs::create_dir(root.join("static")).unwrap();
        let batch = w.next_batch(&state).unwrap();
        assert!(batch.changes.contains_key(Path::new("static")));
        std::fs::write(root.join("static/a.css"), "x").unwrap();
        let batch = w.next_batch(&state).unwrap();
        assert_eq!(batch.describe(&root), "static/a.css");
        state.stop();
        assert!(w.next_batch(&state).is_none());
    }
}
