//! Site-wide files written without templates: `sitemap.xml` with hreflang alternates,
//! `robots.txt`, an Atom feed per language for each configured section, alias redirects.

use std::fmt::Write as _;

use crate::model::Site;
use crate::render::{Content, OutputFile, index_file};

/// Every extra file, in a fixed order.
pub fn all(site: &Site) -> Vec<OutputFile> {
    let mut out = vec![sitemap(site), robots(site)];
    out.extend(feeds(site));
    out.extend(aliases(site));
    out
}

/// Escapes text for XML and HTML attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

fn sitemap(site: &Site) -> OutputFile {
    let c = &site.config;
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut docs: Vec<_> = site.docs.iter().collect();
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    for d in docs {
        let _ = writeln!(
            x,
            "  <url>\n    <loc>{}</loc>",
            xml_escape(&c.absolute(&d.path))
        );
        if let Some(u) = d
            .parsed
            .front
            .updated
            .as_ref()
            .or(d.parsed.front.date.as_ref())
        {
            let _ = writeln!(x, "    <lastmod>{}</lastmod>", u.ymd);
        }
        if d.translations.len() > 1 {
            for &t in &d.translations {
                let t = &site.docs[t];
                if let Some(l) = c.language(t.lang()) {
                    let _ = writeln!(
                        x,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        xml_escape(&l.tag),
                        xml_escape(&c.absolute(&t.path))
                    );
                }
            }
            if let Some(&def) = d
                .translations
                .iter()
                .find(|&&t| site.docs[t].lang() == c.default_language().code)
            {
                let _ = writeln!(
                    x,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                    xml_escape(&c.absolute(&site.docs[def].path))
                );
            }
        }
        x.push_str("  </url>\n");
    }
    for t in &site.taxonomies {
        let _ = writeln!(
            x,
            "  <url>\n    <loc>{}</loc>\n  </url>",
            xml_escape(&c.absolute(&t.path))
        );
        for term in &t.terms {
            let _ = writeln!(
                x,
                "  <url>\n    <loc>{}</loc>\n  </url>",
                xml_escape(&c.absolute(&term.path))
            );
        }
    }
    // Each borough's copy of each pack is a page of its own, made outside `site.docs`.
    for pack in site.docs.iter().filter(|d| crate::packs::is_pack(d)) {
        for copy in crate::packs::copies(site, pack) {
            let _ = writeln!(
                x,
                "  <url>\n    <loc>{}</loc>\n  </url>",
                xml_escape(&c.absolute(&copy.path))
            );
        }
    }
    x.push_str("</urlset>\n");
    OutputFile {
        path: "sitemap.xml".into(),
        content: Content::Bytes(x.into_bytes()),
    }
}

fn robots(site: &Site) -> OutputFile {
    let body = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.config.absolute("/sitemap.xml")
    );
    OutputFile {
        path: "robots.txt".into(),
        content: Content::Bytes(body.into_bytes()),
    }
}

/// Feed readers need a date; pages without one sort last and carry the Unix epoch.
const NO_DATE: &str = "1970-01-01T00:00:00Z";

fn feeds(site: &Site) -> Vec<OutputFile> {
    let c = &site.config;
    let mut out = Vec::new();
    for section in &c.feeds {
        let key = format!("{}/_index.md", section.trim_matches('/'));
        for lang in &c.languages {
            let Some(s) = site.get(&key, &lang.code) else {
                continue;
            };
            let mut entries: Vec<_> = s.pages.iter().map(|&i| &site.docs[i]).collect();
            let stamp = |d: &crate::model::Doc| {
                let f = &d.parsed.front;
                f.updated
                    .as_ref()
                    .or(f.date.as_ref())
                    .map_or(NO_DATE.to_string(), |d| d.rfc3339.clone())
            };
            entries.sort_by(|a, b| stamp(b).cmp(&stamp(a)).then_with(|| a.path.cmp(&b.path)));
            let updated = entries
                .iter()
                .map(|d| stamp(d))
                .max()
                .unwrap_or_else(|| NO_DATE.to_string());
            let feed_path = format!("{}atom.xml", s.path);
            let mut x = String::new();
            let _ = write!(
                x,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{} – {}</title>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n",
                xml_escape(&lang.tag),
                xml_escape(&c.title),
                xml_escape(&s.parsed.front.title),
                xml_escape(&c.absolute(&feed_path)),
                xml_escape(&c.absolute(&s.path)),
                xml_escape(&c.absolute(&feed_path)),
                updated
            );
            for d in entries {
                let f = &d.parsed.front;
                let link = c.absolute(&d.path);
                let _ = write!(
                    x,
                    "  <entry xml:lang=\"{}\">\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <updated>{}</updated>\n",
                    xml_escape(&lang.tag),
                    xml_escape(&f.title),
                    xml_escape(&link),
                    xml_escape(&link),
                    stamp(d)
                );
                if let Some(p) = &f.date {
                    let _ = writeln!(x, "    <published>{}</published>", p.rfc3339);
                }
                if let Some(desc) = &f.description {
                    let _ = writeln!(x, "    <summary>{}</summary>", xml_escape(desc));
                }
                let _ = writeln!(
                    x,
                    "    <author><name>{}</name></author>\n  </entry>",
                    xml_escape(&c.title)
                );
            }
            x.push_str("</feed>\n");
            out.push(OutputFile {
                path: feed_path.trim_start_matches('/').to_string(),
                content: Content::Bytes(x.into_bytes()),
            });
        }
    }
    out
}

fn aliases(site: &Site) -> Vec<OutputFile> {
    site.aliases
        .iter()
        .map(|(from, id)| {
            let d = &site.docs[*id];
            let lang = site.config.language(d.lang()).map_or("en", |l| l.tag.as_str());
            let to = xml_escape(&d.path);
            let abs = xml_escape(&site.config.absolute(&d.path));
            let title = xml_escape(&d.parsed.front.title);
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">\n<title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{abs}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n<p><a href=\"{to}\">{title}</a></p>\n</body>\n</html>\n"
            );
            let path = if from.ends_with(".html") { from.trim_start_matches('/').to_string() } else { index_file(from) };
            OutputFile { path, content: Content::Html(html.into_bytes()) }
        })
        .collect()
}
