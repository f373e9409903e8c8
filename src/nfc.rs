//! Whether text is already in Unicode Normalization Form C, answered from a table: the
//! loader asks it of every file, the search index of every field it counts.
//!
//! The answer is exactly `is_nfc_quick(text.chars()) == IsNormalized::Yes` from
//! `unicode-normalization` (UAX #15's quick check), which looks up each non-ASCII character's
//! combining class and quick-check value in hashed tables: about 7% of all the CPU time of a
//! 27-language build, where most text is not ASCII (BENCHMARKS.md, "Word characters looked up
//! in a table"). Here both values of every character of the Basic Multilingual Plane are read
//! from two arrays made once per process from that crate's own answers; characters past it are
//! asked of the crate as before.

use std::sync::OnceLock;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, is_nfc_quick};

/// Quick-check values as stored in the table.
const YES: u8 = 0;
const NOT_YES: u8 = 1;

/// Per BMP code point: canonical combining class, and whether its quick-check value is Yes.
struct Table {
    ccc: Box<[u8]>,
    qc: Box<[u8]>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut ccc = vec![0u8; 0x10000];
        let mut qc = vec![YES; 0x10000];
        // Surrogates are not chars: they never occur in a `str`.
        for (u, c) in (0..0x10000u32).filter_map(|u| Some((u as usize, char::from_u32(u)?))) {
            ccc[u] = canonical_combining_class(c);
            qc[u] = quick_value(c);
        }
        Table {
            ccc: ccc.into_boxed_slice(),
            qc: qc.into_boxed_slice(),
        }
    })
}

/// The crate's quick-check value of one character, as stored in the table (a single
/// character has no order of marks to break, so this is its property value).
fn quick_value(c: char) -> u8 {
    match is_nfc_quick(std::iter::once(c)) {
        IsNormalized::Yes => YES,
        IsNormalized::No | IsNormalized::Maybe => NOT_YES,
    }
}

/// `is_nfc_quick(text.chars()) == IsNormalized::Yes`: `text` is certainly NFC as it is.
pub fn is_nfc(text: &str) -> bool {
    if text.is_ascii() {
        return true;
    }
    let t = table();
    let mut last = 0u8;
    for c in text.chars() {
        if c.is_ascii() {
            last = 0;
            continue;
        }
        let u = c as usize;
        let (cc, qc) = match (t.ccc.get(u), t.qc.get(u)) {
            (Some(&cc), Some(&qc)) => (cc, qc),
            _ => (canonical_combining_class(c), quick_value(c)),
        };
        // Marks out of canonical order, or a character that is not certainly NFC: the
        // crate's answer is No or Maybe, so not Yes.
        if (last > cc && cc != 0) || qc != YES {
            return false;
        }
        last = cc;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_nfc;
    use unicode_normalization::{IsNormalized, is_nfc_quick};

    fn crate_says(s: &str) -> bool {
        is_nfc_quick(s.chars()) == IsNormalized::Yes
    }

    #[test]
    fn every_bmp_character_alone_gets_the_crates_answer() {
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(is_nfc(&s), crate_says(&s), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn sequences_get_the_crates_answer() {
        // Starters, marks of several combining classes (in and out of order), characters
        // whose quick check is Maybe or No, Hangul jamo, a character past the BMP, ASCII.
        let chars = [
            'a',
            'e',
            'é',
            'ж',
            'ب',
            'क',
            '孤',
            '가',
            '\u{1100}',
            '\u{1161}',
            '\u{11A8}',
            '\u{0301}',
            '\u{0323}',
            '\u{0316}',
            '\u{064E}',
            '\u{0651}',
            '\u{093C}',
            '\u{094D}',
            '\u{0BBE}',
            '\u{0CD5}',
            '\u{0340}',
            '\u{212B}',
            '\u{F900}',
            '\u{1D15E}',
            '\u{1D165}',
            '\u{2000}',
            ' ',
            '1',
        ];
        for &a in &chars {
            for &b in &chars {
                for &c in &chars {
                    let s: String = [a, b, c].iter().collect();
                    assert_eq!(is_nfc(&s), crate_says(&s), "{s:?}");
                }
            }
        }
        assert!(is_nfc("plain ASCII"));
        assert!(!is_nfc("e\u{301}"));
    }
}
