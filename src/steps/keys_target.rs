//! The cluster fit for writing keys into it (`import`, `restore`): every slot with one
//! reachable owner and no slot open, or a refusal that shows the check.

use crate::cluster::check::{CheckOptions, check};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::slots::SlotSet;
use crate::cluster::verdict::{ChangeRefusal, refusals};
use crate::context::Context;
use crate::error::Result;
use crate::net::fetch::{FetchOptions, Fetched, fetch_with_clients};
use crate::output::write_check_text;
use crate::steps::conclude::settle;

/// The cluster of `seed`, with connections to its nodes, for a command about to write keys
/// to it (`import`, `restore`): refused, the check's findings shown, unless every slot has
/// one reachable owner and no slot is open. `writing` says what would have been done:
/// "imported", "restored".
pub async fn fetch_for_keys(context: &Context, seed: &Endpoint, writing: &str) -> Result<Fetched> {
    settle(context, seed).await;
    let fetched = fetch_with_clients(seed, &context.connect, FetchOptions::default()).await?;
    let report = check(&fetched.topology, &CheckOptions::default());
    let none = SlotSet::new();
    if refusals(&report, &none, &none).is_empty() {
        return Ok(fetched);
    }
    let output = &context.output;
    if !output.is_json() {
        output
            .text(|out, style| write_check_text(out, style, &fetched.topology, &report, false))?;
    }
    Err(ChangeRefusal::NotForKeys {
        seed: seed.clone(),
        writing: writing.to_string(),
    }
    .into())
}
