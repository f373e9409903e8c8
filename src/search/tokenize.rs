//! The search tokeniser: text → folded terms, with the exact rules that
//! `themes/hub/static/search.js` implements again for queries.
//!
//! Agreement with the client is by construction, not by sharing a library: both sides use only
//! operations that are defined by Unicode and available in both languages (NFC, per-code-point
//! lowercase, canonical decomposition of one character, the Alphabetic / Numeric / Mark
//! properties) plus small tables written out identically in both files (CJK ranges, Arabic
//! folding, a few Latin letters that do not decompose). Neither side calls a word segmenter
//! (`Intl.Segmenter` and ICU dictionaries differ between engines), and the client never stems:
//! stems are only used at build time to group words that are already in the index (see
//! `index.rs`). `tests/search_vectors.json` holds the shared test vectors; the unit tests below
//! and `tests/cli/search.rs` (through Node) check both sides against it.
//!
//! Rules, in order, for each maximal run of word characters (letters, marks, digits, with
//! ZWNJ/ZWJ kept between them):
//! 1. NFC; lowercase code point by code point (no context rules, so both sides agree);
//! 2. Arabic-script folding: harakat and tatweel removed, alef/yeh/kaf/heh/teh-marbuta variants
//!    unified, Arabic-Indic digits to ASCII;
//! 3. Latin diacritics dropped (marks U+0300–U+036F after a Latin letter, plus ł đ ø ı ß æ œ
//!    ħ, and Cyrillic ё → е), never otherwise: Cyrillic й and Indic vowel signs are letters;
//! 4. Vietnamese keeps its tones in the main term and adds the toneless form as an alternative,
//!    so "sức" finds only "sức" while "suc" finds both; words with ZWNJ/ZWJ (Persian) keep
//!    them and add the joiner-free form as an alternative;
//! 5. Han, Hiragana and Katakana runs become overlapping bigrams (a lone character stays a
//!    unigram); apostrophes, hyphens and all other punctuation separate words.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::nfc::into_nfc;

/// One token of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The searchable form.
    pub term: String,
    /// A second form the index also holds (toneless Vietnamese, joiner-free Persian).
    pub alt: Option<String>,
    /// Lowercased NFC form before folding: what a stemmer should see.
    pub lower: String,
}

const ZWNJ: char = '\u{200C}';
const ZWJ: char = '\u{200D}';

/// Han, Hiragana and Katakana: scripts written without spaces, indexed as bigrams.
/// The same table is in search.js (`CJK`).
const CJK: &[(u32, u32)] = &[
    (0x3040, 0x30FF),   // Hiragana, Katakana
    (0x31F0, 0x31FF),   // Katakana phonetic extensions
    (0x3400, 0x4DBF),   // CJK Extension A
    (0x4E00, 0x9FFF),   // CJK Unified Ideographs
    (0xF900, 0xFAFF),   // CJK Compatibility Ideographs
    (0x20000, 0x3FFFF), // CJK Extensions B and later
];

/// Whether `c` is written in a script indexed as bigrams.
pub fn is_cjk(c: char) -> bool {
    let u = c as u32;
    CJK.iter().any(|&(a, b)| u >= a && u <= b)
}

/// Whether `c` is a letter, digit or mark (the word characters of the rules above).
fn is_word_char(c: char) -> bool {
    class(c) & WORD_BIT != 0
}

/// `is_word_char(c) && !is_cjk(c)`: a character that continues a word run.
fn is_run_char(c: char) -> bool {
    class(c) == WORD_BIT
}

/// `class` bits: a word character (`is_word_char`), and CJK (`is_cjk`). The two are
/// independent: a few characters in the CJK ranges are punctuation.
const WORD_BIT: u8 = 1;
const CJK_BIT: u8 = 2;

/// The `WORD_BIT` and `CJK_BIT` of `c`.
fn class(c: char) -> u8 {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            WORD_BIT
        } else {
            0
        };
    }
    bmp_class(c).unwrap_or_else(|| class_slow(c))
}

/// `class` from the Unicode property tables themselves.
fn class_slow(c: char) -> u8 {
    let word = c.is_alphabetic() || c.is_numeric() || is_combining_mark(c);
    (u8::from(word) * WORD_BIT) | (u8::from(is_cjk(c)) * CJK_BIT)
}

/// The class of a character of the Basic Multilingual Plane, from a table of two bits per
/// code point (16 KB) made once per process from `class_slow`; `None` past the BMP. The
/// standard library answers `is_alphabetic` by searching a table of ranges, which was an
/// eighth of all the CPU time of a 27-language build, where most text is not ASCII
/// (BENCHMARKS.md, "Word characters looked up in a table").
fn bmp_class(c: char) -> Option<u8> {
    static TABLE: std::sync::OnceLock<Box<[u8]>> = std::sync::OnceLock::new();
    let u = c as u32;
    if u > 0xFFFF {
        return None;
    }
    let table = TABLE.get_or_init(|| {
        let mut t = vec![0u8; 0x10000 / 4];
        for u in 0..0x10000u32 {
            // Surrogates are not chars: they never occur in a `str`.
            let class = char::from_u32(u).map_or(0, class_slow);
            t[(u / 4) as usize] |= class << (2 * (u % 4));
        }
        t.into_boxed_slice()
    });
    let byte = table.get((u / 4) as usize).copied().unwrap_or(0);
    Some((byte >> (2 * (u % 4))) & 3)
}

/// Latin letters with diacritics live here; only they lose their marks.
fn is_latin(c: char) -> bool {
    let u = c as u32;
    c.is_ascii_alphabetic() || (0xC0..=0x24F).contains(&u) || (0x1E00..=0x1EFF).contains(&u)
}

/// Arabic-script folding for ar, fa, ur, ps, ckb (applied wherever the letters occur).
/// `None` drops the character. The same table is in search.js (`ARABIC`).
fn fold_arabic(c: char) -> Option<Option<char>> {
    Some(match c {
        // harakat, Quranic marks, superscript alef, tatweel
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => None,
        // alef with hamza or madda, alef wasla
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => Some('\u{0627}'),
        // alef maksura, Farsi yeh, yeh with hamza → yeh
        '\u{0649}' | '\u{06CC}' | '\u{0626}' => Some('\u{064A}'),
        // keheh, swash kaf → kaf
        '\u{06A9}' | '\u{06AA}' => Some('\u{0643}'),
        // teh marbuta, heh goal, heh doachashmee, heh with yeh → heh
        '\u{0629}' | '\u{06C1}' | '\u{06BE}' | '\u{06C0}' => Some('\u{0647}'),
        // waw with hamza → waw
        '\u{0624}' => Some('\u{0648}'),
        // Arabic-Indic and Extended Arabic-Indic digits
        '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + 0x30),
        '\u{06F0}'..='\u{06F9}' => char::from_u32(c as u32 - 0x06F0 + 0x30),
        _ => return None,
    })
}

/// Letters whose "diacritic" Unicode does not decompose, and Cyrillic ё, which Russian and
/// Bulgarian writers usually type as е (й stays: it is a different letter).
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ё' => "е",
        'ł' => "l",
        'đ' => "d",
        'ø' => "o",
        'ı' => "i",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ħ' => "h",
        _ => return None,
    })
}

/// Drops Latin diacritics (rule 3) from a lowercased, Arabic-folded word.
fn fold_latin(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut after_latin = false;
    for c in word.chars() {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            if !after_latin {
                out.push(c);
            }
            continue;
        }
        if let Some(s) = latin_special(c) {
            out.push_str(s);
            after_latin = true;
            continue;
        }
        if is_latin(c) {
            decompose_canonical(c, |d| {
                if !('\u{0300}'..='\u{036F}').contains(&d) {
                    out.push(d);
                }
            });
            after_latin = true;
        } else {
            out.push(c);
            // Marks of other scripts keep the state of their base letter.
            if !is_combining_mark(c) {
                after_latin = false;
            }
        }
    }
    out
}

/// Rules 1–4 for one word run; `None` when nothing searchable is left.
pub(crate) fn fold_word(run: &str, lang: &str) -> Option<Token> {
    if run.is_ascii() {
        // Nothing to fold but case: the common case, kept cheap.
        let term = run.to_ascii_lowercase();
        if !term.bytes().any(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        return Some(Token {
            lower: term.clone(),
            term,
            alt: None,
        });
    }
    let mut lower = String::with_capacity(run.len());
    for c in run.chars() {
        lower.extend(c.to_lowercase());
    }
    // Each step's result is normalised only when it is not NFC already (most words are):
    // these run once per distinct word of each counting chunk.
    let lower = into_nfc(lower);
    let mut arabic = String::with_capacity(lower.len());
    for c in lower.chars() {
        match fold_arabic(c) {
            Some(Some(f)) => arabic.push(f),
            Some(None) => {}
            None => arabic.push(c),
        }
    }
    let folded = into_nfc(fold_latin(&arabic));
    let (term, mut alt) = if lang == "vi" {
        let toned = into_nfc(arabic);
        let alt = (folded != toned).then_some(folded);
        (toned, alt)
    } else {
        (folded, None)
    };
    if term.contains([ZWNJ, ZWJ]) {
        let joined: String = term.chars().filter(|&c| c != ZWNJ && c != ZWJ).collect();
        let joined_alt = match alt.take() {
            Some(a) => a.chars().filter(|&c| c != ZWNJ && c != ZWJ).collect(),
            None => joined.clone(),
        };
        alt = (joined_alt != term).then_some(joined_alt);
    }
    if !term.chars().any(is_word_char) {
        return None;
    }
    Some(Token { term, alt, lower })
}

/// `text` in NFC, borrowed when it already is (content is normalised when read).
pub use crate::nfc::nfc;

/// Calls `f` with each word run of `text` (which must be NFC) before folding, in order: the
/// unit `fold_word` works on (see `run_bounds`).
pub fn runs<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let mut bounds = Vec::new();
    run_bounds(text, &mut bounds);
    for (from, to) in bounds {
        f(&text[from..to]);
    }
}

/// Replaces `out` with where each word run of `text` (which must be NFC) starts and ends, in
/// order. CJK runs give their bigrams (rule 5). Stretches of 64 ASCII bytes (most of the
/// hub's text, and all of its English) are cut 64 bytes at a time (`ascii_block`), everything
/// else word by word. Bounds rather than a callback: the index's loop over them then has no
/// call per word.
pub fn run_bounds(text: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    // No 64-byte block starting before this holds only ASCII (so non-Latin text does not
    // test the same bytes again at every word).
    let mut mixed_until = 0;
    while i < bytes.len() {
        if i >= mixed_until {
            match ascii_block(bytes, i) {
                Ok(Block { words, rest }) => {
                    let (mut starts, mut ends) = (words & !(words << 1), words & !(words >> 1));
                    let next = match rest {
                        // The block's last word goes on past it: left for the loop below.
                        Some(at) => {
                            starts &= !(1 << at);
                            ends &= !(1 << 63);
                            i + at as usize
                        }
                        None => i + 64,
                    };
                    while starts != 0 {
                        let from = i + starts.trailing_zeros() as usize;
                        out.push((from, i + ends.trailing_zeros() as usize + 1));
                        starts &= starts - 1;
                        ends &= ends - 1;
                    }
                    i = next;
                    if rest.is_none() {
                        continue;
                    }
                }
                Err(at) => mixed_until = at,
            }
        }
        i = scalar_step(text, i, out);
    }
}

/// The high bit of each of a u64's eight bytes: set in a byte that is not ASCII.
pub(super) const HIGH: u64 = 0x8080_8080_8080_8080;

/// `b` in each of a u64's eight bytes.
pub(super) const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit of each byte of `w` in `lo..=hi`, eight bytes at once. Every byte of `w` must
/// be ASCII (below 0x80), so that no sum carries into the next byte.
pub(super) fn within(w: u64, lo: u8, hi: u8) -> u64 {
    w.wrapping_add(splat(0x80 - lo)) & !w.wrapping_add(splat(0x7F - hi)) & HIGH
}

/// The words of 64 ASCII bytes: bit `k` of `words` is set when byte `k` is a letter or digit;
/// `rest`, when the last byte is one, is the bit where that unfinished word starts.
struct Block {
    words: u64,
    rest: Option<u32>,
}

/// The 64 bytes from `i` as a `Block`, eight at a time (each test below works on the eight
/// bytes of a u64 at once: the bytes are all below 0x80, so no sum carries into the next
/// byte). `Err` gives the first position past the bytes that cannot start a block: a
/// non-ASCII byte, or the end of the text.
///
/// Fewer than 64 bytes left (the end of every field, and all of most titles and headings)
/// are read padded with zeros, which are not word bytes: the words among them are cut here
/// too, instead of word by word in `scalar_step`, and none is left unfinished.
fn ascii_block(bytes: &[u8], i: usize) -> Result<Block, usize> {
    let padded: [u8; 64];
    let block = match bytes.get(i..i + 64) {
        Some(block) => block,
        None => {
            let tail = bytes.get(i..).unwrap_or_default();
            if tail.is_empty() {
                return Err(bytes.len());
            }
            let mut p = [0u8; 64];
            p[..tail.len()].copy_from_slice(tail);
            padded = p;
            &padded
        }
    };
    let mut words = 0u64;
    for (k, eight) in block.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        if w & HIGH != 0 {
            return Err(i + 8 * k + (w & HIGH).trailing_zeros() as usize / 8 + 1);
        }
        let alnum = within(w, b'0', b'9') | within(w | splat(0x20), b'a', b'z');
        // The eight high bits gathered into the low byte, byte 0's first.
        let packed = ((alnum >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) & 0xFF;
        words |= packed << (8 * k);
    }
    // The unfinished word is the run of ones at the top: it starts below them.
    let rest = (words >> 63 == 1).then(|| 64 - (!words).leading_zeros());
    Ok(Block { words, rest })
}

/// One step of `run_bounds` from `i` (never inside a word): the word run or CJK run that
/// starts there, or the one character that is neither. Returns where the next step starts.
fn scalar_step(text: &str, mut i: usize, out: &mut Vec<(usize, usize)>) -> usize {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b.is_ascii() {
        if !ASCII_WORD[usize::from(b)] {
            return i + 1;
        }
        // The ASCII part of the word here, then `word_end` only if a non-ASCII byte follows
        // (a word of English ends at an ASCII byte).
        let mut end = i + 1;
        while end < bytes.len() && ASCII_WORD[usize::from(bytes[end])] {
            end += 1;
        }
        if end < bytes.len() && !bytes[end].is_ascii() {
            end = word_end(text, end);
        }
        out.push((i, end));
        return end;
    }
    let c = char_at(text, i);
    let class = class(c);
    if class & CJK_BIT != 0 {
        let mut starts = Vec::new();
        while i < bytes.len() {
            let d = char_at(text, i);
            if !is_cjk(d) {
                break;
            }
            starts.push(i);
            i += d.len_utf8();
        }
        starts.push(i);
        if starts.len() == 2 {
            out.push((starts[0], starts[1]));
        } else {
            out.extend(starts.windows(3).map(|w| (w[0], w[2])));
        }
        i
    } else if class & WORD_BIT != 0 {
        let end = word_end(text, i);
        out.push((i, end));
        end
    } else {
        i + c.len_utf8()
    }
}

/// The character starting at byte `i` (a char boundary).
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

/// ASCII letters and digits by byte value: one load per byte of the hot loops below instead
/// of three range checks (the index tokenises every word of every page).
static ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// Where the word run that starts at `i` (a word character, not CJK) ends.
fn word_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        while i < bytes.len() && ASCII_WORD[usize::from(bytes[i])] {
            i += 1;
        }
        if i >= bytes.len() || bytes[i].is_ascii() {
            return i;
        }
        let d = char_at(text, i);
        let keep = if d == ZWNJ || d == ZWJ {
            // A joiner stays only between two letters of the word.
            is_run_char(char_at(text, i + d.len_utf8()))
        } else {
            is_run_char(d)
        };
        if !keep {
            return i;
        }
        i += d.len_utf8();
    }
}

/// Splits `text` into tokens (rule 5 and the word runs of rules 1–4), in order.
pub fn tokenize(text: &str, lang: &str) -> Vec<Token> {
    let text = nfc(text);
    let mut out = Vec::new();
    runs(&text, |run| out.extend(fold_word(run, lang)));
    out
}

/// The Snowball algorithm for a language, where rust-stemmers has one. Never Arabic for
/// Persian, Urdu, Pashto or Sorani: they share the script, not the morphology.
pub fn stemmer(lang: &str) -> Option<rust_stemmers::Stemmer> {
    use rust_stemmers::{Algorithm as A, Stemmer};
    let algo = match lang {
        "en" => A::English,
        "ar" => A::Arabic,
        "fr" => A::French,
        "es" => A::Spanish,
        "it" => A::Italian,
        "pt" => A::Portuguese,
        "ro" => A::Romanian,
        "ru" => A::Russian,
        "tr" => A::Turkish,
        "ta" => A::Tamil,
        _ => return None,
    };
    Some(Stemmer::create(algo))
}

/// The group a token's main term belongs to in the index: its folded stem, or the term itself.
/// Only the build uses this; queries look words up as typed (see `index.rs`).
pub fn group_key(token: &Token, stemmer: Option<&rust_stemmers::Stemmer>) -> String {
    match stemmer {
        // CJK bigrams and numbers are not words a stemmer knows.
        Some(s) if !token.term.chars().any(is_cjk) => {
            let stem = s.stem(&token.lower);
            match fold_word(&stem, "") {
                Some(t) if !t.term.is_empty() => t.term,
                _ => token.term.clone(),
            }
        }
        _ => token.term.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_the_bmp_gives_what_the_unicode_tables_give() {
        for u in 0..0x10000u32 {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(super::bmp_class(c), Some(super::class_slow(c)), "U+{u:04X}");
            }
        }
        // Letters, a digit, a mark, CJK punctuation (CJK but no word character), Han.
        let classes = ['é', 'ж', '٣', '\u{301}', '・', '孤', '!'].map(super::class);
        assert_eq!(classes, [1, 1, 1, 1, 2, 3, 0]);
        // Past the BMP, answered from the Unicode tables.
        assert_eq!(super::bmp_class('\u{20000}'), None);
        assert_eq!(super::class('\u{20000}'), 3);
    }

    #[derive(serde::Deserialize)]
    struct Vector {
        lang: String,
        text: String,
        /// Expected terms; an alternative form is written `term|alt`.
        tokens: Vec<String>,
    }

    fn render(tokens: &[Token]) -> Vec<String> {
        tokens
            .iter()
            .map(|t| match &t.alt {
                Some(a) => format!("{}|{a}", t.term),
                None => t.term.clone(),
            })
            .collect()
    }

    /// `run_bounds` without its 64-byte blocks: the word-by-word rules alone.
    fn bounds_word_by_word(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < text.len() {
            i = scalar_step(text, i, &mut out);
        }
        out
    }

    #[test]
    fn ascii_blocks_cut_words_as_the_word_by_word_rules_do() {
        // Pieces that meet block edges in every way: long and short words, digits, runs of
        // punctuation, and non-ASCII letters, marks, joiners and CJK inside and between words.
        let pieces = [
            "a",
            "word",
            "Zebra",
            "x9",
            "2026",
            " ",
            "  ",
            ", ",
            "-",
            "'",
            ".\n",
            "café",
            "é",
            "e\u{301}",
            "孤独感",
            "の",
            "مال",
            "می\u{200C}خواهم",
            "\u{200C}",
            "ß",
            "Ł",
            "@",
            "supercalifragilisticexpialidocious",
            "0123456789abcdefghijklmnopqrstuvwxyz",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut out = Vec::new();
        for case in 0..3000 {
            let mut text = String::new();
            // Mostly ASCII, so that most cases reach the 64-byte blocks.
            let ascii_only = case % 3 != 0;
            let want = 1 + next(300);
            while text.len() < want {
                let p = pieces[next(pieces.len())];
                if ascii_only && !p.is_ascii() {
                    continue;
                }
                text.push_str(p);
            }
            run_bounds(&text, &mut out);
            assert_eq!(out, bounds_word_by_word(&text), "{text:?}");
        }
        // A block that is one word throughout, and one that ends inside a word.
        for text in [
            "a".repeat(200),
            format!("{} {}", "b".repeat(60), "c".repeat(70)),
        ] {
            run_bounds(&text, &mut out);
            assert_eq!(out, bounds_word_by_word(&text), "{text:?}");
        }
    }

    #[test]
    fn shared_vectors_hold_in_rust() {
        let text = include_str!("../../tests/search_vectors.json");
        let vectors: Vec<Vector> = serde_json::from_str(text).expect("vectors parse");
        let mut langs = std::collections::BTreeSet::new();
        for v in &vectors {
            langs.insert(v.lang.as_str());
            assert_eq!(
                render(&tokenize(&v.text, &v.lang)),
                v.tokens,
                "{}: {}",
                v.lang,
                v.text
            );
        }
        // Every language of the hub has at least one sample in its own script.
        for code in [
            "en", "ar", "bn", "bg", "zh", "fa", "fr", "gu", "hi", "it", "ckb", "lt", "pa", "ps",
            "pl", "pt", "ro", "ru", "so", "es", "ta", "ti", "tr", "ur", "vi", "yo", "sq",
        ] {
            assert!(langs.contains(code), "no test vector for {code}");
        }
    }

    #[test]
    fn persian_keeps_zwnj_and_offers_the_joined_form() {
        let t = tokenize("می\u{200C}خواهم", "fa");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].term, "مي\u{200C}خواهم");
        assert_eq!(t[0].alt.as_deref(), Some("ميخواهم"));
    }

    #[test]
    fn vietnamese_is_searchable_with_and_without_tones() {
        let t = tokenize("Sức khỏe", "vi");
        assert_eq!(render(&t), ["sức|suc", "khỏe|khoe"]);
        let q = tokenize("suc khoe", "vi");
        assert_eq!(render(&q), ["suc", "khoe"]);
    }

    #[test]
    fn cjk_runs_become_overlapping_bigrams() {
        assert_eq!(render(&tokenize("孤独感", "zh")), ["孤独", "独感"]);
        assert_eq!(render(&tokenize("孤", "zh")), ["孤"]);
        assert_eq!(render(&tokenize("NHS心理", "zh")), ["nhs", "心理"]);
    }

    #[test]
    fn arabic_stemmer_is_only_for_arabic() {
        assert!(stemmer("ar").is_some());
        for code in ["fa", "ur", "ps", "ckb"] {
            assert!(stemmer(code).is_none(), "{code}");
        }
    }

    #[test]
    fn english_forms_share_a_group() {
        let s = stemmer("en");
        let key = |w: &str| group_key(&tokenize(w, "en")[0], s.as_ref());
        assert_eq!(key("worries"), key("worried"));
        assert_eq!(key("Sleeping"), key("sleep"));
    }
}
