//! Information packs: every borough × pack print page, each with its own borough's data and
//! the national lines, the pack's own page, links from borough pages, the print stylesheet,
//! escaping, one error per broken shortcode, `--production` and a snapshot.

use crate::support::{Site, clean};

const BOROUGHS: [(&str, &str); 2] = [("camden", "Camden"), ("hackney", "Hackney")];
const PACKS: [&str; 2] = ["guide", "money"];

fn built() -> Site {
    let site = Site::new("boroughs", &["packs"]);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn pack(site: &Site, borough: &str, name: &str) -> String {
    site.read(&format!("boroughs/{borough}/packs/{name}/index.html"))
}

#[test]
fn every_borough_gets_every_pack() {
    let site = built();
    let sitemap = site.read("sitemap.xml");
    for (slug, name) in BOROUGHS {
        for p in PACKS {
            let html = pack(&site, slug, p);
            assert!(
                html.contains(&format!("<p class=\"pack-borough\">For {name}</p>")),
                "{slug}/{p}: no cover with the borough's name"
            );
            assert_eq!(html.matches("<h1").count(), 1, "{slug}/{p}: one h1");
            assert!(
                html.contains(&format!(
                    "<link rel=\"canonical\" href=\"https://hub.example.org/boroughs/{slug}/packs/{p}/\">"
                )),
                "{slug}/{p}: canonical"
            );
            let loc = format!("<loc>https://hub.example.org/boroughs/{slug}/packs/{p}/</loc>");
            assert!(sitemap.contains(&loc), "{slug}/{p}: not in the sitemap");
        }
    }
    // Translations of a pack are made for every borough too, under the language's prefix.
    let ar = site.read("ar/boroughs/hackney/packs/guide/index.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    assert!(ar.contains("هذه الحزمة لـ Hackney."), "{ar}");
}

#[test]
fn a_pack_holds_its_own_boroughs_data_and_no_other() {
    let site = built();
    let hackney = pack(&site, "hackney", "guide");
    for own in [
        "This pack is for Hackney.",
        "Hackney wellbeing team (sample)",
        "Hackney Food Club (sample)",
        "Hackney Money Help",
    ] {
        assert!(hackney.contains(own), "hackney pack lacks {own}");
    }
    assert!(!hackney.contains("Camden"), "Camden data in Hackney's pack");
    let camden = pack(&site, "camden", "guide");
    assert!(camden.contains("This pack is for Camden."));
    assert!(camden.contains("Camden Listening Room (sample)"));
    assert!(!camden.contains("Hackney"), "Hackney data in Camden's pack");
    // A shortcode with a category lists only that category of the pack's borough.
    let money = pack(&site, "hackney", "money");
    assert!(money.contains("Hackney Money Help"));
    assert!(!money.contains("Hackney Food Club"));
    // `@/` links in a pack resolve as on any page.
    assert!(hackney.contains("<a href=\"/food/\">food</a>"), "{hackney}");
}

#[test]
fn every_pack_lists_the_national_lines() {
    let site = built();
    for (slug, _) in BOROUGHS {
        for p in PACKS {
            let html = pack(&site, slug, p);
            for line in [
                "Samaritans",
                "116 123",
                "National Debtline",
                "0808 808 4000",
            ] {
                assert!(html.contains(line), "{slug}/{p} lacks {line}");
            }
        }
    }
}

#[test]
fn pack_pages_are_print_ready_without_inline_script_or_chrome() {
    let site = built();
    let html = pack(&site, "hackney", "guide");
    assert!(html.contains("Content-Security-Policy"));
    let css = asset(&html, "href=\"/pack.", ".css");
    let js = asset(&html, "src=\"/pack.", ".js");
    assert!(html.contains(&format!("<script src=\"{js}\" defer></script>")));
    // No inline script (JSON-LD data blocks aside), no style attributes, no handlers.
    let scripts = html.matches("<script").count();
    let data = html
        .matches("<script type=\"application/ld+json\">")
        .count();
    assert_eq!(scripts, data + 1, "only pack.js runs");
    assert!(!html.contains(" style="), "style attribute");
    assert!(!html.contains(" onclick="), "inline handler");
    // The print button is hidden until pack.js shows it; the hint works without JavaScript.
    assert!(html.contains(
        "<button type=\"button\" class=\"print-button\" hidden>Print this page</button>"
    ));
    assert!(html.contains("use your browser&#39;s Print command"));
    // No site header, search, get-help area or site footer: the pack carries the lines itself.
    for chrome in ["site-header", "site-search", "get-help", "site-footer"] {
        assert!(!html.contains(chrome), "{chrome} on a pack page");
    }
    let css = std::fs::read_to_string(site.out().join(css.trim_start_matches('/'))).expect("css");
    for rule in [
        "@page { size: A4;",
        ".pack a[href^=\"http\"]::after { content: \" (\" attr(href) \")\"",
        ".pack a[href^=\"tel:\"]::after",
        ".pack .service, .pack .helpline, .pack li { break-inside: avoid;",
        "break-after: avoid",
        ".pack-cover { break-after: page;",
        ".skip-link, .pack-toolbar, .pack-footer { display: none !important; }",
    ] {
        assert!(css.contains(rule), "pack.css lacks {rule}");
    }
    for physical in [
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align: left",
    ] {
        assert!(
            !css.contains(physical),
            "pack.css uses {physical}; use logical properties"
        );
    }
    let js = std::fs::read_to_string(site.out().join(js.trim_start_matches('/'))).expect("js");
    assert!(js.contains("window.print()"));
}

/// The fingerprinted URL of a static file referenced in `html` as `attr="/name.<hash><ext>`.
fn asset(html: &str, attr: &str, ext: &str) -> String {
    let i = html
        .find(attr)
        .unwrap_or_else(|| panic!("no {attr} in page"))
        + attr.find('/').unwrap_or(0);
    let len = html[i..].find(ext).expect("extension") + ext.len();
    html[i..i + len].to_string()
}

#[test]
fn borough_pages_link_their_packs_and_pack_pages_link_every_borough() {
    let site = built();
    let page = site.read("boroughs/hackney/index.html");
    assert!(page.contains("<h2 id=\"information-packs\">Information packs</h2>"));
    assert!(
        page.contains("<a href=\"/boroughs/hackney/packs/guide/\">Guide pack (print page)</a>")
    );
    assert!(
        page.contains("<a href=\"/boroughs/hackney/packs/money/\">Money pack (print page)</a>")
    );
    assert!(
        page.find("packs/guide/").unwrap_or(usize::MAX) < page.find("packs/money/").unwrap_or(0),
        "packs in weight order"
    );
    // The pack's own page is a list of the borough copies, not the pack without a borough.
    let own = site.read("packs/guide/index.html");
    for (slug, name) in BOROUGHS {
        assert!(own.contains(&format!(
            "<a href=\"/boroughs/{slug}/packs/guide/\">{name}</a>"
        )));
    }
    // Only the pack's outline, with its headings' anchors (search results link to them).
    assert!(
        own.contains("<li id=\"support-lines\">Support lines</li>"),
        "{own}"
    );
    assert!(
        !own.contains("This pack is for"),
        "pack body on the pack's own page"
    );
    assert!(site.read("packs/index.html").contains("/packs/money/"));
}

#[test]
fn text_from_markdown_and_toml_is_escaped() {
    let site = Site::new("boroughs", &["packs"]);
    site.write(
        "content/packs/guide.md",
        "+++\ntitle = \"<i>Pack</i> & co\"\ndescription = \"a <b>d</b>\"\n+++\n\n## About\n\nFor {{ borough_name() }}.\n\n{{ borough_directory() }}\n",
    );
    let toml = std::fs::read_to_string(site.root().join("content/boroughs/camden/services.toml"))
        .expect("services.toml")
        .replace(
            "Camden Listening Room (sample)",
            "<img src=x onerror=alert(1)> & Room",
        );
    site.write("content/boroughs/camden/services.toml", toml);
    let title = std::fs::read_to_string(site.root().join("content/boroughs/camden/_index.md"))
        .expect("_index.md")
        .replace(
            "title = \"Camden\"",
            "title = \"Camden <script>alert(1)</script>\"",
        );
    site.write("content/boroughs/camden/_index.md", title);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = pack(&site, "camden", "guide");
    for raw in ["<i>Pack", "<b>d</b>", "<img src=x", "<script>alert"] {
        assert!(!html.contains(raw), "unescaped {raw}");
    }
    for escaped in [
        "<h1>&lt;i&gt;Pack&lt;/i&gt; &amp; co</h1>",
        "&lt;img src=x onerror=alert(1)&gt; &amp; Room",
        "For Camden &lt;script&gt;alert(1)&lt;/script&gt;.",
    ] {
        assert!(html.contains(escaped), "missing {escaped} in\n{html}");
    }
}

#[test]
fn a_broken_shortcode_in_a_pack_is_one_error_at_its_line() {
    let site = Site::new("boroughs", &["packs"]);
    site.write(
        "content/packs/money.md",
        "+++\ntitle = \"Money pack\"\n+++\n\n## Money\n\n{{ services(category=\"nope\") }}\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = clean(&run.stderr, &site);
    assert!(
        err.contains("error[H007]: shortcode `services` failed: unknown category `nope`; the categories are mental-health, money-and-debt, food\n --> content/packs/money.md:7:1\n"),
        "{err}"
    );
    assert!(err.contains("\n1 error, "), "{err}");
    assert_eq!(
        err.matches("unknown category").count(),
        1,
        "once, not per borough: {err}"
    );
}

#[test]
fn production_refuses_samples_in_packs_as_before() {
    let production = |layers: &[&str]| {
        let site = Site::new("boroughs", layers);
        let out = site.out();
        let run = site.run(
            &[
                "build",
                "--production",
                "--output",
                out.to_str().expect("path"),
            ],
            &[],
        );
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(!out.exists(), "nothing written");
        clean(&run.stderr, &site)
    };
    let without = production(&[]);
    let with = production(&["packs"]);
    // The same sample entries are refused, once each: packs add no diagnostics of their own.
    let errors = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("error["))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert!(!errors(&without).is_empty());
    assert_eq!(errors(&with), errors(&without));
}

#[test]
fn pack_html_snapshot() {
    // The PDF's size depends on the fonts installed (tests/cli/pdf.rs checks it exactly).
    let html = pack(&built(), "hackney", "guide");
    let size = pdf_size(&html);
    insta::assert_snapshot!("pack", html.replace(&size, "N KB"));
}

#[test]
fn check_places_a_lint_in_a_pack_at_the_pack_source() {
    let site = Site::new("boroughs", &["packs"]);
    site.write(
        "content/packs/money.md",
        "+++\ntitle = \"Money pack\"\ndescription = \"Money help.\"\n+++\n\n## Money\n\n#### Too deep\n\nText.\n",
    );
    let run = site.run(&["check"], &[]);
    let err = clean(&run.stderr, &site);
    assert!(err.contains(" --> content/packs/money.md:8:"), "{err}");
}

/// The `NN KB` of the first PDF link's size in `html`.
fn pdf_size(html: &str) -> String {
    let Some(i) = html.find(" KB)") else {
        return "no size".into();
    };
    let start = html[..i].rfind(' ').map_or(0, |j| j + 1);
    format!("{} KB", &html[start..i])
}
