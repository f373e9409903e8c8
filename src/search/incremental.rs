//! One language's index kept between serve's rebuilds, so that editing one page's words costs
//! that page's tokens and the shards they land in, not the whole language.
//!
//! It writes the same bytes as `index::build` (the serve tests compare a served site with a
//! clean build after each edit): the same entries in the same order, the same counts, the same
//! BM25 arithmetic in the same order (`index::averages`, `norms`, `idf`, `score_normed`), the
//! same shard rows (`index::fill_shard`), counted by the same code (`index::count_all` and
//! `index::count`, whose table of folded words, `Shared`, is kept between updates). What it
//! keeps: each entry with its counts and (term, group) pairs, each group's postings with their
//! scores, the vocabulary with a use count per pair, and where each shard starts and ends.
//!
//! An update re-counts the changed entries, then re-scores what can have moved: the groups the
//! edited pages are in while the rounded mean field lengths stay put (almost every save), every
//! posting when they move. It re-encodes only the groups whose numbers changed; a term is
//! dirty when its groups or their postings changed, and a shard is rewritten only when it
//! holds a dirty term or starts elsewhere than before. Rewriting continues until a shard ends
//! where an old one did, after which the old shards are kept as they are: a shard's bytes
//! depend only on its own rows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use rayon::prelude::*;

use super::count::{Chunk, Counted, Counts, Shared, count, count_all};
use super::extract::{Entry, doc_entry, entries};
use super::index::{
    Manifest, averages, fill_shard, idf, json, norms, put, score_normed, separator,
};
use super::meta::{PER_CHUNK, meta_file};
use super::postings;
use super::tokenize::stemmer;
use crate::model::{Doc, Site};
use crate::render::OutputFile;

/// Where one shard lies in the vocabulary, and its file.
#[derive(Debug, Clone)]
struct Shard {
    first: String,
    last: String,
    hash: String,
}

/// One language's index with everything needed to update it.
pub struct LangState {
    lang: String,
    entries: Vec<Entry>,
    by_url: HashMap<String, usize>,
    shared: Mutex<Shared>,
    counted: Vec<Counted>,
    pairs: Vec<Vec<(u32, u32)>>,
    uses: HashMap<(u32, u32), u32>,
    /// term → its groups, ascending (as `index::build` lists them).
    by_term: BTreeMap<String, Vec<u32>>,
    /// group → the terms in it, for finding the rows a changed group rewrites.
    terms_of: HashMap<u32, BTreeSet<u32>>,
    /// group → postings in page order, each with its score.
    postings: Vec<Vec<(u32, Counts, u32)>>,
    scored: Vec<Vec<u8>>,
    lengths: Vec<[u32; 3]>,
    /// The mean field lengths and the number of entries the scores were computed with.
    scored_with: Option<([f64; 3], usize)>,
    shards: Vec<Shard>,
    meta: Vec<String>,
    /// URL path of the manifest.
    pub manifest_url: String,
    /// Every file of the index (paths relative to the output).
    files: BTreeSet<String>,
}

/// How an update changed a group's postings.
#[derive(Default)]
struct Touch {
    /// A page joined or left the group: its idf, so every score in it, may have moved.
    resized: bool,
    /// Pages that were in the group and still are, with their old block mask and score: only
    /// their own postings can have changed.
    pages: Vec<(u32, (u32, u32))>,
}

/// What an update changed: files to write, files to delete.
pub struct Patch {
    /// New or rewritten files.
    pub files: Vec<OutputFile>,
    /// Files of the previous index that the new one does not have.
    pub removed: Vec<String>,
    /// Time per step (re-count, re-score, write).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

fn dir(lang: &str) -> String {
    format!("search/{lang}")
}

impl LangState {
    /// Builds the index of `lang` from scratch, with the same files as `index::build`.
    pub fn build(site: &Site, lang: &str) -> (LangState, Vec<OutputFile>) {
        let entries = entries(site, lang);
        let shared = Mutex::new(Shared::default());
        let counted = count_all(&entries, lang, &shared, true);
        let (counted, pairs): (Vec<Counted>, Vec<Vec<(u32, u32)>>) = counted.into_iter().unzip();
        let mut st = LangState {
            lang: lang.to_string(),
            by_url: entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.url.clone(), i))
                .collect(),
            entries,
            shared,
            lengths: counted.iter().map(|c| c.1).collect(),
            scored_with: None,
            counted,
            pairs: Vec::new(),
            uses: HashMap::new(),
            by_term: BTreeMap::new(),
            terms_of: HashMap::new(),
            postings: Vec::new(),
            scored: Vec::new(),
            shards: Vec::new(),
            meta: Vec::new(),
            manifest_url: String::new(),
            files: BTreeSet::new(),
        };
        let mut ignored = BTreeSet::new();
        for (p, list) in pairs.iter().enumerate() {
            st.add_pairs(list, &mut ignored);
            for i in 0..st.counted[p].0.len() {
                let (g, c) = st.counted[p].0[i];
                st.posting_list(g).push((p as u32, c, 0));
            }
        }
        st.pairs = pairs;
        let mut files = Vec::new();
        st.rescore(None);
        let chunks = (0..st.entries.len().div_ceil(PER_CHUNK)).collect();
        st.write(&chunks, &BTreeSet::new(), &mut files);
        (st, files)
    }

    /// Re-indexes the documents `docs` (of this language, already patched into `site`); None
    /// when one of them is not in the index (its address changed: a full build is needed).
    pub fn update(&mut self, site: &Site, docs: &[&Doc]) -> Option<Patch> {
        let started = std::time::Instant::now();
        let stemmer = stemmer(&self.lang);
        let mut dirty = BTreeSet::new();
        let mut touched: BTreeMap<u32, Touch> = BTreeMap::new();
        let mut chunks = BTreeSet::new();
        for d in docs {
            let p = *self.by_url.get(&d.path)?;
            let entry = doc_entry(site, d);
            let mut pairs = Vec::new();
            let mut list = Vec::new();
            let len = count(
                &entry,
                &self.lang,
                stemmer.as_ref(),
                &mut Chunk::default(),
                &self.shared,
                Some(&mut pairs),
                &mut list,
            );
            let counted = (list, len);
            let page = p as u32;
            let old = std::mem::replace(&mut self.counted[p], counted);
            // The page's old postings, by group, to tell which groups it stays in.
            let mut before: HashMap<u32, (u32, u32)> = HashMap::new();
            for &(g, _) in &old.0 {
                let list = self.posting_list(g);
                if let Ok(i) = list.binary_search_by_key(&page, |x| x.0) {
                    let (_, (mask, _), score) = list.remove(i);
                    before.insert(g, (mask, score));
                }
            }
            for i in 0..self.counted[p].0.len() {
                let (g, c) = self.counted[p].0[i];
                let list = self.posting_list(g);
                let at = list
                    .binary_search_by_key(&page, |x| x.0)
                    .unwrap_or_else(|i| i);
                list.insert(at, (page, c, 0));
                match before.remove(&g) {
                    Some(old) => touched.entry(g).or_default().pages.push((page, old)),
                    None => touched.entry(g).or_default().resized = true,
                }
            }
            for (g, _) in before {
                touched.entry(g).or_default().resized = true;
            }
            self.lengths[p] = self.counted[p].1;
            let old_pairs = std::mem::replace(&mut self.pairs[p], pairs);
            self.remove_pairs(&old_pairs, &mut dirty);
            let new_pairs = self.pairs[p].clone();
            self.add_pairs(&new_pairs, &mut dirty);
            self.entries[p] = entry;
            chunks.insert(p / PER_CHUNK);
        }
        // A group whose encoded postings changed rewrites the rows of all its terms.
        let counted = started.elapsed();
        let (changed, all) = self.rescore(Some(&touched));
        let scored = started.elapsed();
        {
            let shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
            for g in changed {
                for &t in self.terms_of.get(&g).into_iter().flatten() {
                    dirty.insert(shared.strings.names[t as usize].clone());
                }
            }
        }
        let mut files = Vec::new();
        let removed = self.write(&chunks, &dirty, &mut files);
        let timings = vec![
            ("search count", counted),
            // Named apart so the terminal (and the tests) can tell which path a save took.
            (
                if all {
                    "search score (all groups)"
                } else {
                    "search score"
                },
                scored - counted,
            ),
            ("search shards", started.elapsed() - scored),
        ];
        Some(Patch {
            files,
            removed,
            timings,
        })
    }

    /// Language code.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    fn posting_list(&mut self, g: u32) -> &mut Vec<(u32, Counts, u32)> {
        let g = g as usize;
        if self.postings.len() <= g {
            self.postings.resize_with(g + 1, Vec::new);
            self.scored.resize_with(g + 1, Vec::new);
        }
        &mut self.postings[g]
    }

    fn term_name(&self, t: u32) -> String {
        let shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        shared.strings.names[t as usize].clone()
    }

    /// Counts the uses of each (term, group) pair; a pair used for the first time joins the
    /// vocabulary and makes its term dirty.
    fn add_pairs(&mut self, pairs: &[(u32, u32)], dirty: &mut BTreeSet<String>) {
        for &(t, g) in pairs {
            let n = self.uses.entry((t, g)).or_insert(0);
            *n += 1;
            if *n == 1 {
                let name = self.term_name(t);
                let groups = self.by_term.entry(name.clone()).or_default();
                if let Err(i) = groups.binary_search(&g) {
                    groups.insert(i, g);
                }
                self.terms_of.entry(g).or_default().insert(t);
                dirty.insert(name);
            }
        }
    }

    /// The reverse of `add_pairs`: a pair no entry uses any more leaves the vocabulary.
    fn remove_pairs(&mut self, pairs: &[(u32, u32)], dirty: &mut BTreeSet<String>) {
        for &(t, g) in pairs {
            let Some(n) = self.uses.get_mut(&(t, g)) else {
                continue;
            };
            *n -= 1;
            if *n > 0 {
                continue;
            }
            self.uses.remove(&(t, g));
            let name = self.term_name(t);
            if let Some(groups) = self.by_term.get_mut(&name) {
                groups.retain(|&x| x != g);
                if groups.is_empty() {
                    self.by_term.remove(&name);
                }
            }
            if let Some(terms) = self.terms_of.get_mut(&g) {
                terms.remove(&t);
            }
            dirty.insert(name);
        }
    }

    /// Scores postings against the current mean lengths and re-encodes each group whose
    /// scores or postings changed (`touched`; None = every group). Returns the groups whose
    /// encoded postings changed, and whether every group was scored again.
    ///
    /// When the (rounded) means and the number of entries are what the scores were computed
    /// with, only the touched groups can have changed: every other group has the same
    /// postings, the same idf and the same pages' norms. Of a touched group that no page
    /// joined or left, only the edited pages' postings are scored again, and the group is
    /// encoded again only when one of them changed. Otherwise every posting is re-scored.
    fn rescore(&mut self, touched: Option<&BTreeMap<u32, Touch>>) -> (BTreeSet<u32>, bool) {
        let avg = averages(&self.lengths);
        let entries = self.lengths.len();
        let n = entries.max(1) as f64;
        let same_means = self.scored_with == Some((avg, entries));
        self.scored_with = Some((avg, entries));
        let lengths = &self.lengths;
        // Every page's norms, computed once, when every posting is about to be scored.
        let narrow = same_means && touched.is_some();
        let page_norms: Vec<[f64; 3]> = if narrow {
            Vec::new()
        } else {
            lengths.iter().map(|&l| norms(l, &avg)).collect()
        };
        let norm = |p: u32| {
            page_norms
                .get(p as usize)
                .copied()
                .unwrap_or_else(|| norms(lengths[p as usize], &avg))
        };
        let encode = |g: usize, list: &[(u32, Counts, u32)], scored: &mut Vec<u8>| {
            let encoded = postings::encode(
                list.len(),
                list.iter().map(|&(p, (mask, _), s)| (p, mask, s)),
            );
            if encoded == *scored {
                return None;
            }
            *scored = encoded;
            Some(g as u32)
        };
        let rescore_group = |g: usize, list: &mut Vec<(u32, Counts, u32)>, scored: &mut Vec<u8>| {
            let idf = idf(n, list.len());
            let mut moved = touched.is_none_or(|t| t.contains_key(&(g as u32)));
            for (p, (_, tf), s) in list.iter_mut() {
                let new = score_normed(idf, *tf, &norm(*p));
                moved |= new != *s;
                *s = new;
            }
            if !moved {
                return None;
            }
            encode(g, list, scored)
        };
        if let (true, Some(touched)) = (narrow, touched) {
            let mut changed = BTreeSet::new();
            for (&g, touch) in touched {
                let g = g as usize;
                let (Some(list), Some(scored)) = (self.postings.get_mut(g), self.scored.get_mut(g))
                else {
                    continue;
                };
                let done = if touch.resized {
                    rescore_group(g, list, scored)
                } else {
                    let idf = idf(n, list.len());
                    let mut moved = false;
                    for &(page, old) in &touch.pages {
                        if let Ok(i) = list.binary_search_by_key(&page, |x| x.0) {
                            let (p, (mask, tf), s) = &mut list[i];
                            *s = score_normed(idf, *tf, &norm(*p));
                            moved |= (*mask, *s) != old;
                        }
                    }
                    if moved { encode(g, list, scored) } else { None }
                };
                changed.extend(done);
            }
            return (changed, false);
        }
        let changed = self
            .postings
            .par_iter_mut()
            .zip(self.scored.par_iter_mut())
            .enumerate()
            .filter_map(|(g, (list, scored))| rescore_group(g, list, scored))
            .collect();
        (changed, true)
    }

    /// Writes the metadata chunks numbered `chunks`, the shards holding `dirty` terms, and the
    /// manifest into `files`; returns the files of the previous index that are gone.
    fn write(
        &mut self,
        chunks: &BTreeSet<usize>,
        dirty: &BTreeSet<String>,
        files: &mut Vec<OutputFile>,
    ) -> Vec<String> {
        let dir = dir(&self.lang);
        self.meta
            .resize(self.entries.len().div_ceil(PER_CHUNK), String::new());
        let written: Vec<(usize, OutputFile, String)> = chunks
            .par_iter()
            .map(|&k| {
                let (file, hash) = meta_file(&dir, &self.entries, k);
                (k, file, hash)
            })
            .collect();
        for (k, file, hash) in written {
            files.push(file);
            self.meta[k] = hash;
        }
        self.reshard(dirty, &dir, files);
        let mut firsts = Vec::with_capacity(self.shards.len());
        let mut prev_last: Option<&str> = None;
        for s in &self.shards {
            firsts.push(separator(prev_last, &s.first));
            prev_last = Some(&s.last);
        }
        let manifest = Manifest {
            v: 2,
            lang: &self.lang,
            per: PER_CHUNK,
            firsts,
            shards: self.shards.iter().map(|s| s.hash.as_str()).collect(),
            meta: self.meta.concat(),
        };
        let hash = put(files, &dir, "manifest", json(&manifest));
        self.manifest_url = format!("/{dir}/manifest.{hash}.json");
        let mut now: BTreeSet<String> = self
            .shards
            .iter()
            .map(|s| format!("{dir}/s.{}.json", s.hash))
            .chain(self.meta.iter().map(|h| format!("{dir}/m.{h}.json")))
            .collect();
        now.insert(format!("{dir}/manifest.{hash}.json"));
        let gone = self.files.difference(&now).cloned().collect();
        self.files = now;
        gone
    }

    /// Lays the vocabulary out in shards again, keeping each old shard that starts where a
    /// new one must and holds no dirty term (its rows, so its bytes, are the same).
    fn reshard(&mut self, dirty: &BTreeSet<String>, dir: &str, files: &mut Vec<OutputFile>) {
        let old = std::mem::take(&mut self.shards);
        let starts: HashMap<&str, usize> = old
            .iter()
            .enumerate()
            .map(|(i, s)| (s.first.as_str(), i))
            .collect();
        let clean = |j: usize| match old.get(j + 1) {
            Some(next) => dirty
                .range::<str, _>((
                    std::ops::Bound::Included(old[j].first.as_str()),
                    std::ops::Bound::Excluded(next.first.as_str()),
                ))
                .next()
                .is_none(),
            None => dirty
                .range::<str, _>((
                    std::ops::Bound::Included(old[j].first.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .next()
                .is_none(),
        };
        let mut new = Vec::with_capacity(old.len());
        let mut cursor: Option<String> = self.by_term.keys().next().cloned();
        while let Some(start) = cursor {
            if let Some(&j) = starts.get(start.as_str())
                && clean(j)
            {
                new.push(old[j].clone());
                cursor = old.get(j + 1).map(|s| s.first.clone());
                continue;
            }
            let mut terms = self
                .by_term
                .range::<str, _>((
                    std::ops::Bound::Included(start.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .map(|(t, g)| (t.as_str(), g.as_slice()));
            let Some((bytes, first, last)) = fill_shard(&mut terms, self.scored.as_slice()) else {
                break;
            };
            let (first, last) = (first.to_string(), last.to_string());
            cursor = terms.next().map(|(t, _)| t.to_string());
            let hash = put(files, dir, "s", bytes);
            new.push(Shard { first, last, hash });
        }
        self.shards = new;
    }
}
