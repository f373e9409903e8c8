//! PDFs (src/pdf): every borough's pack and the guidance leaflets, checked with Poppler's
//! `pdfinfo`, `pdffonts` and `pdftotext` as a reader's tools would see them: A4, tagged, fonts
//! embedded, the borough's own data and the national lines in the text, right-to-left Arabic,
//! byte-identical rebuilds, the glyph check, missing fonts, and the links with size and pages.
//!
//! Without Poppler these tests print SKIPPED; under `CI=true` (`.ci/run` installs
//! poppler-utils) they fail instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::Site;

/// True when Poppler's tools are here; otherwise says so loudly (and fails under CI).
fn poppler() -> bool {
    let ok = Command::new("pdfinfo").arg("-v").output().is_ok();
    if !ok {
        let msg = "pdfinfo (Debian's poppler-utils) is not installed: PDF checks SKIPPED";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
        eprintln!("\n==== {msg} ====\n");
    }
    ok
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        out.status.success(),
        "{name} {}: {}",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A `Key: value` line of `pdfinfo`'s output.
fn field<'a>(info: &'a str, key: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map_or("", str::trim)
}

fn text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The packs fixture with the leaflets layer, built with its own PDF cache folder.
fn built(cache: &Path) -> Site {
    let site = Site::new("boroughs", &["packs", "leaflets"]);
    let run = site.build_env(&[("HUBGEN_CACHE_DIR", cache.to_str().unwrap_or_default())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn cache() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn pdf(site: &Site, rel: &str) -> PathBuf {
    let p = site.out().join(rel);
    assert!(p.is_file(), "no {rel}");
    p
}

#[test]
fn a_boroughs_pack_is_a4_tagged_embedded_and_holds_its_data() {
    if !poppler() {
        return;
    }
    let c = cache();
    let site = built(c.path());
    let camden = pdf(&site, "boroughs/camden/packs/guide.pdf");
    let info = tool("pdfinfo", &[], &camden);
    assert!(info.contains("(A4)"), "{info}");
    assert_eq!(field(&info, "Tagged"), "yes", "{info}");
    assert_eq!(field(&info, "Title"), "Guide pack", "{info}");
    assert_eq!(field(&info, "Author"), "London Mental Health Hub", "{info}");
    assert!(
        !info.contains("CreationDate"),
        "a creation date makes every build differ: {info}"
    );
    let fonts = tool("pdffonts", &[], &camden);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        // Columns: name type encoding emb sub uni object ID.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert!(n >= 6 && cols[n - 5] == "yes", "font not embedded: {row}");
    }
    let t = text(&camden);
    for want in [
        "For Camden",
        "This pack is for Camden.",
        "Camden Listening Room (sample)",
        "020 7946 0500",
        "Samaritans",
        "116 123",
        "National Debtline",
        "0808 808 4000",
    ] {
        assert!(t.contains(want), "Camden's pack lacks {want:?}:\n{t}");
    }
    assert!(
        !t.contains("Hackney"),
        "Hackney data in Camden's pack:\n{t}"
    );
}

#[test]
fn two_clean_builds_give_identical_pdfs_and_a_warm_cache_is_used() {
    if !poppler() {
        return;
    }
    let (c1, c2) = (cache(), cache());
    let a = built(c1.path());
    let b = built(c2.path());
    let pdfs: Vec<String> = walk_pdfs(&a.out());
    assert!(
        pdfs.len() >= 9,
        "packs for 2 boroughs × 3 + 3 leaflets: {pdfs:?}"
    );
    for rel in &pdfs {
        let x = std::fs::read(a.out().join(rel)).expect("read");
        let y = std::fs::read(b.out().join(rel)).expect("read");
        assert!(x == y, "{rel} differs between two clean builds");
    }
    // A rebuild with the first cache typesets nothing and writes the same files.
    let run = a.build_env(&[("HUBGEN_CACHE_DIR", c1.path().to_str().unwrap_or_default())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("none typeset"), "{}", run.stderr);
    for rel in &pdfs {
        let x = std::fs::read(a.out().join(rel)).expect("read");
        let y = std::fs::read(b.out().join(rel)).expect("read");
        assert!(x == y, "{rel} from the cache differs");
    }
}

fn walk_pdfs(out: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    v.sort();
    v
}

/// x positions of the words of page 1, from `pdftotext -bbox`: (word, xMin, xMax).
fn words(pdf: &Path) -> Vec<(String, f64, f64)> {
    let html = {
        let out = Command::new("pdftotext")
            .args(["-bbox", "-f", "1", "-l", "1", "-enc", "UTF-8"])
            .arg(pdf)
            .arg("-")
            .output()
            .expect("pdftotext -bbox");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let attr = |line: &str, name: &str| -> f64 {
        line.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let w = l
                .split('>')
                .nth(1)
                .and_then(|r| r.split('<').next())
                .unwrap_or("");
            (w.to_string(), attr(l, "xMin"), attr(l, "xMax"))
        })
        .collect()
}

#[test]
fn arabic_and_chinese_leaflets_hold_their_text_and_arabic_runs_right_to_left() {
    if !poppler() {
        return;
    }
    let c = cache();
    let site = built(c.path());
    let ar = pdf(&site, "ar/guidance/stress.pdf");
    let zh = pdf(&site, "zh/guidance/stress.pdf");
    let en = pdf(&site, "guidance/stress.pdf");
    assert_eq!(field(&tool("pdfinfo", &[], &ar), "Tagged"), "yes");
    let ar_text = text(&ar);
    for want in ["التوتر جزء طبيعي من الحياة", "خطوات صغيرة"] {
        assert!(
            ar_text.contains(want),
            "Arabic leaflet lacks {want}:\n{ar_text}"
        );
    }
    let zh_text: String = text(&zh).chars().filter(|c| !c.is_whitespace()).collect();
    for want in ["压力是生活中正常的一部分", "出去散散步"] {
        assert!(
            zh_text.contains(want),
            "Chinese leaflet lacks {want}:\n{zh_text}"
        );
    }
    // A4 is 595 pt wide with 2 cm (56.7 pt) margins. Right to left, the title's last word is
    // at the right margin and its first word further left; left to right, the other way.
    let title_ar = words(&ar);
    // Poppler lists right-to-left words with their letters in drawing order (reversed).
    let find = |word: &str| {
        let drawn: String = word.chars().rev().collect();
        title_ar
            .iter()
            .find(|w| w.0 == drawn)
            .unwrap_or_else(|| panic!("no {word} on page 1: {title_ar:?}"))
            .clone()
    };
    let (first, last) = (find("التعامل"), find("التوتر"));
    assert!(
        (first.2 - 538.6).abs() < 3.0,
        "Arabic title not at the right margin: {first:?}"
    );
    assert!(
        last.2 < first.1,
        "Arabic title not right to left: {first:?} {last:?}"
    );
    let title_en = words(&en);
    let coping = title_en
        .iter()
        .find(|w| w.0 == "Coping")
        .expect("title word");
    assert!(
        (coping.1 - 56.7).abs() < 3.0,
        "English title not at the left margin: {coping:?}"
    );
}

#[test]
fn content_cannot_inject_typst_markup() {
    if !poppler() {
        return;
    }
    let c = cache();
    let site = built(c.path());
    let en = pdf(&site, "guidance/stress.pdf");
    let t = text(&en);
    assert!(
        t.contains("#set page(width: 1cm) $x$ @label a < b."),
        "markup characters must come out as text:\n{t}"
    );
    assert!(
        tool("pdfinfo", &[], &en).contains("(A4)"),
        "a page size was injected"
    );
}

#[test]
fn pages_link_their_pdfs_with_size_and_page_count() {
    if !poppler() {
        return;
    }
    let c = cache();
    let site = built(c.path());
    let check = |page: &str, pdf_rel: &str, label: &str| {
        let html = site.read(page);
        let file = site.out().join(pdf_rel);
        let bytes = std::fs::metadata(&file).expect("pdf").len();
        let info = tool("pdfinfo", &[], &file);
        let pages: usize = field(&info, "Pages").parse().expect("pages");
        let meta = if pages == 1 {
            format!("PDF, 1 page, {} KB", bytes.div_ceil(1000))
        } else {
            format!("PDF, {pages} pages, {} KB", bytes.div_ceil(1000))
        };
        let link = format!(
            "<a class=\"pdf-link\" href=\"/{pdf_rel}\" type=\"application/pdf\">{label} <span class=\"pdf-meta\">({meta})</span></a>"
        );
        assert!(html.contains(&link), "{page} lacks {link}");
    };
    check(
        "boroughs/camden/index.html",
        "boroughs/camden/packs/guide.pdf",
        "Download the information pack",
    );
    check(
        "boroughs/camden/packs/guide/index.html",
        "boroughs/camden/packs/guide.pdf",
        "Download the information pack",
    );
    check(
        "guidance/stress/index.html",
        "guidance/stress.pdf",
        "Download a printable leaflet",
    );
}

#[test]
fn a_character_no_font_has_fails_the_build_naming_it() {
    let c = cache();
    let site = Site::new("boroughs", &["packs", "leaflets"]);
    // Adlam: none of the hub's languages, and no font of the PDF font list has it.
    site.write(
        "content/packs/guide.md",
        "+++\ntitle = \"Guide pack\"\n+++\n\nThis pack is for {{ borough_name() }} 𞤀.\n",
    );
    let run = site.build_env(&[("HUBGEN_CACHE_DIR", c.path().to_str().unwrap_or_default())]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[H034]: no font has a glyph for '𞤀' (U+1E900), used in the PDF /boroughs/camden/packs/guide.pdf (language en)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/packs/guide.md:5:"),
        "{}",
        run.stderr
    );
    assert!(!site.out().exists(), "a failed build must write nothing");
}

#[test]
fn missing_script_fonts_skip_those_pdfs_and_fail_production() {
    let c = cache();
    let site = Site::new("boroughs", &["packs", "leaflets"]);
    let config = std::fs::read_to_string(site.root().join("config.toml")).expect("config");
    let empty = site.root().join("no-fonts");
    std::fs::create_dir_all(&empty).expect("mkdir");
    site.write(
        "config.toml",
        config.replace(
            "leaflets = [\"guidance\"]",
            "leaflets = [\"guidance\"]\nfont_dirs = [\"no-fonts\"]",
        ),
    );
    let env = [("HUBGEN_CACHE_DIR", c.path().to_str().unwrap_or_default())];
    let run = site.build_env(&env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning[H035]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no font for Arabic text is installed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("apt-get install fonts-noto-core"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("apt-get install fonts-noto-cjk"),
        "{}",
        run.stderr
    );
    // Latin-script PDFs are made with the built-in fonts; the others are not made or linked.
    assert!(site.out().join("guidance/stress.pdf").is_file());
    assert!(site.out().join("boroughs/camden/packs/guide.pdf").is_file());
    assert!(!site.out().join("ar/guidance/stress.pdf").exists());
    assert!(!site.out().join("zh/guidance/stress.pdf").exists());
    assert!(
        !site
            .read("ar/guidance/stress/index.html")
            .contains("pdf-link")
    );
    // Without the fixture's sample entries, which --production refuses before any PDF.
    for b in ["camden", "hackney"] {
        let _ = std::fs::remove_file(
            site.root()
                .join(format!("content/boroughs/{b}/services.toml")),
        );
    }
    let run = site.run(&["build", "--production"], &env);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[H035]"), "{}", run.stderr);
}
