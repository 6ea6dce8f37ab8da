//! `-o prometheus` for `check` and `info`: whether metrics are asked for, and writing them
//! (to stdout, or atomically to `--textfile`).

use std::path::Path;

use crate::cluster::metrics::Family;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::{exposition, write_file_atomically};

/// Whether metrics are asked for: `-o prometheus`, or `--textfile` (which implies it, and
/// contradicts `-o json`).
pub fn wants_metrics(context: &Context, textfile: Option<&Path>) -> Result<bool> {
    let output = &context.output;
    match textfile {
        Some(_) if output.is_json() => Err(Error::Usage(
            "--textfile writes Prometheus metrics: it cannot be combined with -o json".into(),
        )),
        Some(_) => Ok(true),
        None => Ok(output.is_prometheus()),
    }
}

/// Prints the metrics, or writes them atomically to `textfile`.
pub fn emit_metrics(context: &Context, textfile: Option<&Path>, families: &[Family]) -> Result<()> {
    match textfile {
        Some(path) => write_file_atomically(path, &exposition(families)).map_err(|error| {
            Error::Usage(format!(
                "cannot write --textfile {}: {error}",
                path.display()
            ))
        }),
        None => Ok(context.output.metrics(families)?),
    }
}
