//! Plan files: a change decided now, reviewed, and carried out later by `rtrib apply`.
//!
//! A [`Plan`] is what a planning command (`create`, `reshard`, `rebalance`, `fix`, `del-node`,
//! `rebalance-roles`, `reconcile`) would do, written with `--plan-out FILE` instead of done: the cluster as
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

//! The module is split by concern: this file holds the model (what a plan holds), `file` the
//! file format (reading, checking and writing it: [`Plan::parse`], [`Plan::to_json`]), and
//! `standing` the judgment of where a cluster stands against a plan.

mod file;
mod standing;

pub use file::{FORMAT, Plan, PlanFileError, VERSION, redacted};
pub use standing::{StaleRefusal, Standing, remaining, standing};

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::create::{CreateStep, NodeSnapshot};
use super::fix::{FixPlan, Step as FixStep};
use super::membership::RemoveStep;
use super::migrate::SlotMove;
use super::placement::Move;
use super::reconcile::ReconcilePlan;
use super::slots::{Slot, SlotSet};
use super::topology::Topology;
use super::view::{NodeEntry, NodeId};

/// The planner's output, by command: the types the commands themselves run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
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
    /// `reconcile` on a running cluster: joins, replicas attached, slot moves, replicas
    /// re-pointed, removals, in its phases (the nodes that join are among the precondition's
    /// members, each by its own view).
    Reconcile {
        /// The phases.
        #[serde(flatten)]
        plan: ReconcilePlan,
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
            Steps::Reconcile { .. } => "reconcile",
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
            Steps::Reconcile { plan } => {
                plan.joins.len()
                    + plan.attach.len()
                    + plan.moves.len()
                    + plan.repoint.len()
                    + plan.remove.len()
            }
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
            Steps::Reconcile { plan } => {
                let mut nodes: Vec<&NodeId> = plan.masters.iter().chain(&plan.joins).collect();
                nodes.extend(
                    plan.attach
                        .iter()
                        .chain(&plan.repoint)
                        .flat_map(|f| [&f.replica, &f.master]),
                );
                nodes.extend(plan.moves.iter().flat_map(|m| [&m.from, &m.to]));
                nodes.extend(plan.remove.iter().map(|l| &l.id));
                nodes
            }
        }
    }
}

pub(super) fn fix_nodes(step: &FixStep) -> Vec<&NodeId> {
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

    /// This cluster with the nodes that are to join it (`reconcile`), each by its own view,
    /// among its members (ordered by address).
    pub fn joined_by(mut self, nodes: &[&NodeSnapshot]) -> Self {
        for node in nodes {
            if let Some(myself) = node.view.myself() {
                let member =
                    Member::of(myself, node.endpoint.addr, node.endpoint.name.clone(), true);
                self.members.push(member);
            }
        }
        self.members
            .sort_by(|a, b| (a.addr, &a.id).cmp(&(b.addr, &b.id)));
        self
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
                    .entries()
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

/// Which master each member follows (`None`: a master, or neither) and the slots it serves,
/// as `rebalance-roles`' moves leave them: a failover hands the master's slots to the replica.
#[derive(Clone)]
pub(super) struct RolePlacement(Vec<(NodeId, Option<NodeId>, SlotSet)>);

impl RolePlacement {
    pub(super) fn of(pre: &Precondition) -> Self {
        Self(
            pre.members
                .iter()
                .map(|m| (m.id.clone(), m.master.clone(), m.slots.clone()))
                .collect(),
        )
    }

    pub(super) fn master_of(&self, id: &NodeId) -> Option<&NodeId> {
        self.0
            .iter()
            .find(|(node, ..)| node == id)
            .and_then(|(_, master, _)| master.as_ref())
    }

    pub(super) fn make(&mut self, step: &Move) {
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
    pub(super) fn mismatches(
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

/// `master`, or `replica of 3c3a0c74`, for messages.
pub(super) fn role_words(role: Role, master: Option<&NodeId>) -> String {
    match master {
        Some(master) => format!("replica of {}", master.short()),
        None => role.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::migrate::reshard_table;
    use crate::cluster::reconcile::{Follow, Leaving};
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

    /// Version-1 plan files as rtrib wrote them (tests/plans/v1/, one per planning command,
    /// made with `--plan-out` on a sandbox cluster): they must keep reading, and be written
    /// back the same bytes, as long as version 1 is read.
    #[test]
    fn golden_version_1_plans_read_and_write_back_the_same_bytes() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plans/v1");
        for command in [
            "create",
            "del-node",
            "fix",
            "rebalance",
            "rebalance-roles",
            "reconcile",
            "reshard",
        ] {
            let path = folder.join(format!("{command}.json"));
            let text = std::fs::read_to_string(&path).unwrap();
            let plan = Plan::parse(&text).unwrap_or_else(|why| panic!("{command}: {why}"));
            assert_eq!(plan.steps.command(), command);
            assert_eq!(plan.to_json(), text, "{command}");
        }
    }

    /// A 3-master cluster (a, b, c, each with a replica) scaled by `reconcile`: d joins as a
    /// master with e as its replica, b's replica B leaves, one slot of each master moves to d.
    fn reconcile_plan(before: &Topology) -> (Plan, Precondition) {
        let joining = cluster(&[("d", "", 0), ("e", "", 0)]);
        let mut pre = state(before);
        for m in state(&joining)
            .members
            .into_iter()
            .filter(|m| m.role == Role::Master)
        {
            pre.members.push(Member {
                addr: SocketAddr::from(([127, 0, 0, 2], m.addr.port())),
                ..m
            });
        }
        let (a, b, c, d, e) = (id("a"), id("b"), id("c"), id("d"), id("e"));
        let plan = Plan {
            command_line: Vec::new(),
            precondition: pre.clone(),
            steps: Steps::Reconcile {
                plan: ReconcilePlan {
                    masters: vec![a.clone(), b.clone(), c.clone(), d.clone()],
                    joins: vec![d.clone(), e.clone()],
                    attach: vec![Follow {
                        replica: e.clone(),
                        master: d.clone(),
                    }],
                    moves: [(0, &a), (5461, &b), (10923, &c)]
                        .map(|(slot, from)| SlotMove {
                            slot,
                            from: from.clone(),
                            to: d.clone(),
                        })
                        .to_vec(),
                    repoint: Vec::new(),
                    remove: vec![Leaving {
                        id: id("B"),
                        reset: true,
                    }],
                    left_to_fix: SlotSet::new(),
                },
            },
        };
        (plan, pre)
    }

    #[test]
    fn a_reconcile_plan_is_judged_phase_by_phase() {
        let before = three();
        let (plan, pre) = reconcile_plan(&before);
        assert_eq!(Plan::parse(&plan.to_json()).unwrap(), plan);
        assert_eq!(plan.steps.len(), 7);
        assert_eq!(standing(&plan, &state(&before)), Standing::Ready);

        // d and e joined (d bumped its epoch), e follows d, slot 0 moved, slot 5461 open.
        let (a, b, d, e) = (id("a"), id("b"), id("d"), id("e"));
        let mut now = state(&before);
        for m in pre.members.iter().filter(|m| m.id == d || m.id == e) {
            now.members.push(m.clone());
        }
        for m in &mut now.members {
            if m.id == e {
                (m.role, m.master) = (Role::Replica, Some(d.clone()));
            }
            if m.id == d {
                m.slots.insert(0);
                m.importing.insert(5461, b.clone());
                m.config_epoch = 4;
            }
            if m.id == a {
                m.slots.remove(0);
                m.config_epoch = 4;
            }
            if m.id == b {
                m.migrating.insert(5461, d.clone());
            }
        }
        assert_eq!(
            standing(&plan, &now),
            Standing::Underway { done: 4, left: 3 }
        );
        let Steps::Reconcile { plan: left } = remaining(&plan, &now) else {
            panic!("not a reconcile plan");
        };
        assert!(left.joins.is_empty() && left.attach.is_empty());
        assert_eq!(left.moves.len(), 2);
        assert_eq!(left.remove.len(), 1);
        assert_eq!(left.masters.len(), 4);

        // Every slot moved, B forgotten: done.
        let mut done = now.clone();
        done.members.retain(|m| m.id != id("B"));
        for m in &mut done.members {
            m.migrating.clear();
            m.importing.clear();
            if m.id == d {
                m.slots.insert(5461);
                m.slots.insert(10923);
            }
            if m.id == b {
                m.slots.remove(5461);
            }
            if m.id == id("c") {
                m.slots.remove(10923);
            }
        }
        assert_eq!(standing(&plan, &done), Standing::Done);

        // The node to follow d follows a, which is a replica now: stale.
        let mut replaced = now;
        for m in &mut replaced.members {
            if m.id == e {
                m.master = Some(a.clone());
            }
            if m.id == d {
                (m.role, m.master) = (Role::Replica, Some(a.clone()));
            }
        }
        assert!(matches!(standing(&plan, &replaced), Standing::Stale(_)));

        // A replica that is not the plan's joined meanwhile.
        let mut stranger = state(&before);
        let mut x = stranger.members[0].clone();
        (x.id, x.addr, x.slots) = (
            id("x"),
            SocketAddr::from(([127, 0, 0, 3], 7000)),
            SlotSet::new(),
        );
        stranger.members.push(x);
        let Standing::Stale(changes) = standing(&plan, &stranger) else {
            panic!("not stale");
        };
        assert!(changes[0].contains("joined the cluster"), "{changes:?}");

        let mut impossible = plan.clone();
        if let Steps::Reconcile { plan: p } = &mut impossible.steps {
            p.attach[0].master = e.clone();
        }
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
