//! The jobs a server runs to move slots atomically (Valkey ≥ 9.0): one entry of
//! `CLUSTER GETSLOTMIGRATIONS` ([`SlotMigration`]) and where it stands ([`JobState`]).
//!
//! A leaf: the topology holds each node's log of jobs, and `cluster::atomic` plans and
//! follows them.

use serde::Serialize;

use super::slots::{SlotSet, parse_range};
use super::view::NodeId;

/// Where a server's migration job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Still running (connecting, snapshotting, streaming, pausing, failing over).
    Running,
    /// The target owns the slots.
    Success,
    /// Failed, or cancelled: nothing moved.
    Failed,
}

/// One entry of `CLUSTER GETSLOTMIGRATIONS`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotMigration {
    /// The job's name (the same on source and target).
    pub name: String,
    /// Whether this node is the job's source (`EXPORT`), not its target (`IMPORT`).
    #[serde(skip)]
    pub export: bool,
    /// The source primary.
    pub source: NodeId,
    /// The target primary.
    pub target: NodeId,
    /// The slots.
    pub slots: SlotSet,
    /// The server's state name (`waiting-to-pause`, `success`, `failed`, `cancelled`...).
    pub state: String,
    /// The server's message (why it failed).
    pub message: String,
    /// When the job was created (Unix seconds, the server's clock).
    pub create_time: u64,
}

impl SlotMigration {
    /// Reads one entry from its `field, value` pairs; `None` when a field it needs is
    /// missing or malformed.
    pub fn from_fields<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<Self> {
        let (mut name, mut export, mut source, mut target) = (None, None, None, None);
        let (mut slots, mut state, mut message, mut create_time) = (None, None, None, 0);
        for (field, value) in fields {
            match field {
                "name" => name = Some(value.to_string()),
                "operation" => export = Some(value.eq_ignore_ascii_case("EXPORT")),
                "source_node" => source = Some(NodeId::new(value)),
                "target_node" => target = Some(NodeId::new(value)),
                "slot_ranges" => slots = parse_slot_ranges(value),
                "state" => state = Some(value.to_string()),
                "message" => message = Some(value.to_string()),
                "create_time" => create_time = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        Some(SlotMigration {
            name: name?,
            export: export?,
            source: source?,
            target: target?,
            slots: slots?,
            state: state?,
            message: message.unwrap_or_default(),
            create_time,
        })
    }

    /// Where the job stands.
    pub fn job_state(&self) -> JobState {
        match self.state.as_str() {
            "success" => JobState::Success,
            "failed" | "cancelled" => JobState::Failed,
            _ => JobState::Running,
        }
    }

    /// Why the job failed, in the server's words: `cancelled: ...` or `failed: ...`.
    pub fn reason(&self) -> String {
        match self.message.trim() {
            "" => format!("the server's migration job {} {}", self.name, self.state),
            message => format!(
                "the server's migration job {} {}: {message}",
                self.name, self.state
            ),
        }
    }
}

/// Parses `slot_ranges` of `GETSLOTMIGRATIONS`: `0-99 200-299`.
fn parse_slot_ranges(text: &str) -> Option<SlotSet> {
    let mut slots = SlotSet::new();
    for piece in text.split_whitespace() {
        let (start, end) = parse_range(piece).ok()?;
        slots.insert_range(start, end);
    }
    Some(slots)
}
