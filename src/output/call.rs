//! `rtrib call`: one `addr: reply` block per node, or a JSON document with each reply as
//! JSON (strings, integers, arrays, null) and each failure as an error string.

use std::io::{self, Write};

use redis::Value;
use serde::Serialize;
use serde_json::Value as Json;

use super::Style;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::topology::NodeReport;
use crate::cluster::view::NodeId;

/// What one node answered.
#[derive(Debug, Serialize)]
pub struct NodeReply {
    id: NodeId,
    #[serde(flatten)]
    endpoint: Endpoint,
    role: &'static str,
    #[serde(serialize_with = "reply_as_json")]
    reply: Option<Value>,
    error: Option<String>,
}

impl NodeReply {
    /// The node's reply, or why there is none. A server error reply counts as a failure.
    pub fn new(node: &NodeReport, outcome: Result<Value, String>) -> Self {
        let (reply, error) = match outcome {
            Ok(Value::ServerError(error)) => (None, Some(format!("{error:?}"))),
            Ok(value) => (Some(value), None),
            Err(error) => (None, Some(error)),
        };
        Self {
            id: node.entry.id.clone(),
            endpoint: node.endpoint.clone(),
            role: if node.entry.is_master() {
                "master"
            } else {
                "replica"
            },
            reply,
            error,
        }
    }

    /// True when the node replied without an error.
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// The replies as text: `>>> Calling COMMAND`, then `addr: reply` per node (replies that
/// span several lines continue below), failures as `[ERR] addr: error`.
pub fn write_call_text(
    out: &mut dyn Write,
    style: Style,
    command: &[String],
    replies: &[NodeReply],
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        style.step(&format!("Calling {}", command.join(" ")))
    )?;
    for reply in replies {
        match (&reply.reply, &reply.error) {
            (_, Some(error)) => writeln!(
                out,
                "{}",
                style.err(&format!("{}: {error}", reply.endpoint))
            )?,
            (Some(value), None) => writeln!(out, "{}: {}", reply.endpoint, raw(value))?,
            (None, None) => writeln!(out, "{}:", reply.endpoint)?,
        }
    }
    let failed = replies.iter().filter(|r| !r.succeeded()).count();
    if failed > 0 {
        writeln!(
            out,
            "{}",
            style.err(&format!("{failed} of {} nodes failed.", replies.len()))
        )?;
    }
    Ok(())
}

/// A reply as redis-cli's raw output shows it: strings as they are, arrays one element per
/// line, nil as nothing.
fn raw(value: &Value) -> String {
    match value {
        Value::Nil => String::new(),
        Value::Int(n) => n.to_string(),
        Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Value::SimpleString(text) => text.clone(),
        Value::Okay => "OK".to_string(),
        Value::Array(items) | Value::Set(items) => {
            items.iter().map(raw).collect::<Vec<_>>().join("\n")
        }
        Value::Double(x) => x.to_string(),
        Value::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// A reply as JSON: strings, integers, arrays, null.
fn to_json(value: &Value) -> Json {
    match value {
        Value::Nil => Json::Null,
        Value::Int(n) => Json::from(*n),
        Value::BulkString(bytes) => Json::from(String::from_utf8_lossy(bytes).into_owned()),
        Value::SimpleString(text) => Json::from(text.clone()),
        Value::Okay => Json::from("OK"),
        Value::Array(items) | Value::Set(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Double(x) => Json::from(*x),
        Value::Boolean(b) => Json::from(*b),
        other => Json::from(format!("{other:?}")),
    }
}

fn reply_as_json<S: serde::Serializer>(
    value: &Option<Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.as_ref().map(to_json).serialize(serializer)
}

/// The JSON document of `rtrib call`.
#[derive(Debug, Serialize)]
pub struct CallDocument<'a> {
    command: &'a [String],
    ok: bool,
    nodes: &'a [NodeReply],
}

impl<'a> CallDocument<'a> {
    /// The command and every node's reply.
    pub fn new(command: &'a [String], nodes: &'a [NodeReply]) -> Self {
        Self {
            command,
            ok: nodes.iter().all(NodeReply::succeeded),
            nodes,
        }
    }
}

/// What `set-timeout` did on one node.
#[derive(Debug, Serialize)]
pub struct TimeoutResult {
    id: NodeId,
    #[serde(flatten)]
    endpoint: Endpoint,
    /// The new value is in force.
    set: bool,
    /// The new value was written to the node's configuration file.
    persisted: bool,
    error: Option<String>,
}

impl TimeoutResult {
    /// The value was set; `persisted` tells whether CONFIG REWRITE saved it.
    pub fn set(node: &NodeReport, persisted: bool) -> Self {
        Self {
            id: node.entry.id.clone(),
            endpoint: node.endpoint.clone(),
            set: true,
            persisted,
            error: None,
        }
    }

    /// The node could not be updated.
    pub fn failed(node: &NodeReport, error: String) -> Self {
        Self {
            id: node.entry.id.clone(),
            endpoint: node.endpoint.clone(),
            set: false,
            persisted: false,
            error: Some(error),
        }
    }

    /// True when the value is in force on the node.
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// One line per node, then the count, as redis-cli prints it.
pub fn write_timeout_text(
    out: &mut dyn Write,
    style: Style,
    milliseconds: u64,
    results: &[TimeoutResult],
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        style.step(&format!(
            "Setting cluster-node-timeout to {milliseconds} ms on every node"
        ))
    )?;
    for result in results {
        match (&result.error, result.persisted) {
            (Some(error), _) => writeln!(
                out,
                "{}",
                style.err(&format!("setting node-timeout for {}: {error}", result.endpoint))
            )?,
            (None, true) => writeln!(out, "*** New timeout set for {}", result.endpoint)?,
            (None, false) => writeln!(
                out,
                "{}",
                style.warn(&format!(
                    "New timeout set for {}, but not saved: it runs without a config file, so a restart reverts it",
                    result.endpoint
                ))
            )?,
        }
    }
    let failed = results.iter().filter(|r| !r.succeeded()).count();
    let summary = format!("{} OK, {failed} ERR.", results.len() - failed);
    let line = if failed == 0 {
        style.ok(&summary)
    } else {
        style.err(&summary)
    };
    writeln!(out, "{line}")
}
