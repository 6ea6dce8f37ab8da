//! Progress on stderr while slots or keys move (`reshard`, `rebalance`, `fix`, `apply`,
//! `import`, `restore`), while RDB files arrive (`backup`, bytes per shard), or while they are
//! read before a restore writes anything (bytes of all files).
//!
//! On a terminal, a bar redrawn in place every [`REDRAW_EVERY`]. Without one (a Job's
//! `kubectl logs`, a CI log, a pipe), a line every [`LINE_EVERY`] (or `RTRIB_PROGRESS_EVERY`)
//! and, when at least one was printed, one when the work ends, each a complete sentence a log
//! keeps. Shorter work prints nothing: scripts that treat any stderr output as a failure (the
//! peers' tcl suites `exec` rtrib) see a quick move as redis-cli's, silent.
//!
//! ```text
//! progress: 120/4096 slots, 35000 keys, 8200 keys/s, 2m10s left
//! progress: 4096/4096 slots, 1000000 keys, 81300 keys/s, finished after 12.3s
//! progress: 1509/8000 slots, 27634 keys, 9961 keys/s, stopped after 2.8s
//! progress: 35000/100000 keys, 8200 keys/s, 8s left
//! progress: 12.0 MiB received, 4.1 MiB/s: 10.0.0.1:6379 4.0/6.0 MiB, 10.0.0.2:6379 8.0 MiB
//! progress: 1.2/4.0 GiB read, 310.5 MiB/s, 9.2s left
//! ```
//!
//! `-q` shows neither.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::io::{self, IsTerminal, Write};
use std::pin::pin;
use std::time::{Duration, Instant};

use futures_util::future::{Either, select};

use super::backup::human_bytes;
use crate::net::migrate::Observer;
use crate::net::notice;

/// How often a progress line is printed without a terminal, unless `RTRIB_PROGRESS_EVERY`
/// says otherwise (a duration: `30s`, `500ms`).
pub const LINE_EVERY: Duration = notice::GRACE;

/// How often the bar is redrawn on a terminal.
const REDRAW_EVERY: Duration = Duration::from_millis(200);

/// The width of the bar, between its brackets.
const BAR_WIDTH: u64 = 30;

/// The interval between progress lines: `RTRIB_PROGRESS_EVERY`, else [`LINE_EVERY`].
fn line_every() -> Duration {
    std::env::var("RTRIB_PROGRESS_EVERY")
        .ok()
        .and_then(|text| crate::cli::parse_duration(&text).ok())
        .filter(|every| !every.is_zero())
        .unwrap_or(LINE_EVERY)
}

/// What is counted against the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// Slot moves (keys are counted too, without a total).
    Slots,
    /// Keys (`import`).
    Keys,
    /// Bytes received, per shard (`backup`).
    Bytes,
    /// Bytes read, of all files (`restore`'s reading of its source).
    Read,
}

/// One shard of a backup: its name, the bytes received, and how many are coming when the
/// node said.
#[derive(Debug, Clone)]
struct ShardBytes {
    name: String,
    received: u64,
    expected: Option<u64>,
}

/// Progress of one batch of work; see the module docs.
pub struct Progress {
    unit: Unit,
    total: u64,
    /// Whether a bar is redrawn in place, on a terminal.
    bar: bool,
    /// Lines, without a terminal.
    lines: bool,
    /// Whether a periodic line was printed (then the last line follows).
    said: Cell<bool>,
    slots: Cell<u64>,
    keys: Cell<u64>,
    read: Cell<u64>,
    shards: RefCell<Vec<ShardBytes>>,
    started: Instant,
}

impl Progress {
    /// Progress of `total` slot moves.
    pub fn slots(total: usize) -> Self {
        Self::new(Unit::Slots, total as u64)
    }

    /// Progress of `total` keys.
    pub fn keys(total: u64) -> Self {
        Self::new(Unit::Keys, total)
    }

    /// Progress of reading `total` bytes of files.
    pub fn read(total: u64) -> Self {
        Self::new(Unit::Read, total)
    }

    /// Sets the bytes read so far (for work counted in bytes read).
    pub fn read_so_far(&self, bytes: u64) {
        self.read.set(bytes);
    }

    /// Progress of the RDB files of `shards` (their names), received concurrently.
    pub fn bytes(shards: &[String]) -> Self {
        let progress = Self::new(Unit::Bytes, 0);
        *progress.shards.borrow_mut() = shards
            .iter()
            .map(|name| ShardBytes {
                name: name.clone(),
                received: 0,
                expected: None,
            })
            .collect();
        progress
    }

    /// Shard `index` will send `expected` bytes (when its node said so).
    pub fn shard_expects(&self, index: usize, expected: Option<u64>) {
        if let Some(shard) = self.shards.borrow_mut().get_mut(index) {
            shard.expected = expected;
        }
    }

    /// Shard `index` has sent `received` bytes so far.
    pub fn shard_received(&self, index: usize, received: u64) {
        if let Some(shard) = self.shards.borrow_mut().get_mut(index) {
            shard.received = received;
        }
    }

    fn new(unit: Unit, total: u64) -> Self {
        let shown = !notice::is_quiet();
        let terminal = io::stderr().is_terminal();
        Self {
            unit,
            total,
            bar: shown && terminal,
            lines: shown && !terminal,
            said: Cell::new(false),
            slots: Cell::new(0),
            keys: Cell::new(0),
            read: Cell::new(0),
            shards: RefCell::new(Vec::new()),
            started: Instant::now(),
        }
    }

    /// Runs `work`, showing its progress meanwhile; then removes the bar, or prints the last
    /// line.
    pub async fn during<T>(&self, work: impl Future<Output = T>) -> T {
        let done = match select(pin!(work), pin!(self.tick())).await {
            Either::Left((done, _)) => done,
            Either::Right((never, _)) => match never {},
        };
        if self.bar {
            draw_in_place("");
        }
        if self.lines && self.said.get() {
            notice::say(&self.line(true));
        }
        done
    }

    /// Sets the keys done so far (for work counted in keys).
    pub fn keys_done(&self, keys: u64) {
        self.keys.set(keys);
    }

    /// The bar redrawn every [`REDRAW_EVERY`] on a terminal, or a line every [`LINE_EVERY`]
    /// without one; forever.
    async fn tick(&self) -> Infallible {
        if self.bar {
            loop {
                tokio::time::sleep(REDRAW_EVERY).await;
                draw_in_place(&self.bar_text());
            }
        }
        if !self.lines {
            return std::future::pending().await;
        }
        let every = line_every();
        loop {
            tokio::time::sleep(every).await;
            notice::say(&self.line(false));
            self.said.set(true);
        }
    }

    /// What the bar shows: `00:01:02 [=========>          ] 120/4096 slots, 35000 keys, ...`
    /// (the elapsed time and the progress line; backups, without a total, have no bar).
    fn bar_text(&self) -> String {
        let line = self.line(false);
        let body = line.strip_prefix("progress: ").unwrap_or(&line);
        let elapsed = self.started.elapsed().as_secs();
        let clock = format!(
            "{:02}:{:02}:{:02}",
            elapsed / 3600,
            elapsed / 60 % 60,
            elapsed % 60
        );
        if self.unit == Unit::Bytes || self.total == 0 {
            return format!("{clock} {body}");
        }
        let filled = (self.done().min(self.total) * BAR_WIDTH / self.total) as usize;
        let width = BAR_WIDTH as usize;
        let arrow = match filled < width {
            true => ">",
            false => "",
        };
        let empty = width.saturating_sub(filled + arrow.len());
        format!(
            "{clock} [{}{arrow}{}] {body}",
            "=".repeat(filled),
            " ".repeat(empty)
        )
    }

    /// The work done so far, in the unit counted against the total.
    fn done(&self) -> u64 {
        match self.unit {
            Unit::Slots => self.slots.get(),
            Unit::Keys => self.keys.get(),
            Unit::Read => self.read.get(),
            Unit::Bytes => self.shards.borrow().iter().map(|s| s.received).sum(),
        }
    }

    /// The shards' bytes: `10.0.0.1:6379 4.0/6.0 MiB, 10.0.0.2:6379 8.0 MiB`.
    fn shards_text(&self) -> String {
        self.shards
            .borrow()
            .iter()
            .map(|shard| match shard.expected {
                Some(expected) => {
                    format!("{} {}", shard.name, bytes_of(shard.received, expected))
                }
                None => format!("{} {}", shard.name, human_bytes(shard.received)),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One line of backup progress; `last`: the work has ended.
    fn bytes_line(&self, last: bool) -> String {
        let elapsed = self.started.elapsed();
        let received = self.done();
        let rate = human_bytes((received as f64 / elapsed.as_secs_f64().max(0.001)) as u64);
        let when = match last {
            true => format!(", after {}", Clock(elapsed)),
            false => String::new(),
        };
        format!(
            "progress: {} received, {rate}/s{when}: {}",
            human_bytes(received),
            self.shards_text()
        )
    }

    /// One progress line; `last`: the work has ended.
    fn line(&self, last: bool) -> String {
        if self.unit == Unit::Bytes {
            return self.bytes_line(last);
        }
        let elapsed = self.started.elapsed();
        let keys = self.keys.get();
        let counted = match self.unit {
            Unit::Slots => format!("{}/{} slots, {keys} keys", self.slots.get(), self.total),
            Unit::Keys | Unit::Bytes => format!("{keys}/{} keys", self.total),
            Unit::Read => format!("{} read", bytes_of(self.read.get(), self.total)),
        };
        let rate = match self.unit {
            Unit::Read => {
                let per_second = self.read.get() as f64 / elapsed.as_secs_f64().max(0.001);
                format!("{}/s", human_bytes(per_second as u64))
            }
            _ => format!("{:.0} keys/s", keys_per_second(keys, elapsed)),
        };
        let when = match (last, self.done()) {
            (true, done) if done >= self.total => format!("finished after {}", Clock(elapsed)),
            (true, _) => format!("stopped after {}", Clock(elapsed)),
            (false, 0) => "time left not known yet".to_string(),
            (false, done) => {
                let left = elapsed.mul_f64(self.total.saturating_sub(done) as f64 / done as f64);
                format!("{} left", Clock(left))
            }
        };
        format!("progress: {counted}, {rate}, {when}")
    }
}

impl Observer for Progress {
    fn keys_moved(&self, count: u64) {
        self.keys.set(self.keys.get() + count);
    }

    fn slot_moved(&self) {
        self.slots.set(self.slots.get() + 1);
    }
}

/// Replaces the terminal's current line with `text`, cut to the terminal's width (a line
/// that wraps could not be redrawn in place). A stderr that cannot be written is not worth
/// failing a command for.
fn draw_in_place(text: &str) {
    let (_, columns) = console::Term::stderr().size();
    let shown: String = text.chars().take(usize::from(columns.max(1)) - 1).collect();
    let mut stderr = io::stderr().lock();
    let _ = write!(stderr, "\r{shown}\x1b[K");
    let _ = stderr.flush();
}

/// `done` of `whole` bytes, both in `whole`'s unit, one decimal: `4.0/6.0 MiB`.
fn bytes_of(done: u64, whole: u64) -> String {
    let whole = human_bytes(whole);
    let unit = whole.rsplit(' ').next().unwrap_or_default();
    let power = ["B", "KiB", "MiB", "GiB", "TiB"]
        .iter()
        .position(|u| *u == unit)
        .unwrap_or(0);
    let part = match power {
        0 => done.to_string(),
        _ => format!("{:.1}", done as f64 / 1024f64.powi(power as i32)),
    };
    format!("{part}/{whole}")
}

/// Keys per second over `elapsed`.
pub(super) fn keys_per_second(keys: u64, elapsed: Duration) -> f64 {
    keys as f64 / elapsed.as_secs_f64().max(0.001)
}

/// A duration as a log line shows it: `12.3s`, `2m10s`, `1h05m`.
struct Clock(Duration);

impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seconds = self.0.as_secs();
        match seconds {
            0..60 => write!(f, "{:.1}s", self.0.as_secs_f64()),
            60..3600 => write!(f, "{}m{:02}s", seconds / 60, seconds % 60),
            _ => write!(f, "{}h{:02}m", seconds / 3600, seconds % 3600 / 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_clocks() {
        assert_eq!(Clock(Duration::from_millis(12_340)).to_string(), "12.3s");
        assert_eq!(Clock(Duration::from_secs(130)).to_string(), "2m10s");
        assert_eq!(Clock(Duration::from_secs(3900)).to_string(), "1h05m");
    }

    #[test]
    fn a_line_counts_slots_and_keys_and_estimates_the_time_left() {
        let progress = Progress::slots(4);
        progress.keys_moved(10);
        assert!(
            progress
                .line(false)
                .starts_with("progress: 0/4 slots, 10 keys, ")
        );
        assert!(progress.line(false).ends_with(", time left not known yet"));
        progress.slot_moved();
        assert!(progress.line(false).ends_with(" left"));
        assert!(progress.line(true).contains(", stopped after "));
        for _ in 0..3 {
            progress.slot_moved();
        }
        assert!(progress.line(true).contains(", finished after "));
        let backup = Progress::bytes(&["a:1".into(), "b:2".into()]);
        backup.shard_expects(0, Some(6 << 20));
        backup.shard_received(0, 4 << 20);
        backup.shard_received(1, 8 << 20);
        let line = backup.line(false);
        assert!(line.starts_with("progress: 12.0 MiB received, "), "{line}");
        assert!(line.ends_with(": a:1 4.0/6.0 MiB, b:2 8.0 MiB"), "{line}");
        assert!(backup.line(true).contains("/s, after "));
        let import = Progress::keys(100);
        import.keys_done(40);
        assert!(import.line(false).starts_with("progress: 40/100 keys, "));
        let reading = Progress::read(4 << 30);
        reading.read_so_far(1 << 30);
        let line = reading.line(false);
        assert!(line.starts_with("progress: 1.0/4.0 GiB read, "), "{line}");
        assert!(line.contains("/s, ") && line.ends_with(" left"), "{line}");
        reading.read_so_far(4 << 30);
        assert!(reading.line(true).contains(", finished after "));
    }

    #[test]
    fn the_bar_fills_with_the_work_done_and_shows_the_line() {
        let progress = Progress::slots(4);
        progress.slot_moved();
        progress.slot_moved();
        let half = progress.bar_text();
        let expected = format!(
            " [{}>{}] 2/4 slots, 0 keys, ",
            "=".repeat(15),
            " ".repeat(14)
        );
        assert!(
            half.starts_with("00:00:00") && half.contains(&expected),
            "{half}"
        );
        progress.slot_moved();
        progress.slot_moved();
        let full = format!(" [{}] 4/4 slots, ", "=".repeat(30));
        assert!(
            progress.bar_text().contains(&full),
            "{}",
            progress.bar_text()
        );
        let backup = Progress::bytes(&["a:1".into()]);
        assert!(!backup.bar_text().contains('['), "{}", backup.bar_text());
    }
}
