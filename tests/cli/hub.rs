//! The real hub in this repository: it builds with no errors, only sample notices as warnings,
//! and has what the hub promises: 33 boroughs with directories, guidance in 27 languages.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub(crate) struct Built {
    _dir: tempfile::TempDir,
    pub(crate) out: PathBuf,
    stderr: String,
}

/// Builds the repository's own site once for all tests in this module.
pub(crate) fn hub() -> &'static Built {
    static HUB: OnceLock<Built> = OnceLock::new();
    HUB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("public");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_hubgen"))
            .args(["build", "--root"])
            .arg(crate::support::repo())
            .arg("--output")
            .arg(&out)
            .output()
            .expect("run hubgen");
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{stderr}");
        Built {
            _dir: dir,
            out,
            stderr,
        }
    })
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[derive(serde::Deserialize)]
struct Lang {
    code: String,
    tag: String,
    dir: String,
}

fn languages() -> Vec<Lang> {
    #[derive(serde::Deserialize)]
    struct Config {
        language: Vec<Lang>,
    }
    let text = std::fs::read_to_string(crate::support::repo().join("config.toml")).expect("config");
    let c: Config = toml::from_str(&text).unwrap_or_else(|e| panic!("config.toml: {e}"));
    c.language
}

#[test]
fn builds_with_only_sample_notices() {
    let stderr = &hub().stderr;
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning"))
        .collect();
    for w in &warnings {
        assert!(
            w.starts_with("warning[H024]: ") && w.contains(" sample entries (shown with a label"),
            "unexpected warning: {w}\n{stderr}"
        );
    }
    assert_eq!(
        warnings.len(),
        33,
        "one sample notice per borough directory:\n{stderr}"
    );
}

#[test]
fn has_33_boroughs_each_with_a_directory_of_six_or_more() {
    let out = &hub().out;
    let slugs: Vec<String> = std::fs::read_dir(crate::support::repo().join("content/boroughs"))
        .expect("content/boroughs")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(slugs.len(), 33, "32 boroughs and the City of London");
    let index = read(out, "boroughs/index.html");
    for slug in &slugs {
        let page = read(out, &format!("boroughs/{slug}/index.html"));
        let services = page.matches("<article class=\"service").count()
            - usize::from(page.contains("id=who-to-contact"));
        assert!(services >= 6, "{slug}: {services} services");
        assert!(page.contains("href=tel:"), "{slug}: tel: links");
        assert!(
            page.contains("id=get-help-now"),
            "{slug}: national support lines"
        );
        assert!(
            index.contains(&format!("href=/boroughs/{slug}/>")),
            "{slug} missing from the boroughs index"
        );
    }
}

#[test]
fn guidance_index_in_all_27_languages_with_lang_and_dir() {
    let out = &hub().out;
    let langs = languages();
    assert_eq!(langs.len(), 27);
    let rtl: Vec<&str> = langs
        .iter()
        .filter(|l| l.dir == "rtl")
        .map(|l| l.code.as_str())
        .collect();
    assert_eq!(rtl, ["ar", "fa", "ckb", "ps", "ur"]);
    let choose = read(out, "languages/index.html");
    for l in &langs {
        let prefix = if l.code == "en" {
            String::new()
        } else {
            format!("{}/", l.code)
        };
        for page in [
            "guidance/index.html",
            "guidance/coping-with-stress/index.html",
            "index.html",
        ] {
            let html = read(out, &format!("{prefix}{page}"));
            assert!(
                html.contains(&format!("<html dir={} lang={}>", l.dir, l.tag)),
                "{}{page}: lang/dir",
                prefix
            );
        }
        // minify-html writes attributes in alphabetical order.
        let link = format!(
            "<a dir={} href=/{prefix}guidance/ hreflang={} lang={}>",
            l.dir, l.tag, l.tag
        );
        assert!(choose.contains(&link), "languages page lacks {link}");
    }
}

#[test]
fn home_page_offers_campaigns_boroughs_and_languages() {
    let out = &hub().out;
    let home = read(out, "index.html");
    let campaigns = &home[home.find("id=current-campaigns").expect("campaigns block")..];
    for c in [
        "getting-through-this-together",
        "core-conversations",
        "zero-suicide-ldn",
        "londoners-said",
        "right-to-thrive",
        "young-london-inspired",
    ] {
        assert!(
            campaigns.contains(&format!("href=/campaigns/{c}/>")),
            "home lacks campaign {c}"
        );
    }
    let boroughs = &home[home.find("id=find-borough").expect("borough block")
        ..home.find("id=guidance-languages").expect("languages block")];
    assert_eq!(
        boroughs.matches("<li><a href=/boroughs/").count(),
        33,
        "all 33 boroughs, without JavaScript"
    );
    let barking = boroughs.find("Barking and Dagenham").unwrap();
    let westminster = boroughs.find("Westminster").unwrap();
    assert!(barking < westminster, "alphabetical");
    let langs = &home[home.find("id=guidance-languages").unwrap()..];
    assert_eq!(
        langs.matches("/guidance/ hreflang=").count(),
        27,
        "guidance in 27 languages by their own names"
    );
}

#[test]
fn build_accounts_for_every_content_file() {
    let stderr = &hub().stderr;
    let line = stderr
        .lines()
        .find(|l| l.starts_with("content/: "))
        .unwrap_or_else(|| panic!("no accounting line:\n{stderr}"));
    let found = walkdir::WalkDir::new(crate::support::repo().join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    let (total, parts) = line["content/: ".len()..]
        .split_once(" = ")
        .expect("N files = …");
    let first = |s: &str| -> usize {
        s.split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .expect("number")
    };
    assert_eq!(first(total), found, "{line}");
    assert_eq!(
        parts.split(" + ").map(first).sum::<usize>(),
        found,
        "{line}"
    );
    assert!(parts.contains(" 0 with errors"), "{line}");
}
