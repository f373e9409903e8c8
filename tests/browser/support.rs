//! What every browser gate shares: finding the tools (Chromium, axe-core, the Nu checker), the
//! real hub built once per run, a plain static server for it, and a headless browser whose
//! every request is recorded.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use headless_chrome::browser::tab::{RequestInterceptor, RequestPausedDecision};
use headless_chrome::browser::transport::{SessionId, Transport};
use headless_chrome::protocol::cdp::Fetch::events::RequestPausedEvent;
use headless_chrome::protocol::cdp::{Emulation, Page};
use headless_chrome::{Browser, LaunchOptions, Tab};

/// One kind of page the hub has, and the address of a real example of it.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// What the closing note calls it.
    pub name: &'static str,
    /// Site path.
    pub path: &'static str,
}

/// Every kind of page the hub has, in the languages the issue names.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "home",
        path: "/",
    },
    Kind {
        name: "home (ar)",
        path: "/ar/",
    },
    Kind {
        name: "campaign",
        path: "/campaigns/core-conversations/",
    },
    Kind {
        name: "section",
        path: "/campaigns/",
    },
    Kind {
        name: "taxonomy list",
        path: "/topics/",
    },
    Kind {
        name: "taxonomy term",
        path: "/topics/loneliness/",
    },
    Kind {
        name: "borough list",
        path: "/boroughs/",
    },
    Kind {
        name: "borough page",
        path: "/boroughs/camden/",
    },
    Kind {
        name: "services directory",
        path: "/boroughs/camden/services/mental-health/",
    },
    Kind {
        name: "guidance (en)",
        path: "/guidance/loneliness-and-connection/",
    },
    Kind {
        name: "guidance (ar)",
        path: "/ar/guidance/loneliness-and-connection/",
    },
    Kind {
        name: "guidance (ur)",
        path: "/ur/guidance/loneliness-and-connection/",
    },
    Kind {
        name: "guidance (zh)",
        path: "/zh/guidance/loneliness-and-connection/",
    },
    Kind {
        name: "guidance (ti)",
        path: "/ti/guidance/loneliness-and-connection/",
    },
    Kind {
        name: "guidance section (fa)",
        path: "/fa/guidance/",
    },
    Kind {
        name: "language list",
        path: "/languages/",
    },
    Kind {
        name: "about",
        path: "/about/",
    },
    Kind {
        name: "translations matrix",
        path: "/translations/",
    },
    Kind {
        name: "search (en, results)",
        path: "/search/?q=money",
    },
    Kind {
        name: "search (ar, results)",
        path: "/ar/search/?q=%D8%A7%D9%84%D9%85%D8%A7%D9%84",
    },
    Kind {
        name: "search (zh, results)",
        path: "/zh/search/?q=%E5%AD%A4%E7%8B%AC",
    },
    Kind {
        name: "pack print page",
        path: "/boroughs/camden/packs/core-conversations/",
    },
    Kind {
        name: "pack index",
        path: "/packs/",
    },
    Kind {
        name: "404",
        path: "/no-such-page/",
    },
];

/// True for a borough's information pack: a print page with its own layout.
pub fn is_pack(path: &str) -> bool {
    path.contains("/packs/") && path.starts_with("/boroughs/")
}

/// True for the search page, the one page that needs JavaScript for its results.
pub fn is_search(path: &str) -> bool {
    path.contains("/search/")
}

/// True when the run must not skip: CI promises these gates ran.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Skips loudly, or fails under CI, when a tool is missing.
pub fn missing(what: &str, how: &str) {
    let line = format!(
        "SKIPPED: {what} not found, so this browser gate did not run. Install it with: {how}"
    );
    assert!(!in_ci(), "{line} (CI=true: the gates must run in CI)");
    eprintln!("\n{}\n{line}\n{}\n", "!".repeat(78), "!".repeat(78));
}

/// The first of `names` found on PATH.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Debian's Chromium (or `$CHROME`), or a loud skip.
pub fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("CHROME")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| on_path(&["chromium", "chromium-browser", "google-chrome"]));
    if found.is_none() {
        missing("chromium", "apt-get install -y chromium");
    }
    found
}

/// The npm packages `.ci/run` installs for the gates.
pub fn node_modules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/browser/node_modules")
}

/// axe-core's browser bundle, or a loud skip.
pub fn axe_source() -> Option<String> {
    let path = node_modules().join("axe-core/axe.min.js");
    let source = std::fs::read_to_string(&path).ok();
    if source.is_none() {
        missing(
            &path.display().to_string(),
            "cd tools/browser && npm ci (or let .ci/run do it)",
        );
    }
    source
}

/// `java` and the Nu checker's jar, or a loud skip.
pub fn vnu() -> Option<(PathBuf, PathBuf)> {
    let jar = node_modules().join("vnu-jar/build/dist/vnu.jar");
    let Some(java) = on_path(&["java"]) else {
        missing("java", "apt-get install -y default-jre-headless");
        return None;
    };
    if !jar.is_file() {
        missing(
            &jar.display().to_string(),
            "cd tools/browser && npm ci (or let .ci/run do it)",
        );
        return None;
    }
    Some((java, jar))
}

/// Where screenshots and reports go for a human to look at.
pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

/// The real hub, built once per test run with the real binary.
pub struct Hub {
    /// The built site.
    pub out: PathBuf,
    /// `http://127.0.0.1:PORT` serving it.
    pub origin: String,
}

impl Hub {
    /// The file a site path is served from.
    pub fn file(&self, path: &str) -> PathBuf {
        let path = path.split('?').next().unwrap_or(path);
        let rel = path.trim_start_matches('/');
        let p = self.out.join(rel);
        if rel.is_empty() || rel.ends_with('/') {
            p.join("index.html")
        } else {
            p
        }
    }

    /// Every HTML file in the build, sorted.
    pub fn html_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = walk(&self.out)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect();
        files.sort();
        files
    }

    /// The URL of a site path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read output").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Builds the hub from the repository's own content and serves it on loopback.
pub fn hub() -> &'static Hub {
    static HUB: OnceLock<Hub> = OnceLock::new();
    HUB.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-hub");
        let run = Command::new(env!("CARGO_BIN_EXE_hubgen"))
            .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
            .arg(&out)
            .output()
            .expect("run hubgen build");
        assert!(
            run.status.success(),
            "the real hub must build:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let origin = serve(out.clone());
        Hub { out, origin }
    })
}

/// A temporary copy of `tests/fixtures/<name>` with the repository's themes and translations,
/// for tests that edit or extend a site. Returns the folder (deleted when dropped) and the root.
pub fn fixture_site(name: &str) -> (tempfile::TempDir, PathBuf) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp");
    let root = tmp.path().join("site");
    copy_dir(&repo.join("tests/fixtures").join(name), &root);
    copy_dir(&repo.join("themes"), &root.join("themes"));
    copy_dir(&repo.join("translations"), &root.join("translations"));
    (tmp, root)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture").flatten() {
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Serves another built site (a fixture) the same way; returns its origin.
pub fn serve_dir(root: PathBuf) -> String {
    serve(root)
}

/// A plain static file server (tiny_http, one thread per request): the gates test the built
/// files as any host would serve them, not `hubgen serve`'s preview additions.
fn serve(root: PathBuf) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind loopback");
    let addr = server.server_addr().to_ip().expect("an IP address");
    std::thread::spawn(move || {
        let root = Arc::new(root);
        for req in server.incoming_requests() {
            let root = Arc::clone(&root);
            std::thread::spawn(move || answer(req, &root));
        }
    });
    format!("http://{addr}")
}

fn answer(req: tiny_http::Request, root: &Path) {
    let url = req
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let path = percent_decode(&url);
    let mut status = 200;
    let mut file = if path.split('/').any(|s| s == "..") {
        root.join("404.html")
    } else {
        root.join(path.trim_start_matches('/'))
    };
    if file.is_dir() {
        file = file.join("index.html");
    }
    if !file.is_file() {
        status = 404;
        file = root.join("404.html");
    }
    let body = std::fs::read(&file).unwrap_or_default();
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    };
    let header = tiny_http::Header::from_bytes("Content-Type", kind).expect("header");
    let resp = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header);
    let _ = req.respond(resp);
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Records every request a tab makes and lets it through.
#[derive(Default)]
pub struct Requests(Mutex<Vec<(String, String)>>);

impl RequestInterceptor for Requests {
    fn intercept(
        &self,
        _transport: Arc<Transport>,
        _session: SessionId,
        event: RequestPausedEvent,
    ) -> RequestPausedDecision {
        if let Ok(mut seen) = self.0.lock() {
            let kind = format!("{:?}", event.params.resource_Type);
            seen.push((event.params.request.url.clone(), kind));
        }
        RequestPausedDecision::Continue(None)
    }
}

impl Requests {
    /// Every (url, resource type) seen so far, and forgets them.
    pub fn take(&self) -> Vec<(String, String)> {
        self.0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

/// A headless Chromium launched with the flags a closed network needs.
pub struct Chrome {
    browser: Browser,
    _profile: tempfile::TempDir,
}

/// A tab with its request log.
pub struct Visit {
    /// The tab.
    pub tab: Arc<Tab>,
    /// Every request it made.
    pub requests: Arc<Requests>,
    js: bool,
}

/// Runs before any page script: collects Content-Security-Policy violations.
const CSP_RECORDER: &str = "window.__csp=[];document.addEventListener('securitypolicyviolation',\
function(e){window.__csp.push(e.violatedDirective+' '+e.blockedURI);});";

impl Chrome {
    /// Starts Chromium, or None (after a loud skip) when it is not installed.
    pub fn launch() -> Option<Chrome> {
        let path = chromium()?;
        let profile = tempfile::tempdir().expect("profile folder");
        let args: Vec<&std::ffi::OsStr> = [
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=en-GB",
        ]
        .iter()
        .map(std::ffi::OsStr::new)
        .collect();
        let options = LaunchOptions {
            headless: true,
            sandbox: false,
            path: Some(path),
            user_data_dir: Some(profile.path().to_path_buf()),
            window_size: Some((1280, 900)),
            idle_browser_timeout: Duration::from_secs(300),
            args,
            ..LaunchOptions::default()
        };
        let browser = Browser::new(options).expect("launch chromium");
        Some(Chrome {
            browser,
            _profile: profile,
        })
    }

    /// A new tab that records requests and CSP violations; `js` false disables page scripts.
    pub fn tab(&self, js: bool) -> Visit {
        let tab = self.browser.new_tab().expect("new tab");
        tab.set_default_timeout(Duration::from_secs(60));
        let requests = Arc::new(Requests::default());
        tab.enable_fetch(None, None).expect("enable fetch");
        tab.enable_request_interception(requests.clone())
            .expect("intercept");
        tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
            source: CSP_RECORDER.to_string(),
            world_name: None,
            include_command_line_api: None,
            run_immediately: None,
        })
        .expect("csp recorder");
        if !js {
            tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
                .expect("disable scripts");
        }
        Visit { tab, requests, js }
    }
}

impl Visit {
    /// Loads `url` and waits until it has loaded.
    pub fn open(&self, url: &str) {
        self.tab.navigate_to(url).expect("navigate");
        self.tab.wait_until_navigated().expect("load");
        if self.js {
            // A search page with `?q=` runs its query on load: wait for the announced result.
            let deadline = std::time::Instant::now() + Duration::from_secs(30);
            let ready = "const app = document.getElementById('search-app'); \
                return !app || !new URLSearchParams(location.search).get('q') || \
                document.getElementById('search-status').textContent.trim() !== '';";
            while self.json(ready) != serde_json::json!(true) {
                assert!(
                    std::time::Instant::now() < deadline,
                    "{url}: no search result"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// Evaluates `js` (a promise is awaited) and parses the JSON string it returns.
    pub fn json(&self, js: &str) -> serde_json::Value {
        self.try_json(js).unwrap_or_else(|e| panic!("{e}\n{js}"))
    }

    /// `json`, or why there is no value: a page that navigates (a live reload) while the script
    /// runs gives none, and a caller polling across a reload asks again.
    pub fn try_json(&self, js: &str) -> Result<serde_json::Value, String> {
        let wrapped = format!("Promise.resolve((async () => {{ {js} }})()).then(JSON.stringify)");
        let value = self
            .tab
            .evaluate(&wrapped, true)
            .map_err(|e| format!("evaluate failed: {e}"))?
            .value
            .ok_or("no value")?;
        let text = value.as_str().ok_or("not a JSON string")?;
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
    }

    /// Clicks the element `selector` names with the mouse, as a person would, and waits for
    /// the page it leads to. (headless_chrome's own `click` waits on a script event that never
    /// comes when page scripts are off.)
    pub fn click_and_wait(&self, selector: &str) {
        let sel = serde_json::to_string(selector).expect("selector as JSON");
        let at = self.json(&format!(
            "const e = document.querySelector({sel}); if (!e) return null; \
             e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
             return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};"
        ));
        assert!(!at.is_null(), "nothing matches {selector}");
        let point = headless_chrome::browser::tab::point::Point {
            x: at["x"].as_f64().expect("x"),
            y: at["y"].as_f64().expect("y"),
        };
        let before = self.tab.get_url();
        self.tab.click_point(point).expect("click");
        // The click only starts the navigation: wait until the address changes, then for the
        // new page to load, so nothing is asked of the page being left.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while self.tab.get_url() == before {
            assert!(
                std::time::Instant::now() < deadline,
                "clicking {selector} did not navigate away from {before}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
        self.tab.wait_until_navigated().expect("navigates");
    }

    /// PNG screenshot of the whole page into the artifacts folder.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .tab
            .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
            .expect("screenshot");
        let path = artifacts().join(name);
        std::fs::write(&path, png).expect("write screenshot");
        path
    }
}

/// Prints a table for the closing note and keeps it as an artifact.
pub fn report(name: &str, header: &str, rows: &BTreeMap<String, String>) {
    let mut text = format!("{header}\n");
    for (k, v) in rows {
        text.push_str(&format!("{k:<28} {v}\n"));
    }
    println!("\n{name}\n{text}");
    let file: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let _ = std::fs::write(artifacts().join(format!("{file}.txt")), text);
}

/// Reads a whole file as text (tests only).
pub fn read(path: &Path) -> String {
    let mut s = String::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_string(&mut s))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    s
}
