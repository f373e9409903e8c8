//! Privacy: no page makes a request outside the site's origin, and every page carries a
//! `default-src 'self'` Content-Security-Policy that it runs under without violations.

use std::collections::BTreeMap;

use crate::support::{self, Chrome, KINDS};

/// The policy base.html and the redirect pages carry, as its first directive.
const CSP: &str = "default-src 'self'";

/// Every tag named `name` in `html`, as the text between `<name` and `>`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    html.match_indices(&open)
        .filter(|(i, _)| {
            html[i + open.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == '>' || c.is_whitespace())
        })
        .map(|(i, _)| {
            let rest = &html[i..];
            &rest[..rest.find('>').unwrap_or(rest.len())]
        })
        .collect()
}

#[test]
fn every_page_has_the_csp_and_nothing_inline_that_it_would_block() {
    let hub = support::hub();
    let mut problems = Vec::new();
    let files = hub.html_files();
    for file in &files {
        let html = support::read(file);
        let rel = file
            .strip_prefix(&hub.out)
            .unwrap_or(file)
            .display()
            .to_string();
        // The policy must come before anything it governs.
        let csp = tags(&html, "meta").into_iter().find(|t| {
            t.contains("http-equiv=Content-Security-Policy")
                || t.contains("http-equiv=\"Content-Security-Policy\"")
        });
        let first_resource = ["<link", "<script", "<style", "<img"]
            .iter()
            .filter_map(|t| html.find(t))
            .min();
        match csp {
            None => problems.push(format!("{rel}: no Content-Security-Policy meta tag")),
            Some(tag) => {
                let at = tag.as_ptr() as usize - html.as_ptr() as usize;
                if first_resource.is_some_and(|r| r < at) {
                    problems.push(format!("{rel}: the CSP meta tag comes after a resource"));
                }
                if !tag.contains(&format!("content=\"{CSP}")) {
                    problems.push(format!("{rel}: the CSP does not start with `{CSP}`: {tag}"));
                }
            }
        }
        for tag in tags(&html, "script") {
            let data_block = tag.contains("application/ld+json");
            if !tag.contains(" src=") && !data_block {
                problems.push(format!("{rel}: inline script `{tag}>`"));
            }
        }
        if !tags(&html, "style").is_empty() {
            problems.push(format!("{rel}: inline <style> element"));
        }
        for needle in [
            " style=",
            " onclick=",
            " onload=",
            " onerror=",
            "javascript:",
        ] {
            if html.contains(needle) {
                problems.push(format!("{rel}: inline `{}`", needle.trim()));
            }
        }
    }
    assert!(files.len() > 200);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn no_page_kind_requests_anything_outside_the_origin_or_violates_the_csp() {
    let Some(chrome) = Chrome::launch() else {
        return;
    };
    let hub = support::hub();
    let mut rows = BTreeMap::new();
    let mut problems = Vec::new();
    for kind in KINDS {
        let visit = chrome.tab(true);
        visit.open(&hub.url(kind.path));
        // Let late requests (lazy images, scripts' fetches) happen before counting.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let violations = visit.json("return window.__csp || ['recorder missing'];");
        let requests = visit.requests.take();
        let outside: Vec<_> = requests
            .iter()
            .filter(|(url, _)| !url.starts_with(&format!("{}/", hub.origin)))
            .collect();
        let fonts = requests.iter().filter(|(_, t)| t == "Font").count();
        rows.insert(
            kind.name.to_string(),
            format!(
                "{} requests, {} outside the origin, {} fonts, {} CSP violations",
                requests.len(),
                outside.len(),
                fonts,
                violations.as_array().map_or(1, |v| v.len())
            ),
        );
        if !outside.is_empty() {
            problems.push(format!(
                "{}: requests outside the origin: {outside:?}",
                kind.path
            ));
        }
        if fonts > 0 {
            problems.push(format!("{}: downloads fonts: {requests:?}", kind.path));
        }
        if violations.as_array().is_none_or(|v| !v.is_empty()) {
            problems.push(format!("{}: CSP violations: {violations}", kind.path));
        }
        assert!(
            !requests.is_empty(),
            "the request log must see at least the page itself"
        );
        let _ = visit.tab.close(false);
    }
    support::report("Requests per page kind", "page kind / requests", &rows);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_csp_really_blocks_an_inline_script() {
    // The gate above is only worth something if the policy is enforced: a page of the hub with
    // an inline script added must report a violation and not run it.
    let Some(chrome) = Chrome::launch() else {
        return;
    };
    let hub = support::hub();
    let visit = chrome.tab(true);
    visit.open(&hub.url("/about/"));
    let result = visit.json(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = true;'; \
         document.body.appendChild(s); await new Promise(r => setTimeout(r, 100)); \
         return {ran: window.__ran === true, violations: window.__csp};",
    );
    assert_eq!(result["ran"], false, "{result}");
    assert!(
        result["violations"].as_array().is_some_and(|v| v
            .iter()
            .any(|x| x.as_str().is_some_and(|s| s.starts_with("script-src")))),
        "{result}"
    );
}
