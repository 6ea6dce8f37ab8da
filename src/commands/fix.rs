//! `rtrib fix NODE [--search-multiple-owners] [--force]`: read the cluster and every master's
//! keys per slot → plan the repair (`cluster::fix`) → refuse while masters are unreachable
//! (unless `--force`) → print the plan → confirm once → adopt, claim, move keys, close,
//! assign → wait for gossip → check. With `--plan-out FILE`, the repair is written to a plan
//! file instead (see `cluster::plan`), and nothing is changed.

use std::collections::BTreeMap;

use crate::cli::FixArgs;
use crate::cluster::check::{CheckOptions, check};
use crate::cluster::fix::{FixOptions, FixRefusal, KeyCounts, plan};
use crate::cluster::plan::{Precondition, Steps};
use crate::cluster::slots::Slot;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::admin::count_keys_in_every_slot;
use crate::net::fetch::{FetchOptions, Fetched, fetch_with_clients};
use crate::net::migrate::MigrationReport;
use crate::output::{save_plan, write_check_text};
use crate::prompt::confirm;
use crate::steps::conclude::settle;
use crate::steps::repair;

/// Runs `fix`; see the module docs for the steps.
pub async fn run(context: &Context, args: &FixArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    if args.plan.plan_out.is_none() {
        context.lease_cluster("fix", &seed).await?;
    }
    let output = &context.output;
    output.step(&format!("Performing Cluster Check (using node {seed})"))?;
    settle(context, &seed).await;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let keys = count_keys(&fetched).await?;
    let options = FixOptions {
        search_multiple_owners: args.search_multiple_owners,
        force: args.force,
    };
    let topology = &fetched.topology;
    let plan = match plan(topology, &keys, &options) {
        Ok(plan) => plan,
        Err(refusal) => {
            if !output.is_json() {
                let report = check(
                    topology,
                    &CheckOptions {
                        search_multiple_owners: args.search_multiple_owners,
                    },
                );
                let wide = args.search_multiple_owners;
                output.text(|out, style| write_check_text(out, style, topology, &report, wide))?;
            }
            return Err(refusal.into());
        }
    };
    let wide = args.search_multiple_owners;
    if plan.is_empty() {
        output.line("[OK] No open slot, no uncovered slot, no slot with several owners.")?;
    } else {
        repair::print_plan(context, topology, &plan)?;
    }
    if let Some(path) = &args.plan.plan_out {
        let precondition = Precondition::of_cluster(topology, &args.node);
        let steps = Steps::Fix {
            search_multiple_owners: wide,
            plan,
        };
        save_plan(&context.output, path, precondition, steps)?;
        return Ok(Exit::Ok);
    }
    if plan.is_empty() {
        let nothing = MigrationReport::default();
        return repair::finish(context, &seed, wide, &args.migrate, &plan, &nothing, &[]).await;
    }
    if !confirm("Fix these slots as above?", context.assume_yes)? {
        return Err(Error::Declined);
    }
    let (report, failures) = repair::apply(context, &fetched, &plan, &args.migrate).await?;
    repair::finish(
        context,
        &seed,
        wide,
        &args.migrate,
        &plan,
        &report,
        &failures,
    )
    .await
}

/// Every reachable master's key count in each slot holding keys (`CLUSTER COUNTKEYSINSLOT`
/// for all 16384 slots, one pipeline per master, all masters at once).
async fn count_keys(fetched: &Fetched) -> Result<KeyCounts> {
    let replies = count_keys_in_every_slot(fetched).await;
    let mut keys = KeyCounts::new();
    for (node, reply) in replies {
        let counts = reply.map_err(|reason| FixRefusal::Uncounted {
            id: node.id().clone(),
            endpoint: node.endpoint.clone(),
            reason,
        })?;
        let held: BTreeMap<Slot, u64> = counts
            .into_iter()
            .enumerate()
            .filter(|(_, count)| *count > 0)
            .map(|(slot, count)| (slot as Slot, count))
            .collect();
        keys.insert(node.id().clone(), held);
    }
    Ok(keys)
}
