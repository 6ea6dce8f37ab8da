//! The only writer of stdout: human text (in the shapes redis-cli scripts already grep) or one
//! JSON document with `--output json`.
//!
//! Colour is used only when stdout is a terminal and `NO_COLOR` is not set. Errors and logs go
//! to stderr, never here.

mod backup;
mod balance;
mod call;
mod check;
mod create;
mod failover;
mod import;
mod info;
mod lease;
mod metrics;
mod migrate;
mod picture;
mod plan;
mod progress;
mod rdb_file;
mod reconcile;
mod restore;

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use serde::Serialize;

use crate::cli::OutputFormat;

pub use backup::{
    BackupDocument, ClusterShape, FileEntry, MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION,
    Manifest, NODES_FILE, NodeRef, human_bytes, nodes_json, rdb_file_name, utc, write_backup_text,
};
pub use balance::{BalanceDocument, measure_noun, write_shares_text};
pub use call::{CallDocument, NodeReply, TimeoutResult, write_call_text, write_timeout_text};
pub use check::{
    CheckDocument, ConvergenceDocument, NodeDocument, write_check_text, write_master_summary,
};
pub use create::{CreateDocument, CreateOutcome, write_create_plan};
pub use failover::{
    FailoverDocument, NodeName, PlacementDocument, write_placement_text, write_role_moves,
};
pub use import::{BUSY_KEYS_SHOWN, BusyKeys, ImportDocument, ImportOutcome, write_import_summary};
pub use info::{InfoDocument, InfoReport, write_info_text};
pub use lease::{holder_text, lease_refusal, lease_warnings};
pub use metrics::{exposition, write_exposition};
pub use migrate::{MigrateDocument, write_moves_text, write_summary_text};
pub use plan::{PlannedDocument, write_planned};
pub use progress::Progress;
pub use rdb_file::{FileError, PARTIAL_SUFFIX, PartialRdb, VerifiedRdb};
pub use reconcile::{ReconcileDocument, ReconcileOutcome, write_reconcile_plan};
pub use restore::{
    RestoreDocument, RestoreOutcome, SourceDocument, write_restore_summary, write_source_text,
};

/// Decides how text is decorated.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Plain text, no escape codes.
    pub const PLAIN: Style = Style { color: false };

    /// `[OK] ...`, green when coloured.
    pub fn ok(&self, text: &str) -> String {
        self.paint("32", &format!("[OK] {text}"))
    }

    /// `[ERR] ...`, red when coloured.
    pub fn err(&self, text: &str) -> String {
        self.paint("31;1", &format!("[ERR] {text}"))
    }

    /// `[WARNING] ...`, yellow when coloured.
    pub fn warn(&self, text: &str) -> String {
        self.paint("33", &format!("[WARNING] {text}"))
    }

    /// `>>> ...`, bold when coloured: a step or section header.
    pub fn step(&self, text: &str) -> String {
        self.paint("1", &format!(">>> {text}"))
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Where results go: stdout, as text or JSON.
#[derive(Debug)]
pub struct Output {
    format: OutputFormat,
    style: Style,
}

impl Output {
    /// Text is coloured only on a terminal without `NO_COLOR`.
    pub fn new(format: OutputFormat) -> Self {
        let color = io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
        Self {
            format,
            style: Style { color },
        }
    }

    /// True when the user asked for `--output json`.
    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// True when the user asked for `--output prometheus`.
    pub fn is_prometheus(&self) -> bool {
        self.format == OutputFormat::Prometheus
    }

    /// The text decoration in force.
    pub fn style(&self) -> Style {
        self.style
    }

    /// Writes text produced by `render` to stdout.
    pub fn text(
        &self,
        render: impl FnOnce(&mut dyn Write, Style) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut stdout = io::stdout().lock();
        render(&mut stdout, self.style)?;
        stdout.flush()
    }

    /// A progress step (`>>> text`), printed only in text mode: JSON output is one document.
    pub fn step(&self, text: &str) -> io::Result<()> {
        self.line(&self.style.step(text))
    }

    /// A plain progress line, printed only in text mode.
    pub fn line(&self, text: &str) -> io::Result<()> {
        if self.format != OutputFormat::Text {
            return Ok(());
        }
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{text}")?;
        stdout.flush()
    }

    /// Writes metric families to stdout in the Prometheus text exposition format.
    pub fn metrics(&self, families: &[crate::cluster::metrics::Family]) -> io::Result<()> {
        let mut stdout = io::stdout().lock();
        write_exposition(&mut stdout, families)?;
        stdout.flush()
    }

    /// Writes one pretty-printed JSON document and a newline to stdout.
    pub fn json<T: Serialize>(&self, document: &T) -> io::Result<()> {
        let mut stdout = io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, document).map_err(io::Error::from)?;
        writeln!(stdout)?;
        stdout.flush()
    }
}

/// Replaces the file at `path` with `bytes` atomically: they are written to a temporary file
/// in the same directory (a name starting with `.`, so that node_exporter's textfile collector,
/// which reads `*.prom`, never sees it half written), flushed to disk, then renamed over
/// `path`. Readers see the old content or the new one, never a mix.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = directory.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::write_file_atomically;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rtrib.prom");
        std::fs::write(&path, "old").unwrap();
        write_file_atomically(&path, b"new content").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new content");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        let missing = dir.path().join("no-such-dir").join("x.prom");
        assert!(write_file_atomically(&missing, b"x").is_err());
    }
}
