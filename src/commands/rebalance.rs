//! `rtrib rebalance NODE [--weight ID=W ...] [--use-empty-masters] [--threshold PCT]`: read the
//! cluster → refuse one with problems → finish the moves an interrupted run left open (then
//! read it again) → plan with redis-cli's weighted algorithm → print → confirm → move → check.

use std::collections::HashMap;

use crate::cli::RebalanceArgs;
use crate::cluster::migrate::{RebalanceOptions, interleave, rebalance_plan};
use crate::cluster::plan::{Precondition, Steps};
use crate::commands::apply::save_plan;
use crate::commands::migrate::{
    Resumed, finish, master_ids, move_slots, print_plan_only, read_and_resume, read_for_plan,
};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::write_moves_text;
use crate::prompt::confirm_on_terminal;

/// Runs `rebalance`; see the module docs for the steps.
pub async fn run(context: &Context, args: &RebalanceArgs) -> Result<Exit> {
    if args.auto_weights {
        tracing::warn!("--auto-weights is redis-trib.rb's and is ignored: give --weight ID=W");
    }
    let seed = context.resolve_node(&args.node).await?;
    let output = &context.output;
    let plan_out = args.plan.plan_out.as_deref();
    let (ready, resumed) = match plan_out {
        Some(_) => (read_for_plan(context, &seed, "rebalancing").await?, None),
        None => match read_and_resume(context, &seed, &args.migrate, "rebalancing").await? {
            Resumed::Ready(ready, resumed) => (ready, resumed),
            Resumed::Failed(exit) => return Ok(exit),
        },
    };
    let topology = ready.topology();
    let names: Vec<String> = args.weight.iter().map(|(name, _)| name.clone()).collect();
    let ids = master_ids(context, topology, &names, "--weight").await?;
    let options = RebalanceOptions {
        weights: ids
            .into_iter()
            .zip(args.weight.iter().map(|(_, weight)| *weight))
            .collect::<HashMap<_, _>>(),
        use_empty_masters: args.use_empty_masters,
        threshold: args.threshold,
    };
    let plan = rebalance_plan(topology, &options)?;
    if let Some(path) = plan_out {
        if plan.moves.is_empty() {
            output.line(&format!(
                "*** No rebalancing needed! All nodes are within the {:.2}% threshold.",
                args.threshold
            ))?;
        } else if !output.is_json() {
            output.text(|out, _| write_moves_text(out, topology, &plan.moves))?;
        }
        let steps = Steps::Rebalance {
            steps: interleave(plan.moves),
        };
        return save_plan(
            context,
            path,
            Precondition::of_cluster(topology, &args.node),
            steps,
        );
    }
    if plan.moves.is_empty() {
        output.line(&format!(
            "*** No rebalancing needed! All nodes are within the {:.2}% threshold.",
            args.threshold
        ))?;
        let report = resumed.unwrap_or_default();
        return finish(context, &seed, &args.migrate, "balanced", &report).await;
    }
    output.step(&format!(
        "Rebalancing across {} nodes. Total weight = {:.2}",
        plan.shares.len(),
        plan.total_weight
    ))?;
    if !output.is_json() {
        output.text(|out, _| write_moves_text(out, topology, &plan.moves))?;
    }
    if args.simulate {
        return print_plan_only(context, &plan.moves);
    }
    // redis-cli's rebalance never asks: without a terminal, neither does this.
    if !confirm_on_terminal("Can I move the above slots?", context.assume_yes)? {
        return Err(Error::Declined);
    }
    let mut report = move_slots(context, &ready, &interleave(plan.moves), &args.migrate).await?;
    if let Some(earlier) = resumed {
        report.absorb(earlier);
    }
    finish(context, &seed, &args.migrate, "moved", &report).await
}
