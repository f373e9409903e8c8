//! Unicode-aware slugs for URLs and heading ids: keeps letters of every script, drops punctuation.
//!
//! Lower-casing and NFC keep one spelling per word; ZWNJ/ZWJ stay because Persian and Indic
//! words need them; combining marks stay because Bengali or Hindi words are wrong without them.

/// `Coping with Stress!` → `coping-with-stress`; `الصحة النفسية` → `الصحة-النفسية`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    // Normalised only when it is not NFC already (content is normalised when read): most
    // titles and headings are, and composing them again was most of this function's time.
    let s = crate::nfc::nfc(s);
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace()
            || matches!(
                c,
                '-' | '_' | '/' | '.' | '\u{2010}'..='\u{2015}' | '\u{2212}'
            )
        {
            dash = !out.is_empty();
        } else if is_dropped(c) {
            continue;
        } else {
            if dash {
                out.push('-');
                dash = false;
            }
            out.push(c);
        }
    }
    out
}

/// Punctuation and symbols that carry no meaning in an address.
fn is_dropped(c: char) -> bool {
    if c == '\u{200C}' || c == '\u{200D}' {
        return false;
    }
    c.is_ascii_punctuation()
        || c.is_control()
        || matches!(c as u32,
            0x2000..=0x206F      // general punctuation (quotes, dashes, zero-width spaces)
            | 0x3000..=0x303F    // CJK punctuation
            | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 // full-width punctuation
            | 0x060C | 0x061B | 0x061F | 0x066A..=0x066D | 0x06D4 // Arabic punctuation
            | 0x0964 | 0x0965    // Devanagari danda
            | 0x1361..=0x1368    // Ethiopic punctuation
            | 0x00A1..=0x00BF    // Latin-1 punctuation and symbols
            | 0x00D7 | 0x00F7
            | 0xFE00..=0xFE0F    // variation selectors
            | 0x1F000..=0x1FAFF  // emoji
            | 0x2190..=0x2BFF    // arrows, symbols
        )
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn keeps_letters_of_every_script() {
        assert_eq!(slugify("Coping with Stress!"), "coping-with-stress");
        assert_eq!(
            slugify("  Our six aspirations: 2026 "),
            "our-six-aspirations-2026"
        );
        assert_eq!(slugify("الصحة النفسية؟"), "الصحة-النفسية");
        assert_eq!(slugify("মানসিক স্বাস্থ্য"), "মানসিক-স্বাস্থ্য");
        assert_eq!(slugify("应对压力，照顾自己"), "应对压力照顾自己");
        assert_eq!(slugify("می‌خواهم"), "می\u{200c}خواهم");
        assert_eq!(slugify("Café—déjà vu"), "café-déjà-vu");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn one_spelling_whether_or_not_the_text_was_composed() {
        // Decomposed accents, a Tamil vowel sign written in two parts, Hangul in jamo: each
        // gives the slug of its composed form.
        assert_eq!(slugify("Cafe\u{301} De\u{301}ja\u{300}"), "café-déjà");
        assert_eq!(slugify("\u{0B95}\u{0BC6}\u{0BBE}"), "\u{0B95}\u{0BCA}");
        assert_eq!(slugify("\u{1100}\u{1161}"), "가");
        // Already composed, with a vowel sign that composes with nothing before it.
        assert_eq!(slugify("மனநலம் பேசுவோம்"), "மனநலம்-பேசுவோம்");
    }
}
