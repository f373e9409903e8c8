//! Broken input: every case is a clear error naming file, line and column, exit code 1,
//! never a panic. Each case layers `tests/fixtures/invalid/<case>/` over the minimal site.
//! Expected messages are asserted exactly.

use crate::support::{Site, clean};

fn fails_with(case: &str, expected: &str) {
    let site = Site::new("minimal", &[&format!("invalid/{case}")]);
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(clean(&run.stderr, &site), expected);
    assert!(!site.out().exists(), "nothing may be written");
}

#[test]
fn impossible_date() {
    fails_with(
        "impossible-date",
        r#"error[H003]: invalid TOML: invalid date, expected day between 01 and 28
 --> content/news/first.md:4:8
  |
4 | date = 2026-02-30
  |        ^^^^^^^^^^
  = help: write dates as YYYY-MM-DD, e.g. 2026-03-01, and check the day exists

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn invalid_toml() {
    fails_with(
        "invalid-toml",
        r#"error[H003]: invalid TOML: invalid basic string, expected `"`
 --> content/about.md:2:15
  |
2 | title = "About
  |               ^
  = help: front matter is TOML: key = value, text in double quotes

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn many_errors() {
    fails_with(
        "many-errors",
        r#"error[H003]: unknown key `descripton`
 --> content/about.md:3:1
  |
3 | descripton = "Who we are."
  | ^^^^^^^^^^
  = help: did you mean `description`? The known keys are `title`, `description`, `date`, `updated`, `reviewed`, `review_due`, `draft`, `weight`, `slug`, `aliases`, `template`, `taxonomies`, `extra`, `translation_of`, `machine_draft`, `sort_by`, `paginate_by`, `page_template`, `allow`

error[H003]: invalid TOML: invalid date, expected day between 01 and 28
 --> content/news/first.md:3:8
  |
3 | date = 2026-02-30
  |        ^^^^^^^^^^
  = help: write dates as YYYY-MM-DD, e.g. 2026-03-01, and check the day exists

error[H008]: link to a page that does not exist: @/nothing.md
 --> content/news/second.md:5:5
  |
5 | See [nothing](@/nothing.md) and {{ nope() }}.
  |     ^^^^^^^^^^^^^^^^^^^^^^^
  = help: no file content/nothing.md exists; paths after @/ start from the content folder, e.g. @/campaigns/core-conversations.md

error[H006]: unknown shortcode `nope`
 --> content/news/second.md:5:33
  |
5 | See [nothing](@/nothing.md) and {{ nope() }}.
  |                                 ^^^^^^^^^^^^
  = help: the shortcodes are: borough_contact, borough_directory, borough_list, borough_name, helplines, language_list, services; or add templates/shortcodes/nope.html

4 errors, 0 warnings in 3 files
content/: 5 files = 2 pages + 0 drafts skipped + 3 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn missing_anchor() {
    fails_with(
        "missing-anchor",
        r#"error[H009]: link to an anchor that does not exist: #who-are-we
 --> content/_index.md:6:13
  |
6 | Hello. Read [about us](@/about.md#who-are-we).
  |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: the headings of content/about.md have these anchors: #who-we-are, #what-we-do

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn missing_link_target() {
    fails_with(
        "missing-link-target",
        r#"error[H008]: link to a page that does not exist: @/news/third.md
 --> content/news/second.md:7:16
  |
7 | More news, see [the third](@/news/third.md).
  |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: no file content/news/third.md exists; paths after @/ start from the content folder, e.g. @/campaigns/core-conversations.md

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn missing_template() {
    fails_with(
        "missing-template",
        r#"error[H011]: template `special.html` does not exist
 --> content/about.md:4:1
  |
4 | template = "special.html"
  | ^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: use one of the theme's templates (404.html, base.html, borough.html, borough_category.html, index.html, pack.html, pack_copies.html, page.html, search.html, section.html, taxonomy_list.html, taxonomy_term.html, translations.html) or add templates/special.html

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn slug_collision() {
    fails_with(
        "slug-collision",
        r#"error[H010]: address /news/first/ is already used by content/news/first.md
 --> content/news/third.md:4:1
  |
4 | slug = "first"
  | ^^^^^^^^^^^^^^
  = help: two files would be written to the same place; give one of them a different `slug` or file name

1 error, 0 warnings in 1 file
content/: 6 files = 5 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn template_syntax_error() {
    fails_with(
        "template-syntax-error",
        r#"error[H011]: template error: Found `}` but expected }}.
 --> templates/page.html:5:24
  |
5 | <p>{{ page.description }</p>
  |                        ^
  = help: fix the template; nothing was built

1 error, 0 warnings in 1 file
content/: 5 files = 5 pages + 0 drafts skipped + 0 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn unclosed_front_matter() {
    fails_with(
        "unclosed-front-matter",
        r#"error[H003]: front matter is never closed
 --> content/about.md:1:1
  |
1 | +++
  | ^^^
  = help: add a line `+++` after the last front-matter line

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn unknown_key() {
    fails_with(
        "unknown-key",
        r#"error[H003]: unknown key `descripton`
 --> content/about.md:3:1
  |
3 | descripton = "Who we are."
  | ^^^^^^^^^^
  = help: did you mean `description`? The known keys are `title`, `description`, `date`, `updated`, `reviewed`, `review_due`, `draft`, `weight`, `slug`, `aliases`, `template`, `taxonomies`, `extra`, `translation_of`, `machine_draft`, `sort_by`, `paginate_by`, `page_template`, `allow`

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn unknown_language_suffix() {
    fails_with(
        "unknown-language-suffix",
        r#"error[H002]: unknown language suffix `xx` in the file name
 --> content/about.xx.md
  = help: translations are named NAME.CODE.md with a configured code (en); rename the file or add the language to config.toml

1 error, 0 warnings in 1 file
content/: 6 files = 5 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn unknown_shortcode() {
    fails_with(
        "unknown-shortcode",
        r#"error[H006]: unknown shortcode `hotlines`
 --> content/news/second.md:9:1
  |
9 | {{ hotlines(area="london") }}
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: the shortcodes are: borough_contact, borough_directory, borough_list, borough_name, helplines, language_list, services; or add templates/shortcodes/hotlines.html

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn unsafe_link() {
    fails_with(
        "unsafe-link",
        r#"error[H004]: link address `javascript:alert(1)` is not allowed
 --> content/about.md:8:1
  |
8 | [Tap here](javascript:alert(1)) for <span onclick="steal()">more</span>.
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: links may use http:, https:, mailto: or tel:, a site path, or @/path.md for a page of this site

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn wrong_type() {
    fails_with(
        "wrong-type",
        r#"error[H003]: invalid TOML: invalid type: string "first", expected a whole number
 --> content/about.md:4:10
  |
4 | weight = "first"
  |          ^^^^^^^
  = help: check the value's type: text needs quotes, numbers and true/false do not, lists use [ ]

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}
#[test]
fn invalid_utf8_names_line_and_column() {
    let site = Site::new("minimal", &[]);
    site.write("content/about.md", b"+++\ntitle = \"Caf\xe9\"\n+++\n");
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        clean(&run.stderr, &site),
        "error[H001]: file is not valid UTF-8\n --> content/about.md:2:13\n  |\n2 | title = \"Caf\u{fffd}\"\n  |             ^\n  = help: save the file with UTF-8 encoding (most editors offer it under \"Save with encoding\")\n\n1 error, 0 warnings in 1 file\ncontent/: 5 files = 4 pages + 0 drafts skipped + 1 with errors\nNothing was written; the previous site is unchanged.\n"
    );
}

#[test]
fn bom_and_crlf_files_build() {
    let site = Site::new("minimal", &[]);
    site.write(
        "content/about.md",
        "\u{feff}+++\r\ntitle = \"About\"\r\ndescription = \"Who we are.\"\r\n+++\r\n\r\n## Who we are\r\n\r\nText.\r\n",
    );
    let run = site.build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = site.read("about/index.html");
    assert!(
        html.contains("<h2 id=\"who-we-are\">Who we are</h2>"),
        "{html}"
    );
    assert!(!html.contains('\r') && !html.contains('\u{feff}'));
}

#[test]
fn empty_and_front_matter_less_files_are_errors() {
    let site = Site::new("minimal", &[]);
    site.write("content/empty.md", "");
    site.write("content/plain.md", "# Just a heading\n");
    let run = site.build();
    assert_eq!(run.code, 1);
    let err = clean(&run.stderr, &site);
    assert!(
        err.contains("error[H003]: file is empty\n --> content/empty.md\n"),
        "{err}"
    );
    assert!(
        err.contains("error[H003]: missing front matter\n --> content/plain.md:1:1\n"),
        "{err}"
    );
}

#[test]
fn fuzzed_front_matter_never_panics() {
    // A sample of hostile inputs: each must give exit 1 and a message, never a crash.
    let inputs: &[&[u8]] = &[
        b"+++",
        b"+++\n+++",
        b"+++\n[[[\n+++\n",
        b"+++\ntitle = \"x\"\ndate = 10000-01-01\n+++\n",
        b"+++\ntitle = \"x\"\naliases = [\"../../etc\"]\n+++\n",
        b"+++\ntitle = \"x\"\nslug = \"///\"\n+++\n",
        b"+++\ntitle = \"x\"\npaginate_by = -1\n+++\n",
        b"+++\ntitle = \"x\"\n+++\n{{ helplines(\n",
        b"+++\ntitle = \"x\"\n+++\n[a](@/)\n[b](@/#)\n",
        b"\xff\xfe+\x00+\x00+\x00",
    ];
    for (i, input) in inputs.iter().enumerate() {
        let site = Site::new("minimal", &[]);
        site.write("content/hostile.md", input);
        let run = site.build();
        assert!(
            run.code == 1 || run.code == 0,
            "case {i}: exit {}\n{}",
            run.code,
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "case {i} panicked:\n{}",
            run.stderr
        );
        if run.code == 1 {
            assert!(run.stderr.contains("error[H"), "case {i}: {}", run.stderr);
        }
    }
}

#[test]
fn missing_ui_string() {
    fails_with(
        "missing-ui-string",
        r#"error[H011]: template error: no UI string `page_not_fund`: add it to translations/en.toml
 --> templates/404.html:3:8
  |
3 | <h1>{{ t(key="page_not_fund") }}</h1>
  |        ^^^^^^^^^^^^^^^^^^^^^^
  = help: while rendering 404.html

1 error, 0 warnings in 1 file
content/: 5 files = 5 pages + 0 drafts skipped + 0 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}

#[test]
fn shortcode_bad_argument() {
    fails_with(
        "shortcode-bad-argument",
        r#"error[H007]: shortcode `note` failed: `+` requires both operands to be numbers, found `string` and `i64`
 --> content/news/second.md:7:1
  |
7 | {{ note(text="Be kind", level="high") }}
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: check its arguments; the template is templates/shortcodes/note.html:1:40

1 error, 0 warnings in 1 file
content/: 5 files = 4 pages + 0 drafts skipped + 1 with errors
Nothing was written; the previous site is unchanged.
"#,
    );
}
