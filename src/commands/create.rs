//! `rtrib create NODE...`: resolve the names → read every node → plan the layout (or what an
//! interrupted run left to do) → confirm → assign slots, epochs, MEETs → wait for the join →
//! attach replicas and announce their roles → wait until usable → check. With `--plan-out
//! FILE`, the steps are written to a plan file instead, and nothing is changed.

use crate::cli::CreateArgs;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::steps::formation;

/// Runs `create`; see the module docs for the steps.
pub async fn run(context: &Context, args: &CreateArgs) -> Result<Exit> {
    formation::create(context, args, context.assume_yes).await
}
