//! Calendar dates without a date crate: parse `YYYY-MM-DD`, count days, find today, and write a
//! date out in a page's language from the month names in `translations/<code>.toml`.
//!
//! Only whole days in the Gregorian calendar are needed (review dates, `updated`), so day
//! counting uses Howard Hinnant's civil-from-days arithmetic rather than a dependency. Month
//! names and the order of day, month and year are data (`month_01`…`month_12`, `date_long`),
//! never tables in code, so a translator can correct them.

use std::fmt;

use crate::i18n::Strings;

/// A Gregorian calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    /// Year.
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
}

impl fmt::Display for Ymd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Ymd {
    /// Reads the first ten characters `YYYY-MM-DD` (an RFC 3339 string works too); None when
    /// they are not a real day.
    pub fn parse(s: &str) -> Option<Ymd> {
        let s = s.get(..10)?;
        let mut parts = s.split('-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let d = Ymd { year, month, day };
        // A day that does not survive the round trip (30 February) is not real.
        ((1..=12).contains(&month) && Ymd::from_days(d.days()) == d).then_some(d)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Ymd {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Ymd { year, month, day }
    }

    /// This day moved by `n` days.
    pub fn plus_days(self, n: i64) -> Ymd {
        Ymd::from_days(self.days() + n)
    }
}

/// Today in UTC, or the day in `HUBGEN_TODAY` (`2027-01-01`) when it is set: tests pin the
/// date with it, and an editor can ask `check` what will be due on a later day.
pub fn today() -> Ymd {
    if let Some(d) = std::env::var("HUBGEN_TODAY")
        .ok()
        .and_then(|s| Ymd::parse(s.trim()))
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ymd::from_days((secs / 86_400) as i64)
}

/// `2026-03-03` written out in `lang`: `3 March 2026`, `3 مارس 2026`, `2026年3月3日`. The
/// pattern is the UI string `date_long` with `{day}`, `{month}` and `{year}`; the month is
/// `month_03`. Missing strings fall back to English like every UI string; an unreadable date
/// is returned as written.
pub fn long_date(strings: &Strings, lang: &str, ymd: &str) -> String {
    let Some(d) = Ymd::parse(ymd) else {
        return ymd.to_string();
    };
    let (Some(pattern), Some(month)) = (
        strings.get(lang, "date_long"),
        strings.get(lang, &format!("month_{:02}", d.month)),
    ) else {
        return d.to_string();
    };
    pattern
        .replace("{day}", &d.day.to_string())
        .replace("{month}", month)
        .replace("{year}", &d.year.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap};

    #[test]
    fn day_counting_round_trips_and_knows_leap_years() {
        assert_eq!(Ymd::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(
            Ymd::parse("2026-03-03").unwrap().plus_days(365).to_string(),
            "2027-03-03"
        );
        assert_eq!(
            Ymd::parse("2028-02-28").unwrap().plus_days(1).to_string(),
            "2028-02-29"
        );
        assert_eq!(Ymd::parse("2026-02-29"), None);
        assert_eq!(Ymd::parse("2026-13-01"), None);
        assert_eq!(
            Ymd::parse("2026-09-01T10:00:00Z").unwrap().to_string(),
            "2026-09-01"
        );
        for n in [-800_000, -1, 0, 59, 20_000, 3_000_000] {
            assert_eq!(Ymd::from_days(n).days(), n);
        }
    }

    #[test]
    fn long_date_uses_the_language_strings() {
        let table = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let strings = Strings::from_tables(
            "en",
            HashMap::from([
                (
                    "en".to_string(),
                    table(&[("date_long", "{day} {month} {year}"), ("month_03", "March")]),
                ),
                (
                    "zh".to_string(),
                    table(&[("date_long", "{year}年{month}{day}日"), ("month_03", "3月")]),
                ),
            ]),
        );
        assert_eq!(long_date(&strings, "en", "2026-03-03"), "3 March 2026");
        assert_eq!(long_date(&strings, "zh", "2026-03-03"), "2026年3月3日");
        // No strings of its own: English, never a blank.
        assert_eq!(long_date(&strings, "fr", "2026-03-03"), "3 March 2026");
        assert_eq!(long_date(&strings, "en", "soon"), "soon");
    }
}
