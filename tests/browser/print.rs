//! Print: a borough's information pack prints on A4 without the site's chrome, with link
//! addresses written out, and Chromium lays it out within the page's width.

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::types::PrintToPdfOptions;

use crate::support::{self, Chrome};

const PRINT_FACTS: &str = "const toolbar = document.querySelector('.pack-toolbar'); \
const footer = document.querySelector('.pack-footer'); \
const web = document.querySelector('main a[href^=\"http\"]'); \
const after = web ? getComputedStyle(web, '::after').content : ''; \
const widest = Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right)); \
return {toolbar: getComputedStyle(toolbar).display, footer: getComputedStyle(footer).display, \
after, href: web ? web.getAttribute('href') : null, widest, width: document.documentElement.clientWidth, \
h1: document.querySelector('h1').textContent, borough: document.querySelector('.pack-borough').textContent};";

#[test]
fn a_borough_pack_prints_on_a4_without_site_chrome() {
    let Some(chrome) = Chrome::launch() else {
        return;
    };
    let hub = support::hub();
    let visit = chrome.tab(true);
    visit.open(&hub.url("/boroughs/camden/packs/core-conversations/"));
    visit
        .tab
        .call_method(Emulation::SetEmulatedMedia {
            media: Some("print".to_string()),
            features: None,
        })
        .expect("print media");
    let f = visit.json(PRINT_FACTS);
    assert_eq!(f["toolbar"], "none", "the toolbar prints: {f:#}");
    assert_eq!(f["footer"], "none", "the site footer prints: {f:#}");
    assert!(
        f["borough"].as_str().is_some_and(|b| b.contains("Camden")),
        "the cover names the borough: {f:#}"
    );
    if let Some(href) = f["href"].as_str() {
        assert!(
            f["after"].as_str().is_some_and(|a| a.contains(href)),
            "web addresses are printed after the link text: {f:#}"
        );
    }
    assert!(
        f["widest"].as_f64() <= f["width"].as_f64().map(|w| w + 1.0),
        "something is wider than the printed page: {f:#}"
    );
    let pdf = visit
        .tab
        .print_to_pdf(Some(PrintToPdfOptions {
            prefer_css_page_size: Some(true),
            ..PrintToPdfOptions::default()
        }))
        .expect("print");
    assert!(pdf.starts_with(b"%PDF"));
    let pages = pdf
        .windows(10)
        .filter(|w| w == b"/Type /Pag" || w == b"/Type/Page")
        .count();
    std::fs::write(
        support::artifacts().join("pack-camden-core-conversations.pdf"),
        &pdf,
    )
    .expect("keep the PDF");
    println!("pack printed: {} bytes, ~{pages} page objects", pdf.len());
    assert!(pdf.len() > 10_000, "a real document, not an empty page");
}
