//! The fault campaign's schedules (tests/campaign.rs): a seed draws one changing command and one
//! fault at one moment, and the fault is injected into a running cluster and a running rtrib.
//!
//! A schedule is a pure function of its seed (a SplitMix64 stream, no other randomness), so the
//! seed printed with a failure replays it: `RTRIB_CAMPAIGN_SEED=<n>`. The cluster is always 3
//! masters (nodes 0-2) each with one replica (node 3 + i replicates master i); `add-node`
//! starts a seventh node beside it ([`SPARE`]).

use std::fmt;
use std::process::Child;
use std::time::Duration;

use super::cluster::{Nodes, parse_nodes, value_to_string, wait_until};

/// Masters of the campaign's cluster: nodes `0..MASTERS`.
pub const MASTERS: usize = 3;
/// Nodes of the campaign's cluster: the masters, then one replica of each.
pub const NODES: usize = 2 * MASTERS;
/// `cluster-node-timeout` of the campaign's nodes.
pub const NODE_TIMEOUT: Duration = Duration::from_secs(2);

/// A seeded pseudo-random stream (SplitMix64): the same seed, the same draws.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The stream of `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// How the command moves slots (`--migration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migration {
    /// `--migration keys`: `SETSLOT` and `MIGRATE`, every server.
    Keys,
    /// `--migration atomic`: `CLUSTER MIGRATESLOTS`, Valkey 9.
    Atomic,
}

impl Migration {
    /// The value of `--migration`.
    pub fn name(self) -> &'static str {
        match self {
            Migration::Keys => "keys",
            Migration::Atomic => "atomic",
        }
    }
}

/// The changing command of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// `reshard --from all --to <master> --slots <slots>`.
    Reshard { to: usize, slots: u16 },
    /// `rebalance --weight <master>=<weight>`.
    Rebalance { heavy: usize, weight: u32 },
    /// `add-node <node SPARE> <node 0> [--replica]`: the node started beside the cluster joins it.
    AddNode { replica: bool },
    /// `del-node <node 0> <replica>`: a replica leaves the cluster.
    DelNode { replica: usize },
    /// `failover --from <master>`: its replica takes over, coordinated.
    Failover { master: usize },
}

/// The node started beside the cluster for [`Change::AddNode`] (the others are `0..NODES`).
pub const SPARE: usize = NODES;

impl Change {
    /// The command's name.
    pub fn name(self) -> &'static str {
        match self {
            Change::Reshard { .. } => "reshard",
            Change::Rebalance { .. } => "rebalance",
            Change::AddNode { .. } => "add-node",
            Change::DelNode { .. } => "del-node",
            Change::Failover { .. } => "failover",
        }
    }

    /// Whether it moves slots (and so takes `--migration`).
    pub fn moves_slots(self) -> bool {
        matches!(self, Change::Reshard { .. } | Change::Rebalance { .. })
    }

    /// The nodes of the cluster once it is done: all but a deleted replica, the spare node
    /// when added.
    pub fn members(self) -> Vec<usize> {
        match self {
            Change::AddNode { .. } => (0..=SPARE).collect(),
            Change::DelNode { replica } => (0..NODES).filter(|&n| n != replica).collect(),
            _ => (0..NODES).collect(),
        }
    }
}

/// The one fault of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// SIGKILL of rtrib.
    KillRtrib,
    /// SIGSTOP of a node for `stopped` (longer than the node timeout), then SIGCONT: a master's
    /// replica takes over.
    StopNode { node: usize, stopped: Duration },
    /// SIGKILL of a master, started again at once from its directory (AOF, `nodes.conf`).
    RestartMaster { node: usize },
    /// SIGKILL of a replica, started again from its directory once the cluster has flagged it
    /// failing.
    KillReplica { node: usize },
}

impl Fault {
    /// The kind, for tables: `kill-rtrib`, `stop-master`, `stop-replica`, `restart-master`,
    /// `kill-replica`.
    pub fn kind(self) -> &'static str {
        match self {
            Fault::KillRtrib => "kill-rtrib",
            Fault::StopNode { node, .. } if node < MASTERS => "stop-master",
            Fault::StopNode { .. } => "stop-replica",
            Fault::RestartMaster { .. } => "restart-master",
            Fault::KillReplica { .. } => "kill-replica",
        }
    }

    /// Injects the fault into `nodes` and the running `rtrib`, and undoes what is to be undone
    /// (a stopped node continued, a killed node started again); returns once done. Runs on the
    /// thread that owns `nodes` (their restarts are tied to it, see tests/support/cluster.rs).
    pub fn inject(self, nodes: &mut Nodes, rtrib: &mut Child) {
        match self {
            Fault::KillRtrib => {
                // SAFETY: kill(2) with the pid of our own child (reaped later by its owner).
                unsafe { libc::kill(rtrib.id() as i32, libc::SIGKILL) };
            }
            Fault::StopNode { node, stopped } => {
                nodes[node].pause();
                std::thread::sleep(stopped);
                nodes[node].resume();
            }
            Fault::RestartMaster { node } => nodes[node].restart(None),
            Fault::KillReplica { node } => {
                let id = nodes[node].id();
                nodes[node].kill();
                // Down until a master sees it failing (or a bound passes): the cluster reacts.
                wait_until(NODE_TIMEOUT * 4, || {
                    nodes[0].try_cmd(&["CLUSTER", "NODES"]).is_ok_and(|text| {
                        parse_nodes(&value_to_string(&text))
                            .iter()
                            .any(|line| line.id == id && line.has_flag("fail"))
                    })
                });
                nodes[node].restart(None);
            }
        }
    }
}

/// One schedule of the campaign: a command, a fault, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The seed it was drawn from.
    pub seed: u64,
    /// The changing command.
    pub change: Change,
    /// How it moves slots.
    pub migration: Migration,
    /// The fault.
    pub fault: Fault,
    /// When the fault comes, after rtrib starts.
    pub at: Duration,
}

impl Schedule {
    /// The schedule of `seed`, its command moving slots one of the `migrations` ways.
    pub fn draw(seed: u64, migrations: &[Migration]) -> Self {
        let mut rng = Rng::new(seed);
        let migration = rng.pick(migrations);
        let master = rng.between(0, MASTERS as u64 - 1) as usize;
        // The commands that move keys twice as often as the others.
        let change = match rng.between(0, 6) {
            0 | 1 => Change::Reshard {
                to: master,
                slots: rng.between(1000, 5000) as u16,
            },
            2 | 3 => Change::Rebalance {
                heavy: master,
                weight: rng.between(2, 4) as u32,
            },
            4 => Change::AddNode {
                replica: rng.between(0, 1) == 1,
            },
            5 => Change::DelNode {
                replica: MASTERS + master,
            },
            _ => Change::Failover { master },
        };
        let node = rng.between(0, NODES as u64 - 1) as usize;
        let fault = match rng.between(0, 3) {
            0 => Fault::KillRtrib,
            1 => Fault::StopNode {
                node,
                stopped: NODE_TIMEOUT + Duration::from_millis(rng.between(500, 2500)),
            },
            2 => Fault::RestartMaster {
                node: node % MASTERS,
            },
            _ => Fault::KillReplica {
                node: MASTERS + node % MASTERS,
            },
        };
        Self {
            seed,
            change,
            migration,
            fault,
            at: Duration::from_millis(rng.between(50, 1500)),
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seed {}: ", self.seed)?;
        match self.change {
            Change::Reshard { to, slots } => {
                write!(f, "reshard --from all --to node {to} --slots {slots}")?
            }
            Change::Rebalance { heavy, weight } => {
                write!(f, "rebalance --weight node {heavy}={weight}")?
            }
            Change::AddNode { replica } => write!(
                f,
                "add-node node {SPARE}{}",
                if replica { " --replica" } else { "" }
            )?,
            Change::DelNode { replica } => write!(f, "del-node node {replica}")?,
            Change::Failover { master } => write!(f, "failover --from node {master}")?,
        }
        if self.change.moves_slots() {
            write!(f, " --migration {}", self.migration.name())?;
        }
        write!(f, ", at {:?}: ", self.at)?;
        match self.fault {
            Fault::KillRtrib => write!(f, "SIGKILL rtrib"),
            Fault::StopNode { node, stopped } => {
                write!(f, "SIGSTOP node {node} for {stopped:?}, then SIGCONT")
            }
            Fault::RestartMaster { node } => write!(f, "SIGKILL master node {node}, restart it"),
            Fault::KillReplica { node } => {
                write!(
                    f,
                    "SIGKILL replica node {node}, restart it once flagged fail"
                )
            }
        }
    }
}
