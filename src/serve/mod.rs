//! `hubgen serve`: build, serve the output over HTTP with live reload, rebuild on every save.
//!
//! Steps: 1. check the site folder and the output folder, bind the address (so a taken port
//! fails before any work); 2. start watching the sources (events queue from now on, so a save
//! during the first build is not lost); 3. first build, into `ROOT/public` with the preview's
//! own address as `base_url`; 4. start the HTTP server and print its address; 5. on the main
//! thread, turn each debounced batch of changes into a full rebuild until Ctrl-C.
//!
//! A batch that only rewrites Markdown bodies of existing pages patches the model kept from the
//! last build and rewrites those pages, the search index of their language and the pages that
//! name it (`incremental`, which says why that equals a clean build); anything else is a full
//! build that writes only the files whose bytes changed. A failed build changes nothing on
//! disk, so the last good site keeps being served, with the errors overlaid on every page until
//! the next good build.
//!
//! The shared state is one `Arc<State>` handed to each thread; the watcher knows nothing about
//! HTTP, and the HTTP threads only read the state.

pub mod files;
pub mod front;
pub mod http;
pub mod incremental;
pub mod overlay;
pub mod state;
pub mod statics;
pub mod watch;

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, Failure, Kept, build_kept};
use crate::config::Overrides;
use state::{BuildFailure, State};

/// How long a connection may move no bytes before it is closed (browsers reconnect at once).
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Overrides `IDLE_TIMEOUT` (milliseconds); the tests use it to watch idle sockets being reaped.
pub const IDLE_TIMEOUT_ENV: &str = "HUBGEN_SERVE_IDLE_TIMEOUT_MS";

/// What `hubgen serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root (holds `config.toml`).
    pub root: PathBuf,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// `base_url` for the preview; the preview's own address when not given.
    pub base_url: Option<String>,
}

/// Parses `--bind`: an IP address, or `localhost`.
pub fn parse_bind(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    s.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| format!("`{s}` is not an IP address (e.g. 127.0.0.1, ::1 or 0.0.0.0)"))
}

/// The address to put in URLs: a wildcard bind is reached through loopback on this machine.
fn url_address(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, addr.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, addr.port()).into(),
        _ => addr,
    }
}

/// Runs `hubgen serve` until Ctrl-C. Exit code 0 after a clean stop, 1 when it cannot start.
pub fn run(opts: ServeOptions) -> ExitCode {
    match serve(opts) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn serve(opts: ServeOptions) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    // 1. Folders and address.
    let root = std::fs::canonicalize(&opts.root).with_context(|| {
        format!(
            "cannot open the site folder {}; pass --root DIR",
            opts.root.display()
        )
    })?;
    let output = root.join("public");
    crate::write::check_output(&output)?;
    let listener = http::bind(SocketAddr::new(opts.bind, opts.port)).map_err(anyhow::Error::msg)?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {addr}, which other machines on the network can reach; the \
             preview shows drafts and unsaved work in progress. Use --bind 127.0.0.1 to keep it \
             on this machine."
        );
    }
    let url = format!("http://{}", url_address(addr));
    // Any other override keeps its default (a preview is never a production build). The
    // update is needed whenever `Overrides` has fields beyond these two.
    #[allow(clippy::needless_update)]
    let mut build_opts = BuildOptions {
        root: root.clone(),
        output: Some(output.clone()),
        overrides: Overrides {
            base_url: Some(opts.base_url.clone().unwrap_or_else(|| url.clone())),
            drafts: opts.drafts,
            ..Overrides::default()
        },
        write: true,
        background_cleanup: true,
        // Empty: the first build writes a fresh folder and records what it wrote.
        previous: Some(Arc::default()),
        exiting: false,
    };
    let state = Arc::new(State::new());
    {
        // First Ctrl-C: finish the build in progress, then stop. Second: stop now.
        let state = state.clone();
        let installed = ctrlc::set_handler(move || {
            if state.is_stopping() {
                std::process::exit(130);
            }
            state.stop();
        });
        if let Err(e) = installed {
            eprintln!("warning: cannot catch Ctrl-C ({e}); stopping may interrupt a build");
        }
    }

    // 2. Watch.
    let mut watcher = match watch::Watcher::new(&root) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("warning: {e:#}; serving without rebuilding on changes");
            None
        }
    };

    // 3. First build (a failure is reported and served as an overlay, not fatal).
    let mut kept = None;
    rebuild(&mut build_opts, &mut kept, &state, None);
    if state.is_stopping() {
        eprintln!("Stopped.");
        return Ok(ExitCode::SUCCESS);
    }

    // 4. Serve.
    let idle = std::env::var(IDLE_TIMEOUT_ENV)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(IDLE_TIMEOUT, Duration::from_millis);
    let server = http::Http::start(listener, output, state.clone(), idle)?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "Serving the hub at {url} (Ctrl-C to stop)");
    let _ = out.flush();
    drop(out);

    // 5. Rebuild on changes until stopped.
    match &mut watcher {
        Some(w) => {
            while let Some(batch) = w.next_batch(&state) {
                rebuild(&mut build_opts, &mut kept, &state, Some(&batch));
            }
        }
        None => while !state.sleep_unless_stopping(Duration::from_secs(3600)) {},
    }
    let clean = server.stop();
    eprintln!("Stopped.");
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs one build, reports it on the terminal, and records the outcome for the browser.
///
/// A batch that `incremental::plan` allows is first tried as a targeted update of `kept`;
/// otherwise, or when the update finds it is not enough, the whole site is rendered, and only
/// the files whose bytes changed are written, in place: `opts.previous` carries the manifest
/// of what is on disk. Anything unexpected empties it, and the next build writes a fresh
/// folder. `kept` holds the last good build's model, and only while it describes the output.
fn rebuild(
    opts: &mut BuildOptions,
    kept: &mut Option<Kept>,
    state: &State,
    batch: Option<&watch::Batch>,
) {
    let started = Instant::now();
    let mut targeted = None;
    let mut why_full = None;
    if let Some(b) = batch {
        let plan = incremental::plan(b, |rel| {
            kept.as_ref()
                .is_some_and(|k| k.site.docs.iter().any(|d| d.parsed.source.rel == rel))
        });
        match (plan, kept.as_mut(), opts.previous.clone()) {
            (
                plan @ (incremental::Plan::Bodies(_) | incremental::Plan::Static),
                Some(k),
                Some(previous),
            ) => {
                let tried = std::panic::catch_unwind(AssertUnwindSafe(|| match &plan {
                    incremental::Plan::Bodies(rels) => incremental::update(k, rels, opts, previous),
                    _ => statics::update(k, opts, previous),
                }));
                match tried {
                    Ok(Ok(report)) => targeted = Some(report),
                    Ok(Err(why)) => {
                        // It may have stopped while moving files into place: write afresh.
                        if why == incremental::OUTPUT_FAILED {
                            opts.previous = Some(Arc::default());
                        }
                        why_full = Some(why);
                    }
                    Err(_) => why_full = Some("the targeted update panicked"),
                }
            }
            (_, None, _) | (_, _, None) => why_full = Some("there is no good build to update"),
            (incremental::Plan::Full(why), _, _) => why_full = Some(why),
        }
    }
    let was_targeted = targeted.is_some();
    // The build should never panic; if it does, keep serving the last good site and say so.
    let result = match targeted {
        Some(report) => Ok(Ok(report)),
        None => {
            // Whatever the full build gives replaces what was kept (an update that gave up
            // may have half-patched it).
            *kept = None;
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                build_kept(opts).map(|(report, k)| {
                    *kept = Some(k);
                    report
                })
            }))
        }
    };
    opts.previous = match &result {
        Ok(Ok(report)) => Some(
            report
                .written
                .as_ref()
                .map_or_else(Arc::default, |w| w.manifest.clone()),
        ),
        // Content errors leave the output untouched, so its manifest still holds.
        Ok(Err(Failure::Content(_))) => opts.previous.take(),
        _ => Some(Arc::default()),
    };
    let ms = started.elapsed().as_millis();
    let what = match (batch, why_full) {
        (Some(b), _) if was_targeted => format!("Updated after {} changed", b.describe(&opts.root)),
        (Some(b), Some(why)) => format!(
            "Rebuilt after {} changed (everything: {why})",
            b.describe(&opts.root)
        ),
        (Some(b), None) => format!("Rebuilt after {} changed", b.describe(&opts.root)),
        (None, _) => "Built".to_string(),
    };
    let mut err = std::io::stderr().lock();
    let failure = match result {
        Ok(Ok(report)) => {
            if !report.warnings.is_empty() {
                let _ = write!(err, "{}", report.warnings.render());
            }
            let changed = match &report.written {
                Some(w) if w.written < w.files => {
                    format!(" ({} written, {} removed)", w.written, w.removed)
                }
                _ => String::new(),
            };
            // Per stage, as `hubgen build` prints them: where an edit's latency goes.
            let stages: Vec<String> = report
                .timings
                .iter()
                .map(|(n, d)| format!("{n} {}", d.as_millis()))
                .collect();
            let _ = writeln!(
                err,
                "{what}: {} pages, {} files{changed} in {ms} ms [{}]",
                report.documents,
                report.files,
                stages.join(", ")
            );
            None
        }
        Ok(Err(Failure::Content(ds))) => {
            let _ = write!(err, "{}", ds.render());
            let _ = writeln!(
                err,
                "{what}: failed in {ms} ms. The last good site is still served; the browser \
                 shows these errors until they are fixed."
            );
            Some(BuildFailure::Content(
                ds.sorted().into_iter().cloned().collect(),
            ))
        }
        Ok(Err(Failure::Env(e))) => {
            let _ = writeln!(err, "error: {e:#}");
            Some(BuildFailure::Env(format!("{e:#}")))
        }
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let message = format!("the build panicked ({why}); this is a bug in hubgen");
            let _ = writeln!(err, "error: {message}");
            Some(BuildFailure::Env(message))
        }
    };
    drop(err);
    let css_only = batch.is_some_and(watch::Batch::is_css_only);
    state.finish_build(failure, css_only);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_accepts_ips_and_localhost() {
        assert_eq!(parse_bind("localhost"), Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert_eq!(parse_bind("[::1]"), Ok(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert!(parse_bind("0.0.0.0").is_ok());
        assert!(parse_bind("example.org").is_err());
    }

    #[test]
    fn wildcard_binds_are_reached_through_loopback() {
        let a: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(url_address(a).to_string(), "127.0.0.1:1111");
        let a: SocketAddr = "[::]:8".parse().unwrap();
        assert_eq!(url_address(a).to_string(), "[::1]:8");
        let a: SocketAddr = "192.168.1.5:8".parse().unwrap();
        assert_eq!(url_address(a), a);
    }
}
