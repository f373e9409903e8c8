//! Result metadata: the chunks of `PER_CHUNK` pages a query fetches for the results it shows
//! (URL, title, context and an excerpt of each block, with its anchor and heading).

use serde::Serialize;

use super::extract::Entry;
use super::index::named;
use super::tokenize::{HIGH, splat};
use crate::render::OutputFile;

/// Pages per metadata chunk.
pub(super) const PER_CHUNK: usize = 4;
/// Characters of text kept for the excerpt of the intro and of each later block (the
/// metadata of the results shown is most of what a query downloads).
const INTRO_CHARS: usize = 200;
const BLOCK_CHARS: usize = 100;

#[derive(Serialize)]
pub(super) struct PageMeta<'a> {
    u: &'a str,
    t: &'a str,
    c: &'a str,
    b: Vec<(&'a str, &'a str, &'a str)>,
}

/// Metadata chunk `k` of `entries` (pages `k * PER_CHUNK` onwards): its file and hash.
pub(super) fn meta_file(dir: &str, entries: &[Entry], k: usize) -> (OutputFile, String) {
    let end = (k * PER_CHUNK + PER_CHUNK).min(entries.len());
    let pages = entries.get(k * PER_CHUNK..end).unwrap_or_default();
    // Every excerpt of the chunk in one string (one allocation rather than one per block:
    // 76,000 at 10,000 pages), then sliced.
    let mut text = String::new();
    let mut spans = Vec::new();
    for e in pages {
        for i in 0..e.blocks.len() {
            let from = text.len();
            excerpt_into(e.text.block(i), keep(i), &mut text);
            spans.push(from..text.len());
        }
    }
    let mut cut = spans
        .into_iter()
        .map(|span| text.get(span).unwrap_or_default());
    let meta: Vec<PageMeta> = pages
        .iter()
        .map(|e| PageMeta {
            u: &e.url,
            t: &e.title,
            c: &e.context,
            b: e.blocks
                .iter()
                .map(|b| {
                    (
                        b.anchor.as_str(),
                        b.heading.as_str(),
                        cut.next().unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect();
    // Sized for what it holds, so the buffer is not grown and copied on the way.
    let room: usize = meta
        .iter()
        .map(|p| {
            let blocks: usize =
                p.b.iter()
                    .map(|(a, h, x)| a.len() + h.len() + x.len() + 12)
                    .sum();
            p.u.len() + p.t.len() + p.c.len() + 32 + blocks
        })
        .sum();
    let mut bytes = Vec::with_capacity(room);
    // Serialising strings into a vector cannot fail.
    let _ = serde_json::to_writer(&mut bytes, &meta);
    named(dir, "m", bytes)
}

/// Characters of excerpt kept for block `i` of a page.
fn keep(i: usize) -> usize {
    if i == 0 { INTRO_CHARS } else { BLOCK_CHARS }
}

/// Appends to `out` the first `keep` characters of `text` with runs of white space made one
/// space, and `…` when a word was left out (only the part kept is looked at: most of a page's
/// text is never shown). Word by word, each word copied in one piece; white space as
/// `char::is_whitespace` says (`space_at`), plain ASCII passed eight bytes at a time
/// (`plain_end`).
fn excerpt_into(text: &str, keep: usize, out: &mut String) {
    let len = text.len();
    let mut n = 0;
    let mut started = false;
    let mut i = 0;
    loop {
        // To the next word, if there is one.
        while i < len {
            let (space, width) = space_at(text, i);
            if !space {
                break;
            }
            i += width;
        }
        if i >= len {
            return;
        }
        if n >= keep {
            out.push('…');
            return;
        }
        if started {
            out.push(' ');
            n += 1;
        }
        started = true;
        // The word's characters, as many as there is room for, copied in one piece. Its
        // plain ASCII stretches are passed eight bytes at a time (`plain_end`); only the
        // byte that ends one is looked at alone.
        let room = keep.saturating_sub(n);
        let (from, mut cut, mut chars) = (i, i, 0);
        loop {
            let end = plain_end(text.as_bytes(), i);
            let take = (end - i).min(room - chars);
            if take > 0 {
                chars += take;
                cut = i + take;
            }
            i = end;
            if i >= len {
                break;
            }
            let (space, width) = space_at(text, i);
            if space {
                break;
            }
            i += width;
            if chars < room {
                chars += 1;
                cut = i;
            }
        }
        out.push_str(text.get(from..cut).unwrap_or_default());
        n += chars;
    }
}

/// Where the first byte at or after `i` that is white space, a control character or not
/// ASCII is (the text's length when there is none): the stretch before it is characters of
/// one byte each, none of them a space. Eight bytes at a time: a byte below 0x21 borrows in
/// the subtraction and sets its high bit (a borrow only reaches the bytes after it, so the
/// first flagged byte is exact), and a byte from 0x80 has its high bit set already.
fn plain_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(eight) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        let special = ((w.wrapping_sub(splat(0x21)) & !w) | w) & HIGH;
        if special != 0 {
            return i + special.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(|b| (0x21..0x80).contains(b)) {
        i += 1;
    }
    i
}

/// Whether the character at byte `i` of `text` is white space (`char::is_whitespace`), and
/// its length in bytes. An ASCII byte is answered without decoding: the excerpts read a few
/// hundred characters of each of 76,000 blocks at 10,000 pages, and decoding every one of
/// them through `str::split` was most of the metadata's cost.
#[inline]
fn space_at(text: &str, i: usize) -> (bool, usize) {
    match text.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => (matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'), 1),
        _ => text
            .get(i..)
            .and_then(|t| t.chars().next())
            .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn excerpts_collapse_space_and_mark_what_was_cut() {
        let excerpt = |text, keep| {
            let mut out = String::new();
            super::excerpt_into(text, keep, &mut out);
            out
        };
        assert_eq!(excerpt("  one\n two\t\tthree ", 100), "one two three");
        assert_eq!(excerpt("one two three", 7), "one two…");
        // A word cut in the middle, then more words.
        assert_eq!(excerpt("one twofold three", 6), "one tw…");
        // A word cut in the middle and nothing after it.
        assert_eq!(excerpt("one twofold", 6), "one tw");
        // The space is counted: here it is the last character kept (and nothing follows
        // the word it was left for, so no `…`).
        assert_eq!(excerpt("abc def", 4), "abc ");
        assert_eq!(excerpt("abc def ghi", 4), "abc …");
        assert_eq!(excerpt("مرحبا بكم", 5), "مرحبا…");
        assert_eq!(excerpt(" \u{a0} ", 10), "");
        assert_eq!(excerpt("word", 0), "…");
    }

    #[test]
    fn plain_stretches_end_at_the_first_space_control_or_non_ascii_byte() {
        // Every byte value at every place of a 20-byte stretch, checked against the same
        // test made a byte at a time.
        for at in 0..20 {
            for b in 0..=255u8 {
                let mut bytes = vec![b'x'; 20];
                bytes[at] = b;
                let slow = bytes.iter().position(|&c| !(0x21..0x80).contains(&c));
                for from in [0, at.saturating_sub(3), at] {
                    let want = slow.filter(|&p| p >= from).unwrap_or(bytes.len());
                    assert_eq!(
                        super::plain_end(&bytes, from),
                        want,
                        "byte {b:#x} at {at}, from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn excerpts_split_words_at_every_kind_of_space() {
        let excerpt = |text: &str, keep| {
            let mut out = String::new();
            super::excerpt_into(text, keep, &mut out);
            out
        };
        // What `str::split(char::is_whitespace)` gives, word by word (the old way of reading
        // them): every ASCII and Unicode space, and characters that only look like one.
        let samples = [
            "a\u{b}b\u{c}c\rd\u{85}e\u{a0}f\u{1680}g\u{2000}h\u{200a}i\u{2028}j\u{202f}k\u{3000}l",
            "x\u{1c}y\u{1f}z\u{200b}w\u{feff}v",
            "élan vital — naïve café 孤独 感  مرحبا بكم",
        ];
        for text in samples {
            let words: Vec<&str> = text
                .split(char::is_whitespace)
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(excerpt(text, 1000), words.join(" "), "{text:?}");
        }
        // Cut inside a word of several bytes a character.
        assert_eq!(excerpt("naïve café", 3), "naï…");
        assert_eq!(excerpt("孤独感 x", 2), "孤独…");
    }

    #[test]
    fn each_block_of_a_metadata_chunk_gets_its_own_excerpt() {
        use super::super::extract::{Block, Entry};
        use crate::parse::markdown::BodyText;
        let entries: Vec<Entry> = (0..super::PER_CHUNK + 2)
            .map(|p| {
                let mut text = BodyText::default();
                let mut block = |anchor: &str, words: &str| {
                    text.text.push_str(words);
                    text.ends.push(text.text.len());
                    Block {
                        anchor: anchor.into(),
                        heading: anchor.to_uppercase(),
                    }
                };
                let mut blocks: Vec<Block> = (0..p % 3 + 1)
                    .map(|b| block(&format!("h{b}"), &format!("page {p} block {b} ").repeat(30)))
                    .collect();
                blocks.push(block("empty", ""));
                Entry {
                    url: format!("/p{p}/"),
                    title: format!("Page {p}"),
                    context: String::new(),
                    text,
                    blocks,
                }
            })
            .collect();
        for k in 0..2 {
            let (file, _) = super::meta_file("search/en", &entries, k);
            let crate::render::Content::Bytes(bytes) = file.content else {
                panic!("metadata is bytes");
            };
            let pages: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            let pages = pages.as_array().unwrap();
            let mine = &entries[k * super::PER_CHUNK..];
            assert_eq!(pages.len(), mine.len().min(super::PER_CHUNK));
            for (page, e) in pages.iter().zip(mine) {
                assert_eq!(page["u"], e.url.as_str());
                let blocks = page["b"].as_array().unwrap();
                assert_eq!(blocks.len(), e.blocks.len());
                for (i, (got, b)) in blocks.iter().zip(&e.blocks).enumerate() {
                    let mut want = String::new();
                    super::excerpt_into(e.text.block(i), super::keep(i), &mut want);
                    assert_eq!(got[0], b.anchor.as_str());
                    assert_eq!(got[2], want.as_str(), "{} block {i}", e.url);
                }
            }
        }
    }
}
