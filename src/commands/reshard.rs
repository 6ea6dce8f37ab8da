//! `rtrib reshard NODE --from ID,...|all --to ID --slots N`: read the cluster → refuse one with
//! problems → finish the moves an interrupted run left open (and stop there) → plan exactly N
//! slots in redis-cli's proportions → print the plan → confirm → move → check.

use crate::cli::ReshardArgs;
use crate::cluster::migrate::{interleave, reshard_table};
use crate::commands::migrate::{
    finish, master_ids, move_slots, prepare, print_plan_only, resume, slots_word,
};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::write_moves_text;
use crate::prompt::confirm;

/// Runs `reshard`; see the module docs for the steps.
pub async fn run(context: &Context, args: &ReshardArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    let output = &context.output;
    output.step(&format!("Performing Cluster Check (using node {seed})"))?;
    let ready = prepare(context, &seed).await?;
    if let Some(report) = resume(context, &ready, &args.migrate).await? {
        output.line(
            "The slots an interrupted run left open are finished; nothing else was moved. Check \
             the slot counts and run reshard again if more slots should move.",
        )?;
        return finish(context, &seed, "resumed", &report).await;
    }
    let topology = ready.topology();
    let to = master_ids(context, topology, std::slice::from_ref(&args.to), "--to").await?;
    let from = match args.from.as_slice() {
        [all] if all == "all" => Vec::new(),
        names => master_ids(context, topology, names, "--from").await?,
    };
    let moves = reshard_table(topology, &from, &to[0], args.slots)?;
    output.line(&format!("Ready to move {}.", slots_word(moves.len())))?;
    if !output.is_json() {
        output.text(|out, _| write_moves_text(out, topology, &moves))?;
    }
    if args.dry_run {
        return print_plan_only(context, &moves);
    }
    if !confirm(
        "Do you want to proceed with the proposed reshard plan?",
        args.confirm.yes,
    )? {
        return Err(Error::Declined);
    }
    let report = move_slots(context, &ready, &interleave(moves), &args.migrate).await?;
    finish(context, &seed, "moved", &report).await
}
