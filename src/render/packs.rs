//! The print HTML of information packs: one page per borough per pack (language version), at
//! `crate::packs::html_path`, rendered through the theme's `pack.html` with that borough in
//! context. Shortcodes in a pack see `borough` (the slug) as if it had been passed to them, so
//! `{{ services(category="housing") }}` in a pack lists the borough's own housing services.

use rayon::prelude::*;

use super::context::{self, Alternate, DocView, Summary};
use super::{OutputFile, Renderer, index_file, markdown};
use crate::diagnostics::Diagnostic;
use crate::model::Doc;
use crate::packs;

impl Renderer<'_> {
    /// Every borough's print page of pack `d`. A broken shortcode is reported once, at the
    /// pack's source, not once per borough.
    pub(super) fn pack_pages(&self, d: &Doc) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let site = self.site;
        let front = &d.parsed.front;
        let name = packs::name(d);
        let where_ = format!("while rendering {}", d.parsed.source.display.display());
        let results: Vec<Result<OutputFile, Vec<Diagnostic>>> = site
            .boroughs
            .par_iter()
            .map(|b| {
                let shortcodes = self.shortcodes(d, Some(&b.slug))?;
                let view = DocView {
                    summary: Summary::of(d),
                    content: markdown::to_html(d, &shortcodes),
                    toc: context::toc(&d.parsed.structure.headings),
                    taxonomies: Vec::new(),
                    extra: &front.extra,
                    subsections: Vec::new(),
                    review: None,
                };
                let path = packs::html_path(&site.config, d.lang(), &b.slug, name);
                // The same pack for the same borough in the pack's other languages.
                let alternates: Vec<Alternate<'_>> = context::alternates(site, d)
                    .into_iter()
                    .map(|mut a| {
                        a.path = packs::html_path(&site.config, a.lang.code, &b.slug, name);
                        a
                    })
                    .collect();
                let mut ctx = self.base(d.lang());
                ctx.insert("title", &format!("{} – {}", front.title, b.name));
                ctx.insert("description", &front.description);
                ctx.insert("page", &view);
                ctx.insert(
                    "pack",
                    &serde_json::json!({"name": name, "title": front.title}),
                );
                if let Some(view) = self.directory.by_slug.get(&b.slug) {
                    ctx.insert("borough", view);
                }
                self.page_meta(&mut ctx, &alternates, &path);
                self.html_file(index_file(&path), "pack.html", &ctx, &where_)
            })
            .collect();
        let mut out = Vec::with_capacity(results.len());
        let mut errors: Vec<Diagnostic> = Vec::new();
        for r in results {
            match r {
                Ok(f) => out.push(f),
                Err(e) => {
                    for diag in e {
                        if !errors.iter().any(|x| {
                            (&x.file, x.line, x.column, &x.message)
                                == (&diag.file, diag.line, diag.column, &diag.message)
                        }) {
                            errors.push(diag);
                        }
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}
