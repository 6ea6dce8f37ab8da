//! Restoring RDB files into a cluster, judged without I/O: what a read of the source found
//! (a [`Census`]: keys per slot, expired keys, keys of other databases, what each master can
//! or cannot load), whether the restore may start ([`judge`]: the refusals, each naming what
//! and how many), and whether the cluster holds afterwards what it should
//! ([`compare_slot_counts`]).
//!
//! The census is taken key by key as the files are read; each key is judged against the
//! master that serves its slot ([`RdbTarget::verdict`], cheap: nothing is decoded), so a
//! cluster of mixed servers is judged per master.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::cluster::endpoint::Endpoint;
use crate::cluster::server::Server;
use crate::cluster::slots::{SLOT_COUNT, Slot, SlotSet, key_slot};

use super::{Entry, FunctionLibrary, RdbTarget, Verdict};

/// How keys the cluster already holds are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Existing {
    /// The cluster must hold no key (and no function library of the same name) before.
    Refuse,
    /// `RESTORE ... REPLACE`: the source's value wins.
    Replace,
    /// A key the cluster has is left as it is (its `RESTORE` answers `BUSYKEY`).
    Skip,
}

/// What reading the source found, for one database of it.
#[derive(Debug, Clone)]
pub struct Census {
    /// The database restored; keys of the others are only counted.
    pub db: u64,
    /// Keys to restore, per slot.
    pub per_slot: Vec<u64>,
    /// Keys read in every database.
    pub keys_read: u64,
    /// Keys of the restored database already expired when read (skipped).
    pub expired: u64,
    /// Keys of other databases, per database.
    pub other_databases: BTreeMap<u64, u64>,
    /// Keys that go raw, re-stamped with an RDB version their master accepts.
    pub raw: u64,
    /// Keys rewritten in an encoding their master loads, per `from → to`.
    pub converted: BTreeMap<String, u64>,
    /// Keys no master of their slot can load, per reason.
    pub uncarriable: BTreeMap<String, u64>,
    /// Function libraries, by name (the first of each name read).
    pub libraries: BTreeMap<String, FunctionLibrary>,
    /// Module aux data (a module's own data outside the keys), per module type: not restored.
    pub module_aux: BTreeMap<String, u64>,
}

impl Census {
    /// An empty census of database `db`.
    pub fn new(db: u64) -> Self {
        Self {
            db,
            per_slot: vec![0; SLOT_COUNT],
            keys_read: 0,
            expired: 0,
            other_databases: BTreeMap::new(),
            raw: 0,
            converted: BTreeMap::new(),
            uncarriable: BTreeMap::new(),
            libraries: BTreeMap::new(),
            module_aux: BTreeMap::new(),
        }
    }

    /// Counts one key, judged for `target` (the master serving its slot) at `now_ms`.
    pub fn add(&mut self, entry: &Entry, target: &RdbTarget, now_ms: i64) {
        self.keys_read += 1;
        if entry.db != self.db {
            *self.other_databases.entry(entry.db).or_default() += 1;
            return;
        }
        if is_expired(entry, now_ms) {
            self.expired += 1;
            return;
        }
        self.per_slot[usize::from(key_slot(&entry.key))] += 1;
        match target.verdict(&entry.value) {
            Verdict::Raw { .. } => self.raw += 1,
            Verdict::Convert { to, .. } => {
                *self
                    .converted
                    .entry(format!("{} → {to}", entry.value.encoding))
                    .or_default() += 1;
            }
            Verdict::Refuse(refusal) => {
                *self
                    .uncarriable
                    .entry(format!("{} into {target}: {refusal}", entry.value.encoding))
                    .or_default() += 1;
            }
        }
    }

    /// Keeps a function library (the first of its name).
    pub fn add_library(&mut self, library: &FunctionLibrary) {
        let name = library.name().unwrap_or_default();
        self.libraries
            .entry(name)
            .or_insert_with(|| library.clone());
    }

    /// The keys to restore.
    pub fn keys(&self) -> u64 {
        self.per_slot.iter().sum()
    }

    /// Adds the census of another part of the source (another file).
    pub fn merge(&mut self, other: Census) {
        for (mine, theirs) in self.per_slot.iter_mut().zip(&other.per_slot) {
            *mine += theirs;
        }
        self.keys_read += other.keys_read;
        self.expired += other.expired;
        self.raw += other.raw;
        add(&mut self.other_databases, other.other_databases);
        add(&mut self.converted, other.converted);
        add(&mut self.uncarriable, other.uncarriable);
        add(&mut self.module_aux, other.module_aux);
        for (name, library) in other.libraries {
            self.libraries.entry(name).or_insert(library);
        }
    }
}

/// Adds the counts of `from` into `into`.
fn add<K: Ord>(into: &mut BTreeMap<K, u64>, from: BTreeMap<K, u64>) {
    for (key, count) in from {
        *into.entry(key).or_default() += count;
    }
}

/// Whether the key's expire time has passed at `now_ms`.
pub fn is_expired(entry: &Entry, now_ms: i64) -> bool {
    entry.expire_at_ms.is_some_and(|at| at <= now_ms)
}

/// What the cluster holds before the restore, as far as the judgment needs it.
#[derive(Debug, Clone, Default)]
pub struct TargetState {
    /// Masters holding keys: address and key count.
    pub masters_with_keys: Vec<(String, u64)>,
    /// Function library names some master already has.
    pub libraries: Vec<String>,
    /// Masters whose server has no functions (before Redis 7.0).
    pub without_functions: Vec<String>,
}

/// Why a restore does not start; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestoreRefusal {
    /// The cluster already holds keys.
    #[error(
        "the cluster already holds keys ({}); --replace overwrites the keys the source has, \
         --skip-existing keeps the cluster's",
        list(.0.iter().map(|(addr, keys)| format!("{addr}: {keys} keys")))
    )]
    NotEmpty(Vec<(String, u64)>),
    /// Keys no master of their slot can load.
    #[error("the source holds values the cluster cannot load: {}", list(.0.iter().map(|(what, n)| format!("{n} × {what}"))))]
    Uncarriable(Vec<(String, u64)>),
    /// Keys in databases other than the one restored.
    #[error(
        "the source holds keys in other databases than {db} ({}); a cluster serves database 0: \
         --db N restores database N alone",
        list(.other.iter().map(|(db, n)| format!("database {db}: {n} keys")))
    )]
    OtherDatabases {
        /// The database restored.
        db: u64,
        /// The others, with their key counts.
        other: Vec<(u64, u64)>,
    },
    /// Function libraries for servers without functions.
    #[error(
        "the source holds {libraries} function libraries and {} cannot load them (functions \
         need Redis 7.0 or Valkey)",
        list(.masters.iter().cloned())
    )]
    NoFunctions {
        /// How many libraries.
        libraries: usize,
        /// The masters without functions.
        masters: Vec<String>,
    },
    /// Libraries of the same name already loaded.
    #[error(
        "function libraries of the same name are loaded already ({}); --replace replaces them, \
         --skip-existing keeps them",
        list(.0.iter().cloned())
    )]
    LibrariesExist(Vec<String>),
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// The refusals [`judge`] found, together: the restore does not start; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{}; nothing was written",
    .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
)]
pub struct RestoreRefused(pub Vec<RestoreRefusal>);

/// Refuses the restore when `refusals` (from [`judge`]) is not empty.
pub fn refuse(refusals: Vec<RestoreRefusal>) -> Result<(), RestoreRefused> {
    match refusals.is_empty() {
        true => Ok(()),
        false => Err(RestoreRefused(refusals)),
    }
}

/// A master serving slots did not say which server it runs (`INFO server`): its payloads could
/// be refused half-way; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{endpoint} does not say which server it runs (INFO server); nothing was changed")]
pub struct Unidentified {
    /// The master.
    pub endpoint: Endpoint,
}

/// What the master at `endpoint`, running `server` when it said, loads.
pub fn target_of(server: Option<&Server>, endpoint: &Endpoint) -> Result<RdbTarget, Unidentified> {
    server.map(RdbTarget::of).ok_or_else(|| Unidentified {
        endpoint: endpoint.clone(),
    })
}

/// The refusals of restoring what `census` found into a cluster in `state`, in the order
/// they are worth reading; empty: the restore may start. Keys of other databases than the
/// one restored are refused unless that database was `chosen`.
pub fn judge(
    census: &Census,
    state: &TargetState,
    existing: Existing,
    chosen: bool,
) -> Vec<RestoreRefusal> {
    let mut refusals = Vec::new();
    if !census.uncarriable.is_empty() {
        refusals.push(RestoreRefusal::Uncarriable(
            census
                .uncarriable
                .iter()
                .map(|(what, n)| (what.clone(), *n))
                .collect(),
        ));
    }
    if !census.other_databases.is_empty() && !chosen {
        refusals.push(RestoreRefusal::OtherDatabases {
            db: census.db,
            other: census
                .other_databases
                .iter()
                .map(|(db, n)| (*db, *n))
                .collect(),
        });
    }
    if !census.libraries.is_empty() && !state.without_functions.is_empty() {
        refusals.push(RestoreRefusal::NoFunctions {
            libraries: census.libraries.len(),
            masters: state.without_functions.clone(),
        });
    }
    if existing == Existing::Refuse {
        if !state.masters_with_keys.is_empty() {
            refusals.push(RestoreRefusal::NotEmpty(state.masters_with_keys.clone()));
        }
        let clashing: Vec<String> = state
            .libraries
            .iter()
            .filter(|name| census.libraries.contains_key(*name))
            .cloned()
            .collect();
        if !clashing.is_empty() {
            refusals.push(RestoreRefusal::LibrariesExist(clashing));
        }
    }
    refusals
}

/// A slot whose key count after the restore is not the one expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotDifference {
    /// The slot.
    pub slot: Slot,
    /// Keys it should hold.
    pub expected: u64,
    /// Keys it holds.
    pub found: u64,
}

impl fmt::Display for SlotDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "slot {}: {} keys, {} expected",
            self.slot, self.found, self.expected
        )
    }
}

/// The slots whose count `found` differs from `expected`; a slot may hold up to
/// `may_have_expired[slot]` keys fewer (restored keys whose expire time has passed since).
pub fn compare_slot_counts(
    expected: &[u64],
    found: &[u64],
    may_have_expired: &[u64],
) -> Vec<SlotDifference> {
    (0..SLOT_COUNT)
        .filter_map(|index| {
            let (expected, found) = (expected[index], found[index]);
            let lowest = expected.saturating_sub(may_have_expired[index]);
            (found > expected || found < lowest).then_some(SlotDifference {
                slot: index as Slot,
                expected,
                found,
            })
        })
        .collect()
}

/// The slots of `differences`, as ranges (`0-5,99`).
pub fn slots_of(differences: &[SlotDifference]) -> SlotSet {
    differences.iter().map(|d| d.slot).collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Encoding, Value};
    use super::*;
    use crate::cluster::server::{ServerKind, Version};

    fn entry(db: u64, key: &str, encoding: Encoding, expire_at_ms: Option<i64>) -> Entry {
        Entry {
            db,
            key: key.as_bytes().to_vec(),
            expire_at_ms,
            idle_seconds: None,
            lfu_freq: None,
            value: Value {
                encoding,
                body: vec![],
                rdb_version: 12,
                offset: 0,
            },
            offset: 0,
        }
    }

    fn target(kind: ServerKind, major: u16, minor: u16) -> RdbTarget {
        RdbTarget::of(&Server {
            kind,
            version: Version(major, minor, 0),
        })
    }

    #[test]
    fn a_census_counts_per_slot_and_judges_each_key_for_its_master() {
        let valkey = target(ServerKind::Valkey, 9, 1);
        let redis6 = target(ServerKind::Redis, 6, 2);
        let mut census = Census::new(0);
        census.add(&entry(0, "a", Encoding::HashListpack, None), &valkey, 1000);
        census.add(&entry(0, "b", Encoding::HashListpack, None), &redis6, 1000);
        census.add(&entry(0, "c", Encoding::String, Some(999)), &valkey, 1000);
        census.add(&entry(1, "d", Encoding::String, None), &valkey, 1000);
        census.add(&entry(0, "e", Encoding::Module2, None), &valkey, 1000);
        assert_eq!(census.keys_read, 5);
        assert_eq!(census.expired, 1);
        assert_eq!(census.keys(), 3);
        assert_eq!(census.per_slot[usize::from(key_slot(b"a"))], 1);
        assert_eq!(census.raw, 1);
        assert_eq!(census.converted.values().sum::<u64>(), 1);
        assert_eq!(census.other_databases, BTreeMap::from([(1, 1)]));
        let refusals = judge(&census, &TargetState::default(), Existing::Refuse, false);
        assert_eq!(refusals.len(), 2, "{refusals:?}");
        let text = refusals[0].to_string();
        assert!(text.contains("1 × module-value (type 7)"), "{text}");
        assert!(refusals[1].to_string().contains("database 1: 1 keys"));

        let mut other = Census::new(0);
        other.add(&entry(0, "a", Encoding::String, None), &valkey, 1000);
        census.merge(other);
        assert_eq!(census.per_slot[usize::from(key_slot(b"a"))], 2);
    }

    #[test]
    fn a_cluster_with_keys_is_refused_unless_told_what_to_do_with_them() {
        let census = Census::new(0);
        let state = TargetState {
            masters_with_keys: vec![("10.0.0.1:6379".into(), 3)],
            ..TargetState::default()
        };
        let refusals = judge(&census, &state, Existing::Refuse, false);
        assert_eq!(
            refusals[0].to_string(),
            "the cluster already holds keys (10.0.0.1:6379: 3 keys); --replace overwrites the \
             keys the source has, --skip-existing keeps the cluster's"
        );
        assert!(judge(&census, &state, Existing::Replace, false).is_empty());
        assert!(judge(&census, &state, Existing::Skip, false).is_empty());
    }

    #[test]
    fn slot_counts_differ_beyond_keys_that_may_have_expired() {
        let mut expected = vec![0; SLOT_COUNT];
        let mut found = vec![0; SLOT_COUNT];
        let mut expiring = vec![0; SLOT_COUNT];
        expected[1] = 5;
        found[1] = 4;
        expiring[1] = 1;
        expected[2] = 5;
        found[2] = 3;
        found[3] = 1;
        let differences = compare_slot_counts(&expected, &found, &expiring);
        assert_eq!(
            differences,
            vec![
                SlotDifference {
                    slot: 2,
                    expected: 5,
                    found: 3
                },
                SlotDifference {
                    slot: 3,
                    expected: 0,
                    found: 1
                }
            ]
        );
        assert_eq!(slots_of(&differences).to_string(), "2-3");
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::cluster::server::{ServerKind, Version};

    #[test]
    fn refusals_are_joined_and_a_server_unnamed_is_refused() {
        assert_eq!(refuse(vec![]), Ok(()));
        let refused = refuse(vec![
            RestoreRefusal::NotEmpty(vec![("127.0.0.1:7000".into(), 3)]),
            RestoreRefusal::NotEmpty(vec![("127.0.0.1:7001".into(), 4)]),
        ])
        .unwrap_err();
        let one = RestoreRefusal::NotEmpty(vec![("127.0.0.1:7000".into(), 3)]).to_string();
        let two = RestoreRefusal::NotEmpty(vec![("127.0.0.1:7001".into(), 4)]).to_string();
        assert_eq!(
            refused.to_string(),
            format!("{one}; {two}; nothing was written")
        );
        let at = Endpoint::from_addr(([127, 0, 0, 1], 7000).into());
        assert_eq!(
            target_of(None, &at).unwrap_err().to_string(),
            "127.0.0.1:7000 does not say which server it runs (INFO server); nothing was changed"
        );
        let server = Server {
            kind: ServerKind::Redis,
            version: Version(7, 0, 15),
        };
        assert_eq!(target_of(Some(&server), &at), Ok(RdbTarget::of(&server)));
    }
}
