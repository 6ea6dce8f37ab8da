//! `rtrib import NODE --from HOST:PORT`: resolve both → fetch the cluster and judge it (refuse
//! when a slot is in doubt; node-health warnings do not stop it) → connect to the source (a
//! standalone; or, for a node of another cluster, every master of that cluster, one after the
//! other) → per source, decide per master whether it loads the source's MIGRATE payloads (its
//! RDB version) → SCAN the source in batches; split each batch by destination master and run,
//! on the source, one `MIGRATE host port "" 0 timeout [COPY] [REPLACE] [AUTH…] KEYS k1 k2 …`
//! per master, or copy by DUMP and a re-versioned RESTORE where the master would refuse it
//! ([`Copier`]: deleted from the source only when unchanged since), all masters at once, while
//! the next SCAN is already on its way → summary → check.
//!
//! redis-cli migrates one key per round trip and stops at the first error. Here:
//! - Without `--replace`, each destination's share of a batch is first looked up on that
//!   master (`EXISTS` per key, pipelined): a MIGRATE of several keys reports only its first
//!   failure, so looking first is what lets the summary name the keys the cluster already had.
//!   Those keys stay on the source, the import goes on, and it ends with exit 1.
//! - A key gone from the source before its MIGRATE (expired, deleted) is counted as skipped:
//!   the MIGRATE is preceded, in the same round trip on the source, by an `EXISTS` per key.
//! - SCAN may return a key twice (the source's table resizes as the keys leave it; seen on
//!   Redis 8.2). The second time the key is on its master and no longer on the source: a key
//!   found on its master is looked up on the source in the same round trip, and one the source
//!   no longer has was moved already and is not counted again. (With `--copy` the source keeps
//!   it, and such a key is reported as present in the cluster.)
//! - Any other failure (a MIGRATE error such as `IOERR`, the source or a master going away)
//!   stops the import; what was done so far is reported, with exit 1.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::cli::ImportArgs;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::info::info_field;
use crate::cluster::server::Server;
use crate::cluster::source::{SourceRefusal, refuse_same_cluster};
use crate::cluster::verdict::ChangeRefusal;
use crate::context::{Context, ask_password, read_password};
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::admin;
use crate::net::conn::{ConnectSettings, NodeClient, NodeError, TlsSettings};
use crate::net::copy::Copied;
use crate::net::copy::{Copier, reasons};
use crate::net::fetch::{FetchOptions, Fetched, SlotMasters, fetch_with_clients};
use crate::net::import::Migration;
use crate::output::{
    BUSY_KEYS_SHOWN, BusyKeys, ImportDocument, ImportOutcome, OutputError, Progress,
    write_import_summary,
};
use crate::rdb::RdbTarget;
use crate::steps::conclude::conclude;
use crate::steps::keys_target::fetch_for_keys;

/// Added to the MIGRATE timeout to bound the wait for one reply from the source.
const REPLY_MARGIN: Duration = Duration::from_secs(10);

/// Runs `import`; see the module docs for the steps.
pub async fn run(context: &Context, args: &ImportArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    let from = context.resolve_node(&args.from).await?;
    context.lease_cluster("import", &seed).await?;
    let output = &context.output;
    output.step(&format!("Importing data from {from} to cluster {seed}"))?;
    let fetched = fetch_for_keys(context, &seed, "imported").await?;
    let destinations = fetched.slot_masters().map_err(ChangeRefusal::Because)?;
    let sources =
        connect_sources(context, args, &from, &fetched, destinations.masters.len()).await?;
    let mut total = 0;
    for source in &sources {
        total += admin::dbsize(source).await?;
    }
    if sources.len() > 1 {
        output.line(&format!(
            "*** {from} is a node of a cluster: importing from its {} masters",
            sources.len()
        ))?;
    }
    output.line(&format!(
        "*** Importing {total} keys from DB {}",
        args.from_db
    ))?;

    let started = Instant::now();
    let progress = Progress::keys(total);
    let mut tally = Tally::default();
    let mut announced = false;
    for source in &sources {
        let info = admin::info(source, "server").await?;
        let routes = routes(Server::from_info(&info), &destinations);
        let copier = if routes.iter().any(Option::is_some) {
            if !announced {
                output.line(&format!(
                    "*** Some masters refuse {from}'s MIGRATE payloads (a newer or foreign RDB \
                     version): their keys are copied with DUMP and a re-versioned RESTORE, and \
                     deleted from the source only when unchanged since"
                ))?;
                announced = true;
            }
            Some(Copier::new(source, args.copy, args.replace).await?)
        } else {
            None
        };
        let migration = Migration {
            source,
            destinations: &destinations,
            timeout_ms: args.timeout,
            copy: args.copy,
            replace: args.replace,
            routes: &routes,
            copier: copier.as_ref(),
            auth: (
                context.connect.user.as_deref(),
                context.connect.pass.as_deref(),
            ),
        };
        progress
            .during(run_migration(&migration, &progress, &mut tally))
            .await;
        if tally.error.is_some() {
            break;
        }
    }
    let document = tally.document(args, started.elapsed());
    let json = serde_json::to_value(&document).map_err(OutputError::from)?;
    let concluded = conclude(context, &seed, args.wait_timeout, |_| json).await?;
    if !output.is_json() {
        output.text(|out, style| write_import_summary(out, style, &document))?;
    }
    Ok(match document.outcome {
        ImportOutcome::Imported => concluded.exit(),
        ImportOutcome::KeysNotImported | ImportOutcome::Interrupted => Exit::Problems,
    })
}

/// Connects to the source with its own credentials (and TLS only with `--from-tls`): a
/// standalone, with `--from-db` selected, or every master of the cluster it is a node of
/// (refused when one is unreachable, or when it is the cluster imported into). Replies may
/// take as long as every destination's MIGRATE queued before them, each bounded by
/// `--timeout`.
async fn connect_sources(
    context: &Context,
    args: &ImportArgs,
    from: &Endpoint,
    target: &Fetched,
    masters: usize,
) -> Result<Vec<NodeClient>> {
    let tls = args.from_tls.then(|| {
        context.connect.tls.clone().unwrap_or(TlsSettings {
            root_cert: None,
            client: None,
            sni: None,
            insecure: false,
        })
    });
    let queued = u32::try_from(masters + 1).unwrap_or(u32::MAX);
    let settings = ConnectSettings {
        connect_timeout: context.connect.connect_timeout,
        command_timeout: (Duration::from_millis(args.timeout) + REPLY_MARGIN) * queued,
        user: args.from_user.clone(),
        pass: match args.from_askpass {
            true => Some(ask_password(
                "Please input import source node password",
                "--from-askpass",
                "--from-pass-file or RTRIB_FROM_PASS",
            )?),
            false => read_password(
                args.from_pass.as_deref(),
                args.from_pass_file
                    .as_deref()
                    .map(|path| ("--from-pass-file", path)),
                &["RTRIB_FROM_PASS"],
            )?,
        },
        tls,
    };
    // The source's credentials are its own: a refusal names the --from-* options. A source
    // with a password, given none, accepts the connection and refuses the first command.
    let source_error = |error| match error {
        NodeError::AuthFailed { node, detail } => Error::SourceAuthFailed { node, detail },
        other => other.into(),
    };
    let source = NodeClient::connect(from, &settings)
        .await
        .map_err(source_error)?;
    let info = admin::info(&source, "cluster")
        .await
        .map_err(source_error)?;
    if info_field(&info, "cluster_enabled") != Some("1") {
        if args.from_db != 0 {
            admin::select(&source, args.from_db).await?;
        }
        return Ok(vec![source]);
    }
    if args.from_db != 0 {
        return Err(Error::Usage(format!(
            "--from-db {}: {from} is a cluster node, and a cluster serves database 0 only",
            args.from_db
        )));
    }
    let cluster = fetch_with_clients(from, &settings, FetchOptions::default())
        .await
        .map_err(source_error)?;
    refuse_same_cluster(&cluster.topology, &target.topology, from)?;
    cluster
        .topology
        .masters()
        .filter(|master| !master.entry.slots.is_empty())
        .map(|master| {
            cluster.clients.get(master.id()).cloned().ok_or_else(|| {
                SourceRefusal::MasterUnreachable {
                    master: master.endpoint.clone(),
                }
                .into()
            })
        })
        .collect()
}

/// Per master: `None` when its `RESTORE` accepts the source's RDB version (MIGRATE carries
/// the keys), else what it loads (the keys go by DUMP and a re-versioned RESTORE). A server
/// that did not say what it is gets MIGRATE, as before.
fn routes(source: Option<Server>, destinations: &SlotMasters) -> Vec<Option<RdbTarget>> {
    destinations
        .masters
        .iter()
        .map(|master| {
            let (source, server) = (source?, master.server?);
            let target = RdbTarget::of(&server);
            (!target.accepts_version(RdbTarget::of(&source).rdb_version)).then_some(target)
        })
        .collect()
}

/// The running totals of the import.
#[derive(Default)]
struct Tally {
    imported: u64,
    skipped: u64,
    busy: BusyKeys,
    uncarried: BusyKeys,
    reasons: BTreeMap<String, u64>,
    changing: BusyKeys,
    copied_again: u64,
    error: Option<NodeError>,
}

impl Tally {
    fn add(&mut self, counts: Copied) {
        self.imported += counts.imported;
        self.skipped += counts.skipped;
        self.copied_again += counts.copied_again;
        for (reason, count) in reasons(&counts.uncarried) {
            *self.reasons.entry(reason).or_default() += count;
        }
        add_keys(&mut self.busy, &counts.busy);
        let uncarried: Vec<Vec<u8>> = counts.uncarried.into_iter().map(|(k, _)| k).collect();
        add_keys(&mut self.uncarried, &uncarried);
        add_keys(&mut self.changing, &counts.changing);
    }

    fn done(&self) -> u64 {
        self.imported + self.skipped + self.busy.count + self.uncarried.count + self.changing.count
    }

    fn document(self, args: &ImportArgs, elapsed: Duration) -> ImportDocument {
        let outcome = if self.error.is_some() {
            ImportOutcome::Interrupted
        } else if self.busy.count + self.uncarried.count + self.changing.count > 0 {
            ImportOutcome::KeysNotImported
        } else {
            ImportOutcome::Imported
        };
        ImportDocument {
            outcome,
            source: args.from.clone(),
            imported: self.imported,
            skipped: self.skipped,
            busy_keys: self.busy,
            uncarried_keys: self.uncarried,
            uncarried_reasons: self.reasons,
            changing_keys: self.changing,
            copied_again: self.copied_again,
            seconds: elapsed.as_secs_f64(),
            error: self.error.map(|error| error.to_string()),
        }
    }
}

/// Counts `keys` into `listed`, naming the first few.
fn add_keys(listed: &mut BusyKeys, keys: &[Vec<u8>]) {
    listed.count += keys.len() as u64;
    let room = BUSY_KEYS_SHOWN.saturating_sub(listed.first.len());
    listed.first.extend(
        keys.iter()
            .take(room)
            .map(|key| String::from_utf8_lossy(key).into_owned()),
    );
}

/// Scans the source to the end (or the first failure), migrating each batch while the
/// next one is scanned.
async fn run_migration(migration: &Migration<'_>, progress: &Progress, tally: &mut Tally) {
    let mut batch = migration.scan(0).await;
    loop {
        let (cursor, keys) = match batch {
            Ok(batch) => batch,
            Err(error) => {
                tally.error = Some(error);
                break;
            }
        };
        let (outcome, next) = if cursor == 0 {
            (migration.migrate_batch(keys).await, None)
        } else {
            let (outcome, next) =
                tokio::join!(migration.migrate_batch(keys), migration.scan(cursor));
            (outcome, Some(next))
        };
        let (counts, error) = outcome;
        for counts in counts {
            tally.add(counts);
        }
        progress.keys_done(tally.done());
        match (error, next) {
            (Some(error), _) => {
                tally.error = Some(error);
                break;
            }
            (None, None) => break,
            (None, Some(next)) => batch = next,
        }
    }
}
