//! The two waits around a change: [`settle`] before a command reads the cluster to change it,
//! and [`conclude`] after, which waits until every view agrees and prints the final check.

use std::time::Duration;

use serde_json::Value;

use crate::cluster::check::CheckReport;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::topology::Topology;
use crate::cluster::verdict::change_held;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::converge::{Converged, wait_after_change, wait_until_converged};
use crate::net::form::WaitError;
use crate::output::{CheckDocument, ConvergenceDocument, OutputError, write_check_text};
use crate::steps::inspect::inspect;

/// How a command that changed the cluster ended: the final check, and whether every node's
/// view had come to agree before it.
pub struct Concluded {
    /// The final check.
    pub report: CheckReport,
    /// The wait for every view to agree (an error when it did not within the bound).
    pub convergence: Result<Converged, WaitError>,
}

impl Concluded {
    /// 4 when the views did not come to agree in time; else 1 when the final check leaves a
    /// slot in doubt (uncovered, open, owners disputed: see [`change_held`]), and 0 otherwise,
    /// whatever it says of the nodes' health (those findings are warnings; `check` judges
    /// them).
    pub fn exit(&self) -> Exit {
        match self.convergence {
            Err(_) => Exit::Timeout,
            Ok(_) if change_held(&self.report) => Exit::Ok,
            Ok(_) => Exit::Problems,
        }
    }
}

/// How a command that changed the cluster ends: wait (up to `wait`) until every reachable
/// node's own view agrees on slot owners, roles and members — replicas learn of a change by
/// gossip, a moment after the nodes that made it — then the full check from `seed`, printed
/// as text, or, with `-o json`, the document `describe` builds from the fresh topology with
/// `check` and `convergence` fields added. When the views do not agree in time, the lagging
/// nodes are named on stderr after the check, and [`Concluded::exit`] is 4.
pub async fn conclude(
    context: &Context,
    seed: &Endpoint,
    wait: Duration,
    describe: impl FnOnce(&Topology) -> Value,
) -> Result<Concluded> {
    conclude_with(context, seed, wait, false, describe).await
}

/// [`conclude`], optionally searching every master for keys in slots it does not serve.
pub async fn conclude_with(
    context: &Context,
    seed: &Endpoint,
    wait: Duration,
    search_multiple_owners: bool,
    describe: impl FnOnce(&Topology) -> Value,
) -> Result<Concluded> {
    let convergence = wait_after_change(seed, &context.connect, wait).await;
    let (topology, report) = inspect(context, seed, search_multiple_owners).await?;
    let output = &context.output;
    if output.is_json() {
        let mut document = describe(&topology);
        let check = serde_json::to_value(CheckDocument::new(&topology, &report))
            .map_err(OutputError::from)?;
        let convergence = serde_json::to_value(ConvergenceDocument::new(&convergence))
            .map_err(OutputError::from)?;
        if let Value::Object(fields) = &mut document {
            fields.insert("convergence".to_string(), convergence);
            fields.insert("check".to_string(), check);
        }
        output.json(&document)?;
    } else {
        output.text(|out, style| {
            write_check_text(out, style, &topology, &report, search_multiple_owners)
        })?;
    }
    if let Err(error) = &convergence {
        eprintln!("error: {error}");
    }
    Ok(Concluded {
        report,
        convergence,
    })
}

/// How long a command that reads the cluster before changing it waits for a previous change
/// to reach every node (gossip still in flight) before it judges what it reads.
pub const SETTLE: Duration = Duration::from_secs(10);

/// Before a command reads the cluster to change it: waits (up to [`SETTLE`]) until every
/// reachable node's view agrees, so that a change made a moment ago — by rtrib or anyone — is
/// not mistaken for a problem, nor planned upon half-known. Views that still disagree then are
/// left for the command's own check to judge.
pub async fn settle(context: &Context, seed: &Endpoint) {
    match wait_until_converged(seed, &context.connect, SETTLE).await {
        Ok(done) if done.waited > Duration::from_millis(100) => {
            tracing::info!("waited {:?} for every node's view to agree", done.waited);
        }
        Ok(_) => {}
        Err(error) => tracing::info!("{error}"),
    }
}
