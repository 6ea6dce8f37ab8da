//! What `rtrib failover` and `rtrib rebalance-roles` report: which replica took over which
//! master's slots, how, and how long it took, or why there was nothing to do; the role moves
//! planned and the placement's score before and after.

use std::io::{self, Write};

use serde::Serialize;

use crate::cluster::endpoint::Endpoint;
use crate::cluster::placement::{Move, Placement, Score};
use crate::cluster::topology::{NodeReport, Topology};
use crate::cluster::view::NodeId;
use crate::net::failover::Mode;

/// A node named in the failover document.
#[derive(Debug, Clone, Serialize)]
pub struct NodeName {
    /// Its ID.
    pub id: NodeId,
    /// Where it is.
    pub addr: Endpoint,
}

impl From<&NodeReport> for NodeName {
    fn from(node: &NodeReport) -> Self {
        Self {
            id: node.id().clone(),
            addr: node.endpoint.clone(),
        }
    }
}

/// The JSON document of `rtrib failover` (before `convergence` and `check` are added).
#[derive(Debug, Serialize)]
pub struct FailoverDocument {
    /// `failed_over`, or `nothing_to_do` (then only `node` and `reason` follow).
    pub outcome: &'static str,
    /// How the replica took over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// The master that handed over (now a replica, unless unreachable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master: Option<NodeName>,
    /// The replica that took over (now the master).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica: Option<NodeName>,
    /// How many slots changed hands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slots: Option<usize>,
    /// Whether the replica is in another failure domain than the master (`--from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_domain: Option<bool>,
    /// Replication bytes the replica lacked when chosen (`--from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_gap: Option<u64>,
    /// From `CLUSTER FAILOVER` to the replica reporting itself master.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub took_ms: Option<u128>,
    /// The node asked about, when there was nothing to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<Endpoint>,
    /// Why there was nothing to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FailoverDocument {
    /// Nothing to do at `node`, for `reason`.
    pub fn nothing_to_do(node: &Endpoint, reason: String) -> Self {
        Self {
            outcome: "nothing_to_do",
            mode: None,
            master: None,
            replica: None,
            slots: None,
            other_domain: None,
            offset_gap: None,
            took_ms: None,
            node: Some(node.clone()),
            reason: Some(reason),
        }
    }
}

/// The JSON document of `rtrib rebalance-roles` (before `convergence` and `check` are added
/// when roles changed).
#[derive(Debug, Serialize)]
pub struct PlacementDocument<'a> {
    /// `placed`, `dry_run` or `nothing_to_do`.
    pub outcome: &'static str,
    /// The placement's score before the moves.
    pub before: Score,
    /// Its score after them.
    pub after: Score,
    /// The moves, in order.
    pub moves: &'a [Move],
}

impl<'a> PlacementDocument<'a> {
    /// The document of `placement` with `outcome`.
    pub fn new(outcome: &'static str, placement: &'a Placement) -> Self {
        Self {
            outcome,
            before: placement.before,
            after: placement.after,
            moves: &placement.moves,
        }
    }
}

/// The placement's plan as text: the score now, each move, the score after.
pub fn write_placement_text(
    out: &mut dyn Write,
    topology: &Topology,
    placement: &Placement,
) -> io::Result<()> {
    writeln!(out, "Roles now: {}", words(&placement.before))?;
    write_role_moves(out, topology, &placement.moves)?;
    if !placement.moves.is_empty() {
        writeln!(out, "Roles after: {}", words(&placement.after))?;
    }
    Ok(())
}

/// One line per role move, each node by its endpoint and short ID.
pub fn write_role_moves(
    out: &mut dyn Write,
    topology: &Topology,
    moves: &[Move],
) -> io::Result<()> {
    let name = |id: &NodeId| match topology.endpoint_of(id) {
        Some(endpoint) => format!("{endpoint} ({})", id.short()),
        None => id.to_string(),
    };
    for step in moves {
        match step {
            Move::Failover { replica, master } => writeln!(
                out,
                "  failover:  {} takes over the slots of {}",
                name(replica),
                name(master)
            )?,
            Move::Replicate { replica, from, to } => writeln!(
                out,
                "  replicate: {} leaves {} to replicate {}",
                name(replica),
                name(from),
                name(to)
            )?,
        }
    }
    Ok(())
}

fn words(score: &Score) -> String {
    format!(
        "{} replica(s) in their master's failure domain, {} master(s) without a replica, {} \
         pair(s) of masters sharing a failure domain",
        score.replicas_with_master, score.masters_without_replica, score.masters_sharing_domain
    )
}
