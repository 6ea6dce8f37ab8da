//! The `rtrib` binary: everything lives in the library; this only hands over the exit code.

#[cfg(rtrib_static)]
mod no_nss;

fn main() -> std::process::ExitCode {
    rtrib::run()
}
