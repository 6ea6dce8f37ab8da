//! Which server a node runs (Redis or Valkey, and its version), read from `INFO server`, and
//! what that server can do for a cluster tool.
//!
//! Valkey 7.2 to 9.0 report `redis_version:7.2.4` for clients that test it, and add
//! `valkey_version` and `server_name:valkey`; the Valkey fields win. Redis reports
//! `redis_version` only. The capabilities asked here are the ones rtrib chooses a method by:
//!
//! - Valkey ≥ 9.0: atomic slot migration (`CLUSTER MIGRATESLOTS`, `GETSLOTMIGRATIONS`,
//!   `CANCELSLOTMIGRATIONS`): the server snapshots the slots, streams them to the target and
//!   hands ownership over by itself. Chosen by default only from 9.0.1: Valkey 9.0.0 was seen
//!   here to crash (SIGSEGV on the source, right after it sends the job to the target) on
//!   `MIGRATESLOTS` requests of many slot ranges, as a rebalance by keys makes; 9.1.2 moved
//!   the same requests without fault.
//! - Valkey ≥ 8.0: `CLUSTER SETSLOT` waits until the replicas acknowledge it.
//! - Valkey ≥ 8.0 and Redis ≥ 8.2: `CLUSTER SLOT-STATS` reports per-slot figures (keys, and CPU
//!   and network use with `cluster-slot-stats-enabled yes`), in the same shape on both.
//!
//! Redis moves slots only key by key up to 8.2; its own atomic migration (`CLUSTER MIGRATION`,
//! Redis 8.4) is not Valkey's `MIGRATESLOTS` and is not used, so no Redis version has
//! [`Server::atomic_migration`].

use std::fmt;

use serde::{Serialize, Serializer};

use super::info::info_field;

/// The server software.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    /// Redis.
    Redis,
    /// Valkey.
    Valkey,
}

/// A server version, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u16, pub u16, pub u16);

impl Version {
    /// Parses `7.0.15` (missing parts are 0; anything after a part's digits is ignored).
    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.').map(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u16>().ok()
        });
        let major = parts.next()??;
        let minor = parts.next().flatten().unwrap_or(0);
        let patch = parts.next().flatten().unwrap_or(0);
        Some(Version(major, minor, patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The server a node runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Server {
    /// Redis or Valkey.
    pub kind: ServerKind,
    /// Its own version (Valkey's, not the Redis version it reports for compatibility).
    pub version: Version,
}

impl Server {
    /// Reads the server from an `INFO server` reply; `None` when it names no version.
    pub fn from_info(info: &str) -> Option<Self> {
        let field = |name: &str| info_field(info, name);
        if let Some(version) = field("valkey_version").and_then(Version::parse) {
            return Some(Server {
                kind: ServerKind::Valkey,
                version,
            });
        }
        let version = field("redis_version").and_then(Version::parse)?;
        let kind = match field("server_name") {
            Some(name) if name.eq_ignore_ascii_case("valkey") => ServerKind::Valkey,
            _ => ServerKind::Redis,
        };
        Some(Server { kind, version })
    }

    fn valkey_from(&self, version: Version) -> bool {
        self.kind == ServerKind::Valkey && self.version >= version
    }

    /// Atomic slot migration, `CLUSTER MIGRATESLOTS` (Valkey ≥ 9.0).
    pub fn atomic_migration(&self) -> bool {
        self.valkey_from(Version(9, 0, 0))
    }

    /// Atomic slot migration is safe to choose without being asked: Valkey ≥ 9.0.1 (see the
    /// module docs for 9.0.0).
    pub fn atomic_migration_by_default(&self) -> bool {
        self.valkey_from(Version(9, 0, 1))
    }

    /// `CLUSTER SETSLOT` replies only once the replicas acknowledged it (Valkey ≥ 8.0), so a
    /// connection carrying one waits for the replicas.
    pub fn setslot_waits_for_replicas(&self) -> bool {
        self.valkey_from(Version(8, 0, 0))
    }

    /// `CLUSTER SLOT-STATS` (Valkey ≥ 8.0, Redis ≥ 8.2).
    pub fn slot_stats(&self) -> bool {
        match self.kind {
            ServerKind::Valkey => self.version >= Version(8, 0, 0),
            ServerKind::Redis => self.version >= Version(8, 2, 0),
        }
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ServerKind::Redis => "redis",
            ServerKind::Valkey => "valkey",
        };
        write!(f, "{kind} {}", self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(fields: &[&str]) -> String {
        let mut text = "# Server\r\n".to_string();
        for field in fields {
            text.push_str(field);
            text.push_str("\r\n");
        }
        text
    }

    #[test]
    fn redis_is_its_redis_version() {
        let server = Server::from_info(&info(&["redis_version:7.0.15", "redis_mode:cluster"]));
        let server = server.unwrap();
        assert_eq!(server.kind, ServerKind::Redis);
        assert_eq!(server.version, Version(7, 0, 15));
        assert_eq!(server.to_string(), "redis 7.0.15");
        assert!(!server.atomic_migration());
        assert!(!server.setslot_waits_for_replicas());
        assert!(!server.slot_stats());
    }

    #[test]
    fn valkey_version_wins_over_the_redis_version_it_reports() {
        let server = Server::from_info(&info(&[
            "redis_version:7.2.4",
            "server_name:valkey",
            "valkey_version:9.1.2",
        ]))
        .unwrap();
        assert_eq!(server.kind, ServerKind::Valkey);
        assert_eq!(server.version, Version(9, 1, 2));
        assert_eq!(server.to_string(), "valkey 9.1.2");
        assert!(server.atomic_migration());
        assert!(server.setslot_waits_for_replicas());
        assert!(server.slot_stats());
    }

    #[test]
    fn capabilities_follow_valkey_versions() {
        let valkey = |v: &str| Server::from_info(&info(&[&format!("valkey_version:{v}")])).unwrap();
        assert!(!valkey("7.2.5").setslot_waits_for_replicas());
        assert!(valkey("8.0.0").setslot_waits_for_replicas());
        assert!(!valkey("8.1.3").atomic_migration());
        assert!(valkey("9.0.0").atomic_migration());
        assert!(!valkey("9.0.0").atomic_migration_by_default());
        assert!(valkey("9.0.1").atomic_migration_by_default());
        assert!(valkey("9.1.2").atomic_migration_by_default());
        // Redis 8 has its own migration command, not Valkey's.
        let redis = Server::from_info(&info(&["redis_version:8.4.0"])).unwrap();
        assert!(!redis.atomic_migration());
    }

    #[test]
    fn capabilities_follow_redis_versions() {
        let redis = |v: &str| Server::from_info(&info(&[&format!("redis_version:{v}")])).unwrap();
        assert!(!redis("8.0.3").slot_stats());
        assert!(redis("8.2.3").slot_stats());
        assert!(redis("8.4.0").slot_stats());
        for version in ["8.2.3", "8.4.0"] {
            let redis = redis(version);
            assert_eq!(redis.kind, ServerKind::Redis);
            assert!(!redis.atomic_migration());
            assert!(!redis.atomic_migration_by_default());
            assert!(!redis.setslot_waits_for_replicas());
        }
    }

    #[test]
    fn server_name_alone_marks_valkey() {
        let server =
            Server::from_info(&info(&["redis_version:8.0.1", "server_name:valkey"])).unwrap();
        assert_eq!(server.kind, ServerKind::Valkey);
        assert!(server.setslot_waits_for_replicas());
    }

    #[test]
    fn versions_parse_leniently_and_order() {
        assert_eq!(Version::parse("9.1.2-rc1"), Some(Version(9, 1, 2)));
        assert_eq!(Version::parse("8"), Some(Version(8, 0, 0)));
        assert_eq!(Version::parse("x"), None);
        assert!(Version(9, 0, 0) > Version(8, 1, 9));
        assert_eq!(Server::from_info("# Server\r\nos:Linux\r\n"), None);
        let json =
            serde_json::to_string(&Server::from_info(&info(&["valkey_version:9.0.0"])).unwrap())
                .unwrap();
        assert_eq!(json, r#"{"kind":"valkey","version":"9.0.0"}"#);
    }
}
