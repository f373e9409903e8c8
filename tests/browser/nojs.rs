//! Without JavaScript every page but the search results is fully usable: content, navigation,
//! the language switcher and the services directories are plain links that work.

use crate::support::{self, Chrome, KINDS};

const PAGE_FACTS: &str = "const h1 = document.querySelector('h1'); \
return {h1: h1 ? h1.textContent.trim() : '', mainText: document.querySelector('main').innerText.trim().length, \
nav: document.querySelectorAll('.main-nav a[href]').length, \
switcher: [...document.querySelectorAll('nav.languages a[href]')].map(a => a.getAttribute('href')), \
help: document.querySelectorAll('.get-help a[href^=\"tel:\"]').length, \
scripts: [...document.scripts].filter(s => s.src).map(s => s.src), lang: document.documentElement.lang};";

#[test]
fn every_page_kind_works_with_javascript_off() {
    let Some(chrome) = Chrome::launch() else {
        return;
    };
    let hub = support::hub();
    let visit = chrome.tab(false);
    for kind in KINDS {
        visit.open(&hub.url(kind.path));
        let f = visit.json(PAGE_FACTS);
        let what = format!("{} ({}): {f:#}", kind.name, kind.path);
        assert!(
            !f["h1"].as_str().unwrap_or_default().is_empty(),
            "no heading: {what}"
        );
        assert!(f["mainText"].as_u64() > Some(40), "no content: {what}");
        if support::is_pack(kind.path) {
            // A pack is a print page: its toolbar links back, its lines are in the pack, and
            // its one script only reveals a Print button (the hint says how to print without).
            let pack = visit.json(
                "return {back: document.querySelectorAll('.pack-toolbar a[href]').length, \
                 tel: document.querySelectorAll('main a[href^=\"tel:\"]').length, \
                 hint: !!document.querySelector('.print-hint') && \
                 document.querySelector('.print-hint').offsetParent !== null, \
                 button: !document.querySelector('.print-button') || document.querySelector('.print-button').hidden};",
            );
            assert!(
                pack["back"].as_u64() >= Some(2),
                "no way back: {what} {pack}"
            );
            assert!(
                pack["tel"].as_u64() >= Some(1),
                "no help lines: {what} {pack}"
            );
            assert_eq!(pack["hint"], true, "no print hint: {what} {pack}");
            assert_eq!(
                pack["button"], true,
                "a dead Print button shows: {what} {pack}"
            );
            continue;
        }
        assert!(f["nav"].as_u64() >= Some(4), "no navigation: {what}");
        assert!(f["help"].as_u64() >= Some(1), "no help lines: {what}");
        if support::is_search(kind.path) {
            // The one page that needs JavaScript says so and offers the indexes instead.
            let offer = visit.json(
                "const n = document.querySelector('.search-noscript'); \
                 return n ? n.querySelectorAll('a[href]').length : 0;",
            );
            assert!(offer.as_u64() >= Some(2), "no <noscript> way on: {what}");
        } else {
            assert_eq!(
                f["scripts"],
                serde_json::json!([]),
                "needs a script: {what}"
            );
        }
    }

    // The language switcher is links: following one lands on the page in that language.
    visit.open(&hub.url("/guidance/loneliness-and-connection/"));
    let before = visit.json(PAGE_FACTS);
    let arabic = before["switcher"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|h| h.as_str().is_some_and(|h| h.starts_with("/ar/")))
        })
        .and_then(|h| h.as_str())
        .unwrap_or_else(|| panic!("no Arabic link in the switcher: {before:#}"))
        .to_string();
    visit.click_and_wait(&format!("nav.languages a[href=\"{arabic}\"]"));
    let after = visit.json(PAGE_FACTS);
    assert_eq!(after["lang"], "ar", "{after:#}");
    assert!(visit.tab.get_url().ends_with(&arabic));

    // A services directory's category filter is links too.
    visit.open(&hub.url("/boroughs/camden/"));
    visit.click_and_wait(".category-filter a[href$=\"/services/mental-health/\"]");
    let filtered = visit.json(
        "return {url: location.pathname, services: document.querySelectorAll('article.service').length};",
    );
    assert_eq!(filtered["url"], "/boroughs/camden/services/mental-health/");
    assert!(filtered["services"].as_u64() >= Some(1), "{filtered:#}");
}
