//! `rtrib info`: a table of masters with their keys, memory, slots and replicas; the skew at a
//! glance (the slots as a strip coloured by owner, a bar per master for the chosen measure,
//! the heaviest slots with their owners), every slot's figures on request, and redis-cli's
//! totals lines last.

use std::io::{self, Write};

use comfy_table::{CellAlignment, Table, presets};
use serde::Serialize;

use super::Style;
use super::check::{NodeDocument, Totals, keys_of, replica_count};
use super::picture::{STRIP_CELLS, in_colour, letter, write_bars, write_strip};
use crate::cluster::load::{Measure, SlotWeights};
use crate::cluster::slots::{SLOT_COUNT, Slot};
use crate::cluster::topology::{NodeReport, Topology};
use crate::cluster::view::NodeId;
use crate::net::load::{ClusterLoad, MEMORY_SAMPLES, MasterLoad, Method};

/// What `rtrib info` shows.
pub struct InfoReport<'a> {
    /// The cluster.
    pub topology: &'a Topology,
    /// The per-slot figures and every master's memory.
    pub load: &'a ClusterLoad,
    /// The slots weighed by the measure `--by` chose.
    pub weights: &'a SlotWeights,
    /// The heaviest slots by that measure (keys for `--by slots`), heaviest first, with one
    /// key of each (`None`: not read).
    pub heaviest: Vec<(Slot, Option<Vec<u8>>)>,
    /// Whether every slot's figures are listed.
    pub by_slot: bool,
}

impl InfoReport<'_> {
    /// The masters, in topology order, with their figures.
    fn masters(&self) -> impl Iterator<Item = (usize, &NodeReport, Option<&MasterLoad>)> {
        self.topology.masters().enumerate().map(|(index, node)| {
            let load = self.load.masters.iter().find(|m| m.node == *node.id());
            (index, node, load)
        })
    }

    /// The index (in [`Self::masters`] order) of the master serving each slot.
    fn owners(&self) -> Vec<Option<usize>> {
        let mut owners = vec![None; SLOT_COUNT];
        for (index, node, _) in self.masters() {
            for slot in node.entry.slots.iter() {
                owners[usize::from(slot)] = Some(index);
            }
        }
        owners
    }

    fn total_used_memory(&self) -> u64 {
        self.load.masters.iter().filter_map(|m| m.used_memory).sum()
    }

    /// The weights the heaviest slots are ranked by.
    fn ranking_weights(&self) -> Option<SlotWeights> {
        self.load
            .figures
            .weights(self.weights.measure().ranked_by())
    }
}

/// The whole report as text; see the module docs.
pub fn write_info_text(out: &mut dyn Write, style: Style, report: &InfoReport) -> io::Result<()> {
    let topology = report.topology;
    let totals = Totals::of(topology);
    let used_total = report.total_used_memory();
    let mut table = Table::new();
    table.load_style(presets::ASCII_MARKDOWN);
    table.set_header(vec![
        "master", "id", "keys", "keys %", "memory", "memory %", "slots", "replicas", "server",
    ]);
    for (index, node, load) in report.masters() {
        let keys = keys_of(node);
        let used = load.and_then(|l| l.used_memory);
        table.add_row(vec![
            format!("{} {}", letter(index), node.endpoint),
            node.entry.id.to_string(),
            keys.map_or_else(|| "unreachable".to_string(), |k| k.to_string()),
            keys.map_or_else(String::new, |k| percent_text(k, totals.keys)),
            used.map_or_else(String::new, bytes_text),
            used.map_or_else(String::new, |u| percent_text(u, used_total)),
            node.entry.slots.len().to_string(),
            replica_count(topology, &node.entry.id).to_string(),
            node.server().map_or_else(String::new, ToString::to_string),
        ]);
    }
    table.add_row(vec![
        "total".to_string(),
        String::new(),
        totals.keys.to_string(),
        String::new(),
        bytes_text(used_total),
        String::new(),
        totals.slots.to_string(),
        totals.replicas.to_string(),
        String::new(),
    ]);
    align_right(&mut table, 2..8);
    writeln!(out, "{table}")?;
    for (_, node, load) in report.masters() {
        if let Some(error) = load.and_then(|l| l.error.as_ref()) {
            let text = format!(
                "{}: per-slot figures not read: {}",
                node.endpoint,
                error.reason()
            );
            writeln!(out, "{}", style.warn(&text))?;
        }
    }

    let owners = report.owners();
    let count = report.masters().count();
    writeln!(
        out,
        "{}",
        style.step(&format!(
            "Slots by master (each cell is {} slots; {}: shared with other masters)",
            SLOT_COUNT / STRIP_CELLS,
            if style.color { "▒" } else { "lower case" }
        ))
    )?;
    write_strip(out, style, &owners, count)?;

    let measure = report.weights.measure();
    writeln!(
        out,
        "{}",
        style.step(&format!("{} by master", title(measure)))
    )?;
    let total = report.weights.total();
    let rows: Vec<(usize, String, u64, String)> = report
        .masters()
        .map(|(index, node, _)| {
            let value = report.weights.total_of(&node.entry.slots);
            let figure = format!(
                "{:>12} {:>7}",
                figure_text(measure, value),
                percent_text(value, total)
            );
            (index, node.endpoint.to_string(), value, figure)
        })
        .collect();
    write_bars(out, style, &rows)?;

    if let Some(ranking) = report.ranking_weights() {
        write_heaviest(out, style, report, &owners, &ranking)?;
    }
    if report.by_slot {
        write_every_slot(out, style, report, &owners)?;
    }
    totals.write(out, style)
}

/// Right-aligns the `columns` of `table` (the figures).
pub(super) fn align_right(table: &mut Table, columns: std::ops::Range<usize>) {
    for column in columns {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// The heaviest slots with their owners and a key of each.
fn write_heaviest(
    out: &mut dyn Write,
    style: Style,
    report: &InfoReport,
    owners: &[Option<usize>],
    ranking: &SlotWeights,
) -> io::Result<()> {
    if report.heaviest.is_empty() {
        return Ok(());
    }
    let measure = ranking.measure();
    writeln!(
        out,
        "{}",
        style.step(&format!("Heaviest slots by {}", measure.name()))
    )?;
    let endpoints: Vec<String> = report
        .masters()
        .map(|(_, node, _)| node.endpoint.to_string())
        .collect();
    let width = endpoints.iter().map(String::len).max().unwrap_or(0) + 2;
    writeln!(
        out,
        "  {:>5}  {:>12}  {:>6}  {:<width$}  sample key",
        "slot",
        measure.name(),
        "of all",
        "master"
    )?;
    let total = ranking.total();
    for (slot, sample) in &report.heaviest {
        let value = ranking.of(*slot);
        let owner = owners[usize::from(*slot)];
        let master = owner.map_or_else(
            || "nobody".to_string(),
            |i| format!("{} {}", letter(i), endpoints[i]),
        );
        let padded = format!("{master:<width$}");
        let master = owner.map_or(padded.clone(), |i| in_colour(style, i, &padded));
        writeln!(
            out,
            "  {slot:>5}  {:>12}  {:>6}  {master}  {}",
            amount_text(measure, value),
            percent_text(value, total),
            sample.as_deref().map(key_text).unwrap_or_default()
        )?;
    }
    Ok(())
}

/// Every slot holding something, with every figure read.
fn write_every_slot(
    out: &mut dyn Write,
    style: Style,
    report: &InfoReport,
    owners: &[Option<usize>],
) -> io::Result<()> {
    let figures = &report.load.figures;
    writeln!(out, "{}", style.step("Every slot holding keys"))?;
    let mut header = format!("  {:>5}  {:>6}  {:>10}", "slot", "master", "keys");
    if figures.memory.is_some() {
        header.push_str(&format!("  {:>12}", "memory"));
    }
    if figures.cpu.is_some() {
        header.push_str(&format!("  {:>12}  {:>12}", "cpu-usec", "network"));
    }
    writeln!(out, "{header}")?;
    for slot in 0..SLOT_COUNT {
        let keys = figures.keys[slot];
        let usage = figures.cpu.as_ref().map_or(0, |c| c[slot])
            + figures.network.as_ref().map_or(0, |n| n[slot]);
        if keys == 0 && usage == 0 {
            continue;
        }
        let master = owners[slot].map_or('.', letter).to_string();
        let mut line = format!("  {slot:>5}  {master:>6}  {keys:>10}");
        if let Some(memory) = &figures.memory {
            line.push_str(&format!("  {:>12}", bytes_text(memory[slot])));
        }
        if let (Some(cpu), Some(network)) = (&figures.cpu, &figures.network) {
            line.push_str(&format!(
                "  {:>12}  {:>12}",
                cpu[slot],
                bytes_text(network[slot])
            ));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The section title of a measure's bars.
fn title(measure: Measure) -> &'static str {
    match measure {
        Measure::Slots => "Slots",
        Measure::Keys => "Keys",
        Measure::Memory => "Memory (estimated from sampled MEMORY USAGE)",
        Measure::Cpu => "CPU time (slot stats)",
        Measure::Network => "Network bytes in and out (slot stats)",
    }
}

/// A value of `measure` for people: `93300 keys`, `12.1 MiB`, `3.2 s`.
pub(super) fn figure_text(measure: Measure, value: u64) -> String {
    match measure {
        Measure::Slots => format!("{value} slots"),
        Measure::Keys => format!("{value} keys"),
        Measure::Memory | Measure::Network => bytes_text(value),
        Measure::Cpu => match value {
            0..1_000 => format!("{value} µs"),
            1_000..1_000_000 => format!("{:.1} ms", value as f64 / 1e3),
            _ => format!("{:.1} s", value as f64 / 1e6),
        },
    }
}

/// A value of `measure` in a column headed by its name: counts bare, others as
/// [`figure_text`].
fn amount_text(measure: Measure, value: u64) -> String {
    match measure {
        Measure::Slots | Measure::Keys => value.to_string(),
        other => figure_text(other, value),
    }
}

/// Bytes with a binary unit: `512 B`, `12.1 MiB`.
pub(super) fn bytes_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `part` as a percentage of `whole`, one decimal: `77.8%`.
pub(super) fn percent_text(part: u64, whole: u64) -> String {
    format!("{:.1}%", percentage(part, whole))
}

fn percentage(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// A key name for a terminal: printable ASCII as it is, other bytes escaped, cut at 40.
fn key_text(key: &[u8]) -> String {
    let mut text: String = key
        .iter()
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect();
    if text.chars().count() > 40 {
        text = text.chars().take(39).collect();
        text.push('…');
    }
    text
}

/// The JSON document of `rtrib info`.
#[derive(Debug, Serialize)]
pub struct InfoDocument {
    masters: Vec<InfoMaster>,
    total_keys: u64,
    total_slots: usize,
    total_replicas: usize,
    keys_per_slot: f64,
    total_used_memory: u64,
    by: Measure,
    measures: Vec<Measure>,
    memory_samples_per_slot: Option<usize>,
    heaviest_slots: Vec<SlotDocument>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slots: Option<Vec<SlotDocument>>,
}

/// One master of `info`'s JSON: `check`'s node document plus its share of everything.
#[derive(Debug, Serialize)]
struct InfoMaster {
    #[serde(flatten)]
    node: NodeDocument,
    keys_percent: Option<f64>,
    used_memory: Option<u64>,
    used_memory_percent: Option<f64>,
    /// The `--by` measure over the slots it serves.
    load: u64,
    load_percent: f64,
    /// `slot-stats`, `countkeysinslot`, or `null` when not read.
    figures_from: Option<&'static str>,
    figures_error: Option<String>,
}

/// One slot's figures in `info`'s JSON.
#[derive(Debug, Serialize)]
struct SlotDocument {
    slot: Slot,
    owner: Option<NodeId>,
    keys: u64,
    memory: Option<u64>,
    cpu_usec: Option<u64>,
    network_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample_key: Option<String>,
}

impl InfoDocument {
    /// Gathers the masters, totals and slots of `report`.
    pub fn new(report: &InfoReport) -> Self {
        let topology = report.topology;
        let totals = Totals::of(topology);
        let used_total = report.total_used_memory();
        let weights = report.weights;
        let total = weights.total();
        let masters = report
            .masters()
            .map(|(_, node, load)| {
                let keys = keys_of(node);
                let used = load.and_then(|l| l.used_memory);
                let value = weights.total_of(&node.entry.slots);
                InfoMaster {
                    node: NodeDocument::new(topology, node),
                    keys_percent: keys.map(|k| round(percentage(k, totals.keys))),
                    used_memory: used,
                    used_memory_percent: used.map(|u| round(percentage(u, used_total))),
                    load: value,
                    load_percent: round(percentage(value, total)),
                    figures_from: load.and_then(|l| l.method).map(|m| match m {
                        Method::SlotStats { .. } => "slot-stats",
                        Method::CountKeys => "countkeysinslot",
                    }),
                    figures_error: load.and_then(|l| l.error.as_ref()).map(|e| e.reason()),
                }
            })
            .collect();
        let owners: Vec<Option<NodeId>> = {
            let ids: Vec<NodeId> = report.masters().map(|(_, n, _)| n.id().clone()).collect();
            report
                .owners()
                .into_iter()
                .map(|o| o.map(|i| ids[i].clone()))
                .collect()
        };
        let figures = &report.load.figures;
        let slot_document = |slot: Slot, sample: Option<&[u8]>| {
            let index = usize::from(slot);
            SlotDocument {
                slot,
                owner: owners[index].clone(),
                keys: figures.keys[index],
                memory: figures.memory.as_ref().map(|m| m[index]),
                cpu_usec: figures.cpu.as_ref().map(|c| c[index]),
                network_bytes: figures.network.as_ref().map(|n| n[index]),
                sample_key: sample.map(|k| String::from_utf8_lossy(k).into_owned()),
            }
        };
        Self {
            masters,
            total_keys: totals.keys,
            total_slots: totals.slots,
            total_replicas: totals.replicas,
            keys_per_slot: totals.keys as f64 / SLOT_COUNT as f64,
            total_used_memory: used_total,
            by: weights.measure(),
            measures: figures.measures(),
            memory_samples_per_slot: figures.memory.is_some().then_some(MEMORY_SAMPLES),
            heaviest_slots: report
                .heaviest
                .iter()
                .map(|(slot, sample)| slot_document(*slot, sample.as_deref()))
                .collect(),
            slots: report.by_slot.then(|| {
                (0..SLOT_COUNT as Slot)
                    .map(|slot| slot_document(slot, None))
                    .collect()
            }),
        }
    }
}

/// Two decimals, for percentages in JSON.
fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_like_people_write_them() {
        assert_eq!(bytes_text(512), "512 B");
        assert_eq!(bytes_text(12_700_000), "12.1 MiB");
        assert_eq!(figure_text(Measure::Cpu, 2_500_000), "2.5 s");
        assert_eq!(figure_text(Measure::Keys, 93_300), "93300 keys");
        assert_eq!(percent_text(1, 3), "33.3%");
        assert_eq!(percent_text(1, 0), "0.0%");
        assert_eq!(key_text(b"{tenant42}:7"), "{tenant42}:7");
        assert_eq!(key_text(b"a\x00b"), "a\\x00b");
        assert_eq!(key_text(&[b'k'; 60]).chars().count(), 40);
    }
}
