//! The import's engine, all its protocol: `SCAN` of the source, and per batch, split by
//! destination master, `EXISTS` lookups and one `MIGRATE host port "" 0 timeout [COPY]
//! [REPLACE] [AUTH…] KEYS k1 k2 …` run on the source per master, or a copy by DUMP and a
//! re-versioned RESTORE where the master would refuse MIGRATE's payload
//! ([`Copier`]). `commands::import` drives it batch by batch and keeps the tally; see its module
//! docs for the rules.

use futures_util::future::join_all;
use redis::{Cmd, Pipeline, Value};

use crate::cluster::slots::key_slot;
use crate::net::conn::{NodeClient, NodeError};
use crate::net::copy::{Copied, Copier};
use crate::net::fetch::{SlotMaster, SlotMasters};
use crate::rdb::RdbTarget;

/// Keys asked for per `SCAN` (its `COUNT`).
const SCAN_COUNT: usize = 1000;

/// The import's fixed parts: where keys come from and go, and how MIGRATE is called.
pub struct Migration<'a> {
    /// The source (a standalone, or one master of a source cluster).
    pub source: &'a NodeClient,
    /// The cluster's masters and who serves each slot.
    pub destinations: &'a SlotMasters,
    /// MIGRATE's timeout.
    pub timeout_ms: u64,
    /// Keep the keys on the source (`--copy`).
    pub copy: bool,
    /// Overwrite keys the cluster has (`--replace`).
    pub replace: bool,
    /// Per master, what it loads when MIGRATE's payloads would be refused (`commands::import`'s routes).
    pub routes: &'a [Option<RdbTarget>],
    /// Copies by DUMP and RESTORE, where a route says so.
    pub copier: Option<&'a Copier>,
    /// The cluster's user and password, for MIGRATE's AUTH / AUTH2.
    pub auth: (Option<&'a str>, Option<&'a str>),
}

impl Migration<'_> {
    /// One `SCAN cursor COUNT n` of the source: the next cursor and the keys.
    pub async fn scan(&self, cursor: u64) -> Result<(u64, Vec<Vec<u8>>), NodeError> {
        let mut scan = redis::cmd("SCAN");
        scan.arg(cursor).arg("COUNT").arg(SCAN_COUNT);
        self.source.query(&scan).await
    }

    /// Migrates one batch, every destination's share at once. Returns what each share did
    /// and the first failure.
    /// A key SCAN returns twice in one reply is migrated once.
    pub async fn migrate_batch(&self, mut keys: Vec<Vec<u8>>) -> (Vec<Copied>, Option<NodeError>) {
        keys.sort_unstable();
        keys.dedup();
        let masters = &self.destinations.masters;
        let mut shares: Vec<Vec<Vec<u8>>> = vec![Vec::new(); masters.len()];
        for key in keys {
            shares[self.destinations.owner[usize::from(key_slot(&key))]].push(key);
        }
        let results = join_all(
            masters
                .iter()
                .zip(shares)
                .zip(self.routes)
                .filter(|((_, share), _)| !share.is_empty())
                .map(|((master, share), route)| self.migrate_share(master, route, share)),
        )
        .await;
        let mut counts = Vec::with_capacity(results.len());
        let mut first_error = None;
        for result in results {
            match result {
                Ok(done) => counts.push(done),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        (counts, first_error)
    }

    /// Migrates `keys` to `master`: without `--replace`, keys it already has are left out
    /// (and those the source no longer has were moved already: see the module docs); the rest
    /// go in one MIGRATE. On the source, one round trip: one EXISTS per key left out, one per
    /// key moved (to count those gone meanwhile), the MIGRATE.
    async fn migrate_share(
        &self,
        master: &SlotMaster,
        route: &Option<RdbTarget>,
        keys: Vec<Vec<u8>>,
    ) -> Result<Copied, NodeError> {
        let (keys, busy) = if self.replace {
            (keys, Vec::new())
        } else {
            let present: Vec<bool> = master.client.pipeline(&exists_each(&keys)).await?;
            let (busy, free): (Vec<_>, Vec<_>) = keys
                .into_iter()
                .zip(present)
                .partition(|(_, present)| *present);
            let unzip = |pairs: Vec<(Vec<u8>, bool)>| pairs.into_iter().map(|(key, _)| key);
            (unzip(free).collect(), unzip(busy).collect())
        };
        if keys.is_empty() && busy.is_empty() {
            return Ok(Copied::default());
        }
        if let (Some(target), Some(copier)) = (route, self.copier) {
            return self.copy_share(copier, master, target, keys, busy).await;
        }
        let mut pipe = exists_each(busy.iter().chain(&keys));
        if !keys.is_empty() {
            pipe.add_command(self.migrate(master, &keys));
        }
        let replies: Vec<Value> =
            self.source
                .pipeline(&pipe)
                .await
                .map_err(|error| NodeError::Command {
                    node: self.source.endpoint().clone(),
                    command: format!("MIGRATE to {}", master.client.endpoint()),
                    detail: error.reason(),
                })?;
        let on_source = |reply: &Value| matches!(reply, Value::Int(1));
        let mut replies = replies.iter();
        let busy = busy
            .into_iter()
            .zip(replies.by_ref())
            .filter(|(_, reply)| on_source(reply))
            .map(|(key, _)| key)
            .collect();
        let present = replies
            .take(keys.len())
            .filter(|reply| on_source(reply))
            .count() as u64;
        Ok(Copied {
            imported: present,
            skipped: keys.len() as u64 - present,
            busy,
            ..Copied::default()
        })
    }

    /// [`Self::migrate_share`] by DUMP and RESTORE ([`Copier`]): the keys left out as busy
    /// are looked up on the source first (those it no longer has were moved already).
    async fn copy_share(
        &self,
        copier: &Copier,
        master: &SlotMaster,
        target: &RdbTarget,
        keys: Vec<Vec<u8>>,
        busy: Vec<Vec<u8>>,
    ) -> Result<Copied, NodeError> {
        let on_source: Vec<bool> = if busy.is_empty() {
            Vec::new()
        } else {
            self.source.pipeline(&exists_each(&busy)).await?
        };
        let mut busy: Vec<Vec<u8>> = busy
            .into_iter()
            .zip(on_source)
            .filter_map(|(key, there)| there.then_some(key))
            .collect();
        let mut copied = copier.copy(&master.client, target, keys).await?;
        busy.append(&mut copied.busy);
        copied.busy = busy;
        Ok(copied)
    }

    /// `MIGRATE host port "" 0 timeout [COPY] [REPLACE] [AUTH pass | AUTH2 user pass] KEYS …`.
    fn migrate(&self, master: &SlotMaster, keys: &[Vec<u8>]) -> Cmd {
        let mut migrate = redis::cmd("MIGRATE");
        migrate
            .arg(master.announced.ip().to_string())
            .arg(master.announced.port())
            .arg("")
            .arg(0)
            .arg(self.timeout_ms);
        if self.copy {
            migrate.arg("COPY");
        }
        if self.replace {
            migrate.arg("REPLACE");
        }
        match self.auth {
            (Some(user), Some(pass)) => {
                migrate.arg("AUTH2").arg(user).arg(pass);
            }
            (None, Some(pass)) => {
                migrate.arg("AUTH").arg(pass);
            }
            (_, None) => {}
        }
        migrate.arg("KEYS");
        for key in keys {
            migrate.arg(key);
        }
        migrate
    }
}

/// One `EXISTS key` per key, in order.
fn exists_each<'a>(keys: impl IntoIterator<Item = &'a Vec<u8>>) -> Pipeline {
    let mut pipe = redis::pipe();
    for key in keys {
        pipe.cmd("EXISTS").arg(key);
    }
    pipe
}
