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
    let mut digits = [0; 7];
    let n = write_num(&mut digits, 0, v);
    out.extend_from_slice(&digits[..n]);
}

/// Writes `v`'s digits into `buf` from `at` (up to seven bytes) and returns where they end:
/// the one definition of the digits, for `push_num` and the `Encoder`.
#[inline(always)]
fn write_num(buf: &mut [u8], at: usize, v: u32) -> usize {
    let digits = digits(v);
    for k in (1..digits).rev() {
        buf[at + digits - 1 - k] = MORE + ((v >> (5 * k)) & 31) as u8;
    }
    buf[at + digits - 1] = LAST + (v & 31) as u8;
    at + digits
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
    let mut e = Encoder::new(len);
    for (p, mask, s) in list {
        e.push(p, mask, s);
    }
    e.finish()
}

/// Writes postings, one after another in page order, as `encode` does; for a caller whose
/// postings are in several runs (the build's, one run per part of the pages).
///
/// The digits go to a small buffer first, copied to the string when it is nearly full: a
/// number of one or two digits (nearly all of them) is then two stores and no branch on its
/// length, where `push_num` pushes each digit with a check of the string's room. At 10,000
/// pages that is 12 million numbers.
pub struct Encoder {
    out: Vec<u8>,
    buf: [u8; BUF],
    at: usize,
    last: u32,
}

/// Bytes of `Encoder::buf`; it is copied out once it holds more than `BUF - 3 * 7` (room for
/// one more posting of three seven-digit numbers).
const BUF: usize = 256;

impl Encoder {
    /// An encoder for about `len` postings.
    pub fn new(len: usize) -> Self {
        // Page delta, mask and score take one to three characters each; five is the usual sum.
        Encoder {
            out: Vec::with_capacity(len * 5),
            buf: [0; BUF],
            at: 0,
            last: 0,
        }
    }

    /// Appends the posting of page `p` (at or after the last one's page).
    #[inline]
    pub fn push(&mut self, p: u32, mask: u32, score: u32) {
        self.put(p - self.last);
        self.put(mask);
        self.put(score);
        self.last = p;
        if self.at > BUF - 21 {
            self.out.extend_from_slice(&self.buf[..self.at]);
            self.at = 0;
        }
    }

    /// The postings string.
    pub fn finish(mut self) -> Vec<u8> {
        self.out.extend_from_slice(&self.buf[..self.at]);
        self.out
    }

    /// `push_num` into the buffer.
    #[inline(always)]
    fn put(&mut self, v: u32) {
        self.at = put(&mut self.buf, self.at, v);
    }
}

/// Writes `v`'s digits into `buf` from `at`, as `push_num` does, and returns where they end;
/// a number of one digit also writes the byte after it (the next number's first byte, or
/// one spare byte at the end of a run). A number of one or two digits (nearly all of them)
/// is then two stores and no branch on its length.
#[inline(always)]
pub fn put(buf: &mut [u8], at: usize, v: u32) -> usize {
    if v < 32 * 32 {
        // One digit or two: the high one (or, for one digit, the low one again, which the
        // next number overwrites) then the low one.
        let two = v >= 32;
        let low = LAST + (v & 31) as u8;
        buf[at] = if two { MORE + (v >> 5) as u8 } else { low };
        buf[at + 1] = low;
        at + 1 + usize::from(two)
    } else {
        write_num(buf, at, v)
    }
}

/// How many digits `put` writes for `v`.
#[inline(always)]
pub fn digits(v: u32) -> usize {
    ((32 - v.leading_zeros()).div_ceil(5) as usize).max(1)
}

/// Where `fill_shard` finds each group's postings string: the build keeps them in pieces
/// (`super::scored`), serve one string per group.
pub trait Postings {
    /// Appends group `g`'s postings string to `out` (nothing for a group without postings).
    fn append(&self, g: u32, out: &mut Vec<u8>);
}

impl Postings for [Vec<u8>] {
    fn append(&self, g: u32, out: &mut Vec<u8>) {
        if let Some(s) = self.get(g as usize) {
            out.extend_from_slice(s);
        }
    }
}

/// Postings of the union of `groups` (blocks or-ed, best score per page), for a word that is
/// in more than one group (a Vietnamese or Persian word that is also another word's
/// alternative form): rare, so decoding the groups' strings again is cheap.
pub fn union(groups: &[u32], scored: &(impl Postings + ?Sized)) -> Vec<u8> {
    let mut all: Vec<(u32, u32, u32)> = Vec::new();
    let mut string = Vec::new();
    for &g in groups {
        string.clear();
        scored.append(g, &mut string);
        let nums = decode(&string);
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
    fn the_encoder_writes_what_push_num_writes() {
        // Numbers of every length, around each boundary, many times over so that the
        // buffer is copied out mid-way.
        let mut nums = vec![
            0, 1, 30, 31, 32, 33, 1023, 1024, 1025, 32_767, 32_768, 70_000,
        ];
        nums.extend([
            (1 << 25) - 1,
            1 << 25,
            (1 << 30) - 1,
            1 << 30,
            u32::MAX - 1,
            u32::MAX,
        ]);
        let mut list = Vec::new();
        let mut page = 0u32;
        for round in 0..40u32 {
            for (i, &n) in nums.iter().enumerate() {
                page = page.saturating_add(nums[(i + round as usize) % nums.len()] % 5000);
                list.push((page, n, nums[(i * 7 + 3) % nums.len()]));
            }
        }
        let mut want = Vec::new();
        let mut last = 0;
        for &(p, m, s) in &list {
            push_num(&mut want, p - last);
            push_num(&mut want, m);
            push_num(&mut want, s);
            last = p;
        }
        assert_eq!(encode(list.len(), list.iter().copied()), want);
        let triples: Vec<u32> = list.iter().flat_map(|&(p, m, s)| [p, m, s]).collect();
        let mut pages = 0;
        let decoded: Vec<u32> = decode(&want)
            .chunks_exact(3)
            .flat_map(|t| {
                pages += t[0];
                [pages, t[1], t[2]]
            })
            .collect();
        assert_eq!(decoded, triples);
    }

    #[test]
    fn union_ors_masks_and_keeps_the_best_score() {
        let a = encode(2, [(1, 1, 5), (4, 2, 9)].into_iter());
        let b = encode(2, [(4, 4, 7), (6, 1, 3)].into_iter());
        let u = union(&[0, 1], &[a, b][..]);
        assert_eq!(decode(&u), [1, 1, 5, 3, 6, 9, 2, 1, 3]);
    }
}
