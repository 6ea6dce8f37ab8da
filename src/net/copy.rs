//! Copying keys between servers whose `MIGRATE` the target refuses (its payload carries the
//! source's RDB version, newer than the target loads or foreign to it): `DUMP` on the source,
//! the payload re-stamped or converted for the target ([`carry`]), `RESTORE` on the target,
//! then — unless the source keeps its keys — an atomic compare-and-delete on the source.
//!
//! Each step is pipelined, one command per key:
//!
//! 1. on the source, [`READ_SCRIPT`]: the key's `DUMP` and its TTL, read atomically (nil for a
//!    key gone meanwhile);
//! 2. on the target, `RESTORE key ttl payload` (`REPLACE` with `--replace`, and always when
//!    a key is copied again), the TTL what was left at the read less the time since;
//! 3. on the source, [`DELETE_IF_UNCHANGED`]: `DEL` only if the key's `DUMP` and expire time
//!    are still the ones copied. A key written meanwhile is kept and copied again (up to
//!    [`ATTEMPTS`] times), so a write made during the import is never lost: it is either in
//!    the copy, or still on the source.

use std::collections::BTreeMap;
use std::time::Instant;

use redis::Value;

use crate::net::conn::{NodeClient, NodeError};
use crate::net::restore::{Expire, restore_cmd};
use crate::rdb::{RdbTarget, carry};

/// Reads a key's `DUMP`, its TTL in milliseconds (-1: none) and its expire time by the
/// source's clock (-1: none), atomically; nil when the key does not exist.
pub const READ_SCRIPT: &str = "\
local dump = redis.call('DUMP', KEYS[1])
if not dump then return false end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return {dump, -1, -1} end
local now = redis.call('TIME')
return {dump, ttl, now[1] * 1000 + math.floor(now[2] / 1000) + ttl}";

/// Deletes the key only if its `DUMP` is `ARGV[1]` and its expire time (by the source's
/// clock, within `ARGV[3]` ms: [`EXPIRE_SLACK_MS`]) is `ARGV[2]` (-1: none); 1 when
/// deleted, else 0.
pub const DELETE_IF_UNCHANGED: &str = "\
if redis.call('DUMP', KEYS[1]) ~= ARGV[1] then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
local expected = tonumber(ARGV[2])
if ttl < 0 then
  if expected ~= -1 then return 0 end
else
  local now = redis.call('TIME')
  local at = now[1] * 1000 + math.floor(now[2] / 1000) + ttl
  if expected == -1 or math.abs(at - expected) > tonumber(ARGV[3]) then return 0 end
end
return redis.call('DEL', KEYS[1])";

/// How far apart two readings of one expire time may be (the clock advances between
/// `TIME` and `PTTL`, and both round to the millisecond).
pub const EXPIRE_SLACK_MS: i64 = 5;

/// How many times a key that keeps changing is copied before it is left on the source.
pub const ATTEMPTS: usize = 5;

/// What happened to the keys of one share.
#[derive(Debug, Default)]
pub struct Copied {
    /// Keys copied (and, unless the source keeps them, deleted from it).
    pub imported: u64,
    /// Keys gone from the source (or expired) before their turn.
    pub skipped: u64,
    /// Keys the target already had (no `--replace`): left on the source.
    pub busy: Vec<Vec<u8>>,
    /// Keys the target cannot load, left on the source, with the reason.
    pub uncarried: Vec<(Vec<u8>, String)>,
    /// Keys written on the source each time they were copied, left there.
    pub changing: Vec<Vec<u8>>,
    /// Copies made again because the key was written on the source meanwhile.
    pub copied_again: u64,
}

/// The source's side of copies: its connection and its two scripts, loaded.
pub struct Copier {
    source: NodeClient,
    read_sha: String,
    delete_sha: String,
    keep_source: bool,
    replace: bool,
}

impl Copier {
    /// Loads the scripts on the source (`SCRIPT LOAD`).
    pub async fn new(
        source: &NodeClient,
        keep_source: bool,
        replace: bool,
    ) -> Result<Self, NodeError> {
        let load = |script: &str| {
            let mut cmd = redis::cmd("SCRIPT");
            cmd.arg("LOAD").arg(script);
            cmd
        };
        Ok(Self {
            source: source.clone(),
            read_sha: source.query(&load(READ_SCRIPT)).await?,
            delete_sha: source.query(&load(DELETE_IF_UNCHANGED)).await?,
            keep_source,
            replace,
        })
    }

    /// Copies `keys` to `master` (which loads what `target` says); see the module docs.
    pub async fn copy(
        &self,
        master: &NodeClient,
        target: &RdbTarget,
        keys: Vec<Vec<u8>>,
    ) -> Result<Copied, NodeError> {
        let mut copied = Copied::default();
        let mut pending = keys;
        for attempt in 0..ATTEMPTS {
            if pending.is_empty() {
                break;
            }
            if attempt > 0 {
                copied.copied_again += pending.len() as u64;
            }
            pending = self
                .copy_once(master, target, pending, attempt > 0, &mut copied)
                .await?;
        }
        copied.changing = pending;
        Ok(copied)
    }

    /// One round: read, restore, delete if unchanged; returns the keys changed meanwhile.
    async fn copy_once(
        &self,
        master: &NodeClient,
        target: &RdbTarget,
        keys: Vec<Vec<u8>>,
        again: bool,
        copied: &mut Copied,
    ) -> Result<Vec<Vec<u8>>, NodeError> {
        let mut read = redis::pipe();
        for key in &keys {
            read.cmd("EVALSHA").arg(&self.read_sha).arg(1).arg(key);
        }
        let dumps: Vec<Option<(Vec<u8>, i64, i64)>> = self.source.pipeline(&read).await?;
        let read_at = Instant::now();
        let mut restore = redis::pipe();
        restore.ignore_errors();
        let mut sent = Vec::new();
        for (key, dump) in keys.into_iter().zip(dumps) {
            let Some((dump, ttl, expire_at)) = dump else {
                // Gone: on a second round, it was copied before it went.
                if again {
                    copied.imported += 1;
                } else {
                    copied.skipped += 1;
                }
                continue;
            };
            let carried = match crate::rdb::Value::from_dump_payload(&dump)
                .map_err(crate::rdb::CarryError::from)
                .and_then(|value| carry(&value, target))
            {
                Ok(carried) => carried,
                Err(refusal) => {
                    copied.uncarried.push((key, refusal.to_string()));
                    continue;
                }
            };
            let expire = if ttl < 0 {
                Expire::Never
            } else {
                let left = ttl - read_at.elapsed().as_millis() as i64;
                if left <= 0 {
                    copied.skipped += 1;
                    continue;
                }
                Expire::In(left)
            };
            restore.add_command(restore_cmd(
                &key,
                expire,
                &carried.payload,
                self.replace || again,
                (None, None),
            ));
            sent.push((key, dump, expire_at));
        }
        if sent.is_empty() {
            return Ok(Vec::new());
        }
        let replies: Vec<Value> = master.pipeline(&restore).await?;
        let mut restored = Vec::new();
        for ((key, dump, expire_at), reply) in sent.into_iter().zip(replies) {
            match reply {
                Value::ServerError(error) if error.code() == "BUSYKEY" => copied.busy.push(key),
                Value::ServerError(error) => {
                    return Err(NodeError::Command {
                        node: master.endpoint().clone(),
                        command: format!("RESTORE {}", String::from_utf8_lossy(&key)),
                        detail: format!("{} {}", error.code(), error.details().unwrap_or_default()),
                    });
                }
                _ => restored.push((key, dump, expire_at)),
            }
        }
        if self.keep_source || restored.is_empty() {
            copied.imported += restored.len() as u64;
            return Ok(Vec::new());
        }
        let mut delete = redis::pipe();
        for (key, dump, expire_at) in &restored {
            delete
                .cmd("EVALSHA")
                .arg(&self.delete_sha)
                .arg(1)
                .arg(key)
                .arg(dump)
                .arg(expire_at)
                .arg(EXPIRE_SLACK_MS);
        }
        let deleted: Vec<i64> = self.source.pipeline(&delete).await?;
        let mut changed = Vec::new();
        for ((key, _, _), deleted) in restored.into_iter().zip(deleted) {
            if deleted == 1 {
                copied.imported += 1;
            } else {
                changed.push(key);
            }
        }
        Ok(changed)
    }
}

/// The reasons of `uncarried`, counted.
pub fn reasons(uncarried: &[(Vec<u8>, String)]) -> BTreeMap<String, u64> {
    let mut counted = BTreeMap::new();
    for (_, reason) in uncarried {
        *counted.entry(reason.clone()).or_default() += 1;
    }
    counted
}
