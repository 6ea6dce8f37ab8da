//! `rtrib restore SOURCE NODE`: find the source's RDB files (cross-checked with rtrib's
//! `manifest.json` when there is one) → resolve the cluster and take its
//! lease → fetch the cluster and judge it (refuse when a slot is in doubt) → what each master
//! loads ([`RdbTarget`]) → read every file whole, counting its keys per slot and judging each
//! for its master (a bad file: exit 2) → refuse what cannot be done (keys already there,
//! values the masters cannot load: exit 5) → `--dry-run` stops here → function libraries on
//! every master → every key, pipelined to its master, all masters at once → count the keys
//! of every slot on the cluster and compare with the source → summary.
//!
//! Nothing is written before the whole source has been read and judged. The count after
//! the restore expects, per slot, what the cluster held before (zero unless `--replace` or
//! `--skip-existing`), plus the source's keys, less those the cluster had already and those
//! that expired before their turn; a slot may hold fewer by the restored keys whose expire
//! time has passed by the end of the count.

use std::sync::Arc;
use std::time::Instant;

use futures_util::future::join_all;

use crate::cli::RestoreArgs;
use crate::cluster::slots::SLOT_COUNT;
use crate::cluster::verdict::ChangeRefusal;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::fetch::{Fetched, SlotMasters};
use crate::net::load::{LoadRequest, read_load};
use crate::net::rdb_files::{SourceFile, check_manifest, source_files};
use crate::net::restore::{
    FileSummary, Placement, Written, library_names, now_ms, restore_functions, restore_keys,
    take_census,
};
use crate::output::{
    BusyKeys, Progress, RestoreDocument, RestoreOutcome, SourceDocument, write_restore_summary,
    write_source_text,
};
use crate::rdb::RdbTarget;
use crate::rdb::restore::{
    Census, Existing, TargetState, compare_slot_counts, judge, refuse, target_of,
};
use crate::steps::keys_target::fetch_for_keys;

/// Runs `restore`; see the module docs for the steps.
pub async fn run(context: &Context, args: &RestoreArgs) -> Result<Exit> {
    let mut files = source_files(&args.source).map_err(|e| Error::Usage(e.to_string()))?;
    if args.source.is_dir() {
        check_manifest(&args.source, &mut files).map_err(|e| Error::Usage(e.to_string()))?;
    }
    let seed = context.resolve_node(&args.node).await?;
    if !args.dry_run {
        context.lease_cluster("restore", &seed).await?;
    }
    let output = &context.output;
    let plural = if files.len() == 1 { "" } else { "s" };
    output.step(&format!(
        "Restoring {} ({} RDB file{plural}) into the cluster of {seed}",
        args.source.display(),
        files.len()
    ))?;
    let fetched = fetch_for_keys(context, &seed, "restored").await?;
    let slot_masters = fetched.slot_masters().map_err(ChangeRefusal::Because)?;
    let placement = Arc::new(Placement {
        owner: slot_masters.owner.clone(),
        targets: targets(&slot_masters)?,
    });
    let existing = match (args.replace, args.skip_existing) {
        (true, _) => Existing::Replace,
        (_, true) => Existing::Skip,
        _ => Existing::Refuse,
    };
    let state = target_state(&fetched, &slot_masters, &placement).await?;
    let db = args.db.unwrap_or(0);
    let bytes: u64 = files.iter().map(|file| file.bytes).sum();
    output.line(&format!(
        "*** Reading the source whole before writing anything ({bytes} bytes)"
    ))?;
    let reading = Progress::read(bytes);
    let (census, files_read) = reading
        .during(take_census(
            files.clone(),
            Arc::clone(&placement),
            db,
            &|read| reading.read_so_far(read),
        ))
        .await
        .map_err(|e| Error::Usage(e.to_string()))?;
    let source = source_document(args, &census, files_read);
    if !output.is_json() {
        output.text(|out, style| write_source_text(out, style, &source))?;
    }
    let refusals = judge(&census, &state.judged, existing, args.db.is_some());
    refuse(refusals)?;
    let mut document = RestoreDocument {
        outcome: RestoreOutcome::DryRun,
        cluster: args.node.clone(),
        masters: slot_masters.masters.len(),
        source,
        existing,
        restored: 0,
        existing_keys: 0,
        expired_meanwhile: 0,
        busy_keys: BusyKeys::default(),
        slots_differing: Vec::new(),
        seconds: 0.0,
        keys_per_second: 0.0,
        error: None,
    };
    if !args.dry_run {
        let judged = Judged {
            fetched: &fetched,
            slot_masters: &slot_masters,
            placement: &placement,
            census: &census,
            state: &state,
            existing,
        };
        judged.write(files, &mut document).await?;
    }
    if output.is_json() {
        output.json(&document)?;
    } else {
        output.text(|out, style| write_restore_summary(out, style, &document))?;
    }
    Ok(match document.outcome {
        RestoreOutcome::Restored | RestoreOutcome::DryRun => Exit::Ok,
        RestoreOutcome::CountsDiffer | RestoreOutcome::Failed => Exit::Problems,
        RestoreOutcome::Interrupted => Exit::Interrupted,
    })
}

/// What each master's `RESTORE` loads; a master that did not say which server it runs is
/// refused (its payloads could be refused half-way).
fn targets(slot_masters: &SlotMasters) -> Result<Vec<RdbTarget>> {
    slot_masters
        .masters
        .iter()
        .map(|master| Ok(target_of(master.server.as_ref(), master.client.endpoint())?))
        .collect()
}

/// The cluster before the restore: the judgment's view of it, and each master's libraries.
struct State {
    judged: TargetState,
    libraries: Vec<Vec<String>>,
}

/// Keys and function libraries the masters hold, and which have no functions.
async fn target_state(
    fetched: &Fetched,
    slot_masters: &SlotMasters,
    placement: &Placement,
) -> Result<State> {
    let mut judged = TargetState::default();
    for master in fetched
        .topology
        .masters()
        .filter(|m| !m.entry.slots.is_empty())
    {
        if let crate::cluster::topology::NodeState::Reachable { keys, .. } = master.state
            && keys > 0
        {
            judged
                .masters_with_keys
                .push((master.endpoint.to_string(), keys));
        }
    }
    let has_functions = |target: &RdbTarget| target.functions_stamp().is_some();
    let libraries = join_all(slot_masters.masters.iter().zip(&placement.targets).map(
        |(master, target)| async move {
            if has_functions(target) {
                library_names(&master.client).await
            } else {
                Ok(Vec::new())
            }
        },
    ))
    .await
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    for ((master, target), names) in slot_masters
        .masters
        .iter()
        .zip(&placement.targets)
        .zip(&libraries)
    {
        if !has_functions(target) {
            judged
                .without_functions
                .push(master.client.endpoint().to_string());
        }
        for name in names {
            if !judged.libraries.contains(name) {
                judged.libraries.push(name.clone());
            }
        }
    }
    Ok(State { judged, libraries })
}

fn source_document(args: &RestoreArgs, census: &Census, files: Vec<FileSummary>) -> SourceDocument {
    SourceDocument {
        path: args.source.display().to_string(),
        files,
        db: census.db,
        keys_read: census.keys_read,
        keys: census.keys(),
        expired: census.expired,
        other_databases: census.other_databases.clone(),
        raw: census.raw,
        converted: census.converted.clone(),
        libraries: census.libraries.keys().cloned().collect(),
        module_aux: census.module_aux.clone(),
    }
}

/// The cluster and the source as read and judged: what writing needs.
struct Judged<'a> {
    fetched: &'a Fetched,
    slot_masters: &'a SlotMasters,
    placement: &'a Arc<Placement>,
    census: &'a Census,
    state: &'a State,
    existing: Existing,
}

impl Judged<'_> {
    /// Loads the libraries, restores the keys of `files`, counts them per slot and fills in
    /// `document`.
    async fn write(&self, files: Vec<SourceFile>, document: &mut RestoreDocument) -> Result<()> {
        let Judged {
            fetched,
            slot_masters,
            placement,
            census,
            state,
            existing,
        } = *self;
        let before = match existing {
            Existing::Refuse => vec![0; SLOT_COUNT],
            Existing::Replace | Existing::Skip => keys_per_slot(fetched).await?,
        };
        let libraries: Vec<_> = census.libraries.values().cloned().collect();
        for ((master, target), present) in slot_masters
            .masters
            .iter()
            .zip(&placement.targets)
            .zip(&state.libraries)
        {
            let wanted: Vec<_> = libraries
                .iter()
                .filter(|library| {
                    existing != Existing::Skip
                        || !present.contains(&library.name().unwrap_or_default())
                })
                .cloned()
                .collect();
            restore_functions(
                &master.client,
                &wanted,
                target,
                existing == Existing::Replace,
            )
            .await?;
        }
        let clients: Vec<_> = slot_masters
            .masters
            .iter()
            .map(|m| m.client.clone())
            .collect();
        let started = Instant::now();
        let progress = Progress::keys(census.keys());
        let written = progress
            .during(restore_keys(
                files,
                Arc::clone(placement),
                &clients,
                census.db,
                existing,
                &progress,
            ))
            .await;
        let seconds = started.elapsed().as_secs_f64();
        document.restored = written.restored;
        document.existing_keys = written.existing.iter().sum();
        document.expired_meanwhile = written.expired.iter().sum();
        document.seconds = seconds;
        document.keys_per_second = written.restored as f64 / seconds.max(0.001);
        if written.interrupted {
            document.outcome = RestoreOutcome::Interrupted;
            document.error = written.error;
            return Ok(());
        }
        let found = keys_per_slot(fetched).await?;
        let counted_at = now_ms();
        let expected = expected_counts(&before, census, &written);
        let mut may_have_expired = vec![0; SLOT_COUNT];
        for &(slot, at) in &written.expiring {
            if at <= counted_at {
                may_have_expired[usize::from(slot)] += 1;
            }
        }
        document.slots_differing = compare_slot_counts(&expected, &found, &may_have_expired);
        document.busy_keys = BusyKeys {
            count: written.busy.0,
            first: written.busy.1.clone(),
        };
        document.outcome = if written.error.is_some() {
            RestoreOutcome::Failed
        } else if !document.slots_differing.is_empty() || written.busy.0 > 0 {
            RestoreOutcome::CountsDiffer
        } else {
            RestoreOutcome::Restored
        };
        document.error = written.error;
        Ok(())
    }
}

/// Per slot: what it held before, plus the source's keys, less those it had already and
/// those that expired before their turn.
fn expected_counts(before: &[u64], census: &Census, written: &Written) -> Vec<u64> {
    (0..SLOT_COUNT)
        .map(|slot| {
            (before[slot] + census.per_slot[slot])
                .saturating_sub(written.existing[slot] + written.expired[slot])
        })
        .collect()
}

/// The keys of every slot, read from the masters serving them.
async fn keys_per_slot(fetched: &Fetched) -> Result<Vec<u64>> {
    let mut load = read_load(fetched, LoadRequest::default()).await;
    if let Some(error) = load.take_error() {
        return Err(error.into());
    }
    Ok(load.figures.keys)
}
