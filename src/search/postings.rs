//! Postings as a compact string: the numbers `page delta, block mask, score, …` written as
//! base-32 digits in two ASCII ranges, decoded by `search.js` (`decode`).
//!
//! JSON number arrays cost a comma per number and made the index's shards most of its bytes
//! and of its build time (4.1 million postings at 10,000 pages). Here a number is its digits,
//! most significant first: every digit but the last is `'#' + d` (`#`…`B`), the last is
//! `'_' + d` (`_`…`~`), so numbers need no separator, a page delta or a score under 32 is one
//! character, and no character needs escaping inside a JSON string.

/// First character of a digit that is followed by more digits of the same number.
const MORE: u8 = b'#';
/// First character of a number's last digit.
const LAST: u8 = b'_';

/// Appends `v` (ASCII only, so the bytes are always valid UTF-8 and need no JSON escaping).
#[inline]
pub fn push_num(out: &mut Vec<u8>, v: u32) {
    // Most numbers are page deltas and scores under 32: one digit.
    if v < 32 {
        out.push(LAST + v as u8);
        return;
    }
    let digits = (32 - v.leading_zeros()).div_ceil(5);
    for k in (1..digits).rev() {
        out.push(MORE + ((v >> (5 * k)) & 31) as u8);
    }
    out.push(LAST + (v & 31) as u8);
}

/// The numbers of a postings string (the inverse of `push_num`, run after run).
pub fn decode(s: &[u8]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut v: u32 = 0;
    for &b in s {
        if b >= LAST {
            out.push(v.wrapping_mul(32).wrapping_add(u32::from(b - LAST)));
            v = 0;
        } else {
            v = v
                .wrapping_mul(32)
                .wrapping_add(u32::from(b.wrapping_sub(MORE)));
        }
    }
    out
}

/// `len` postings `(page, block mask, score)` in page order → postings string (pages
/// delta-encoded).
pub fn encode(len: usize, list: impl Iterator<Item = (u32, u32, u32)>) -> Vec<u8> {
    // Page delta, mask and score take one to three characters each; five is the usual sum.
    let mut out = Vec::with_capacity(len * 5);
    let mut last = 0;
    for (p, mask, s) in list {
        push_num(&mut out, p - last);
        push_num(&mut out, mask);
        push_num(&mut out, s);
        last = p;
    }
    out
}

/// Postings of the union of `groups` (blocks or-ed, best score per page), for a word that is
/// in more than one group (a Vietnamese or Persian word that is also another word's
/// alternative form): rare, so decoding the groups' strings again is cheap.
pub fn union(groups: &[u32], scored: &[Vec<u8>]) -> Vec<u8> {
    let mut all: Vec<(u32, u32, u32)> = Vec::new();
    for &g in groups {
        let nums = decode(scored.get(g as usize).map_or(&[][..], Vec::as_slice));
        let mut page = 0;
        for t in nums.chunks_exact(3) {
            page += t[0];
            all.push((page, t[1], t[2]));
        }
    }
    all.sort_unstable();
    let mut merged: Vec<(u32, u32, u32)> = Vec::with_capacity(all.len());
    for (p, m, s) in all {
        match merged.last_mut() {
            Some(last) if last.0 == p => {
                last.1 |= m;
                last.2 = last.2.max(s);
            }
            _ => merged.push((p, m, s)),
        }
    }
    encode(merged.len(), merged.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_stay_short() {
        let nums = [0, 1, 31, 32, 1023, 1024, 70_000, 1 << 31, u32::MAX];
        let mut s = Vec::new();
        for &n in &nums {
            push_num(&mut s, n);
        }
        assert_eq!(decode(&s), nums);
        assert!(s.iter().all(|&b| b.is_ascii() && b != b'"' && b != b'\\'));
        let mut one = Vec::new();
        push_num(&mut one, 0);
        assert_eq!(one, b"_");
        one.clear();
        push_num(&mut one, 31);
        assert_eq!(one, b"~");
        one.clear();
        push_num(&mut one, 32);
        assert_eq!(one, b"$_");
        one.clear();
        push_num(&mut one, u32::MAX);
        assert_eq!(one, b"&BBBBB~");
    }

    #[test]
    fn union_ors_masks_and_keeps_the_best_score() {
        let a = encode(2, [(1, 1, 5), (4, 2, 9)].into_iter());
        let b = encode(2, [(4, 4, 7), (6, 1, 3)].into_iter());
        let u = union(&[0, 1], &[a, b]);
        assert_eq!(decode(&u), [1, 1, 5, 3, 6, 9, 2, 1, 3]);
    }
}
