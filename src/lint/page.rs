//! The checks that need only one rendered page, run as soon as it is scanned so that its text
//! can be dropped at once: images without alt, heading outline, link text.

use super::codes;
use super::html::{PageScan, fold};
use super::refs::ref_needles;

/// One problem on one rendered page, before it is placed in a source file.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Its rule.
    pub code: &'static str,
    /// Output path of the page (`about/index.html`).
    pub page: String,
    /// What to search for in the source to place it.
    pub needles: Vec<String>,
    /// A heading finding: placed on the heading line when the source has that heading.
    pub heading: Option<String>,
    /// What makes two template findings the same problem (the address, `h2→h4`), so one
    /// template mistake is one report whatever text each page puts around it.
    pub group: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// Words that do not say where a link goes (compared lowercased, punctuation trimmed).
const VAGUE: &[&str] = &[
    "click here",
    "click",
    "here",
    "read more",
    "more",
    "learn more",
    "find out more",
    "more info",
    "more information",
    "link",
    "this link",
    "this page",
    "go",
];

/// Alt text, headings and link text of one page.
pub fn check(p: &PageScan) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut finding = |code,
                       group: String,
                       needles: Vec<String>,
                       heading: Option<String>,
                       message: String,
                       help: String| {
        out.push(Finding {
            code,
            page: p.path.clone(),
            needles,
            heading,
            group,
            message,
            help,
        });
    };
    for src in &p.images_without_alt {
        finding(
            codes::IMAGE_ALT,
            src.clone(),
            vec![format!("\"{src}\"")],
            None,
            format!("image {src} has no alt attribute"),
            "describe the image in its alt text; in a template, give a purely decorative image alt=\"\"".into(),
        );
    }
    let h1s: Vec<&String> = p
        .headings
        .iter()
        .filter(|h| h.0 == 1)
        .map(|h| &h.1)
        .collect();
    if h1s.len() > 1 {
        finding(
            codes::MANY_H1,
            String::new(),
            Vec::new(),
            Some(h1s[1].clone()),
            format!(
                "page has {} h1 headings: {}",
                h1s.len(),
                h1s.iter()
                    .map(|h| format!("`{h}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "the theme shows the title as the page's h1; start headings in the text at ## (h2)"
                .into(),
        );
    }
    for pair in p.headings.windows(2) {
        let ((a, at), (b, bt)) = (&pair[0], &pair[1]);
        if *b > a + 1 {
            finding(
                codes::HEADING_SKIP,
                format!("h{a}→h{b}"),
                Vec::new(),
                Some(bt.clone()),
                format!("heading level skipped: h{a} `{at}` is followed by h{b} `{bt}`"),
                format!(
                    "make `{bt}` an h{} ({} in Markdown): screen-reader users move through a page by heading level",
                    a + 1,
                    "#".repeat(usize::from(a + 1))
                ),
            );
        }
    }
    let english = p.lang == "en" || p.lang.starts_with("en-");
    for l in &p.links {
        let text = fold(&l.text);
        if text.is_empty() {
            finding(
                codes::EMPTY_LINK,
                l.href.clone(),
                vec![format!("[]({}", l.href), format!("[ ]({}", l.href)],
                None,
                format!("link to {} has no text", l.href),
                "write the link text between [ and ], saying where the link goes (or give an icon link an aria-label)".into(),
            );
            continue;
        }
        // Vague phrases are short: longer text is never compared (nor lowercased).
        if !english || text.len() > 24 {
            continue;
        }
        let key = text
            .trim_matches(|c: char| {
                c.is_ascii_punctuation() || "…»›→".contains(c) || c.is_whitespace()
            })
            .to_lowercase();
        if VAGUE.contains(&key.as_str()) {
            finding(
                codes::VAGUE_LINK,
                key.clone(),
                [vec![format!("[{text}]")], ref_needles(&l.href)].concat(),
                None,
                format!("link text `{text}` does not say where the link goes"),
                "use words that make sense on their own, e.g. [our guide to coping with stress](@/guidance/coping-with-stress.md)".into(),
            );
        }
    }
    out
}
