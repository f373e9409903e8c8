//! The editor workflow of issue 9: `hubgen new` for every kind and for translation stubs,
//! review dates (rendered in each language, due and overdue in `check`), and `updated` from git.

use std::process::Command;

use crate::support::Site;

/// Every `hubgen check` finding of one code, from `--format json`.
fn findings(run: &crate::support::Run, code: &str) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["code"] == code)
        .collect()
}

#[test]
fn new_makes_every_kind_and_the_site_builds() {
    let site = Site::new("boroughs", &[]);
    let made = [
        (
            vec!["new", "guidance", "sleep-and-worry"],
            "content/guidance/sleep-and-worry.md",
            "guidance/sleep-and-worry/index.html",
        ),
        (
            vec!["new", "campaign", "content/campaigns/walk-and-talk.md"],
            "content/campaigns/walk-and-talk.md",
            "campaigns/walk-and-talk/index.html",
        ),
        (
            vec!["new", "page", "about-us/privacy"],
            "content/about-us/privacy.md",
            "about-us/privacy/index.html",
        ),
        (
            vec!["new", "borough", "kingston-upon-thames"],
            "content/boroughs/kingston-upon-thames/_index.md",
            "boroughs/kingston-upon-thames/index.html",
        ),
    ];
    for (args, file, _) in &made {
        let run = site.run(args, &[("HUBGEN_TODAY", "2026-03-03")]);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(
            run.stdout.starts_with(&format!("created {file}\n")),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("at http://127.0.0.1:1111/"),
            "{}",
            run.stdout
        );
    }
    let guidance = std::fs::read_to_string(site.root().join(made[0].1)).unwrap();
    assert!(
        guidance.starts_with("+++\ntitle = \"Sleep and worry\"\n"),
        "{guidance}"
    );
    for line in [
        "reviewed = 2026-03-03\n",
        "review_due = 2027-03-03\n",
        "topics = [\"wellbeing\"]\n",
        "draft = true",
    ] {
        assert!(guidance.contains(line), "{line} in\n{guidance}");
    }
    let services = std::fs::read_to_string(
        site.root()
            .join("content/boroughs/kingston-upon-thames/services.toml"),
    )
    .unwrap();
    assert!(services.contains("phone = \"020 7946 0001\"") && services.contains("sample = true"));

    // With drafts the new pages are built, with no errors; without, only the borough is.
    let out = site.out();
    let run = site.run(
        &["build", "--drafts", "--output", out.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (_, _, html) in &made {
        assert!(out.join(html).is_file(), "{html} was not built");
    }
    assert!(
        site.read("boroughs/kingston-upon-thames/index.html")
            .contains("Kingston upon Thames")
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(" + 3 drafts skipped + "),
        "{}",
        run.stderr
    );

    // A second `new` with the same name fails and leaves the edited file as it was.
    for (args, file, _) in &made {
        let path = site.root().join(file);
        let edited = format!(
            "{}\nMy own words.\n",
            std::fs::read_to_string(&path).unwrap()
        );
        std::fs::write(&path, &edited).unwrap();
        let run = site.run(args, &[]);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(
            run.stderr
                .contains("this file already exists; nothing was changed"),
            "{}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    }
}

#[test]
fn new_refuses_names_that_are_not_slugs() {
    let site = Site::new("minimal", &[]);
    let run = site.run(&["new", "guidance", "Sleep Well"], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error: `Sleep Well` is not a valid name for a page address"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`sleep-well`"), "{}", run.stderr);
    let run = site.run(&["new", "page", "news/first.ar"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!site.root().join("content/guidance").exists());
}

#[test]
fn new_translation_is_a_current_machine_draft() {
    let site = Site::new("i18n", &[]);
    let run = site.run(&["new", "translation", "content/guide/sleep.md", "ar"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("created content/guide/sleep.ar.md\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("http://127.0.0.1:1111/ar/guide/sleep/"),
        "{}",
        run.stdout
    );
    let english = std::fs::read_to_string(site.root().join("content/guide/sleep.md")).unwrap();
    let stub = std::fs::read_to_string(site.root().join("content/guide/sleep.ar.md")).unwrap();
    assert!(stub.contains("\nmachine_draft = true\n"), "{stub}");
    let body = |t: &str| t.splitn(3, "+++\n").nth(2).unwrap_or_default().to_string();
    assert_eq!(body(&stub), body(&english), "the English text is in place");

    let row = site.translations_row("guide/sleep.md");
    assert_eq!(
        row["languages"][1],
        serde_json::json!(["ar", "machine_draft"])
    );
    let hash = row["hash"].as_str().unwrap();
    assert!(
        stub.contains(&format!("\ntranslation_of = \"{hash}\"\n")),
        "{stub}"
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("H026"), "{}", run.stderr);
    assert!(
        site.read("ar/guide/sleep/index.html")
            .contains("dir=\"rtl\"")
    );

    // Unknown languages, the source language and translations of translations are refused.
    for (args, message) in [
        (
            ["new", "translation", "content/guide/money.md", "xx"],
            "error: `xx` is not a language of this site",
        ),
        (
            ["new", "translation", "content/guide/money.md", "en"],
            "is the site's own language",
        ),
        (
            ["new", "translation", "content/guide/stress.ar.md", "zh"],
            "this file is already a translation",
        ),
        (
            ["new", "translation", "content/guide/sleep.md", "ar"],
            "this file already exists; nothing was changed",
        ),
    ] {
        let run = site.run(&args, &[]);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
    assert!(!site.root().join("content/guide/money.xx.md").exists());
}

/// The i18n fixture with review dates on the English stress page (translated into ar and zh).
fn reviewed_site(reviewed: &str, due: &str) -> Site {
    let site = Site::new("i18n", &[]);
    let path = site.root().join("content/guide/stress.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let dates = format!("weight = 1\nreviewed = {reviewed}\n{due}");
    site.write(
        "content/guide/stress.md",
        text.replacen("weight = 1\n", &dates, 1),
    );
    site
}

#[test]
fn review_dates_are_written_in_each_language() {
    let site = reviewed_site("2026-03-03", "review_due = 2027-03-03\n");
    let run = site.build_env(&[("HUBGEN_TODAY", "2026-06-01")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let en = site.read("guide/stress/index.html");
    assert!(
        en.contains("Page last reviewed: <time datetime=\"2026-03-03\">3 March 2026</time> · Next review due: <time datetime=\"2027-03-03\">3 March 2027</time>"),
        "{en}"
    );
    let ar = site.read("ar/guide/stress/index.html");
    assert!(
        ar.contains("آخر مراجعة للصفحة: <time datetime=\"2026-03-03\">3 مارس 2026</time>"),
        "{ar}"
    );
    let zh = site.read("zh/guide/stress/index.html");
    assert!(
        zh.contains("<time datetime=\"2026-03-03\">2026年3月3日</time>")
            && zh.contains("<time datetime=\"2027-03-03\">2027年3月3日</time>"),
        "{zh}"
    );
    // A page without review dates shows none.
    assert!(!site.read("guide/money/index.html").contains("review-dates"));
}

#[test]
fn overdue_and_due_soon_reviews_are_reported() {
    let site = reviewed_site("2025-01-10", "review_due = 2026-01-10\n");
    let today = [("HUBGEN_TODAY", "2026-03-03")];
    let run = site.run(&["check", "--format", "json"], &today);
    assert_eq!(
        run.code, 0,
        "overdue is a warning by default: {}",
        run.stderr
    );
    let overdue = findings(&run, "H032");
    assert_eq!(overdue.len(), 1, "{}", run.stdout);
    assert_eq!(overdue[0]["file"], "content/guide/stress.md");
    assert_eq!(overdue[0]["line"], 6);
    assert_eq!(overdue[0]["severity"], "warning");
    assert_eq!(
        overdue[0]["message"],
        "this page's review is overdue: it was due on 2026-01-10, 52 days ago"
    );
    // Translations show the English dates and are not reported again.
    assert!(findings(&run, "H031").is_empty());
    // Not yet overdue: due within 30 days.
    let run = site.run(
        &["check", "--format", "json"],
        &[("HUBGEN_TODAY", "2026-01-01")],
    );
    let soon = findings(&run, "H031");
    assert_eq!(soon.len(), 1, "{}", run.stdout);
    assert_eq!(
        soon[0]["message"],
        "this page is due for review on 2026-01-10 (in 9 days)"
    );
    let run = site.run(
        &["check", "--format", "json"],
        &[("HUBGEN_TODAY", "2025-06-01")],
    );
    assert!(findings(&run, "H031").is_empty() && findings(&run, "H032").is_empty());
    // The matrix shows it too.
    let table = site.run(&["translations"], &today).stdout;
    assert!(table.contains("  2026-01-10 (OVERDUE)\n"), "{table}");

    // Where config.toml says so, overdue is an error and nothing is built.
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!("{config}\n[review]\noverdue_is_error = true\n"),
    );
    let run = site.build_env(&today);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error[H032]: this page's review is overdue"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_section_interval_sets_review_due() {
    let site = reviewed_site("2026-03-03", "");
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!("{config}\n[review]\ninterval_days = {{ guide = 180 }}\ndue_soon_days = 7\n"),
    );
    let run = site.build_env(&[("HUBGEN_TODAY", "2026-08-25")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        site.read("guide/stress/index.html")
            .contains("Next review due: <time datetime=\"2026-08-30\">30 August 2026</time>")
    );
    assert!(
        run.stderr
            .contains("warning[H031]: this page is due for review on 2026-08-30 (in 5 days)"),
        "{}",
        run.stderr
    ); // The section's other pages hold health information too and must say when they were checked.
    for page in ["money", "sleep", "photo/index"] {
        assert!(
            run.stderr.contains(&format!(
                "warning[H033]: this page in guide/ does not say when it was last reviewed\n --> content/guide/{page}.md:1:1\n"
            )),
            "{}",
            run.stderr
        );
    }
    assert_eq!(run.stderr.matches("[H033]").count(), 3, "{}", run.stderr);
}

fn git(site: &Site, args: &[&str], date: &str) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=Editor",
            "-c",
            "user.email=editor@example.org",
        ])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(site.root())
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git is needed for this test");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn updated_comes_from_the_last_commit_of_each_file() {
    let site = Site::new("minimal", &[]);
    // Not a git checkout: no date is made up.
    assert_eq!(site.build().code, 0);
    assert!(!site.read("about/index.html").contains("class=\"dates\""));

    git(&site, &["init", "-q"], "2026-01-10T09:00:00+00:00");
    git(&site, &["add", "-A"], "2026-01-10T09:00:00+00:00");
    git(
        &site,
        &["commit", "-qm", "first"],
        "2026-01-10T09:00:00+00:00",
    );
    let about = std::fs::read_to_string(site.root().join("content/about.md")).unwrap();
    site.write("content/about.md", format!("{about}\nMore words.\n"));
    git(
        &site,
        &["commit", "-qam", "second"],
        "2026-02-20T15:30:00+00:00",
    );
    // An uncommitted edit does not change the date: the output depends on the commit only.
    site.write(
        "content/news/first.md",
        std::fs::read(site.root().join("content/news/first.md")).unwrap(),
    );

    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let about = site.read("about/index.html");
    assert!(
        about.contains("Last updated: <time datetime=\"2026-02-20\">20 February 2026</time>"),
        "{about}"
    );
    assert!(
        site.read("news/first/index.html")
            .contains("<time datetime=\"2026-01-10\">10 January 2026</time>")
    );
}

#[test]
fn every_language_has_its_own_date_strings() {
    let dir = crate::support::repo().join("translations");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let code = path.file_stem().unwrap().to_string_lossy().into_owned();
        let file: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let strings = file["strings"].as_table().unwrap();
        let get = |k: &str| {
            strings
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{code}: no {k}"))
                .to_string()
        };
        let pattern = get("date_long");
        for part in ["{day}", "{month}", "{year}"] {
            assert!(pattern.contains(part), "{code}: date_long lacks {part}");
        }
        let months: Vec<String> = (1..=12).map(|m| get(&format!("month_{m:02}"))).collect();
        let mut distinct = months.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 12, "{code}: month names repeat");
        if code != "en" {
            assert_ne!(months[2], "March", "{code}: English month name");
            assert_ne!(get("page_reviewed"), "Page last reviewed", "{code}");
        }
        checked += 1;
    }
    assert_eq!(checked, 27);
}
