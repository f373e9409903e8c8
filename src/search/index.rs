//! One language's index: BM25 scores computed at build time, written as a manifest, term shards
//! and metadata chunks, every file named by the hash of its bytes.
//!
//! Layout under `/search/<code>/` (the client, `search.js`, reads exactly this):
//! - `manifest.<hash>.json`: `{"v":2,"lang","per","firsts":[first…],"shards":"<hashes>",
//!   "meta":"<hashes>"}`, each hash 10 hex digits, concatenated.
//!   The search page carries the manifest's URL, so even the manifest can be cached forever.
//! - `s.<hash>.json`: a run of consecutive terms in code-point order, `[[term, postings]…]`.
//!   A shard's `first` in the manifest is the shortest prefix that separates it from the shard
//!   before, so the client finds a term's shard by binary search, and all the terms starting
//!   with a typed prefix in a contiguous run of shards.
//! - postings: one string of numbers `page delta, block mask, score, …` in page order (see
//!   `push_num` for the digits); `score` is the BM25
//!   contribution of the term to that page ×10, rounded; bit `b` of the mask says the term
//!   occurs in block `b` (0 = title and intro, then one per heading; blocks past 30 share
//!   bit 31), which is how results link to the heading a match is under. Or, when the term
//!   belongs to the same stem group as an earlier term of the same shard, the number of that
//!   term's row in the shard: `worries` → `3` (the row of `"worried"`). This is how stemming
//!   reaches queries without a stemmer in the
//!   client: every form of a word that occurs on the site carries the postings of its whole
//!   group, so typing any of them finds the others.
//! - `m.<hash>.json`: metadata of `per` consecutive pages, `[{u,t,c,b:[[anchor,heading,excerpt]…]}]`.
//!   The client fetches only the chunks of the results it shows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::extract::{Entry, entries};
use super::postings;
use super::tokenize::{fold_word, group_key, nfc, runs, stemmer};
use crate::model::Site;
use crate::render::{Content, OutputFile};

/// Fields, for BM25F: each field's term frequency is normalised by that field's length, then
/// weighted (a word in the title counts as five in the body), so a long page whose title
/// names the subject is not beaten by a short entry that mentions it once.
pub(super) const TITLE: usize = 0;
pub(super) const HEADING: usize = 1;
pub(super) const BODY: usize = 2;
const WEIGHTS: [f64; 3] = [5.0, 3.0, 1.0];
/// BM25 parameters (the usual ones).
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A shard is closed once it passes this many bytes (one very common term may exceed it alone).
/// Counted exactly now; the earlier 16 KB was an estimate (4 bytes a number) that closed JSON
/// shards at about 10 KB. 8 KB of compact postings keeps a rare word's download no larger on
/// the hub, where most queries fetch small shards.
pub(super) const SHARD_BYTES: usize = 8 * 1024;
/// Pages per metadata chunk.
pub(super) const PER_CHUNK: usize = 4;
/// Characters of text kept for the excerpt of the intro and of each later block (the
/// metadata of the results shown is most of what a query downloads).
const INTRO_CHARS: usize = 200;
const BLOCK_CHARS: usize = 100;

/// What one language's index produced.
#[derive(Debug)]
pub struct LangIndex {
    /// Language code.
    pub lang: String,
    /// URL path of the manifest.
    pub manifest_url: String,
    /// Files to write.
    pub files: Vec<OutputFile>,
    /// Result pages (documents and services).
    pub pages: usize,
    /// Distinct terms.
    pub terms: usize,
}

#[derive(Serialize)]
pub(super) struct Manifest<'a> {
    pub(super) v: u32,
    pub(super) lang: &'a str,
    pub(super) per: usize,
    /// First term of each shard.
    pub(super) firsts: Vec<String>,
    /// The shards' hashes, 10 hex digits each, concatenated (no quotes or commas: at 10,000
    /// pages the manifest lists thousands of files and is part of every first query).
    pub(super) shards: String,
    /// The metadata chunks' hashes, the same way.
    pub(super) meta: String,
}

#[derive(Serialize)]
pub(super) struct PageMeta<'a> {
    u: &'a str,
    t: &'a str,
    c: &'a str,
    b: Vec<(&'a str, &'a str, String)>,
}

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
    vocab: BTreeSet<(u32, u32)>,
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

/// What one thread keeps from entry to entry of its chunk.
#[derive(Default)]
pub(super) struct Chunk {
    /// Word run of up to 8 bytes (most words) → what it counts as, keyed by `short_key`:
    /// hashing and comparing one integer instead of a string.
    short: FastMap<u64, Option<Folded>>,
    /// Longer word runs as written → what they count as (`None`: nothing searchable).
    cache: FastMap<Box<str>, Option<Folded>>,
    /// Group id → 1 + its row in the entry being counted (0: not in it yet). Indexed by id
    /// instead of sorting the entry's tokens (which was a tenth of the index's cost).
    slots: Vec<u32>,
}

/// A word run of at most 8 bytes as one integer, its bytes padded with zeros (a run never
/// holds a zero byte, so no two runs share a key).
fn short_key(run: &str) -> Option<u64> {
    let b = run.as_bytes();
    if b.len() > 8 {
        return None;
    }
    // Byte by byte (at most 8): the same key as the padded little-endian word, without a
    // call to copy a slice of unknown length.
    Some(
        b.iter()
            .enumerate()
            .fold(0u64, |k, (j, &x)| k | u64::from(x) << (8 * j)),
    )
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

/// Counts every entry of a language, in order, each with its sorted (term, group) pairs when
/// `with_pairs` (serve's incremental index keeps them; empty otherwise). One chunk per
/// thread: each chunk folds every distinct word it meets once (its cache starts empty), so
/// more chunks would mean more of that work, for balance the build does not need (rendering
/// runs beside the index and takes up any idle thread).
pub(super) fn count_all(
    entries: &[Entry],
    lang: &str,
    shared: &Mutex<Shared>,
    with_pairs: bool,
) -> Vec<(Counted, Vec<(u32, u32)>)> {
    let stemmer = stemmer(lang);
    let chunk = entries.len().div_ceil(rayon::current_num_threads()).max(1);
    entries
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let mut chunk = Chunk::default();
            part.iter()
                .map(|e| {
                    let mut pairs = Vec::new();
                    let wanted = with_pairs.then_some(&mut pairs);
                    let c = count(e, lang, stemmer.as_ref(), &mut chunk, shared, wanted);
                    (c, pairs)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Tokenises one entry into its counts per group. Each distinct word run is looked up once
/// per chunk of entries (`chunk.cache`), so the cost per token is a hash lookup. With
/// `pairs`, also lists the entry's distinct (term, group) pairs, sorted (serve's incremental
/// index keeps them).
pub(super) fn count(
    e: &Entry,
    lang: &str,
    stemmer: Option<&rust_stemmers::Stemmer>,
    chunk: &mut Chunk,
    shared: &Mutex<Shared>,
    mut pairs: Option<&mut Vec<(u32, u32)>>,
) -> Counted {
    let Chunk {
        short,
        cache,
        slots,
    } = chunk;
    let mut list: Vec<(u32, Counts)> = Vec::new();
    let mut len = [0u32; 3];
    let mut add = |g: u32, bit: u32, field: usize| {
        let g = g as usize;
        if g >= slots.len() {
            slots.resize(g + 1024, 0);
        }
        match slots[g] {
            0 => {
                let mut tf = [0; 3];
                tf[field] = 1;
                list.push((g as u32, (bit, tf)));
                slots[g] = list.len() as u32;
            }
            row => {
                let c = &mut list[row as usize - 1].1;
                c.0 |= bit;
                c.1[field] = c.1[field].saturating_add(1);
            }
        }
    };
    for (b, block) in e.blocks.iter().enumerate() {
        let bit = block_bit(b);
        let first = b == 0;
        // A service is found by its borough too ("food Hackney").
        let service = first && e.url.contains("#svc-");
        let fields = [
            (block.heading.as_str(), HEADING, true),
            (block.text.as_str(), BODY, true),
            (e.title.as_str(), TITLE, first),
            (e.context.as_str(), BODY, service),
        ];
        for (text, field, _) in fields.into_iter().filter(|f| f.2) {
            let text = nfc(text);
            runs(&text, |run| {
                let folded = match short_key(run) {
                    Some(k) => *short
                        .entry(k)
                        .or_insert_with(|| fold(run, lang, stemmer, shared)),
                    None => match cache.get(run) {
                        Some(f) => *f,
                        None => {
                            let f = fold(run, lang, stemmer, shared);
                            cache.insert(run.into(), f);
                            f
                        }
                    },
                };
                if let Some(f) = folded {
                    if let Some(pairs) = pairs.as_deref_mut() {
                        pairs.push((f.term, f.group));
                        if let Some(a) = f.alt {
                            pairs.push((a, a));
                        }
                    }
                    len[field] += 1;
                    add(f.group, bit, field);
                    if let Some(a) = f.alt {
                        add(a, bit, field);
                    }
                }
            });
        }
    }
    for &(g, _) in &list {
        slots[g as usize] = 0;
    }
    if let Some(pairs) = pairs {
        pairs.sort_unstable();
        pairs.dedup();
    }
    (list, len)
}

/// Builds the index of `lang`. Entries are tokenised in parallel chunks, so a site in one
/// language uses every core too; the result does not depend on how the work was split.
pub fn build(site: &Site, lang: &str) -> LangIndex {
    let entries = entries(site, lang);
    let shared = Mutex::new(Shared::default());
    let counted = count_all(&entries, lang, &shared, false);
    let Shared { strings, vocab, .. } = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    // group → postings (page, counts), in page order: the per-entry lists transposed into
    // one flat array, each group's run found by offset (no vector per group to grow, and
    // each entry's list is freed as soon as it has been copied).
    let groups = strings.names.len();
    let mut start = vec![0usize; groups + 1];
    for ((list, _), _) in &counted {
        for &(g, _) in list {
            start[g as usize + 1] += 1;
        }
    }
    for g in 0..groups {
        start[g + 1] += start[g];
    }
    let mut next = start.clone();
    let mut flat: Vec<(u32, Counts)> = vec![(0, (0, [0; 3])); start[groups]];
    let mut lengths: Vec<[u32; 3]> = Vec::with_capacity(counted.len());
    for (p, ((list, len), _)) in counted.into_iter().enumerate() {
        for (g, c) in list {
            let at = &mut next[g as usize];
            flat[*at] = (p as u32, c);
            *at += 1;
        }
        lengths.push(len);
    }
    let n = lengths.len().max(1) as f64;
    let avg = averages(&lengths);
    // Each page's length normalisation per field, computed once instead of per posting.
    let page_norms: Vec<[f64; 3]> = lengths.iter().map(|&len| norms(len, &avg)).collect();
    // Each group's postings scored and written straight into their compact string form.
    let scored: Vec<Vec<u8>> =
        (0..groups)
            .into_par_iter()
            .map(|g| {
                let list = &flat[start[g]..start[g + 1]];
                let idf = idf(n, list.len());
                postings::encode(list.iter().map(|&(p, (mask, tf))| {
                    (p, mask, score_normed(idf, tf, &page_norms[p as usize]))
                }))
            })
            .collect();
    // The counts are not needed once scored; at 10,000 pages they are tens of megabytes.
    drop(flat);
    // term → its groups, terms in code-point order
    let mut by_term: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (t, g) in vocab {
        by_term
            .entry(strings.names[t as usize].as_str())
            .or_default()
            .push(g);
    }
    let terms = by_term.len();
    let dir = format!("search/{lang}");
    let mut files = Vec::new();
    let (firsts, shards): (Vec<String>, Vec<String>) =
        write_shards(&by_term, &scored, &dir, &mut files)
            .into_iter()
            .unzip();
    let mut meta = Vec::new();
    for chunk in entries.chunks(PER_CHUNK) {
        let pages: Vec<PageMeta> = chunk.iter().map(page_meta).collect();
        meta.push(put(&mut files, &dir, "m", json(&pages)));
    }
    let manifest = Manifest {
        v: 2,
        lang,
        per: PER_CHUNK,
        firsts,
        shards: shards.concat(),
        meta: meta.concat(),
    };
    let hash = put(&mut files, &dir, "manifest", json(&manifest));
    LangIndex {
        lang: lang.to_string(),
        manifest_url: format!("/{dir}/manifest.{hash}.json"),
        files,
        pages: entries.len(),
        terms,
    }
}

/// Mean length of each field over all entries (at least 1), summed in entry order, then
/// rounded to three significant digits. The rounding is what lets serve re-score only the
/// groups an edit touched: one page's edit moves a mean by a fraction of a token, which
/// almost never crosses a step, and when the means are unchanged no other posting's score
/// can be (the ranking cannot tell a mean of 702.4 from one of 702).
pub(super) fn averages(lengths: &[[u32; 3]]) -> [f64; 3] {
    let n = lengths.len().max(1) as f64;
    let mut avg = [0f64; 3];
    for (f, a) in avg.iter_mut().enumerate() {
        let mean = (lengths.iter().map(|l| f64::from(l[f])).sum::<f64>() / n).max(1.0);
        *a = three_digits(mean);
    }
    avg
}

/// `x` (at least 1) rounded to three significant digits: 702.4 → 702, 5.234 → 5.23.
fn three_digits(x: f64) -> f64 {
    let step = 10f64.powi(x.log10().floor() as i32 - 2);
    (x / step).round() * step
}

/// BM25 idf of a group found in `df` of `n` entries.
pub(super) fn idf(n: f64, df: usize) -> f64 {
    let df = df as f64;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Each field's length normalisation for an entry of field lengths `len`.
pub(super) fn norms(len: [u32; 3], avg: &[f64; 3]) -> [f64; 3] {
    [0, 1, 2].map(|f| 1.0 - B + B * f64::from(len[f]) / avg[f])
}

/// A posting's score: BM25F over the fields, ×10, rounded, at least 1. The entry's `norms`
/// are computed once for all its postings (by the build, and by serve, which re-scores every
/// posting after an edit with this same function, so the same result).
pub(super) fn score_normed(idf: f64, tf: [u16; 3], norm: &[f64; 3]) -> u32 {
    // A field the term is absent from adds exactly 0, so it is skipped (most postings are in
    // the body alone): the sum, and so the score, is bit for bit the same, for one division
    // instead of three.
    let mut sum = 0.0;
    for f in 0..3 {
        if tf[f] != 0 {
            sum += WEIGHTS[f] * f64::from(tf[f]) / norm[f];
        }
    }
    let tf = sum;
    let s = idf * tf * (K1 + 1.0) / (tf + K1);
    ((s * 10.0).round() as u32).max(1)
}

pub(super) fn page_meta(e: &Entry) -> PageMeta<'_> {
    PageMeta {
        u: &e.url,
        t: &e.title,
        c: &e.context,
        b: e.blocks
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let keep = if i == 0 { INTRO_CHARS } else { BLOCK_CHARS };
                (
                    b.anchor.as_str(),
                    b.heading.as_str(),
                    excerpt(&b.text, keep),
                )
            })
            .collect(),
    }
}

/// The first `keep` characters of `text` with runs of white space made one space, and `…`
/// when a word was left out (only the part kept is looked at: most of a page's text is never
/// shown). One pass over the characters, without cutting the text into words first.
fn excerpt(text: &str, keep: usize) -> String {
    let mut out = String::with_capacity(keep + 3);
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        if !in_word {
            in_word = true;
            if n >= keep {
                out.push('…');
                break;
            }
            if !out.is_empty() {
                out.push(' ');
                n += 1;
            }
        }
        if n < keep {
            out.push(c);
            n += 1;
        }
    }
    out
}

/// Cuts the sorted vocabulary into shards of about `SHARD_BYTES`; returns `[first, hash]`.
fn write_shards<'a>(
    vocab: &'a BTreeMap<&'a str, Vec<u32>>,
    scored: &[Vec<u8>],
    dir: &str,
    files: &mut Vec<OutputFile>,
) -> Vec<(String, String)> {
    let mut terms = vocab.iter().map(|(t, g)| (*t, g.as_slice()));
    let mut out = Vec::new();
    let mut prev_last: Option<&str> = None;
    while let Some((bytes, first, last)) = fill_shard(&mut terms, scored) {
        let sep = separator(prev_last, first);
        out.push((sep, put(files, dir, "s", bytes)));
        prev_last = Some(last);
    }
    out
}

/// One shard: rows taken from `terms` (in code-point order, each with its sorted groups) until
/// the shard passes `SHARD_BYTES` or the terms run out; its bytes, first and last term, or None
/// when there were no terms. A shard is `[["term","postings"],["form",row]…]`, written
/// directly (a term is escaped like any JSON string; postings need no escaping). Its bytes
/// depend only on its own rows, which is what lets serve rewrite only the shards an edit
/// touches (`super::incremental`).
pub(super) fn fill_shard<'a>(
    terms: &mut impl Iterator<Item = (&'a str, &'a [u32])>,
    scored: &[Vec<u8>],
) -> Option<(Vec<u8>, &'a str, &'a str)> {
    let mut current: Vec<u8> = Vec::with_capacity(SHARD_BYTES * 2);
    // group set → row of this shard holding its postings
    let mut seen: HashMap<&[u32], usize> = HashMap::new();
    let mut first: Option<&str> = None;
    let mut last: Option<&str> = None;
    for (rows, (term, groups)) in terms.by_ref().enumerate() {
        current.push(if rows == 0 { b'[' } else { b',' });
        current.push(b'[');
        // Serialising a string into a vector cannot fail.
        let _ = serde_json::to_writer(&mut current, term);
        current.push(b',');
        match seen.get(groups) {
            Some(&row) => current.extend_from_slice(row.to_string().as_bytes()),
            None => {
                seen.insert(groups, rows);
                current.push(b'"');
                match groups {
                    [g] => current
                        .extend_from_slice(scored.get(*g as usize).map_or(&[][..], Vec::as_slice)),
                    _ => current.extend_from_slice(&postings::union(groups, scored)),
                }
                current.push(b'"');
            }
        }
        current.push(b']');
        first.get_or_insert(term);
        last = Some(term);
        if current.len() >= SHARD_BYTES {
            break;
        }
    }
    let (first, last) = (first?, last?);
    current.push(b']');
    Some((current, first, last))
}

/// The shortest prefix of `first` that sorts after `prev` (the first shard gets "").
pub(super) fn separator(prev: Option<&str>, first: &str) -> String {
    let Some(prev) = prev else {
        return String::new();
    };
    let mut s = String::new();
    for c in first.chars() {
        s.push(c);
        if s.as_str() > prev {
            return s;
        }
    }
    first.to_string()
}

pub(super) fn json<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    // Serialising plain vectors, strings and numbers cannot fail.
    serde_json::to_vec(v).unwrap_or_default()
}

/// Adds `dir/<kind>.<hash>.json` and returns the hash.
pub(super) fn put(files: &mut Vec<OutputFile>, dir: &str, kind: &str, bytes: Vec<u8>) -> String {
    let digest = Sha256::digest(&bytes);
    let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    files.push(OutputFile {
        path: format!("{dir}/{kind}.{hash}.json"),
        content: Content::Bytes(bytes),
    });
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn excerpts_collapse_space_and_mark_what_was_cut() {
        use super::excerpt;
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
    fn short_keys_tell_every_short_run_apart() {
        use super::short_key;
        let runs = [
            "a", "ab", "ba", "abcdefgh", "é", "e\u{301}", "孤独", "12", "1",
        ];
        let keys: std::collections::HashSet<u64> =
            runs.iter().map(|r| short_key(r).expect("short")).collect();
        assert_eq!(keys.len(), runs.len());
        assert_eq!(short_key("abcdefghi"), None);
    }

    #[test]
    fn means_are_rounded_to_three_digits() {
        use super::{averages, three_digits};
        assert_eq!(three_digits(702.4), 702.0);
        assert_eq!(three_digits(1234.0), 1230.0);
        assert!((three_digits(5.234) - 5.23).abs() < 1e-9);
        assert_eq!(three_digits(1.0), 1.0);
        // One more word on one page of a thousand does not move the mean.
        let mut lengths = vec![[5, 10, 700]; 1000];
        let before = averages(&lengths);
        lengths[3][2] += 1;
        assert_eq!(averages(&lengths), before);
        // Empty fields count as 1.
        assert_eq!(averages(&[[0, 0, 0]]), [1.0, 1.0, 1.0]);
    }

    #[test]
    fn separators_are_short_and_ordered() {
        assert_eq!(super::separator(None, "apple"), "");
        assert_eq!(super::separator(Some("apple"), "apricot"), "apr");
        assert_eq!(super::separator(Some("ab"), "abc"), "abc");
        assert_eq!(super::separator(Some("zz"), "عمل"), "ع");
    }
}
