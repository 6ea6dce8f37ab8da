//! `rtrib rebalance NODE [--by MEASURE] [--weight ID=W ...] [--use-empty-masters]
//! [--threshold PCT] [--plan-out FILE]`: read the cluster → refuse one with problems → finish
//! the moves an interrupted run left open (then read it again) → plan, by slot counts with
//! redis-cli's weighted algorithm, or by what the slots hold (read from every master) with the
//! partition planner → print → (save the plan, or) confirm → move → check.

use crate::cli::RebalanceArgs;
use crate::cluster::balance::balance_plan;
use crate::cluster::load::{Measure, Unmeasured};
use crate::cluster::migrate::{RebalanceOptions, SlotMove, interleave, rebalance_plan};
use crate::cluster::plan::{Precondition, Steps};
use crate::cluster::topology::Topology;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::load::{LoadRequest, read_load};
use crate::output::{
    BalanceDocument, measure_noun, save_plan, write_moves_text, write_shares_text,
};
use crate::prompt::confirm_on_terminal;
use crate::steps::migrate::{
    Ready, Resumed, Run, finish, master_weights, method_for, move_slots, print_plan_only,
    read_for_plan, read_to_move, resume_open,
};

/// Runs `rebalance`; see the module docs for the steps.
pub async fn run(context: &Context, args: &RebalanceArgs) -> Result<Exit> {
    if args.auto_weights {
        tracing::warn!("--auto-weights is redis-trib.rb's and is ignored: give --weight ID=W");
    }
    let seed = context.resolve_node(&args.node).await?;
    let output = &context.output;
    let plan_out = args.plan.plan_out.as_deref();
    let run = Run {
        command: "rebalance",
        activity: "rebalancing",
        preview: args.simulate,
    };
    let read = match plan_out {
        Some(_) => read_for_plan(context, &seed, &run).await?,
        None => read_to_move(context, &seed, &run).await?,
    };
    // The weights are checked before open slots are finished: a refusal changes nothing.
    let weights = master_weights(context, read.topology(), &args.weight).await?;
    let (ready, resumed) = match plan_out {
        Some(_) => (read, None),
        None => match resume_open(context, &seed, read, &args.migrate, &run).await? {
            Resumed::Ready(ready, resumed) => (ready, resumed),
            Resumed::Failed(exit) => return Ok(exit),
        },
    };
    let topology = ready.topology();
    let options = RebalanceOptions {
        weights,
        use_empty_masters: args.use_empty_masters,
        threshold: args.threshold,
    };
    let decision = match args.by {
        Measure::Slots => by_slots(topology, &options)?,
        measure => by_measure(context, &ready, measure, &options).await?,
    };
    let balance = Some(&decision.document);
    if let Some(path) = plan_out {
        if decision.moves.is_empty() {
            output.line(&decision.nothing_to_do)?;
        } else {
            output.step(&decision.headline)?;
            if !output.is_json() {
                output.text(|out, _| write_moves_text(out, topology, &decision.moves))?;
            }
        }
        let steps = Steps::Rebalance {
            steps: interleave(decision.moves),
        };
        save_plan(
            &context.output,
            path,
            Precondition::of_cluster(topology, &args.node),
            steps,
        )?;
        return Ok(Exit::Ok);
    }
    if decision.moves.is_empty() {
        output.line(&decision.nothing_to_do)?;
        let report = resumed.unwrap_or_default();
        return finish(context, &seed, &args.migrate, "balanced", &report, balance).await;
    }
    output.step(&decision.headline)?;
    if !output.is_json() {
        output.text(|out, _| write_moves_text(out, topology, &decision.moves))?;
    }
    let method = method_for(topology, &decision.moves, &args.migrate)?;
    if args.simulate {
        return print_plan_only(context, &decision.moves, balance);
    }
    // redis-cli's rebalance never asks: without a terminal, neither does this.
    if !confirm_on_terminal("Can I move the above slots?", context.assume_yes)? {
        return Err(Error::Declined);
    }
    let moves = interleave(decision.moves.clone());
    let mut report = move_slots(context, &ready, &moves, method, &args.migrate).await?;
    if let Some(earlier) = resumed {
        report.absorb(earlier);
    }
    finish(context, &seed, &args.migrate, "moved", &report, balance).await
}

/// A plan and what to say about it.
struct Decision {
    /// The moves (empty: nothing to do).
    moves: Vec<SlotMove>,
    /// The balance, for JSON.
    document: BalanceDocument,
    /// The step line before the moves.
    headline: String,
    /// The line when nothing moves.
    nothing_to_do: String,
}

/// redis-cli's rebalance, by slot counts.
fn by_slots(topology: &Topology, options: &RebalanceOptions) -> Result<Decision> {
    let plan = rebalance_plan(topology, options)?;
    Ok(Decision {
        document: BalanceDocument::new(
            topology,
            Measure::Slots,
            plan.total_weight,
            &plan.load_shares(),
            &[],
        ),
        headline: format!(
            "Rebalancing across {} nodes. Total weight = {:.2}",
            plan.shares.len(),
            plan.total_weight
        ),
        nothing_to_do: format!(
            "*** No rebalancing needed! All nodes are within the {:.2}% threshold.",
            options.threshold
        ),
        moves: plan.moves,
    })
}

/// The partition planner, on `measure` read from every master; a measure the servers cannot
/// give is refused (exit 5).
async fn by_measure(
    context: &Context,
    ready: &Ready,
    measure: Measure,
    options: &RebalanceOptions,
) -> Result<Decision> {
    let output = &context.output;
    let topology = ready.topology();
    let noun = measure_noun(measure);
    output.step(&format!(
        "Reading the {noun} of every slot from the masters"
    ))?;
    let request = LoadRequest {
        memory: measure == Measure::Memory,
        ..LoadRequest::default()
    };
    let mut load = read_load(&ready.fetched, request).await;
    if let Some(error) = load.take_error() {
        return Err(error.into());
    }
    let weights = load.weights(measure).map_err(|why| Unmeasured {
        command: "rebalance",
        measure,
        why,
    })?;
    let plan = balance_plan(topology, &weights, options)?;
    if !output.is_json() {
        output.text(|out, style| {
            write_shares_text(
                out,
                style,
                topology,
                measure,
                &plan.shares,
                &plan.unsplittable,
            )
        })?;
    }
    let nothing_to_do = if plan.needed {
        format!("*** No slot move brings the masters closer to their share of the {noun}.")
    } else {
        format!(
            "*** No rebalancing needed! All nodes are within the {:.2}% threshold of their \
             share of the {noun}.",
            options.threshold
        )
    };
    Ok(Decision {
        document: BalanceDocument::new(
            topology,
            measure,
            plan.total_weight,
            &plan.shares,
            &plan.unsplittable,
        ),
        headline: format!(
            "Rebalancing the {noun} across {} nodes. Total weight = {:.2}. Moving {} slots \
             holding {} of {} {}",
            plan.shares.len(),
            plan.total_weight,
            plan.moves.len(),
            plan.moved_weight(&weights),
            plan.total,
            measure.name()
        ),
        nothing_to_do,
        moves: plan.moves,
    })
}
