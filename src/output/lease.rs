//! The lease's holder, named: in the refusal (stderr, and the JSON error document) and in the
//! warnings of a run that goes on without it somewhere.

use crate::cluster::lease::{Holder, LeaseName, Stage};
use crate::net::lease::Report;

/// `rtrib reshard on host web-1 (pid 4242)`.
fn who(lease: &LeaseName) -> String {
    format!(
        "rtrib {} on host {} (pid {})",
        lease.command, lease.host, lease.pid
    )
}

/// `rtrib reshard on host web-1 (pid 4242), holding the lease for 37s (connection 17 on
/// 10.0.0.5:6379)`.
pub fn holder_text(holder: &Holder) -> String {
    let doing = match holder.lease.stage {
        Stage::Held => format!("holding the lease for {}s", holder.age),
        Stage::Wanted => "taking the lease at the same moment, and first".to_string(),
    };
    format!(
        "{}, {doing} (connection {} on {})",
        who(&holder.lease),
        holder.client,
        holder.node
    )
}

/// The refusal of a command while `holder` holds the lease.
pub fn lease_refusal(holder: &Holder) -> String {
    format!(
        "refused: another rtrib is changing this cluster: {}; nothing was changed. Run this \
         again once it has finished (its lease ends with it, also when it is killed), or with \
         --force-lease if it is stopped for good and changes nothing",
        holder_text(holder)
    )
}

/// The warnings of a lease taken: a holder gone past, dead holders' connections closed, nodes
/// it is not held on.
pub fn lease_warnings(report: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(holder) = &report.forced_past {
        lines.push(format!(
            "--force-lease: going on although {} (two changes at once can leave slots open or \
             lose keys)",
            holder_text(holder)
        ));
    }
    for dead in &report.stale {
        lines.push(format!(
            "ignored the lease of {}: its connection {} on {} was idle for {}s, a dead \
             holder's; closing it",
            who(&dead.lease),
            dead.client,
            dead.node,
            dead.idle
        ));
    }
    for (node, why) in &report.not_taken {
        lines.push(format!(
            "the lease is not held on {node}: {why} (another rtrib sees this one only on the \
             other nodes)"
        ));
    }
    if report.held_on == 0 {
        lines.push(
            "the lease could not be taken on any node: nothing keeps another rtrib from \
             changing this cluster at the same time"
                .to_string(),
        );
    }
    lines
}
