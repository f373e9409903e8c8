//! Valid HTML: every page the hub builds passes the Nu HTML Checker with zero errors.

use std::collections::BTreeMap;
use std::process::Command;

use crate::support;

#[test]
fn every_page_passes_the_nu_html_checker() {
    let Some((java, jar)) = support::vnu() else {
        return;
    };
    let hub = support::hub();
    let files = hub.html_files();
    assert!(files.len() > 200, "the hub has hundreds of pages");
    let out = Command::new(java)
        .arg("-Xss16m")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "gnu", "--exit-zero-always"])
        .args(&files)
        .output()
        .expect("run vnu");
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error")).collect();
    // Per-kind figures for the closing note.
    let mut rows = BTreeMap::new();
    for kind in support::KINDS {
        let file = hub.file(kind.path);
        let file = if file.is_file() {
            file
        } else {
            hub.out.join("404.html")
        };
        let shown = file.display().to_string();
        let n = errors
            .iter()
            .filter(|l| l.contains(&format!("{shown}\"")))
            .count();
        rows.insert(kind.name.to_string(), format!("{n} errors  {}", kind.path));
    }
    rows.insert(
        "ALL PAGES".to_string(),
        format!("{} errors in {} files", errors.len(), files.len()),
    );
    support::report("Nu HTML Checker", "page kind / errors", &rows);
    assert!(
        errors.is_empty(),
        "{} HTML errors:\n{}",
        errors.len(),
        errors
            .iter()
            .take(40)
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(out.status.success(), "vnu failed to run: {text}");
}
