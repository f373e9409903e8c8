//! `hubgen new`: creates a page, campaign, guidance page or borough with its front matter
//! filled in, or a translation stub of an English page, and says where it is and where to see it.
//!
//! It never overwrites a file (the check and the write are one step: `create_new`), refuses
//! names that are not slugs and languages that are not configured, and reports problems as
//! `Diagnostic` values like every other editor mistake. New pages, campaigns and guidance are
//! drafts (as `hugo new` makes them), so a half-written page is never published by accident;
//! a new borough is not, because its directory file needs its page (H025), and its sample entry
//! already keeps it out of a `--production` build.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::dates::Ymd;
use crate::diagnostics::Diagnostic;
use crate::model::slug::slugify;

/// What `hubgen new` can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A page anywhere under content/ (`about/privacy`).
    Page,
    /// A campaign in content/campaigns/.
    Campaign,
    /// A wellbeing guidance page in content/guidance/, with review dates and topics.
    Guidance,
    /// A borough: content/boroughs/<slug>/_index.md and a services.toml with one sample entry.
    Borough,
}

/// What was made.
#[derive(Debug)]
pub struct Created {
    /// Files written, as editors see them (`content/guidance/sleep.md`).
    pub files: Vec<PathBuf>,
    /// Site path of the new page (`/guidance/sleep/`).
    pub url: String,
    /// True when the page is a draft (preview with `serve --drafts`).
    pub draft: bool,
}

/// The address `hubgen serve` shows a site path at by default.
pub fn preview_url(path: &str) -> String {
    format!("http://127.0.0.1:1111{path}")
}

/// Creates a new page of `kind` at `name` (a slug, a path under content/, with or without
/// `content/` and `.md`). `today` fills in the dates.
pub fn create(config: &Config, kind: Kind, name: &str, today: Ymd) -> Result<Created, Diagnostic> {
    let segments = segments(kind, name)?;
    let slug = segments.last().cloned().unwrap_or_default();
    let title = title_from_slug(&slug, kind == Kind::Borough);
    let url = format!("/{}/", segments.join("/"));
    let content = config.content_dir();
    let mut files = Vec::new();
    match kind {
        Kind::Borough => {
            let rel = format!("{}/_index.md", segments.join("/"));
            let services = format!("{}/services.toml", segments.join("/"));
            // Refuse before writing anything, so a half-made borough is never left behind.
            for r in [&rel, &services] {
                if content.join(r).exists() {
                    return Err(exists(r));
                }
            }
            write_new(&content, &rel, &borough_page(&title))?;
            files.push(display(&rel));
            write_new(
                &content,
                &services,
                &services_toml(config, &title, &slug, today),
            )?;
            files.push(display(&services));
        }
        _ => {
            let rel = format!("{}.md", segments.join("/"));
            write_new(&content, &rel, &page_text(config, kind, &title, today))?;
            files.push(display(&rel));
        }
    }
    Ok(Created {
        files,
        url,
        draft: kind != Kind::Borough,
    })
}

/// Creates `NAME.LANG.md` beside the English `source`: its front matter with
/// `translation_of` set to the English hash and `machine_draft = true`, and the English text
/// in place for the translator to replace. `hubgen translations` then reports it as a current
/// machine draft.
pub fn translation(config: &Config, source: &Path, lang: &str) -> Result<Created, Diagnostic> {
    let default = config.default_language().code.clone();
    let codes: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    if config.language(lang).is_none() {
        return Err(Diagnostic::file_error(
            "config.toml",
            format!("`{lang}` is not a language of this site"),
        )
        .help(format!(
            "use one of the codes in config.toml: {}",
            codes.join(", ")
        )));
    }
    if lang == default {
        return Err(Diagnostic::file_error(
            source,
            format!("`{lang}` is the site's own language: the English page is the source"),
        )
        .help(format!(
            "name a language to translate into: {}",
            codes[1..].join(", ")
        )));
    }
    let content = config.content_dir();
    let abs = if source.is_absolute() {
        source.to_path_buf()
    } else {
        config.root.join(source)
    };
    let rel = abs
        .strip_prefix(&content)
        .ok()
        .or_else(|| source.strip_prefix("content").ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|r| r.ends_with(".md"))
        .ok_or_else(|| {
            Diagnostic::file_error(source, "not a Markdown file in content/")
                .help("give the English page's path, e.g. content/guidance/sleep-and-worry.md")
        })?;
    let src = crate::load::read_source(config, &content.join(&rel), rel.clone())?;
    if src.lang != default {
        return Err(Diagnostic::file_error(
            &src.display,
            "this file is already a translation".to_string(),
        )
        .help(format!(
            "translate from the English page content/{}",
            src.key
        )));
    }
    let shown = src.display.clone();
    // The first problem is enough here: `hubgen check` lists them all.
    let parsed = crate::parse::one(src, false).map_err(|ds| {
        ds.into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::file_error(&shown, "the English page cannot be read"))
    })?;
    let hash = crate::model::staleness::source_hash(&parsed.front.title, parsed.body());
    let english_url = crate::model::url_path(config, &parsed);
    let text = &parsed.source.text;
    let split = crate::parse::front_matter::split(&parsed.source.display, text)?;
    let base = rel.trim_end_matches(".md");
    let target = format!("{base}.{lang}.md");
    let stub = format!(
        "+++\n{}+++\n{}",
        stub_front_matter(split.toml, &hash),
        split.body
    );
    write_new(&content, &target, &stub)?;
    Ok(Created {
        files: vec![display(&target)],
        url: format!("{}{english_url}", config.lang_prefix(lang)),
        draft: parsed.front.draft,
    })
}

/// The English front matter for a translation: `translation_of` and `machine_draft = true`
/// after the title; `aliases` left out (two pages cannot redirect from the same address),
/// `reviewed` and `review_due` too (the translation shows the English page's), and any
/// earlier `translation_of` or `machine_draft` replaced.
fn stub_front_matter(toml: &str, hash: &str) -> String {
    let mut out = String::new();
    let mut in_table = false;
    let mut skipping_array = false;
    let is_key = |l: &str, key: &str| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with('='))
    };
    for line in toml.split_inclusive('\n') {
        if skipping_array {
            // A multi-line `aliases = [` list ends at its `]`.
            skipping_array = !line.contains(']');
            continue;
        }
        if line.trim_start().starts_with('[') {
            in_table = true;
        }
        if !in_table {
            if is_key(line, "aliases") {
                skipping_array = line.contains('[') && !line.contains(']');
                continue;
            }
            // Review dates stay on the English page, which the translation shows them from.
            if ["translation_of", "machine_draft", "reviewed", "review_due"]
                .iter()
                .any(|k| is_key(line, k))
            {
                continue;
            }
        }
        out.push_str(line);
        if !in_table && is_key(line, "title") {
            out.push_str(&format!(
                "translation_of = \"{hash}\"\nmachine_draft = true\n"
            ));
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The slug segments of the new page's path under content/, validated.
fn segments(kind: Kind, name: &str) -> Result<Vec<String>, Diagnostic> {
    let section = match kind {
        Kind::Page => None,
        Kind::Campaign => Some("campaigns"),
        Kind::Guidance => Some("guidance"),
        Kind::Borough => Some("boroughs"),
    };
    let mut path = name.replace('\\', "/");
    for prefix in ["./", "content/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            path = rest.to_string();
        }
    }
    let mut path = path.trim_matches('/').to_string();
    for suffix in [".md", "/_index"] {
        if let Some(rest) = path.strip_suffix(suffix) {
            path = rest.to_string();
        }
    }
    if let Some(s) = section
        && let Some(rest) = path.strip_prefix(&format!("{s}/"))
    {
        path = rest.to_string();
    }
    let parts: Vec<&str> = path.split('/').collect();
    // Problems are shown at the file the editor asked for.
    let wanted = match section {
        Some(s) => format!("content/{s}/{path}.md"),
        None => format!("content/{path}.md"),
    };
    let name = wanted.as_str();
    if section.is_some() && parts.len() > 1 {
        return Err(Diagnostic::file_error(
            name,
            format!("a new {} is one name, not a path", kind_name(kind)),
        )
        .help(format!(
            "give just its name, e.g. hubgen new {} {}",
            kind_name(kind),
            parts.last().map_or("sleep-and-worry", |p| p)
        )));
    }
    let mut out = Vec::new();
    for part in parts {
        let slug = slugify(part);
        if part.is_empty() || slug != part || part == "_index" || part == "index" {
            let help = if slug.is_empty() || slug == part {
                "use lowercase words joined by hyphens, e.g. sleep-and-worry".to_string()
            } else {
                format!("use lowercase words joined by hyphens: `{slug}`")
            };
            return Err(Diagnostic::file_error(
                name,
                format!("`{part}` is not a valid name for a page address"),
            )
            .help(help));
        }
        out.push(slug);
    }
    Ok(section.map(str::to_string).into_iter().chain(out).collect())
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Page => "page",
        Kind::Campaign => "campaign",
        Kind::Guidance => "guidance",
        Kind::Borough => "borough",
    }
}

/// `sleep-and-worry` → `Sleep and worry` (the hub writes titles in sentence case);
/// for boroughs, place names: `kingston-upon-thames` → `Kingston upon Thames`.
pub fn title_from_slug(slug: &str, place: bool) -> String {
    let small = ["and", "of", "upon", "the", "on", "in"];
    slug.split('-')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            if i == 0 || (place && !small.contains(&w)) {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

fn page_text(config: &Config, kind: Kind, title: &str, today: Ymd) -> String {
    let title = toml_string(title);
    let head = format!(
        "+++\ntitle = {title}\ndescription = \"\"  # one sentence for listings, search results and link previews\ndraft = true      # remove this line to publish the page\n"
    );
    match kind {
        Kind::Guidance => {
            let days = config
                .review
                .interval_days
                .get("guidance")
                .copied()
                .unwrap_or(365);
            format!(
                "{head}# Health information: the day a person last checked it, and when it must be checked again.\nreviewed = {today}\nreview_due = {}\n\n[taxonomies]\ntopics = [\"wellbeing\"]\naudiences = [\"everyone\"]\n+++\n\nWrite the page here in plain language, in your own words. Start headings at `##`: the title is the page's only `#` heading.\n\nLink to other guidance by its file, e.g. `[coping with stress](@/guidance/coping-with-stress.md)`.\n",
                today.plus_days(days)
            )
        }
        Kind::Campaign => format!(
            "{head}date = {today}\n\n[taxonomies]\ntopics = [\"wellbeing\"]\naudiences = [\"everyone\"]\n+++\n\nSay what the campaign is, who runs it and how Londoners can take part, in your own words. Start headings at `##`.\n"
        ),
        _ => format!(
            "{head}+++\n\nWrite the page here. Start headings at `##`: the title is the page's only `#` heading.\n"
        ),
    }
}

fn borough_page(name: &str) -> String {
    format!(
        "+++\ntitle = {}\ndescription = {}\ntemplate = \"borough.html\"\n\n[extra]\nons_code = \"\"   # the borough's ONS code, e.g. \"E09000012\" for Hackney\ninner = false    # true for an inner London borough\n+++\n\nThis page brings together support for people who live, work or study in {name}: who to contact about wellbeing work in the area, campaigns the borough can take part in, and a directory of local services.\n\nThe directory below is a sample that shows how the hub will work. Its entries are made up and clearly labelled; they will be replaced by checked local services before the hub is published. If you need help now, the support lines at the bottom of every page are free and open to everyone in London.\n",
        toml_string(name),
        toml_string(&format!(
            "Mental health and wellbeing support in {name}: who to contact, local services and campaigns."
        ))
    )
}

/// A directory with a sample contact and one sample entry: Ofcom drama numbers and
/// example.org only, so nothing real is invented and `--production` refuses it until replaced.
fn services_toml(config: &Config, name: &str, slug: &str, today: Ymd) -> String {
    let mut out = format!(
        "# Local-services directory for {name}.\n# Every entry below is a SAMPLE: made-up details using Ofcom's drama numbers (020 7946 0000–0999)\n# and example.org. Replace each with checked facts, set sample = false and last_verified to the\n# day you checked it. Never invent a contact for a real organisation.\n\n[contact]\nname = {}\ndescription = \"The borough's contact for mental health and wellbeing campaigns, training and information packs.\"\nphone = \"020 7946 0000\"\nemail = \"wellbeing.{slug}@example.org\"\nwebsite = \"https://example.org/{slug}/wellbeing\"\nlast_verified = {today}\nsample = true\n",
        toml_string(&format!("{name} wellbeing team (sample)"))
    );
    if let Some(category) = config.categories.first() {
        out.push_str(&format!(
            "\n[[service]]\nname = {}\ncategory = \"{category}\"\ndescription = \"A made-up entry that shows how the directory looks. Replace it with a checked local service.\"\nphone = \"020 7946 0001\"\nwebsite = \"https://example.org/{slug}/{category}\"\nhours = \"Monday to Friday, 10am to 4pm\"\nlanguages = [\"{}\"]\nlast_verified = {today}\nsample = true\n",
            toml_string(&format!("{name} sample service (sample)")),
            config.default_language().code
        ));
    }
    out
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn display(rel: &str) -> PathBuf {
    Path::new("content").join(rel)
}

fn exists(rel: &str) -> Diagnostic {
    Diagnostic::file_error(
        display(rel),
        "this file already exists; nothing was changed",
    )
    .help("choose another name, or edit the existing file")
}

/// Writes a file that must not exist yet; the existence check and the creation are one
/// system call, so a file made in between is never overwritten either.
fn write_new(content: &Path, rel: &str, text: &str) -> Result<(), Diagnostic> {
    let path = content.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            Diagnostic::file_error(display(rel), format!("cannot create its folder: {e}"))
        })?;
    }
    let mut file = match OpenOptions::new().write(true).create_new(true).open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists(rel)),
        Err(e) => {
            return Err(Diagnostic::file_error(
                display(rel),
                format!("cannot create: {e}"),
            ));
        }
    };
    file.write_all(text.as_bytes())
        .map_err(|e| Diagnostic::file_error(display(rel), format!("cannot write: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_names() {
        assert_eq!(title_from_slug("sleep-and-worry", false), "Sleep and worry");
        assert_eq!(
            title_from_slug("kingston-upon-thames", true),
            "Kingston upon Thames"
        );
        assert_eq!(
            segments(Kind::Guidance, "content/guidance/sleep.md").unwrap(),
            ["guidance", "sleep"]
        );
        assert_eq!(
            segments(Kind::Page, "about/privacy").unwrap(),
            ["about", "privacy"]
        );
        let e = segments(Kind::Guidance, "Sleep and Worry").unwrap_err();
        assert_eq!(
            e.message,
            "`Sleep and Worry` is not a valid name for a page address"
        );
        assert_eq!(
            e.help.as_deref(),
            Some("use lowercase words joined by hyphens: `sleep-and-worry`")
        );
        assert!(segments(Kind::Guidance, "sleep.ar").is_err());
        assert!(segments(Kind::Campaign, "a/b").is_err());
    }

    #[test]
    fn stub_drops_aliases_and_records_the_hash() {
        let toml = "title = \"T\"\naliases = [\n  \"/old/\",\n]\nmachine_draft = false\nreviewed = 2026-01-01\nweight = 2\n[extra]\naliases = 1\n";
        assert_eq!(
            stub_front_matter(toml, "abc"),
            "title = \"T\"\ntranslation_of = \"abc\"\nmachine_draft = true\nweight = 2\n[extra]\naliases = 1\n"
        );
    }
}
