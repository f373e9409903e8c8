//! Command-line interface: parses arguments with clap and runs the matching command.
//!
//! Exit codes: 0 ok, 1 content errors (all reported) or a failed write, 2 usage.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::build::{BuildOptions, Failure};
use crate::config::Overrides;
use crate::diagnostics::Style;

/// hubgen: builds London's mental-health campaign resource hub.
#[derive(Debug, Parser)]
#[command(name = "hubgen", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every site command shares.
#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    /// Site folder (the one holding config.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Use this base URL instead of config.toml's (e.g. for a preview host).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include pages marked draft = true.
    #[arg(long)]
    pub drafts: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (replaced whole, only when the build succeeds).
    Build {
        /// Site options.
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// Refuse to publish sample directory entries or entries due for review.
        #[arg(long)]
        production: bool,
    },
    /// Check everything a build checks, render in memory and lint the result (links, anchors,
    /// alt text, headings, link text, titles, descriptions), without writing anything.
    Check {
        /// Site options.
        #[command(flatten)]
        site: SiteArgs,
        /// Report sample directory entries and entries due for review as errors.
        #[arg(long)]
        production: bool,
        /// Output format: rustc-style text on stderr, or one JSON object per line on stdout.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// Show which pages are translated into which languages, and which translations are stale.
    Translations {
        /// Site options.
        #[command(flatten)]
        site: SiteArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// After a reviewer has checked a translation against the current English, record the
        /// English hash in its `translation_of` (one or more translation files).
        #[arg(long, value_name = "PATH", num_args = 1..)]
        stamp: Vec<PathBuf>,
    },
    /// Create a new page, campaign, guidance page or borough, or a translation stub, with its
    /// front matter filled in. Never overwrites a file.
    New {
        /// What to create.
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Build into ROOT/public, serve it with live reload, and rebuild on every save.
    Serve {
        /// Site options (the base URL defaults to the preview's own address).
        #[command(flatten)]
        site: SiteArgs,
        /// Address to listen on; anything but loopback is reachable from the network.
        #[arg(long, default_value = "127.0.0.1", value_parser = crate::serve::parse_bind)]
        bind: std::net::IpAddr,
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
}

/// The site folder, for `new`.
#[derive(Debug, clap::Args)]
pub struct RootArg {
    /// Site folder (the one holding config.toml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// What `hubgen new` creates.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A page: `hubgen new page about/privacy` makes content/about/privacy.md (a draft).
    Page {
        /// Path under content/, in lowercase words joined by hyphens.
        path: String,
        /// Site folder.
        #[command(flatten)]
        root: RootArg,
    },
    /// A campaign: `hubgen new campaign walk-and-talk` makes content/campaigns/walk-and-talk.md.
    Campaign {
        /// Its name, in lowercase words joined by hyphens.
        path: String,
        /// Site folder.
        #[command(flatten)]
        root: RootArg,
    },
    /// Wellbeing guidance with review dates: `hubgen new guidance sleep-and-worry`.
    Guidance {
        /// Its name, in lowercase words joined by hyphens.
        path: String,
        /// Site folder.
        #[command(flatten)]
        root: RootArg,
    },
    /// A borough page and its services.toml with one sample entry: `hubgen new borough NAME`.
    Borough {
        /// The borough's name, in lowercase words joined by hyphens.
        path: String,
        /// Site folder.
        #[command(flatten)]
        root: RootArg,
    },
    /// A translation stub of an English page: `hubgen new translation content/guidance/sleep.md ar`.
    Translation {
        /// The English page.
        source: PathBuf,
        /// Language code from config.toml.
        lang: String,
        /// Site folder.
        #[command(flatten)]
        root: RootArg,
    },
}

/// Output formats for `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// rustc-style text for people, on stderr (coloured on a terminal unless NO_COLOR is set).
    Human,
    /// One JSON object per diagnostic and line, on stdout: file, line, column, code,
    /// severity, message, help; sorted by file and position.
    Json,
}

/// Output formats for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// JSON for tools.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

/// Runs hubgen with the given arguments (the first is the program name).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let (site, output, write, production, format) = match cli.command {
        Command::Build {
            site,
            output,
            production,
        } => (site, output, true, production, CheckFormat::Human),
        Command::Check {
            site,
            production,
            format,
        } => (site, None, false, production, format),
        Command::Translations {
            site,
            format,
            stamp,
        } => return translations(site, format, &stamp),
        Command::New { what } => return new(what),
        Command::Serve { site, bind, port } => {
            return crate::serve::run(crate::serve::ServeOptions {
                root: site.root,
                bind,
                port,
                drafts: site.drafts,
                base_url: site.base_url,
            });
        }
    };
    let opts = BuildOptions {
        root: site.root,
        output,
        overrides: Overrides {
            base_url: site.base_url,
            drafts: site.drafts,
            production,
        },
        write,
        background_cleanup: false,
        previous: None,
        exiting: true,
    };
    let style = Style::for_stream(std::io::stderr().is_terminal());
    let outcome = crate::build::run(&opts, !write);
    let mut err = std::io::stderr().lock();
    // Diagnostics first (all of them), then the accounting line, then the outcome.
    let diagnostics = match &outcome.result {
        Ok(report) => Some(&report.warnings),
        Err(Failure::Content(ds)) => Some(ds),
        Err(Failure::Env(_)) => None,
    };
    if let Some(ds) = diagnostics {
        if format == CheckFormat::Json {
            let _ = std::io::stdout()
                .lock()
                .write_all(ds.render_json().as_bytes());
        } else if !ds.is_empty() {
            let _ = write!(err, "{}", ds.render_styled(style));
        }
    }
    if let Some(a) = &outcome.accounting {
        let _ = writeln!(err, "{}", a.line());
    }
    match outcome.result {
        Ok(report) => {
            let timing: Vec<String> = report
                .timings
                .iter()
                .map(|(n, d)| format!("{n} {} ms", d.as_millis()))
                .collect();
            match &report.output {
                Some(out) => {
                    let _ = writeln!(
                        err,
                        "Built {} pages into {} ({} files, {} KB) [{}]",
                        report.documents,
                        out.display(),
                        report.files,
                        report.bytes / 1024,
                        timing.join(", ")
                    );
                    if !report.pdf.is_empty() {
                        let _ = writeln!(err, "{}", report.pdf);
                    }
                }
                None => {
                    let _ = writeln!(
                        err,
                        "Checked {} pages: no errors [{}]",
                        report.documents,
                        timing.join(", ")
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Content(_)) => {
            let _ = if write {
                writeln!(err, "Nothing was written; the previous site is unchanged.")
            } else {
                writeln!(err, "Check failed (check never writes anything).")
            };
            ExitCode::from(1)
        }
        Err(Failure::Env(e)) => {
            let _ = writeln!(err, "error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn new(what: NewCommand) -> ExitCode {
    use crate::scaffold::{self, Kind};
    let (root, job) = match what {
        NewCommand::Page { path, root } => (root.root, Ok((Kind::Page, path))),
        NewCommand::Campaign { path, root } => (root.root, Ok((Kind::Campaign, path))),
        NewCommand::Guidance { path, root } => (root.root, Ok((Kind::Guidance, path))),
        NewCommand::Borough { path, root } => (root.root, Ok((Kind::Borough, path))),
        NewCommand::Translation { source, lang, root } => (root.root, Err((source, lang))),
    };
    let style = Style::for_stream(std::io::stderr().is_terminal());
    let mut err = std::io::stderr().lock();
    let config = match crate::config::load(&root, &Overrides::default()) {
        Ok(c) => c,
        Err(ds) => {
            let _ = write!(err, "{}", ds.render_styled(style));
            return ExitCode::from(1);
        }
    };
    let result = match &job {
        Ok((kind, path)) => scaffold::create(&config, *kind, path, crate::dates::today()),
        Err((source, lang)) => scaffold::translation(&config, source, lang),
    };
    let created = match result {
        Ok(c) => c,
        Err(d) => {
            let mut ds = crate::diagnostics::Diagnostics::new();
            ds.push(d);
            let _ = write!(err, "{}", ds.render_styled(style));
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    for f in &created.files {
        let _ = writeln!(out, "created {}", f.display());
    }
    let url = scaffold::preview_url(&created.url);
    if job.is_err() {
        let _ = writeln!(
            out,
            "It holds the English text as a machine draft (machine_draft = true, translation_of = the English hash): replace the text with the translation, keeping the front matter and the `@/` links. When a reviewer has checked it, remove machine_draft."
        );
    }
    if created.draft {
        let _ = writeln!(
            out,
            "It is a draft: preview it with `hubgen serve --drafts` at {url}\nRemove `draft = true` when it is ready to publish."
        );
    } else {
        let _ = writeln!(out, "Preview it with `hubgen serve` at {url}");
    }
    ExitCode::SUCCESS
}

fn translations(site: SiteArgs, format: Format, stamp: &[PathBuf]) -> ExitCode {
    let overrides = Overrides {
        base_url: site.base_url,
        drafts: site.drafts,
        production: false,
    };
    let mut err = std::io::stderr().lock();
    let loaded = match crate::build::load_site(&site.root, &overrides) {
        Ok(l) => l,
        Err(Failure::Content(ds)) => {
            let _ = write!(err, "{}", ds.render());
            return ExitCode::from(1);
        }
        Err(Failure::Env(e)) => {
            let _ = writeln!(err, "error: {e:#}");
            return ExitCode::from(1);
        }
    };
    let site = &loaded.site;
    if !stamp.is_empty() {
        let mut failed = false;
        for file in stamp {
            match crate::translations::stamp(site, file) {
                Ok(hash) => {
                    let _ = writeln!(
                        err,
                        "stamped {}: translation_of = \"{hash}\"",
                        file.display()
                    );
                }
                Err(e) => {
                    failed = true;
                    let _ = writeln!(err, "error: {e:#}");
                }
            }
        }
        return if failed {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        };
    }
    let rows = crate::translations::matrix(site);
    let text = match format {
        Format::Table => crate::translations::table(site, &rows),
        Format::Csv => crate::translations::csv(site, &rows),
        Format::Json => serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
