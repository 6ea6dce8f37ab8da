//! `rtrib create`: the layout in redis-trib's shape (`Master[i] -> Slots`, `Adding replica`,
//! `M:`/`S:` lines with names and IPs), and the JSON document.

use std::io::{self, Write};

use serde::Serialize;

use super::Style;
use crate::cluster::allocate::{Allocation, AntiAffinity, Domain};
use crate::cluster::create::{CreatePlan, NodeSnapshot};
use crate::cluster::slots::SlotSet;
use crate::cluster::view::NodeId;

/// How `create` ended.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CreateOutcome {
    /// Formed from fresh nodes.
    Created,
    /// Finished what an interrupted run left.
    Completed,
    /// The nodes already formed the cluster; nothing was changed.
    AlreadyFormed,
    /// `--dry-run`: nothing was changed.
    DryRun,
}

fn id_of(node: &NodeSnapshot) -> String {
    node.id().map_or_else(|| "?".to_string(), NodeId::to_string)
}

/// The planned layout and, on a resumed run, what is left to do.
pub fn write_create_plan(
    out: &mut dyn Write,
    style: Style,
    nodes: &[NodeSnapshot],
    domains: &[Domain],
    allocation: &Allocation,
    plan: &CreatePlan,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        style.step(&format!(
            "Performing hash slots allocation on {} nodes...",
            nodes.len()
        ))
    )?;
    for (index, master) in allocation.masters.iter().enumerate() {
        writeln!(
            out,
            "Master[{index}] -> Slots {} - {}",
            master.first, master.last
        )?;
    }
    for replica in &allocation.replicas {
        writeln!(
            out,
            "Adding replica {} to {}",
            nodes[replica.node].endpoint, nodes[replica.master].endpoint
        )?;
    }
    match allocation.anti_affinity {
        AntiAffinity::Perfect if !allocation.replicas.is_empty() => {
            writeln!(out, "{}", style.ok("Perfect anti-affinity obtained!"))?
        }
        AntiAffinity::Perfect => {}
        AntiAffinity::ReplicaWithMaster => writeln!(
            out,
            "{}",
            style.warn(
                "Some replicas are in the same host as their master: losing that host loses \
                 every copy of its slots. Spread the nodes over hosts, or label them with \
                 --host-of NAME=DOMAIN."
            )
        )?,
        AntiAffinity::ReplicasShareDomain => writeln!(
            out,
            "{}",
            style.warn("Some replicas of the same master are in the same host.")
        )?,
    }
    for master in &allocation.masters {
        let node = &nodes[master.node];
        let slots = SlotSet::from_range(master.first, master.last);
        writeln!(out, "M: {} {}", id_of(node), node.endpoint)?;
        writeln!(out, "   slots:{slots} ({} slots) master", slots.len())?;
    }
    for replica in &allocation.replicas {
        let node = &nodes[replica.node];
        writeln!(out, "S: {} {}", id_of(node), node.endpoint)?;
        writeln!(out, "   replicates {}", id_of(&nodes[replica.master]))?;
    }
    let distinct_domains = {
        let mut unique: Vec<&Domain> = domains.iter().collect();
        unique.sort();
        unique.dedup();
        unique.len()
    };
    if distinct_domains == nodes.len() && !allocation.replicas.is_empty() {
        writeln!(
            out,
            "(every node is its own failure domain: if several pods share a Kubernetes node, \
             say so with --host-of NAME=DOMAIN)"
        )?;
    }
    if !plan.fresh {
        writeln!(
            out,
            "{}",
            style.step(&format!(
                "Resuming an interrupted create: {} master(s) to give slots, {} MEET(s), {} replica(s) to attach",
                plan.add_slots.len(),
                plan.meets.len(),
                plan.replicate.len()
            ))
        )?;
    }
    Ok(())
}

/// One node of the layout in JSON.
#[derive(Debug, Serialize)]
struct LayoutNode {
    id: Option<NodeId>,
    name: Option<String>,
    addr: String,
    role: &'static str,
    slots: Option<SlotSet>,
    master_id: Option<NodeId>,
}

/// The JSON document of `rtrib create`.
#[derive(Debug, Serialize)]
pub struct CreateDocument<'a> {
    outcome: CreateOutcome,
    nodes: Vec<LayoutNode>,
    anti_affinity: AntiAffinity,
    steps: Option<&'a CreatePlan>,
}

impl<'a> CreateDocument<'a> {
    /// Gathers the layout and the steps (when some were planned).
    pub fn new(
        nodes: &[NodeSnapshot],
        allocation: &Allocation,
        plan: Option<&'a CreatePlan>,
        outcome: CreateOutcome,
    ) -> Self {
        let layout = nodes
            .iter()
            .enumerate()
            .map(|(index, node)| {
                let master = allocation.masters.iter().find(|m| m.node == index);
                let replica = allocation.replicas.iter().find(|r| r.node == index);
                LayoutNode {
                    id: node.id().cloned(),
                    name: node.endpoint.name.clone(),
                    addr: node.endpoint.addr.to_string(),
                    role: if master.is_some() {
                        "master"
                    } else {
                        "replica"
                    },
                    slots: master.map(|m| SlotSet::from_range(m.first, m.last)),
                    master_id: replica.and_then(|r| nodes[r.master].id().cloned()),
                }
            })
            .collect();
        Self {
            outcome,
            nodes: layout,
            anti_affinity: allocation.anti_affinity,
            steps: plan,
        }
    }
}
