//! `rtrib restore`: what the source holds (before anything is written), and the closing
//! summary, as text or as the JSON document.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::net::restore::FileSummary;
use crate::rdb::restore::{Existing, SlotDifference, slots_of};

use super::Style;

/// How many differing slots the text spells out.
const SLOTS_SHOWN: usize = 10;

/// How `restore` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreOutcome {
    /// Every key restored, every slot's count as expected.
    Restored,
    /// `--dry-run`: read and judged, nothing written.
    DryRun,
    /// Written, but some slots do not hold the keys expected, or keys were already there.
    CountsDiffer,
    /// A write failed and the restore stopped; `error` says which.
    Failed,
    /// Ctrl-C stopped it: the keys read before it were written (every `RESTORE` is whole);
    /// the slots' counts were not compared.
    Interrupted,
}

/// What the source holds, as read before writing.
#[derive(Debug, Clone, Serialize)]
pub struct SourceDocument {
    /// The path given.
    pub path: String,
    /// Each file.
    pub files: Vec<FileSummary>,
    /// The database restored.
    pub db: u64,
    /// Keys read, every database.
    pub keys_read: u64,
    /// Keys to restore.
    pub keys: u64,
    /// Keys already expired (skipped).
    pub expired: u64,
    /// Keys of other databases (not restored).
    pub other_databases: BTreeMap<u64, u64>,
    /// Keys sent raw, re-stamped.
    pub raw: u64,
    /// Keys rewritten in another encoding, per `from → to`.
    pub converted: BTreeMap<String, u64>,
    /// Function libraries, by name.
    pub libraries: Vec<String>,
    /// Module aux data not restored, per module type.
    pub module_aux: BTreeMap<String, u64>,
}

/// The JSON document and the text summary of a restore.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreDocument {
    /// How it ended.
    pub outcome: RestoreOutcome,
    /// The cluster, as given.
    pub cluster: String,
    /// Masters written to.
    pub masters: usize,
    /// What the source holds.
    pub source: SourceDocument,
    /// What keys the cluster had were done with.
    pub existing: Existing,
    /// Keys restored.
    pub restored: u64,
    /// Keys the cluster had (skipped with --skip-existing, replaced with --replace).
    pub existing_keys: u64,
    /// Keys expired between the read and their turn (skipped).
    pub expired_meanwhile: u64,
    /// Keys the cluster had already without --replace or --skip-existing.
    pub busy_keys: super::BusyKeys,
    /// Slots whose key count after the restore is not the one expected.
    pub slots_differing: Vec<SlotDifference>,
    /// Wall-clock time of the writing, in seconds.
    pub seconds: f64,
    /// Keys restored per second.
    pub keys_per_second: f64,
    /// Why it stopped, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the source holds: a line per file, then the totals and what is converted or left.
pub fn write_source_text(
    out: &mut dyn Write,
    style: Style,
    source: &SourceDocument,
) -> io::Result<()> {
    for file in &source.files {
        writeln!(
            out,
            "{}: {} RDB {}, {} bytes, {} keys",
            file.path, file.magic, file.rdb_version, file.bytes, file.keys
        )?;
    }
    writeln!(
        out,
        "*** {} keys to restore from database {} ({} read, {} already expired)",
        source.keys, source.db, source.keys_read, source.expired
    )?;
    for (conversion, count) in &source.converted {
        writeln!(out, "*** {count} keys rewritten as {conversion}")?;
    }
    for (db, count) in &source.other_databases {
        writeln!(
            out,
            "{}",
            style.warn(&format!("{count} keys of database {db} are not restored"))
        )?;
    }
    for (module, count) in &source.module_aux {
        writeln!(
            out,
            "{}",
            style.warn(&format!(
                "{count} items of module aux data ({module}) are not restored: only the \
                 module loads them"
            ))
        )?;
    }
    if !source.libraries.is_empty() {
        writeln!(
            out,
            "*** {} function libraries: {}",
            source.libraries.len(),
            source.libraries.join(", ")
        )?;
    }
    Ok(())
}

/// The closing lines: keys restored and how fast, then whether each slot holds what it
/// should.
pub fn write_restore_summary(
    out: &mut dyn Write,
    style: Style,
    document: &RestoreDocument,
) -> io::Result<()> {
    if document.outcome == RestoreOutcome::DryRun {
        return writeln!(
            out,
            "{}",
            style.ok(&format!(
                "Dry run: {} keys would be restored into {} masters; nothing was written",
                document.source.keys, document.masters
            ))
        );
    }
    let busy = &document.busy_keys;
    if busy.count > 0 {
        writeln!(
            out,
            "{}",
            style.err(&format!(
                "{} keys were in the cluster already (twice in the source, or written \
                 meanwhile) and were not restored: {}",
                busy.count,
                busy.first.join(", ")
            ))
        )?;
    }
    if let Some(error) = &document.error {
        writeln!(
            out,
            "{}",
            style.err(&format!("The restore stopped: {error}"))
        )?;
    }
    let existing = match document.existing {
        Existing::Refuse => String::new(),
        Existing::Replace => format!(", {} replaced", document.existing_keys),
        Existing::Skip => format!(", {} already there kept", document.existing_keys),
    };
    let summary = format!(
        "Restored {} keys into {} masters in {:.1}s ({:.0} keys/s; {} expired meanwhile{existing})",
        document.restored,
        document.masters,
        document.seconds,
        document.keys_per_second,
        document.expired_meanwhile
    );
    if document.outcome == RestoreOutcome::Interrupted {
        writeln!(
            out,
            "{}",
            style.err(&format!("Interrupted (Ctrl-C). {summary}"))
        )?;
        let rerun = match document.existing {
            Existing::Replace => "the same command again (--replace) restores them all",
            _ => "the same command with --skip-existing restores the rest",
        };
        return writeln!(
            out,
            "{}",
            style.err(&format!(
                "Every RESTORE is whole, and the source holds {} keys: {rerun}",
                document.source.keys
            ))
        );
    }
    let line = match document.error {
        None => style.ok(&summary),
        Some(_) => style.err(&summary),
    };
    writeln!(out, "{line}")?;
    let differing = &document.slots_differing;
    if differing.is_empty() {
        writeln!(
            out,
            "{}",
            style.ok("Every slot holds the keys the source has for it.")
        )
    } else {
        let shown: Vec<String> = differing
            .iter()
            .take(SLOTS_SHOWN)
            .map(ToString::to_string)
            .collect();
        let more = if differing.len() > SLOTS_SHOWN {
            ", ..."
        } else {
            ""
        };
        writeln!(
            out,
            "{}",
            style.err(&format!(
                "{} slots do not hold the keys the source has for them ({}): {}{more}",
                differing.len(),
                slots_of(differing),
                shown.join("; ")
            ))
        )
    }
}
