//! Where an address in a rendered page points inside the site: resolved against the page
//! (relative paths), the site's own base URL (absolute links to itself) and percent-encoding.

/// How an address can appear in Markdown or raw HTML: inline `(url`, a reference definition
/// `]: url`, an autolink `<url>`, or a quoted attribute.
pub fn ref_needles(url: &str) -> Vec<String> {
    vec![
        format!("({url}"),
        format!("]: {url}"),
        format!("<{url}>"),
        format!("\"{url}\""),
        format!("'{url}'"),
    ]
}

/// A site path, percent-decoded, starting with `/`.
pub struct SitePath(pub String);

impl SitePath {
    /// Output files that would serve this path.
    pub fn candidates(&self) -> Vec<String> {
        let p = self.0.trim_start_matches('/');
        if p.is_empty() || p.ends_with('/') {
            vec![format!("{p}index.html")]
        } else {
            vec![p.to_string(), format!("{p}/index.html")]
        }
    }
}

pub struct Target {
    /// None: the same page.
    pub path: Option<SitePath>,
    /// After `#`, decoded.
    pub fragment: Option<String>,
}

/// Where `url` on output page `page` points inside the site; None for other sites, mail,
/// phone and the like.
pub fn resolve(page: &str, url: &str, base_url: &str) -> Option<Target> {
    let url = url.trim();
    let local = match url.strip_prefix(base_url) {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '?', '#']) => {
            if rest.starts_with('/') {
                rest.to_string()
            } else {
                format!("/{rest}")
            }
        }
        _ => url.to_string(),
    };
    if local.is_empty() || local.starts_with("//") {
        return None;
    }
    let scheme_end = local.find(':');
    let path_char = local.find(['/', '?', '#']);
    if let Some(c) = scheme_end
        && path_char.is_none_or(|p| c < p)
    {
        return None;
    }
    let (rest, fragment) = match local.split_once('#') {
        Some((r, f)) => (r, Some(percent_decode(f))),
        None => (local.as_str(), None),
    };
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if path.is_empty() {
        return Some(Target {
            path: None,
            fragment,
        });
    }
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        format!("/{dir}/{path}")
    };
    let trailing = joined.ends_with('/');
    let mut segments: Vec<&str> = Vec::new();
    for s in joined.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut norm = format!("/{}", segments.join("/"));
    if trailing && norm != "/" {
        norm.push('/');
    }
    Some(Target {
        path: Some(SitePath(percent_decode(&norm))),
        fragment,
    })
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(page: &str, url: &str) -> Option<(Option<String>, Option<String>)> {
        resolve(page, url, "https://hub.example.org").map(|t| (t.path.map(|p| p.0), t.fragment))
    }

    #[test]
    fn resolves_site_addresses_and_skips_others() {
        assert_eq!(path("a/b/index.html", "https://other.org/x"), None);
        assert_eq!(path("a/b/index.html", "mailto:x@y.org"), None);
        assert_eq!(path("a/b/index.html", "//cdn.org/x"), None);
        assert_eq!(
            path("a/b/index.html", "https://hub.example.org/c/"),
            Some((Some("/c/".into()), None))
        );
        assert_eq!(
            path("a/b/index.html", "../c/d.png?v=1#x%20y"),
            Some((Some("/a/c/d.png".into()), Some("x y".into())))
        );
        assert_eq!(
            path("a/index.html", "#top"),
            Some((None, Some("top".into())))
        );
        assert_eq!(
            path("index.html", "/ar/%D9%85/"),
            Some((Some("/ar/م/".into()), None))
        );
        let c = SitePath("/a/b".into()).candidates();
        assert_eq!(c, ["a/b", "a/b/index.html"]);
        assert_eq!(SitePath("/".into()).candidates(), ["index.html"]);
    }
}
