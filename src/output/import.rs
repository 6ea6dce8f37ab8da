//! `rtrib import`: the closing summary, as text or as the JSON document.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Style;

/// How many busy key names the summary spells out.
pub const BUSY_KEYS_SHOWN: usize = 5;

/// How `import` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// Every key was imported (or was gone from the source before its turn).
    Imported,
    /// The source was read to the end, but keys already present in the cluster were left
    /// alone (no `--replace`).
    KeysNotImported,
    /// A command failed and the import stopped; `error` says which.
    Interrupted,
}

/// Keys the cluster already had, which were not imported.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BusyKeys {
    /// How many.
    pub count: u64,
    /// The first few names (at most [`BUSY_KEYS_SHOWN`]), lossily decoded as UTF-8.
    pub first: Vec<String>,
}

/// What `import` did: the JSON document (with the check added) and the text summary.
#[derive(Debug, Clone, Serialize)]
pub struct ImportDocument {
    /// How it ended.
    pub outcome: ImportOutcome,
    /// The source, as given on the command line.
    pub source: String,
    /// Keys migrated into the cluster.
    pub imported: u64,
    /// Keys the source no longer had when their turn came (expired or deleted meanwhile).
    pub skipped: u64,
    /// Keys left alone because the cluster already had them.
    pub busy_keys: BusyKeys,
    /// Keys left on the source because the cluster's servers cannot load them.
    pub uncarried_keys: BusyKeys,
    /// Why, per reason.
    pub uncarried_reasons: BTreeMap<String, u64>,
    /// Keys left on the source because they were written again each time they were copied.
    pub changing_keys: BusyKeys,
    /// Keys copied again because they were written on the source during their copy (DUMP and
    /// RESTORE only; MIGRATE moves a key atomically).
    pub copied_again: u64,
    /// Wall-clock time of the migration, in seconds.
    pub seconds: f64,
    /// Why the import stopped, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The closing lines: what was left out and why, then
/// `[OK] Imported N keys from HOST:PORT (M skipped, K already present)`.
pub fn write_import_summary(
    out: &mut dyn Write,
    style: Style,
    document: &ImportDocument,
) -> io::Result<()> {
    let busy = &document.busy_keys;
    if busy.count > 0 {
        let more = if busy.count > busy.first.len() as u64 {
            ", ..."
        } else {
            ""
        };
        writeln!(
            out,
            "{}",
            style.err(&format!(
                "{} keys already exist in the cluster and were not imported (--replace \
                 overwrites them): {}{more}",
                busy.count,
                busy.first.join(", ")
            ))
        )?;
    }
    let uncarried = &document.uncarried_keys;
    if uncarried.count > 0 {
        let reasons: Vec<String> = document
            .uncarried_reasons
            .iter()
            .map(|(reason, count)| format!("{count} × {reason}"))
            .collect();
        writeln!(
            out,
            "{}",
            style.err(&format!(
                "{} keys cannot be loaded by the cluster's servers and stay on the source ({}): \
                 {}",
                uncarried.count,
                reasons.join("; "),
                uncarried.first.join(", ")
            ))
        )?;
    }
    let changing = &document.changing_keys;
    if changing.count > 0 {
        writeln!(
            out,
            "{}",
            style.err(&format!(
                "{} keys were written on the source each time they were copied and stay there \
                 (re-run the import once writes stop): {}",
                changing.count,
                changing.first.join(", ")
            ))
        )?;
    }
    if let Some(error) = &document.error {
        writeln!(
            out,
            "{}",
            style.err(&format!("The import stopped: {error}"))
        )?;
    }
    let summary = format!(
        "Imported {} keys from {} ({} skipped, {} already present)",
        document.imported, document.source, document.skipped, busy.count
    );
    let line = match document.outcome {
        ImportOutcome::Imported => style.ok(&summary),
        ImportOutcome::KeysNotImported | ImportOutcome::Interrupted => style.err(&summary),
    };
    writeln!(out, "{line}")
}
