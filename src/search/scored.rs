//! The build's postings strings: each part's postings scored in place, then written as
//! digits straight into one buffer per part, group after group.
//!
//! Group `g`'s postings string is its run in each part's buffer, part after part (the parts
//! are in page order). The first posting of a part's run counts its page from the group's
//! last page in the parts before, so the runs join into exactly the string one encoder
//! would write. The build once sorted every posting by group into a list of `(page, mask,
//! score)` first and encoded that: 4 million postings at 10,000 pages, 49 MB of fresh memory
//! and 12,000 page faults more than this.

use rayon::prelude::*;

use super::count::{Counts, Part};
use super::index::score_normed;
use super::postings::{Postings, digits, put};

/// Bytes left after each run in a part's buffer: `put` writes a one-digit number as two
/// bytes, and the second of a run's last number must not land on the next run.
const SLACK: usize = 1;

/// `last` of a group with no posting yet.
const NONE: u32 = u32::MAX;

/// Every group's postings string, in one piece per part.
pub(super) struct Scored {
    parts: Vec<Runs>,
}

/// One part's runs: group `g`'s is `bytes[start[g]..start[g + 1] - SLACK]`.
struct Runs {
    start: Vec<usize>,
    bytes: Vec<u8>,
}

impl Postings for Scored {
    fn append(&self, g: u32, out: &mut Vec<u8>) {
        let g = g as usize;
        for p in &self.parts {
            if let (Some(&from), Some(&to)) = (p.start.get(g), p.start.get(g + 1))
                && let Some(run) = p.bytes.get(from..to - SLACK)
            {
                out.extend_from_slice(run);
            }
        }
    }
}

/// A scored posting keeps its score where its term frequencies were (they are not needed
/// again): the low half in the first, the high half in the second.
fn set_score(counts: &mut Counts, score: u32) {
    counts.1 = [score as u16, (score >> 16) as u16, 0];
}

fn score_of(counts: &Counts) -> u32 {
    u32::from(counts.1[0]) | (u32::from(counts.1[1]) << 16)
}

/// What the first pass learns of a part, by group: the page of its first and last posting
/// (`last` is `NONE` where the part has none) and the bytes of its run, its first page
/// counted whole.
struct Measured {
    first: Vec<u32>,
    last: Vec<u32>,
    len: Vec<usize>,
}

/// Scores every posting of `parts` (in page order; `groups` group ids, `idfs` and
/// `page_norms` of the whole language) and writes the postings strings of every group.
pub(super) fn scored(
    mut parts: Vec<Part>,
    groups: usize,
    idfs: &[f64],
    page_norms: &[[f64; 3]],
) -> Scored {
    let mut first_page = 0;
    let firsts: Vec<usize> = parts
        .iter()
        .map(|p| {
            let f = first_page;
            first_page += p.ends.len();
            f
        })
        .collect();
    let mut measured: Vec<Measured> = parts
        .par_iter_mut()
        .zip(&firsts)
        .map(|(part, &first)| measure(part, first, groups, idfs, page_norms))
        .collect();
    // Each part's first posting of a group counts from the group's last page in the parts
    // before (0 in the first part that has the group): its length is corrected here, and
    // `first` becomes the page the part's run counts from.
    for g in 0..groups {
        let mut before = 0;
        for m in &mut measured {
            if m.last[g] == NONE {
                continue;
            }
            let first = m.first[g];
            m.len[g] = m.len[g] + digits(first - before) - digits(first);
            m.first[g] = before;
            before = m.last[g];
        }
    }
    let parts = parts
        .into_par_iter()
        .zip(measured)
        .zip(firsts)
        .map(|((part, m), first)| write(&part, first, m))
        .collect();
    Scored { parts }
}

/// The first pass over a part: every posting's score, kept in place, and each group's run
/// measured.
fn measure(
    part: &mut Part,
    first_page: usize,
    groups: usize,
    idfs: &[f64],
    page_norms: &[[f64; 3]],
) -> Measured {
    let mut m = Measured {
        first: vec![0; groups],
        last: vec![NONE; groups],
        len: vec![0; groups],
    };
    let mut from = 0;
    for (i, &end) in part.ends.iter().enumerate() {
        let page = first_page + i;
        let norm = &page_norms[page];
        let page = page as u32;
        let postings = &mut part.postings[from..end];
        // Scores first, then the runs: the scores' long chain of arithmetic and the
        // tables' reads and writes overlap better apart than interleaved.
        for (g, counts) in postings.iter_mut() {
            let score = score_normed(idfs[*g as usize], counts.1, norm);
            set_score(counts, score);
        }
        for (g, counts) in postings.iter() {
            let g = *g as usize;
            let last = m.last[g];
            // All ones when the group has had a posting in this part, else zero.
            let had = u32::from(last == NONE).wrapping_sub(1);
            m.first[g] = (m.first[g] & had) | (page & !had);
            let delta = page - (last & had);
            m.len[g] += digits(delta) + digits(counts.0) + digits(score_of(counts));
            m.last[g] = page;
        }
        from = end;
    }
    m
}

/// The second pass over a part: each posting's digits written at the end of its group's
/// run so far.
fn write(part: &Part, first_page: usize, m: Measured) -> Runs {
    let mut start = Vec::with_capacity(m.len.len() + 1);
    let mut at = 0;
    start.push(at);
    for len in &m.len {
        at += len + SLACK;
        start.push(at);
    }
    let mut bytes = vec![0u8; at];
    let mut next = start.clone();
    let mut last = m.first;
    let mut from = 0;
    for (i, &end) in part.ends.iter().enumerate() {
        let page = (first_page + i) as u32;
        for (g, counts) in &part.postings[from..end] {
            let g = *g as usize;
            let mut at = next[g];
            at = put(&mut bytes, at, page - last[g]);
            at = put(&mut bytes, at, counts.0);
            at = put(&mut bytes, at, score_of(counts));
            next[g] = at;
            last[g] = page;
        }
        from = end;
    }
    Runs { start, bytes }
}

#[cfg(test)]
mod tests {
    use super::super::index::score_normed;
    use super::super::postings::encode;
    use super::*;

    /// Parts of `pages` pages each, where page `p` has group `g` when `has(p, g)`, with
    /// masks and term frequencies that give numbers of every length.
    fn parts(pages: &[usize], groups: u32, has: impl Fn(usize, u32) -> bool) -> Vec<Part> {
        let mut page = 0;
        pages
            .iter()
            .map(|&n| {
                let mut part = Part::default();
                for _ in 0..n {
                    for g in 0..groups {
                        if has(page, g) {
                            let mask = [1, 40, 1 << 31, 3000][(page + g as usize) % 4];
                            let tf = [(page % 3) as u16, (g % 5) as u16, (page % 700) as u16];
                            part.postings.push((g, (mask, tf)));
                        }
                    }
                    part.ends.push(part.postings.len());
                    page += 1;
                }
                part
            })
            .collect()
    }

    /// Each group's string as one encoder writes it from all its postings in page order.
    fn reference(parts: &[Part], groups: usize, idfs: &[f64], norms: &[[f64; 3]]) -> Vec<Vec<u8>> {
        let mut lists = vec![Vec::new(); groups];
        let mut page = 0;
        for part in parts {
            let mut from = 0;
            for &end in &part.ends {
                for &(g, (mask, tf)) in &part.postings[from..end] {
                    let s = score_normed(idfs[g as usize], tf, &norms[page]);
                    lists[g as usize].push((page as u32, mask, s));
                }
                from = end;
                page += 1;
            }
        }
        lists
            .into_iter()
            .map(|l| encode(l.len(), l.into_iter()))
            .collect()
    }

    #[test]
    fn runs_join_into_what_one_encoder_writes() {
        // Group 0 on every page, 1 on every 1,500th (deltas of more than two digits across
        // parts), 2 only in the last part, 3 only in the first, 4 on none, 5 in the first
        // and last parts but not the middle one; and an empty part.
        let has = |p: usize, g: u32| match g {
            0 => true,
            1 => p % 1500 == 7,
            2 => p >= 4000,
            3 => p < 100,
            4 => false,
            _ => p.is_multiple_of(997) && !(2500..4000).contains(&p),
        };
        let sizes = [2500, 0, 1500, 1200];
        let groups = 6;
        let pages: usize = sizes.iter().sum();
        let idfs: Vec<f64> = (0..groups).map(|g| 0.5 + g as f64 * 1.7).collect();
        let norms: Vec<[f64; 3]> = (0..pages)
            .map(|p| {
                [
                    1.0,
                    0.5 + (p % 7) as f64 * 0.1,
                    0.25 + (p % 11) as f64 * 0.3,
                ]
            })
            .collect();
        let want = reference(&parts(&sizes, groups as u32, has), groups, &idfs, &norms);
        let got = scored(parts(&sizes, groups as u32, has), groups, &idfs, &norms);
        for g in 0..groups as u32 {
            let mut s = Vec::new();
            got.append(g, &mut s);
            assert_eq!(
                String::from_utf8_lossy(&s),
                String::from_utf8_lossy(&want[g as usize]),
                "group {g}"
            );
        }
        assert!(want[1].len() > 3 && want[4].is_empty());
        let mut unknown = Vec::new();
        got.append(groups as u32, &mut unknown);
        assert!(unknown.is_empty());
    }

    #[test]
    fn a_score_takes_the_place_of_the_term_frequencies() {
        for s in [0, 1, 65_535, 65_536, 1 << 31, u32::MAX] {
            let mut c = (7, [1, 2, 3]);
            set_score(&mut c, s);
            assert_eq!((c.0, score_of(&c)), (7, s));
        }
    }
}
