//! Boroughs: each `content/boroughs/<slug>/_index.md` section with its validated services
//! directory (`services.toml` beside it), in alphabetical order.

use std::collections::HashMap;

use serde::Serialize;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lint::codes;
use crate::load::DataFile;
use crate::model::{Doc, DocId};
use crate::parse::services::{self, Directory, Rules};

/// A borough with its directory.
#[derive(Debug, Clone, Serialize)]
pub struct Borough {
    /// URL segment (`hackney`).
    pub slug: String,
    /// Display name (the section title).
    pub name: String,
    /// The borough's section in the default language.
    #[serde(skip)]
    pub doc: DocId,
    /// URL path of the borough page.
    pub path: String,
    /// Contact and services.
    pub directory: Directory,
}

/// Finds the boroughs and validates their directories. Sample entries and entries due for
/// review are summarised once per file as a warning, or listed one by one as errors in
/// production builds.
pub fn collect(
    config: &Config,
    docs: &[Doc],
    data: &[DataFile],
    ds: &mut Diagnostics,
) -> Vec<Borough> {
    let default = &config.default_language().code;
    let mut sections: HashMap<&str, &Doc> = HashMap::new();
    for d in docs
        .iter()
        .filter(|d| d.is_section() && d.lang() == default.as_str())
    {
        if let Some(slug) = d
            .key()
            .strip_prefix("boroughs/")
            .and_then(|r| r.strip_suffix("/_index.md"))
            && !slug.contains('/')
        {
            sections.insert(slug, d);
        }
    }
    let languages: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    let rules = Rules {
        categories: &config.categories,
        languages: &languages,
        review_after_days: config.review_after_days,
        today: services::today(),
    };
    let mut directories: HashMap<&str, Directory> = HashMap::new();
    for file in data {
        let Some(slug) = file
            .rel
            .strip_prefix("boroughs/")
            .and_then(|r| r.strip_suffix("/services.toml"))
        else {
            continue;
        };
        if !sections.contains_key(slug) {
            ds.push(
                Diagnostic::file_error(&file.display, format!("services for a borough with no page: content/boroughs/{slug}/_index.md does not exist"))
                    .help("create the borough's _index.md, or move this file into an existing borough's folder")
                    .code(codes::ORPHAN_SERVICES),
            );
            continue;
        }
        match services::parse(&file.display, &file.text, &rules) {
            Ok(dir) => {
                report_notices(config, file, &dir, ds);
                directories.insert(slug, dir);
            }
            Err(e) => ds.extend(e.into_iter().map(|d| d.code(codes::SERVICES_DATA))),
        }
    }
    let mut out: Vec<Borough> = sections
        .into_iter()
        .map(|(slug, d)| Borough {
            slug: slug.to_string(),
            name: d.parsed.front.title.clone(),
            doc: d.id,
            path: d.path.clone(),
            directory: directories.remove(slug).unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.slug.cmp(&b.slug)));
    out
}

fn report_notices(config: &Config, file: &DataFile, dir: &Directory, ds: &mut Diagnostics) {
    let entries = dir.contact.iter().chain(&dir.services);
    if config.production {
        for s in entries {
            let why = match (s.sample, s.due_for_review) {
                (true, true) => "is sample data and is due for review",
                (true, false) => "is sample data",
                (false, _) => "is due for review",
            };
            if s.sample || s.due_for_review {
                ds.push(
                    Diagnostic::at_line(&file.display, &file.text, s.line, format!("`{}` {why}; a production build may not publish it", s.name))
                        .help("replace sample entries with checked facts, and set last_verified when you check an entry")
                        .code(if s.sample { codes::SAMPLE_ENTRY } else { codes::DUE_FOR_REVIEW }),
                );
            }
        }
        return;
    }
    let samples = entries.clone().filter(|s| s.sample).count();
    let due = entries.filter(|s| s.due_for_review && !s.sample).count();
    if samples + due > 0 {
        let mut parts = Vec::new();
        if samples > 0 {
            parts.push(format!(
                "{samples} sample {}",
                if samples == 1 { "entry" } else { "entries" }
            ));
        }
        if due > 0 {
            parts.push(format!(
                "{due} {} due for review",
                if due == 1 { "entry" } else { "entries" }
            ));
        }
        ds.push(
            Diagnostic::file_error(
                &file.display,
                format!(
                    "{} (shown with a label; `--production` refuses them)",
                    parts.join(", ")
                ),
            )
            .help(format!(
                "entries are due for review {} days after last_verified",
                config.review_after_days
            ))
            // One notice per file: it carries the sample code when there are samples at all.
            .code(if samples > 0 {
                codes::SAMPLE_ENTRY
            } else {
                codes::DUE_FOR_REVIEW
            })
            .warning(),
        );
    }
}
