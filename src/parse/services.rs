//! A borough's local-services directory (`content/boroughs/<slug>/services.toml`), read and
//! validated field by field: every problem names the file, the line and the field.
//!
//! Sample entries must use Ofcom's drama numbers (020 7946 0000–0999) and example.org, and real
//! entries must not, so a made-up contact can never pass for a real organisation's.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::parse::front_matter::{Date, toml_diagnostic};

/// What the validator needs to know about the site.
pub struct Rules<'a> {
    /// Known category keys.
    pub categories: &'a [String],
    /// Known language codes.
    pub languages: &'a [String],
    /// Entries verified longer ago than this many days are due for review.
    pub review_after_days: i64,
    /// Today, as days since 1970-01-01.
    pub today: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    contact: Option<Spanned<RawEntry>>,
    #[serde(default)]
    service: Vec<Spanned<RawEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: Option<Spanned<String>>,
    category: Option<Spanned<String>>,
    description: Option<Spanned<String>>,
    phone: Option<Spanned<String>>,
    website: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    address: Option<Spanned<String>>,
    postcode: Option<Spanned<String>>,
    hours: Option<Spanned<String>>,
    languages: Option<Spanned<Vec<String>>>,
    last_verified: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    sample: bool,
}

const FIELDS: &[&str] = &[
    "name",
    "category",
    "description",
    "phone",
    "website",
    "email",
    "address",
    "postcode",
    "hours",
    "languages",
    "last_verified",
    "sample",
];

/// One validated directory entry (also used for a borough's own contact).
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// Organisation or service name.
    pub name: String,
    /// Category key (empty for a borough contact).
    pub category: String,
    /// What it offers.
    pub description: String,
    /// Phone as written.
    pub phone: Option<String>,
    /// `tel:` link.
    pub tel: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Postcode, upper-case.
    pub postcode: Option<String>,
    /// Opening hours.
    pub hours: Option<String>,
    /// Language codes spoken.
    pub languages: Vec<String>,
    /// When the facts were last checked.
    pub last_verified: Option<Date>,
    /// Made-up entry for demonstration.
    pub sample: bool,
    /// Verified too long ago (or never).
    pub due_for_review: bool,
    /// 1-based line of the entry, for reports.
    #[serde(skip)]
    pub line: usize,
}

/// A borough's directory.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Directory {
    /// Who to contact at the borough.
    pub contact: Option<Service>,
    /// The services.
    pub services: Vec<Service>,
}

/// Parses and validates a directory file. Every problem is returned, not only the first.
pub fn parse(file: &Path, text: &str, rules: &Rules<'_>) -> Result<Directory, Vec<Diagnostic>> {
    let raw: RawFile =
        toml::from_str(text).map_err(|e| vec![toml_diagnostic(file, text, 0, &e, FIELDS)])?;
    let mut errors = Vec::new();
    let mut dir = Directory::default();
    if let Some(c) = raw.contact {
        let span = c.span();
        if let Some(s) = entry(file, text, span, c.into_inner(), rules, false, &mut errors) {
            dir.contact = Some(s);
        }
    }
    for s in raw.service {
        let span = s.span();
        if let Some(s) = entry(file, text, span, s.into_inner(), rules, true, &mut errors) {
            dir.services.push(s);
        }
    }
    if errors.is_empty() {
        Ok(dir)
    } else {
        Err(errors)
    }
}

fn entry(
    file: &Path,
    text: &str,
    span: std::ops::Range<usize>,
    e: RawEntry,
    rules: &Rules<'_>,
    is_service: bool,
    errors: &mut Vec<Diagnostic>,
) -> Option<Service> {
    let before = errors.len();
    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
    let what = if is_service {
        "[[service]]"
    } else {
        "[contact]"
    };
    let mut required = |v: &Option<Spanned<String>>, field: &str| match v {
        Some(s) if !s.get_ref().trim().is_empty() => Some(s.get_ref().trim().to_string()),
        Some(s) => {
            errors.push(
                Diagnostic::at(
                    file,
                    text,
                    s.span(),
                    format!("`{field}`: must not be empty"),
                )
                .help("write a value between the quotes"),
            );
            None
        }
        None => {
            errors.push(
                Diagnostic::at_line(file, text, line, format!("{what} entry has no `{field}`"))
                    .help(format!("add a line such as {field} = \"…\" to this entry")),
            );
            None
        }
    };
    let name = required(&e.name, "name");
    let description = if is_service {
        required(&e.description, "description")
    } else {
        e.description.as_ref().map(|d| d.get_ref().clone())
    };
    let category = if is_service {
        required(&e.category, "category")
    } else {
        None
    };
    let mut err = |range: std::ops::Range<usize>, field: &str, msg: String, help: &str| {
        errors.push(
            Diagnostic::at(file, text, range, format!("`{field}`: {msg}")).help(help.to_string()),
        );
    };
    if let (Some(c), Some(cat)) = (&category, &e.category)
        && !rules.categories.contains(c)
    {
        err(
            cat.span(),
            "category",
            format!("unknown category `{c}`"),
            &format!("use one of: {}", rules.categories.join(", ")),
        );
    }
    if let Some(p) = &e.phone {
        match phone_digits(p.get_ref()) {
            None => err(
                p.span(),
                "phone",
                format!("`{}` is not a UK phone number", p.get_ref()),
                "write it as people dial it, e.g. 020 7946 0123 or 0800 123 4567",
            ),
            Some(d) if e.sample && !is_drama(&d) => err(
                p.span(),
                "phone",
                "a sample entry must use a drama number".into(),
                "sample entries use Ofcom's drama numbers 020 7946 0000 to 020 7946 0999, so nobody real is called",
            ),
            Some(d) if !e.sample && is_drama(&d) => err(
                p.span(),
                "phone",
                "a drama number in an entry not marked sample".into(),
                "add sample = true, or put the service's real number",
            ),
            _ => {}
        }
    }
    if let Some(w) = &e.website {
        let v = w.get_ref();
        if !is_url(v) {
            err(
                w.span(),
                "website",
                format!("`{v}` is not an http(s) address"),
                "write the full address, e.g. https://www.example.org",
            );
        } else if e.sample
            && !host(v).is_some_and(|h| h == "example.org" || h.ends_with(".example.org"))
        {
            err(
                w.span(),
                "website",
                "a sample entry must use example.org".into(),
                "sample entries point at example.org so no real organisation is implied",
            );
        }
    }
    if let Some(m) = &e.email {
        let v = m.get_ref();
        if !is_email(v) {
            err(
                m.span(),
                "email",
                format!("`{v}` is not an email address"),
                "write it as name@example.org",
            );
        } else if e.sample && !v.to_ascii_lowercase().ends_with("@example.org") {
            err(
                m.span(),
                "email",
                "a sample entry must use an example.org address".into(),
                "sample entries use addresses like wellbeing@example.org",
            );
        }
    }
    if let Some(p) = &e.postcode
        && !is_postcode(p.get_ref())
    {
        err(
            p.span(),
            "postcode",
            format!("`{}` is not a UK postcode", p.get_ref()),
            "write it like E8 1DY or SW1A 2AA",
        );
    }
    let languages = e
        .languages
        .map(|l| (l.span(), l.into_inner()))
        .unwrap_or_default();
    for code in &languages.1 {
        if !rules.languages.contains(code) {
            err(
                languages.0.clone(),
                "languages",
                format!("unknown language code `{code}`"),
                &format!("use codes from config.toml: {}", rules.languages.join(", ")),
            );
        }
    }
    let last_verified = match &e.last_verified {
        None => None,
        Some(d) => match d.get_ref().date {
            Some(date) if d.get_ref().time.is_none() => {
                let ymd = format!("{:04}-{:02}-{:02}", date.year, date.month, date.day);
                Some((
                    Date {
                        rfc3339: format!("{ymd}T00:00:00Z"),
                        ymd,
                    },
                    days_from_civil(
                        i64::from(date.year),
                        u32::from(date.month),
                        u32::from(date.day),
                    ),
                ))
            }
            _ => {
                err(
                    d.span(),
                    "last_verified",
                    "must be a date without a time".into(),
                    "write it as last_verified = 2026-03-01",
                );
                None
            }
        },
    };
    if errors.len() > before {
        return None;
    }
    let due_for_review = last_verified
        .as_ref()
        .is_none_or(|(_, days)| rules.today - days > rules.review_after_days);
    Some(Service {
        name: name.unwrap_or_default(),
        category: category.unwrap_or_default(),
        description: description.unwrap_or_default(),
        tel: e
            .phone
            .as_ref()
            .and_then(|p| phone_digits(p.get_ref()))
            .map(|d| format!("tel:{d}")),
        phone: e.phone.map(Spanned::into_inner),
        website: e.website.map(Spanned::into_inner),
        email: e.email.map(Spanned::into_inner),
        address: e.address.map(Spanned::into_inner),
        postcode: e.postcode.map(|p| normalise_postcode(p.get_ref())),
        hours: e.hours.map(Spanned::into_inner),
        languages: languages.1,
        last_verified: last_verified.map(|(d, _)| d),
        sample: e.sample,
        due_for_review,
        line,
    })
}

/// Digits of a UK number (with a leading `+` kept), or None when the shape is wrong.
pub fn phone_digits(s: &str) -> Option<String> {
    let compact: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let ok = if plus {
        digits.starts_with("44")
            && (11..=12).contains(&digits.len())
            && !digits[2..].starts_with('0')
    } else {
        (digits.starts_with('0') && (10..=11).contains(&digits.len()))
            || matches!(digits, "999" | "111" | "112")
            || (digits.starts_with("116") && digits.len() == 6)
    };
    ok.then(|| {
        if plus {
            format!("+{digits}")
        } else {
            digits.to_string()
        }
    })
}

/// Ofcom's drama range for London: 020 7946 0000 to 020 7946 0999.
fn is_drama(digits: &str) -> bool {
    digits.len() == 11 && digits.starts_with("0207946") && digits.as_bytes()[7] == b'0'
}

fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    Some(host.to_ascii_lowercase())
}

/// An absolute http(s) address with a dotted host and no spaces.
pub fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && !s.contains(char::is_whitespace)
        && host(s).is_some_and(|h| h.contains('.') && !h.starts_with('.') && !h.ends_with('.'))
}

/// `local@domain.tld`, nothing fancier: the shape editors mistype.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// UK postcode shape: outward code (A9, A9A, A99, AA9, AA9A, AA99), space optional, inward 9AA.
pub fn is_postcode(s: &str) -> bool {
    let c: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if !(5..=7).contains(&c.len()) {
        return false;
    }
    let (out, inward) = c.split_at(c.len() - 3);
    let inward_ok = inward[0].is_ascii_digit()
        && inward[1].is_ascii_alphabetic()
        && inward[2].is_ascii_alphabetic();
    let letters = out.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let rest = &out[letters..];
    let out_ok = (1..=2).contains(&letters)
        && !rest.is_empty()
        && rest[0].is_ascii_digit()
        && rest.len() <= 2
        && rest.iter().skip(1).all(|c| c.is_ascii_alphanumeric());
    inward_ok && out_ok
}

fn normalise_postcode(s: &str) -> String {
    let c: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let split = c.len().saturating_sub(3);
    format!("{} {}", &c[..split], &c[split..])
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Today in days since 1970-01-01 (UTC). Only review warnings use it, never the output.
pub fn today() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| (d.as_secs() / 86_400) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules<'a>(cats: &'a [String], langs: &'a [String]) -> Rules<'a> {
        Rules {
            categories: cats,
            languages: langs,
            review_after_days: 365,
            today: days_from_civil(2026, 11, 21),
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(
            phone_digits("020 7946 0123").as_deref(),
            Some("02079460123")
        );
        assert_eq!(phone_digits("116 123").as_deref(), Some("116123"));
        assert_eq!(
            phone_digits("+44 20 7946 0123").as_deref(),
            Some("+442079460123")
        );
        assert!(phone_digits("7946 0123").is_none() && phone_digits("020 7946 012x").is_none());
        assert!(is_drama("02079460999") && !is_drama("02079461000"));
        assert!(
            is_postcode("E8 1DY")
                && is_postcode("sw1a2aa")
                && is_postcode("EC1A 1BB")
                && !is_postcode("E8")
                && !is_postcode("12345")
        );
        assert!(
            is_url("https://www.example.org/x")
                && !is_url("www.example.org")
                && !is_url("https://nodot")
        );
        assert!(is_email("a@example.org") && !is_email("a@b") && !is_email("a example@x.org"));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn every_problem_is_reported_with_its_field_and_line() {
        let cats = vec!["money-and-debt".to_string()];
        let langs = vec!["en".to_string(), "ar".to_string()];
        let text = "[[service]]\nname = \"A\"\ncategory = \"money\"\ndescription = \"d\"\nphone = \"12\"\nlanguages = [\"xx\"]\n\n[[service]]\ncategory = \"money-and-debt\"\ndescription = \"d\"\n";
        let e = parse(Path::new("s.toml"), text, &rules(&cats, &langs)).unwrap_err();
        let got: Vec<(usize, &str)> = e.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (3, "`category`: unknown category `money`"),
                (5, "`phone`: `12` is not a UK phone number"),
                (6, "`languages`: unknown language code `xx`"),
                (8, "[[service]] entry has no `name`"),
            ]
        );
    }

    #[test]
    fn samples_must_be_fictional_and_review_dates_count() {
        let cats = vec!["food".to_string()];
        let langs = vec!["en".to_string()];
        let ok = "[[service]]\nname = \"S\"\ncategory = \"food\"\ndescription = \"d\"\nphone = \"020 7946 0101\"\nwebsite = \"https://food.example.org\"\nsample = true\nlast_verified = 2026-10-01\n";
        let d = parse(Path::new("s.toml"), ok, &rules(&cats, &langs)).unwrap();
        assert!(!d.services[0].due_for_review && d.services[0].sample);
        let real_number = ok.replace("020 7946 0101", "020 7123 4567");
        assert!(parse(Path::new("s.toml"), &real_number, &rules(&cats, &langs)).is_err());
        let old = ok.replace("2026-10-01", "2024-01-01");
        assert!(
            parse(Path::new("s.toml"), &old, &rules(&cats, &langs))
                .unwrap()
                .services[0]
                .due_for_review
        );
    }
}
