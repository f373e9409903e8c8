//! Counting: each entry's words folded, stemmed and tallied by group and field, on every
//! core; the build's `index` and serve's `incremental` index both count with this code.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use rayon::prelude::*;

use super::extract::Entry;
use super::index::{BODY, HEADING, TITLE};
use super::tokenize::{HIGH, fold_word, group_key, nfc, run_bounds, stemmer, within};

/// The word caches are hit once per token, so their hash is most of the cost of a token:
/// FxHash (rustc's, taking 8 bytes at a step) instead of SipHash, whose protection against
/// chosen keys buys nothing for our own content, or the byte-at-a-time FNV used before.
pub(super) type FastMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

/// Strings numbered in order of first sight (terms and groups share one table).
#[derive(Default)]
pub(super) struct Interner {
    ids: FastMap<String, u32>,
    pub(super) names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(s.to_string(), id);
        self.names.push(s.to_string());
        id
    }
}

/// What the index needs of a word run: the group ids its block counts go to, and its term
/// (serve's incremental index lists each entry's (term, group) pairs).
#[derive(Clone, Copy)]
pub(super) struct Folded {
    term: u32,
    group: u32,
    alt: Option<u32>,
}

/// Shared between the threads: the string table, which term belongs to which group, and
/// what each lowercased word folds to (so that a word is stemmed once per language, not
/// once per chunk of entries).
#[derive(Default)]
pub(super) struct Shared {
    pub(super) strings: Interner,
    pub(super) vocab: BTreeSet<(u32, u32)>,
    words: FastMap<String, Folded>,
}

/// Per group: block mask and term frequency in each field (saturating: 65,535 of one word in
/// one field of one page is already far past where BM25 stops counting).
pub(super) type Counts = (u32, [u16; 3]);
/// One entry's counts by group (in order of first occurrence) and its length in each field.
pub(super) type Counted = (Vec<(u32, Counts)>, [u32; 3]);

/// Bit of block `b` in a posting's block mask; blocks past 30 share the last bit.
fn block_bit(b: usize) -> u32 {
    1 << b.min(31)
}

/// What a word run counts as, as a chunk remembers it: 8 bytes, so that the tables of a
/// whole language's words stay in the core's own cache (they are hit once per token).
#[derive(Clone, Copy)]
struct Hit {
    /// The group its counts go to; `u32::MAX`: nothing searchable.
    group: u32,
    /// Its term; with `ALT` set, the row of `Chunk::alts` holding its term and alternative
    /// form instead (rare: a Vietnamese word with tones, a Persian word with a joiner).
    term: u32,
}

/// `Hit::term` flag: the term and its alternative form are in `Chunk::alts`.
const ALT: u32 = 1 << 31;

/// What one thread keeps from entry to entry of its chunk.
#[derive(Default)]
pub(super) struct Chunk {
    /// Word runs of up to 8 bytes (most words), keyed by their bytes as one integer:
    /// hashing and comparing an integer instead of a string.
    short: FastMap<u64, Hit>,
    /// Runs of 9 to 16 bytes, the same way in two integers.
    medium: FastMap<(u64, u64), Hit>,
    /// Longer runs, by their bytes.
    long: FastMap<Box<[u8]>, Hit>,
    /// (term, alternative form's group) of the words that have one.
    alts: Vec<(u32, u32)>,
    /// Group id → 1 + its row in the list being filled (0: not in the entry being counted).
    /// Indexed by id instead of sorting the entry's tokens (which was a tenth of the index's
    /// cost).
    slots: Vec<u32>,
    /// The rows of the entry being counted, in order of first occurrence, then zeroed spare
    /// rows (at least one): `tally` writes a new group into the first spare instead of
    /// pushing, so that new and repeated words take the same path.
    rows: Vec<(u32, Counts)>,
    /// Where each word run of the field being counted starts and ends (reused).
    bounds: Vec<(usize, usize)>,
    /// What each of those runs counts as (reused).
    hits: Vec<Hit>,
    /// Group id → the entries of this chunk it occurs in, counted as each entry is done (so
    /// that neither the document frequencies nor the sort by group read the postings again).
    df: Vec<u32>,
}

/// Up to 8 bytes as one integer, padded with zeros (a word run never holds a zero byte, so
/// no two runs of up to 16 bytes share a key).
fn word_key(b: &[u8]) -> u64 {
    let mut padded = [0u8; 8];
    padded[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(padded)
}

/// The 8 bytes of `b` from `at`, little-endian, if there are 8.
fn load8(b: &[u8], at: usize) -> Option<u64> {
    let w: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

/// `key` with the ASCII capitals of an all-ASCII key made small, eight bytes at a time: an
/// ASCII run folds to its lowercase whatever the language (`fold_word`), so "The" and "the"
/// can share one row of a chunk's word table. That keeps the table about a quarter smaller
/// (at 10,000 pages, 28,500 short words instead of 37,800), nearer the size of a core's
/// cache. A key with a non-ASCII byte is left as it is.
fn ascii_lower(key: u64) -> u64 {
    if key & HIGH != 0 {
        return key;
    }
    // 0x80 >> 2 is 0x20, the bit that makes an ASCII capital small.
    key | (within(key, b'A', b'Z') >> 2)
}

/// `word_key` of `text[from..to]` (at most 8 bytes), read as one load of the 8 bytes that
/// start (or end) there with the bytes outside the run shifted out: no copy through memory
/// for every token.
fn key_at(text: &[u8], from: usize, to: usize) -> u64 {
    let n = to - from;
    if n == 0 {
        return 0;
    }
    let drop = 8 * (8 - n) as u32;
    if let Some(w) = load8(text, from) {
        // The run is the low `n` bytes.
        return w.checked_shl(drop).map_or(0, |x| x >> drop);
    }
    if let Some(w) = to.checked_sub(8).and_then(|at| load8(text, at)) {
        // The run is the high `n` bytes.
        return w.checked_shr(drop).unwrap_or(0);
    }
    word_key(text.get(from..to).unwrap_or_default())
}

impl Chunk {
    /// What the run `from..to` of `text` counts as, folded on first sight.
    #[inline(always)]
    fn hit(
        &mut self,
        text: &str,
        (from, to): (usize, usize),
        lang: &str,
        stemmer: Option<&rust_stemmers::Stemmer>,
        shared: &Mutex<Shared>,
    ) -> Hit {
        let b = text.as_bytes().get(from..to).unwrap_or_default();
        let fold_here = |alts: &mut Vec<(u32, u32)>| {
            let run = text.get(from..to).unwrap_or_default();
            match fold(run, lang, stemmer, shared) {
                None => Hit {
                    group: u32::MAX,
                    term: 0,
                },
                Some(Folded {
                    term,
                    group,
                    alt: None,
                }) => Hit { group, term },
                Some(Folded {
                    term,
                    group,
                    alt: Some(a),
                }) => {
                    alts.push((term, a));
                    Hit {
                        group,
                        term: ALT | (alts.len() - 1) as u32,
                    }
                }
            }
        };
        let bytes = text.as_bytes();
        if b.len() <= 8 {
            let k = ascii_lower(key_at(bytes, from, to));
            if let Some(h) = self.short.get(&k) {
                return *h;
            }
            let h = fold_here(&mut self.alts);
            self.short.insert(k, h);
            h
        } else if b.len() <= 16 {
            let k = (key_at(bytes, from, from + 8), key_at(bytes, from + 8, to));
            if let Some(h) = self.medium.get(&k) {
                return *h;
            }
            let h = fold_here(&mut self.alts);
            self.medium.insert(k, h);
            h
        } else {
            if let Some(h) = self.long.get(b) {
                return *h;
            }
            let h = fold_here(&mut self.alts);
            self.long.insert(b.into(), h);
            h
        }
    }
}

/// What the run `run` counts as: folded and stemmed once per language (`shared.words`),
/// then remembered by the chunk as written.
fn fold(
    run: &str,
    lang: &str,
    stemmer: Option<&rust_stemmers::Stemmer>,
    shared: &Mutex<Shared>,
) -> Option<Folded> {
    let tok = fold_word(run, lang)?;
    // A poisoned lock only means another thread panicked; the tables are still consistent.
    let lock = || shared.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(f) = lock().words.get(&tok.lower) {
        return Some(*f);
    }
    // Stemming is the costly part: done outside the lock. Another thread may stem the same
    // word meanwhile; both get the same answer and the first one in is kept.
    let key = group_key(&tok, stemmer);
    let mut sh = lock();
    if let Some(f) = sh.words.get(&tok.lower) {
        return Some(*f);
    }
    let term = sh.strings.id(&tok.term);
    let group = sh.strings.id(&key);
    sh.vocab.insert((term, group));
    let alt = tok.alt.as_ref().map(|a| {
        let a = sh.strings.id(a);
        sh.vocab.insert((a, a));
        a
    });
    let f = Folded { term, group, alt };
    sh.words.insert(tok.lower, f);
    Some(f)
}

/// Runs `f` on `entries` cut into one slice per thread, in order, each slice with its own
/// `Chunk` and the language's stemmer. One slice per thread: each `Chunk` folds every
/// distinct word it meets once (its cache starts empty), so more slices would mean more of
/// that work.
fn per_thread<T: Send>(
    entries: &[Entry],
    lang: &str,
    f: impl Fn(&[Entry], &mut Chunk, Option<&rust_stemmers::Stemmer>) -> T + Sync,
) -> Vec<T> {
    let stemmer = stemmer(lang);
    let size = entries.len().div_ceil(rayon::current_num_threads()).max(1);
    entries
        .par_chunks(size)
        .map(|part| f(part, &mut Chunk::default(), stemmer.as_ref()))
        .collect()
}

/// Counts every entry of a language, in order, each with its own list and its sorted
/// (term, group) pairs when `with_pairs` (serve's incremental index keeps both; the build
/// uses `count_parts`).
pub(super) fn count_all(
    entries: &[Entry],
    lang: &str,
    shared: &Mutex<Shared>,
    with_pairs: bool,
) -> Vec<(Counted, Vec<(u32, u32)>)> {
    per_thread(entries, lang, |part, chunk, stemmer| {
        part.iter()
            .map(|e| {
                let mut pairs = Vec::new();
                let wanted = with_pairs.then_some(&mut pairs);
                let mut list = Vec::new();
                let len = count(e, lang, stemmer, chunk, shared, wanted, &mut list);
                ((list, len), pairs)
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// One thread's share of a language's entries, counted: every entry's counts by group one
/// after another in one array (no vector per entry: at 10,000 pages those were 10,000
/// allocations of kilobytes each, freed again while rendering allocated beside them).
#[derive(Default)]
pub(super) struct Part {
    /// (group, counts), entry after entry.
    pub(super) postings: Vec<(u32, Counts)>,
    /// Where each entry's postings end.
    pub(super) ends: Vec<usize>,
    /// Each entry's length in each field.
    pub(super) lengths: Vec<[u32; 3]>,
    /// Group id → how many of the part's entries it occurs in (ids past the end: none).
    pub(super) df: Vec<u32>,
}

/// Counts every entry of a language in one `Part` per thread, in entry order.
pub(super) fn count_parts(entries: &[Entry], lang: &str, shared: &Mutex<Shared>) -> Vec<Part> {
    per_thread(entries, lang, |part, chunk, stemmer| {
        let mut out = Part {
            ends: Vec::with_capacity(part.len()),
            lengths: Vec::with_capacity(part.len()),
            ..Part::default()
        };
        for e in part {
            let len = count(e, lang, stemmer, chunk, shared, None, &mut out.postings);
            out.ends.push(out.postings.len());
            out.lengths.push(len);
        }
        out.df = std::mem::take(&mut chunk.df);
        out
    })
}

/// Adds one occurrence of group `g` in field `field` of block bit `bit` to the entry being
/// counted, which has `n` rows so far (`slots[g]` is 1 + the row of `g`, 0 before its first).
///
/// Without a branch on whether `g` is new to the entry: about half the words of a page are,
/// in no order a predictor can learn, and the mispredicted branch cost more than the rest of
/// the tally. A new group takes the spare row `rows[n]` (zeroed), a repeated one its own row,
/// and `n` grows by one or by nothing.
#[inline(always)]
fn tally(
    slots: &mut Vec<u32>,
    rows: &mut Vec<(u32, Counts)>,
    n: &mut usize,
    g: u32,
    bit: u32,
    field: usize,
) {
    let i = g as usize;
    if i >= slots.len() {
        slots.resize(i + 1024, 0);
    }
    if *n + 1 >= rows.len() {
        rows.resize((rows.len() * 2).max(256), (0, (0, [0; 3])));
    }
    let slot = slots[i] as usize;
    let new = slot == 0;
    let row = if new { *n } else { slot - 1 };
    let (group, (mask, tf)) = &mut rows[row];
    *group = g;
    *mask |= bit;
    tf[field] = tf[field].saturating_add(1);
    slots[i] = row as u32 + 1;
    *n += usize::from(new);
}

/// Tokenises one entry, appending its counts by group to `list` (in order of first
/// occurrence), and returns its length in each field. Each distinct word run is looked up
/// once per chunk of entries (`Chunk::hit`), so the cost per token is a hash
/// lookup. With `pairs`, also lists the entry's distinct (term, group) pairs, sorted (serve's
/// incremental index keeps them).
pub(super) fn count(
    e: &Entry,
    lang: &str,
    stemmer: Option<&rust_stemmers::Stemmer>,
    chunk: &mut Chunk,
    shared: &Mutex<Shared>,
    mut pairs: Option<&mut Vec<(u32, u32)>>,
    list: &mut Vec<(u32, Counts)>,
) -> [u32; 3] {
    let mut len = [0u32; 3];
    let mut bounds = std::mem::take(&mut chunk.bounds);
    let mut hits = std::mem::take(&mut chunk.hits);
    let mut rows = std::mem::take(&mut chunk.rows);
    let mut n = 0;
    for (b, block) in e.blocks.iter().enumerate() {
        let bit = block_bit(b);
        let first = b == 0;
        // A service is found by its borough too ("food Hackney").
        let service = first && e.url.contains("#svc-");
        let fields = [
            (block.heading.as_str(), HEADING, true),
            (e.text.block(b), BODY, true),
            (e.title.as_str(), TITLE, first),
            (e.context.as_str(), BODY, service),
        ];
        for (text, field, _) in fields.into_iter().filter(|f| f.2) {
            let text = nfc(text);
            run_bounds(&text, &mut bounds);
            // Every run looked up first, then counted: the lookups, independent of each
            // other, then overlap their trips to memory (the word tables are larger than a
            // core's nearest caches), where interleaved with counting each waited alone.
            hits.clear();
            for &run in &bounds {
                hits.push(chunk.hit(&text, run, lang, stemmer, shared));
            }
            for &hit in &hits {
                if hit.group == u32::MAX {
                    continue;
                }
                let (term, alt) = match hit.term {
                    t if t & ALT == 0 => (t, None),
                    t => chunk
                        .alts
                        .get((t & !ALT) as usize)
                        .map_or((t, None), |&(term, a)| (term, Some(a))),
                };
                if let Some(pairs) = pairs.as_deref_mut() {
                    pairs.push((term, hit.group));
                    if let Some(a) = alt {
                        pairs.push((a, a));
                    }
                }
                len[field] += 1;
                tally(&mut chunk.slots, &mut rows, &mut n, hit.group, bit, field);
                if let Some(a) = alt {
                    tally(&mut chunk.slots, &mut rows, &mut n, a, bit, field);
                }
            }
        }
    }
    chunk.bounds = bounds;
    chunk.hits = hits;
    // Every group of the entry has a slot, so `df` is grown to the same length.
    chunk.df.resize(chunk.slots.len(), 0);
    let counted = rows.get_mut(..n).unwrap_or_default();
    list.extend_from_slice(counted);
    for (g, counts) in counted {
        chunk.slots[*g as usize] = 0;
        chunk.df[*g as usize] += 1;
        *counts = (0, [0; 3]);
    }
    chunk.rows = rows;
    if let Some(pairs) = pairs {
        pairs.sort_unstable();
        pairs.dedup();
    }
    len
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_keys_are_lowered_and_others_left_alone() {
        use super::{ascii_lower, word_key};
        let k = |s: &str| word_key(s.as_bytes());
        assert_eq!(ascii_lower(k("The")), k("the"));
        assert_eq!(ascii_lower(k("AZaz@[`{")), k("azaz@[`{"));
        assert_eq!(ascii_lower(k("NHS-111")), k("nhs-111"));
        assert_eq!(ascii_lower(k("")), 0);
        // Not ASCII: as it was ("É" must not become a different byte sequence).
        assert_eq!(ascii_lower(k("Éa")), k("Éa"));
        assert_eq!(ascii_lower(k("İS")), k("İS"));
    }

    #[test]
    fn capitals_count_as_the_same_word_in_one_chunk() {
        use super::super::extract::{Block, Entry};
        use super::super::index::BODY;
        use super::{Chunk, Shared, count};
        use crate::parse::markdown::BodyText;
        let entry = |text: &str| Entry {
            url: "/p/".into(),
            title: String::new(),
            context: String::new(),
            text: BodyText {
                text: text.into(),
                ends: vec![text.len()],
            },
            blocks: vec![Block::default()],
        };
        let shared = std::sync::Mutex::new(Shared::default());
        // Each text as one entry counted by a new chunk: its body length, and the term
        // frequency of each group in order of first sight.
        let counted = |text: &str| {
            let mut list = Vec::new();
            let len = count(
                &entry(text),
                "en",
                None,
                &mut Chunk::default(),
                &shared,
                None,
                &mut list,
            );
            let tfs: Vec<u16> = list.iter().map(|(_, (_, tf))| tf[BODY]).collect();
            (len[BODY], tfs)
        };
        // Seen small first, then capitalised (the cached row must serve both), and a longer
        // word whose capitals fold the same way.
        assert_eq!(
            counted("the The THE tHe Loneliness loneliness"),
            (6, vec![4, 2])
        );
        // The other way round, and a word that is not ASCII.
        assert_eq!(counted("THE the Élan élan ÉLAN"), (5, vec![2, 3]));
    }

    #[test]
    fn word_keys_tell_runs_apart_wherever_they_sit() {
        use super::{key_at, word_key};
        let runs = [
            "a", "ab", "ba", "abcdefgh", "é", "e\u{301}", "孤独", "12", "1",
        ];
        let keys: std::collections::HashSet<u64> =
            runs.iter().map(|r| word_key(r.as_bytes())).collect();
        assert_eq!(keys.len(), runs.len());
        // Read in place, a run gives the same key alone, first, in the middle and last
        // (the three ways `key_at` loads it).
        for r in runs {
            for (pre, post) in [
                ("", ""),
                ("", " and more"),
                ("words ", " more words"),
                ("some words ", ""),
            ] {
                let text = format!("{pre}{r}{post}");
                let at = pre.len();
                assert_eq!(
                    key_at(text.as_bytes(), at, at + r.len()),
                    word_key(r.as_bytes()),
                    "{text:?}"
                );
            }
        }
    }
}
