//! Finds where in a Markdown source a finding in the rendered page came from, so the editor
//! gets a line and column; a finding that is not in the source came from a template.

use std::ops::Range;

/// Byte range in `text` (the whole file) of the first needle found in the body (after
/// `body_offset`), trying needles in order.
pub fn find(text: &str, body_offset: usize, needles: &[String]) -> Option<Range<usize>> {
    let body = text.get(body_offset..)?;
    needles.iter().filter(|n| !n.is_empty()).find_map(|n| {
        body.find(n.as_str())
            .map(|i| body_offset + i..body_offset + i + n.len())
    })
}

/// Byte range of a Markdown heading line (`## text`) or HTML heading whose text is `text`.
pub fn heading(text: &str, body_offset: usize, heading_text: &str) -> Option<Range<usize>> {
    let body = text.get(body_offset..)?;
    let mut offset = body_offset;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        let is_heading = t.starts_with('#') || t.to_ascii_lowercase().starts_with("<h");
        if is_heading && !heading_text.is_empty() && t.contains(heading_text) {
            let lead = line.len() - line.trim_start().len();
            return Some(offset + lead..offset + lead + t.len());
        }
        offset += line.len();
    }
    None
}
