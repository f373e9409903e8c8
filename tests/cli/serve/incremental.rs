//! `hubgen serve`'s rebuilds after each kind of edit: the served folder equals a clean build
//! byte for byte after every one, whether serve patched the site or rebuilt it all.

use std::time::{Duration, Instant};

use super::{EVENT_TIMEOUT, Server};
use crate::support::Site;

/// Builds the site afresh into its own folder with the preview's address, and asserts the
/// served folder holds exactly the same files with exactly the same bytes.
fn assert_served_equals_clean(site: &Site, server: &Server, step: &str) {
    let served = crate::support::tree(&site.root().join("public"));
    let clean_dir = site.dir.path().join(format!("clean-{step}"));
    let run = site.run(
        &[
            "build",
            "--output",
            clean_dir.to_str().unwrap(),
            "--base-url",
            &format!("http://{}", server.addr),
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{step}: {}", run.stderr);
    let clean = crate::support::tree(&clean_dir);
    let only = |a: &std::collections::BTreeMap<String, Vec<u8>>,
                b: &std::collections::BTreeMap<String, Vec<u8>>| {
        a.keys()
            .filter(|k| !b.contains_key(*k))
            .cloned()
            .collect::<Vec<_>>()
    };
    let (extra, missing) = (only(&served, &clean), only(&clean, &served));
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{step}: served but not clean {extra:?}; clean but not served {missing:?}"
    );
    for (path, bytes) in &clean {
        assert!(
            served[path] == *bytes,
            "{step}: {path} differs from a clean build"
        );
    }
    std::fs::remove_dir_all(&clean_dir).unwrap();
}

/// What a step of the incremental test should make serve do.
#[derive(Clone, Copy)]
enum Expect {
    /// Patch the kept site ("Updated after …").
    Targeted,
    /// Rebuild everything ("Rebuilt after … (everything: …)").
    Full,
    /// Fail with the errors a clean build would give.
    Fails,
}

/// The terminal line serve printed for its `n`th rebuild, waiting for it: stderr is read on
/// another thread, so the reload event can arrive before the line does.
fn build_line(server: &Server, n: usize) -> String {
    let deadline = Instant::now() + EVENT_TIMEOUT;
    loop {
        let log = server.stderr();
        let lines: Vec<&str> = log
            .lines()
            .filter(|l| l.starts_with("Updated after ") || l.starts_with("Rebuilt after "))
            .collect();
        if let Some(line) = lines.get(n - 1) {
            return line.to_string();
        }
        assert!(Instant::now() < deadline, "no line for rebuild {n}: {log}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn incremental_rebuilds_equal_a_clean_build_byte_for_byte() {
    let site = Site::new("i18n", &[]);
    // The Chinese page records the English it was translated from, so editing the English
    // words turns it stale: the /translations/ page then changes with an English body.
    let hash = site.translations_row("guide/stress.md")["hash"]
        .as_str()
        .expect("a hash")
        .to_string();
    let root = site.root();
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let zh = read("content/guide/stress.zh.md");
    site.write(
        "content/guide/stress.zh.md",
        zh.replacen(
            "weight = 1\n",
            &format!("weight = 1\ntranslation_of = \"{hash}\"\n"),
            1,
        ),
    );
    let server = Server::start(&site, &[]);
    let mut events = server.events("", &server.addr);
    assert_served_equals_clean(&site, &server, "first build");

    // Each kind of change a save makes, one reload each; after each, the served folder equals
    // a clean build. `targeted` says whether serve may patch (a body edit) or must rebuild.
    let mut reloads = 0;
    let mut step = |name: &str, expect: Expect, change: &dyn Fn()| {
        change();
        reloads += 1;
        events.wait_reloads(reloads, &server);
        let line = build_line(&server, reloads);
        match expect {
            Expect::Targeted => assert!(line.starts_with("Updated after "), "{name}: {line}"),
            Expect::Full => assert!(line.contains("(everything: "), "{name}: {line}"),
            Expect::Fails => {
                assert!(line.contains(": failed in "), "{name}: {line}");
                return;
            }
        }
        assert!(!line.contains("failed"), "{name}: {}", server.stderr());
        assert_served_equals_clean(&site, &server, name);
    };
    use Expect::*;
    let stress = read("content/guide/stress.md");
    // The body of an English page with translations, a new heading included: its page, the
    // search index, the search pages and the staleness column change.
    step("English body", Targeted, &|| {
        site.write(
            "content/guide/stress.md",
            stress.replace(
                "Call a friend.",
                "Call a friend today.\n\n## Breathe\n\nSlowly.",
            ),
        )
    });
    step("translation body", Targeted, &|| {
        site.write(
            "content/guide/stress.ar.md",
            format!("{}\nفقرة جديدة.\n", read("content/guide/stress.ar.md")),
        )
    });
    // A section's body: every page of its listing carries it.
    step("section body", Targeted, &|| {
        site.write(
            "content/guide/_index.md",
            format!(
                "{}\nA new line for the section.\n",
                read("content/guide/_index.md")
            ),
        )
    });
    // Front matter: listings, switchers, feeds and taxonomies read it.
    step("front matter title", Full, &|| {
        site.write(
            "content/guide/stress.md",
            read("content/guide/stress.md").replace("title = \"", "title = \"Edited: "),
        )
    });
    // A heading another page links to goes away: the link breaks, so the clean build would
    // fail; serve must see that too (and not patch the page in silently).
    let sleep = read("content/guide/sleep.md");
    step("anchor removed", Fails, &|| {
        site.write(
            "content/guide/sleep.md",
            sleep.replace("## A calm routine", "## Routine"),
        )
    });
    assert!(
        server
            .stderr()
            .contains("link to an anchor that does not exist"),
        "{}",
        server.stderr()
    );
    step("anchor restored", Full, &|| {
        site.write("content/guide/sleep.md", &sleep)
    });
    step("new page", Full, &|| {
        site.write(
            "content/guide/walking.md",
            "+++\ntitle = \"Walking\"\ndescription = \"A new page.\"\n+++\nWalk a little every day.\n",
        )
    });
    step("deleted page", Full, &|| {
        std::fs::remove_file(root.join("content/guide/money.md")).unwrap()
    });
    let en = read("translations/en.toml");
    let key = "skip_to_content = \"";
    assert!(en.contains(key));
    step("UI string", Full, &|| {
        site.write(
            "translations/en.toml",
            en.replacen(key, &format!("{key}Now: "), 1),
        )
    });
    let css = read("themes/hub/static/style.css");
    step("stylesheet", Full, &|| {
        site.write(
            "themes/hub/static/style.css",
            format!("{css}\n.edited {{ color: #111; }}\n"),
        )
    });
    let page_template = read("themes/hub/templates/page.html");
    assert!(page_template.contains("{% endblock content %}"));
    step("template", Full, &|| {
        site.write(
            "themes/hub/templates/page.html",
            page_template.replacen(
                "{% endblock content %}",
                "<p>Edited.</p>{% endblock content %}",
                1,
            ),
        )
    });
    step("bundle asset", Full, &|| {
        site.write(
            "content/guide/photo/square.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
    });
    // After all that, a body edit is patched into the model of the latest full build.
    step("body after full builds", Targeted, &|| {
        site.write(
            "content/guide/walking.md",
            "+++\ntitle = \"Walking\"\ndescription = \"A new page.\"\n+++\nWalk a lot.\n",
        )
    });

    let log = server.stderr();
    assert!(
        log.contains(" written, "),
        "rebuilds after the first update in place: {log}"
    );
    let served = crate::support::tree(&root.join("public"));
    assert!(served.contains_key("guide/walking/index.html"));
    assert!(!served.contains_key("guide/money/index.html"));
    assert!(served.keys().any(|k| k.ends_with("square.svg")));
}

/// A document with PDF versions (a pack, a page of a `[pdf] leaflets` section) is never
/// patched: its PDFs and the "(PDF, N pages, X KB)" links to them change with its body, and
/// only the full build typesets. After each edit the served folder, PDFs included, equals a
/// clean build; an edit of a page without a PDF is still patched.
#[test]
fn editing_a_document_with_pdfs_rebuilds_everything() {
    let site = Site::new("boroughs", &["packs", "leaflets"]);
    let root = site.root();
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let pdf = |rel: &str| std::fs::read(root.join("public").join(rel)).unwrap();
    let server = Server::start(&site, &[]);
    let mut events = server.events("", &server.addr);
    assert_served_equals_clean(&site, &server, "first build");
    let steps: [(&str, &str, &str, Option<&str>); 3] = [
        (
            "pack body",
            "content/packs/guide.md",
            "A new paragraph for every borough's copy.",
            Some("a pack changed"),
        ),
        (
            "leaflet body",
            "content/guidance/stress.md",
            "A new paragraph for the leaflet.",
            Some("a leaflet page changed"),
        ),
        (
            "page without a PDF",
            "content/food.md",
            "A new line about food.",
            None,
        ),
    ];
    let watched = [
        "boroughs/camden/packs/guide.pdf",
        "boroughs/hackney/packs/guide.pdf",
        "guidance/stress.pdf",
    ];
    for (i, (name, file, words, full)) in steps.into_iter().enumerate() {
        let before: Vec<Vec<u8>> = watched.iter().map(|p| pdf(p)).collect();
        site.write(file, format!("{}\n{words}\n", read(file)));
        events.wait_reloads(i + 1, &server);
        let line = build_line(&server, i + 1);
        match full {
            Some(why) => assert!(
                line.contains(&format!("(everything: {why}")),
                "{name}: {line}"
            ),
            None => assert!(line.starts_with("Updated after "), "{name}: {line}"),
        }
        assert!(!line.contains("failed"), "{name}: {}", server.stderr());
        assert_served_equals_clean(&site, &server, name);
        // Only the edited document's PDFs changed.
        for (p, old) in watched.iter().zip(&before) {
            let edited = match i {
                0 => p.contains("/packs/guide.pdf"),
                1 => *p == "guidance/stress.pdf",
                _ => false,
            };
            assert_eq!(pdf(p) != *old, edited, "{name}: {p}");
        }
    }
}

/// The real hub has many search shards per language, so an edit that adds and then removes
/// words exercises what the small fixture cannot: rewriting the shards a new term lands in and
/// keeping every other shard as it was. The page is a campaign: guidance pages have PDF
/// leaflets, so editing one is a full build.
#[test]
fn patching_the_real_hub_equals_a_clean_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    for part in ["content", "themes", "translations"] {
        crate::support::copy_dir(&crate::support::repo().join(part), &root.join(part));
    }
    std::fs::copy(
        crate::support::repo().join("config.toml"),
        root.join("config.toml"),
    )
    .expect("config");
    let site = Site { dir };
    let server = Server::start(&site, &[]);
    let mut events = server.events("", &server.addr);
    let page = "content/campaigns/right-to-thrive.md";
    let original = std::fs::read_to_string(root.join(page)).unwrap();
    let edits = [
        // New words at both ends of the alphabet, and more of a common one.
        format!("{original}\nAardvarks and zyzzyvas worry less; worry, worry, worry.\n"),
        format!("{original}\nA quieter paragraph about the quixotic yak.\n"),
        original.clone(),
    ];
    for (i, text) in edits.iter().enumerate() {
        site.write(page, text);
        events.wait_reloads(i + 1, &server);
        let line = build_line(&server, i + 1);
        assert!(line.starts_with("Updated after "), "edit {i}: {line}");
        assert_served_equals_clean(&site, &server, &format!("hub edit {i}"));
    }
}

/// A small edit on a site of many pages leaves the index's rounded mean lengths where they
/// were, so serve re-scores only the groups the page is in; a large one moves them, and
/// every group is re-scored. Both give the bytes of a clean build.
#[test]
fn a_small_edit_rescores_only_its_groups_and_a_large_one_all() {
    let site = Site::new("i18n", &[]);
    // 300 pages of 200 body words each: a mean of 200 and more, so one word more on one page
    // moves it by 1/300 of a word, while 2,000 more move it by 6.
    let words = [
        "calm", "sleep", "money", "talk", "walk", "rest", "help", "friend",
    ];
    for i in 0..300 {
        let body: Vec<&str> = (0..200)
            .map(|j| words[(i * 7 + j * 3) % words.len()])
            .collect();
        site.write(
            &format!("content/guide/gen-{i:03}.md"),
            format!(
                "+++\ntitle = \"Generated {i}\"\n+++\n\n{}.\n",
                body.join(" ")
            ),
        );
    }
    let page = "content/guide/gen-007.md";
    let original = std::fs::read_to_string(site.root().join(page)).unwrap();
    let server = Server::start(&site, &[]);
    let mut events = server.events("", &server.addr);
    let many = vec!["zebra"; 2000].join(" ");
    let edits = [
        (format!("{original}\nQuokka.\n"), false),
        // More of words the page already has: its own postings in those groups change.
        (format!("{original}\nQuokka calm calm calm sleep.\n"), false),
        (format!("{original}\n{many}\n"), true),
        (original.clone(), true),
    ];
    for (i, (text, all)) in edits.iter().enumerate() {
        site.write(page, text);
        events.wait_reloads(i + 1, &server);
        let line = build_line(&server, i + 1);
        assert!(line.starts_with("Updated after "), "edit {i}: {line}");
        assert_eq!(
            line.contains("search score (all groups)"),
            *all,
            "edit {i}: {line}"
        );
        assert!(line.contains("search score"), "edit {i}: {line}");
        assert_served_equals_clean(&site, &server, &format!("edit {i}"));
    }
}

/// A save in `static/` copies the file when no page links it by its fingerprinted name, and
/// rebuilds everything when pages do (the theme's stylesheet) or when a file is added.
#[test]
fn static_files_are_copied_unless_pages_link_them() {
    let site = Site::new("i18n", &[]);
    site.write(
        "static/images/map.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let server = Server::start(&site, &[]);
    let mut events = server.events("", &server.addr);
    let css = site.root().join("themes/hub/static/style.css");
    let style = std::fs::read_to_string(&css).unwrap();
    /// A step's name, the save it makes, and why serve must rebuild everything (None: copy).
    type Step<'a> = (&'a str, &'a dyn Fn(), Option<&'a str>);
    let steps: [Step; 4] = [
        (
            "image edited",
            &|| {
                site.write(
                    "static/images/map.svg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>Map</title></svg>",
                )
            },
            None,
        ),
        (
            "linked stylesheet edited",
            &|| std::fs::write(&css, format!("{style}\n.x{{color:red}}\n")).unwrap(),
            Some("a stylesheet or script the pages link changed"),
        ),
        (
            "file added",
            &|| {
                site.write(
                    "static/images/new.svg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                )
            },
            Some("a static file was added or removed"),
        ),
        (
            "image edited again",
            &|| {
                site.write(
                    "static/images/map.svg",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
                )
            },
            None,
        ),
    ];
    for (i, (name, change, full)) in steps.iter().enumerate() {
        change();
        events.wait_reloads(i + 1, &server);
        let line = build_line(&server, i + 1);
        match full {
            None => assert!(line.starts_with("Updated after "), "{name}: {line}"),
            Some(why) => assert!(
                line.contains(&format!("(everything: {why})")),
                "{name}: {line}"
            ),
        }
        assert_served_equals_clean(&site, &server, name);
    }
}
