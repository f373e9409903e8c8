//! Search: the JS tokeniser agrees with the Rust one on the shared vectors, and the index of the
//! real hub works through the real client (`search.js` run by Node with files read from the
//! build): every indexed URL and anchor exists, every page is found by a word of its title,
//! expected pages come first, builds are byte-identical, markup in titles stays text.
//!
//! Node is needed for the client's side. Without it these tests print a loud SKIPPED line and
//! pass, except when `CI=true`, where a missing Node fails them (`HUBGEN_TEST_NODE` names
//! another binary, e.g. a missing one to check exactly that).
//!
//! Not covered here, for the headless-Chromium harness (`tests/browser/`): load
//! `/search/?q=<img src=x onerror=alert(1)>` on a site with a page of that title and check the
//! result's link text equals the title, no `img` element exists in `#search-results` and no
//! dialog opened; `/search/?q=money`, `/ar/search/?q=المال`, `/zh/search/?q=孤独` put
//! `/guidance/money-worries/`, `/ar/guidance/money-worries/`,
//! `/zh/guidance/loneliness-and-connection/` first and `#search-status` announces the count;
//! typing in `#search-q` updates the results and the URL's `?q=`; every request stays on the
//! site's origin; the page passes axe (WCAG 2.2 AA) in en, ar (RTL) and zh with results shown;
//! with JavaScript off, the `<noscript>` links are there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use hubgen::search::tokenize::tokenize;
use serde_json::Value;

use crate::support::{Site, repo, tree};

/// The Node binary: `node`, or `HUBGEN_TEST_NODE` (set it to a missing path to see the
/// SKIPPED behaviour, and with `CI=true` the failure).
fn node_cmd() -> String {
    std::env::var("HUBGEN_TEST_NODE").unwrap_or_else(|_| "node".to_string())
}

fn node() -> bool {
    let found = Command::new(node_cmd())
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "node is required for the search client tests when CI=true"
        );
        eprintln!(
            "\n*** SKIPPED: node not found; the search client (search.js) was NOT tested ***\n"
        );
        println!("*** SKIPPED: node not found; the search client (search.js) was NOT tested ***");
    }
    found
}

fn harness(args: &[&std::ffi::OsStr]) -> Value {
    let o = Command::new(node_cmd())
        .arg(repo().join("tests/search_harness.js"))
        .args(args)
        .output()
        .expect("run node");
    assert!(
        o.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("harness prints JSON")
}

/// The manifest URL the search page of `prefix` (`` or `/ar`) points at.
fn manifest_url(out: &Path, prefix: &str) -> String {
    let html = std::fs::read_to_string(out.join(format!("{}search/index.html", slash(prefix))))
        .expect("search page");
    let at = html.find("data-manifest=").expect("data-manifest") + "data-manifest=".len();
    html[at..]
        .trim_start_matches('"')
        .split(['"', ' ', '>'])
        .next()
        .expect("value")
        .to_string()
}

fn slash(prefix: &str) -> String {
    let p = prefix.trim_start_matches('/');
    if p.is_empty() {
        String::new()
    } else {
        format!("{p}/")
    }
}

fn read_json(out: &Path, url: &str) -> Value {
    let text = std::fs::read_to_string(out.join(url.trim_start_matches('/')))
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// Every result page of one language's index: (page number, metadata).
fn pages(out: &Path, manifest: &str) -> Vec<Value> {
    let m = read_json(out, manifest);
    let dir = &manifest[..manifest.rfind('/').expect("dir") + 1];
    let mut all = Vec::new();
    let hashes = m["meta"].as_str().expect("meta");
    for i in (0..hashes.len()).step_by(10) {
        let chunk = read_json(out, &format!("{dir}m.{}.json", &hashes[i..i + 10]));
        all.extend(chunk.as_array().expect("chunk").iter().cloned());
    }
    all
}

struct Lang {
    code: String,
    prefix: String,
}

fn hub_languages() -> Vec<Lang> {
    #[derive(serde::Deserialize)]
    struct L {
        code: String,
    }
    #[derive(serde::Deserialize)]
    struct C {
        language: Vec<L>,
    }
    let text = std::fs::read_to_string(repo().join("config.toml")).expect("config");
    let c: C = toml::from_str(&text).expect("config parses");
    c.language
        .into_iter()
        .map(|l| Lang {
            prefix: if l.code == "en" {
                String::new()
            } else {
                format!("/{}", l.code)
            },
            code: l.code,
        })
        .collect()
}

/// Runs queries through the real client: (lang, manifest, query) → results.
fn run_queries(out: &Path, queries: &[(String, String, String)]) -> Vec<Value> {
    let list: Vec<Value> = queries
        .iter()
        .map(|(lang, manifest, q)| serde_json::json!({"lang": lang, "manifest": manifest, "q": q}))
        .collect();
    let file = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(file.path(), serde_json::to_vec(&list).expect("json")).expect("write");
    let v = harness(&["query".as_ref(), out.as_os_str(), file.path().as_os_str()]);
    v.as_array().expect("array").clone()
}

fn urls(result: &Value) -> Vec<String> {
    result["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["url"].as_str().expect("url").to_string())
        .collect()
}

#[test]
fn js_tokenizer_agrees_with_the_shared_vectors() {
    if !node() {
        return;
    }
    let path = repo().join("tests/search_vectors.json");
    let vectors: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("vectors")).expect("json");
    let js = harness(&["vectors".as_ref(), path.as_os_str()]);
    let js = js.as_array().expect("array");
    assert_eq!(js.len(), vectors.len());
    for (v, got) in vectors.iter().zip(js) {
        assert_eq!(&v["tokens"], got, "{}: {}", v["lang"], v["text"]);
    }
}

#[test]
fn search_pages_in_every_language_load_only_an_external_script() {
    let out = &crate::hub::hub().out;
    for l in hub_languages() {
        let page =
            std::fs::read_to_string(out.join(format!("{}search/index.html", slash(&l.prefix))))
                .unwrap_or_else(|e| panic!("{}: {e}", l.code));
        assert!(
            page.contains("id=search-app") || page.contains("id=\"search-app\""),
            "{}",
            l.code
        );
        assert!(page.contains("role=status") || page.contains("role=\"status\""));
        assert!(page.contains("<noscript>"), "{}", l.code);
        let manifest = manifest_url(out, &l.prefix);
        assert!(
            manifest.starts_with(&format!("/search/{}/manifest.", l.code)),
            "{manifest}"
        );
        assert!(out.join(manifest.trim_start_matches('/')).is_file());
        // One script, external, deferred; no inline code, handlers or style attributes (CSP).
        let scripts: Vec<&str> = page
            .match_indices("<script")
            .map(|(i, _)| &page[i..])
            .collect();
        assert_eq!(scripts.len(), 1, "{}", l.code);
        let tag = &scripts[0][..scripts[0].find('>').expect("tag end")];
        assert!(
            tag.contains("src=/search.") && tag.contains("defer"),
            "{tag}"
        );
        assert!(!page.contains(" onload=") && !page.contains(" style="));
    }
    // Other pages carry the header form to their own language's search page and no script.
    for (file, action) in [
        ("index.html", "/search/"),
        ("ar/guidance/money-worries/index.html", "/ar/search/"),
        ("zh/index.html", "/zh/search/"),
    ] {
        let page = std::fs::read_to_string(out.join(file)).expect(file);
        assert!(page.contains(&format!("action={action}")), "{file}");
        assert!(
            page.contains("type=search") && page.contains("name=q"),
            "{file}"
        );
        assert!(
            page.contains("for=site-search-q"),
            "{file}: the box has a label"
        );
        assert!(
            !page.contains("src=/search."),
            "{file}: only the search page loads the client"
        );
    }
}

#[test]
fn every_indexed_url_and_anchor_exists_in_the_build() {
    let out = &crate::hub::hub().out;
    let mut html: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut checked = 0;
    for l in hub_languages() {
        let manifest = manifest_url(out, &l.prefix);
        let m = read_json(out, &manifest);
        let dir = &manifest[..manifest.rfind('/').expect("dir") + 1];
        let hashes = m["shards"].as_str().expect("shards");
        assert_eq!(
            hashes.len(),
            10 * m["firsts"].as_array().expect("firsts").len()
        );
        for i in (0..hashes.len()).step_by(10) {
            let f = format!("{dir}s.{}.json", &hashes[i..i + 10]);
            assert!(out.join(f.trim_start_matches('/')).is_file(), "{f}");
        }
        for p in pages(out, &manifest) {
            let url = p["u"].as_str().expect("u");
            let (path, anchor) = url.split_once('#').unwrap_or((url, ""));
            let file = out.join(format!("{}index.html", path.trim_start_matches('/')));
            let text = html.entry(file.clone()).or_insert_with(|| {
                std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{url}: {e}"))
            });
            let mut anchors: Vec<&str> = vec![anchor];
            for b in p["b"].as_array().expect("blocks") {
                anchors.push(b[0].as_str().expect("anchor"));
            }
            for a in anchors.into_iter().filter(|a| !a.is_empty()) {
                assert!(
                    text.contains(&format!("id={a}>"))
                        || text.contains(&format!("id={a} "))
                        || text.contains(&format!("id=\"{a}\"")),
                    "{url}: no element with id {a}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} pages indexed");
}

#[test]
fn every_hub_page_is_found_by_a_word_of_its_title() {
    if !node() {
        return;
    }
    let out = &crate::hub::hub().out;
    let mut queries = Vec::new();
    let mut expect = Vec::new();
    for l in hub_languages() {
        let manifest = manifest_url(out, &l.prefix);
        for p in pages(out, &manifest) {
            let title = p["t"].as_str().expect("t");
            let url = p["u"].as_str().expect("u").to_string();
            let mut words: Vec<String> = tokenize(title, &l.code)
                .into_iter()
                .map(|t| t.term)
                .collect();
            words.dedup();
            let first = queries.len();
            for w in words {
                // A trailing space: the word as typed, not a prefix.
                queries.push((l.code.clone(), manifest.clone(), format!("{w} ")));
            }
            expect.push((url, title.to_string(), first..queries.len()));
        }
    }
    let results = run_queries(out, &queries);
    let mut missing = Vec::new();
    for (url, title, range) in expect {
        if !results[range].iter().any(|r| urls(r).contains(&url)) {
            missing.push(format!("{url} ({title})"));
        }
    }
    assert!(
        missing.is_empty(),
        "not found by any word of their title:\n{}",
        missing.join("\n")
    );
}

#[test]
fn english_arabic_and_chinese_queries_put_the_expected_page_first() {
    if !node() {
        return;
    }
    let out = &crate::hub::hub().out;
    let cases = [
        ("en", "", "money", "/guidance/money-worries/"),
        ("en", "", "lonel", "/guidance/loneliness-and-connection/"),
        ("ar", "/ar", "المال", "/ar/guidance/money-worries/"),
        (
            "zh",
            "/zh",
            "孤独",
            "/zh/guidance/loneliness-and-connection/",
        ),
        ("en", "", "food hackney", "/boroughs/hackney/#svc-food-1"),
    ];
    let queries: Vec<(String, String, String)> = cases
        .iter()
        .map(|(code, prefix, q, _)| (code.to_string(), manifest_url(out, prefix), q.to_string()))
        .collect();
    let results = run_queries(out, &queries);
    for ((_, _, q, first), r) in cases.iter().zip(&results) {
        assert_eq!(
            urls(r).first().map(String::as_str),
            Some(*first),
            "{q}: {r}"
        );
    }
    // Matches inside a page link to the heading they are under.
    let subs = &results[0]["results"][0]["subs"];
    assert!(
        subs.as_array().is_some_and(|s| s
            .iter()
            .any(|u| u.as_str().is_some_and(|u| u.contains('#')))),
        "{subs}"
    );
}

#[test]
fn hub_index_is_byte_identical_across_builds() {
    let first = &crate::hub::hub().out;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    let o = Command::new(env!("CARGO_BIN_EXE_hubgen"))
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(&out)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("run hubgen");
    assert!(o.status.success());
    let a = tree(&first.join("search"));
    let b = tree(&out.join("search"));
    assert!(a.len() > 27 * 3, "{} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(b[k] == *v, "search/{k} differs between builds");
    }
}

#[test]
fn markup_in_a_title_stays_json_text() {
    let site = Site::new("minimal", &[]);
    let evil = "<img src=x onerror=alert(1)> Evil title";
    site.write(
        "content/evil.md",
        format!("+++\ntitle = \"{evil}\"\n+++\n\nA page about onerror handling.\n"),
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = site.out();
    let manifest = manifest_url(&out, "");
    let found: Vec<Value> = pages(&out, &manifest)
        .into_iter()
        .filter(|p| p["t"] == evil)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "the title is stored exactly, as a JSON string"
    );
    // The client puts text into the page with textContent / createTextNode only.
    let js = std::fs::read_to_string(repo().join("themes/hub/static/search.js")).expect("js");
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ] {
        assert!(!js.contains(sink), "search.js uses {sink}");
    }
    if !node() {
        return;
    }
    let r = run_queries(&out, &[("en".into(), manifest, "onerror".into())]);
    let titles: Vec<&str> = r[0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|x| x["title"].as_str())
        .collect();
    assert!(titles.contains(&evil), "{titles:?}");
}

#[test]
fn stems_tones_and_joiners_reach_the_client() {
    if !node() {
        return;
    }
    let out = &crate::hub::hub().out;
    // Two ways of typing the same thing must find the same pages (trailing space: no prefix
    // matching, so only the index's stem groups and alternative forms can make them agree).
    let cases = [
        ("en", "", "worried ", "worrying "),
        ("vi", "/vi", "sức khỏe ", "suc khoe "),
        ("fa", "/fa", "می\u{200C}خواهند ", "میخواهند "),
    ];
    let mut queries = Vec::new();
    for (code, prefix, a, b) in cases {
        let m = manifest_url(out, prefix);
        queries.push((code.to_string(), m.clone(), a.to_string()));
        queries.push((code.to_string(), m, b.to_string()));
    }
    let r = run_queries(out, &queries);
    for (i, (code, _, a, b)) in cases.iter().enumerate() {
        let (ra, rb) = (urls(&r[2 * i]), urls(&r[2 * i + 1]));
        assert!(!ra.is_empty(), "{code}: {a} finds nothing");
        assert_eq!(ra, rb, "{code}: {a} and {b} differ");
    }
}

#[test]
fn a_one_word_query_fetches_the_manifest_one_shard_and_shown_metadata() {
    if !node() {
        return;
    }
    let out = &crate::hub::hub().out;
    let queries =
        serde_json::json!([{"lang": "en", "manifest": manifest_url(out, ""), "q": "money "}]);
    let file = tempfile::NamedTempFile::new().expect("temp");
    std::fs::write(file.path(), queries.to_string()).expect("write");
    let r = harness(&["cost".as_ref(), out.as_os_str(), file.path().as_os_str()]);
    let fetched: Vec<&str> = r[0]["fetched"]
        .as_array()
        .expect("fetched")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let count = |kind: &str| fetched.iter().filter(|u| u.contains(kind)).count();
    assert_eq!(count("/manifest."), 1, "{fetched:?}");
    assert_eq!(count("/s."), 1, "{fetched:?}");
    assert!((1..=10).contains(&count("/m.")), "{fetched:?}");
    assert_eq!(fetched.len(), 2 + count("/m."), "{fetched:?}");
}

/// `hubgen check` writes nothing, so it builds no index (which was most of its extra time on
/// a large site): it renders the same pages as a build and hands the lints everything but
/// the index files.
#[test]
fn check_builds_no_index() {
    use hubgen::build::{BuildOptions, build, run};
    let site = Site::new("minimal", &[]);
    let opts = BuildOptions {
        root: site.root(),
        output: Some(site.out()),
        overrides: Default::default(),
        write: true,
        background_cleanup: false,
        previous: None,
        exiting: false,
    };
    let built = build(&opts).expect("builds");
    let index = tree(&site.out().join("search"))
        .keys()
        .filter(|k| k.ends_with(".json"))
        .count();
    assert!(index > 0, "the build wrote no index");
    let checked = run(
        &BuildOptions {
            write: false,
            output: None,
            ..opts
        },
        true,
    )
    .result
    .expect("checks");
    assert_eq!(checked.files, built.files - index);
}

#[test]
fn a_site_without_search_builds_no_index_and_times_none() {
    let site = Site::new("minimal", &[]);
    let on = site.build();
    assert_eq!(on.code, 0, "{}", on.stderr);
    assert!(site.out().join("search/en").is_dir());
    // Its own stage, after the pages (src/build.rs).
    assert!(on.stderr.contains(", search index "), "{}", on.stderr);
    let config = std::fs::read_to_string(site.root().join("config.toml")).expect("config");
    site.write("config.toml", format!("search = false\n{config}"));
    let off = site.build();
    assert_eq!(off.code, 0, "{}", off.stderr);
    assert!(!site.out().join("search").exists());
    // The stage timings name no index that was not built (bench/search_cost.py relies on it).
    assert!(!off.stderr.contains("search index"), "{}", off.stderr);
}
