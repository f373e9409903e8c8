//! `hubgen check`: every lint once in a fixture (JSON asserted exactly), a clean site gives
//! nothing, `allow` silences codes, nothing is ever written, and the accounting line adds up.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

use crate::support::{Site, clean, tree};

fn tree_hash(dir: &Path) -> u64 {
    let mut h = DefaultHasher::new();
    tree(dir).hash(&mut h);
    h.finish()
}

fn check_json(site: &Site) -> crate::support::Run {
    site.run(&["check", "--format", "json"], &[])
}

/// The numbers of `content/: N files = a pages + b drafts skipped + …`, checked to add up.
fn accounting(stderr: &str) -> (usize, Vec<usize>) {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("content/: "))
        .unwrap_or_else(|| panic!("no accounting line in:\n{stderr}"));
    let (total, parts) = line["content/: ".len()..]
        .split_once(" = ")
        .expect("N files = parts");
    let num = |s: &str| -> usize {
        s.split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("number in `{s}`"))
    };
    let parts: Vec<usize> = parts.split(" + ").map(num).collect();
    let total = num(total);
    assert_eq!(parts.iter().sum::<usize>(), total, "{line}");
    (total, parts)
}

/// Files under `content/`, counted independently of hubgen.
/// Each JSON line of `check`, as `H024` when it is a sample-entry notice, else the whole line
/// (so anything unexpected shows in the assertion's message).
fn sample_notices_or_lines(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .map(|l| match l.contains("\"code\":\"H024\"") {
            true => "H024",
            false => l,
        })
        .collect()
}

fn files_in(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

#[test]
fn every_lint_once_as_json() {
    let site = Site::new("minimal", &["lints"]);
    let run = check_json(&site);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("every_lint_json", run.stdout);
    // Every line is one JSON object with the documented fields, and every new lint is there.
    let mut codes = std::collections::BTreeSet::new();
    for line in run.stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let keys: Vec<&str> = v
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        // (serde_json sorts keys here; the snapshot above fixes their written order)
        assert_eq!(
            keys,
            [
                "code", "column", "file", "help", "line", "message", "severity"
            ]
        );
        codes.insert(v["code"].as_str().expect("code").to_string());
    }
    let lints: Vec<String> = (12..=21).map(|n| format!("H0{n}")).collect();
    for code in &lints {
        assert!(codes.contains(code), "{code} missing from:\n{}", run.stdout);
    }
}

#[test]
fn human_output_shows_codes_without_colour_when_piped() {
    let site = Site::new("minimal", &["lints"]);
    let run = site.run(&["check"], &[]);
    assert_eq!(run.code, 1);
    let err = clean(&run.stderr, &site);
    assert!(
        !err.contains('\u{1b}'),
        "no colour when not a terminal:\n{err}"
    );
    assert!(
        err.contains("warning[H018]: link text `click here` does not say where the link goes\n  --> content/lints/index.md:12:1\n"),
        "{err}"
    );
    assert!(err.contains("\n5 errors, 7 warnings in 4 files\n"), "{err}");
    assert!(
        err.ends_with("Check failed (check never writes anything).\n"),
        "{err}"
    );
}

#[test]
fn clean_fixture_gives_no_diagnostics() {
    let site = Site::new("minimal", &[]);
    let run = check_json(&site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "", "no diagnostics");
    let run = site.run(&["check"], &[]);
    assert_eq!(
        clean(&run.stderr, &site),
        "content/: 5 files = 5 pages + 0 drafts skipped + 0 with errors\nChecked 5 pages: no errors\n"
    );
}

#[test]
fn richer_fixtures_give_no_false_positives() {
    // 3 languages with RTL, bundles, shortcodes, taxonomies, feeds and aliases: clean.
    let run = check_json(&Site::new("i18n", &[]));
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{}", run.stderr);
    // Boroughs with directories, category filter pages and JSON-LD: only the sample notices.
    let run = check_json(&Site::new("boroughs", &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let codes = sample_notices_or_lines(&run.stdout);
    assert_eq!(codes, ["H024", "H024"], "{}", run.stdout);
}

#[test]
fn allow_in_front_matter_and_config_silences_codes() {
    let site = Site::new("minimal", &["lints"]);
    let page = std::fs::read_to_string(site.root().join("content/lints/index.md")).unwrap();
    site.write(
        "content/lints/index.md",
        page.replacen("+++\ntitle", "+++\nallow = [\"H012\", \"H013\", \"H014\", \"H015\", \"H016\", \"H017\", \"H018\"]\ntitle", 1),
    );
    // Per file: the page's own findings go, the other files' findings stay.
    let run = check_json(&site);
    let codes: Vec<String> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")["code"].to_string())
        .collect();
    assert_eq!(
        codes,
        ["\"H019\"", "\"H019\"", "\"H020\"", "\"H021\""],
        "{}",
        run.stdout
    );
    // Per site, in config.toml.
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!("{config}\n[check]\nallow = [\"H019\", \"H020\", \"H021\"]\n"),
    );
    let run = check_json(&site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    // A code that cannot be allowed is refused, naming the ones that can.
    site.write(
        "content/lints/index.md",
        page.replacen("+++\ntitle", "+++\nallow = [\"H008\"]\ntitle", 1),
    );
    let run = site.run(&["check"], &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("error[H003]: `H008` cannot be allowed"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_writes_nothing() {
    let site = Site::new("minimal", &["lints"]);
    let before = tree_hash(site.dir.path());
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["check", "--production"],
    ] {
        let run = site.run(args, &[]);
        assert_eq!(run.code, 1, "{}", run.stderr);
    }
    let clean_site = Site::new("minimal", &[]);
    let clean_before = tree_hash(clean_site.dir.path());
    assert_eq!(clean_site.run(&["check"], &[]).code, 0);
    assert_eq!(tree_hash(site.dir.path()), before, "check changed files");
    assert_eq!(tree_hash(clean_site.dir.path()), clean_before);
    for s in [&site, &clean_site] {
        assert!(!s.out().exists() && !s.root().join("public").exists());
    }
}

#[test]
fn accounting_adds_up_on_fixtures() {
    let site = Site::new("minimal", &["lints"]);
    site.write("content/.draft.md.swp", "editor swap file");
    site.write(
        "content/news/later.md",
        "+++\ntitle = \"Later\"\ndescription = \"d\"\ndraft = true\n+++\n",
    );
    site.write("content/news/broken.md", "+++\ntitle = \n+++\n");
    let found = files_in(&site.root().join("content"));
    for args in [&["check"][..], &["build", "--output", "../out"]] {
        let run = site.run(args, &[]);
        let (total, parts) = accounting(&run.stderr);
        assert_eq!(total, found, "{}", run.stderr);
        // pages, drafts, errors, data, copied, unused, ignored
        assert_eq!(parts, [7, 1, 1, 1, 1, 1], "{}", run.stderr);
    }
}

#[test]
fn accounting_adds_up_on_the_real_hub() {
    let root = crate::support::repo();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_hubgen"))
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .expect("run hubgen");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let (total, _) = accounting(&stderr);
    assert_eq!(total, files_in(&root.join("content")));
    // Only the 33 known sample notices: no lint finds anything in the real content.
    let stdout = String::from_utf8_lossy(&o.stdout);
    let codes = sample_notices_or_lines(&stdout);
    assert_eq!(codes, vec!["H024"; 33], "{stdout}");
}

#[test]
fn a_template_mistake_is_reported_once_with_its_page_count() {
    let site = Site::new("minimal", &[]);
    let t = std::fs::read_to_string(site.root().join("themes/hub/templates/page.html")).unwrap();
    site.write(
        "themes/hub/templates/page.html",
        t.replacen(
            "<h1>{{ page.title }}</h1>",
            "<h1>{{ page.title }}</h1><p><a href=\"/missing/\">{{ page.title }} archive</a><img src=\"/missing.png\"></p><h4>{{ page.title }} notes</h4>",
            1,
        ),
    );
    let run = check_json(&site);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let help = "; it is not in the Markdown source, so it comes from a template or shortcode";
    let expected = [
        (
            "H012",
            "error",
            "<img> source /missing.png is not a file of the site (on 3 pages, e.g. /about/)",
        ),
        (
            "H012",
            "error",
            "link to /missing/, which is not a page or file of the site (on 3 pages, e.g. /about/)",
        ),
        (
            "H014",
            "error",
            "image /missing.png has no alt attribute (on 3 pages, e.g. /about/)",
        ),
        (
            "H015",
            "warning",
            "heading level skipped: h1 `About` is followed by h4 `About notes` (on 3 pages, e.g. /about/)",
        ),
    ];
    let got: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(got.len(), expected.len(), "{}", run.stdout);
    for (v, (code, severity, message)) in got.iter().zip(expected) {
        assert_eq!(v["file"], "themes/hub/templates");
        assert_eq!(
            (v["code"].as_str(), v["severity"].as_str()),
            (Some(code), Some(severity))
        );
        assert_eq!(v["message"], message);
        assert!(v["help"].as_str().is_some_and(|h| h.ends_with(help)), "{v}");
    }
}

#[test]
fn json_is_the_same_whatever_the_thread_count() {
    let site = Site::new("minimal", &["lints"]);
    let one = site.run(
        &["check", "--format", "json"],
        &[("RAYON_NUM_THREADS", "1")],
    );
    let many = site.run(
        &["check", "--format", "json"],
        &[("RAYON_NUM_THREADS", "8")],
    );
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn production_errors_turn_listed_warnings_into_errors() {
    let site = Site::new("minimal", &[]);
    site.write(
        "content/news/third.md",
        "+++\ntitle = \"Third\"\n+++\n\nNo description.\n",
    );
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!("{config}\n[check]\nproduction_errors = [\"H020\"]\n"),
    );
    let severity = |args: &[&str]| {
        let run = site.run(args, &[]);
        let v: serde_json::Value = serde_json::from_str(run.stdout.trim())
            .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
        assert_eq!(v["code"], "H020");
        (
            run.code,
            v["severity"].as_str().unwrap_or_default().to_string(),
        )
    };
    assert_eq!(
        severity(&["check", "--format", "json"]),
        (0, "warning".into())
    );
    assert_eq!(
        severity(&["check", "--production", "--format", "json"]),
        (1, "error".into())
    );
}
