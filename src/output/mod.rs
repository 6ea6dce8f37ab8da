//! The only writer of stdout: human text (in the shapes redis-cli scripts already grep) or one
//! JSON document with `--output json`.
//!
//! Colour is used only when stdout is a terminal and `NO_COLOR` is not set. Errors and logs go
//! to stderr, never here.

mod call;
mod check;
mod create;
mod import;
mod info;
mod migrate;

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::cli::OutputFormat;

pub use call::{CallDocument, NodeReply, TimeoutResult, write_call_text, write_timeout_text};
pub use check::{CheckDocument, ConvergenceDocument, NodeDocument, write_check_text};
pub use create::{CreateDocument, CreateOutcome, write_create_plan};
pub use import::{BUSY_KEYS_SHOWN, BusyKeys, ImportDocument, ImportOutcome, write_import_summary};
pub use info::{InfoDocument, write_info_text};
pub use migrate::{MigrateDocument, Progress, write_moves_text, write_summary_text};

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
        if self.is_json() {
            return Ok(());
        }
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{text}")?;
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
