//! The back room of serve: tiny_http on a private loopback port (the front door in `front.rs`
//! accepts the public connections and relays them here), one dispatcher thread, one worker
//! thread per request, files from the output folder, and the live-reload stream.
//!
//! Workers are bounded by the front door's connection cap: tiny_http reads a connection's next
//! request only after the previous one was answered, so each connection has at most one request
//! in flight (two when a client pipelines a request behind an event stream; that one waits in
//! its worker, never in the dispatcher). Event streams have their own cap so that open tabs
//! never take every connection. They are written by hand on the raw socket
//! (`Request::into_writer`), not chunked, with a `: ping` comment between builds so that the
//! front door sees traffic and a dead client fails a write.

use std::io::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::files::{self, BadPath, Target, UrlPath};
use super::front::{self, Permits};
use super::overlay::{self, EVENTS_PATH};
use super::state::{State, Wait};

/// Live-reload streams open at once (one per open tab).
pub const MAX_EVENT_CLIENTS: usize = 32;
/// The longest gap between keep-alive comments on an event stream.
const PING_EVERY: Duration = Duration::from_secs(15);

/// Binds the address, with a message an editor can act on when it fails.
pub fn bind(addr: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(addr).map_err(|e| {
        use std::io::ErrorKind::*;
        match e.kind() {
            AddrInUse => format!(
                "cannot listen on {addr}: the port is already in use (is another `hubgen serve` \
                 running?); stop the other program, or choose another port with --port \
                 (--port 0 picks a free one)"
            ),
            PermissionDenied => format!(
                "cannot listen on {addr}: permission denied (ports below 1024 need special \
                 rights); use the default --port 1111, or --port 0"
            ),
            AddrNotAvailable => format!(
                "cannot listen on {addr}: this machine has no such address; use --bind 127.0.0.1"
            ),
            _ => format!("cannot listen on {addr}: {e}"),
        }
    })
}

/// What every worker needs.
struct Ctx {
    output: PathBuf,
    state: Arc<State>,
    events: Arc<Permits>,
    ping_every: Duration,
}

/// The running HTTP server.
pub struct Http {
    server: Arc<tiny_http::Server>,
    dispatcher: JoinHandle<bool>,
}

impl Http {
    /// Starts serving `output`: tiny_http on a private loopback port, and the front door on
    /// `listener`. A connection quiet for `idle` is closed.
    pub fn start(
        listener: TcpListener,
        output: PathBuf,
        state: Arc<State>,
        idle: Duration,
    ) -> anyhow::Result<Http> {
        use anyhow::Context as _;
        let backend = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .context("cannot open a loopback port for the HTTP server")?;
        let backend_addr = backend.local_addr()?;
        let server = tiny_http::Server::from_listener(backend, None)
            .map_err(|e| anyhow::anyhow!("cannot start the HTTP server: {e}"))?;
        let server = Arc::new(server);
        let ctx = Arc::new(Ctx {
            output,
            state: state.clone(),
            events: Permits::new(MAX_EVENT_CLIENTS),
            // Pings must come more often than the front door's idle timeout.
            ping_every: (idle / 2).min(PING_EVERY),
        });
        let dispatcher = {
            let server = server.clone();
            std::thread::Builder::new()
                .name("hubgen-http".into())
                .spawn(move || dispatch_loop(&server, &ctx))?
        };
        std::thread::Builder::new()
            .name("hubgen-accept".into())
            .spawn(move || front::run(listener, backend_addr, idle, state))?;
        Ok(Http { server, dispatcher })
    }

    /// Stops taking requests; true when the server had been running cleanly until then.
    pub fn stop(self) -> bool {
        self.server.unblock();
        self.dispatcher.join().unwrap_or(false)
    }
}

/// Hands each request to a worker thread.
fn dispatch_loop(server: &tiny_http::Server, ctx: &Arc<Ctx>) -> bool {
    loop {
        let req = match server.recv() {
            Ok(req) => req,
            // `unblock()` (we are stopping) or a failed accept, after which tiny_http's accept
            // thread has ended: either way nothing more will come, so stop the whole server
            // rather than leave it looking alive.
            Err(e) => {
                if ctx.state.is_stopping() {
                    return true;
                }
                eprintln!("error: the HTTP server stopped accepting connections: {e}");
                ctx.state.stop();
                return false;
            }
        };
        let worker_ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("hubgen-request".into())
            .spawn(move || handle(req, &worker_ctx));
        // The request went into the closure and is dropped with it: tiny_http answers 500.
        if let Err(e) = spawned {
            eprintln!("warning: cannot start a thread for a request: {e}");
        }
    }
}

/// `503` with `Connection: close`, written by hand because tiny_http drops `Connection`
/// headers from a `Response`.
fn busy(req: Request) {
    let body = "Too many live-reload streams are open; close some tabs.\n";
    let mut w = req.into_writer();
    let _ = write!(
        w,
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = w.flush();
}

/// The path part of a request target.
fn path_of(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// Sends `body` with `status` and headers; errors mean the client left, which is its right.
fn send(req: Request, status: u16, content_type: &str, body: Vec<u8>, extra: &[(&str, &str)]) {
    let mut resp = Response::from_data(body)
        .with_status_code(StatusCode(status))
        // Always a Content-Length (tiny_http would switch to chunked above 32 KiB).
        .with_chunked_threshold(usize::MAX);
    let common = [
        ("Content-Type", content_type),
        // A preview changes on every save: never let the browser reuse an old copy.
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ];
    for (k, v) in common.iter().chain(extra) {
        if let Some(h) = header(k, v) {
            resp.add_header(h);
        }
    }
    let _ = req.respond(resp);
}

fn text(req: Request, status: u16, message: &str, extra: &[(&str, &str)]) {
    let body = format!("{message}\n").into_bytes();
    send(req, status, "text/plain; charset=utf-8", body, extra);
}

/// Answers one request (on its worker thread).
fn handle(req: Request, ctx: &Ctx) {
    let url = req.url().to_string();
    match path_of(&url) {
        EVENTS_PATH => return events(req, ctx),
        overlay::CLIENT_PATH => {
            let body = overlay::CLIENT_JS.as_bytes().to_vec();
            return send(req, 200, "text/javascript; charset=utf-8", body, &[]);
        }
        overlay::OVERLAY_CSS_PATH => {
            let body = overlay::OVERLAY_CSS.as_bytes().to_vec();
            return send(req, 200, "text/css; charset=utf-8", body, &[]);
        }
        _ => {}
    }
    if !matches!(req.method(), Method::Get | Method::Head) {
        return text(
            req,
            405,
            "Method not allowed: the preview only answers GET and HEAD.",
            &[("Allow", "GET, HEAD")],
        );
    }
    let path = match UrlPath::parse(&url) {
        Ok(p) => p,
        Err(BadPath(why)) => return text(req, 400, &format!("Bad request: {why}."), &[]),
    };
    match files::resolve(&ctx.output, &path) {
        Target::File(file) => serve_file(req, &file, 200, ctx),
        Target::Redirect(location) => text(
            req,
            302,
            &format!("This is a folder: {location}"),
            &[("Location", &location)],
        ),
        Target::NotFound => not_found(req, ctx),
    }
}

/// Serves a file; HTML gets the reload script and, after a failed build, the overlay.
fn serve_file(req: Request, file: &Path, status: u16, ctx: &Ctx) {
    let content_type = files::content_type(file);
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        // Gone between resolving and reading (a rebuild swapped the folder): as if not there.
        Err(_) if status == 200 => return not_found(req, ctx),
        Err(_) => return text(req, 404, "Not found.", &[]),
    };
    if files::is_html(file) {
        // Non-UTF-8 HTML is not ours to rewrite; it is served as it is.
        if let Ok(html) = std::str::from_utf8(&bytes) {
            let (version, failure) = ctx.state.snapshot();
            let page = overlay::inject(html, version, failure.as_deref());
            return send(req, status, content_type, page.into_bytes(), &[]);
        }
    }
    send(req, status, content_type, bytes, &[]);
}

/// The site's own `404.html` with status 404, or a plain page when the site has none yet.
fn not_found(req: Request, ctx: &Ctx) {
    match files::resolve(&ctx.output, &UrlPath::file("404.html")) {
        Target::File(page) => serve_file(req, &page, 404, ctx),
        _ => {
            let (version, failure) = ctx.state.snapshot();
            let page = overlay::inject(&overlay::fallback_not_found(), version, failure.as_deref());
            send(req, 404, "text/html; charset=utf-8", page.into_bytes(), &[]);
        }
    }
}

/// True when a `Host` header names this machine in a way DNS rebinding cannot fake: a loopback
/// name (`localhost`, `127.0.0.1`, `[::1]`, with or without a port) or any IP literal. An
/// attacker's page always carries its own host name, never an IP literal, so both are safe;
/// IP literals let a phone on the LAN use live reload when serving with `--bind 0.0.0.0`.
pub fn is_trusted_host(host: &str) -> bool {
    let host = host.trim();
    let (name_ok, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((ip, after)) = rest.split_once(']') else {
            return false;
        };
        let port = match after {
            "" => None,
            a => match a.strip_prefix(':') {
                Some(p) => Some(p),
                None => return false,
            },
        };
        (ip.parse::<Ipv6Addr>().is_ok(), port)
    } else {
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        };
        let ok = name.eq_ignore_ascii_case("localhost") || name.parse::<Ipv4Addr>().is_ok();
        (ok, port)
    };
    name_ok && port.is_none_or(|p| p.parse::<u16>().is_ok())
}

/// The live-reload stream: `event: reload` after each finished build, `: ping` in between.
fn events(req: Request, ctx: &Ctx) {
    if *req.method() != Method::Get {
        return text(
            req,
            405,
            "Method not allowed: the event stream only answers GET.",
            &[("Allow", "GET")],
        );
    }
    let host = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if !host.as_deref().is_some_and(is_trusted_host) {
        return text(
            req,
            403,
            "Forbidden: the live-reload stream only answers requests addressed to localhost.",
            &[],
        );
    }
    let Some(_permit) = ctx.events.try_acquire() else {
        return busy(req);
    };
    // `v` is the build the page was served from; a build finished since then means reload now.
    let page_version = req
        .url()
        .split_once("?v=")
        .and_then(|(_, v)| v.parse::<u64>().ok());
    // Taken before the headers go out, so a client that has the headers sees every later build.
    let (mut seen, _) = ctx.state.snapshot();
    let mut w = req.into_writer();
    // Written by hand: a `Response` would be chunked, which browsers handle badly for event
    // streams. No length: the body ends when the connection does.
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
                X-Content-Type-Options: nosniff\r\n\r\nretry: 1000\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|()| w.flush())
        .is_err()
    {
        return;
    }
    let mut next = page_version.filter(|&v| v != seen).map(|_| seen);
    loop {
        let message = match next.take() {
            Some(v) => format!("event: reload\ndata: {v}\n\n"),
            None => match ctx.state.wait_for_build(seen, ctx.ping_every) {
                Wait::Built(v) => {
                    // Only a page one build behind may just swap stylesheets; one that missed
                    // a build in between reloads.
                    let kind = match v == seen + 1 && ctx.state.is_css_only(v) {
                        true => "css",
                        false => "reload",
                    };
                    seen = v;
                    format!("event: {kind}\ndata: {v}\n\n")
                }
                Wait::TimedOut => ": ping\n\n".to_string(),
                Wait::Stopping => return,
            },
        };
        if w.write_all(message.as_bytes())
            .and_then(|()| w.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusts_loopback_names_and_ip_literals_only() {
        for ok in [
            "localhost",
            "localhost:1111",
            "LOCALHOST:1",
            "127.0.0.1",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:1111",
            "192.168.1.5:1111",
        ] {
            assert!(is_trusted_host(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "localhost:",
            "localhost:port",
            "localhost:99999",
            "[::1",
            "[evil]:1",
            "[::1]x",
            "::1",
        ] {
            assert!(!is_trusted_host(bad), "{bad}");
        }
    }

    #[test]
    fn path_of_cuts_the_query() {
        assert_eq!(path_of("/__hubgen/events?v=3"), EVENTS_PATH);
        assert_eq!(path_of("/a#b"), "/a");
    }
}
