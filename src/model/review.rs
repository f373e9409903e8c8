//! Review dates of health information: when a page was last checked by a person (`reviewed`)
//! and when it must be checked again (`review_due`, or `reviewed` plus its section's interval
//! from `[review] interval_days`), and the diagnostics for pages due soon (H031), overdue
//! (H032), or without review dates in a section that has a review interval (H033).
//!
//! A translation shows the review dates of its English page unless it records its own: the
//! facts were checked in English, and the translation says the same thing.

use serde::Serialize;

use crate::config::Config;
use crate::dates::Ymd;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lint::codes;
use crate::model::Doc;
use crate::parse::front_matter::key_line;

/// A page's review dates, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    /// Last review, if given.
    pub reviewed: Option<Ymd>,
    /// Next review due, if known.
    pub due: Option<Ymd>,
}

/// Where a review stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Due later than the warning window.
    Current,
    /// Due within `[review] due_soon_days` (30 by default).
    DueSoon,
    /// Past its due date.
    Overdue,
}

impl Review {
    /// Where this review stands on `today`, if it has a due date.
    pub fn state(&self, config: &Config, today: Ymd) -> Option<State> {
        let due = self.due?;
        let left = due.days() - today.days();
        Some(if left < 0 {
            State::Overdue
        } else if left <= config.review.due_soon_days {
            State::DueSoon
        } else {
            State::Current
        })
    }
}

/// The review dates written in `d`'s own front matter (none when it gives neither key).
pub fn own(config: &Config, d: &Doc) -> Option<Review> {
    let f = &d.parsed.front;
    let reviewed = f.reviewed.as_ref().and_then(|r| Ymd::parse(&r.ymd));
    let written_due = f.review_due.as_ref().and_then(|r| Ymd::parse(&r.ymd));
    if reviewed.is_none() && written_due.is_none() {
        return None;
    }
    let section = d.key().split('/').next().unwrap_or_default();
    let due = written_due.or_else(|| {
        let days = config.review.interval_days.get(section)?;
        reviewed.map(|r| r.plus_days(*days))
    });
    Some(Review { reviewed, due })
}

/// The review dates a page shows: its own, else its English page's.
pub fn of(config: &Config, docs: &[Doc], d: &Doc) -> Option<Review> {
    own(config, d).or_else(|| {
        let default = config.default_language().code.as_str();
        d.translations
            .iter()
            .map(|&i| &docs[i])
            .find(|t| t.lang() == default && t.id != d.id)
            .and_then(|english| own(config, english))
    })
}

/// Reports every page whose own review is due within the window (H031) or past (H032), at
/// the line of the date that decides it. Translations that borrow the English dates are not
/// reported again: the English file is the one to update.
pub fn check(config: &Config, docs: &[Doc], today: Ymd, ds: &mut Diagnostics) {
    let default = config.default_language().code.as_str();
    for d in docs {
        let Some(review) = own(config, d) else {
            // A section with a review interval holds health information: its English pages
            // must say when they were checked (translations show the English dates).
            let section = d.key().split('/').next().unwrap_or_default();
            if !d.is_section()
                && d.lang() == default
                && d.key().contains('/')
                && config.review.interval_days.contains_key(section)
            {
                let src = &d.parsed.source;
                ds.push(
                    Diagnostic::at_line(
                        &src.display,
                        &src.text,
                        1,
                        format!("this page in {section}/ does not say when it was last reviewed"),
                    )
                    .help("add reviewed = YYYY-MM-DD to the front matter: the day a person last checked its health information against current advice")
                    .code(codes::REVIEW_MISSING)
                    .warning(),
                );
            }
            continue;
        };
        let (Some(due), Some(state)) = (review.due, review.state(config, today)) else {
            continue;
        };
        let src = &d.parsed.source;
        let key = if d.parsed.front.review_due.is_some() {
            "review_due"
        } else {
            "reviewed"
        };
        let line = key_line(&src.text, key).unwrap_or(1);
        let days = (due.days() - today.days()).abs();
        let help = format!(
            "check the page against current health advice with a reviewer, then set reviewed = {today} and review_due to the next review date"
        );
        let diagnostic = match state {
            State::Current => continue,
            State::DueSoon => Diagnostic::at_line(
                &src.display,
                &src.text,
                line,
                format!(
                    "this page is due for review on {due} (in {days} day{})",
                    if days == 1 { "" } else { "s" }
                ),
            )
            .code(codes::REVIEW_DUE_SOON)
            .warning(),
            State::Overdue => {
                let d = Diagnostic::at_line(
                    &src.display,
                    &src.text,
                    line,
                    format!(
                        "this page's review is overdue: it was due on {due}, {days} day{} ago",
                        if days == 1 { "" } else { "s" }
                    ),
                )
                .code(codes::REVIEW_OVERDUE);
                if config.review.overdue_is_error {
                    d
                } else {
                    d.warning()
                }
            }
        };
        ds.push(diagnostic.help(help));
    }
}
