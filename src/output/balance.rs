//! What `rebalance` prints about the balance itself: every master's share of the measure
//! before and after the planned moves, the slots no move can balance, and the JSON fields for
//! them.

use std::io::{self, Write};

use comfy_table::{Table, presets};
use serde::Serialize;

use super::Style;
use super::check::describe;
use super::info::{align_right, figure_text, percent_text};
use crate::cluster::balance::Unsplittable;
use crate::cluster::load::LoadShare;
use crate::cluster::load::Measure;
use crate::cluster::topology::Topology;
use crate::cluster::view::NodeId;

/// The balance of a rebalance, as JSON fields of its document.
#[derive(Debug, Serialize)]
pub struct BalanceDocument {
    /// The measure: `slots`, `keys`, `memory`, `cpu`, `network`.
    by: Measure,
    /// The total of the measure over the involved masters.
    total_load: u64,
    total_weight: f64,
    /// Every involved master's share.
    masters: Vec<ShareDocument>,
    /// Slots heavier than their master's whole share, which no move can balance.
    unsplittable: Vec<Unsplittable>,
}

/// One master's share.
#[derive(Debug, Serialize)]
struct ShareDocument {
    id: NodeId,
    addr: String,
    weight: f64,
    slots_before: usize,
    slots_after: usize,
    before: u64,
    target: f64,
    after: u64,
}

impl BalanceDocument {
    /// The document of a plan by `measure`.
    pub fn new(
        topology: &Topology,
        measure: Measure,
        total_weight: f64,
        shares: &[LoadShare],
        unsplittable: &[Unsplittable],
    ) -> Self {
        Self {
            by: measure,
            total_load: shares.iter().map(|s| s.before).sum(),
            total_weight,
            masters: shares
                .iter()
                .map(|share| ShareDocument {
                    id: share.node.clone(),
                    addr: describe(topology, &share.node),
                    weight: share.weight,
                    slots_before: share.slots_before,
                    slots_after: share.slots_after,
                    before: share.before,
                    target: (share.target * 100.0).round() / 100.0,
                    after: share.after,
                })
                .collect(),
            unsplittable: unsplittable.to_vec(),
        }
    }
}

/// The table of shares, then a warning per slot no move can balance.
pub fn write_shares_text(
    out: &mut dyn Write,
    style: Style,
    topology: &Topology,
    measure: Measure,
    shares: &[LoadShare],
    unsplittable: &[Unsplittable],
) -> io::Result<()> {
    let total: u64 = shares.iter().map(|s| s.before).sum();
    let mut table = Table::new();
    table.load_style(presets::ASCII_MARKDOWN);
    table.set_header(vec![
        "master".to_string(),
        "weight".to_string(),
        format!("{} now", measure.name()),
        "share".to_string(),
        "target".to_string(),
        "after".to_string(),
        "share after".to_string(),
        "slots now".to_string(),
        "slots after".to_string(),
    ]);
    for share in shares {
        table.add_row(vec![
            describe(topology, &share.node),
            format!("{}", share.weight),
            figure_text(measure, share.before),
            percent_text(share.before, total),
            figure_text(measure, share.target.round() as u64),
            figure_text(measure, share.after),
            percent_text(share.after, total),
            share.slots_before.to_string(),
            share.slots_after.to_string(),
        ]);
    }
    align_right(&mut table, 1..9);
    writeln!(out, "{table}")?;
    for slot in unsplittable {
        writeln!(
            out,
            "{}",
            style.warn(&format!(
                "Slot {} alone holds {:.1}% of the {} ({}), more than the {:.1}% share of its \
                 master {}: no slot move can balance it (split its hash tag to spread it)",
                slot.slot,
                slot.percent,
                measure_noun(measure),
                figure_text(measure, slot.weight),
                slot.share_percent,
                describe(topology, &slot.owner)
            ))
        )?;
    }
    Ok(())
}

/// `keys`, `memory`, ... as the object of "the ... of the cluster".
pub fn measure_noun(measure: Measure) -> &'static str {
    match measure {
        Measure::Slots => "slots",
        Measure::Keys => "keys",
        Measure::Memory => "memory",
        Measure::Cpu => "CPU time",
        Measure::Network => "network traffic",
    }
}
