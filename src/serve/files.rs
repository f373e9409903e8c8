//! From a request URL to a file inside the output folder, without ever leaving it.
//!
//! Steps: 1. `UrlPath::parse` (pure): cut the query, percent-decode exactly once, require UTF-8
//! (which also refuses overlong encodings such as `%c0%ae`), refuse NUL, backslash, `.`, `..`,
//! `:` and anything else that is not one plain path component, before anything is joined;
//! 2. `resolve`: join the segments to the canonical output folder, canonicalise the result (so
//! symlinks are followed by the OS, not by us), and serve it only if it is still inside the
//! folder; folders give their `index.html`, and `/foo` redirects to `/foo/`.
//! `content_type` names the MIME type, with `charset=utf-8` for every text type.

use std::path::{Component, Path, PathBuf};

/// Why a request path was refused before touching the disk (answered with 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPath(pub &'static str);

/// A request path, decoded and checked: plain segments only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPath {
    /// The decoded segments, empty ones (from `//`) dropped.
    pub segments: Vec<String>,
    /// The path ended with `/` (a folder was asked for).
    pub trailing_slash: bool,
    /// The raw query string (`?…`), kept for redirects; empty when none or when unsafe.
    pub query: String,
}

impl UrlPath {
    /// Parses the request target of an HTTP request line (`/a/b%20c/?x=1`).
    pub fn parse(target: &str) -> Result<UrlPath, BadPath> {
        // Only origin-form targets: absolute-form (`http://host/…`) and `*` are for proxies.
        if !target.starts_with('/') {
            return Err(BadPath("the request target does not start with /"));
        }
        let (path, query) = match target.find(['?', '#']) {
            Some(i) => (&target[..i], &target[i..]),
            None => (target, ""),
        };
        // The query goes back out in a Location header: keep it only if it is plain ASCII
        // without controls or a fragment.
        let query =
            if query.starts_with('?') && query.bytes().all(|b| b.is_ascii_graphic() && b != b'#') {
                query.to_string()
            } else {
                String::new()
            };
        let bytes = percent_decode(path)?;
        let decoded =
            String::from_utf8(bytes).map_err(|_| BadPath("the path is not valid UTF-8"))?;
        if decoded.contains('\0') {
            return Err(BadPath("the path contains NUL"));
        }
        if decoded.contains('\\') {
            return Err(BadPath("the path contains a backslash"));
        }
        let mut segments = Vec::new();
        for seg in decoded.split('/').filter(|s| !s.is_empty()) {
            if seg == "." || seg == ".." {
                return Err(BadPath("the path contains . or .."));
            }
            // `:` would make a drive (`C:`) or an alternate data stream on Windows; hubgen
            // never writes such names, so refusing it everywhere costs nothing.
            if seg.contains(':') || seg.chars().any(char::is_control) {
                return Err(BadPath("the path contains a forbidden character"));
            }
            let mut parts = Path::new(seg).components();
            if !matches!(
                (parts.next(), parts.next()),
                (Some(Component::Normal(_)), None)
            ) {
                return Err(BadPath("the path contains an absolute or special segment"));
            }
            segments.push(seg.to_string());
        }
        Ok(UrlPath {
            trailing_slash: decoded.ends_with('/'),
            segments,
            query,
        })
    }

    /// The path of one file at the top of the output folder (`404.html`).
    pub fn file(name: &str) -> UrlPath {
        UrlPath {
            segments: vec![name.to_string()],
            trailing_slash: false,
            query: String::new(),
        }
    }

    /// The folder form of this path, re-encoded: `/a%20b/` (never `//host`, an open redirect).
    pub fn folder_location(&self) -> String {
        let mut out = String::from("/");
        for seg in &self.segments {
            out.push_str(&percent_encode(seg));
            out.push('/');
        }
        out.push_str(&self.query);
        out
    }
}

/// Decodes `%XX` escapes once; a `%` not followed by two hex digits is an error.
fn percent_decode(s: &str) -> Result<Vec<u8>, BadPath> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(BadPath("the path has a broken % escape"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn percent_encode(seg: &str) -> String {
    let mut out = String::new();
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a checked path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect here.
    Redirect(String),
    /// Nothing there, or something we will not serve (a symlink out of the folder).
    NotFound,
}

/// Finds the file for `path` inside `output`. Every path is canonicalised and checked to be
/// under the canonical output folder, so a symlink pointing outside it is never followed.
pub fn resolve(output: &Path, path: &UrlPath) -> Target {
    // The folder is swapped whole by each build, so it is canonicalised per request.
    let Ok(root) = std::fs::canonicalize(output) else {
        return Target::NotFound;
    };
    let mut candidate = root.clone();
    candidate.extend(&path.segments);
    let Some((real, meta)) = inside(&root, &candidate) else {
        return Target::NotFound;
    };
    if meta.is_dir() {
        if !path.trailing_slash && !path.segments.is_empty() {
            return Target::Redirect(path.folder_location());
        }
        return match inside(&root, &real.join("index.html")) {
            Some((index, m)) if m.is_file() => Target::File(index),
            _ => Target::NotFound,
        };
    }
    if meta.is_file() && !path.trailing_slash {
        Target::File(real)
    } else {
        Target::NotFound
    }
}

/// The canonical form of `candidate` and its metadata, only if it exists under `root`.
fn inside(root: &Path, candidate: &Path) -> Option<(PathBuf, std::fs::Metadata)> {
    let real = std::fs::canonicalize(candidate).ok()?;
    if !real.starts_with(root) {
        return None;
    }
    let meta = std::fs::metadata(&real).ok()?;
    Some((real, meta))
}

/// True for files whose `Content-Type` is HTML (these get the reload script and overlay).
pub fn is_html(path: &Path) -> bool {
    matches!(extension(path).as_str(), "html" | "htm")
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The `Content-Type` for a file, by extension; text types carry `charset=utf-8` because the
/// build writes every text file as UTF-8.
pub fn content_type(path: &Path) -> &'static str {
    match extension(path).as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(target: &str) -> Vec<String> {
        UrlPath::parse(target).unwrap().segments
    }

    #[test]
    fn decodes_once_and_keeps_plain_segments() {
        assert_eq!(segs("/"), Vec::<String>::new());
        assert_eq!(segs("/news/first/"), ["news", "first"]);
        assert_eq!(segs("/a%20b/c?x=%2e%2e"), ["a b", "c"]);
        assert_eq!(segs("//etc/passwd"), ["etc", "passwd"]);
        // Decoded once: `%252e` is the literal text `%2e`, a harmless (missing) name.
        assert_eq!(segs("/%252e%252e/x"), ["%2e%2e", "x"]);
        assert_eq!(segs("/ar/%D9%85%D8%B1%D8%AD%D8%A8%D8%A7/"), ["ar", "مرحبا"]);
        let p = UrlPath::parse("/news?page=2").unwrap();
        assert!(!p.trailing_slash);
        assert_eq!(p.folder_location(), "/news/?page=2");
        assert!(UrlPath::parse("/news/").unwrap().trailing_slash);
    }

    #[test]
    fn refuses_traversal_before_joining() {
        for bad in [
            "/../config.toml",
            "/%2e%2e/config.toml",
            "/%2E%2E/config.toml",
            "/..%2fconfig.toml",
            "/%2e%2e%2fconfig.toml",
            "/..%5cconfig.toml",
            "/..\\config.toml",
            "/news/../../config.toml",
            "/./x",
            "/a%00b",
            "/%00",
            "/%c0%ae%c0%ae/config.toml",
            "/%e0%80%ae/x",
            "/C:/Windows/win.ini",
            "/x%3a%24DATA",
            "/%",
            "/%zz",
            "/%2",
            "http://evil/../config.toml",
            "*",
            "",
            "/a%0d%0aSet-Cookie:x",
        ] {
            assert!(UrlPath::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn redirects_are_never_protocol_relative() {
        let p = UrlPath::parse("//evil.example").unwrap();
        assert_eq!(p.folder_location(), "/evil.example/");
        let p = UrlPath::parse("/a b?q=a b").unwrap();
        assert_eq!(p.folder_location(), "/a%20b/", "unsafe query dropped");
    }

    #[test]
    fn resolves_inside_the_output_only() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join("news")).unwrap();
        std::fs::write(out.join("news/index.html"), "n").unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
        let at = |t: &str| resolve(&out, &UrlPath::parse(t).unwrap());
        let root = std::fs::canonicalize(&out).unwrap();
        assert_eq!(at("/"), Target::File(root.join("index.html")));
        assert_eq!(at("/news/"), Target::File(root.join("news/index.html")));
        assert_eq!(at("/news"), Target::Redirect("/news/".into()));
        assert_eq!(at("/index.html/"), Target::NotFound);
        assert_eq!(at("/nope"), Target::NotFound);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("leak")).unwrap();
            std::os::unix::fs::symlink(tmp.path(), out.join("up")).unwrap();
            std::os::unix::fs::symlink(out.join("news"), out.join("alias")).unwrap();
            assert_eq!(at("/leak"), Target::NotFound);
            assert_eq!(at("/up/secret.txt"), Target::NotFound);
            assert_eq!(at("/alias/"), Target::File(root.join("news/index.html")));
        }
    }

    #[test]
    fn text_types_say_utf8() {
        for f in [
            "a.html", "a.css", "a.js", "a.xml", "a.json", "a.txt", "a.svg",
        ] {
            assert!(
                content_type(Path::new(f)).ends_with("; charset=utf-8"),
                "{f}"
            );
        }
        assert_eq!(content_type(Path::new("a.PNG")), "image/png");
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }
}
