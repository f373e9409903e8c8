//! Building sites: output layout, determinism, atomic replacement, the real hub.

use crate::support::{Site, clean, tree};

#[test]
fn minimal_site_builds_every_output_kind() {
    let site = Site::new("minimal", &[]);
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = format!(
        "content/: 5 files = 5 pages + 0 drafts skipped + 0 with errors\nBuilt 5 pages into {} (",
        site.out().display()
    );
    assert!(
        clean(&run.stderr, &site).starts_with(&expected),
        "{}",
        run.stderr
    );
    for f in [
        "index.html",
        "about/index.html",
        "news/index.html",
        "news/first/index.html",
        "news/atom.xml",
        "old-about/index.html",
        "topics/index.html",
        "topics/updates/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "style.css",
        ".hubgen-output",
    ] {
        assert!(site.out().join(f).is_file(), "missing {f}");
    }
    let home = site.read("index.html");
    assert!(home.contains(r#"<html lang="en-GB" dir="ltr">"#), "{home}");
    assert!(
        home.contains(r#"href="/about/#who-we-are""#),
        "@/ link with anchor resolved"
    );
    let css = std::fs::read_dir(site.out())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("style.") && n.len() == "style.0123456789.css".len());
    let css = css.expect("fingerprinted stylesheet");
    assert!(
        home.contains(&format!("href=\"/{css}\"")),
        "page links the fingerprinted stylesheet"
    );
    let alias = site.read("old-about/index.html");
    assert!(
        alias.contains(r#"<meta http-equiv="refresh" content="0; url=/about/">"#),
        "{alias}"
    );
    let feed = site.read("news/atom.xml");
    let second = feed.find("Second news").unwrap();
    let first = feed.find("First news").unwrap();
    assert!(second < first, "newest entry first");
    assert!(feed.contains("<updated>2026-02-10T00:00:00Z</updated>"));
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
    );
    // The table renders, and sections list newest first (sort_by = "date").
    assert!(site.read("about/index.html").contains("<table>"));
    let news = site.read("news/index.html");
    assert!(news.find("Second news").unwrap() < news.find("First news").unwrap());
}

#[test]
fn same_input_gives_same_bytes_whatever_the_thread_count() {
    let site = Site::new("i18n", &[]);
    assert_eq!(site.build_env(&[("RAYON_NUM_THREADS", "1")]).code, 0);
    let one = tree(&site.out());
    assert_eq!(site.build_env(&[("RAYON_NUM_THREADS", "2")]).code, 0);
    let two = tree(&site.out());
    assert_eq!(site.build_env(&[("RAYON_NUM_THREADS", "2")]).code, 0);
    let again = tree(&site.out());
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        two.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &one {
        assert!(
            two[path] == *bytes,
            "{path} differs between 1 and 2 threads"
        );
        assert!(again[path] == *bytes, "{path} differs between two builds");
    }
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = Site::new("minimal", &[]);
    assert_eq!(site.build().code, 0);
    let before = tree(&site.out());
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\ndate = 2026-13-01\n+++\n",
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("Nothing was written; the previous site is unchanged.\n"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&site.out()), before);
    let leftovers: Vec<String> = std::fs::read_dir(site.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".hubgen"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let site = Site::new("minimal", &[]);
    std::fs::create_dir_all(site.out()).unwrap();
    std::fs::write(site.out().join("notes.txt"), "mine").unwrap();
    let run = site.build();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("is not empty and was not made by hubgen"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(site.out().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn usage_errors_exit_2() {
    let site = Site::new("minimal", &[]);
    assert_eq!(site.run(&["build", "--no-such-flag"], &[]).code, 2);
    assert_eq!(site.run(&["frobnicate"], &[]).code, 2);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new("minimal", &[]);
    site.write(
        "content/news/later.md",
        "+++\ntitle = \"Later\"\ndescription = \"d\"\ndraft = true\n+++\n",
    );
    assert_eq!(site.build().code, 0);
    assert!(!site.out().join("news/later/index.html").exists());
    let out = site.out();
    let run = site.run(
        &["build", "--drafts", "--output", out.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.out().join("news/later/index.html").exists());
}

#[test]
fn base_url_override_reaches_canonical_links() {
    let site = Site::new("minimal", &[]);
    let out = site.out();
    let run = site.run(
        &[
            "build",
            "--base-url",
            "https://preview.example.net/",
            "--output",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        site.read("about/index.html")
            .contains(r#"<link rel="canonical" href="https://preview.example.net/about/">"#)
    );
}

#[test]
fn help_lists_the_commands() {
    let site = Site::new("minimal", &[]);
    let run = site.run(&["build", "--help"], &[]);
    assert_eq!(run.code, 0);
    for flag in ["--root", "--output", "--base-url", "--drafts"] {
        assert!(
            run.stdout.contains(flag),
            "{flag} missing from:\n{}",
            run.stdout
        );
    }
}
