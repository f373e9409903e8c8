//! Boroughs and their services directories: pages, category filters, shortcodes, JSON-LD,
//! one fixture per validation rule (message asserted exactly) and `--production`.

use crate::support::{Site, clean};

/// The first diagnostic (the error in camden/services.toml) must be exactly `expected`.
fn fails_with(case: &str, expected: &str) {
    let site = Site::new("boroughs", &[&format!("invalid-services/{case}")]);
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = clean(&run.stderr, &site);
    assert!(
        err.starts_with(expected),
        "expected:\n{expected}\ngot:\n{err}"
    );
    assert!(err.contains("\n1 error, "), "exactly one error: {err}");
}

#[test]
fn bad_date() {
    fails_with(
        "bad-date",
        r#"error[H022]: invalid TOML: invalid date, expected day between 01 and 30
 --> content/boroughs/camden/services.toml:7:17
  |
7 | last_verified = 2026-11-31
  |                 ^^^^^^^^^^
  = help: write dates as YYYY-MM-DD, e.g. 2026-03-01, and check the day exists

"#,
    );
}

#[test]
fn bad_email() {
    fails_with(
        "bad-email",
        r#"error[H022]: `email`: `listening at example.org` is not an email address
 --> content/boroughs/camden/services.toml:8:9
  |
8 | email = "listening at example.org"
  |         ^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: write it as name@example.org

"#,
    );
}

#[test]
fn bad_phone() {
    fails_with(
        "bad-phone",
        r#"error[H022]: `phone`: `020 794` is not a UK phone number
 --> content/boroughs/camden/services.toml:5:9
  |
5 | phone = "020 794"
  |         ^^^^^^^^^
  = help: write it as people dial it, e.g. 020 7946 0123 or 0800 123 4567

"#,
    );
}

#[test]
fn bad_postcode() {
    fails_with(
        "bad-postcode",
        r#"error[H022]: `postcode`: `NW1 AAB` is not a UK postcode
 --> content/boroughs/camden/services.toml:8:12
  |
8 | postcode = "NW1 AAB"
  |            ^^^^^^^^^
  = help: write it like E8 1DY or SW1A 2AA

"#,
    );
}

#[test]
fn bad_url() {
    fails_with(
        "bad-url",
        r#"error[H022]: `website`: `example.org/camden` is not an http(s) address
 --> content/boroughs/camden/services.toml:8:11
  |
8 | website = "example.org/camden"
  |           ^^^^^^^^^^^^^^^^^^^^
  = help: write the full address, e.g. https://www.example.org

"#,
    );
}

#[test]
fn missing_field() {
    fails_with(
        "missing-field",
        r#"error[H022]: [[service]] entry has no `description`
 --> content/boroughs/camden/services.toml:1:1
  |
1 | [[service]]
  | ^^^^^^^^^^^
  = help: add a line such as description = "…" to this entry

"#,
    );
}

#[test]
fn real_looking_sample() {
    fails_with(
        "real-looking-sample",
        r#"error[H022]: `phone`: a sample entry must use a drama number
 --> content/boroughs/camden/services.toml:5:9
  |
5 | phone = "020 7123 4567"
  |         ^^^^^^^^^^^^^^^
  = help: sample entries use Ofcom's drama numbers 020 7946 0000 to 020 7946 0999, so nobody real is called

"#,
    );
}

#[test]
fn unknown_category() {
    fails_with(
        "unknown-category",
        r#"error[H022]: `category`: unknown category `mental health`
 --> content/boroughs/camden/services.toml:3:12
  |
3 | category = "mental health"
  |            ^^^^^^^^^^^^^^^
  = help: use one of: mental-health, money-and-debt, food

"#,
    );
}

#[test]
fn unknown_language() {
    fails_with(
        "unknown-language",
        r#"error[H022]: `languages`: unknown language code `klingon`
 --> content/boroughs/camden/services.toml:8:13
  |
8 | languages = ["en", "klingon"]
  |             ^^^^^^^^^^^^^^^^^
  = help: use codes from config.toml: en, ar

"#,
    );
}

fn built() -> Site {
    Site::built("boroughs")
}

#[test]
fn borough_page_groups_services_by_category_with_labels_and_links() {
    let site = built();
    let html = site.read("boroughs/hackney/index.html");
    // Categories in config order: money-and-debt before food.
    let money = html
        .find(r#"<h3 id="cat-money-and-debt">"#)
        .expect("money group");
    let food = html.find(r#"<h3 id="cat-food">"#).expect("food group");
    assert!(money < food);
    assert!(
        !html.contains(r#"id="cat-mental-health""#),
        "empty categories are left out"
    );
    assert!(html.contains(r#"<a href="tel:02079460501" dir="ltr">020 7946 0501</a>"#));
    assert!(
        html.contains(
            r#"<a href="mailto:wellbeing@example.org" dir="ltr">wellbeing@example.org</a>"#
        )
    );
    assert!(html.contains(r#"<span class="sample-label">Sample entry</span>"#));
    assert!(
        html.contains("1 Sample Street, E8 1AA"),
        "postcode normalised"
    );
    assert!(
        html.contains(r#"<span lang="ar" dir="rtl">العربية</span>"#),
        "languages by their own names"
    );
    assert!(
        html.contains("Low-cost groceries &amp; a weekly meal."),
        "text is escaped"
    );
    assert!(html.contains(r#"ONS code <span dir="ltr">E09000012</span>"#));
}

#[test]
fn services_carry_schema_org_json_ld() {
    let site = built();
    let html = site.read("boroughs/hackney/index.html");
    let club = html.find("Hackney Food Club (sample)").expect("food club");
    let start = club
        + html[club..]
            .find(r#"<script type="application/ld+json">"#)
            .expect("json-ld");
    let body = &html[start + r#"<script type="application/ld+json">"#.len()..];
    let json = &body[..body.find("</script>").unwrap()];
    let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    assert_eq!(v["@type"], "Organization");
    assert_eq!(v["areaServed"]["name"], "Hackney");
    assert_eq!(v["telephone"], "020 7946 0501");
    assert_eq!(v["address"]["postalCode"], "E8 1AA");
    assert!(
        json.contains("\\u0026"),
        "& is escaped inside the script element: {json}"
    );
}

#[test]
fn category_filter_pages_work_without_javascript() {
    let site = built();
    let food = site.read("boroughs/hackney/services/food/index.html");
    assert!(food.contains("Hackney Food Club (sample)") && !food.contains("Hackney Money Help"));
    assert!(
        food.contains(
            r#"<a href="/boroughs/hackney/services/food/" aria-current="page">Food (1)</a>"#
        ),
        "{food}"
    );
    assert!(
        !site
            .out()
            .join("boroughs/hackney/services/mental-health/index.html")
            .exists()
    );
}

#[test]
fn shortcodes_list_boroughs_and_services() {
    let site = built();
    let home = site.read("index.html");
    let camden = home
        .find(r#"<a href="/boroughs/camden/">Camden</a>"#)
        .expect("camden");
    let hackney = home
        .find(r#"<a href="/boroughs/hackney/">Hackney</a>"#)
        .expect("hackney");
    assert!(camden < hackney, "alphabetical");
    let food = site.read("food/index.html");
    let (first, second) = food.split_at(food.find(r#"<h2 id="everything-in-camden">"#).unwrap());
    assert!(
        first.contains("Hackney Food Club") && !first.contains("Hackney Money Help"),
        "category filter"
    );
    assert!(second.contains("Camden Listening Room"));
}

#[test]
fn shortcode_with_unknown_borough_or_category_is_an_error() {
    let site = Site::new("boroughs", &[]);
    site.write("content/food.md", "+++\ntitle = \"F\"\ndescription = \"d\"\n+++\n\n{{ services(borough=\"hackny\") }}\n\n{{ services(borough=\"hackney\", category=\"fud\") }}\n");
    let run = site.build();
    assert_eq!(run.code, 1);
    let err = clean(&run.stderr, &site);
    assert!(err.contains("error[H007]: shortcode `services` failed: no borough `hackny`; the boroughs are camden, hackney\n --> content/food.md:6:1\n"), "{err}");
    assert!(err.contains("error[H007]: shortcode `services` failed: unknown category `fud`; the categories are mental-health, money-and-debt, food\n --> content/food.md:8:1\n"), "{err}");
}

#[test]
fn production_refuses_samples_and_overdue_entries_listing_all() {
    let site = Site::new("boroughs", &[]);
    let out = site.out();
    let run = site.run(
        &["build", "--production", "--output", out.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 1);
    let err = clean(&run.stderr, &site);
    for (file, line, name, why, code) in [
        (
            "camden",
            1,
            "Camden Listening Room (sample)",
            "is sample data",
            "H024",
        ),
        (
            "hackney",
            1,
            "Hackney wellbeing team (sample)",
            "is sample data",
            "H024",
        ),
        (
            "hackney",
            8,
            "Hackney Food Club (sample)",
            "is sample data",
            "H024",
        ),
        (
            "hackney",
            21,
            "Hackney Money Help",
            "is due for review",
            "H023",
        ),
    ] {
        let pad = " ".repeat(line.to_string().len());
        let expected = format!(
            "error[{code}]: `{name}` {why}; a production build may not publish it\n{pad}--> content/boroughs/{file}/services.toml:{line}:1\n"
        );
        assert!(err.contains(&expected), "missing:\n{expected}\nin:\n{err}");
    }
    assert!(err.contains("\n4 errors, "), "{err}");
    assert!(!site.out().exists());
    // Without --production the same site builds, with the samples labelled.
    assert_eq!(site.build().code, 0);
}
