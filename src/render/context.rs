//! Borrowed, serialisable views of the model for templates: nothing is cloned from the site
//! except the strings a template prints, and no TOML type reaches a template.

use serde::Serialize;

use crate::config::{Config, Dir, Language};
use crate::model::{Doc, Site};
use crate::parse::front_matter::Date;
use crate::parse::markdown::Heading;

/// A language as templates see it.
#[derive(Serialize, Clone)]
pub struct LangView<'a> {
    /// `ar`.
    pub code: &'a str,
    /// `ar` / `zh-Hans`.
    pub tag: &'a str,
    /// Own name.
    pub name: &'a str,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
}

impl<'a> LangView<'a> {
    /// View of a configured language.
    pub fn of(l: &'a Language) -> Self {
        LangView {
            code: &l.code,
            tag: &l.tag,
            name: &l.name,
            dir: match l.dir {
                Dir::Ltr => "ltr",
                Dir::Rtl => "rtl",
            },
        }
    }
}

/// A version of the current page in one language (for hreflang and the switcher).
#[derive(Serialize)]
pub struct Alternate<'a> {
    /// The language.
    #[serde(flatten)]
    pub lang: LangView<'a>,
    /// URL path of that version.
    pub path: String,
    /// True for the page being rendered.
    pub current: bool,
}

/// A page or section in a listing.
#[derive(Serialize)]
pub struct Summary<'a> {
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: Option<&'a str>,
    /// URL path.
    pub path: &'a str,
    /// Publication date.
    pub date: Option<&'a Date>,
    /// Last update.
    pub updated: Option<&'a Date>,
    /// Unreviewed translation.
    pub machine_draft: bool,
}

impl<'a> Summary<'a> {
    /// Listing view of a document.
    pub fn of(d: &'a Doc) -> Self {
        let f = &d.parsed.front;
        Summary {
            title: &f.title,
            description: f.description.as_deref(),
            path: &d.path,
            date: f.date.as_ref(),
            updated: f.updated.as_ref(),
            machine_draft: f.machine_draft,
        }
    }
}

/// A table-of-contents entry with its sub-headings.
#[derive(Serialize)]
pub struct TocEntry<'a> {
    /// Level 2–6.
    pub level: u8,
    /// Heading text.
    pub title: &'a str,
    /// Anchor id.
    pub id: &'a str,
    /// Deeper headings under this one.
    pub children: Vec<TocEntry<'a>>,
}

/// Nests headings into a tree, starting from the shallowest level used.
pub fn toc(headings: &[Heading]) -> Vec<TocEntry<'_>> {
    fn build<'a>(
        items: &mut std::iter::Peekable<std::slice::Iter<'a, Heading>>,
        level: u8,
    ) -> Vec<TocEntry<'a>> {
        let mut out = Vec::new();
        while let Some(&h) = items.peek() {
            if h.level < level {
                break;
            }
            items.next();
            let children = build(items, h.level + 1);
            out.push(TocEntry {
                level: h.level,
                title: &h.text,
                id: &h.id,
                children,
            });
        }
        out
    }
    let top = headings.iter().map(|h| h.level).min().unwrap_or(2);
    build(&mut headings.iter().peekable(), top)
}

/// A term with its taxonomy, for a page's "Topics: …" line.
#[derive(Serialize)]
pub struct TermLink {
    /// Term as written.
    pub name: String,
    /// URL path of the term page.
    pub path: String,
}

/// The current page or section in full.
#[derive(Serialize)]
pub struct DocView<'a> {
    /// Listing fields.
    #[serde(flatten)]
    pub summary: Summary<'a>,
    /// Rendered body HTML.
    pub content: String,
    /// Table of contents.
    pub toc: Vec<TocEntry<'a>>,
    /// `topics` → terms, `audiences` → terms.
    pub taxonomies: Vec<(String, Vec<TermLink>)>,
    /// Free data from front matter.
    pub extra: &'a serde_json::Value,
    /// For sections: subsections.
    pub subsections: Vec<Summary<'a>>,
    /// Review dates of the health information (own or the English page's).
    pub review: Option<ReviewView>,
}

/// A page's review dates for templates, as `YYYY-MM-DD` (write them out with
/// `long_date(ymd=…)`). No "due soon" state here: that depends on the day of the build, and
/// the same input must give the same pages.
#[derive(Serialize)]
pub struct ReviewView {
    /// Last reviewed.
    pub reviewed: Option<String>,
    /// Next review due.
    pub due: Option<String>,
}

impl ReviewView {
    /// View of resolved review dates.
    pub fn of(r: crate::model::review::Review) -> Self {
        ReviewView {
            reviewed: r.reviewed.map(|d| d.to_string()),
            due: r.due.map(|d| d.to_string()),
        }
    }
}

/// Site-wide values for templates.
#[derive(Serialize)]
pub struct ConfigView<'a> {
    /// Site title.
    pub title: &'a str,
    /// Site description.
    pub description: &'a str,
    /// Base URL without trailing slash.
    pub base_url: &'a str,
    /// `[extra]`.
    pub extra: &'a serde_json::Value,
}

impl<'a> ConfigView<'a> {
    /// View of the configuration.
    pub fn of(c: &'a Config) -> Self {
        ConfigView {
            title: &c.title,
            description: &c.description,
            base_url: &c.base_url,
            extra: &c.extra,
        }
    }
}

/// A menu entry resolved for one language.
#[derive(Serialize)]
pub struct MenuEntry<'a> {
    /// UI-string key for the label.
    pub label: &'a str,
    /// URL path.
    pub path: String,
}

/// The alternates of a document: every translation that exists.
pub fn alternates<'a>(site: &'a Site, doc: &'a Doc) -> Vec<Alternate<'a>> {
    doc.translations
        .iter()
        .filter_map(|&i| {
            let t = &site.docs[i];
            site.config.language(t.lang()).map(|l| Alternate {
                lang: LangView::of(l),
                path: t.path.clone(),
                current: i == doc.id,
            })
        })
        .collect()
}
