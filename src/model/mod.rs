//! The site model: pages and sections with their addresses, translations, sections' page
//! lists, taxonomies and aliases, assembled once from parsed documents and never changed after.
//!
//! Steps: 1. drop drafts; 2. give every document its URL path and check no two share one;
//! 3. link documents to their section and their translations; 4. sort section listings;
//! 5. resolve `@/` links and anchors; 6. build taxonomies; 7. read hub data files.

pub mod boroughs;
pub mod helplines;
pub mod links;
pub mod review;
pub mod slug;
pub mod staleness;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lint::codes;
use crate::load::{Asset, DataFile};
use crate::parse::ParsedDoc;
use crate::parse::front_matter::SortBy;
use slug::slugify;

/// Index of a document in `Site::docs`.
pub type DocId = usize;

/// A page or a section, in one language.
#[derive(Debug)]
pub struct Doc {
    /// Its index.
    pub id: DocId,
    /// The parsed file.
    pub parsed: ParsedDoc,
    /// URL path from the site root, ending in `/` (`/ar/guidance/coping-with-stress/`).
    pub path: String,
    /// Nearest section in the same language (none for the home section).
    pub parent: Option<DocId>,
    /// For sections: their pages in listing order.
    pub pages: Vec<DocId>,
    /// For sections: their direct subsections, by weight then title.
    pub subsections: Vec<DocId>,
    /// Every language version of this document (itself included), in configured order.
    pub translations: Vec<DocId>,
    /// Resolved URL path for each `@/` link, in the order of `parsed.structure.links`.
    pub resolved_links: Vec<String>,
}

impl Doc {
    /// `_index.md` or not.
    pub fn is_section(&self) -> bool {
        self.parsed.source.is_section
    }
    /// Language code.
    pub fn lang(&self) -> &str {
        &self.parsed.source.lang
    }
    /// Language-free content path.
    pub fn key(&self) -> &str {
        &self.parsed.source.key
    }
}

/// One term of a taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Term {
    /// As written by editors.
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// URL path of the term page.
    pub path: String,
    /// Pages filed under it, by title.
    pub pages: Vec<DocId>,
}

/// A taxonomy (topics or audiences) in one language.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// `topics` or `audiences`.
    pub name: String,
    /// Language code.
    pub lang: String,
    /// URL path of the list page.
    pub path: String,
    /// Terms by slug.
    pub terms: Vec<Term>,
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    /// Validated configuration.
    pub config: Config,
    /// Every page and section, sorted by content path then language order.
    pub docs: Vec<Doc>,
    /// (content key, language) → document.
    pub by_key: HashMap<(String, String), DocId>,
    /// Taxonomies, per language, in a fixed order.
    pub taxonomies: Vec<Taxonomy>,
    /// Redirects: old path → document.
    pub aliases: Vec<(String, DocId)>,
    /// Files copied from `content/`, with their output paths.
    pub assets: Vec<(String, Asset)>,
    /// National support lines for every page.
    pub helplines: Vec<helplines::Helpline>,
    /// Boroughs with their directories, alphabetical.
    pub boroughs: Vec<boroughs::Borough>,
}

impl Site {
    /// Looks a document up by content key and language.
    pub fn get(&self, key: &str, lang: &str) -> Option<&Doc> {
        self.by_key
            .get(&(key.to_string(), lang.to_string()))
            .map(|&i| &self.docs[i])
    }

    /// The home section in a language, if it exists.
    pub fn home(&self, lang: &str) -> Option<&Doc> {
        self.get("_index.md", lang)
    }
}

/// True for the data files in `content/` that the model reads (`helplines.toml` and each
/// borough's `services.toml`); any other `.toml` there produces nothing and is reported.
pub fn reads_data_file(rel: &str) -> bool {
    rel == "helplines.toml"
        || rel
            .strip_prefix("boroughs/")
            .and_then(|r| r.strip_suffix("/services.toml"))
            .is_some_and(|slug| !slug.contains('/'))
}

/// Names of the taxonomies the hub files pages under.
pub const TAXONOMIES: [&str; 2] = ["topics", "audiences"];

/// What the model is built from, besides the configuration.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Parsed documents.
    pub docs: Vec<ParsedDoc>,
    /// Keys of files that failed to parse (already reported).
    pub broken: HashSet<String>,
    /// Files to copy.
    pub assets: Vec<Asset>,
    /// TOML data files.
    pub data: Vec<DataFile>,
    /// Shortcode names the templates provide, checked here so an unknown one is reported
    /// together with every other content error rather than only after they are fixed.
    pub shortcodes: BTreeSet<String>,
}

/// Builds the model. Every problem is collected; the site is returned (with any warnings) only
/// when there are no errors.
pub fn assemble(config: Config, inputs: Inputs) -> Result<(Site, Diagnostics), Diagnostics> {
    let Inputs {
        docs: parsed,
        broken,
        assets,
        data,
        shortcodes,
    } = inputs;
    let mut ds = Diagnostics::new();
    let mut drafts = HashSet::new();
    let mut parsed: Vec<ParsedDoc> = parsed
        .into_iter()
        .filter(|p| {
            let keep = config.drafts || !p.front.draft;
            if !keep {
                drafts.insert(p.source.key.clone());
            }
            keep
        })
        .collect();
    parsed.sort_by(|a, b| {
        (&a.source.key, config.language_index(&a.source.lang))
            .cmp(&(&b.source.key, config.language_index(&b.source.lang)))
    });

    // 2. Addresses, and collisions between them.
    let mut docs: Vec<Doc> = Vec::with_capacity(parsed.len());
    let mut by_path: HashMap<String, DocId> = HashMap::new();
    let mut by_key = HashMap::new();
    for (id, p) in parsed.into_iter().enumerate() {
        let path = url_path(&config, &p);
        if let Some(&other) = by_path.get(&path) {
            ds.push(collision(&p, &docs[other].parsed, &path));
        } else {
            by_path.insert(path.clone(), id);
        }
        by_key.insert((p.source.key.clone(), p.source.lang.clone()), id);
        docs.push(Doc {
            id,
            parsed: p,
            path,
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            translations: Vec::new(),
            resolved_links: Vec::new(),
        });
    }

    // 3. Sections, translations.
    let mut groups: BTreeMap<&str, Vec<DocId>> = BTreeMap::new();
    for d in &docs {
        groups.entry(d.key()).or_default().push(d.id);
    }
    let translations: Vec<(DocId, Vec<DocId>)> = groups
        .values()
        .flat_map(|ids| ids.iter().map(move |&i| (i, ids.clone())))
        .collect();
    let parents: Vec<Option<DocId>> = docs.iter().map(|d| find_parent(&by_key, d)).collect();
    for (i, group) in translations {
        docs[i].translations = group;
    }
    for (i, parent) in parents.into_iter().enumerate() {
        docs[i].parent = parent;
        if let Some(p) = parent {
            if docs[i].is_section() {
                docs[p].subsections.push(i);
            } else {
                docs[p].pages.push(i);
            }
        }
    }
    // 4. Listing order.
    for s in 0..docs.len() {
        if !docs[s].is_section() {
            continue;
        }
        let sort_by = docs[s].parsed.front.sort_by;
        let mut pages = std::mem::take(&mut docs[s].pages);
        pages.sort_by(|&a, &b| order(&docs[a], &docs[b], sort_by));
        let mut subs = std::mem::take(&mut docs[s].subsections);
        subs.sort_by(|&a, &b| order(&docs[a], &docs[b], SortBy::Weight));
        docs[s].pages = pages;
        docs[s].subsections = subs;
    }

    // 5. Links and anchors.
    let resolved: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            let known = links::Known {
                drafts: &drafts,
                broken: &broken,
            };
            links::resolve(&config, &docs, &by_key, &known, d, &mut ds)
        })
        .collect();
    for (d, r) in docs.iter_mut().zip(resolved) {
        d.resolved_links = r;
    }

    for d in &docs {
        check_shortcodes(d, &shortcodes, &mut ds);
    }

    // 6. Taxonomies and aliases.
    let taxonomies = build_taxonomies(&config, &docs, &mut ds);
    let mut aliases = Vec::new();
    for d in &docs {
        for alias in &d.parsed.front.aliases {
            let path = if alias.ends_with('/') || alias.ends_with(".html") {
                alias.clone()
            } else {
                format!("{alias}/")
            };
            if let Some(&other) = by_path.get(&path) {
                let text = &d.parsed.source.text;
                let line = crate::parse::front_matter::key_line(text, "aliases").unwrap_or(1);
                ds.push(
                    Diagnostic::at_line(
                        &d.parsed.source.display,
                        text,
                        line,
                        format!(
                            "alias `{alias}` is the address of {}",
                            docs[other].parsed.source.display.display()
                        ),
                    )
                    .help("an alias must be an old address that no page uses now; remove it")
                    .code(codes::ADDRESS_TAKEN),
                );
            } else {
                by_path.insert(path.clone(), d.id);
                aliases.push((path, d.id));
            }
        }
    }

    // 7. Assets and hub data.
    let assets = place_assets(&config, &docs, assets);
    let mut helplines = Vec::new();
    for file in &data {
        if file.rel == "helplines.toml" {
            match helplines::parse(file) {
                Ok(h) => helplines = h,
                Err(e) => ds.extend(e.into_iter().map(|d| d.code(codes::SERVICES_DATA))),
            }
        }
    }

    let boroughs = boroughs::collect(&config, &docs, &data, &mut ds);
    staleness::check(&config, &docs, &mut ds);
    review::check(&config, &docs, crate::dates::today(), &mut ds);

    if ds.has_errors() {
        return Err(ds);
    }
    let site = Site {
        config,
        docs,
        by_key,
        taxonomies,
        aliases,
        assets,
        helplines,
        boroughs,
    };
    Ok((site, ds))
}

fn check_shortcodes(d: &Doc, known: &BTreeSet<String>, ds: &mut Diagnostics) {
    let src = &d.parsed.source;
    for call in &d.parsed.structure.shortcodes {
        if !known.contains(&call.name) {
            let at = d.parsed.body_offset;
            let list: Vec<&str> = known.iter().map(String::as_str).collect();
            ds.push(
                Diagnostic::at(
                    &src.display,
                    &src.text,
                    call.body_range.start + at..call.body_range.end + at,
                    format!("unknown shortcode `{}`", call.name),
                )
                .help(format!(
                    "the shortcodes are: {}; or add templates/shortcodes/{}.html",
                    list.join(", "),
                    call.name
                ))
                .code(codes::UNKNOWN_SHORTCODE),
            );
        }
    }
}

/// `/ar/guidance/coping-with-stress/` for `guidance/coping-with-stress.ar.md`.
pub fn url_path(config: &Config, p: &ParsedDoc) -> String {
    let key = &p.source.key;
    let mut parts: Vec<String> = key.split('/').map(str::to_string).collect();
    let file = parts.pop().unwrap_or_default();
    let mut segments: Vec<String> = parts.iter().map(|s| slugify(s)).collect();
    if p.source.is_section {
        // the folder is the section
    } else if p.source.is_bundle {
        if let Some(last) = segments.last_mut()
            && let Some(slug) = &p.front.slug
        {
            *last = slugify(slug);
        }
    } else {
        let stem = file.trim_end_matches(".md");
        segments.push(slugify(p.front.slug.as_deref().unwrap_or(stem)));
    }
    let mut path = config.lang_prefix(&p.source.lang);
    for s in segments {
        path.push('/');
        path.push_str(&s);
    }
    path.push('/');
    path
}

fn collision(p: &ParsedDoc, other: &ParsedDoc, path: &str) -> Diagnostic {
    let text = &p.source.text;
    let line = crate::parse::front_matter::key_line(text, "slug").unwrap_or(1);
    Diagnostic::at_line(&p.source.display, text, line, format!("address {path} is already used by {}", other.source.display.display()))
        .help("two files would be written to the same place; give one of them a different `slug` or file name")
        .code(codes::ADDRESS_TAKEN)
}

/// Nearest ancestor section in the same language.
fn find_parent(by_key: &HashMap<(String, String), DocId>, d: &Doc) -> Option<DocId> {
    let key = d.key();
    if key == "_index.md" {
        return None;
    }
    let mut dir = key.rsplit_once('/').map_or("", |(dir, _)| dir);
    if d.is_section() || d.parsed.source.is_bundle {
        dir = dir.rsplit_once('/').map_or("", |(p, _)| p);
    }
    loop {
        let candidate = if dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{dir}/_index.md")
        };
        if let Some(&id) = by_key.get(&(candidate, d.lang().to_string())) {
            return Some(id);
        }
        if dir.is_empty() {
            return None;
        }
        dir = dir.rsplit_once('/').map_or("", |(p, _)| p);
    }
}

fn order(a: &Doc, b: &Doc, by: SortBy) -> std::cmp::Ordering {
    let (fa, fb) = (&a.parsed.front, &b.parsed.front);
    let primary = match by {
        SortBy::Weight => fa
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&fb.weight.unwrap_or(i64::MAX)),
        SortBy::Date => fb.date.cmp(&fa.date),
        SortBy::Title => std::cmp::Ordering::Equal,
    };
    primary
        .then_with(|| fa.title.cmp(&fb.title))
        .then_with(|| a.path.cmp(&b.path))
}

fn build_taxonomies(config: &Config, docs: &[Doc], ds: &mut Diagnostics) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for lang in &config.languages {
        for name in TAXONOMIES {
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            let base = format!("{}/{name}/", config.lang_prefix(&lang.code));
            for d in docs
                .iter()
                .filter(|d| d.lang() == lang.code && !d.is_section())
            {
                let t = &d.parsed.front.taxonomies;
                let list = if name == "topics" {
                    &t.topics
                } else {
                    &t.audiences
                };
                for term in list {
                    let slug = slugify(term);
                    if slug.is_empty() {
                        let text = &d.parsed.source.text;
                        ds.push(
                            Diagnostic::at_line(
                                &d.parsed.source.display,
                                text,
                                crate::parse::front_matter::key_line(text, name).unwrap_or(1),
                                format!("{name} term `{term}` has no letters or digits"),
                            )
                            .help("use words, e.g. topics = [\"money worries\"]")
                            .code(codes::TAXONOMY_TERM),
                        );
                        continue;
                    }
                    let entry = terms.entry(slug.clone()).or_insert_with(|| Term {
                        name: term.clone(),
                        path: format!("{base}{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                    if !entry.pages.contains(&d.id) {
                        entry.pages.push(d.id);
                    }
                }
            }
            if terms.is_empty() {
                continue;
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for t in &mut terms {
                t.pages
                    .sort_by(|&a, &b| order(&docs[a], &docs[b], SortBy::Title));
            }
            out.push(Taxonomy {
                name: name.to_string(),
                lang: lang.code.clone(),
                path: base,
                terms,
            });
        }
    }
    out
}

/// Bundle files go beside every language version of their page; other files keep their path.
fn place_assets(config: &Config, docs: &[Doc], assets: Vec<Asset>) -> Vec<(String, Asset)> {
    let bundles: HashMap<&str, Vec<&Doc>> =
        docs.iter()
            .filter(|d| d.parsed.source.is_bundle)
            .fold(HashMap::new(), |mut m, d| {
                let dir = d.key().trim_end_matches("index.md");
                m.entry(dir).or_default().push(d);
                m
            });
    let mut out = Vec::new();
    for a in assets {
        let dir = a.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let file = a
            .rel
            .rsplit_once('/')
            .map_or(a.rel.as_str(), |(_, f)| f)
            .to_string();
        let bundle = bundles.get(format!("{dir}/").as_str());
        match bundle {
            Some(pages) => {
                for p in pages {
                    out.push((format!("{}{file}", p.path), a.clone()));
                }
            }
            None => {
                let mut path = String::new();
                for seg in dir.split('/').filter(|s| !s.is_empty()) {
                    path.push('/');
                    path.push_str(&slugify(seg));
                }
                out.push((format!("{path}/{file}"), a));
            }
        }
    }
    let _ = config;
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
