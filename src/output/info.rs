//! `rtrib info`: a table of masters with their keys, slots and replicas, and the totals.

use std::io::{self, Write};

use comfy_table::{CellAlignment, Table, presets};
use serde::Serialize;

use super::Style;
use super::check::{NodeDocument, Totals, keys_of, replica_count};
use crate::cluster::check::Topology;
use crate::cluster::slots::SLOT_COUNT;

/// The table of masters, then redis-cli's totals lines.
pub fn write_info_text(out: &mut dyn Write, style: Style, topology: &Topology) -> io::Result<()> {
    let mut table = Table::new();
    table.load_style(presets::ASCII_MARKDOWN);
    table.set_header(vec!["master", "id", "keys", "slots", "replicas"]);
    for report in topology.nodes.iter().filter(|r| r.entry.is_master()) {
        table.add_row(vec![
            report.endpoint.to_string(),
            report.entry.id.to_string(),
            keys_of(report).map_or_else(|| "unreachable".to_string(), |k| k.to_string()),
            report.entry.slots.len().to_string(),
            replica_count(topology, &report.entry.id).to_string(),
        ]);
    }
    let totals = Totals::of(topology);
    table.add_row(vec![
        "total".to_string(),
        String::new(),
        totals.keys.to_string(),
        totals.slots.to_string(),
        totals.replicas.to_string(),
    ]);
    for column in 2..5 {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{table}")?;
    totals.write(out, style)
}

/// The JSON document of `rtrib info`.
#[derive(Debug, Serialize)]
pub struct InfoDocument {
    masters: Vec<NodeDocument>,
    total_keys: u64,
    total_slots: usize,
    total_replicas: usize,
    keys_per_slot: f64,
}

impl InfoDocument {
    /// Gathers the masters and totals.
    pub fn new(topology: &Topology) -> Self {
        let totals = Totals::of(topology);
        Self {
            masters: topology
                .nodes
                .iter()
                .filter(|r| r.entry.is_master())
                .map(|r| NodeDocument::new(topology, r))
                .collect(),
            total_keys: totals.keys,
            total_slots: totals.slots,
            total_replicas: totals.replicas,
            keys_per_slot: totals.keys as f64 / SLOT_COUNT as f64,
        }
    }
}
