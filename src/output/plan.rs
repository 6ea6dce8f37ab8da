//! `--plan-out FILE`, shared by every planning command: the plan file written (atomically),
//! and a line or a JSON document saying so.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Output, write_file_atomically};
use crate::cluster::plan::{Plan, Precondition, Steps, redacted};

/// A plan that could not be written (or reported): a usage error naming the file.
#[derive(Debug, thiserror::Error)]
#[error("cannot write --plan-out {}: {source}", path.display())]
pub struct PlanOutError {
    /// The file asked for.
    pub path: PathBuf,
    /// Why it failed.
    pub source: std::io::Error,
}

/// `--plan-out FILE`: writes the plan (the command line of this run, `precondition` and
/// `steps`) and says so; the command then ends without changing anything.
pub fn save_plan(
    output: &Output,
    path: &Path,
    precondition: Precondition,
    steps: Steps,
) -> Result<(), PlanOutError> {
    let plan = Plan {
        command_line: redacted(command_line()),
        precondition,
        steps,
    };
    write_planned(output, path, &plan).map_err(|source| PlanOutError {
        path: path.to_path_buf(),
        source,
    })
}

/// This run's command line, the program by its file name only (an argument that is not
/// UTF-8 is kept with its bad bytes replaced).
fn command_line() -> Vec<String> {
    let mut args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    if let Some(program) = args.first_mut() {
        *program = Path::new(program.as_str())
            .file_name()
            .map_or_else(|| program.clone(), |n| n.to_string_lossy().into_owned());
    }
    args
}

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
fn write_planned(output: &Output, path: &Path, plan: &Plan) -> std::io::Result<()> {
    write_file_atomically(path, plan.to_json().as_bytes())?;
    let steps = plan.steps.len();
    if output.is_json() {
        return Ok(output.json(&PlannedDocument {
            outcome: "planned",
            command: plan.steps.command(),
            plan_file: path,
            steps,
        })?);
    }
    output.step(&format!(
        "Plan written to {}: {steps} step{}. Nothing was changed.",
        path.display(),
        if steps == 1 { "" } else { "s" }
    ))?;
    Ok(output.line(&format!(
        "Review it, then carry it out with: rtrib apply {}",
        path.display()
    ))?)
}
