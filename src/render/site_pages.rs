//! The site-wide pages that come from the model rather than from one Markdown file:
//! taxonomy lists and terms, the translation matrix at `/translations/`, the search pages and
//! `404.html`.

use crate::diagnostics::Diagnostic;
use crate::model::Taxonomy;
use crate::render::context::{Alternate, LangView, Summary};
use crate::render::{OutputFile, Renderer, index_file};

impl Renderer<'_> {
    pub(super) fn taxonomy(&self, t: &Taxonomy) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let site = self.site;
        let lang_alts = |suffix: &dyn Fn(&str) -> Option<String>| -> Vec<Alternate> {
            site.config
                .languages
                .iter()
                .filter_map(|l| {
                    suffix(&l.code).map(|path| Alternate {
                        lang: LangView::of(l),
                        path,
                        current: l.code == t.lang,
                    })
                })
                .collect()
        };
        let exists = |code: &str, slug: Option<&str>| {
            site.taxonomies
                .iter()
                .find(|o| o.lang == code && o.name == t.name)
                .and_then(|o| match slug {
                    None => Some(o.path.clone()),
                    Some(s) => o
                        .terms
                        .iter()
                        .find(|term| term.slug == s)
                        .map(|term| term.path.clone()),
                })
        };
        let mut out = Vec::new();
        let mut ctx = self.base(&t.lang);
        let terms: Vec<serde_json::Value> = t.terms.iter().map(|term| serde_json::json!({"name": term.name, "path": term.path, "count": term.pages.len()})).collect();
        ctx.insert(
            "taxonomy",
            &serde_json::json!({"name": t.name, "path": t.path, "terms": terms}),
        );
        ctx.insert("title", &t.name);
        let alts = lang_alts(&|code| exists(code, None));
        self.page_meta(&mut ctx, &alts, &t.path);
        out.push(self.html_file(
            index_file(&t.path),
            "taxonomy_list.html",
            &ctx,
            &format!("while rendering {}", t.path),
        )?);
        for term in &t.terms {
            let mut c = ctx.clone();
            let pages: Vec<Summary> = term
                .pages
                .iter()
                .map(|&i| Summary::of(&site.docs[i]))
                .collect();
            c.insert(
                "term",
                &serde_json::json!({"name": term.name, "path": term.path, "pages": pages}),
            );
            c.insert("title", &term.name);
            let alts = lang_alts(&|code| exists(code, Some(&term.slug)));
            self.page_meta(&mut c, &alts, &term.path);
            out.push(self.html_file(
                index_file(&term.path),
                "taxonomy_term.html",
                &c,
                &format!("while rendering {}", term.path),
            )?);
        }
        Ok(out)
    }

    /// `/translations/`: the coverage and staleness matrix for the people who commission
    /// translations (`noindex`, not linked from the navigation).
    pub(super) fn translations_page(&self) -> Result<OutputFile, Diagnostic> {
        let default = &self.site.config.default_language().code;
        let rows: Vec<serde_json::Value> = crate::translations::matrix(self.site)
            .iter()
            .map(|r| {
                let cells: Vec<serde_json::Value> =
                    r.languages.iter().map(|(code, c)| serde_json::json!({"lang": code, "state": c, "symbol": c.symbol()})).collect();
                // No source hash: it changes with every edit of an English page's words, and
                // without it the page changes only when a state does (serve then need not
                // render it again). `hubgen translations --format json` gives it.
                serde_json::json!({"page": r.page, "title": r.title, "cells": cells, "reviewed": r.reviewed, "review_due": r.review_due, "review": r.review})
            })
            .collect();
        let mut ctx = self.base(default);
        ctx.insert("title", "Translations");
        ctx.insert("rows", &rows);
        self.page_meta(&mut ctx, &[], "/translations/");
        self.html_file(
            "translations/index.html".into(),
            "translations.html",
            &ctx,
            "while rendering /translations/",
        )
        .map_err(|mut e| e.remove(0))
    }

    /// `/search/` and `/<code>/search/`: the form, and the client script told where its
    /// language's manifest is. Rendered only when the theme has `search.html`; with `only`,
    /// just those languages' pages (each page reads its own manifest and which languages have
    /// one, nothing else that a Markdown body changes).
    pub(super) fn search_pages(
        &self,
        manifests: &std::collections::HashMap<String, String>,
        only: Option<&[String]>,
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        if !self.templates.has("search.html") {
            return Ok(Vec::new());
        }
        let config = &self.site.config;
        let path_of = |code: &str| format!("{}/search/", config.lang_prefix(code));
        let mut out = Vec::new();
        for lang in &config.languages {
            let Some(manifest) = manifests.get(&lang.code) else {
                continue;
            };
            if only.is_some_and(|o| !o.contains(&lang.code)) {
                continue;
            }
            let alts: Vec<Alternate> = config
                .languages
                .iter()
                .filter(|l| manifests.contains_key(&l.code))
                .map(|l| Alternate {
                    lang: LangView::of(l),
                    path: path_of(&l.code),
                    current: l.code == lang.code,
                })
                .collect();
            let path = path_of(&lang.code);
            let mut ctx = self.base(&lang.code);
            // search.html prints the translated title itself; this is for other themes.
            ctx.insert("title", "Search");
            ctx.insert("search_manifest", manifest);
            let topics = self
                .site
                .taxonomies
                .iter()
                .find(|t| t.lang == lang.code && t.name == "topics")
                .map(|t| t.path.clone());
            ctx.insert("topics_path", &topics);
            let boroughs = self
                .site
                .get("boroughs/_index.md", &lang.code)
                .or_else(|| {
                    self.site
                        .get("boroughs/_index.md", &config.default_language().code)
                })
                .map(|d| d.path.clone());
            ctx.insert("boroughs_path", &boroughs);
            self.page_meta(&mut ctx, &alts, &path);
            out.push(self.html_file(
                index_file(&path),
                "search.html",
                &ctx,
                &format!("while rendering {path}"),
            )?);
        }
        Ok(out)
    }

    pub(super) fn not_found(&self) -> Result<OutputFile, Diagnostic> {
        let default = &self.site.config.default_language().code;
        let mut ctx = self.base(default);
        ctx.insert("title", "404");
        self.page_meta(&mut ctx, &[], "/404.html");
        self.html_file(
            "404.html".into(),
            "404.html",
            &ctx,
            "while rendering 404.html",
        )
        .map_err(|mut e| e.remove(0))
    }
}
