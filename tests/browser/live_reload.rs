//! `hubgen serve` in a real browser: a saved stylesheet is swapped into the open page without
//! a reload (scroll and state kept), a saved page reloads the tab, and the preview runs under
//! the site's Content-Security-Policy.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{self, Chrome};

/// Kills the server when the test ends, however it ends.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `js` (which returns true or false) until true or 30 seconds pass.
fn eventually(visit: &support::Visit, js: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        // A reload can land while the script runs (serve patches a page within milliseconds
        // of the save): no value then, and the next poll sees the new page.
        if visit.try_json(js) == Ok(serde_json::json!(true)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn a_stylesheet_save_swaps_css_in_place_and_a_page_save_reloads() {
    let Some(chrome) = Chrome::launch() else {
        return;
    };
    let (_tmp, root) = support::fixture_site("i18n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hubgen"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let stdout = child.stdout.take().expect("stdout");
    let _server = Serve(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("address line");
    let origin = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();

    let visit = chrome.tab(true);
    visit.open(&format!("{origin}/guide/stress/"));
    assert!(
        eventually(
            &visit,
            "return !!document.querySelector('script[src=\"/__hubgen/client.js\"]');"
        ),
        "the live-reload client is on the page"
    );
    // Give the client time to open its event stream before saving.
    std::thread::sleep(Duration::from_millis(500));
    visit.json("window.__kept = 42; return true;");

    let css = root.join("themes/hub/static/style.css");
    let mut text = std::fs::read_to_string(&css).expect("css");
    text.push_str("\nbody { background-color: rgb(1, 2, 3) !important; }\n");
    std::fs::write(&css, text).expect("save css");
    assert!(
        eventually(
            &visit,
            "return getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)';"
        ),
        "the new stylesheet never applied"
    );
    assert_eq!(
        visit.json("return window.__kept === 42;"),
        serde_json::json!(true),
        "the stylesheet swap reloaded the page"
    );

    let page = root.join("content/guide/stress.md");
    let mut md = std::fs::read_to_string(&page).expect("page");
    md.push_str("\nA sentence saved just now.\n");
    std::fs::write(&page, md).expect("save page");
    assert!(
        eventually(
            &visit,
            "return document.body.innerText.includes('A sentence saved just now.');"
        ),
        "the page never reloaded with the new text"
    );
    assert_eq!(
        visit.json("return window.__kept === undefined;"),
        serde_json::json!(true)
    );
    let violations = visit.json("return window.__csp;");
    assert_eq!(
        violations,
        serde_json::json!([]),
        "the preview breaks the CSP"
    );
}
