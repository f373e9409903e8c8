//! The `hubgen` binary: hands the arguments to the library and returns its exit code.

fn main() -> std::process::ExitCode {
    hubgen::cli::run(std::env::args_os())
}
