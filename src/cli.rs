//! Command-line interface: parses arguments with clap and runs the matching command.
//!
//! Exit codes: 0 ok, 1 content errors (all reported) or a failed write, 2 usage.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::build::{BuildOptions, Failure, build};
use crate::config::Overrides;

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
    },
    /// Check everything a build checks, and render in memory, without writing anything.
    Check {
        /// Site options.
        #[command(flatten)]
        site: SiteArgs,
    },
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
    let (site, output, write) = match cli.command {
        Command::Build { site, output } => (site, output, true),
        Command::Check { site } => (site, None, false),
    };
    let opts = BuildOptions {
        root: site.root,
        output,
        overrides: Overrides {
            base_url: site.base_url,
            drafts: site.drafts,
        },
        write,
    };
    let mut err = std::io::stderr().lock();
    match build(&opts) {
        Ok(report) => {
            if !report.warnings.is_empty() {
                let _ = write!(err, "{}", report.warnings.render());
            }
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
        Err(Failure::Content(ds)) => {
            let _ = write!(err, "{}", ds.render());
            let _ = writeln!(err, "Nothing was written; the previous site is unchanged.");
            ExitCode::from(1)
        }
        Err(Failure::Env(e)) => {
            let _ = writeln!(err, "error: {e:#}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
