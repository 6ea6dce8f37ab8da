//! `rtrib backup`: the files that describe a backup directory — redis-cli's `nodes.json`, in
//! its exact shape, and rtrib's own `manifest.json` — and the report, as text or the JSON
//! document.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::Style;
use crate::cluster::server::Server;
use crate::cluster::slots::{Slot, SlotSet};
use crate::cluster::topology::Topology;
use crate::cluster::view::NodeEntry;

/// The `format` field of every manifest.
pub const MANIFEST_FORMAT: &str = "rtrib-backup";
/// The manifest's version: raised when a field changes meaning (new fields do not raise it).
pub const MANIFEST_VERSION: u32 = 1;
/// The manifest's file name; written last, so its presence means the backup is whole.
pub const MANIFEST_FILE: &str = "manifest.json";
/// redis-cli's description of the cluster's nodes.
pub const NODES_FILE: &str = "nodes.json";

/// The name redis-cli gives the RDB of `master`: `redis-node-<ip>-<port>-<id>.rdb`.
pub fn rdb_file_name(master: &NodeEntry) -> String {
    let ip = master.ip.map(|ip| ip.to_string()).unwrap_or_default();
    format!("redis-node-{ip}-{}-{}.rdb", master.port, master.id)
}

/// `nodes.json` as `redis-cli --cluster backup` writes it (its `clusterManagerNodeGetJSON`):
/// one object per node the seed knows, with `name`, `host`, `port`, `replicate` (the master's
/// ID or null), `slots` (`[[first,last],[single]...]`), `slots_count`, `flags` (without
/// `myself`), `current_epoch` (the config epoch), `cluster_errors` (when the check found
/// problems), and `migrating` / `importing` (slot to node ID) when the node has open slots.
pub fn nodes_json(topology: &Topology, cluster_errors: usize) -> String {
    let objects: Vec<String> = topology
        .nodes
        .iter()
        .map(|node| node_json(&node.entry, cluster_errors))
        .collect();
    format!("[\n{}\n]", objects.join(",\n"))
}

fn node_json(entry: &NodeEntry, cluster_errors: usize) -> String {
    let text = |s: &str| serde_json::Value::from(s).to_string();
    let replicate = match &entry.master_id {
        Some(master) if entry.is_replica() => text(master.as_str()),
        _ => "null".to_string(),
    };
    let slots: Vec<String> = entry
        .slots
        .ranges()
        .map(|(first, last)| match first == last {
            true => format!("[{first}]"),
            false => format!("[{first},{last}]"),
        })
        .collect();
    let mut json = format!(
        "  {{\n    \"name\": {},\n    \"host\": {},\n    \"port\": {},\n    \"replicate\": {},\n    \
         \"slots\": [{}],\n    \"slots_count\": {},\n    \"flags\": {},\n    \
         \"current_epoch\": {}",
        text(entry.id.as_str()),
        text(&entry.ip.map(|ip| ip.to_string()).unwrap_or_default()),
        entry.port,
        replicate,
        slots.join(","),
        entry.slots.len(),
        text(&entry.flags.to_string()),
        entry.config_epoch,
    );
    if cluster_errors > 0 {
        json.push_str(&format!(",\n    \"cluster_errors\": {cluster_errors}"));
    }
    let open = |slots: &BTreeMap<Slot, crate::cluster::view::NodeId>| {
        slots
            .iter()
            .map(|(slot, node)| format!("{}: {}", text(&slot.to_string()), text(node.as_str())))
            .collect::<Vec<_>>()
            .join(",")
    };
    if !entry.migrating.is_empty() {
        json.push_str(&format!(
            ",\n    \"migrating\": {{{}}}",
            open(&entry.migrating)
        ));
    }
    if !entry.importing.is_empty() {
        json.push_str(&format!(
            ",\n    \"importing\": {{{}}}",
            open(&entry.importing)
        ));
    }
    json.push_str("\n  }");
    json
}

/// A node, as the manifest names it.
#[derive(Debug, Clone, Serialize)]
pub struct NodeRef {
    /// Its cluster ID.
    pub id: String,
    /// Where it was reached.
    pub addr: String,
}

/// One shard's file, in the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// The file name, in the backup directory.
    pub file: String,
    /// The master whose slots the file holds.
    pub master: NodeRef,
    /// The node the RDB was read from: the master, or one of its replicas.
    pub source: NodeRef,
    /// `master` or `replica`.
    pub source_role: &'static str,
    /// The server the source runs, when it said.
    pub server: Option<Server>,
    /// The master's slots, `[[first,last],...]`.
    pub slots: SlotSet,
    /// How many slots.
    pub slot_count: usize,
    /// `REDIS` or `VALKEY`: the file's magic string.
    pub magic: &'static str,
    /// The RDB version of the file's header.
    pub rdb_version: u16,
    /// The server version the file says wrote it (its `redis-ver` aux field).
    pub written_by: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// The CRC64 of its trailer, lowercase hex (null when the server saves without one).
    pub crc64: Option<String>,
    /// The keys it holds (all databases).
    pub keys: u64,
    /// The function libraries it holds.
    pub functions: u64,
    /// `disk` (the node saved a file, then sent it) or `diskless` (streamed from its fork).
    pub transfer: &'static str,
    /// The replication ID and offset the snapshot was taken at.
    pub replication_id: String,
    /// See `replication_id`.
    pub replication_offset: u64,
    /// When the transfer was asked for (UTC, RFC 3339).
    pub started_at: String,
    /// When the file was verified and given its name.
    pub finished_at: String,
}

/// The cluster as the backup found it.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterShape {
    /// The node the backup was started from.
    pub seed: String,
    /// Masters that serve slots.
    pub masters: usize,
    /// Replicas.
    pub replicas: usize,
    /// Slots served by some master (16384 when the cluster is whole).
    pub slots_covered: usize,
    /// Whether the check found no problem (else see `nodes.json`'s `cluster_errors`).
    pub healthy: bool,
}

/// `manifest.json`: what the backup holds, for a restore to check against.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: &'static str,
    /// [`MANIFEST_VERSION`].
    pub version: u32,
    /// The rtrib that wrote it.
    pub created_by: String,
    /// `masters` or `replicas`: where the RDBs were read.
    pub from: &'static str,
    /// The cluster's shape.
    pub cluster: ClusterShape,
    /// When the first transfer was asked for.
    pub started_at: String,
    /// When the last file was verified.
    pub finished_at: String,
    /// The total of the files' keys.
    pub keys: u64,
    /// The total of the files' sizes.
    pub bytes: u64,
    /// One per shard, in the cluster's order.
    pub files: Vec<FileEntry>,
}

/// The JSON document of `rtrib backup -o json`.
#[derive(Debug, Clone, Serialize)]
pub struct BackupDocument<'a> {
    /// Always `backed_up` (a failure is the error document).
    pub outcome: &'static str,
    /// The backup directory.
    pub dir: String,
    /// Wall-clock time, in seconds.
    pub seconds: f64,
    /// Problems the check found (the backup is made anyway, as redis-cli does).
    pub warnings: Vec<String>,
    /// The manifest written.
    #[serde(flatten)]
    pub manifest: &'a Manifest,
}

/// The text report: one line per file, then redis-cli's closing lines (in the past tense: the
/// files are written when it is printed).
pub fn write_backup_text(
    out: &mut dyn Write,
    style: Style,
    document: &BackupDocument<'_>,
) -> io::Result<()> {
    for file in &document.manifest.files {
        let source = match file.source_role {
            "replica" => format!(" from replica {}", file.source.addr),
            _ => String::new(),
        };
        let line = format!(
            "{} (slots {}){source}: {} keys, {}, {} RDB {}, {}",
            file.master.addr,
            file.slots.bracketed(),
            file.keys,
            human_bytes(file.size),
            file.magic,
            file.rdb_version,
            file.file,
        );
        writeln!(out, "{}", style.ok(&line))?;
    }
    for warning in &document.warnings {
        writeln!(out, "{}", style.warn(warning))?;
    }
    let nodes_file = std::path::Path::new(&document.dir).join(NODES_FILE);
    writeln!(
        out,
        "Saved cluster configuration to: {}",
        nodes_file.display()
    )?;
    writeln!(
        out,
        "{}",
        style.ok(&format!(
            "Backup created into: {} ({} files, {} keys, {}, {:.1}s)",
            document.dir,
            document.manifest.files.len(),
            document.manifest.keys,
            human_bytes(document.manifest.bytes),
            document.seconds
        ))
    )
}

/// `812 B`, `1.5 KiB`, `12.3 MiB`, `2.0 GiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `time` in UTC, RFC 3339 with milliseconds: `2026-12-06T09:14:39.905Z`.
pub fn utc(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::view::NodesView;
    use std::time::Duration;

    #[test]
    fn nodes_json_is_redis_cli_s() {
        let view = NodesView::parse(
            "aaaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460 5462 \
             [5463->-bbbb]\n\
             cccc 127.0.0.1:7002@17002 slave aaaa 0 0 1 connected\n",
        )
        .unwrap();
        let json = nodes_json(&Topology::all_reporting(&view), 0);
        assert_eq!(
            json,
            "[\n  {\n    \"name\": \"aaaa\",\n    \"host\": \"127.0.0.1\",\n    \"port\": 7000,\n    \
             \"replicate\": null,\n    \"slots\": [[0,5460],[5462]],\n    \"slots_count\": 5462,\n    \
             \"flags\": \"master\",\n    \"current_epoch\": 1,\n    \
             \"migrating\": {\"5463\": \"bbbb\"}\n  },\n  {\n    \"name\": \"cccc\",\n    \
             \"host\": \"127.0.0.1\",\n    \"port\": 7002,\n    \"replicate\": \"aaaa\",\n    \
             \"slots\": [],\n    \"slots_count\": 0,\n    \"flags\": \"slave\",\n    \
             \"current_epoch\": 1\n  }\n]"
        );
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed[0]["slots"][1][0], 5462);
        assert!(nodes_json(&Topology::all_reporting(&view), 2).contains("\"cluster_errors\": 2"));
        assert_eq!(
            rdb_file_name(view.entries().next().unwrap()),
            "redis-node-127.0.0.1-7000-aaaa.rdb"
        );
    }

    #[test]
    fn the_text_report_names_each_file_then_says_redis_cli_s_words() {
        let file = FileEntry {
            file: "redis-node-127.0.0.1-7000-aaaa.rdb".into(),
            master: NodeRef {
                id: "aaaa".into(),
                addr: "127.0.0.1:7000".into(),
            },
            source: NodeRef {
                id: "cccc".into(),
                addr: "127.0.0.1:7002".into(),
            },
            source_role: "replica",
            server: None,
            slots: SlotSet::from_range(0, 8191),
            slot_count: 8192,
            magic: "REDIS",
            rdb_version: 10,
            written_by: Some("7.0.15".into()),
            size: 2048,
            sha256: "00".repeat(32),
            crc64: None,
            keys: 12,
            functions: 0,
            transfer: "disk",
            replication_id: "r".into(),
            replication_offset: 0,
            started_at: utc(UNIX_EPOCH),
            finished_at: utc(UNIX_EPOCH),
        };
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            version: MANIFEST_VERSION,
            created_by: "rtrib".into(),
            from: "replicas",
            cluster: ClusterShape {
                seed: "127.0.0.1:7000".into(),
                masters: 1,
                replicas: 1,
                slots_covered: 8192,
                healthy: false,
            },
            started_at: utc(UNIX_EPOCH),
            finished_at: utc(UNIX_EPOCH),
            keys: 12,
            bytes: 2048,
            files: vec![file],
        };
        let document = BackupDocument {
            outcome: "backed_up",
            dir: "/backups/today".into(),
            seconds: 1.25,
            warnings: vec!["Cluster seems to have some problems".into()],
            manifest: &manifest,
        };
        let mut out = Vec::new();
        write_backup_text(&mut out, Style::PLAIN, &document).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[OK] 127.0.0.1:7000 (slots [0-8191]) from replica 127.0.0.1:7002: 12 keys, 2.0 KiB, \
             REDIS RDB 10, redis-node-127.0.0.1-7000-aaaa.rdb\n\
             [WARNING] Cluster seems to have some problems\n\
             Saved cluster configuration to: /backups/today/nodes.json\n\
             [OK] Backup created into: /backups/today (1 files, 12 keys, 2.0 KiB, 1.2s)\n"
        );
    }

    #[test]
    fn times_and_sizes_read_as_people_write_them() {
        let time = UNIX_EPOCH + Duration::from_millis(1_796_548_479_905);
        assert_eq!(utc(time), "2026-12-06T09:14:39.905Z");
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 << 30), "5.0 GiB");
    }
}
