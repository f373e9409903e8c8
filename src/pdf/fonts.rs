//! Fonts for the PDFs: the families each script is set in, found in the configured font
//! folders (plus typst's embedded Latin fonts), and the check that a document's every
//! character has a glyph before it is typeset, since typst draws a missing glyph as an empty
//! box without a word.
//!
//! Only the families in `SCRIPTS` are loaded: listing a folder reads each file's name table
//! (cheap), and the glyph tables of the few dozen files used are read when first needed.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

/// A writing system, the families that set it (in order of preference) and the Debian package
/// that installs them.
pub struct Script {
    /// Name for messages.
    pub name: &'static str,
    /// Code point ranges (inclusive) that belong to it.
    ranges: &'static [(u32, u32)],
    /// Font families, best first.
    pub families: &'static [&'static str],
    /// Debian package with those fonts.
    pub package: &'static str,
}

/// Every script of the hub's 27 languages. Latin comes first so that digits and punctuation
/// in other scripts' text fall to it only when the language's own font lacks them.
pub const SCRIPTS: &[Script] = &[
    Script {
        name: "Latin, Greek and Cyrillic",
        ranges: &[
            (0x0020, 0x036F),
            (0x0370, 0x052F),
            (0x1E00, 0x1FFF),
            (0x2000, 0x2BFF),
        ],
        // Libertinus is built in, so Latin text never depends on installed fonts.
        families: &["Noto Sans", "Libertinus Serif"],
        package: "fonts-noto-core",
    },
    Script {
        name: "Arabic",
        ranges: &[
            (0x0600, 0x06FF),
            (0x0750, 0x077F),
            (0x08A0, 0x08FF),
            (0xFB50, 0xFDFF),
            (0xFE70, 0xFEFF),
        ],
        families: &["Noto Naskh Arabic", "Noto Sans Arabic"],
        package: "fonts-noto-core",
    },
    Script {
        name: "Bengali",
        ranges: &[(0x0980, 0x09FF)],
        families: &["Noto Sans Bengali"],
        package: "fonts-noto-core",
    },
    Script {
        name: "Devanagari",
        ranges: &[(0x0900, 0x097F), (0xA8E0, 0xA8FF)],
        families: &["Noto Sans Devanagari"],
        package: "fonts-noto-core",
    },
    Script {
        name: "Gujarati",
        ranges: &[(0x0A80, 0x0AFF)],
        families: &["Noto Sans Gujarati"],
        package: "fonts-noto-core",
    },
    Script {
        name: "Gurmukhi",
        ranges: &[(0x0A00, 0x0A7F)],
        families: &["Noto Sans Gurmukhi"],
        package: "fonts-noto-core",
    },
    Script {
        name: "Tamil",
        ranges: &[(0x0B80, 0x0BFF), (0x11FC0, 0x11FFF)],
        families: &["Noto Sans Tamil"],
        package: "fonts-noto-core",
    },
    Script {
        name: "Ethiopic",
        ranges: &[(0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)],
        families: &["Noto Sans Ethiopic"],
        package: "fonts-noto-core",
    },
    Script {
        name: "Chinese",
        ranges: &[
            (0x2E80, 0x2FDF),
            (0x3000, 0x312F),
            (0x31F0, 0x31FF),
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF),
            (0xFF00, 0xFFEF),
        ],
        families: &["Noto Sans CJK SC"],
        package: "fonts-noto-cjk",
    },
];

/// Families a language prefers before the shared list: its own script first, so that the
/// digits and punctuation in its text match its letters. Urdu is written in Nastaliq.
fn preferred(lang: &str) -> &'static [&'static str] {
    match lang {
        "ur" => &["Noto Nastaliq Urdu", "Noto Naskh Arabic"],
        "ar" | "fa" | "ps" | "ckb" => &["Noto Naskh Arabic"],
        "bn" => &["Noto Sans Bengali"],
        "hi" => &["Noto Sans Devanagari"],
        "gu" => &["Noto Sans Gujarati"],
        "pa" => &["Noto Sans Gurmukhi"],
        "ta" => &["Noto Sans Tamil"],
        "ti" | "am" => &["Noto Sans Ethiopic"],
        "zh" => &["Noto Sans CJK SC"],
        _ => &[],
    }
}

/// The script a character belongs to, if it is one of `SCRIPTS`.
pub fn script_of(c: char) -> Option<&'static Script> {
    let u = c as u32;
    SCRIPTS
        .iter()
        .find(|s| s.ranges.iter().any(|&(a, b)| (a..=b).contains(&u)))
}

/// Characters that need no glyph: spaces, controls, joiners, direction marks and variation
/// selectors are layout instructions, not letters.
fn needs_glyph(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xAD))
}

enum Source {
    Embedded(Font),
    File { path: PathBuf, index: u32 },
}

/// The fonts the PDFs may use: a typst font book and the fonts behind it, loaded on demand.
pub struct FontSet {
    book: LazyHash<FontBook>,
    sources: Vec<Source>,
    loaded: Vec<OnceLock<Option<Font>>>,
    /// What the folders held, for the cache key: (path, size, modified) of each file used.
    pub fingerprint: String,
}

impl FontSet {
    /// typst's font book.
    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The font at `index` of the book, read from disk the first time it is asked for.
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.loaded.get(index)?;
        slot.get_or_init(|| match self.sources.get(index)? {
            Source::Embedded(f) => Some(f.clone()),
            Source::File { path, index } => {
                let data = std::fs::read(path).ok()?;
                Font::new(Bytes::new(data), *index)
            }
        })
        .clone()
    }

    /// True when some font of `family` is in the set.
    pub fn has_family(&self, family: &str) -> bool {
        self.book.contains_family(&family.to_lowercase())
    }

    /// The families a document in `lang` is set in, best first, present ones only.
    pub fn chain(&self, lang: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        let all = preferred(lang)
            .iter()
            .chain(SCRIPTS.iter().flat_map(|s| s.families.iter()));
        for &f in all {
            if !out.contains(&f) && self.has_family(f) {
                out.push(f);
            }
        }
        out
    }

    /// True when some font in the set has a glyph for `c`.
    fn covers(&self, c: char) -> bool {
        let u = c as u32;
        (0..self.sources.len()).any(|i| {
            self.book
                .info(i)
                .is_some_and(|info| info.coverage.contains(u))
        })
    }

    /// The first script used in `text` none of whose own families is in the set. Checked
    /// before coverage: some other font (a monospace one, say) may have a few of its letters,
    /// but a document must not be set in it.
    pub fn missing_script(&self, text: &str) -> Option<&'static Script> {
        let mut seen = BTreeSet::new();
        text.chars()
            .filter(|&c| needs_glyph(c) && seen.insert(c))
            .filter_map(script_of)
            .find(|s| !s.families.iter().any(|f| self.has_family(f)))
    }

    /// The characters of `text` that no font in the set has, in order, each once.
    pub fn uncovered(&self, text: &str) -> Vec<char> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for c in text.chars() {
            if needs_glyph(c) && seen.insert(c) && !self.covers(c) {
                out.push(c);
            }
        }
        out
    }
}

/// Every family `SCRIPTS` and `preferred` name, lower-cased as the font book keys them.
fn wanted() -> BTreeSet<String> {
    SCRIPTS
        .iter()
        .flat_map(|s| s.families.iter())
        .chain(["Noto Nastaliq Urdu"].iter())
        .map(|f| f.to_lowercase())
        .collect()
}

/// Lists the fonts of the wanted families in `dirs` (missing folders are skipped: a machine
/// without Noto still builds its English PDFs with the embedded fonts).
fn scan(dirs: &[PathBuf]) -> FontSet {
    let wanted = wanted();
    let mut book = FontBook::new();
    let mut sources = Vec::new();
    let mut fingerprint = String::new();
    for data in typst_assets::fonts() {
        for font in Font::iter(Bytes::new(data)) {
            book.push(font.info().clone());
            sources.push(Source::Embedded(font));
        }
    }
    let mut db = fontdb::Database::new();
    for d in dirs {
        if d.is_dir() {
            db.load_fonts_dir(d);
        }
    }
    // fontdb lists faces in the order the file system gave them; sort so the font book, and
    // with it typst's choice between equal faces, is the same on every run.
    let mut faces: Vec<(PathBuf, u32, fontdb::ID)> = db
        .faces()
        .filter(|f| {
            f.families
                .iter()
                .any(|(name, _)| wanted.contains(&name.to_lowercase()))
        })
        .filter_map(|f| match &f.source {
            fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => {
                Some((p.clone(), f.index, f.id))
            }
            fontdb::Source::Binary(_) => None,
        })
        .collect();
    faces.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for (path, index, id) in faces {
        let Some(Some(info)) = db.with_face_data(id, FontInfo::new) else {
            continue;
        };
        if !wanted.contains(&info.family.to_lowercase()) {
            continue;
        }
        let meta = std::fs::metadata(&path).ok();
        fingerprint.push_str(&format!(
            "{}#{index}:{}:{:?}\n",
            path.display(),
            meta.as_ref().map_or(0, |m| m.len()),
            meta.and_then(|m| m.modified().ok())
        ));
        book.push(info);
        sources.push(Source::File { path, index });
    }
    let loaded = sources.iter().map(|_| OnceLock::new()).collect();
    FontSet {
        book: LazyHash::new(book),
        sources,
        loaded,
        fingerprint,
    }
}

/// The font set for `dirs`, listed once per process (serve rebuilds reuse it).
pub fn load(dirs: &[PathBuf]) -> Arc<FontSet> {
    static SETS: OnceLock<Mutex<HashMap<Vec<PathBuf>, Arc<FontSet>>>> = OnceLock::new();
    let sets = SETS.get_or_init(Default::default);
    let key = dirs.to_vec();
    if let Ok(map) = sets.lock()
        && let Some(set) = map.get(&key)
    {
        return set.clone();
    }
    let set = Arc::new(scan(dirs));
    if let Ok(mut map) = sets.lock() {
        map.insert(key, set.clone());
    }
    set
}

/// The Debian font folder, where fonts-noto-core and fonts-noto-cjk install.
pub fn default_dirs() -> Vec<PathBuf> {
    vec![Path::new("/usr/share/fonts").to_path_buf()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_of_characters() {
        assert_eq!(script_of('م').map(|s| s.name), Some("Arabic"));
        assert_eq!(script_of('ی').map(|s| s.name), Some("Arabic"));
        assert_eq!(script_of('孤').map(|s| s.name), Some("Chinese"));
        assert_eq!(script_of('ਪ').map(|s| s.name), Some("Gurmukhi"));
        assert_eq!(script_of('ሰ').map(|s| s.name), Some("Ethiopic"));
        assert_eq!(
            script_of('ệ').map(|s| s.name),
            Some("Latin, Greek and Cyrillic")
        );
        assert_eq!(
            script_of('𞤀').map(|s| s.name),
            None,
            "Adlam is none of the hub's"
        );
    }

    #[test]
    fn joiners_and_marks_need_no_glyph() {
        for c in [
            '\u{200C}', '\u{200D}', '\u{200F}', '\u{2067}', '\u{FE0F}', ' ', '\n',
        ] {
            assert!(!needs_glyph(c), "{:04X}", c as u32);
        }
        assert!(needs_glyph('a') && needs_glyph('孤'));
    }

    #[test]
    fn embedded_fonts_alone_cover_latin_and_nothing_else() {
        let set = scan(&[]);
        assert!(set.has_family("Libertinus Serif"));
        assert_eq!(set.chain("ar"), vec!["Libertinus Serif"]);
        assert!(set.uncovered("Camden: 020 7946 0000 – café").is_empty());
        assert_eq!(set.uncovered("a孤b孤ሰ"), vec!['孤', 'ሰ']);
        assert_eq!(set.missing_script("abc").map(|s| s.name), None);
        assert_eq!(
            set.missing_script("ab مرحبا").map(|s| s.name),
            Some("Arabic")
        );
    }
}
