//! The Tera environment: theme templates overridden by the site's, plus hubgen's functions
//! (`t`, `asset_url`, `url`), with template errors turned into editor diagnostics.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use tera::{Kwargs, State, Tera};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::{Strings, interpolate};
use crate::render::assets::AssetTable;

/// Loaded templates and where each came from.
pub struct Templates {
    /// The Tera instance, ready to render.
    pub tera: Tera,
    /// Template name → (path shown to editors, source text).
    pub sources: HashMap<String, (PathBuf, String)>,
}

impl Templates {
    /// True when a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Converts a Tera error to a diagnostic pointing into the template file.
    pub fn diagnostic(&self, e: &tera::Error, context: &str) -> Diagnostic {
        self.diagnostic_uncoded(e, context)
            .code(crate::lint::codes::TEMPLATE)
    }

    fn diagnostic_uncoded(&self, e: &tera::Error, context: &str) -> Diagnostic {
        match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                let name = r.filename();
                match self.sources.get(name) {
                    Some((path, text)) => {
                        let range = r.span().range.clone();
                        Diagnostic::at(
                            path,
                            text,
                            range,
                            format!("template error: {}", first_line(r.message())),
                        )
                        .help(context.to_string())
                    }
                    None => Diagnostic::file_error(
                        name,
                        format!("template error: {}", first_line(r.message())),
                    )
                    .help(context.to_string()),
                }
            }
            tera::ErrorKind::TemplateNotFound(name) => {
                Diagnostic::file_error("templates", format!("template `{name}` does not exist"))
                    .help(format!(
                        "{context}; add templates/{name} or use a template the theme has"
                    ))
            }
            tera::ErrorKind::MissingParent { current, parent } => {
                let path = self
                    .sources
                    .get(current)
                    .map_or_else(|| PathBuf::from(current), |(p, _)| p.clone());
                Diagnostic::file_error(
                    path,
                    format!("template extends `{parent}`, which does not exist"),
                )
                .help("check the name in {% extends %}")
            }
            _ => Diagnostic::file_error("templates", format!("template error: {}", chain(e)))
                .help(context.to_string()),
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

fn unknown_borough(dir: &crate::render::directory::DirectoryData, slug: &str) -> tera::Error {
    let known: Vec<&str> = dir
        .list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["slug"].as_str())
        .collect();
    tera::Error::message(format!(
        "no borough `{slug}`; the boroughs are {}",
        known.join(", ")
    ))
}

/// Names of the shortcodes the theme and the site provide (`templates/shortcodes/NAME.html`).
pub fn shortcode_names(config: &Config) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for dir in [
        config.theme_dir().join("templates/shortcodes"),
        config.root.join("templates/shortcodes"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            if let Some(name) = e.file_name().to_str().and_then(|n| n.strip_suffix(".html")) {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// Data the template functions read; shared by every render thread.
pub struct FunctionData {
    /// UI strings.
    pub strings: Arc<Strings>,
    /// Static files (and which ones the templates asked for).
    pub assets: Arc<AssetTable>,
    /// (content key, language) → URL path.
    pub urls: Arc<HashMap<(String, String), String>>,
    /// Default language code.
    pub default_lang: String,
    /// Boroughs and their directories.
    pub directory: Arc<crate::render::directory::DirectoryData>,
    /// (section key, language) → its pages in listing order.
    pub listings: Arc<HashMap<(String, String), serde_json::Value>>,
    /// URL path of a page → its PDF version (`crate::pdf`).
    pub pdfs: Arc<HashMap<String, crate::pdf::PdfLink>>,
}

/// Loads theme then site templates and registers hubgen's functions.
pub fn load(config: &Config, data: FunctionData) -> Result<Templates, Diagnostics> {
    let mut ds = Diagnostics::new();
    let mut sources: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    let theme_dir = config.theme_dir();
    if !theme_dir.join("templates").is_dir() {
        ds.push(
            Diagnostic::file_error(
                "config.toml",
                format!(
                    "theme `{}` not found: {} has no templates/ folder",
                    config.theme,
                    theme_dir.display()
                ),
            )
            .help("set theme = \"hub\" in config.toml, or add the theme under themes/"),
        );
        return Err(ds);
    }
    for dir in [theme_dir.join("templates"), config.root.join("templates")] {
        if !dir.is_dir() {
            continue;
        }
        for entry in WalkDir::new(&dir).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    ds.push(Diagnostic::file_error(&dir, format!("cannot read: {e}")));
                    continue;
                }
            };
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.')
            {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&dir) else {
                continue;
            };
            let name = rel.to_string_lossy().replace('\\', "/");
            let display = entry
                .path()
                .strip_prefix(&config.root)
                .unwrap_or(entry.path())
                .to_path_buf();
            match crate::load::read_text(entry.path(), &display) {
                Ok(text) => {
                    sources.insert(name, (display, text));
                }
                Err(d) => ds.push(d),
            }
        }
    }
    if ds.has_errors() {
        return Err(ds);
    }
    let mut tera = Tera::new();
    register_functions(&mut tera, data);
    let mut templates = Templates {
        tera,
        sources: sources.into_iter().collect(),
    };
    let list: Vec<(String, String)> = {
        let mut v: Vec<_> = templates
            .sources
            .iter()
            .map(|(n, (_, t))| (n.clone(), t.clone()))
            .collect();
        v.sort();
        v
    };
    if let Err(e) = templates.tera.add_raw_templates(list) {
        ds.push(templates.diagnostic(&e, "fix the template; nothing was built"));
        return Err(ds);
    }
    Ok(templates)
}

fn register_functions(tera: &mut Tera, data: FunctionData) {
    let FunctionData {
        strings,
        assets,
        urls,
        default_lang,
        directory,
        listings,
        pdfs,
    } = data;
    // pdf(path=current_path): the PDF version of a page ({path, size, bytes, pages}), or
    // nothing when it has none (PDFs off, or the fonts for its language are not installed).
    tera.register_function(
        "pdf",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let path: String = kwargs.must_get("path")?;
            Ok(pdfs
                .get(&path)
                .map_or(tera::Value::none(), tera::Value::from_serializable))
        },
    );
    // section_pages(path="@/campaigns/_index.md"): that section's pages in the current
    // language. A section missing in that language (or in the site: the theme serves sites
    // without campaigns too) gives an empty list, never another language's pages.
    tera.register_function(
        "section_pages",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<tera::Value> {
            let path: String = kwargs.must_get("path")?;
            let lang: String = state.get("lang_code")?.unwrap_or_default();
            let key = path.trim_start_matches("@/").to_string();
            let empty = serde_json::Value::Array(Vec::new());
            Ok(tera::Value::from_serializable(
                listings.get(&(key, lang)).unwrap_or(&empty),
            ))
        },
    );
    let dir = directory.clone();
    tera.register_function(
        "boroughs",
        move |_: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            Ok(tera::Value::from_serializable(&dir.list))
        },
    );
    let dir = directory.clone();
    tera.register_function(
        "borough",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let slug: String = kwargs.must_get("slug")?;
            dir.by_slug
                .get(&slug)
                .map(tera::Value::from_serializable)
                .ok_or_else(|| unknown_borough(&dir, &slug))
        },
    );
    tera.register_function(
        "borough_services",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let slug: String = kwargs.must_get("borough")?;
            let category: Option<String> =
                kwargs.get::<String>("category")?.filter(|c| !c.is_empty());
            let b = directory
                .by_slug
                .get(&slug)
                .ok_or_else(|| unknown_borough(&directory, &slug))?;
            if let Some(c) = &category
                && !directory.categories.contains(c)
            {
                return Err(tera::Error::message(format!(
                    "unknown category `{c}`; the categories are {}",
                    directory.categories.join(", ")
                )));
            }
            let services: Vec<&serde_json::Value> = b["groups"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|g| category.as_deref().is_none_or(|c| g["key"] == c))
                .flat_map(|g| g["services"].as_array().into_iter().flatten())
                .collect();
            Ok(tera::Value::from_serializable(&services))
        },
    );
    // long_date(ymd="2026-03-03"): the date written out in the page's language, with the
    // month names and order from its UI strings (`crate::dates::long_date`).
    let date_strings = Arc::clone(&strings);
    tera.register_function(
        "long_date",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let ymd: String = kwargs.must_get("ymd")?;
            let lang: String = state.get("lang_code")?.unwrap_or_default();
            Ok(crate::dates::long_date(&date_strings, &lang, &ymd))
        },
    );
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let key: String = kwargs.must_get("key")?;
            let lang: String = state.get("lang_code")?.unwrap_or_default();
            let Some(s) = strings.get(&lang, &key) else {
                return Err(tera::Error::message(format!(
                    "no UI string `{key}`: add it to translations/en.toml"
                )));
            };
            let args: Vec<(String, String)> = kwargs
                .iter()
                .filter_map(|(k, v)| {
                    k.as_str()
                        .filter(|k| *k != "key")
                        .map(|k| (k.to_string(), v.to_string()))
                })
                .collect();
            Ok(interpolate(s, &args))
        },
    );
    tera.register_function(
        "asset_url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            assets.url(&path).ok_or_else(|| {
                tera::Error::message(format!(
                    "no static file `{path}` in static/ or the theme's static/"
                ))
            })
        },
    );
    tera.register_function(
        "url",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let lang: String = match kwargs.get::<String>("lang")? {
                Some(l) => l,
                None => state.get("lang_code")?.unwrap_or_default(),
            };
            let key = path.trim_start_matches("@/").to_string();
            // fallback=false asks "does this page exist in that language?" (empty when not).
            let fallback = kwargs.get::<bool>("fallback")?.unwrap_or(true);
            match urls.get(&(key.clone(), lang)) {
                Some(u) => Ok(u.clone()),
                None if !fallback => Ok(String::new()),
                None => urls
                    .get(&(key.clone(), default_lang.clone()))
                    .cloned()
                    .ok_or_else(|| tera::Error::message(format!("url(): no page content/{key}"))),
            }
        },
    );
}
