//! Information packs: a pack is written once as `content/packs/<name>.md` and generated for
//! every borough, with that borough's name, contact and services put in by shortcodes.
//!
//! This module is the model side shared by every output: which documents are packs, what they
//! are called and where each borough's copy lives. Each output has its own module: the print
//! HTML page is rendered by `crate::render::packs` (it needs the theme's templates), and the
//! PDF by `crate::pdf`, at the same path with `.pdf` in place of the final `/`.
//!
//! The pack document itself is not published as an ordinary page: `/packs/<name>/` shows the
//! pack's title and description and links to every borough's copy (a pack without a borough
//! has no services to show), and `/packs/` lists the packs.

use serde::Serialize;

use crate::config::Config;
use crate::model::{Doc, Site};

/// Content folder that holds the packs.
pub const FOLDER: &str = "packs/";

/// True for a pack: a page (not the section) directly in `content/packs/`.
pub fn is_pack(d: &Doc) -> bool {
    !d.is_section()
        && d.key()
            .strip_prefix(FOLDER)
            .is_some_and(|rest| !rest.trim_end_matches("/index.md").contains('/'))
}

/// The pack's name in URLs: the last segment of its own address (so `slug` is respected).
pub fn name(d: &Doc) -> &str {
    d.path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
}

/// URL path of a borough's print page of a pack, in a language:
/// `/boroughs/<slug>/packs/<name>/` (under `/<code>/` for other languages).
pub fn html_path(config: &Config, lang: &str, borough: &str, pack: &str) -> String {
    format!(
        "{}/boroughs/{borough}/packs/{pack}/",
        config.lang_prefix(lang)
    )
}

/// A pack as borough pages and pack pages list it.
#[derive(Debug, Clone, Serialize)]
pub struct PackLink {
    /// The pack's name in URLs.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Where the print page is (for a borough) or the pack's own page (in a list of boroughs).
    pub path: String,
    /// The borough's name, in lists of one pack's copies.
    pub borough: Option<String>,
}

/// The packs in `lang`, by weight then title, each linked to `borough`'s copy.
pub fn for_borough(site: &Site, lang: &str, borough: &str) -> Vec<PackLink> {
    let mut packs: Vec<&Doc> = site
        .docs
        .iter()
        .filter(|d| d.lang() == lang && is_pack(d))
        .collect();
    packs.sort_by(|a, b| {
        // Packs without a weight come after those with one.
        let key = |d: &Doc| {
            (
                d.parsed.front.weight.unwrap_or(i64::MAX),
                d.parsed.front.title.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    packs
        .into_iter()
        .map(|d| PackLink {
            name: name(d).to_string(),
            title: d.parsed.front.title.clone(),
            path: html_path(&site.config, lang, borough, name(d)),
            borough: None,
        })
        .collect()
}

/// Every borough's copy of one pack, alphabetical by borough.
pub fn copies(site: &Site, pack: &Doc) -> Vec<PackLink> {
    site.boroughs
        .iter()
        .map(|b| PackLink {
            name: name(pack).to_string(),
            title: pack.parsed.front.title.clone(),
            path: html_path(&site.config, pack.lang(), &b.slug, name(pack)),
            borough: Some(b.name.clone()),
        })
        .collect()
}
