//! What `--plan-out` reports: the plan file written (atomically), and a line or a JSON
//! document saying so.

use std::path::Path;

use serde::Serialize;

use super::{Output, write_file_atomically};
use crate::cluster::plan::Plan;

/// The JSON document of a command run with `--plan-out`.
#[derive(Debug, Serialize)]
pub struct PlannedDocument<'a> {
    /// Always `planned`: nothing was changed.
    pub outcome: &'static str,
    /// The command planned.
    pub command: &'static str,
    /// Where the plan was written.
    pub plan_file: &'a Path,
    /// How many steps it holds.
    pub steps: usize,
}

/// Writes `plan` to `path` (replacing it whole), then says so: a line in text mode, the
/// [`PlannedDocument`] with `-o json`.
pub fn write_planned(output: &Output, path: &Path, plan: &Plan) -> std::io::Result<()> {
    write_file_atomically(path, plan.to_json().as_bytes())?;
    let steps = plan.steps.len();
    if output.is_json() {
        return output.json(&PlannedDocument {
            outcome: "planned",
            command: plan.steps.command(),
            plan_file: path,
            steps,
        });
    }
    output.step(&format!(
        "Plan written to {}: {steps} step{}. Nothing was changed.",
        path.display(),
        if steps == 1 { "" } else { "s" }
    ))?;
    output.line(&format!(
        "Review it, then carry it out with: rtrib apply {}",
        path.display()
    ))
}
