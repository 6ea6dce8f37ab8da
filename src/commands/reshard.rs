//! `rtrib reshard NODE --from ID,...|all --to ID --slots N`: read the cluster → refuse one with
//! problems, or a `--from`/`--to` that names no master → finish the moves an interrupted run
//! left open → the rest of an interrupted
//! reshard of the same request (from its journal), else a new plan of exactly N slots in
//! redis-cli's proportions → print the plan → choose how the slots move (refuse a `--migration
//! atomic` the nodes cannot do) → confirm → journal it → move → check.
//!
//! The journal, `$XDG_STATE_HOME/rtrib/reshard-<destination ID>.json` (or under
//! `~/.local/state`), holds the request and the planned moves while they run, so that a re-run
//! after a kill or a Ctrl-C moves exactly the slots the first run had left, not N more. It is
//! written only once nothing can refuse any more, and removed when every move succeeded. Without it (another machine, a new pod), a re-run finishes the open
//! slots and stops.
//!
//! With `--plan-out FILE` the moves are written to a plan file instead (see `cluster::plan`),
//! and nothing is changed: not even slots an interrupted run left open.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::cli::ReshardArgs;
use crate::cluster::migrate::{SlotMove, interleave, reshard_table, still_to_do};
use crate::cluster::plan::{Precondition, Steps};
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::{OutputError, save_plan, write_file_atomically, write_moves_text};
use crate::prompt::confirm;
use crate::steps::migrate::{
    Resumed, Run, finish, master_ids, method_for, move_slots, print_plan_only, read_for_plan,
    read_to_move, resume_open, slots_word,
};

/// Runs `reshard`; see the module docs for the steps.
pub async fn run(context: &Context, args: &ReshardArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    let output = &context.output;
    let plan_out = args.plan.plan_out.as_deref();
    let run = Run {
        command: "reshard",
        activity: "resharding",
        preview: args.dry_run,
    };
    let read = match plan_out {
        Some(_) => read_for_plan(context, &seed, &run).await?,
        None => read_to_move(context, &seed, &run).await?,
    };
    // The request is checked before open slots are finished: a refusal changes nothing.
    let to = master_ids(
        context,
        read.topology(),
        std::slice::from_ref(&args.to),
        "--to",
    )
    .await?;
    let from = match args.from.as_slice() {
        [all] if all == "all" => Vec::new(),
        names => master_ids(context, read.topology(), names, "--from").await?,
    };
    let (ready, resumed) = match plan_out {
        Some(_) => (read, None),
        None => match resume_open(context, &seed, read, &args.migrate, &run).await? {
            Resumed::Ready(ready, resumed) => (ready, resumed),
            Resumed::Failed(exit) => return Ok(exit),
        },
    };
    let topology = ready.topology();
    let request = Request {
        to: to[0].clone(),
        from,
        slots: args.slots,
    };
    let journal = Journal::for_destination(&request.to);
    let moves = match journal.as_ref().and_then(|j| j.load(&request)) {
        Some(planned) => {
            let left = still_to_do(topology, &planned);
            output.step(&format!(
                "Resuming an interrupted reshard: {} of its {} left",
                left.len(),
                slots_word(planned.len())
            ))?;
            left
        }
        None if resumed.is_some() => {
            output.line(
                "The slots an interrupted run left open are finished. No journal of that run is \
                 here (another machine?), so nothing else was moved: check the slot counts and \
                 run reshard again if more slots should move.",
            )?;
            let report = resumed.unwrap_or_default();
            return finish(context, &seed, &args.migrate, "resumed", &report, None).await;
        }
        None => reshard_table(topology, &request.from, &request.to, request.slots)?,
    };
    output.line(&format!("Ready to move {}.", slots_word(moves.len())))?;
    if !output.is_json() {
        output.text(|out, _| write_moves_text(out, topology, &moves))?;
    }
    if let Some(path) = plan_out {
        let steps = Steps::Reshard {
            steps: interleave(moves),
        };
        save_plan(
            &context.output,
            path,
            Precondition::of_cluster(topology, &args.node),
            steps,
        )?;
        return Ok(Exit::Ok);
    }
    let method = method_for(topology, &moves, &args.migrate)?;
    if args.dry_run {
        return print_plan_only(context, &moves, None);
    }
    if !confirm(
        "Do you want to proceed with the proposed reshard plan?",
        context.assume_yes,
    )? {
        return Err(Error::Declined);
    }
    if let Some(journal) = &journal {
        journal.save(&request, &moves);
    }
    let moves = interleave(moves);
    let mut report = move_slots(context, &ready, &moves, method, &args.migrate).await?;
    if let Some(earlier) = resumed {
        report.absorb(earlier);
    }
    if report.is_complete()
        && let Some(journal) = &journal
    {
        journal.remove();
    }
    finish(context, &seed, &args.migrate, "moved", &report, None).await
}

/// What was asked: the same request re-run resumes from the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Request {
    to: NodeId,
    /// Empty: all masters.
    from: Vec<NodeId>,
    slots: usize,
}

/// The journal file of the reshards to one destination.
struct Journal {
    path: PathBuf,
}

/// The journal's content.
#[derive(Serialize, Deserialize)]
struct Entry {
    request: Request,
    moves: Vec<SlotMove>,
}

impl Journal {
    /// The journal for reshards to `to`; `None` when there is no state directory.
    fn for_destination(to: &NodeId) -> Option<Self> {
        let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
            Some(state) => PathBuf::from(state),
            None => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
        };
        Some(Self {
            path: base.join("rtrib").join(format!("reshard-{to}.json")),
        })
    }

    /// The moves journalled for `request`, if the journal is of this request.
    fn load(&self, request: &Request) -> Option<Vec<SlotMove>> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        (entry.request == *request).then_some(entry.moves)
    }

    /// Records the moves about to run, atomically (a kill while it is written leaves the
    /// previous journal or this one, never half of it). A journal that cannot be written only
    /// costs the ability to resume: a warning, not an error.
    fn save(&self, request: &Request, moves: &[SlotMove]) {
        let entry = Entry {
            request: request.clone(),
            moves: moves.to_vec(),
        };
        let written = self
            .path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                let text = serde_json::to_string(&entry).map_err(OutputError::from)?;
                write_file_atomically(&self.path, text.as_bytes())
            });
        if let Err(error) = written {
            tracing::warn!(
                "cannot write the reshard journal {}: {error}; an interrupted run will not be \
                 resumable beyond its open slots",
                self.path.display()
            );
        }
    }

    /// Forgets the journal once its moves are all done.
    fn remove(&self) {
        if let Err(error) = std::fs::remove_file(&self.path)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!("cannot remove {}: {error}", self.path.display());
        }
    }
}
