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

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use super::count::{FastMap, Shared, count_parts};
use super::extract::{Entry, entries};
use super::meta::{PER_CHUNK, meta_file};
use super::postings::{self, Postings};
use super::scored;
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

/// What one language's index produced.
#[derive(Debug)]
pub struct LangIndex {
    /// Language code.
    pub lang: String,
    /// URL path of the manifest.
    pub manifest_url: String,
    /// Files written (handed to the sink).
    pub files: usize,
    /// Result pages (documents and services).
    pub pages: usize,
    /// Distinct terms.
    pub terms: usize,
    /// The entries it was built from, whose text is most of the index's memory. Handed back,
    /// not freed here: freeing tens of thousands of strings takes tens of milliseconds at
    /// 10,000 pages, which the build spends on a thread of its own beside its last steps.
    pub entries: Vec<Entry>,
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

/// Builds the index of `lang`, handing each file to `sink` as soon as it is made. Entries are
/// tokenised in parallel parts, so a site in one language uses every core too; the result
/// does not depend on how the work was split.
pub fn build(site: &Site, lang: &str, sink: &(dyn Fn(OutputFile) + Sync)) -> LangIndex {
    let entries = entries(site, lang);
    let shared = Mutex::new(Shared::default());
    let parts = count_parts(&entries, lang, &shared);
    let Shared { strings, vocab, .. } = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    let groups = strings.names.len();
    let lengths: Vec<[u32; 3]> = parts
        .iter()
        .flat_map(|p| p.lengths.iter().copied())
        .collect();
    let n = lengths.len().max(1) as f64;
    let avg = averages(&lengths);
    // Each page's length normalisation per field, computed once instead of per posting.
    let page_norms: Vec<[f64; 3]> = lengths.iter().map(|&len| norms(len, &avg)).collect();
    let mut df = vec![0u32; groups];
    for part in &parts {
        for (d, &n) in df.iter_mut().zip(&part.df) {
            *d += n;
        }
    }
    let idfs: Vec<f64> = df.iter().map(|&d| idf(n, d as usize)).collect();
    drop(df);
    let scored = scored::scored(parts, groups, &idfs, &page_norms);
    // The shards are cut one after another (each starts where the last one ended), which
    // leaves the other cores idle; the metadata chunks, which depend only on the entries, are
    // made and written on them meanwhile.
    let dir = format!("search/{lang}");
    let ((terms, firsts, shards), meta) = rayon::join(
        || {
            // term → its groups, terms in code-point order
            let mut by_term: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
            for &(t, g) in &vocab {
                by_term
                    .entry(strings.names[t as usize].as_str())
                    .or_default()
                    .push(g);
            }
            let (firsts, shards): (Vec<String>, Vec<String>) =
                write_shards(&by_term, &scored, &dir, sink)
                    .into_iter()
                    .unzip();
            (by_term.len(), firsts, shards)
        },
        || {
            (0..entries.len().div_ceil(PER_CHUNK))
                .into_par_iter()
                .map(|k| {
                    let (file, hash) = meta_file(&dir, &entries, k);
                    sink(file);
                    hash
                })
                .collect::<Vec<String>>()
        },
    );
    let files = shards.len() + meta.len() + 1;
    let manifest = Manifest {
        v: 2,
        lang,
        per: PER_CHUNK,
        firsts,
        shards: shards.concat(),
        meta: meta.concat(),
    };
    let (file, hash) = named(&dir, "manifest", json(&manifest));
    sink(file);
    LangIndex {
        lang: lang.to_string(),
        manifest_url: format!("/{dir}/manifest.{hash}.json"),
        files,
        pages: entries.len(),
        terms,
        entries,
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
    // Every field is added, without a branch: a field the term is absent from adds exactly
    // 0, so the sum is bit for bit what skipping it gave. Skipping saved divisions but cost a
    // mispredicted branch on most postings (which fields a word is in follows no pattern),
    // and with it the overlap of one posting's arithmetic with the next one's.
    let tf = WEIGHTS[0] * f64::from(tf[0]) / norm[0]
        + WEIGHTS[1] * f64::from(tf[1]) / norm[1]
        + WEIGHTS[2] * f64::from(tf[2]) / norm[2];
    let s = idf * tf * (K1 + 1.0) / (tf + K1);
    round(s * 10.0).max(1)
}

/// `x.round() as u32` for `x` ≥ 0, without a call per posting to the C library's `round`
/// (x86-64's baseline has no rounding instruction): truncated, then one more when the rest
/// is at least a half. The rest is exact (`x` minus an integer within a factor of two of it,
/// or `x` itself below 1), so this is `round` bit for bit, halves going up as `round`'s do.
/// The one more is added as a number, not behind a branch, which would be mispredicted
/// about half the time.
fn round(x: f64) -> u32 {
    let whole = x as u32;
    whole.saturating_add(u32::from(x - f64::from(whole) >= 0.5))
}

/// Cuts the sorted vocabulary into shards of about `SHARD_BYTES`, hands each shard's file to
/// `sink` and returns its separator (`firsts` of the manifest) and hash. The cut is
/// sequential (each shard starts where the last one ended); naming each file by its hash is
/// not.
fn write_shards<'a>(
    vocab: &'a BTreeMap<&'a str, Vec<u32>>,
    scored: &(impl Postings + Sync + ?Sized),
    dir: &str,
    sink: &(dyn Fn(OutputFile) + Sync),
) -> Vec<(String, String)> {
    let mut terms = vocab.iter().map(|(t, g)| (*t, g.as_slice()));
    let mut cut = Vec::new();
    let mut prev_last: Option<&str> = None;
    while let Some((bytes, first, last)) = fill_shard(&mut terms, scored) {
        cut.push((separator(prev_last, first), bytes));
        prev_last = Some(last);
    }
    cut.into_par_iter()
        .map(|(sep, bytes)| {
            let (file, hash) = named(dir, "s", bytes);
            sink(file);
            (sep, hash)
        })
        .collect()
}

/// One shard: rows taken from `terms` (in code-point order, each with its sorted groups) until
/// the shard passes `SHARD_BYTES` or the terms run out; its bytes, first and last term, or None
/// when there were no terms. A shard is `[["term","postings"],["form",row]…]`, written
/// directly (a term is escaped like any JSON string; postings need no escaping). Its bytes
/// depend only on its own rows, which is what lets serve rewrite only the shards an edit
/// touches (`super::incremental`).
pub(super) fn fill_shard<'a>(
    terms: &mut impl Iterator<Item = (&'a str, &'a [u32])>,
    scored: &(impl Postings + ?Sized),
) -> Option<(Vec<u8>, &'a str, &'a str)> {
    let mut current: Vec<u8> = Vec::with_capacity(SHARD_BYTES * 2);
    // group set → row of this shard holding its postings (FxHash: the cut is sequential,
    // and SipHash of every row's groups was a good part of it)
    let mut seen: FastMap<&[u32], usize> = FastMap::default();
    let mut first: Option<&str> = None;
    let mut last: Option<&str> = None;
    for (rows, (term, groups)) in terms.by_ref().enumerate() {
        current.push(if rows == 0 { b'[' } else { b',' });
        current.push(b'[');
        // Serialising a string into a vector cannot fail.
        let _ = serde_json::to_writer(&mut current, term);
        current.push(b',');
        match seen.get(groups) {
            Some(&row) => {
                // Serialising a number into a vector cannot fail.
                let _ = serde_json::to_writer(&mut current, &row);
            }
            None => {
                seen.insert(groups, rows);
                current.push(b'"');
                match groups {
                    [g] => scored.append(*g, &mut current),
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

/// `dir/<kind>.<hash>.json` holding `bytes`, and the hash.
pub(super) fn named(dir: &str, kind: &str, bytes: Vec<u8>) -> (OutputFile, String) {
    let hash = name_hash(&bytes);
    let file = OutputFile {
        path: format!("{dir}/{kind}.{hash}.json"),
        content: Content::Bytes(bytes),
    };
    (file, hash)
}

/// The 10 hex digits that name a file of `bytes`: the top 40 bits of its xxh3 hash. A name
/// only has to change when the bytes do (it lets browsers cache the file forever); SHA-256,
/// used before, was about a twentieth of the index's CPU time at 10,000 pages.
fn name_hash(bytes: &[u8]) -> String {
    format!("{:010x}", xxhash_rust::xxh3::xxh3_64(bytes) >> 24)
}

/// Adds `dir/<kind>.<hash>.json` and returns the hash.
pub(super) fn put(files: &mut Vec<OutputFile>, dir: &str, kind: &str, bytes: Vec<u8>) -> String {
    let (file, hash) = named(dir, kind, bytes);
    files.push(file);
    hash
}

#[cfg(test)]
mod tests {
    #[test]
    fn scores_round_as_the_c_library_does() {
        let mut xs = vec![0.0, 0.25, 0.5, 1.5, 2.5, 1e9, 4.3e9, 5e9, f64::NAN];
        for k in 0..2000 {
            let half = f64::from(k) + 0.5;
            xs.extend([half, half.next_down(), half.next_up(), f64::from(k) / 7.0]);
        }
        for x in xs {
            assert_eq!(super::round(x), x.round() as u32, "{x}");
        }
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
    fn file_names_are_ten_hex_digits_of_a_stable_hash() {
        // XXH3-64 of no bytes is 2d06800538d394c2 in the algorithm's specification; a
        // different value would rename every index file and break every browser's cache.
        assert_eq!(super::name_hash(b""), "2d06800538");
        let a = super::name_hash(b"[[\"money\",\"_a_\"]]");
        let b = super::name_hash(b"[[\"money\",\"_b_\"]]");
        assert!(a.len() == 10 && a.bytes().all(|c| c.is_ascii_hexdigit()) && a != b);
    }

    #[test]
    fn separators_are_short_and_ordered() {
        assert_eq!(super::separator(None, "apple"), "");
        assert_eq!(super::separator(Some("apple"), "apricot"), "apr");
        assert_eq!(super::separator(Some("ab"), "abc"), "abc");
        assert_eq!(super::separator(Some("zz"), "عمل"), "ع");
    }
}
