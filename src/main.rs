//! The `hubgen` binary: hands the arguments to the library and returns its exit code.

fn main() -> std::process::ExitCode {
    // typst lays out nested content by recursion, deeper than a worker thread's default 2 MB
    // stack holds in a debug build; the PDFs are typeset on rayon's workers. The memory is
    // only reserved, not used, until a thread needs it.
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(hubgen::pdf::STACK_SIZE)
        .build_global();
    hubgen::cli::run(std::env::args_os())
}
