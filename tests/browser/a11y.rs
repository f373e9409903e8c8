//! WCAG 2.2 AA: axe-core on every page kind, and keyboard-only use with focus always visible.

use std::collections::BTreeMap;

use crate::support::{self, Chrome, KINDS};

const AXE_RUN: &str = "const r = await axe.run(document, {runOnly: {type: 'tag', values: \
['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}, resultTypes: ['violations']}); \
return {passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, \
help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + \
n.failureSummary)}))};";

#[test]
fn every_page_kind_has_zero_axe_violations() {
    let Some(axe) = support::axe_source() else {
        return;
    };
    let Some(chrome) = Chrome::launch() else {
        return;
    };
    let hub = support::hub();
    let mut rows = BTreeMap::new();
    let mut failures = Vec::new();
    for kind in KINDS {
        let visit = chrome.tab(true);
        visit.open(&hub.url(kind.path));
        visit
            .tab
            .evaluate(&axe, false)
            .unwrap_or_else(|e| panic!("inject axe into {}: {e}", kind.path));
        let result = visit.json(AXE_RUN);
        let violations = result["violations"].as_array().cloned().unwrap_or_default();
        rows.insert(
            kind.name.to_string(),
            format!(
                "{:>3} violations, {:>3} rules passed  {}",
                violations.len(),
                result["passes"],
                kind.path
            ),
        );
        for v in violations {
            failures.push(format!(
                "{} ({}): {} [{}] {}\n    {}",
                kind.name,
                kind.path,
                v["id"],
                v["impact"],
                v["help"],
                v["nodes"]
                    .as_array()
                    .map(|n| n
                        .iter()
                        .map(|x| x.as_str().unwrap_or_default().replace('\n', " "))
                        .collect::<Vec<_>>()
                        .join("\n    "))
                    .unwrap_or_default()
            ));
        }
        let _ = visit.tab.close(false);
    }
    support::report("axe (WCAG 2.0-2.2 A/AA)", "page kind / result", &rows);
    assert!(
        failures.is_empty(),
        "axe found WCAG violations:\n{}",
        failures.join("\n")
    );
}

/// Tabs through a page and describes every stop: what it is and whether its focus shows.
const TAB_STOP: &str = "const e = document.activeElement; if (!e || e === document.body) return null; \
const s = getComputedStyle(e); const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; \
const shadow = s.boxShadow && s.boxShadow !== 'none'; const r = e.getBoundingClientRect(); \
return {tag: e.tagName.toLowerCase(), type: e.getAttribute('type') || '', \
href: e.getAttribute('href') || '', name: e.getAttribute('name') || '', \
inSwitcher: !!e.closest('nav.languages'), inHelp: !!e.closest('.get-help'), \
visible: outline || shadow, onScreen: r.width > 0 && r.height > 0, \
text: (e.textContent || e.value || '').trim().slice(0, 40)};";

#[test]
fn keyboard_reaches_search_switcher_and_help_lines_with_visible_focus() {
    let Some(chrome) = Chrome::launch() else {
        return;
    };
    let hub = support::hub();
    for path in [
        "/guidance/loneliness-and-connection/",
        "/ar/guidance/loneliness-and-connection/",
    ] {
        let visit = chrome.tab(true);
        visit.open(&hub.url(path));
        let mut stops = Vec::new();
        for _ in 0..400 {
            visit.tab.press_key("Tab").expect("press Tab");
            let stop = visit.json(TAB_STOP);
            if stop.is_null() || stops.first() == Some(&stop) {
                break;
            }
            stops.push(stop);
        }
        let has_search = support::read(&hub.file(path)).contains("type=search");
        let reached = |f: &dyn Fn(&serde_json::Value) -> bool| stops.iter().any(f);
        assert!(
            reached(&|s| s["href"] == "#main"),
            "{path}: the skip link is not the first stop: {stops:#?}"
        );
        assert!(
            reached(&|s| s["inSwitcher"] == true),
            "{path}: Tab never reaches the language switcher"
        );
        assert!(
            reached(&|s| s["inHelp"] == true
                && s["href"].as_str().is_some_and(|h| h.starts_with("tel:"))),
            "{path}: Tab never reaches a help line's phone link"
        );
        if has_search {
            assert!(
                reached(&|s| s["tag"] == "input" && s["type"] == "search"),
                "{path}: Tab never reaches the search box"
            );
        }
        let hidden: Vec<_> = stops
            .iter()
            .filter(|s| s["visible"] != true || s["onScreen"] != true)
            .collect();
        assert!(
            hidden.is_empty(),
            "{path}: focus is not visible on {} of {} stops: {hidden:#?}",
            hidden.len(),
            stops.len()
        );
        println!("{path}: {} tab stops, focus visible on all", stops.len());
        let _ = visit.tab.close(false);
    }
}
