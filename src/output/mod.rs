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
mod file;
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
pub use file::{write_executable_atomically, write_file_atomically};
pub use import::{BUSY_KEYS_SHOWN, BusyKeys, ImportDocument, ImportOutcome, write_import_summary};
pub use info::{InfoDocument, InfoReport, write_info_text};
pub use lease::{holder_text, lease_refusal, lease_warnings};
pub use metrics::{exposition, write_exposition};
pub use migrate::{MigrateDocument, write_moves_text, write_summary_text};
pub use plan::{PlanOutError, PlannedDocument, save_plan};
pub use progress::Progress;
pub use rdb_file::{FileError, PARTIAL_SUFFIX, PartialRdb, VerifiedRdb};
pub use reconcile::{ReconcileDocument, ReconcileOutcome, write_reconcile_plan};
pub use restore::{
    RestoreDocument, RestoreOutcome, SourceDocument, write_restore_summary, write_source_text,
};

/// Writing to stdout failed (a closed pipe ends the run quietly: see
/// [`OutputError::is_broken_pipe`]).
#[derive(Debug, thiserror::Error)]
#[error("cannot write output: {0}")]
pub struct OutputError(#[from] pub io::Error);

impl OutputError {
    /// Whether stdout was closed (`rtrib info | head -1`).
    pub fn is_broken_pipe(&self) -> bool {
        self.0.kind() == io::ErrorKind::BrokenPipe
    }
}

impl From<serde_json::Error> for OutputError {
    fn from(error: serde_json::Error) -> Self {
        OutputError(io::Error::from(error))
    }
}

impl From<OutputError> for io::Error {
    fn from(error: OutputError) -> Self {
        error.0
    }
}

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
    ) -> Result<(), OutputError> {
        let mut stdout = io::stdout().lock();
        render(&mut stdout, self.style)?;
        Ok(stdout.flush()?)
    }

    /// A progress step (`>>> text`), printed only in text mode: JSON output is one document.
    pub fn step(&self, text: &str) -> Result<(), OutputError> {
        self.line(&self.style.step(text))
    }

    /// A plain progress line, printed only in text mode.
    pub fn line(&self, text: &str) -> Result<(), OutputError> {
        if self.format != OutputFormat::Text {
            return Ok(());
        }
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{text}")?;
        Ok(stdout.flush()?)
    }

    /// Writes metric families to stdout in the Prometheus text exposition format.
    pub fn metrics(&self, families: &[crate::cluster::metrics::Family]) -> Result<(), OutputError> {
        let mut stdout = io::stdout().lock();
        write_exposition(&mut stdout, families)?;
        Ok(stdout.flush()?)
    }

    /// Writes one pretty-printed JSON document and a newline to stdout.
    pub fn json<T: Serialize>(&self, document: &T) -> Result<(), OutputError> {
        let mut stdout = io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, document)?;
        writeln!(stdout)?;
        Ok(stdout.flush()?)
    }
}
