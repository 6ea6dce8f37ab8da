//! `rtrib copy-binary DIR`: copies the running rtrib to `DIR/rtrib`, executable, for a
//! Kubernetes init container. The rtrib image has no shell and no `cp`; the copy, in an
//! `emptyDir` shared with the Redis container, is what that container's preStop hook runs
//! (`rtrib failover --from` its own pod).

use crate::cli::CopyBinaryArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::write_executable_atomically;

/// Copies the running binary (`/proc/self/exe`) into the directory, executable, atomically (a
/// temporary file renamed).
pub fn run(context: &Context, args: &CopyBinaryArgs) -> Result<Exit> {
    let target = args.dir.join("rtrib");
    let copied = std::fs::read("/proc/self/exe")
        .and_then(|bytes| write_executable_atomically(&target, &bytes));
    copied.map_err(|error| {
        Error::Usage(format!(
            "cannot copy rtrib to {}: {error}",
            target.display()
        ))
    })?;
    context
        .output
        .step(&format!("rtrib copied to {}", target.display()))?;
    Ok(Exit::Ok)
}
