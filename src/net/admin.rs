//! The single server commands that commands send, each spelled once here so that no command
//! file speaks Redis protocol: `PING`, `SHUTDOWN NOSAVE`, `CONFIG SET/REWRITE` of the node
//! timeout, `DBSIZE`, `INFO`, `SELECT`, `CLUSTER FORGET`, `CLUSTER COUNTKEYSINSLOT` of every slot, the readings `heal` and
//! `wait` poll, copying Redis functions (`FUNCTION LIST/DUMP/RESTORE`), and `call`'s command
//! of the user's own words.

use redis::Value;

use crate::cluster::slots::SLOT_COUNT;
use crate::cluster::topology::NodeReport;
use crate::cluster::view::NodeId;
use crate::net::conn::{NodeClient, NodeError};
use crate::net::fetch::Fetched;

/// `DBSIZE`: the keys of the selected database.
pub async fn dbsize(client: &NodeClient) -> Result<u64, NodeError> {
    client.query::<u64>(&redis::cmd("DBSIZE")).await
}

/// `INFO section`.
pub async fn info(client: &NodeClient, section: &str) -> Result<String, NodeError> {
    client
        .query::<String>(redis::cmd("INFO").arg(section))
        .await
}

/// `SELECT db`: later commands on this connection go to database `db`.
pub async fn select(client: &NodeClient, db: u32) -> Result<(), NodeError> {
    client.query::<()>(redis::cmd("SELECT").arg(db)).await
}

/// `PING`.
pub async fn ping(client: &NodeClient) -> Result<String, NodeError> {
    client.query::<String>(&redis::cmd("PING")).await
}

/// `SHUTDOWN NOSAVE`: the node closes the connection instead of replying, so the outcome is
/// not reported.
pub async fn shut_down_without_saving(client: &NodeClient) {
    let _ = client
        .query::<()>(redis::cmd("SHUTDOWN").arg("NOSAVE"))
        .await;
}

/// `PING` and `CLUSTER INFO` in one round trip: the `CLUSTER INFO` reply.
pub async fn ping_and_cluster_info(client: &NodeClient) -> Result<String, NodeError> {
    let mut pipe = redis::pipe();
    pipe.cmd("PING").cmd("CLUSTER").arg("INFO");
    let (_, info): (String, String) = client.pipeline(&pipe).await?;
    Ok(info)
}

/// `CLUSTER NODES`, `CLUSTER INFO` and `INFO replication` in one round trip.
pub async fn nodes_cluster_info_and_replication(
    client: &NodeClient,
) -> Result<(String, String, String), NodeError> {
    let mut pipe = redis::pipe();
    pipe.cmd("CLUSTER")
        .arg("NODES")
        .cmd("CLUSTER")
        .arg("INFO")
        .cmd("INFO")
        .arg("replication");
    client.pipeline(&pipe).await
}

/// `CLUSTER FORGET id`.
pub async fn forget(client: &NodeClient, id: &NodeId) -> Result<(), NodeError> {
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("FORGET").arg(id.as_str());
    client.query::<()>(&cmd).await
}

/// Every reachable master's `CLUSTER COUNTKEYSINSLOT` for all 16384 slots, one pipeline per
/// master, all masters at once.
pub async fn count_keys_in_every_slot(
    fetched: &Fetched,
) -> Vec<(&NodeReport, Result<Vec<u64>, String>)> {
    let mut pipe = redis::pipe();
    for slot in 0..SLOT_COUNT {
        pipe.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(slot);
    }
    fetched
        .run_on::<Vec<u64>>(|n| n.entry.is_master() && n.is_reachable(), &pipe)
        .await
}

/// `CONFIG SET cluster-node-timeout milliseconds`, then `CONFIG REWRITE`, on every node:
/// each node's two outcomes, in topology order.
pub async fn set_node_timeout(
    fetched: &Fetched,
    milliseconds: u64,
) -> Vec<(&NodeReport, Result<(), String>, Result<(), String>)> {
    let mut set = redis::pipe();
    set.cmd("CONFIG")
        .arg("SET")
        .arg("cluster-node-timeout")
        .arg(milliseconds);
    let mut rewrite = redis::pipe();
    rewrite.cmd("CONFIG").arg("REWRITE");
    let set_results = fetched.run_on::<()>(|_| true, &set).await;
    let rewritten = fetched.run_on::<()>(|_| true, &rewrite).await;
    set_results
        .into_iter()
        .zip(rewritten)
        .map(|((node, set), (_, rewrite))| (node, set, rewrite))
        .collect()
}

/// `FUNCTION LIST`: the node's function libraries.
pub async fn function_libraries(client: &NodeClient) -> Result<Vec<Value>, NodeError> {
    client.query(redis::cmd("FUNCTION").arg("LIST")).await
}

/// `FUNCTION DUMP`: every function library, as one payload.
pub async fn dump_functions(client: &NodeClient) -> Result<Vec<u8>, NodeError> {
    client.query(redis::cmd("FUNCTION").arg("DUMP")).await
}

/// `FUNCTION RESTORE payload`.
pub async fn restore_functions(client: &NodeClient, payload: Vec<u8>) -> Result<(), NodeError> {
    client
        .query::<()>(redis::cmd("FUNCTION").arg("RESTORE").arg(payload))
        .await
}

/// The command of `words` (the user's own, as `rtrib call` takes them) sent to every node
/// `keep` accepts, concurrently: each node's reply, or why there is none.
pub async fn send_to_each<'f>(
    fetched: &'f Fetched,
    keep: impl Fn(&NodeReport) -> bool,
    words: &[Vec<u8>],
) -> Vec<(&'f NodeReport, Result<Value, String>)> {
    let mut command = redis::Cmd::new();
    for word in words {
        command.arg(word);
    }
    let mut pipe = redis::pipe();
    pipe.add_command(command);
    fetched
        .run_on::<(Value,)>(keep, &pipe)
        .await
        .into_iter()
        .map(|(node, outcome)| (node, outcome.map(|(value,)| value)))
        .collect()
}
