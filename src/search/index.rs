//! One language's index: BM25 scores computed at build time, written as a manifest, term shards
//! and metadata chunks, every file named by the hash of its bytes.
//!
//! Layout under `/search/<code>/` (the client, `search.js`, reads exactly this):
//! - `manifest.<hash>.json`: `{"v":1,"lang","per","shards":[[first,hash]…],"meta":[hash…]}`.
//!   The search page carries the manifest's URL, so even the manifest can be cached forever.
//! - `s.<hash>.json`: a run of consecutive terms in code-point order, `[[term, postings]…]`.
//!   A shard's `first` in the manifest is the shortest prefix that separates it from the shard
//!   before, so the client finds a term's shard by binary search, and all the terms starting
//!   with a typed prefix in a contiguous run of shards.
//! - postings: flat `[page delta, block, score, …]` sorted by page then block; `score` is the
//!   BM25 contribution of the term to that block ×10, rounded. Or, when the term belongs to
//!   the same stem group as an earlier term of the same shard, just that term (a string):
//!   `worries` → `"worried"`. This is how stemming reaches queries without a stemmer in the
//!   client: every form of a word that occurs on the site carries the postings of its whole
//!   group, so typing any of them finds the others.
//! - `m.<hash>.json`: metadata of `per` consecutive pages, `[{u,t,c,b:[[anchor,heading,excerpt]…]}]`.
//!   The client fetches only the chunks of the results it shows.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::extract::{Entry, entries};
use super::tokenize::{group_key, stemmer, tokenize};
use crate::model::Site;
use crate::render::{Content, OutputFile};

/// Field weights (BM25F-style: a word in a title counts as five in the body).
const TITLE: u32 = 5;
const HEADING: u32 = 3;
const BODY: u32 = 1;
/// BM25 parameters (the usual ones).
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A shard is closed once it passes this many bytes (one very common term may exceed it alone).
const SHARD_BYTES: usize = 8 * 1024;
/// Pages per metadata chunk.
const PER_CHUNK: usize = 8;
/// Characters of block text kept for the excerpt.
const EXCERPT_CHARS: usize = 220;

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
struct Manifest<'a> {
    v: u32,
    lang: &'a str,
    per: usize,
    shards: Vec<(String, String)>,
    meta: Vec<String>,
}

#[derive(Serialize)]
struct PageMeta<'a> {
    u: &'a str,
    t: &'a str,
    c: &'a str,
    b: Vec<(&'a str, &'a str, String)>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Postings<'a> {
    List(Vec<u32>),
    Same(&'a str),
}

/// Builds the index of `lang`.
pub fn build(site: &Site, lang: &str) -> LangIndex {
    let entries = entries(site, lang);
    let stemmer = stemmer(lang);
    // group → block (page, block) → weighted term frequency
    let mut groups: BTreeMap<String, BTreeMap<(u32, u32), u32>> = BTreeMap::new();
    // surface term → the groups it stands for
    let mut vocab: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut lengths: BTreeMap<(u32, u32), u32> = BTreeMap::new();
    for (p, e) in entries.iter().enumerate() {
        for (b, block) in e.blocks.iter().enumerate() {
            let at = (p as u32, b as u32);
            let mut fields: Vec<(&str, u32)> = vec![(&block.heading, HEADING), (&block.text, BODY)];
            if b == 0 {
                fields.push((&e.title, TITLE));
                // A service is found by its borough too ("food Hackney").
                if e.url.contains("#svc-") {
                    fields.push((&e.context, BODY));
                }
            }
            let mut len = 0;
            for (text, weight) in fields {
                for tok in tokenize(text, lang) {
                    len += weight;
                    let key = group_key(&tok, stemmer.as_ref());
                    *groups
                        .entry(key.clone())
                        .or_default()
                        .entry(at)
                        .or_default() += weight;
                    vocab.entry(tok.term.clone()).or_default().insert(key);
                    if let Some(alt) = tok.alt {
                        *groups
                            .entry(alt.clone())
                            .or_default()
                            .entry(at)
                            .or_default() += weight;
                        vocab.entry(alt.clone()).or_default().insert(alt);
                    }
                }
            }
            lengths.insert(at, len.max(1));
        }
    }
    let n = lengths.len().max(1) as f64;
    let avgdl = lengths.values().map(|&l| f64::from(l)).sum::<f64>() / n;
    let scored: BTreeMap<&str, Vec<(u32, u32, u32)>> = groups
        .iter()
        .map(|(g, blocks)| {
            let df = blocks.len() as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let list = blocks
                .iter()
                .map(|(&(p, b), &tf)| {
                    let tf = f64::from(tf);
                    let dl = f64::from(lengths.get(&(p, b)).copied().unwrap_or(1));
                    let s = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * dl / avgdl));
                    (p, b, ((s * 10.0).round() as u32).max(1))
                })
                .collect();
            (g.as_str(), list)
        })
        .collect();

    let dir = format!("search/{lang}");
    let mut files = Vec::new();
    let shards = write_shards(&vocab, &scored, &dir, &mut files);
    let mut meta = Vec::new();
    for chunk in entries.chunks(PER_CHUNK) {
        let pages: Vec<PageMeta> = chunk.iter().map(page_meta).collect();
        meta.push(put(&mut files, &dir, "m", json(&pages)));
    }
    let manifest = Manifest {
        v: 1,
        lang,
        per: PER_CHUNK,
        shards,
        meta,
    };
    let hash = put(&mut files, &dir, "manifest", json(&manifest));
    LangIndex {
        lang: lang.to_string(),
        manifest_url: format!("/{dir}/manifest.{hash}.json"),
        files,
        pages: entries.len(),
        terms: vocab.len(),
    }
}

fn page_meta(e: &Entry) -> PageMeta<'_> {
    PageMeta {
        u: &e.url,
        t: &e.title,
        c: &e.context,
        b: e.blocks
            .iter()
            .map(|b| {
                let excerpt = match b.text.char_indices().nth(EXCERPT_CHARS) {
                    Some((i, _)) => format!("{}…", &b.text[..i]),
                    None => b.text.clone(),
                };
                (b.anchor.as_str(), b.heading.as_str(), excerpt)
            })
            .collect(),
    }
}

/// Cuts the sorted vocabulary into shards of about `SHARD_BYTES`; returns `[first, hash]`.
fn write_shards(
    vocab: &BTreeMap<String, BTreeSet<String>>,
    scored: &BTreeMap<&str, Vec<(u32, u32, u32)>>,
    dir: &str,
    files: &mut Vec<OutputFile>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Vec<(&str, Postings)> = Vec::new();
    let mut size = 0;
    // group set → first term of the current shard holding its postings
    let mut seen: BTreeMap<&BTreeSet<String>, &str> = BTreeMap::new();
    let mut prev_last: Option<&str> = None;
    let mut first: Option<&str> = None;
    for (term, groups) in vocab {
        let postings = match seen.get(groups) {
            Some(&same) => Postings::Same(same),
            None => {
                seen.insert(groups, term);
                Postings::List(encode(groups, scored))
            }
        };
        size += term.len()
            + match &postings {
                Postings::List(l) => l.len() * 4,
                Postings::Same(s) => s.len(),
            };
        first.get_or_insert(term);
        current.push((term, postings));
        if size >= SHARD_BYTES {
            out.push(close(&mut current, prev_last, first, dir, files));
            prev_last = Some(term);
            first = None;
            size = 0;
            seen.clear();
        }
    }
    if !current.is_empty() {
        out.push(close(&mut current, prev_last, first, dir, files));
    }
    out
}

fn close(
    current: &mut Vec<(&str, Postings)>,
    prev_last: Option<&str>,
    first: Option<&str>,
    dir: &str,
    files: &mut Vec<OutputFile>,
) -> (String, String) {
    let sep = separator(prev_last, first.unwrap_or(""));
    let hash = put(files, dir, "s", json(&*current));
    current.clear();
    (sep, hash)
}

/// The shortest prefix of `first` that sorts after `prev` (the first shard gets "").
fn separator(prev: Option<&str>, first: &str) -> String {
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

/// Postings of the union of `groups` (max score per block), delta-encoded.
fn encode(groups: &BTreeSet<String>, scored: &BTreeMap<&str, Vec<(u32, u32, u32)>>) -> Vec<u32> {
    let mut merged: BTreeMap<(u32, u32), u32> = BTreeMap::new();
    for g in groups {
        for &(p, b, s) in scored.get(g.as_str()).into_iter().flatten() {
            let slot = merged.entry((p, b)).or_default();
            *slot = (*slot).max(s);
        }
    }
    let mut out = Vec::with_capacity(merged.len() * 3);
    let mut last = 0;
    for ((p, b), s) in merged {
        out.extend([p - last, b, s]);
        last = p;
    }
    out
}

fn json<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    // Serialising plain vectors, strings and numbers cannot fail.
    serde_json::to_vec(v).unwrap_or_default()
}

/// Adds `dir/<kind>.<hash>.json` and returns the hash.
fn put(files: &mut Vec<OutputFile>, dir: &str, kind: &str, bytes: Vec<u8>) -> String {
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
    fn separators_are_short_and_ordered() {
        assert_eq!(super::separator(None, "apple"), "");
        assert_eq!(super::separator(Some("apple"), "apricot"), "apr");
        assert_eq!(super::separator(Some("ab"), "abc"), "abc");
        assert_eq!(super::separator(Some("zz"), "عمل"), "ع");
    }
}
