//! Atomic slot migration (Valkey ≥ 9.0): which method moves a plan's slots, how the moves are
//! grouped into `CLUSTER MIGRATESLOTS` requests, and what `CLUSTER GETSLOTMIGRATIONS` says
//! about the server's jobs.
//!
//! A plan is "these slots from A to B" whatever the method. With atomic migration the source
//! primary gets one request, `CLUSTER MIGRATESLOTS SLOTSRANGE a b [c d ...] NODE target
//! [SLOTSRANGE ... NODE target2 ...]`, and runs one job per target: it snapshots the slots,
//! streams them and their writes to the target, and the target takes the slots over by
//! itself (no `ASK` window, no slot left open). Every source and target keeps a log of its
//! jobs (finished ones too, newest first); a job ends `success`, `failed` or `cancelled`
//! (`CLUSTER CANCELSLOTMIGRATIONS` on the source), with the server's `message`. A failed or
//! cancelled job leaves every key and slot where it was.

use std::fmt;

use serde::Serialize;

use super::job::{JobState, SlotMigration};
use super::migrate::SlotMove;
use super::server::Server;
use super::slots::SlotSet;
use super::topology::Topology;
use super::view::NodeId;

/// How slots move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// `CLUSTER MIGRATESLOTS`: the servers move whole slots (Valkey ≥ 9.0).
    Atomic,
    /// `SETSLOT MIGRATING/IMPORTING`, `MIGRATE` of the keys in batches, `SETSLOT NODE`: every
    /// server.
    Keys,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Atomic => "atomic",
            Method::Keys => "keys",
        })
    }
}

/// The method asked for on the command line (`--migration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodChoice {
    /// Atomic when every source and target of the run has it, else per key.
    Auto,
    /// Atomic, refused when a source or target lacks it.
    Atomic,
    /// Per key, on every server.
    Keys,
}

impl MethodChoice {
    /// Every choice, in the order `--help` lists them.
    pub const ALL: [MethodChoice; 3] =
        [MethodChoice::Auto, MethodChoice::Atomic, MethodChoice::Keys];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            MethodChoice::Auto => "auto",
            MethodChoice::Atomic => "atomic",
            MethodChoice::Keys => "keys",
        }
    }
}

/// Picks the method for a run whose sources and targets run `ends` (a node's name for
/// messages, and its server when known). `Err` says why `--migration atomic` cannot be had.
/// `auto` is atomic only where every end chooses it by default (not Valkey 9.0.0, see
/// [`Server::atomic_migration_by_default`]); `--migration atomic` takes any Valkey 9.
pub fn choose(choice: MethodChoice, ends: &[(String, Option<Server>)]) -> Result<Method, String> {
    let lacking: Vec<String> = ends
        .iter()
        .filter(|(_, server)| !server.is_some_and(|s| s.atomic_migration()))
        .map(|(name, server)| match server {
            Some(server) => format!("{name} runs {server}"),
            None => format!("{name} did not say which server it runs"),
        })
        .collect();
    match choice {
        MethodChoice::Keys => Ok(Method::Keys),
        MethodChoice::Auto
            if !ends.is_empty()
                && ends
                    .iter()
                    .all(|(_, server)| server.is_some_and(|s| s.atomic_migration_by_default())) =>
        {
            Ok(Method::Atomic)
        }
        MethodChoice::Auto => Ok(Method::Keys),
        MethodChoice::Atomic if lacking.is_empty() => Ok(Method::Atomic),
        MethodChoice::Atomic => Err(format!(
            "--migration atomic needs CLUSTER MIGRATESLOTS (Valkey 9.0 or later) on every source \
             and target, and {}; use --migration keys (or auto)",
            lacking.join(", ")
        )),
    }
}

/// The slots one source sends to one target in one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The target primary.
    pub target: NodeId,
    /// The slots.
    pub slots: SlotSet,
}

/// Everything one source sends: one `CLUSTER MIGRATESLOTS` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The source primary.
    pub source: NodeId,
    /// One group per target, in the order the targets first appear in the moves.
    pub groups: Vec<Group>,
}

impl Batch {
    /// The request's arguments after `CLUSTER MIGRATESLOTS`: `SLOTSRANGE a b [c d ...] NODE
    /// target` per group, the slots as maximal ranges.
    pub fn arguments(&self) -> Vec<String> {
        let mut args = Vec::new();
        for group in &self.groups {
            args.push("SLOTSRANGE".to_string());
            for (start, end) in group.slots.ranges() {
                args.push(start.to_string());
                args.push(end.to_string());
            }
            args.push("NODE".to_string());
            args.push(group.target.to_string());
        }
        args
    }
}

/// Groups `moves` per source, and per target within a source, in the order they first
/// appear.
pub fn batches(moves: &[SlotMove]) -> Vec<Batch> {
    let mut batches: Vec<Batch> = Vec::new();
    for m in moves {
        let batch = match batches.iter().position(|b| b.source == m.from) {
            Some(index) => &mut batches[index],
            None => {
                batches.push(Batch {
                    source: m.from.clone(),
                    groups: Vec::new(),
                });
                batches.last_mut().expect("just pushed")
            }
        };
        match batch.groups.iter_mut().find(|g| g.target == m.to) {
            Some(group) => {
                group.slots.insert(m.slot);
            }
            None => batch.groups.push(Group {
                target: m.to.clone(),
                slots: [m.slot].into_iter().collect(),
            }),
        }
    }
    batches
}

/// The entry of a source's `log` for the job sending `group`: by `name` once it is known,
/// else the newest export to that target with exactly those slots whose name is not `taken`
/// (listed before the request was sent, or matched to another group already). Names, not
/// `create_time` (whole seconds), tell a new job from an older one with the same slots.
pub fn find_job<'a>(
    log: &'a [SlotMigration],
    name: Option<&str>,
    group: &Group,
    taken: &dyn Fn(&str) -> bool,
) -> Option<&'a SlotMigration> {
    log.iter().filter(|m| m.export).find(|m| match name {
        Some(name) => m.name == name,
        None => m.target == group.target && m.slots == group.slots && !taken(&m.name),
    })
}

/// The jobs of `migrations` (one node's log) that this node exports and that still run.
pub fn running_exports(migrations: &[SlotMigration]) -> impl Iterator<Item = &SlotMigration> {
    migrations
        .iter()
        .filter(|m| m.export && m.job_state() == JobState::Running)
}

/// The jobs the masters of `topology` run as sources (a run that was killed, or another
/// tool's), from the logs read with the topology.
pub fn running(topology: &Topology) -> Vec<SlotMigration> {
    topology
        .masters()
        .flat_map(|master| running_exports(master.migrations()).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::server::ServerKind;
    use crate::cluster::server::Version;

    fn id(name: &str) -> NodeId {
        NodeId::new(name)
    }

    fn mv(slot: u16, from: &str, to: &str) -> SlotMove {
        SlotMove {
            slot,
            from: id(from),
            to: id(to),
        }
    }

    #[test]
    fn moves_group_per_source_then_target_as_ranges() {
        let moves = [
            mv(0, "a", "c"),
            mv(5000, "b", "c"),
            mv(1, "a", "c"),
            mv(2, "a", "d"),
            mv(3, "a", "c"),
            mv(5001, "b", "c"),
        ];
        let batches = batches(&moves);
        assert_eq!(batches.len(), 2);
        assert_eq!(batches[0].source, id("a"));
        assert_eq!(
            batches[0].arguments(),
            [
                "SLOTSRANGE",
                "0",
                "1",
                "3",
                "3",
                "NODE",
                "c",
                "SLOTSRANGE",
                "2",
                "2",
                "NODE",
                "d"
            ]
        );
        assert_eq!(
            batches[1].arguments(),
            ["SLOTSRANGE", "5000", "5001", "NODE", "c"]
        );
        assert!(super::batches(&[]).is_empty());
    }

    #[test]
    fn a_new_job_is_told_from_older_ones_with_the_same_slots_by_name() {
        let job = |name: &str, target: &str, slots: &str, export: bool| SlotMigration {
            name: name.into(),
            export,
            source: id("s"),
            target: id(target),
            slots: slots.parse().unwrap(),
            state: "success".into(),
            message: String::new(),
            create_time: 1,
        };
        // Newest first: "new" is ours, "old" moved the same slots before (and back since).
        let log = [
            job("import", "t", "0-9", false),
            job("new", "t", "0-9", true),
            job("other", "u", "0-9", true),
            job("old", "t", "0-9", true),
        ];
        let group = Group {
            target: id("t"),
            slots: "0-9".parse().unwrap(),
        };
        let none = |_: &str| false;
        let known = |name: &str| name == "old";
        let claimed = |name: &str| name == "old" || name == "new";
        assert_eq!(find_job(&log, None, &group, &known).unwrap().name, "new");
        assert_eq!(find_job(&log, None, &group, &none).unwrap().name, "new");
        assert!(find_job(&log, None, &group, &claimed).is_none());
        assert_eq!(
            find_job(&log, Some("old"), &group, &none).unwrap().name,
            "old"
        );
        assert!(find_job(&log, Some("import"), &group, &none).is_none());
        let elsewhere = Group {
            target: id("t"),
            slots: "0-8".parse().unwrap(),
        };
        assert!(find_job(&log, None, &elsewhere, &none).is_none());
    }

    #[test]
    fn auto_is_atomic_only_when_every_end_has_it() {
        let server = |kind, major| Server {
            kind,
            version: Version(major, 0, 0),
        };
        let valkey9 = Some(Server {
            kind: ServerKind::Valkey,
            version: Version(9, 1, 2),
        });
        let valkey9_0_0 = Some(server(ServerKind::Valkey, 9));
        let first_valkey9 = [("a".to_string(), valkey9), ("b".to_string(), valkey9_0_0)];
        assert_eq!(choose(MethodChoice::Auto, &first_valkey9), Ok(Method::Keys));
        assert_eq!(
            choose(MethodChoice::Atomic, &first_valkey9),
            Ok(Method::Atomic)
        );
        let redis7 = Some(server(ServerKind::Redis, 7));
        let both = [("a".to_string(), valkey9), ("b".to_string(), valkey9)];
        let mixed = [("a".to_string(), valkey9), ("b".to_string(), redis7)];
        let unknown = [("a".to_string(), valkey9), ("b".to_string(), None)];
        assert_eq!(choose(MethodChoice::Auto, &both), Ok(Method::Atomic));
        assert_eq!(choose(MethodChoice::Auto, &mixed), Ok(Method::Keys));
        assert_eq!(choose(MethodChoice::Auto, &unknown), Ok(Method::Keys));
        assert_eq!(choose(MethodChoice::Auto, &[]), Ok(Method::Keys));
        assert_eq!(choose(MethodChoice::Keys, &both), Ok(Method::Keys));
        assert_eq!(choose(MethodChoice::Atomic, &both), Ok(Method::Atomic));
        let refused = choose(MethodChoice::Atomic, &mixed).unwrap_err();
        assert!(refused.contains("b runs redis 7.0.0"), "{refused}");
        assert!(choose(MethodChoice::Atomic, &unknown).is_err());
    }

    #[test]
    fn getslotmigrations_entries_parse() {
        let fields = [
            ("name", "998ceb5b"),
            ("operation", "EXPORT"),
            ("slot_ranges", "0-99 200-299"),
            ("target_node", "t"),
            ("source_node", "s"),
            ("create_time", "1795803741"),
            ("last_update_time", "1795803741"),
            ("state", "waiting-to-pause"),
            ("message", ""),
            ("cow_size", "0"),
        ];
        let job = SlotMigration::from_fields(fields).unwrap();
        assert!(job.export);
        assert_eq!(job.slots, "0-99,200-299".parse().unwrap());
        assert_eq!(job.create_time, 1795803741);
        assert_eq!(job.job_state(), JobState::Running);
        assert_eq!(running_exports(std::slice::from_ref(&job)).count(), 1);
        let done = SlotMigration {
            state: "success".into(),
            ..job.clone()
        };
        assert_eq!(done.job_state(), JobState::Success);
        assert_eq!(running_exports(&[done]).count(), 0);
        let cancelled = SlotMigration {
            state: "cancelled".into(),
            message: "Cancelled by user request".into(),
            ..job.clone()
        };
        assert_eq!(cancelled.job_state(), JobState::Failed);
        assert!(
            cancelled
                .reason()
                .ends_with("cancelled: Cancelled by user request")
        );
        let import = SlotMigration::from_fields([
            ("name", "x"),
            ("operation", "IMPORT"),
            ("slot_ranges", "5-5"),
            ("target_node", "t"),
            ("source_node", "s"),
            ("state", "failed"),
        ])
        .unwrap();
        assert!(!import.export);
        assert_eq!(import.job_state(), JobState::Failed);
        assert!(SlotMigration::from_fields([("name", "x")]).is_none());
        assert!(
            SlotMigration::from_fields([
                ("name", "x"),
                ("operation", "IMPORT"),
                ("slot_ranges", "9-5"),
                ("target_node", "t"),
                ("source_node", "s"),
                ("state", "failed"),
            ])
            .is_none()
        );
    }
}
