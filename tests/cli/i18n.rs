//! Languages: URLs per language, lang/dir, hreflang, the switcher, pages missing in a language.

use crate::support::Site;

fn built() -> Site {
    Site::built("i18n")
}

#[test]
fn languages_get_their_own_paths_lang_and_dir() {
    let site = built();
    let ar = site.read("ar/guide/stress/index.html");
    assert!(ar.contains(r#"<html lang="ar" dir="rtl">"#));
    let zh = site.read("zh/guide/stress/index.html");
    assert!(zh.contains(r#"<html lang="zh-Hans" dir="ltr">"#));
    assert!(
        site.read("guide/stress/index.html")
            .contains(r#"<html lang="en-GB" dir="ltr">"#)
    );
}

#[test]
fn hreflang_lists_existing_translations_and_x_default() {
    let site = built();
    let en = site.read("guide/stress/index.html");
    for (tag, href) in [
        ("en-GB", "/guide/stress/"),
        ("ar", "/ar/guide/stress/"),
        ("zh-Hans", "/zh/guide/stress/"),
        ("x-default", "/guide/stress/"),
    ] {
        let link =
            format!(r#"<link rel="alternate" hreflang="{tag}" href="https://example.org{href}">"#);
        assert!(en.contains(&link), "missing {link}");
    }
    assert!(
        !en.contains(r#"hreflang="ur""#),
        "no Urdu version exists, none may be offered"
    );
}

#[test]
fn switcher_offers_only_what_exists_each_in_its_own_language() {
    let site = built();
    let ar = site.read("ar/guide/stress/index.html");
    assert!(ar.contains(r#"<a href="/zh/guide/stress/" hreflang="zh-Hans" lang="zh-Hans" dir="ltr">简体中文</a>"#), "{ar}");
    assert!(ar.contains(r#"<span lang="ar" dir="rtl" aria-current="true">العربية</span>"#));
    // Sleeping better exists only in English: no switcher at all.
    let sleep = site.read("guide/sleep/index.html");
    assert!(
        !sleep.contains("class=\"wrap languages\""),
        "a page with no translations shows no switcher"
    );
    assert!(
        !site.out().join("ar/guide/sleep/index.html").exists(),
        "a missing translation is not faked"
    );
}

#[test]
fn sections_list_only_pages_that_exist_in_their_language() {
    let site = built();
    let ar = site.read("ar/guide/index.html");
    assert!(ar.contains("/ar/guide/stress/"));
    assert!(
        !ar.contains("/guide/sleep/") && !ar.contains("/guide/money/"),
        "{ar}"
    );
    // English paginates two per page.
    let en1 = site.read("guide/index.html");
    let en2 = site.read("guide/page/2/index.html");
    assert!(
        en1.contains("/guide/stress/")
            && en1.contains("/guide/sleep/")
            && !en1.contains("/guide/money/")
    );
    assert!(en2.contains("/guide/money/") && en2.contains("/guide/photo/"));
    assert!(en2.contains(r#"rel="prev""#) && en2.contains("Page 2 of 2"));
}

#[test]
fn internal_links_resolve_per_language_with_fallback() {
    let site = built();
    // The Arabic home links to the Arabic guide section (it exists) ...
    assert!(site.read("ar/index.html").contains(r#"href="/ar/guide/""#));
    // ... and the Arabic stress page to the English-only sleep page, at its anchor.
    assert!(
        site.read("ar/guide/stress/index.html")
            .contains(r#"href="/guide/sleep/#a-calm-routine""#)
    );
}

#[test]
fn heading_ids_work_in_arabic_and_chinese() {
    let site = built();
    assert!(
        site.read("ar/guide/stress/index.html")
            .contains(r#"<h2 id="علامات-التوتر">"#)
    );
    assert!(
        site.read("zh/guide/stress/index.html")
            .contains(r#"<h2 id="小步骤大帮助">"#)
    );
}

#[test]
fn taxonomies_are_per_language() {
    let site = built();
    let en = site.read("topics/stress/index.html");
    assert!(en.contains("/guide/stress/") && !en.contains("/ar/guide/"));
    assert!(
        site.read("ar/topics/stress/index.html")
            .contains("/ar/guide/stress/")
    );
    assert!(
        site.read("topics/money-worries/index.html")
            .contains("/guide/money/")
    );
}

#[test]
fn bundles_copy_their_files_and_shortcodes_render() {
    let site = built();
    assert!(site.out().join("guide/photo/circle.svg").is_file());
    assert!(
        site.read("guide/photo/index.html")
            .contains(r#"<img src="circle.svg" alt="A green circle" />"#)
    );
    let en = site.read("guide/stress/index.html");
    let prose = &en[en.find("class=\"prose\"").unwrap()..en.find("</article>").unwrap()];
    assert!(
        prose.contains(r#"<a href="tel:116123" dir="ltr">116 123</a>"#),
        "helplines shortcode output in the body"
    );
    assert!(!prose.contains("{{"), "no literal shortcode text");
}

#[test]
fn sitemap_has_hreflang_alternates() {
    let site = built();
    let sm = site.read("sitemap.xml");
    assert!(sm.contains(
        r#"<xhtml:link rel="alternate" hreflang="ar" href="https://example.org/ar/guide/stress/"/>"#
    ));
    assert!(sm.contains(r#"<xhtml:link rel="alternate" hreflang="x-default" href="https://example.org/guide/stress/"/>"#));
}

#[test]
fn every_page_has_the_get_help_area_with_tel_links() {
    let site = built();
    for page in [
        "index.html",
        "ar/index.html",
        "guide/sleep/index.html",
        "404.html",
        "topics/index.html",
    ] {
        let html = site.read(page);
        assert!(html.contains(r#"<h2 id="get-help-now">"#), "{page}");
        assert!(html.contains(r#"href="tel:116123""#), "{page}");
    }
}

#[test]
fn translations_of_changed_english_are_reported_as_stale() {
    let site = Site::new("i18n", &[]);
    // A reviewer checked the Arabic against the current English: stamp it.
    let run = site.run(
        &["translations", "--stamp", "content/guide/stress.ar.md"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("stamped content/guide/stress.ar.md: translation_of = \""),
        "{}",
        run.stderr
    );
    let table = site.run(&["translations"], &[]).stdout;
    assert!(table.contains("guide/stress.md   E   ✎   ✓   –"), "{table}");
    let run = site.build();
    assert_eq!(run.code, 0);
    assert!(!run.stderr.contains("out of date"), "{}", run.stderr);

    // Re-wrapping the English (white space only) does not make it stale...
    let english = std::fs::read_to_string(site.root().join("content/guide/stress.md")).unwrap();
    site.write(
        "content/guide/stress.md",
        english
            .replace("## Small steps\n", "## Small   steps\n\n\n")
            .replace("\n", "\r\n"),
    );
    assert!(!site.build().stderr.contains("out of date"));
    // ... but changing its words does, and the build says so with the command to run.
    site.write(
        "content/guide/stress.md",
        english.replace("Call a friend.", "Call a friend or a neighbour."),
    );
    let run = site.build();
    assert_eq!(run.code, 0);
    let err = crate::support::clean(&run.stderr, &site);
    assert!(
        err.contains("warning[H026]: translation is out of date: content/guide/stress.md changed since it was translated\n --> content/guide/stress.ar.md:3:1\n"),
        "{err}"
    );
    assert!(
        err.contains("run `hubgen translations --stamp content/guide/stress.ar.md`"),
        "{err}"
    );
    let table = site.run(&["translations"], &[]).stdout;
    assert!(table.contains("guide/stress.md   E   !   ✓   –"), "{table}");
    let row = site.translations_row("guide/stress.md");
    assert_eq!(row["languages"][1], serde_json::json!(["ar", "stale"]));
    let csv = site.run(&["translations", "--format", "csv"], &[]).stdout;
    assert!(
        csv.starts_with("page,title,hash,en,ar,zh,ur,reviewed,review_due,review\n"),
        "{csv}"
    );
    assert!(csv.contains(",source,stale,current,missing,,,\n"), "{csv}");
    // Stamping again after updating the translation makes it current.
    assert_eq!(
        site.run(
            &["translations", "--stamp", "content/guide/stress.ar.md"],
            &[]
        )
        .code,
        0
    );
    assert!(!site.build().stderr.contains("out of date"));
    // Stamping the English itself is refused.
    let run = site.run(&["translations", "--stamp", "content/guide/stress.md"], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("is the English source, not a translation"),
        "{}",
        run.stderr
    );
}

#[test]
fn translation_matrix_page_is_built_but_not_indexed() {
    let site = Site::built("i18n");
    let page = site.read("translations/index.html");
    assert!(page.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(page.contains("<code>guide/stress.md</code>"));
    assert!(
        !site.read("index.html").contains("/translations/"),
        "not linked from public pages"
    );
}

#[test]
fn a_link_may_name_one_translation_explicitly() {
    let site = Site::new("i18n", &[]);
    site.write("content/guide/money.md", "+++\ntitle = \"Money worries\"\ndescription = \"d\"\n+++\n\nRead [the Arabic page](@/guide/stress.ar.md) or [the Urdu one](@/guide/stress.ur.md).\n");
    let run = site.build();
    assert_eq!(run.code, 1, "the Urdu translation does not exist");
    assert!(
        run.stderr
            .contains("link to a page that does not exist: @/guide/stress.ur.md"),
        "{}",
        run.stderr
    );
    site.write("content/guide/money.md", "+++\ntitle = \"Money worries\"\ndescription = \"d\"\n+++\n\nRead [the Arabic page](@/guide/stress.ar.md).\n");
    assert_eq!(site.build().code, 0);
    assert!(
        site.read("guide/money/index.html")
            .contains(r#"<a href="/ar/guide/stress/">the Arabic page</a>"#)
    );
}
