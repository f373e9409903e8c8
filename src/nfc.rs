//! Whether text is already in Unicode Normalization Form C, answered from a table: the
//! loader asks it of every file, the search index of every field it counts.
//!
//! `is_nfc(text)` true means `text` is NFC as it is (the same string `text.nfc()` gives); false
//! means it may not be, and the caller normalises. It starts from UAX #15's quick check, whose
//! combining classes and quick-check values are read, for the Basic Multilingual Plane, from
//! one array made once per process from `unicode-normalization`'s own answers (the crate's
//! hashed lookups were about 7% of a 27-language build's CPU: BENCHMARKS.md, "Word characters
//! looked up in a table"). Characters past the BMP are asked of the crate.
//!
//! The quick check answers Maybe for a character that can be the second of a canonical
//! composition: the Tamil and Bengali vowel sign AA, the Hangul vowels and final consonants,
//! the Arabic hamza above, many Latin accents. Tamil and Bengali text holds one in most words,
//! so a Maybe used to mean normalising the whole text, every file at load and every field
//! again in the index (about 6% of a 27-language build's CPU). Now a Maybe is settled here,
//! the way composition would treat it: the character composes only with the last starter
//! before it, and only when nothing between them blocks it, so the text is NFC at that point
//! unless that pair has a composition. That holds when the starter has no decomposition of
//! its own (its decomposed form could recombine differently, as `á` and a dot below
//! become `ạ` and an acute); after such a starter the answer stays "may not be".

use std::borrow::Cow;
use std::sync::OnceLock;

use unicode_normalization::char::{canonical_combining_class, compose, decompose_canonical};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Quick-check values as stored in the table, with `DECOMPOSES` added for a character that
/// has a canonical decomposition.
const YES: u8 = 0;
const MAYBE: u8 = 1;
const NO: u8 = 2;
const DECOMPOSES: u8 = 4;

/// Per BMP code point, one `entry`: a single load per character.
fn table() -> &'static [u16] {
    static TABLE: OnceLock<Box<[u16]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // Surrogates are not chars: they never occur in a `str`.
        (0..0x10000u32)
            .map(|u| char::from_u32(u).map_or(0, entry))
            .collect()
    })
}

/// A character's canonical combining class (low byte) and quick-check value with
/// `DECOMPOSES` (high byte): 0 for a starter that is certainly NFC and has no decomposition,
/// which most characters of every script are.
fn entry(c: char) -> u16 {
    u16::from(canonical_combining_class(c)) | u16::from(quick_value(c)) << 8
}

/// The crate's quick-check value of one character (a single character has no order of marks
/// to break, so this is its property value), with `DECOMPOSES` when it has a decomposition.
fn quick_value(c: char) -> u8 {
    let qc = match is_nfc_quick(std::iter::once(c)) {
        IsNormalized::Yes => YES,
        IsNormalized::Maybe => MAYBE,
        IsNormalized::No => NO,
    };
    let mut same = true;
    decompose_canonical(c, |d| same &= d == c);
    if same { qc } else { qc | DECOMPOSES }
}

/// `text` is NFC as it is (see the module's comment for when a false answer is only a "may
/// not be").
pub fn is_nfc(text: &str) -> bool {
    if text.is_ascii() {
        return true;
    }
    let t = table();
    // The last starter (combining class 0; NUL before the first, which composes with
    // nothing) and whether it decomposes, and the combining class of the last character
    // after it (0: none since the starter).
    let mut starter = '\0';
    let mut starter_decomposes = false;
    let mut last_mark = 0u8;
    for c in text.chars() {
        let e = t.get(c as usize).copied().unwrap_or_else(|| entry(c));
        if e == 0 {
            (starter, starter_decomposes, last_mark) = (c, false, 0);
            continue;
        }
        let [cc, qc] = e.to_le_bytes();
        // Marks out of canonical order.
        if last_mark > cc && cc != 0 {
            return false;
        }
        match qc & !DECOMPOSES {
            YES => {}
            // A Maybe character with a decomposition of its own (a dozen, in three scripts
            // new in Unicode 16) could recombine with what is before it: left to the caller.
            MAYBE if qc & DECOMPOSES != 0 => return false,
            MAYBE => {
                // Blocked from the starter by a character between them whose class is 0
                // (none is: the starter is the last) or not below its own; the marks since
                // the starter are in canonical order, so the last one has the highest class.
                let blocked = last_mark != 0 && (cc == 0 || last_mark >= cc);
                if !blocked && (starter_decomposes || compose(starter, c).is_some()) {
                    return false;
                }
            }
            _ => return false,
        }
        if cc == 0 {
            (starter, starter_decomposes, last_mark) = (c, qc & DECOMPOSES != 0, 0);
        } else {
            last_mark = cc;
        }
    }
    true
}

/// `text` in NFC, borrowed when it already is.
pub fn nfc(text: &str) -> Cow<'_, str> {
    if is_nfc(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// `text` in NFC, itself when it already is (no copy).
pub fn into_nfc(text: String) -> String {
    if is_nfc(&text) {
        text
    } else {
        text.nfc().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{MAYBE, is_nfc, quick_value};
    use unicode_normalization::UnicodeNormalization;

    /// What `is_nfc` may answer true for: text that normalisation leaves as it is.
    fn normalised(s: &str) -> bool {
        s.nfc().eq(s.chars())
    }

    /// `is_nfc` never says true of text that is not NFC.
    fn check(s: &str) {
        if is_nfc(s) {
            assert!(
                normalised(s),
                "{s:?} called NFC, but it normalises differently"
            );
        }
    }

    /// The characters of `range` whose quick check is Maybe.
    fn maybes(range: std::ops::Range<u32>) -> Vec<char> {
        range
            .filter_map(char::from_u32)
            .filter(|&c| quick_value(c) & !super::DECOMPOSES == MAYBE)
            .collect()
    }

    #[test]
    fn every_bmp_character_alone_is_answered_exactly() {
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(is_nfc(&s), normalised(&s), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn every_character_before_every_maybe_is_answered_soundly() {
        // Every pair of a BMP character and a character whose quick check is Maybe: the pairs
        // that compose, such as க + ா (no) and ெ + ா (yes: ொ), or ᄀ + ᅡ (yes: 가).
        let maybes = maybes(0..0x10000);
        assert!(maybes.len() > 50, "{} Maybe characters", maybes.len());
        let mut s = String::new();
        for a in (0..0x10000u32).filter_map(char::from_u32) {
            for &m in &maybes {
                s.clear();
                s.push(a);
                s.push(m);
                check(&s);
            }
        }
    }

    #[test]
    fn the_maybes_past_the_bmp_are_answered_soundly() {
        // Tulu-Tigalari, Gurung Khema and Kirat Rai (Unicode 16) have Maybe characters that
        // decompose themselves, and Kaithi, Chakma and others ones that compose: every pair
        // of a character of those blocks with each Maybe past the BMP.
        let past = maybes(0x10000..0x110000);
        assert!(
            past.len() > 20,
            "{} Maybe characters past the BMP",
            past.len()
        );
        let blocks = past
            .iter()
            .map(|&m| (m as u32) & !0x7F)
            .collect::<std::collections::BTreeSet<u32>>();
        let mut s = String::new();
        for a in blocks
            .iter()
            .flat_map(|&b| b..b + 0x80)
            .filter_map(char::from_u32)
        {
            for &m in &past {
                for tail in [None, Some(m)] {
                    s.clear();
                    s.push(a);
                    s.push(m);
                    s.extend(tail);
                    check(&s);
                }
            }
        }
        assert!(!is_nfc("\u{113C2}\u{113C2}"));
    }

    #[test]
    fn sequences_with_marks_between_are_answered_soundly() {
        // Starters (some with decompositions: é, ொ, 가), marks of several classes between,
        // then every Maybe character: blocked or not, composing or not.
        let starters: Vec<char> = "aeoéệжباويकকেகெொಕೆംെ\u{1100}가각孤ᄀ\u{1D157}<A "
            .chars()
            .collect();
        let marks: Vec<char> = "\u{0301}\u{0300}\u{0323}\u{0316}\u{0327}\u{031B}\u{064E}\u{0651}\
             \u{0654}\u{093C}\u{094D}\u{0BCD}\u{05B0}\u{0E48}\u{3099}\u{1D165}"
            .chars()
            .collect();
        let maybes = maybes(0..0x10000);
        let mut s = String::new();
        for &a in &starters {
            for &b in &marks {
                for &m in maybes.iter().chain(&marks) {
                    for tail in ["", "\u{0301}", "a"] {
                        s.clear();
                        s.extend([a, b, m]);
                        s.push_str(tail);
                        check(&s);
                        s.clear();
                        s.extend([a, m, b]);
                        check(&s);
                    }
                }
            }
        }
    }

    #[test]
    fn the_hubs_scripts_are_called_nfc_as_they_are() {
        // Tamil and Bengali vowel signs AA and AU length marks, Arabic hamza above after a
        // letter it does not form a precomposed letter with, Korean in syllables, Vietnamese
        // with its tones precomposed, Hindi with a nukta on a letter that has none precomposed.
        for s in [
            "மனநலம் பற்றி பேசுவோம்",
            "மா கா ஆ",
            "মানসিক স্বাস্থ্য নিয়ে কথা বলা",
            "سڵاو",
            "ئەو",
            "마음 건강",
            "sức khỏe tinh thần",
            "নিয়ে",
        ] {
            assert!(normalised(s), "{s:?} is not NFC to begin with");
            assert!(is_nfc(s), "{s:?}");
        }
    }

    #[test]
    fn text_that_composes_is_not_called_nfc() {
        for s in [
            "e\u{301}",
            "\u{0BC6}\u{0BBE}",
            "\u{09C7}\u{09BE}",
            "\u{1100}\u{1161}",
            "\u{AC00}\u{11A8}",
            "\u{0627}\u{0653}",
            "a\u{0323}\u{0302}",
            "\u{00E1}\u{0323}",
            "\u{0301}\u{0323}",
        ] {
            assert!(!normalised(s), "{s:?} is NFC: not a test of this");
            assert!(!is_nfc(s), "{s:?}");
        }
        assert!(is_nfc("plain ASCII"));
    }
}
