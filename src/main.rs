//! The `rtrib` binary: everything lives in the library; this only hands over the exit code.

#[cfg(rtrib_static)]
mod no_nss;
#[cfg(rtrib_static)]
mod no_stack_probe;

fn main() -> std::process::ExitCode {
    rtrib::run()
}
