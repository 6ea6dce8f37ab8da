//! Which node each shard of a backup is read from: every master that serves slots (or holds
//! keys), or — with `--from replicas` — one healthy replica of each, to keep the load of the
//! RDB off the masters. A shard that cannot be read as asked is a typed refusal, decided here
//! before any byte is transferred.

use serde::Serialize;

use super::slots::SlotSet;
use super::topology::{NodeReport, NodeState, Topology};
use super::view::NodeId;

/// Where the RDB of each shard comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupFrom {
    /// Each master (as `redis-cli --cluster backup` does).
    Masters,
    /// One replica of each master.
    Replicas,
}

impl BackupFrom {
    /// Both, in `--help`'s order.
    pub const ALL: [BackupFrom; 2] = [BackupFrom::Masters, BackupFrom::Replicas];

    /// The word on the command line and in documents.
    pub fn name(self) -> &'static str {
        match self {
            BackupFrom::Masters => "masters",
            BackupFrom::Replicas => "replicas",
        }
    }
}

/// One shard to back up: a master's slots, and the node its RDB is read from.
#[derive(Debug, Clone)]
pub struct Shard<'a> {
    /// The master serving the slots.
    pub master: &'a NodeReport,
    /// The node the RDB is read from: the master, or one of its replicas.
    pub source: &'a NodeReport,
    /// The slots of the master.
    pub slots: SlotSet,
}

/// Why a backup will not start; nothing was transferred.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupRefusal {
    /// A master whose data belongs in the backup could not be read.
    #[error(
        "master {id} ({addr}) cannot be read ({reason}): a backup without its slots would be \
         incomplete"
    )]
    MasterUnreachable {
        /// The master.
        id: NodeId,
        /// Its address.
        addr: String,
        /// Why it could not be read.
        reason: String,
    },
    /// `--from replicas`, and a master has no replica to read from.
    #[error(
        "master {id} ({addr}) has no healthy, reachable replica to back up from; add one, or \
         pass --master-if-no-replica to read that master itself"
    )]
    NoReplica {
        /// The master.
        id: NodeId,
        /// Its address.
        addr: String,
    },
    /// No master serves any slot or holds any key.
    #[error("no master of the cluster serves slots or holds keys: there is nothing to back up")]
    Empty,
    /// The directory holds a backup already (`file` is one of its files).
    #[error("{dir} already holds a backup ({file}): choose another directory, or remove it")]
    Occupied {
        /// The directory, as given.
        dir: String,
        /// A file of the backup there.
        file: String,
    },
}

/// The shards of `topology`, in topology order: every master that serves slots or holds keys,
/// each read from itself or (with [`BackupFrom::Replicas`]) from its first reachable replica
/// that is not failing; with `master_if_no_replica`, a master without one is read itself.
pub fn plan_shards(
    topology: &Topology,
    from: BackupFrom,
    master_if_no_replica: bool,
) -> Result<Vec<Shard<'_>>, BackupRefusal> {
    let mut shards = Vec::new();
    for master in topology.masters() {
        let keys = match &master.state {
            NodeState::Reachable { keys, .. } => *keys,
            NodeState::Unreachable { .. } | NodeState::NotContacted { .. } => 0,
        };
        let slots = master.entry.slots.clone();
        if slots.is_empty() && keys == 0 {
            continue;
        }
        let addr = || master.endpoint.to_string();
        let replica = || {
            topology
                .replicas_of(master.id())
                .find(|r| r.is_reachable() && !r.entry.flags.fail && !r.entry.flags.pfail)
        };
        let source = match (from, replica()) {
            (BackupFrom::Replicas, Some(replica)) => replica,
            (BackupFrom::Replicas, None) if !master_if_no_replica => {
                return Err(BackupRefusal::NoReplica {
                    id: master.id().clone(),
                    addr: addr(),
                });
            }
            _ => master,
        };
        if let NodeState::Unreachable { reason } | NodeState::NotContacted { reason } =
            &source.state
        {
            return Err(BackupRefusal::MasterUnreachable {
                id: master.id().clone(),
                addr: addr(),
                reason: reason.clone(),
            });
        }
        shards.push(Shard {
            master,
            source,
            slots,
        });
    }
    if shards.is_empty() {
        return Err(BackupRefusal::Empty);
    }
    Ok(shards)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::fixtures;

    const VIEW: &str = "\
aaaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191
bbbb 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383
cccc 127.0.0.1:7002@17002 slave aaaa 0 0 1 connected
dddd 127.0.0.1:7003@17003 master - 0 0 3 connected
";

    fn topology() -> Topology {
        fixtures::all_reporting(VIEW)
    }

    fn ids(shards: &[Shard<'_>]) -> Vec<(String, String)> {
        shards
            .iter()
            .map(|s| (s.master.id().to_string(), s.source.id().to_string()))
            .collect()
    }

    #[test]
    fn every_master_with_slots_is_a_shard_read_from_itself() {
        let topology = topology();
        let shards = plan_shards(&topology, BackupFrom::Masters, false).unwrap();
        assert_eq!(
            ids(&shards),
            [
                ("aaaa".into(), "aaaa".into()),
                ("bbbb".into(), "bbbb".into())
            ]
        );
        assert_eq!(shards[1].slots, SlotSet::from_range(8192, 16383));
    }

    #[test]
    fn from_replicas_refuses_a_master_without_one_unless_told() {
        let topology = topology();
        let refusal = plan_shards(&topology, BackupFrom::Replicas, false).unwrap_err();
        assert!(matches!(&refusal, BackupRefusal::NoReplica { id, .. } if id.as_str() == "bbbb"));
        assert!(refusal.to_string().contains("--master-if-no-replica"));
        let shards = plan_shards(&topology, BackupFrom::Replicas, true).unwrap();
        assert_eq!(
            ids(&shards),
            [
                ("aaaa".into(), "cccc".into()),
                ("bbbb".into(), "bbbb".into())
            ]
        );
    }

    #[test]
    fn a_failing_or_unreachable_replica_is_not_a_source() {
        let mut topology = topology();
        topology.nodes[2].entry.flags.pfail = true;
        assert!(plan_shards(&topology, BackupFrom::Replicas, false).is_err());
        topology.nodes[2].entry.flags.pfail = false;
        topology.nodes[2].state = NodeState::Unreachable {
            reason: "refused".into(),
        };
        assert!(plan_shards(&topology, BackupFrom::Replicas, false).is_err());
    }

    #[test]
    fn an_unreachable_master_is_refused_by_name() {
        let mut topology = topology();
        topology.nodes[1].state = NodeState::Unreachable {
            reason: "connection refused".into(),
        };
        let refusal = plan_shards(&topology, BackupFrom::Masters, false).unwrap_err();
        assert!(
            refusal
                .to_string()
                .starts_with("master bbbb (127.0.0.1:7001)")
        );
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn a_directory_holding_a_backup_is_refused() {
        let refusal = BackupRefusal::Occupied {
            dir: "/tmp/b".into(),
            file: "manifest.json".into(),
        };
        assert_eq!(
            refusal.to_string(),
            "/tmp/b already holds a backup (manifest.json): choose another directory, or remove it"
        );
    }
}
