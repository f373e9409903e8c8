//! Snapshots of rendered HTML (insta): a page, a section and a right-to-left page.
//! Review changes with `cargo insta review`, or `INSTA_UPDATE=always cargo test` then `git diff`.

use crate::support::Site;

fn built() -> Site {
    Site::built("i18n")
}

#[test]
fn page_html() {
    insta::assert_snapshot!("page", built().read("guide/stress/index.html"));
}

#[test]
fn section_html() {
    insta::assert_snapshot!("section", built().read("guide/index.html"));
}

#[test]
fn rtl_page_html() {
    insta::assert_snapshot!("rtl_page", built().read("ar/guide/stress/index.html"));
}
