//! Plan files: a change decided now, reviewed, and carried out later by `rtrib apply`.
//!
//! A [`Plan`] is what a planning command (`create`, `reshard`, `rebalance`, `fix`, `del-node`,
//! `rebalance-roles`) would do, written with `--plan-out FILE` instead of done: the cluster as
//! the plan found it (its [`Precondition`]: members, roles, slot owners, open slots, config
//! epochs), the command line that made it, and the planner's own output ([`Steps`]: the same
//! types the commands run). docs/plans.md documents the file.
//!
//! Before `apply` changes anything it reads the cluster again and asks [`standing`] where it
//! stands against the plan: exactly as planned ([`Standing::Ready`]), every step already made
//! ([`Standing::Done`]), part of the steps made by an interrupted apply
//! ([`Standing::Underway`]), or changed otherwise ([`Standing::Stale`], naming what changed).
//! Each step's effect is judged from the cluster's state, so the judgment needs no journal:
//! the plan file is its own.
//!
//! Everything here is ordered (members by address, steps as planned), so two plans of the
//! same state are the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::create::{CreateStep, NodeSnapshot};
use super::fix::{FixPlan, Step as FixStep};
use super::membership::RemoveStep;
use super::migrate::SlotMove;
use super::placement::Move;
use super::slots::{SLOT_COUNT, Slot, SlotSet};
use super::topology::Topology;
use super::view::{NodeEntry, NodeId};

/// The `format` of every plan file.
pub const FORMAT: &str = "rtrib-plan";
/// The plan file version this rtrib writes and reads.
pub const VERSION: u32 = 1;

/// A change to carry out later: see the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PlanFile", into = "PlanFile")]
pub struct Plan {
    /// The command line that made the plan (passwords replaced by `***`).
    pub command_line: Vec<String>,
    /// The cluster as the plan found it.
    pub precondition: Precondition,
    /// What to do, in order.
    pub steps: Steps,
}

/// The file's shape: [`Plan`] with its format and version.
#[derive(Serialize, Deserialize)]
struct PlanFile {
    format: String,
    version: u32,
    command_line: Vec<String>,
    precondition: Precondition,
    #[serde(flatten)]
    steps: Steps,
}

impl From<Plan> for PlanFile {
    fn from(plan: Plan) -> Self {
        Self {
            format: FORMAT.to_string(),
            version: VERSION,
            command_line: plan.command_line,
            precondition: plan.precondition,
            steps: plan.steps,
        }
    }
}

impl TryFrom<PlanFile> for Plan {
    type Error = String;

    fn try_from(file: PlanFile) -> Result<Self, String> {
        if file.format != FORMAT {
            return Err(format!("its format is {:?}, not {FORMAT:?}", file.format));
        }
        if file.version != VERSION {
            return Err(format!(
                "it is version {} and this rtrib reads version {VERSION}",
                file.version
            ));
        }
        Ok(Plan {
            command_line: file.command_line,
            precondition: file.precondition,
            steps: file.steps,
        })
    }
}

/// The planner's output, by command: the types the commands themselves run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
#[expect(
    clippy::large_enum_variant,
    reason = "one per plan; FixPlan's slot sets are 2 KiB each"
)]
pub enum Steps {
    /// `create`: slots, epochs, meets, replicas.
    Create {
        /// The steps, in `create`'s order.
        steps: Vec<CreateStep>,
    },
    /// `reshard`: slot moves, in the order to start them.
    Reshard {
        /// The moves.
        steps: Vec<SlotMove>,
    },
    /// `rebalance`: slot moves, in the order to start them.
    Rebalance {
        /// The moves.
        steps: Vec<SlotMove>,
    },
    /// `fix`: the repair, in its phases.
    Fix {
        /// The final check also looks for keys in slots a master does not serve.
        search_multiple_owners: bool,
        /// The problems found and the steps.
        #[serde(flatten)]
        plan: FixPlan,
    },
    /// `del-node` / `forget`: replicas re-pointed, the node forgotten and reset.
    DelNode {
        /// The steps.
        steps: Vec<RemoveStep>,
    },
    /// `rebalance-roles`: coordinated failovers and replica moves, in order.
    RebalanceRoles {
        /// The moves.
        steps: Vec<Move>,
    },
}

impl Steps {
    /// The command that made the plan, as typed.
    pub fn command(&self) -> &'static str {
        match self {
            Steps::Create { .. } => "create",
            Steps::Reshard { .. } => "reshard",
            Steps::Rebalance { .. } => "rebalance",
            Steps::Fix { .. } => "fix",
            Steps::DelNode { .. } => "del-node",
            Steps::RebalanceRoles { .. } => "rebalance-roles",
        }
    }

    /// How many steps.
    pub fn len(&self) -> usize {
        match self {
            Steps::Create { steps } => steps.len(),
            Steps::Reshard { steps } | Steps::Rebalance { steps } => steps.len(),
            Steps::Fix { plan, .. } => plan.steps.len(),
            Steps::DelNode { steps } => steps.len(),
            Steps::RebalanceRoles { steps } => steps.len(),
        }
    }

    /// Whether there is no step.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every node a step names.
    fn nodes(&self) -> Vec<&NodeId> {
        match self {
            Steps::Create { steps } => steps
                .iter()
                .flat_map(|step| match step {
                    CreateStep::AddSlots { node, .. } | CreateStep::SetConfigEpoch { node, .. } => {
                        vec![node]
                    }
                    CreateStep::Meet { from, to } => vec![from, to],
                    CreateStep::Replicate { replica, master } => vec![replica, master],
                })
                .collect(),
            Steps::Reshard { steps } | Steps::Rebalance { steps } => {
                steps.iter().flat_map(|m| [&m.from, &m.to]).collect()
            }
            Steps::Fix { plan, .. } => plan.steps.iter().flat_map(fix_nodes).collect(),
            Steps::DelNode { steps } => steps
                .iter()
                .flat_map(|step| match step {
                    RemoveStep::Replicate { replica, master } => vec![replica, master],
                    RemoveStep::Forget { node } | RemoveStep::Reset { node } => vec![node],
                })
                .collect(),
            Steps::RebalanceRoles { steps } => steps.iter().flat_map(Move::nodes).collect(),
        }
    }
}

fn fix_nodes(step: &FixStep) -> Vec<&NodeId> {
    match step {
        FixStep::Adopt { node, owner, .. } => vec![node, owner],
        FixStep::SetOwner { node, .. } | FixStep::CloseSlot { node, .. } => vec![node],
        FixStep::Move { from, to, .. } | FixStep::ColdMove { from, to, .. } => vec![from, to],
        FixStep::SetSlotNode { nodes, owner, .. } => {
            nodes.iter().chain(std::iter::once(owner)).collect()
        }
    }
}

/// A node's role in a [`Member`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A master (it may serve slots).
    Master,
    /// A replica of [`Member::master`].
    Replica,
    /// Neither yet (a node in handshake).
    None,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Master => "master",
            Role::Replica => "replica",
            Role::None => "neither master nor replica",
        })
    }
}

/// One node as the plan found it, by its own `CLUSTER NODES` line (the seed's line about it
/// when it could not be reached).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The node's ID.
    pub id: NodeId,
    /// Where it was reached (or announced).
    pub addr: SocketAddr,
    /// The host name it is known by (the name given, or its announced host name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Master or replica.
    pub role: Role,
    /// For a replica, its master.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<NodeId>,
    /// Its config epoch (a replica shows its master's).
    pub config_epoch: u64,
    /// The slots it serves.
    pub slots: SlotSet,
    /// Slots open for migration to another node.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub migrating: BTreeMap<Slot, NodeId>,
    /// Slots open for import from another node.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub importing: BTreeMap<Slot, NodeId>,
    /// Whether rtrib could talk to it.
    pub reachable: bool,
    /// For `create`: the other nodes it knows (handshakes left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knows: Option<Vec<NodeId>>,
}

impl Member {
    fn of(entry: &NodeEntry, addr: SocketAddr, name: Option<String>, reachable: bool) -> Self {
        Self {
            id: entry.id.clone(),
            addr,
            name,
            role: if entry.is_master() {
                Role::Master
            } else if entry.is_replica() {
                Role::Replica
            } else {
                Role::None
            },
            master: entry.master_id.clone().filter(|_| entry.is_replica()),
            config_epoch: entry.config_epoch,
            slots: entry.slots.clone(),
            migrating: entry.migrating.clone(),
            importing: entry.importing.clone(),
            reachable,
            knows: None,
        }
    }

    /// `3c3a0c74 (127.0.0.1:7000)`, for messages.
    fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("node {} ({name}, {})", self.id.short(), self.addr),
            None => format!("node {} ({})", self.id.short(), self.addr),
        }
    }
}

/// The cluster as a plan found it: what `apply` compares the cluster with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Precondition {
    /// The node the plan was read from, as given; `apply` reads the cluster from it unless
    /// given another (absent for `create`, whose members are the nodes given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// Every node: of a cluster, ordered by address; for `create`, in the order given.
    pub members: Vec<Member>,
}

impl Precondition {
    /// The cluster of `topology`, read from the node given as `seed`.
    pub fn of_cluster(topology: &Topology, seed: &str) -> Self {
        let mut members: Vec<Member> = topology
            .nodes
            .iter()
            .map(|node| {
                Member::of(
                    &node.entry,
                    node.endpoint.addr,
                    node.endpoint.name.clone(),
                    node.is_reachable(),
                )
            })
            .collect();
        members.sort_by(|a, b| (a.addr, &a.id).cmp(&(b.addr, &b.id)));
        Self {
            seed: Some(seed.to_string()),
            members,
        }
    }

    /// The nodes given to `create`, in their order, each by its own view.
    pub fn of_nodes(nodes: &[NodeSnapshot]) -> Self {
        let members = nodes
            .iter()
            .filter_map(|node| {
                let myself = node.view.myself()?;
                let mut member =
                    Member::of(myself, node.endpoint.addr, node.endpoint.name.clone(), true);
                let mut knows: Vec<NodeId> = node
                    .view
                    .entries
                    .iter()
                    .filter(|e| !e.flags.myself && !e.flags.handshake)
                    .map(|e| e.id.clone())
                    .collect();
                knows.sort();
                member.knows = Some(knows);
                Some(member)
            })
            .collect();
        Self {
            seed: None,
            members,
        }
    }

    /// The member with ID `id`.
    pub fn member(&self, id: &NodeId) -> Option<&Member> {
        self.members.iter().find(|m| &m.id == id)
    }

    /// The members serving `slot`.
    fn claimants(&self, slot: Slot) -> BTreeSet<&NodeId> {
        self.members
            .iter()
            .filter(|m| m.slots.contains(slot))
            .map(|m| &m.id)
            .collect()
    }

    /// Every member's migrating or importing mark on `slot`: `(node, peer, migrating)`.
    fn open_marks(&self, slot: Slot) -> BTreeSet<(&NodeId, &NodeId, bool)> {
        let mut marks = BTreeSet::new();
        for member in &self.members {
            if let Some(peer) = member.migrating.get(&slot) {
                marks.insert((&member.id, peer, true));
            }
            if let Some(peer) = member.importing.get(&slot) {
                marks.insert((&member.id, peer, false));
            }
        }
        marks
    }

    /// The IDs of `id` and the replicas that follow it.
    fn with_replicas(&self, id: &NodeId) -> Vec<NodeId> {
        std::iter::once(id.clone())
            .chain(
                self.members
                    .iter()
                    .filter(|m| m.master.as_ref() == Some(id))
                    .map(|m| m.id.clone()),
            )
            .collect()
    }
}

/// Why a file is not a plan rtrib can apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    /// Not JSON, not an rtrib plan, or of another version.
    #[error("{0}")]
    Unreadable(String),
    /// A plan whose content contradicts itself (edited by hand, say).
    #[error("{0}")]
    Inconsistent(String),
}

impl Plan {
    /// Reads a plan file's text; fails with one line saying why it is not a plan rtrib can
    /// apply.
    pub fn parse(text: &str) -> Result<Self, PlanFileError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|error| PlanFileError::Unreadable(format!("it is not JSON ({error})")))?;
        let format = value.get("format").and_then(serde_json::Value::as_str);
        if format != Some(FORMAT) {
            return Err(PlanFileError::Unreadable(format!(
                "it is not an rtrib plan (no \"format\": \"{FORMAT}\")"
            )));
        }
        let plan: Plan = serde_json::from_value(value)
            .map_err(|error| PlanFileError::Unreadable(format!("{error}")))?;
        plan.validate().map_err(PlanFileError::Inconsistent)?;
        Ok(plan)
    }

    /// The plan as the JSON text of a plan file: indented, with every object of plain values
    /// (a slot move, say) and every array without objects (a slot set) on one line, so that a
    /// diff of two plans shows one line per step that differs.
    pub fn to_json(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        let mut text = String::new();
        write_json(&mut text, &value, 0);
        text.push('\n');
        text
    }

    /// Checks that the plan makes sense on its own: members listed once, every node a step
    /// names among them, slots in range, and each step possible on the precondition.
    fn validate(&self) -> Result<(), String> {
        let pre = &self.precondition;
        for (i, member) in pre.members.iter().enumerate() {
            if pre.members[..i].iter().any(|m| m.id == member.id) {
                return Err(format!("node {} is listed twice", member.id));
            }
        }
        if let Some(stranger) = self
            .steps
            .nodes()
            .into_iter()
            .find(|id| pre.member(id).is_none())
        {
            return Err(format!(
                "a step names node {stranger}, which is not among the plan's members"
            ));
        }
        let master = |id: &NodeId| pre.member(id).is_some_and(|m| m.role == Role::Master);
        match &self.steps {
            Steps::Reshard { steps } | Steps::Rebalance { steps } => {
                let mut seen = SlotSet::new();
                for m in steps {
                    in_range(m.slot)?;
                    if !seen.insert(m.slot) {
                        return Err(format!("slot {} is moved twice", m.slot));
                    }
                    if !pre
                        .member(&m.from)
                        .is_some_and(|f| f.slots.contains(m.slot))
                    {
                        return Err(format!(
                            "slot {} is moved from node {}, which does not serve it",
                            m.slot,
                            m.from.short()
                        ));
                    }
                    if m.from == m.to || !master(&m.to) {
                        return Err(format!(
                            "slot {} is moved to node {}, which is not another master",
                            m.slot,
                            m.to.short()
                        ));
                    }
                }
            }
            Steps::Fix { plan, .. } => {
                for step in &plan.steps {
                    in_range(step.slot())?;
                }
            }
            Steps::Create { steps } => {
                for step in steps {
                    match step {
                        CreateStep::Meet { from, to } if from == to => {
                            return Err(format!("node {} is to meet itself", from.short()));
                        }
                        CreateStep::Replicate { replica, master } if replica == master => {
                            return Err(format!("node {} is to replicate itself", replica.short()));
                        }
                        _ => {}
                    }
                }
            }
            Steps::DelNode { steps } => {
                for step in steps {
                    if let RemoveStep::Replicate { master: to, .. } = step
                        && !master(to)
                    {
                        return Err(format!("node {} is not a master", to.short()));
                    }
                }
            }
            Steps::RebalanceRoles { steps } => {
                let mut roles = RolePlacement::of(pre);
                for step in steps {
                    let follows = |replica: &NodeId, master: &NodeId| {
                        roles.master_of(replica) == Some(master)
                            && roles.master_of(master).is_none()
                    };
                    let possible = match step {
                        Move::Failover { replica, master } => follows(replica, master),
                        Move::Replicate { replica, from, to } => {
                            follows(replica, from) && to != from && roles.master_of(to).is_none()
                        }
                    };
                    if !possible {
                        return Err(format!(
                            "the move of node {} does not follow from the roles before it",
                            step.nodes()[0].short()
                        ));
                    }
                    roles.make(step);
                }
            }
        }
        Ok(())
    }
}

/// The order of fields in a plan file (serde_json's `Value` sorts them by name); others
/// follow by name.
const FIELD_ORDER: [&str; 33] = [
    "format",
    "version",
    "command",
    "command_line",
    "precondition",
    "seed",
    "members",
    "step",
    "kind",
    "id",
    "addr",
    "name",
    "role",
    "master",
    "config_epoch",
    "slots",
    "migrating",
    "importing",
    "reachable",
    "knows",
    "search_multiple_owners",
    "open",
    "uncovered",
    "multiple_owners",
    "steps",
    "slot",
    "node",
    "nodes",
    "from",
    "to",
    "replica",
    "owner",
    "settled",
];

/// Writes `value` indented by `depth` levels; see [`Plan::to_json`].
fn write_json(out: &mut String, value: &serde_json::Value, depth: usize) {
    use serde_json::Value;
    let text = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    let mut fields: Vec<(Option<&String>, &Value)> = match value {
        Value::Object(fields) => fields.iter().map(|(k, v)| (Some(k), v)).collect(),
        Value::Array(items) => items.iter().map(|v| (None, v)).collect(),
        scalar => {
            out.push_str(&text(scalar));
            return;
        }
    };
    fields.sort_by_key(|(key, _)| {
        key.map(|k| {
            FIELD_ORDER
                .iter()
                .position(|f| f == k)
                .unwrap_or(usize::MAX)
        })
    });
    let flat = match value {
        Value::Object(_) => fields.iter().all(|(_, v)| !v.is_object() && !v.is_array()),
        _ => !has_object(value),
    };
    let (open, close) = if value.is_object() {
        ("{", "}")
    } else {
        ("[", "]")
    };
    let key = |k: Option<&String>| {
        k.map_or_else(String::new, |k| {
            format!("{}: ", text(&Value::String(k.clone())))
        })
    };
    if flat {
        let items: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                let mut item = key(*k);
                write_json(&mut item, v, depth);
                item
            })
            .collect();
        out.push_str(&format!("{open}{}{close}", items.join(", ")));
        return;
    }
    out.push_str(open);
    for (index, (k, v)) in fields.iter().enumerate() {
        out.push_str(if index == 0 { "\n" } else { ",\n" });
        out.push_str(&"  ".repeat(depth + 1));
        out.push_str(&key(*k));
        write_json(out, v, depth + 1);
    }
    out.push('\n');
    out.push_str(&"  ".repeat(depth));
    out.push_str(close);
}

fn has_object(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(_) => true,
        serde_json::Value::Array(items) => items.iter().any(has_object),
        _ => false,
    }
}

fn in_range(slot: Slot) -> Result<(), String> {
    if usize::from(slot) < SLOT_COUNT {
        Ok(())
    } else {
        Err(format!("slot {slot} is out of range 0-{}", SLOT_COUNT - 1))
    }
}

/// Replaces the values of password options in a command line with `***`.
pub fn redacted(args: impl IntoIterator<Item = String>) -> Vec<String> {
    const SECRET: [&str; 3] = ["-a", "--pass", "--from-pass"];
    let mut out = Vec::new();
    let mut hide_next = false;
    for arg in args {
        if hide_next {
            out.push("***".to_string());
            hide_next = false;
        } else if SECRET.contains(&arg.as_str()) {
            hide_next = true;
            out.push(arg);
        } else if let Some((option, _)) = arg
            .split_once('=')
            .filter(|(option, _)| SECRET.contains(option))
        {
            out.push(format!("{option}=***"));
        } else if arg.starts_with("-a") && !arg.starts_with("--") && arg.len() > 2 {
            out.push("-a***".to_string());
        } else {
            out.push(arg);
        }
    }
    out
}

/// Where the cluster stands against a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Exactly as the plan found it: every step is to be made.
    Ready,
    /// Some steps are made (an interrupted apply), the others are still to make; the cluster
    /// is otherwise as the plan found it.
    Underway {
        /// Steps whose effect is there.
        done: usize,
        /// Steps to make (or to finish).
        left: usize,
    },
    /// Every step's effect is there.
    Done,
    /// The cluster changed otherwise since the plan was made: what changed.
    Stale(Vec<String>),
    /// None of the plan's nodes is in the cluster read.
    Foreign,
}

/// How far one step is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Progress {
    NotStarted,
    InFlight,
    Done,
    /// The step's subject was changed by something else.
    Conflict(String),
}

/// What the plan's steps may change, and so what may differ from the precondition while
/// they are under way.
#[derive(Debug, Default)]
struct Footprint {
    /// Slots whose owners and open marks change.
    slots: SlotSet,
    /// Nodes whose config epoch may change.
    epochs: BTreeSet<NodeId>,
    /// Nodes whose role or master may change.
    roles: BTreeSet<NodeId>,
    /// Nodes that leave the cluster.
    leaving: BTreeSet<NodeId>,
    /// Whether the nodes' acquaintances change (`create`).
    knows: bool,
}

impl Footprint {
    /// `id` and its replicas may show another config epoch.
    fn touch(&mut self, pre: &Precondition, id: &NodeId) {
        self.epochs.extend(pre.with_replicas(id));
    }

    /// Masters left without slots by the plan may turn into replicas of a master that took
    /// their slots (`cluster-allow-replica-migration`), their replicas following.
    fn drained(&mut self, pre: &Precondition) {
        for member in &pre.members {
            if !member.slots.is_empty() && member.slots.difference(&self.slots).is_empty() {
                let ids = pre.with_replicas(&member.id);
                self.roles.extend(ids.iter().cloned());
                self.epochs.extend(ids);
            }
        }
    }
}

/// Judges where the cluster (`now`, read as the plan's precondition was) stands against
/// `plan`; see [`Standing`].
pub fn standing(plan: &Plan, now: &Precondition) -> Standing {
    let pre = &plan.precondition;
    if !pre.members.is_empty() && pre.members.iter().all(|m| now.member(&m.id).is_none()) {
        return Standing::Foreign;
    }
    let (progress, footprint) = progress(plan, now);
    let mut changes: Vec<String> = progress
        .iter()
        .filter_map(|p| match p {
            Progress::Conflict(why) => Some(why.clone()),
            _ => None,
        })
        .collect();
    changes.dedup();
    changes.extend(differences(pre, now, &footprint));
    if !changes.is_empty() {
        return Standing::Stale(changes);
    }
    let done = progress.iter().filter(|p| **p == Progress::Done).count();
    if progress.iter().all(|p| *p == Progress::NotStarted) {
        let strict = differences(pre, now, &Footprint::default());
        return if strict.is_empty() {
            if progress.is_empty() {
                Standing::Done
            } else {
                Standing::Ready
            }
        } else {
            Standing::Stale(strict)
        };
    }
    if done == progress.len() {
        return Standing::Done;
    }
    Standing::Underway {
        done,
        left: progress.len() - done,
    }
}

/// The plan's steps whose effect is not there yet in `now`: all of them when the cluster
/// is as planned, none when the plan is done.
pub fn remaining(plan: &Plan, now: &Precondition) -> Steps {
    let (progress, _) = progress(plan, now);
    fn left<T: Clone>(steps: &[T], progress: &[Progress]) -> Vec<T> {
        steps
            .iter()
            .zip(progress)
            .filter(|(_, p)| **p != Progress::Done)
            .map(|(step, _)| step.clone())
            .collect()
    }
    match &plan.steps {
        Steps::Create { steps } => Steps::Create {
            steps: left(steps, &progress),
        },
        Steps::Reshard { steps } => Steps::Reshard {
            steps: left(steps, &progress),
        },
        Steps::Rebalance { steps } => Steps::Rebalance {
            steps: left(steps, &progress),
        },
        Steps::Fix {
            search_multiple_owners,
            plan: fix,
        } => Steps::Fix {
            search_multiple_owners: *search_multiple_owners,
            plan: FixPlan {
                steps: left(&fix.steps, &progress),
                ..fix.clone()
            },
        },
        Steps::DelNode { steps } => Steps::DelNode {
            steps: left(steps, &progress),
        },
        Steps::RebalanceRoles { steps } => Steps::RebalanceRoles {
            steps: left(steps, &progress),
        },
    }
}

/// The progress of every step, and the plan's footprint.
fn progress(plan: &Plan, now: &Precondition) -> (Vec<Progress>, Footprint) {
    let pre = &plan.precondition;
    let mut footprint = Footprint::default();
    let progress = match &plan.steps {
        Steps::Reshard { steps } | Steps::Rebalance { steps } => {
            for m in steps {
                footprint.slots.insert(m.slot);
                footprint.touch(pre, &m.from);
                footprint.touch(pre, &m.to);
            }
            footprint.drained(pre);
            steps.iter().map(|m| slot_move_progress(now, m)).collect()
        }
        Steps::Fix { plan: fix, .. } => {
            for step in &fix.steps {
                footprint.slots.insert(step.slot());
                for node in fix_nodes(step) {
                    footprint.touch(pre, node);
                }
            }
            footprint.drained(pre);
            let by_slot: BTreeMap<Slot, Progress> = footprint
                .slots
                .iter()
                .map(|slot| (slot, fix_slot_progress(pre, now, &fix.steps, slot)))
                .collect();
            fix.steps
                .iter()
                .map(|s| by_slot[&s.slot()].clone())
                .collect()
        }
        Steps::Create { steps } => {
            footprint.knows = true;
            for step in steps {
                match step {
                    CreateStep::AddSlots { slots, .. } => footprint.slots.union_with(slots),
                    CreateStep::SetConfigEpoch { node, .. } => footprint.touch(pre, node),
                    CreateStep::Replicate { replica, master } => {
                        footprint.roles.insert(replica.clone());
                        footprint.epochs.insert(replica.clone());
                        footprint.touch(pre, master);
                    }
                    CreateStep::Meet { .. } => {}
                }
            }
            // Masters bump their epochs when they meet others with the same (a resumed
            // create gives fresh nodes epochs of their own, not necessarily unique).
            for member in &pre.members {
                footprint.epochs.insert(member.id.clone());
            }
            steps.iter().map(|s| create_progress(pre, now, s)).collect()
        }
        Steps::DelNode { steps } => {
            for step in steps {
                match step {
                    RemoveStep::Replicate { replica, master } => {
                        footprint.roles.insert(replica.clone());
                        footprint.epochs.insert(replica.clone());
                        footprint.touch(pre, master);
                    }
                    RemoveStep::Forget { node } | RemoveStep::Reset { node } => {
                        footprint.leaving.insert(node.clone());
                    }
                }
            }
            steps.iter().map(|s| remove_progress(pre, now, s)).collect()
        }
        Steps::RebalanceRoles { steps } => roles_progress(pre, now, steps, &mut footprint),
    };
    (progress, footprint)
}

/// A slot move: at its source, at its destination, between the two, or elsewhere.
fn slot_move_progress(now: &Precondition, m: &SlotMove) -> Progress {
    let claimants = now.claimants(m.slot);
    let marks = now.open_marks(m.slot);
    let ends: BTreeSet<&NodeId> = [&m.from, &m.to].into_iter().collect();
    let ours = marks.iter().all(|&(node, peer, migrating)| {
        (migrating && node == &m.from && peer == &m.to)
            || (!migrating && node == &m.to && peer == &m.from)
    });
    let only = |id: &NodeId| claimants.len() == 1 && claimants.contains(id);
    if !ours || claimants.iter().any(|c| !ends.contains(c)) || claimants.is_empty() {
        let owners: Vec<String> = claimants.iter().map(|c| c.short().to_string()).collect();
        return Progress::Conflict(format!(
            "slot {} is served by {} and the plan moves it from {} to {}",
            m.slot,
            if owners.is_empty() {
                "no node".to_string()
            } else {
                owners.join(", ")
            },
            m.from.short(),
            m.to.short()
        ));
    }
    if marks.is_empty() && only(&m.from) {
        Progress::NotStarted
    } else if marks.is_empty() && only(&m.to) {
        Progress::Done
    } else {
        Progress::InFlight
    }
}

/// A slot `fix` repairs: as found, repaired (one owner, the last the steps name; closed
/// everywhere), or in between. Another owner than the steps' nodes is a conflict.
fn fix_slot_progress(
    pre: &Precondition,
    now: &Precondition,
    steps: &[FixStep],
    slot: Slot,
) -> Progress {
    let steps: Vec<&FixStep> = steps.iter().filter(|s| s.slot() == slot).collect();
    let owner = steps
        .iter()
        .rev()
        .find_map(|step| match step {
            FixStep::Adopt { owner, .. } | FixStep::SetSlotNode { owner, .. } => Some(owner),
            FixStep::SetOwner { node, .. } => Some(node),
            FixStep::Move { to, .. } | FixStep::ColdMove { to, .. } => Some(to),
            FixStep::CloseSlot { .. } => None,
        })
        .or_else(|| pre.claimants(slot).into_iter().next());
    let claimants = now.claimants(slot);
    let involved: BTreeSet<&NodeId> = steps
        .iter()
        .flat_map(|s| fix_nodes(s))
        .chain(pre.claimants(slot))
        .collect();
    if let Some(stranger) = claimants.iter().find(|c| !involved.contains(*c)) {
        return Progress::Conflict(format!(
            "slot {slot} is served by node {}, which the repair does not involve",
            stranger.short()
        ));
    }
    let closed = now.open_marks(slot).is_empty();
    if closed && owner.is_some_and(|o| claimants.len() == 1 && claimants.contains(o)) {
        Progress::Done
    } else if claimants == pre.claimants(slot) && now.open_marks(slot) == pre.open_marks(slot) {
        Progress::NotStarted
    } else {
        Progress::InFlight
    }
}

/// A step of `create`, by its effect.
fn create_progress(pre: &Precondition, now: &Precondition, step: &CreateStep) -> Progress {
    let before = |id: &NodeId| pre.member(id);
    let after = |id: &NodeId| now.member(id);
    let done = |made: bool| {
        if made {
            Progress::Done
        } else {
            Progress::NotStarted
        }
    };
    match step {
        CreateStep::AddSlots { node, slots } => match after(node) {
            Some(m) if slots.difference(&m.slots).is_empty() => Progress::Done,
            Some(m) if m.slots.intersection(slots).is_empty() => Progress::NotStarted,
            Some(_) => Progress::InFlight,
            None => Progress::NotStarted,
        },
        CreateStep::SetConfigEpoch { node, .. } => done(
            after(node).map(|m| m.config_epoch) != before(node).map(|m| m.config_epoch)
                || after(node).is_some_and(|m| m.knows.as_ref().is_some_and(|k| !k.is_empty())),
        ),
        CreateStep::Meet { from, to } => {
            done(after(from).is_some_and(|m| m.knows.as_ref().is_some_and(|k| k.contains(to))))
        }
        CreateStep::Replicate { replica, master } => {
            done(after(replica).is_some_and(|m| m.master.as_ref() == Some(master)))
        }
    }
}

/// A step of removing a node, by its effect.
fn remove_progress(pre: &Precondition, now: &Precondition, step: &RemoveStep) -> Progress {
    match step {
        RemoveStep::Replicate { replica, master } => {
            let now_master = now.member(replica).and_then(|m| m.master.as_ref());
            let before = pre.member(replica).and_then(|m| m.master.as_ref());
            if now_master == Some(master) {
                Progress::Done
            } else if now_master == before {
                Progress::NotStarted
            } else {
                Progress::Conflict(format!(
                    "replica {} follows {} now and the plan makes it follow {}",
                    replica.short(),
                    now_master.map_or("no master", |m| m.short()),
                    master.short()
                ))
            }
        }
        RemoveStep::Forget { node } | RemoveStep::Reset { node } => {
            if now.member(node).is_some() {
                Progress::NotStarted
            } else {
                Progress::Done
            }
        }
    }
}

/// `master`, or `replica of 3c3a0c74`, for messages.
fn role_words(role: Role, master: Option<&NodeId>) -> String {
    match master {
        Some(master) => format!("replica of {}", master.short()),
        None => role.to_string(),
    }
}

/// Which master each member follows (`None`: a master, or neither) and the slots it serves,
/// as `rebalance-roles`' moves leave them: a failover hands the master's slots to the replica.
#[derive(Clone)]
struct RolePlacement(Vec<(NodeId, Option<NodeId>, SlotSet)>);

impl RolePlacement {
    fn of(pre: &Precondition) -> Self {
        Self(
            pre.members
                .iter()
                .map(|m| (m.id.clone(), m.master.clone(), m.slots.clone()))
                .collect(),
        )
    }

    fn master_of(&self, id: &NodeId) -> Option<&NodeId> {
        self.0
            .iter()
            .find(|(node, ..)| node == id)
            .and_then(|(_, master, _)| master.as_ref())
    }

    fn make(&mut self, step: &Move) {
        step.apply_to(self.0.iter_mut().map(|(id, master, _)| (&*id, master)));
        if let Move::Failover { replica, master } = step {
            let slots = self
                .0
                .iter_mut()
                .find(|(id, ..)| id == master)
                .map(|(.., slots)| std::mem::take(slots))
                .unwrap_or_default();
            if let Some((.., to)) = self.0.iter_mut().find(|(id, ..)| id == replica) {
                to.union_with(&slots);
            }
        }
    }

    /// How `now` differs from this placement (the one the plan has `when`) on the members in
    /// `roles` (their master) and in `slotted` (their slots), one line each.
    fn mismatches(
        &self,
        pre: &Precondition,
        now: &Precondition,
        (roles, slotted): (&BTreeSet<NodeId>, &BTreeSet<&NodeId>),
        when: &str,
    ) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|(id, master, slots)| {
                let who = pre.member(id)?.describe();
                let Some(node) = now.member(id) else {
                    return Some(format!("{who} is no longer in the cluster"));
                };
                let role = match master {
                    Some(_) => role_words(Role::Replica, master.as_ref()),
                    None => role_words(Role::Master, None),
                };
                let is_master = node.role == Role::Master;
                if roles.contains(id) && (node.master != *master || is_master != master.is_none()) {
                    Some(format!(
                        "{who} is {} now, the plan has it {role} {when}",
                        role_words(node.role, node.master.as_ref()),
                    ))
                } else if slotted.contains(id) && node.slots != *slots {
                    Some(format!(
                        "{who} serves slots {} now, the plan has it serve {slots} {when}",
                        node.slots
                    ))
                } else {
                    None
                }
            })
            .collect()
    }
}

/// `rebalance-roles`' moves, judged together since each depends on the ones before: every
/// prefix of the moves leads to a placement, and the cluster is at the latest one it shows
/// (a failover made: the replica serves its master's slots and the master follows it; a
/// replica move made: the replica follows its new master). A cluster at none of them was
/// changed by something else: a conflict, named against the placement nearest to it.
fn roles_progress(
    pre: &Precondition,
    now: &Precondition,
    moves: &[Move],
    footprint: &mut Footprint,
) -> Vec<Progress> {
    let mut placements = vec![RolePlacement::of(pre)];
    for step in moves {
        let mut next = placements[placements.len() - 1].clone();
        next.make(step);
        placements.push(next);
    }
    for (before, (id, master, slots)) in placements[0].0.iter().enumerate() {
        let moved = placements.iter().any(|p| {
            let (_, m, s) = &p.0[before];
            m != master || s != slots
        });
        if moved {
            footprint.roles.insert(id.clone());
            footprint.slots.union_with(slots);
            footprint.touch(pre, id);
        }
    }
    for id in moves.iter().flat_map(Move::nodes) {
        footprint.touch(pre, id);
    }
    let slotted: BTreeSet<&NodeId> = moves
        .iter()
        .filter_map(|step| match step {
            Move::Failover { replica, master } => Some([replica, master]),
            Move::Replicate { .. } => None,
        })
        .flatten()
        .collect();
    let roles = footprint.roles.clone();
    let mismatches: Vec<Vec<String>> = placements
        .iter()
        .enumerate()
        .map(|(made, p)| {
            let when = match made {
                0 => "before its moves".to_string(),
                n => format!("after its move {n}"),
            };
            p.mismatches(pre, now, (&roles, &slotted), &when)
        })
        .collect();
    match mismatches.iter().rposition(Vec::is_empty) {
        Some(made) => (0..moves.len())
            .map(|i| {
                if i < made {
                    Progress::Done
                } else {
                    Progress::NotStarted
                }
            })
            .collect(),
        None => {
            let nearest = mismatches.iter().min_by_key(|m| m.len());
            let why = nearest.map(|m| m.join("; ")).unwrap_or_default();
            vec![Progress::Conflict(why); moves.len()]
        }
    }
}

/// What differs between `before` and `now` outside `footprint`, one line each.
fn differences(before: &Precondition, now: &Precondition, footprint: &Footprint) -> Vec<String> {
    let mut changes = Vec::new();
    for old in &before.members {
        let who = old.describe();
        let Some(new) = now.member(&old.id) else {
            if !footprint.leaving.contains(&old.id) {
                changes.push(format!("{who} is no longer in the cluster"));
            }
            continue;
        };
        if new.addr != old.addr {
            changes.push(format!("{who} is at {} now", new.addr));
        }
        if (new.role, &new.master) != (old.role, &old.master) && !footprint.roles.contains(&old.id)
        {
            changes.push(format!(
                "{who} is {} now, was {}",
                role_words(new.role, new.master.as_ref()),
                role_words(old.role, old.master.as_ref())
            ));
        }
        if new.config_epoch != old.config_epoch && !footprint.epochs.contains(&old.id) {
            changes.push(format!(
                "{who} has config epoch {} now, was {} (its slots changed hands)",
                new.config_epoch, old.config_epoch
            ));
        }
        let outside = |slots: &SlotSet| slots.difference(&footprint.slots);
        let (was, is) = (outside(&old.slots), outside(&new.slots));
        if was != is {
            let gained = is.difference(&was);
            let lost = was.difference(&is);
            let mut what = Vec::new();
            if !gained.is_empty() {
                what.push(format!("serves slots {gained} it did not"));
            }
            if !lost.is_empty() {
                what.push(format!("no longer serves slots {lost}"));
            }
            changes.push(format!("{who} {}", what.join(" and ")));
        }
        let open = |m: &Member| -> SlotSet {
            m.migrating
                .keys()
                .chain(m.importing.keys())
                .copied()
                .filter(|s| !footprint.slots.contains(*s))
                .collect()
        };
        let opened = open(new);
        let same_marks = opened == open(old)
            && opened.iter().all(|s| {
                (new.migrating.get(&s), new.importing.get(&s))
                    == (old.migrating.get(&s), old.importing.get(&s))
            });
        if !same_marks {
            changes.push(format!(
                "{who} has slots {} open (migrating/importing), the plan found {}",
                if opened.is_empty() {
                    "none".to_string()
                } else {
                    opened.to_string()
                },
                match open(old) {
                    open if open.is_empty() => "none".to_string(),
                    open => open.to_string(),
                }
            ));
        }
        if new.reachable != old.reachable {
            changes.push(format!(
                "{who} is {} now",
                if new.reachable {
                    "reachable"
                } else {
                    "unreachable"
                }
            ));
        }
        if !footprint.knows && new.knows != old.knows {
            changes.push(format!("{who} knows other nodes now"));
        }
    }
    for new in &now.members {
        if before.member(&new.id).is_none() {
            changes.push(format!("{} joined the cluster", new.describe()));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::migrate::reshard_table;
    use crate::cluster::topology::Topology;
    use crate::cluster::view::NodesView;

    fn id(name: &str) -> NodeId {
        NodeId::new(name.repeat(40).get(..40).unwrap())
    }

    /// A cluster of masters `(name, slots, epoch)`, each with a replica `name` uppercased.
    fn cluster(masters: &[(&str, &str, u64)]) -> Topology {
        let mut text = String::new();
        for (i, (name, slots, epoch)) in masters.iter().enumerate() {
            text += &format!(
                "{} 127.0.0.1:{}@{} master - 0 0 {epoch} connected {slots}\n",
                id(name),
                7000 + i,
                17000 + i
            );
            text += &format!(
                "{} 127.0.0.1:{}@{} slave {} 0 0 {epoch} connected\n",
                id(&name.to_uppercase()),
                7100 + i,
                17100 + i,
                id(name)
            );
        }
        Topology::all_reporting(&NodesView::parse(&text).unwrap())
    }

    fn three() -> Topology {
        cluster(&[
            ("a", "0-5460", 1),
            ("b", "5461-10922", 2),
            ("c", "10923-16383", 3),
        ])
    }

    fn reshard_plan(topology: &Topology, count: usize) -> Plan {
        Plan {
            command_line: vec!["rtrib".into(), "reshard".into()],
            precondition: Precondition::of_cluster(topology, "127.0.0.1:7000"),
            steps: Steps::Reshard {
                steps: reshard_table(topology, &[id("a")], &id("b"), count).unwrap(),
            },
        }
    }

    fn state(topology: &Topology) -> Precondition {
        Precondition::of_cluster(topology, "127.0.0.1:7000")
    }

    #[test]
    fn a_plan_is_the_same_bytes_for_the_same_state_and_reads_back() {
        let plan = reshard_plan(&three(), 10);
        let again = reshard_plan(&three(), 10);
        assert_eq!(plan.to_json(), again.to_json());
        let text = plan.to_json();
        assert!(
            text.starts_with("{\n  \"format\": \"rtrib-plan\",\n  \"version\": 1,"),
            "{text}"
        );
        assert_eq!(Plan::parse(&text).unwrap(), plan);
        let addrs: Vec<SocketAddr> = plan.precondition.members.iter().map(|m| m.addr).collect();
        let mut sorted = addrs.clone();
        sorted.sort();
        assert_eq!(addrs, sorted);
    }

    #[test]
    fn files_that_are_not_plans_are_named_in_one_line() {
        let plan = reshard_plan(&three(), 10);
        let text = plan.to_json();
        let unreadable = |text: &str| match Plan::parse(text) {
            Err(PlanFileError::Unreadable(why)) => why,
            other => panic!("{other:?}"),
        };
        assert!(unreadable("not json").starts_with("it is not JSON"));
        assert!(unreadable("{\"a\": 1}").contains("not an rtrib plan"));
        assert!(
            unreadable(&text.replace("\"version\": 1", "\"version\": 7")).contains("version 7")
        );
        assert!(unreadable(&text.replace("\"reshard\"", "\"explode\"")).contains("explode"));
        let inconsistent = |text: &str| match Plan::parse(text) {
            Err(PlanFileError::Inconsistent(why)) => why,
            other => panic!("{other:?}"),
        };
        let b = id("b").to_string();
        let z = id("z").to_string();
        assert!(
            inconsistent(&text.replace(&format!("\"to\": \"{b}\""), &format!("\"to\": \"{z}\"")))
                .contains("not among")
        );
        assert!(
            inconsistent(&text.replace("\"slot\": 0,", "\"slot\": 9,")).contains("moved twice")
        );
        assert!(Plan::parse(&text.replace("\"slot\": 0,", "\"slot\": 20000,")).is_err());
    }

    #[test]
    fn a_plan_is_ready_underway_done_or_stale() {
        let before = three();
        let plan = reshard_plan(&before, 3);
        assert_eq!(standing(&plan, &state(&before)), Standing::Ready);

        // Slot 0 moved (b bumped its epoch), slot 1 open, slot 2 not started.
        let (a, b) = (id("a"), id("b"));
        let mut now = state(&before);
        for m in &mut now.members {
            if m.id == a {
                m.slots.remove(0);
                m.migrating.insert(1, b.clone());
            }
            if m.id == b || m.master.as_ref() == Some(&b) {
                m.config_epoch = 7;
            }
            if m.id == b {
                m.slots.insert(0);
                m.importing.insert(1, a.clone());
            }
        }
        assert_eq!(
            standing(&plan, &now),
            Standing::Underway { done: 1, left: 2 }
        );

        for m in &mut now.members {
            m.migrating.clear();
            m.importing.clear();
            if m.id == a {
                m.slots.remove(1);
                m.slots.remove(2);
            }
            if m.id == b {
                m.slots.insert_range(0, 2);
            }
        }
        assert_eq!(standing(&plan, &now), Standing::Done);

        // Another reshard moved slot 3 to c as well: stale, whatever else.
        let c = id("c");
        for m in &mut now.members {
            if m.id == a {
                m.slots.remove(3);
            }
            if m.id == c {
                m.slots.insert(3);
                m.config_epoch = 9;
            }
        }
        let Standing::Stale(changes) = standing(&plan, &now) else {
            panic!("not stale");
        };
        assert!(
            changes
                .iter()
                .any(|c| c.contains("no longer serves slots 3")),
            "{changes:?}"
        );
        assert!(
            changes.iter().any(|c| c.contains("config epoch 9")),
            "{changes:?}"
        );
    }

    #[test]
    fn a_changed_epoch_alone_makes_a_plan_stale_before_any_step() {
        let before = three();
        let plan = reshard_plan(&before, 3);
        let mut now = state(&before);
        now.members[0].config_epoch += 10;
        assert!(matches!(standing(&plan, &now), Standing::Stale(_)));
        let mut gone = state(&before);
        gone.members.pop();
        assert!(
            matches!(standing(&plan, &gone), Standing::Stale(c) if c[0].contains("no longer in the cluster"))
        );
        let other = cluster(&[("x", "0-16383", 1)]);
        assert_eq!(standing(&plan, &state(&other)), Standing::Foreign);
    }

    #[test]
    fn a_drained_master_may_become_a_replica() {
        let before = cluster(&[("a", "0-99", 1), ("b", "100-16383", 2)]);
        let plan = Plan {
            command_line: Vec::new(),
            precondition: state(&before),
            steps: Steps::Rebalance {
                steps: reshard_table(&before, &[id("a")], &id("b"), 100).unwrap(),
            },
        };
        let mut now = state(&before);
        for m in &mut now.members {
            if m.id == id("a") || m.id == id("A") {
                m.slots = SlotSet::new();
                m.role = Role::Replica;
                m.master = Some(id("b"));
                m.config_epoch = 5;
            }
            if m.id == id("b") {
                m.slots = SlotSet::full();
                m.config_epoch = 5;
            }
        }
        assert_eq!(standing(&plan, &now), Standing::Done);
    }

    #[test]
    fn role_moves_are_judged_by_the_placement_they_lead_to() {
        let before = three();
        let (a, b, c) = (id("a"), id("b"), id("c"));
        let (big_a, big_b, big_c) = (id("A"), id("B"), id("C"));
        let plan = Plan {
            command_line: Vec::new(),
            precondition: state(&before),
            steps: Steps::RebalanceRoles {
                steps: vec![
                    Move::Failover {
                        replica: big_a.clone(),
                        master: a.clone(),
                    },
                    Move::Replicate {
                        replica: big_b.clone(),
                        from: b.clone(),
                        to: big_a.clone(),
                    },
                ],
            },
        };
        assert_eq!(Plan::parse(&plan.to_json()).unwrap(), plan);
        assert_eq!(standing(&plan, &state(&before)), Standing::Ready);

        let mut now = state(&before);
        for m in &mut now.members {
            if m.id == big_a {
                (m.role, m.master, m.slots) = (Role::Master, None, SlotSet::from_range(0, 5460));
            } else if m.id == a {
                (m.role, m.master, m.slots) = (Role::Replica, Some(big_a.clone()), SlotSet::new());
            }
            if m.id == a || m.id == big_a {
                m.config_epoch = 4;
            }
        }
        assert_eq!(
            standing(&plan, &now),
            Standing::Underway { done: 1, left: 1 }
        );
        assert_eq!(remaining(&plan, &now).len(), 1);

        let mut done = now.clone();
        for m in &mut done.members {
            if m.id == big_b {
                (m.master, m.config_epoch) = (Some(big_a.clone()), 4);
            }
        }
        assert_eq!(standing(&plan, &done), Standing::Done);

        // A failover by hand the plan does not make.
        let mut manual = state(&before);
        for m in &mut manual.members {
            if m.id == big_c {
                (m.role, m.master, m.slots) =
                    (Role::Master, None, SlotSet::from_range(10923, 16383));
            } else if m.id == c {
                (m.role, m.master, m.slots) = (Role::Replica, Some(big_c.clone()), SlotSet::new());
            }
        }
        let Standing::Stale(changes) = standing(&plan, &manual) else {
            panic!("not stale");
        };
        assert!(
            changes
                .iter()
                .any(|c| c.contains("is master now, was replica")),
            "{changes:?}"
        );

        // The planned replica moved elsewhere.
        let mut elsewhere = now;
        for m in &mut elsewhere.members {
            if m.id == big_b {
                (m.master, m.config_epoch) = (Some(c.clone()), 3);
            }
        }
        let Standing::Stale(changes) = standing(&plan, &elsewhere) else {
            panic!("not stale");
        };
        assert!(
            changes[0].contains(&format!("replica of {}", c.short())),
            "{changes:?}"
        );

        let mut impossible = plan.clone();
        impossible.steps = Steps::RebalanceRoles {
            steps: vec![Move::Failover {
                replica: big_a,
                master: b,
            }],
        };
        assert!(Plan::parse(&impossible.to_json()).is_err());
    }

    #[test]
    fn passwords_are_left_out_of_command_lines() {
        let line = [
            "rtrib",
            "-a",
            "s3cret",
            "reshard",
            "--pass=x",
            "-ay",
            "--from-pass",
            "p",
            "-v",
        ];
        assert_eq!(
            redacted(line.map(String::from)),
            [
                "rtrib",
                "-a",
                "***",
                "reshard",
                "--pass=***",
                "-a***",
                "--from-pass",
                "***",
                "-v"
            ]
        );
    }
}
