//! Right-to-left layout: on Arabic and Urdu pages the header, navigation, lists and the "Get
//! help now" area mirror, and left-to-right islands (phone numbers, English names) stay
//! isolated and read left to right. The English page is measured the same way and must come
//! out the other way round, which is what proves the measurements mean something.

use crate::support::{self, Chrome};

/// Layout facts of a page, measured in the browser.
const MEASURE: &str = r#"
const rect = e => e.getBoundingClientRect();
const textRect = e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect(); };
const html = document.documentElement;
const name = rect(document.querySelector('.site-name'));
const helpLink = rect(document.querySelector('.help-link'));
const navItems = [...document.querySelectorAll('.main-nav li')].map(rect);
const list = document.querySelector('main .prose ul, main .prose ol');
const item = list && list.querySelector('li');
const help = document.querySelector('.get-help h2');
const helpBox = rect(help), helpText = textRect(help);
// A phone number inside right-to-left text: where its first and last digits are drawn.
const tel = document.querySelector('.get-help a[href^="tel:"]');
const telNode = tel.firstChild;
const charRect = i => { const r = document.createRange(); r.setStart(telNode, i); r.setEnd(telNode, i + 1); return r.getBoundingClientRect(); };
const islands = [...document.querySelectorAll('.get-help [lang="en"], .get-help a[dir="ltr"]')];
return {
  direction: getComputedStyle(html).direction,
  bodyDirection: getComputedStyle(document.body).direction,
  nameRightOfHelpLink: name.left > helpLink.left,
  navRightToLeft: navItems.length > 2 && navItems.every((r, i) => i === 0 || r.left < navItems[i - 1].left),
  navLeftToRight: navItems.length > 2 && navItems.every((r, i) => i === 0 || r.left > navItems[i - 1].left),
  listIndentRight: list ? rect(list).right - rect(item).right : null,
  listIndentLeft: list ? rect(item).left - rect(list).left : null,
  helpHeadingGapRight: helpBox.right - helpText.right,
  helpHeadingGapLeft: helpText.left - helpBox.left,
  tel: tel.textContent,
  telDirection: getComputedStyle(tel).direction,
  telFirstDigitLeftOfLast: charRect(0).left < charRect(telNode.length - 1).left,
  islands: islands.length,
  islandsIsolatedLtr: islands.every(e => getComputedStyle(e).direction === 'ltr' && getComputedStyle(e).unicodeBidi.startsWith('isolate')),
};
"#;

#[test]
fn arabic_and_urdu_pages_mirror_and_isolate_left_to_right_text() {
    let Some(chrome) = Chrome::launch() else {
        return;
    };
    let hub = support::hub();
    let visit = chrome.tab(true);

    visit.open(&hub.url("/guidance/loneliness-and-connection/"));
    let en = visit.json(MEASURE);
    let shot = visit.screenshot("ltr-en-guidance.png");
    println!("LTR screenshot: {}\n{en:#}", shot.display());
    assert_eq!(en["direction"], "ltr", "{en:#}");
    assert_eq!(en["nameRightOfHelpLink"], false, "{en:#}");
    assert_eq!(en["navLeftToRight"], true, "{en:#}");
    assert!(
        en["listIndentLeft"].as_f64() > en["listIndentRight"].as_f64(),
        "{en:#}"
    );
    assert!(
        en["helpHeadingGapRight"].as_f64() > en["helpHeadingGapLeft"].as_f64(),
        "{en:#}"
    );

    for code in ["ar", "ur"] {
        visit.open(&hub.url(&format!("/{code}/guidance/loneliness-and-connection/")));
        let m = visit.json(MEASURE);
        let shot = visit.screenshot(&format!("rtl-{code}-guidance.png"));
        println!("RTL screenshot: {}\n{m:#}", shot.display());
        assert_eq!(m["direction"], "rtl", "{code}: {m:#}");
        assert_eq!(m["bodyDirection"], "rtl", "{code}: {m:#}");
        assert_eq!(
            m["nameRightOfHelpLink"], true,
            "{code}: the header is not mirrored: {m:#}"
        );
        assert_eq!(
            m["navRightToLeft"], true,
            "{code}: the navigation is not mirrored: {m:#}"
        );
        let (right, left) = (m["listIndentRight"].as_f64(), m["listIndentLeft"].as_f64());
        assert!(
            right.is_some() && right > left,
            "{code}: lists indent on the wrong side: {m:#}"
        );
        assert!(
            m["helpHeadingGapLeft"].as_f64() > m["helpHeadingGapRight"].as_f64(),
            "{code}: the help heading is not right-aligned: {m:#}"
        );
        assert_eq!(m["telDirection"], "ltr", "{code}: {m:#}");
        assert_eq!(
            m["telFirstDigitLeftOfLast"], true,
            "{code}: the phone number {} reads backwards: {m:#}",
            m["tel"]
        );
        assert!(m["islands"].as_u64() > Some(2), "{code}: {m:#}");
        assert_eq!(
            m["islandsIsolatedLtr"], true,
            "{code}: English text and numbers in the help area are not isolated LTR: {m:#}"
        );
    }
}
