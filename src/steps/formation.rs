//! Forming a cluster, shared by `create` and `apply` of its plan: assign slots and epochs,
//! MEET, wait for the join, attach replicas, wait until usable; then verify.

use crate::cluster::allocate::Allocation;
use crate::cluster::create::{CreatePlan, NodeSnapshot};
use crate::cluster::endpoint::Endpoint;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::conn::NodeError;
use crate::net::form::{self, Expectation, Member};
use crate::output::{CreateDocument, CreateOutcome};
use crate::steps::conclude::conclude;
use futures_util::future::join_all;
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
    if !plan.replicate.is_empty() {
        output.step("Configuring replicas")?;
        form::replicate(members, &plan.replicate).await?;
        let replicas: Vec<usize> = plan.replicate.iter().map(|(replica, _)| *replica).collect();
        form::announce(members, &replicas).await?;
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
    let document = serde_json::to_value(document).map_err(std::io::Error::from)?;
    let concluded = conclude(context, &endpoints[0], wait, |_| document).await?;
    Ok(concluded.exit())
}
