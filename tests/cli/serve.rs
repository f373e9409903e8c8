//! `hubgen serve`: the real binary on a fixture copy, spoken to over loopback with a tiny
//! hand-written HTTP client (so the tests send exactly the bytes they mean, `..` included).
//!
//! Every wait is bounded, every server is killed by a guard when its test ends, and only
//! 127.0.0.1 is ever contacted.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::Site;

mod incremental;

/// Matches `MAX_EVENT_CLIENTS` in src/serve/http.rs.
const MAX_EVENT_CLIENTS: usize = 32;
/// Matches `MAX_CONNECTIONS` in src/serve/front.rs.
const MAX_CONNECTIONS: usize = 64;
/// Generous: the first build in a debug binary on a busy 2-core CI machine.
const START_TIMEOUT: Duration = Duration::from_secs(90);
const EVENT_TIMEOUT: Duration = Duration::from_secs(30);

/// A running `hubgen serve`; killed when dropped, whatever the test did.
struct Server {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<String>>,
    _stdout: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(site: &Site, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hubgen"));
        cmd.args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .current_dir(site.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // The PDF cache the clean builds of the tests use (`Site::run`): the same PDFs are
            // typeset once (same bytes either way; a test may pass its own).
            .env("HUBGEN_CACHE_DIR", crate::support::shared_pdf_cache());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start hubgen serve");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Drained all along, so the server never blocks on a full pipe.
        let err = Arc::new(Mutex::new(String::new()));
        {
            let err = err.clone();
            std::thread::spawn(move || {
                let mut r = BufReader::new(stderr);
                let mut line = String::new();
                while r.read_line(&mut line).is_ok_and(|n| n > 0) {
                    err.lock().unwrap().push_str(&line);
                    line.clear();
                }
            });
        }
        let mut server = Server {
            child,
            addr: String::new(),
            stderr: err,
            _stdout: rx,
        };
        let line = server
            ._stdout
            .recv_timeout(START_TIMEOUT)
            .unwrap_or_else(|_| panic!("no address printed; stderr:\n{}", server.stderr()));
        let addr = line
            .strip_prefix("Serving the hub at http://")
            .and_then(|rest| rest.strip_suffix(" (Ctrl-C to stop)"))
            .unwrap_or_else(|| panic!("unexpected first line: {line}"));
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        server.addr = addr.to_string();
        server
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn get(&self, path: &str) -> Resp {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        ))
    }

    fn request(&self, raw: &str) -> Resp {
        let mut s = connect(&self.addr);
        s.write_all(raw.as_bytes()).expect("send request");
        let mut bytes = Vec::new();
        s.read_to_end(&mut bytes).expect("read response");
        Resp::parse(&bytes)
    }

    fn events(&self, query: &str, host: &str) -> Events {
        let mut s = connect(&self.addr);
        write!(
            s,
            "GET /__hubgen/events{query} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send");
        let mut ev = Events {
            stream: s,
            buf: String::new(),
        };
        ev.read_until(|b| b.contains("\r\n\r\n"), EVENT_TIMEOUT);
        ev
    }

    /// Threads of the server process (Linux only).
    fn threads(&self) -> Option<usize> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse().ok())
    }
}

fn connect(addr: &str) -> TcpStream {
    let addr = addr.parse().expect("socket address");
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

#[derive(Debug)]
struct Resp {
    status: u16,
    head: String,
    body: String,
}

impl Resp {
    fn parse(bytes: &[u8]) -> Resp {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"));
        Resp {
            status,
            head: head.to_ascii_lowercase(),
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")).map(str::trim))
    }
}

/// An open live-reload stream.
struct Events {
    stream: TcpStream,
    buf: String,
}

impl Events {
    /// Reads until `done(buffer)` or the deadline; returns whether `done` was reached.
    fn read_until(&mut self, done: impl Fn(&str) -> bool, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        self.stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let mut chunk = [0u8; 4096];
        while !done(&self.buf) {
            if Instant::now() >= deadline {
                return false;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return done(&self.buf),
                Ok(n) => self.buf.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => return done(&self.buf),
            }
        }
        true
    }

    fn status(&self) -> u16 {
        self.buf
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    fn reloads(&self) -> usize {
        self.buf.matches("event: reload\n").count()
    }

    /// Waits for the `n`th reload event (a page reload or a stylesheet swap) since the stream
    /// opened.
    fn wait_reloads(&mut self, n: usize, server: &Server) {
        let count =
            |b: &str| b.matches("event: reload\n").count() + b.matches("event: css\n").count();
        let ok = self.read_until(|b| count(b) >= n, EVENT_TIMEOUT);
        assert!(
            ok,
            "no reload event #{n}; stream so far: {:?}\nstderr:\n{}",
            self.buf,
            server.stderr()
        );
    }
}

#[test]
fn serves_pages_files_redirects_and_the_site_404() {
    let site = Site::new("minimal", &[]);
    let server = Server::start(&site, &[]);
    let public = site.root().join("public");

    let home = server.get("/");
    assert_eq!(home.status, 200, "{home:?}");
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("data-hubgen=\"live-reload\""));
    assert!(home.body.contains("<script src=\"/__hubgen/client.js\""));
    // The client is a file (the site's CSP forbids inline scripts) and it opens the stream.
    let client = server.get("/__hubgen/client.js");
    assert_eq!(client.status, 200, "{client:?}");
    assert_eq!(
        client.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(
        client
            .body
            .contains("new EventSource(\"/__hubgen/events?v=\"")
    );
    // The preview's own address is the base URL, so canonical links stay on the preview.
    assert!(
        home.body.contains(&format!(
            "<link rel=\"canonical\" href=\"http://{}/\">",
            server.addr
        )),
        "{}",
        home.body
    );
    let on_disk = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(
        !on_disk.contains("live-reload"),
        "the files on disk stay clean"
    );
    assert!(!home.body.contains("hubgen-overlay"));

    let head = server.request(&format!(
        "HEAD / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    ));
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "", "HEAD has no body");
    assert_eq!(
        head.header("content-length"),
        Some(home.body.len().to_string().as_str())
    );

    let redirect = server.get("/about?x=1");
    assert_eq!(redirect.status, 302);
    assert_eq!(redirect.header("location"), Some("/about/?x=1"));
    assert_eq!(server.get("/about/").status, 200);

    let missing = server.get("/nope");
    assert_eq!(missing.status, 404);
    let site_404 = std::fs::read_to_string(public.join("404.html")).unwrap();
    let h1 = &site_404[site_404.find("<h1>").unwrap()..site_404.find("</h1>").unwrap()];
    assert!(
        missing.body.contains(h1),
        "the site's 404 page: {}",
        missing.body
    );
    assert!(missing.body.contains("live-reload"));

    for (path, ty) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/news/atom.xml", "application/xml; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(
            (r.status, r.header("content-type")),
            (200, Some(ty)),
            "{path}"
        );
    }

    let post = server.request(&format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        server.addr
    ));
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("get, head"));
}

#[test]
fn path_traversal_never_reaches_outside_the_output() {
    let site = Site::new("minimal", &[]);
    let marker = "TOP-SECRET-7f3a";
    std::fs::write(site.dir.path().join("secret.txt"), marker).unwrap();
    let server = Server::start(&site, &[]);
    let public = site.root().join("public");
    // Symlinks made after the first build, pointing out of the output folder (and one in it).
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(site.dir.path().join("secret.txt"), public.join("leak")).unwrap();
        symlink(site.dir.path(), public.join("up")).unwrap();
        symlink(site.root().join("config.toml"), public.join("config.toml")).unwrap();
        symlink(public.join("news"), public.join("alias")).unwrap();
        let inside = server.get("/alias/");
        assert_eq!(inside.status, 200, "a symlink inside the output is fine");
    }
    let corpus = [
        "/../config.toml",
        "/../../secret.txt",
        "/%2e%2e/config.toml",
        "/%2E%2E/%2E%2E/secret.txt",
        "/..%2fconfig.toml",
        "/..%2Fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5cconfig.toml",
        "/..\\config.toml",
        "/%5c..%5cconfig.toml",
        "/%252e%252e/config.toml",
        "/%252e%252e%252fconfig.toml",
        "//etc/passwd",
        "/a%00b",
        "/config.toml%00.html",
        "/%c0%ae%c0%ae/config.toml",
        "/%c0%af..%c0%afconfig.toml",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/news/../../config.toml",
        "/news/%2e%2e/%2e%2e/config.toml",
        "/./../config.toml",
        "/..;/config.toml",
        "/C:/Windows/win.ini",
        "/leak",
        "/up/secret.txt",
        "/up/site/config.toml",
        "/config.toml",
        "/%",
        "/%zz/x",
    ];
    assert!(corpus.len() >= 20);
    for target in corpus {
        let r = server.request(&format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr
        ));
        assert!(
            r.status == 400 || r.status == 404,
            "{target} gave {}",
            r.status
        );
        assert!(!r.body.contains(marker), "{target} leaked the secret");
        assert!(!r.body.contains("base_url"), "{target} leaked config.toml");
    }
    // An absolute-form target (proxy style) is refused too.
    let r = server.request(
        "GET http://127.0.0.1/../config.toml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 400);
}

#[test]
fn a_save_reloads_and_a_broken_file_shows_the_overlay_until_fixed() {
    let site = Site::new("minimal", &[]);
    let server = Server::start(&site, &[]);
    let about = std::fs::read_to_string(site.root().join("content/about.md")).unwrap();

    let mut events = server.events("", &server.addr);
    assert_eq!(events.status(), 200, "{}", events.buf);
    let head = events.buf.to_ascii_lowercase();
    assert!(head.contains("content-type: text/event-stream"), "{head}");
    assert!(head.contains("cache-control: no-cache"), "{head}");
    assert!(
        !head.contains("chunked"),
        "written by hand, not chunked: {head}"
    );

    // 1. A save reloads the tab and the new text is served.
    site.write(
        "content/about.md",
        format!("{about}\nFreshly edited paragraph.\n"),
    );
    events.wait_reloads(1, &server);
    let page = server.get("/about/");
    assert!(
        page.body.contains("Freshly edited paragraph."),
        "{}",
        page.body
    );

    // 2. A broken front matter: the overlay names file:line:col; the last good page stays.
    site.write(
        "content/about.md",
        format!(
            "{}\nFreshly edited paragraph.\n",
            about.replacen("title = ", "titel = ", 1)
        ),
    );
    events.wait_reloads(2, &server);
    let page = server.get("/about/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<div id=\"hubgen-overlay\" dir=\"ltr\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("content/about.md:2:1"), "{}", page.body);
    assert!(page.body.contains("unknown key `titel`"));
    assert!(page.body.contains("<mark>titel</mark> = &quot;About&quot;"));
    assert!(
        page.body.contains("Freshly edited paragraph."),
        "last good page"
    );
    let missing = server.get("/nope");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("content/about.md:2:1"),
        "the 404 shows it too"
    );
    let on_disk = std::fs::read_to_string(site.root().join("public/about/index.html")).unwrap();
    assert!(!on_disk.contains("hubgen-overlay"));
    assert!(
        server.stderr().contains(" --> content/about.md:2:1"),
        "and the terminal"
    );

    // 3. Fixed: the overlay is gone.
    site.write("content/about.md", &about);
    events.wait_reloads(3, &server);
    let page = server.get("/about/");
    assert!(!page.body.contains("hubgen-overlay"), "{}", page.body);
    assert!(!page.body.contains("Freshly edited paragraph."));
    assert_eq!(events.reloads(), 3, "one reload per save: {}", events.buf);

    // A page served before a build that the script connects after gets its reload at once.
    let mut late = server.events("?v=0", &format!("localhost:{}", port(&server)));
    assert!(late.read_until(|b| b.contains("event: reload\n"), EVENT_TIMEOUT));
}

fn port(server: &Server) -> &str {
    server.addr.rsplit_once(':').map(|(_, p)| p).unwrap_or("")
}

#[test]
fn the_event_stream_refuses_foreign_hosts() {
    let site = Site::new("minimal", &[]);
    let server = Server::start(&site, &[]);
    let evil = server.events("", &format!("evil.example:{}", port(&server)));
    assert_eq!(evil.status(), 403, "{}", evil.buf);
    let no_host = server.request("GET /__hubgen/events HTTP/1.0\r\n\r\n");
    assert_eq!(no_host.status, 403);
    for host in [
        format!("localhost:{}", port(&server)),
        format!("[::1]:{}", port(&server)),
        server.addr.clone(),
    ] {
        assert_eq!(server.events("", &host).status(), 200, "{host}");
    }
}

#[test]
fn caps_and_timeouts_keep_the_server_answering() {
    let site = Site::new("minimal", &[]);
    let server = Server::start(&site, &[("HUBGEN_SERVE_IDLE_TIMEOUT_MS", "1500")]);

    // Event streams are capped: one too many gets 503 at once.
    let mut streams: Vec<Events> = (0..MAX_EVENT_CLIENTS)
        .map(|_| server.events("", &server.addr))
        .collect();
    assert!(streams.iter().all(|s| s.status() == 200));
    let extra = server.events("", &server.addr);
    assert_eq!(extra.status(), 503, "{}", extra.buf);
    drop(extra);

    // More idle and half-sent connections than the connection cap.
    let mut idle: Vec<TcpStream> = (0..MAX_CONNECTIONS)
        .map(|_| connect(&server.addr))
        .collect();
    for _ in 0..16 {
        let mut s = connect(&server.addr);
        s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .unwrap();
        idle.push(s);
    }
    // Let the helpers that answer 503 to the ones over the cap finish with them.
    std::thread::sleep(Duration::from_millis(700));
    let started = Instant::now();
    let r = server.get("/");
    assert!(r.status == 200 || r.status == 503, "{r:?}");
    if r.status == 503 {
        assert_eq!(r.header("connection"), Some("close"));
    }
    assert!(started.elapsed() < Duration::from_secs(5), "answered late");
    let busy = server.threads();
    if let Some(busy) = busy {
        // Four threads per event stream, three per other connection, a few helpers.
        assert!(busy <= 4 * MAX_CONNECTIONS + 32, "{busy} threads");
    }

    // Idle connections are closed by the server within the timeout.
    for s in &mut idle {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut b = [0u8; 512];
        let hung_up = loop {
            match s.read(&mut b) {
                Ok(0) => break true,
                Ok(_) => continue, // a 503 for the ones over the cap, then the end
                Err(e) => {
                    break !matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    );
                }
            }
        };
        assert!(hung_up, "an idle connection stayed open");
    }
    // Event streams outlive the idle timeout: their pings keep them busy.
    assert!(streams[0].read_until(|b| b.contains(": ping\n"), EVENT_TIMEOUT));
    drop(streams);

    // Everything closed: the threads go back to a handful (tiny_http's idle ones take 5 s).
    if let Some(busy) = busy {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut now = server.threads().unwrap_or(0);
        while now > 24 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            now = server.threads().unwrap_or(0);
        }
        assert!(
            now <= 24,
            "threads: {busy} while busy, still {now} after closing"
        );
    }
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let site = Site::new("minimal", &[]);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!(
            "error: cannot listen on 127.0.0.1:{port}: the port is already in use"
        )),
        "{}",
        run.stderr
    );
    assert!(!site.root().join("public").exists(), "nothing was built");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let site = Site::new("minimal", &[]);
    let mut server = Server::start(&site, &[]);
    let _stream = server.events("", &server.addr);
    let killed = Command::new("kill")
        .args(["-INT", &server.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{}", server.stderr());
    // The stderr reader may lag the exit by a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.stderr().contains("Stopped.") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.stderr().ends_with("Stopped.\n"),
        "{}",
        server.stderr()
    );
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".hubgen"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
