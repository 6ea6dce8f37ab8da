//! Forming a cluster, shared by `create`, `sandbox` and `apply` of a create plan: read the
//! nodes, allocate masters and replicas over the failure domains, confirm, then assign slots
//! and epochs, MEET, wait for the join, attach replicas, wait until usable; then verify.

use std::path::Path;

use crate::cli::CreateArgs;
use crate::cluster::allocate::{Allocation, Domain, MIN_MASTERS, allocate, labelled};
use crate::cluster::create::CreatePlan;
use crate::cluster::create::{CreateDecision, NodeSnapshot, plan_create};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::plan::{Precondition, Steps};
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::addr::{Host, NodeAddr};
use crate::net::conn::NodeError;
use crate::net::form::{self, Expectation, Member};
use crate::output::{CreateDocument, CreateOutcome, OutputError, save_plan, write_create_plan};
use crate::prompt::confirm;
use crate::steps::conclude::conclude;
use crate::steps::nodes::{
    connect_all, listed_or_discovered, members, read_snapshots, refuse_repeated_addresses,
};
use futures_util::future::{join, join_all};
use std::time::{Duration, Instant};

/// Slots and epochs, MEETs, the join, replicas, and the wait until the cluster is usable
/// (within `wait_timeout`; with `wait_sync`, until every replica has synced too).
pub async fn apply(
    context: &Context,
    wait_timeout: Duration,
    wait_sync: bool,
    members: &[Member],
    plan: &CreatePlan,
) -> Result<()> {
    let output = &context.output;
    let slot_results = join_all(
        plan.add_slots
            .iter()
            .map(|(node, slots)| form::add_slots(&members[*node], slots)),
    )
    .await;
    slot_results
        .into_iter()
        .collect::<Result<Vec<()>, NodeError>>()?;
    output.step("Nodes configuration updated")?;
    if !plan.config_epochs.is_empty() {
        output.step("Assign a different config epoch to each node")?;
        join_all(
            plan.config_epochs
                .iter()
                .map(|(node, epoch)| form::set_config_epoch(&members[*node], *epoch)),
        )
        .await;
    }
    let started = Instant::now();
    let deadline = started + wait_timeout;
    if !plan.meets.is_empty() {
        output.step("Sending CLUSTER MEET messages to join the cluster")?;
        form::meet(members, &plan.meets).await?;
    }
    output.line("Waiting for the cluster to join")?;
    form::wait_for_join(members, started, deadline).await?;
    // The node a master MEETs learns the master's ID from the handshake, not its slots: those
    // come with the master's next packet, which among many nodes is seconds away (and every
    // node MEETs the same few seeds). Now that they know each other, the same MEETs carry
    // the slots at once.
    let slot_news = plan
        .meets
        .iter()
        .copied()
        .filter(|(from, _)| plan.add_slots.iter().any(|(master, _)| master == from))
        .collect();
    let announced = form::announce(members, slot_news);
    if plan.replicate.is_empty() {
        announced.await;
    } else {
        output.step("Configuring replicas")?;
        let (_, replicated) = join(announced, form::replicate(members, &plan.replicate)).await;
        replicated?;
    }
    output.step("Waiting until every node reports the cluster usable")?;
    let expectation = Expectation {
        replica_of: plan.replicate.clone(),
        wait_sync,
    };
    form::wait_until_usable(members, &expectation, started, deadline).await?;
    Ok(())
}

/// Runs the full check from the first node, prints it (with the create document in JSON),
/// and returns its exit code.
pub async fn verify(
    context: &Context,
    endpoints: &[Endpoint],
    snapshots: &[NodeSnapshot],
    allocation: &Allocation,
    plan: Option<&CreatePlan>,
    outcome: CreateOutcome,
    wait: Duration,
) -> Result<Exit> {
    let document = CreateDocument::new(snapshots, allocation, plan, outcome);
    let document = serde_json::to_value(document).map_err(OutputError::from)?;
    let concluded = conclude(context, &endpoints[0], wait, |_| document).await?;
    Ok(concluded.exit())
}

/// Runs `create`, asking before changing anything unless `assume_yes`.
pub async fn create(context: &Context, args: &CreateArgs, assume_yes: bool) -> Result<Exit> {
    let addrs = listed_or_discovered(context, &args.nodes, &args.discovery).await?;
    let endpoints = context.resolver.resolve_all(&addrs).await?;
    refuse_repeated_addresses(&endpoints)?;
    if !args.dry_run && args.plan.plan_out.is_none() {
        context.lease_nodes("create", &endpoints).await?;
    }
    let clients = connect_all(&endpoints, context).await?;
    let snapshots = read_snapshots(&clients).await?;

    let domains = failure_domains(&addrs, &endpoints, &args.host_of)?;
    let allocation = allocate(&domains, args.replicas)?;
    if allocation.masters.len() < MIN_MASTERS && !args.allow_few_masters {
        return Err(Error::Usage(format!(
            "{} node(s) with --replicas {} give {} master(s): Redis Cluster requires at least \
             {MIN_MASTERS} master nodes to fail over automatically. Give more nodes, fewer \
             --replicas, or --allow-few-masters",
            endpoints.len(),
            args.replicas,
            allocation.masters.len()
        )));
    }
    let output = &context.output;
    let decision = plan_create(&snapshots, &allocation)?;
    if let Some(path) = &args.plan.plan_out {
        return plan_out(context, path, &snapshots, &domains, &allocation, &decision);
    }
    let plan = match decision {
        CreateDecision::AlreadyFormed => {
            output.step(&format!(
                "The cluster is already formed from these {} nodes: nothing to do.",
                endpoints.len()
            ))?;
            return verify(
                context,
                &endpoints,
                &snapshots,
                &allocation,
                None,
                CreateOutcome::AlreadyFormed,
                args.wait_timeout,
            )
            .await;
        }
        CreateDecision::Build(plan) => plan,
    };
    if !output.is_json() {
        output.text(|out, style| {
            write_create_plan(out, style, &snapshots, &domains, &allocation, &plan)
        })?;
    }
    if args.dry_run {
        if output.is_json() {
            output.json(&CreateDocument::new(
                &snapshots,
                &allocation,
                Some(&plan),
                CreateOutcome::DryRun,
            ))?;
        }
        return Ok(Exit::Ok);
    }
    if !confirm("Can I set the above configuration?", assume_yes)? {
        return Err(Error::Declined);
    }

    let members = members(clients, &snapshots);
    apply(context, args.wait_timeout, args.wait_sync, &members, &plan).await?;
    let outcome = if plan.fresh {
        CreateOutcome::Created
    } else {
        CreateOutcome::Completed
    };
    verify(
        context,
        &endpoints,
        &snapshots,
        &allocation,
        Some(&plan),
        outcome,
        args.wait_timeout,
    )
    .await
}

/// `--plan-out`: the layout as `create` prints it, then the plan file (without steps when
/// the cluster is formed already).
fn plan_out(
    context: &Context,
    path: &Path,
    snapshots: &[NodeSnapshot],
    domains: &[Domain],
    allocation: &Allocation,
    decision: &CreateDecision,
) -> Result<Exit> {
    let output = &context.output;
    let ids: Vec<NodeId> = snapshots
        .iter()
        .map(|s| s.id().cloned().unwrap_or_else(|| NodeId::new("")))
        .collect();
    let steps = match decision {
        CreateDecision::AlreadyFormed => {
            output.step("The cluster is already formed from these nodes: nothing to do.")?;
            Vec::new()
        }
        CreateDecision::Build(plan) => {
            if !output.is_json() {
                output.text(|out, style| {
                    write_create_plan(out, style, snapshots, domains, allocation, plan)
                })?;
            }
            plan.steps(&ids)
        }
    };
    save_plan(
        &context.output,
        path,
        Precondition::of_nodes(snapshots),
        Steps::Create { steps },
    )?;
    Ok(Exit::Ok)
}

/// Each node's failure domain: its `--host-of` label, else its IP address.
pub fn failure_domains(
    addrs: &[NodeAddr],
    endpoints: &[Endpoint],
    labels: &[(String, String)],
) -> Result<Vec<Domain>> {
    let names_of = |addr: &NodeAddr, endpoint: &Endpoint| {
        let host = match &addr.host {
            Host::Name(name) => name.trim_end_matches('.').to_string(),
            Host::Ip(ip) => ip.to_string(),
        };
        [
            addr.to_string(),
            host,
            endpoint.addr.ip().to_string(),
            endpoint.addr.to_string(),
        ]
    };
    for (name, _) in labels {
        if !addrs
            .iter()
            .zip(endpoints)
            .any(|(a, e)| names_of(a, e).contains(name))
        {
            return Err(Error::Usage(format!(
                "--host-of {name}=...: {name} is none of the nodes given"
            )));
        }
    }
    Ok(addrs
        .iter()
        .zip(endpoints)
        .map(|(addr, endpoint)| {
            labelled(&names_of(addr, endpoint), labels)
                .unwrap_or_else(|| endpoint.addr.ip().to_string())
        })
        .collect())
}
