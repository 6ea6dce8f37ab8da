//! The plan file's format: `{"format": "rtrib-plan", "version": 1, ...}`, read whole and
//! checked ([`Plan::parse`]: not JSON, another format or version, or a content that
//! contradicts itself, each said in one line), and written in a fixed field order so that two
//! plans of the same state are the same bytes ([`Plan::to_json`]).

use serde::{Deserialize, Serialize};

use super::{Precondition, Role, RolePlacement, Steps};
use crate::cluster::create::CreateStep;
use crate::cluster::membership::RemoveStep;
use crate::cluster::migrate::SlotMove;
use crate::cluster::placement::Move;
use crate::cluster::slots::{SLOT_COUNT, Slot, SlotSet};
use crate::cluster::view::NodeId;

/// The `format` of every plan file.
pub const FORMAT: &str = "rtrib-plan";
/// The plan file version this rtrib writes and reads.
pub const VERSION: u32 = 1;

/// A change to carry out later: see the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PlanFile", into = "PlanFile")]
pub struct Plan {
    /// The command line that made the plan (passwords replaced by `***`).
    pub command_line: Vec<String>,
    /// The cluster as the plan found it.
    pub precondition: Precondition,
    /// What to do, in order.
    pub steps: Steps,
}

/// The file's shape: [`Plan`] with its format and version.
#[derive(Serialize, Deserialize)]
struct PlanFile {
    format: String,
    version: u32,
    command_line: Vec<String>,
    precondition: Precondition,
    #[serde(flatten)]
    steps: Steps,
}

impl From<Plan> for PlanFile {
    fn from(plan: Plan) -> Self {
        Self {
            format: FORMAT.to_string(),
            version: VERSION,
            command_line: plan.command_line,
            precondition: plan.precondition,
            steps: plan.steps,
        }
    }
}

impl TryFrom<PlanFile> for Plan {
    type Error = String;

    fn try_from(file: PlanFile) -> Result<Self, String> {
        if file.format != FORMAT {
            return Err(format!("its format is {:?}, not {FORMAT:?}", file.format));
        }
        if file.version != VERSION {
            return Err(format!(
                "it is version {} and this rtrib reads version {VERSION}",
                file.version
            ));
        }
        Ok(Plan {
            command_line: file.command_line,
            precondition: file.precondition,
            steps: file.steps,
        })
    }
}

/// Why a file is not a plan rtrib can apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    /// Not JSON, not an rtrib plan, or of another version.
    #[error("{0}")]
    Unreadable(String),
    /// A plan whose content contradicts itself (edited by hand, say).
    #[error("{0}")]
    Inconsistent(String),
}

impl Plan {
    /// Reads a plan file's text; fails with one line saying why it is not a plan rtrib can
    /// apply.
    pub fn parse(text: &str) -> Result<Self, PlanFileError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|error| PlanFileError::Unreadable(format!("it is not JSON ({error})")))?;
        let format = value.get("format").and_then(serde_json::Value::as_str);
        if format != Some(FORMAT) {
            return Err(PlanFileError::Unreadable(format!(
                "it is not an rtrib plan (no \"format\": \"{FORMAT}\")"
            )));
        }
        let plan: Plan = serde_json::from_value(value)
            .map_err(|error| PlanFileError::Unreadable(format!("{error}")))?;
        plan.validate().map_err(PlanFileError::Inconsistent)?;
        Ok(plan)
    }

    /// The plan as the JSON text of a plan file: indented, with every object of plain values
    /// (a slot move, say) and every array without objects (a slot set) on one line, so that a
    /// diff of two plans shows one line per step that differs.
    pub fn to_json(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        let mut text = String::new();
        write_json(&mut text, &value, 0);
        text.push('\n');
        text
    }

    /// Checks that the plan makes sense on its own: members listed once, every node a step
    /// names among them, slots in range, and each step possible on the precondition.
    fn validate(&self) -> Result<(), String> {
        let pre = &self.precondition;
        for (i, member) in pre.members.iter().enumerate() {
            if pre.members[..i].iter().any(|m| m.id == member.id) {
                return Err(format!("node {} is listed twice", member.id));
            }
        }
        if let Some(stranger) = self
            .steps
            .nodes()
            .into_iter()
            .find(|id| pre.member(id).is_none())
        {
            return Err(format!(
                "a step names node {stranger}, which is not among the plan's members"
            ));
        }
        let master = |id: &NodeId| pre.member(id).is_some_and(|m| m.role == Role::Master);
        match &self.steps {
            Steps::Reshard { steps } | Steps::Rebalance { steps } => validate_moves(pre, steps)?,
            Steps::Fix { plan, .. } => {
                for step in &plan.steps {
                    in_range(step.slot())?;
                }
            }
            Steps::Create { steps } => {
                for step in steps {
                    match step {
                        CreateStep::Meet { from, to } if from == to => {
                            return Err(format!("node {} is to meet itself", from.short()));
                        }
                        CreateStep::Replicate { replica, master } if replica == master => {
                            return Err(format!("node {} is to replicate itself", replica.short()));
                        }
                        _ => {}
                    }
                }
            }
            Steps::DelNode { steps } => {
                for step in steps {
                    if let RemoveStep::Replicate { master: to, .. } = step
                        && !master(to)
                    {
                        return Err(format!("node {} is not a master", to.short()));
                    }
                }
            }
            Steps::RebalanceRoles { steps } => {
                let mut roles = RolePlacement::of(pre);
                for step in steps {
                    let follows = |replica: &NodeId, master: &NodeId| {
                        roles.master_of(replica) == Some(master)
                            && roles.master_of(master).is_none()
                    };
                    let possible = match step {
                        Move::Failover { replica, master } => follows(replica, master),
                        Move::Replicate { replica, from, to } => {
                            follows(replica, from) && to != from && roles.master_of(to).is_none()
                        }
                    };
                    if !possible {
                        return Err(format!(
                            "the move of node {} does not follow from the roles before it",
                            step.nodes()[0].short()
                        ));
                    }
                    roles.make(step);
                }
            }
            Steps::Reconcile { plan } => {
                validate_moves(pre, &plan.moves)?;
                for follow in plan.attach.iter().chain(&plan.repoint) {
                    if follow.replica == follow.master || !plan.masters.contains(&follow.master) {
                        return Err(format!(
                            "node {} is to follow node {}, which is not one of the plan's masters",
                            follow.replica.short(),
                            follow.master.short()
                        ));
                    }
                }
                if let Some(leaving) = plan.remove.iter().find(|l| plan.masters.contains(&l.id)) {
                    return Err(format!(
                        "node {} is both one of the plan's masters and leaving",
                        leaving.id.short()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Slot moves that make sense on `pre`: each slot in range and moved once, from a node
/// serving it to another master.
fn validate_moves(pre: &Precondition, moves: &[SlotMove]) -> Result<(), String> {
    let master = |id: &NodeId| pre.member(id).is_some_and(|m| m.role == Role::Master);
    let mut seen = SlotSet::new();
    for m in moves {
        in_range(m.slot)?;
        if !seen.insert(m.slot) {
            return Err(format!("slot {} is moved twice", m.slot));
        }
        if !pre
            .member(&m.from)
            .is_some_and(|f| f.slots.contains(m.slot))
        {
            return Err(format!(
                "slot {} is moved from node {}, which does not serve it",
                m.slot,
                m.from.short()
            ));
        }
        if m.from == m.to || !master(&m.to) {
            return Err(format!(
                "slot {} is moved to node {}, which is not another master",
                m.slot,
                m.to.short()
            ));
        }
    }
    Ok(())
}

/// The order of fields in a plan file (serde_json's `Value` sorts them by name); others
/// follow by name.
const FIELD_ORDER: [&str; 41] = [
    "format",
    "version",
    "command",
    "command_line",
    "precondition",
    "seed",
    "members",
    "step",
    "kind",
    "id",
    "addr",
    "name",
    "role",
    "master",
    "config_epoch",
    "slots",
    "migrating",
    "importing",
    "reachable",
    "knows",
    "search_multiple_owners",
    "open",
    "uncovered",
    "multiple_owners",
    "steps",
    "slot",
    "node",
    "nodes",
    "from",
    "to",
    "replica",
    "owner",
    "settled",
    "masters",
    "joins",
    "attach",
    "moves",
    "repoint",
    "remove",
    "reset",
    "left_to_fix",
];

/// Writes `value` indented by `depth` levels; see [`Plan::to_json`].
fn write_json(out: &mut String, value: &serde_json::Value, depth: usize) {
    use serde_json::Value;
    let text = |v: &Value| serde_json::to_string(v).unwrap_or_default();
    let mut fields: Vec<(Option<&String>, &Value)> = match value {
        Value::Object(fields) => fields.iter().map(|(k, v)| (Some(k), v)).collect(),
        Value::Array(items) => items.iter().map(|v| (None, v)).collect(),
        scalar => {
            out.push_str(&text(scalar));
            return;
        }
    };
    fields.sort_by_key(|(key, _)| {
        key.map(|k| {
            FIELD_ORDER
                .iter()
                .position(|f| f == k)
                .unwrap_or(usize::MAX)
        })
    });
    let flat = match value {
        Value::Object(_) => fields.iter().all(|(_, v)| !v.is_object() && !v.is_array()),
        _ => !has_object(value),
    };
    let (open, close) = if value.is_object() {
        ("{", "}")
    } else {
        ("[", "]")
    };
    let key = |k: Option<&String>| {
        k.map_or_else(String::new, |k| {
            format!("{}: ", text(&Value::String(k.clone())))
        })
    };
    if flat {
        let items: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                let mut item = key(*k);
                write_json(&mut item, v, depth);
                item
            })
            .collect();
        out.push_str(&format!("{open}{}{close}", items.join(", ")));
        return;
    }
    out.push_str(open);
    for (index, (k, v)) in fields.iter().enumerate() {
        out.push_str(if index == 0 { "\n" } else { ",\n" });
        out.push_str(&"  ".repeat(depth + 1));
        out.push_str(&key(*k));
        write_json(out, v, depth + 1);
    }
    out.push('\n');
    out.push_str(&"  ".repeat(depth));
    out.push_str(close);
}

fn has_object(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(_) => true,
        serde_json::Value::Array(items) => items.iter().any(has_object),
        _ => false,
    }
}

fn in_range(slot: Slot) -> Result<(), String> {
    if usize::from(slot) < SLOT_COUNT {
        Ok(())
    } else {
        Err(format!("slot {slot} is out of range 0-{}", SLOT_COUNT - 1))
    }
}

/// Replaces the values of password options in a command line with `***`.
pub fn redacted(args: impl IntoIterator<Item = String>) -> Vec<String> {
    const SECRET: [&str; 3] = ["-a", "--pass", "--from-pass"];
    let mut out = Vec::new();
    let mut hide_next = false;
    for arg in args {
        if hide_next {
            out.push("***".to_string());
            hide_next = false;
        } else if SECRET.contains(&arg.as_str()) {
            hide_next = true;
            out.push(arg);
        } else if let Some((option, _)) = arg
            .split_once('=')
            .filter(|(option, _)| SECRET.contains(option))
        {
            out.push(format!("{option}=***"));
        } else if arg.starts_with("-a") && !arg.starts_with("--") && arg.len() > 2 {
            out.push("-a***".to_string());
        } else {
            out.push(arg);
        }
    }
    out
}
