//! `rtrib backup NODE DIR [--from masters|replicas]`: resolve → fetch → check (its problems
//! are warnings, as redis-cli's are) → choose the node each shard is read from (refusals,
//! before any transfer) → prepare DIR (refused when it holds a backup) → every shard at once:
//! ask for a snapshot over the replication protocol and stream it into a temporary file,
//! hashed and checked as it arrives → read each file back whole and give it its final name →
//! `nodes.json` → `manifest.json`, last → report.
//!
//! The first shard that fails stops the others; their temporary files are removed, and no
//! manifest is written.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use futures_util::future::try_join_all;

use crate::cli::BackupArgs;
use crate::cluster::backup::{BackupRefusal, Shard, plan_shards};
use crate::cluster::check::{CheckOptions, check};
use crate::cluster::slots::SlotSet;
use crate::cluster::topology::Topology;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_with_clients};
use crate::net::replication::{CopyError, Framing, Snapshot};
use crate::output::{
    BackupDocument, ClusterShape, FileEntry, FileError, MANIFEST_FILE, MANIFEST_FORMAT,
    MANIFEST_VERSION, Manifest, NODES_FILE, NodeRef, PARTIAL_SUFFIX, PartialRdb, Progress,
    nodes_json, rdb_file_name, utc, write_backup_text, write_file_atomically,
};

/// Runs `backup`; see the module docs for the steps.
pub async fn run(context: &Context, args: &BackupArgs) -> Result<Exit> {
    let started = Instant::now();
    let started_at = utc(SystemTime::now());
    let seed = context.resolve_node(&args.node).await?;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let topology = &fetched.topology;
    let report = check(topology, &CheckOptions::default());
    let problems: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.is_problem())
        .map(|f| f.kind())
        .collect();
    let shards = plan_shards(topology, args.from, args.master_if_no_replica)?;
    prepare_dir(&args.dir)?;
    let output = &context.output;
    output.step(&format!(
        "Saving the RDB of {} shards from their {} into {}",
        shards.len(),
        args.from.name(),
        args.dir.display()
    ))?;
    let names: Vec<String> = shards
        .iter()
        .map(|s| s.source.endpoint.to_string())
        .collect();
    let progress = Progress::bytes(&names);
    let saving = shards
        .iter()
        .enumerate()
        .map(|(index, shard)| save_shard(context, &args.dir, index, shard, &progress));
    let files = progress.during(try_join_all(saving)).await?;

    let nodes_path = args.dir.join(NODES_FILE);
    write_file_atomically(&nodes_path, nodes_json(topology, problems.len()).as_bytes()).map_err(
        |error| FileError::Io {
            path: nodes_path.clone(),
            error,
        },
    )?;
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        version: MANIFEST_VERSION,
        created_by: format!("rtrib {}", env!("CARGO_PKG_VERSION")),
        from: args.from.name(),
        cluster: shape(topology, &seed.to_string(), problems.is_empty()),
        started_at,
        finished_at: utc(SystemTime::now()),
        keys: files.iter().map(|f| f.keys).sum(),
        bytes: files.iter().map(|f| f.size).sum(),
        files,
    };
    let manifest_path = args.dir.join(MANIFEST_FILE);
    let mut text = serde_json::to_vec_pretty(&manifest).map_err(|error| FileError::Io {
        path: manifest_path.clone(),
        error: error.into(),
    })?;
    text.push(b'\n');
    write_file_atomically(&manifest_path, &text).map_err(|error| FileError::Io {
        path: manifest_path.clone(),
        error,
    })?;

    let warnings = match problems.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "Cluster seems to have some problems ({}), please be aware of it if you're going \
             to restore this backup; rtrib check says more.",
            problems.join(", ")
        )],
    };
    let document = BackupDocument {
        outcome: "backed_up",
        dir: args.dir.display().to_string(),
        seconds: started.elapsed().as_secs_f64(),
        warnings,
        manifest: &manifest,
    };
    if output.is_json() {
        output.json(&document)?;
    } else {
        output.text(|out, style| write_backup_text(out, style, &document))?;
    }
    Ok(Exit::Ok)
}

/// Creates `dir` when missing; refuses one that holds a backup (a manifest, redis-cli's
/// `nodes.json` or a node's RDB); removes what a killed rtrib left half written there.
fn prepare_dir(dir: &Path) -> Result<()> {
    let failed = |error| FileError::Io {
        path: dir.to_path_buf(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let mut partial = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let name = entry.map_err(failed)?.file_name();
        let name = name.to_string_lossy();
        let is_rdb = name.starts_with("redis-node-") && name.ends_with(".rdb");
        if name == MANIFEST_FILE || name == NODES_FILE || is_rdb {
            return Err(BackupRefusal::Occupied {
                dir: dir.display().to_string(),
                file: name.into_owned(),
            }
            .into());
        }
        if name.starts_with(".redis-node-") && name.ends_with(PARTIAL_SUFFIX) {
            partial.push(dir.join(name.as_ref()));
        }
    }
    for path in partial {
        std::fs::remove_file(&path).map_err(|error| FileError::Io { path, error })?;
    }
    Ok(())
}

/// Streams one shard's RDB into its file, verifies it and names it.
async fn save_shard(
    context: &Context,
    dir: &Path,
    index: usize,
    shard: &Shard<'_>,
    progress: &Progress,
) -> Result<FileEntry> {
    let started_at = utc(SystemTime::now());
    let target = dir.join(rdb_file_name(&shard.master.entry));
    let snapshot = Snapshot::request(&shard.source.endpoint, &context.connect).await?;
    progress.shard_expects(index, snapshot.length());
    let resync = snapshot.resync.clone();
    let transfer = match snapshot.framing {
        Framing::Sized(_) => "disk",
        Framing::Diskless(_) => "diskless",
    };
    tracing::info!(
        "{}: {transfer} snapshot at offset {} of {}",
        shard.source.endpoint,
        resync.offset,
        resync.replid
    );
    let mut file = PartialRdb::create(&target)?;
    let partial: PathBuf = file.partial_path().to_path_buf();
    snapshot
        .copy_to(|bytes| {
            file.write(bytes)?;
            progress.shard_received(index, file.size());
            Ok(())
        })
        .await
        .map_err(|error| match error {
            CopyError::Node(error) => Error::Node(error),
            CopyError::Sink(error) => Error::File(FileError::Io {
                path: partial.clone(),
                error,
            }),
        })?;
    let verified = tokio::task::spawn_blocking(move || file.commit())
        .await
        .map_err(|error| FileError::Io {
            path: partial,
            error: std::io::Error::other(error.to_string()),
        })??;
    let node = |report: &crate::cluster::topology::NodeReport| NodeRef {
        id: report.id().to_string(),
        addr: report.endpoint.to_string(),
    };
    Ok(FileEntry {
        file: rdb_file_name(&shard.master.entry),
        master: node(shard.master),
        source: node(shard.source),
        source_role: match shard.source.id() == shard.master.id() {
            true => "master",
            false => "replica",
        },
        server: shard.source.server().copied(),
        slot_count: shard.slots.len(),
        slots: shard.slots.clone(),
        magic: verified.magic,
        rdb_version: verified.rdb_version,
        written_by: verified.written_by,
        size: verified.size,
        sha256: verified.sha256,
        crc64: verified.crc64.map(|crc| format!("{crc:016x}")),
        keys: verified.keys,
        functions: verified.functions,
        transfer,
        replication_id: resync.replid,
        replication_offset: resync.offset,
        started_at,
        finished_at: utc(SystemTime::now()),
    })
}

/// The cluster's shape, for the manifest.
fn shape(topology: &Topology, seed: &str, healthy: bool) -> ClusterShape {
    let mut covered = SlotSet::new();
    for master in topology.masters() {
        covered.union_with(&master.entry.slots);
    }
    ClusterShape {
        seed: seed.to_string(),
        masters: topology
            .masters()
            .filter(|m| !m.entry.slots.is_empty())
            .count(),
        replicas: topology
            .nodes
            .iter()
            .filter(|n| n.entry.is_replica())
            .count(),
        slots_covered: covered.len(),
        healthy,
    }
}
