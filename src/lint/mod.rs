//! Editors' lints for `hubgen check`, on top of what every build checks: broken links and
//! anchors in the rendered output, alt text, heading outline, link text, duplicate titles,
//! missing descriptions, and files that produce nothing.
//!
//! Every rule has a stable code (`codes`); editors may silence the allowable ones per file
//! (`allow = ["H020"]` in front matter) or per site (`[check] allow = [...]` in config.toml).

pub mod codes;
pub mod html;
mod locate;
mod page;
mod refs;
mod rendered;
mod site;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diagnostics::Diagnostics;
use crate::model::Site;

pub use rendered::Collector;
pub use site::{model_lints, unused_files};

/// Drops the diagnostics that the site's config or the file's own front matter allows.
/// Only allowable codes are dropped (the allow lists were validated when they were read).
pub fn apply_allow(site: &Site, mut ds: Diagnostics) -> Diagnostics {
    let per_file: HashMap<&PathBuf, &Vec<String>> = site
        .docs
        .iter()
        .filter(|d| !d.parsed.front.allow.is_empty())
        .map(|d| (&d.parsed.source.display, &d.parsed.front.allow))
        .collect();
    let site_allow = &site.config.allow;
    ds.retain(|d| {
        let Some(code) = d.code else { return true };
        if !codes::find(code).is_some_and(|c| c.allowable) {
            return true;
        }
        let allowed = site_allow.iter().any(|a| a == code)
            || per_file
                .get(&d.file)
                .is_some_and(|list| list.iter().any(|a| a == code));
        !allowed
    });
    ds
}
