//! The command line: every subcommand, flag and environment variable rtrib understands.
//!
//! These structs are only the *shape* of the command line; [`crate::context`] turns the global
//! options into settings, and each subcommand's arguments go to its module in
//! [`crate::commands`]. [`crate::redis_cli`] reads a `redis-cli --cluster` line into this shape.
//!
//! This file holds the subcommands and their arguments; `global` the options every subcommand
//! takes; `parse` the value parsers (durations, counts, weights...).

mod data;
mod global;
mod parse;

pub use data::{BackupArgs, ImportArgs, RestoreArgs};
pub use global::{GlobalArgs, OutputFormat, Secret};
pub use parse::parse_duration;

use parse::{parse_count, parse_migrate_timeout, parse_node_timeout, parse_slot_count};

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cluster::atomic::MethodChoice;
use crate::cluster::load::Measure;
use crate::exit::{EXIT_CODES_HELP, JSON_HELP};
use crate::prompt::CONFIRMATION_HELP;

/// `--help`'s closing sections: the exit codes, the confirmation rule, then the JSON documents.
fn concat_help() -> String {
    format!("{EXIT_CODES_HELP}\n\n{CONFIRMATION_HELP}\n\n{JSON_HELP}")
}

/// Administer Redis Cluster by host name: create, check, fix, reshard, rebalance, heal.
#[derive(Debug, Parser)]
#[command(
    name = "rtrib",
    version,
    about,
    long_about = "Administer Redis Cluster by host name.\n\n\
        rtrib replaces redis-trib and `redis-cli --cluster`. Nodes may be named by DNS name \
        (a StatefulSet pod, a Swarm task) as well as by IP: rtrib resolves them itself, with \
        the search domains of /etc/resolv.conf, and retries until the name appears.",
    after_help = EXIT_CODES_HELP,
    after_long_help = concat_help(),
    max_term_width = 100,
    propagate_version = true
)]
pub struct Cli {
    /// Options every subcommand accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a cluster from empty nodes, given by name or address; safe to re-run.
    #[command(
        long_about = "Create a cluster from empty nodes, given by DNS name or address.\n\n\
            Validates every node (reachable, cluster-enabled, empty) before changing anything, \
            picks masters and slot ranges exactly as redis-cli does, places replicas away from \
            their master's host, prints the plan and asks (see Confirmation in rtrib --help; \
            --yes skips it), then assigns slots, joins the nodes and attaches the replicas. \
            It returns only once every node reports cluster_state:ok and agrees about the slots \
            and every replica's master, then runs a full check.\n\n\
            Re-running it is safe: on the cluster it formed it does nothing and exits 0; on a \
            cluster left half-formed it finishes the job; on nodes of another cluster, or holding \
            data, it refuses (exit 6 / 5) without changing anything.",
        after_help = "Examples:\n  \
            rtrib create --replicas 1 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 \\\n      \
            127.0.0.1:7003 127.0.0.1:7004 127.0.0.1:7005 --yes\n  \
            rtrib create --replicas 1 redis-app-{0..5}.redis-service:6379 --yes\n  \
            rtrib create --dry-run -o json --replicas 1 redis-{0..5}.redis:6379\n\n\
            Exit status: 0 created (or already formed), 1 failed or declined, 3 a node is \
            unreachable, 4 the nodes did not join in time, 5 a node is not empty, 6 a node \
            belongs to another cluster."
    )]
    Create(CreateArgs),
    /// Make the cluster match the nodes given: new ones join, missing ones leave; safe to re-run.
    #[command(
        long_about = "Make a running cluster match the list of nodes that should be in it, in \
            one idempotent step: run it after scaling a StatefulSet up, and before scaling it \
            down, with the new list.\n\n\
            The shape is the one create would choose for the whole list (masters = nodes / \
            (replicas + 1), at least 3 without --allow-few-masters). New nodes join; the masters \
            still missing are taken from them (spread over failure domains), the others become \
            replicas of the masters short of replicas, away from their master's failure domain, \
            and each is waited for until its first sync. Then the new masters get their share of \
            the slots, and the masters that leave (or step down) give theirs to the masters that \
            stay, spread by share (atomically where the servers can, see --migration). Then the \
            replicas of leaving masters follow masters short of replicas, and every node not in \
            the list is reset (CLUSTER RESET HARD, so it cannot rejoin) and forgotten by every \
            other node. A leaving node that is already gone is only forgotten; if it still \
            serves slots no replica took over, reconcile refuses (exit 5) unless --force. When \
            every node given is empty, it does exactly what create does.\n\n\
            It prints its plan and asks (see Confirmation in rtrib --help; --yes skips it). A \
            second run changes nothing (\"The cluster matches the N nodes given\"), and a run \
            that was killed is finished by running the same command again. --plan-out FILE \
            writes the plan for rtrib apply instead, changing nothing.",
        after_help = "Examples:\n  \
            rtrib reconcile --replicas 1 redis-app-{0..7}.redis-service:6379 --yes   # 6 -> 8 pods\n  \
            rtrib reconcile --replicas 1 --from-dns redis-service:6379 --expect 8 --yes\n  \
            rtrib reconcile --replicas 1 redis-app-{0..5}.redis-service:6379 --dry-run -o json\n  \
            rtrib reconcile --replicas 1 redis-app-{0..5}.redis-service:6379 --plan-out scale.json\n\n\
            Exit status: 0 the cluster matches the nodes (changed or not) and is healthy, 1 a \
            step failed, declined, or the check found problems, 2 bad arguments or too few \
            masters, 3 a node is unreachable, 4 a wait ran out of time, 5 refused (nothing \
            changed): a leaving node is gone with slots, the cluster has problems, or a new node \
            holds data, 6 a new node belongs to another cluster."
    )]
    Reconcile(ReconcileArgs),
    /// Attach an empty node as a replica of a master (redis-trib.py's spelling).
    #[command(
        long_about = "Attach an empty node as a replica of a master, as `redis-trib.py replicate` \
            does in the Kubernetes tutorials, but by name and to completion: the new node joins \
            the master's cluster if it is not in it yet, replicates the master, and the command \
            returns once every node sees it as the master's replica. Re-running it is a no-op.",
        after_help = "Examples:\n  \
            rtrib replicate --master-addr redis-app-0.redis-service:6379 \\\n      \
            --slave-addr redis-app-3.redis-service:6379\n  \
            rtrib replicate --master-addr 127.0.0.1:7000 --replica-addr 127.0.0.1:7003"
    )]
    Replicate(ReplicateArgs),
    /// Hand a master's slots to a replica before the master stops (coordinated, no write lost).
    #[command(
        long_about = "Hand a master's slots to one of its replicas, for maintenance: a restart, \
            a Kubernetes rollout, a node drain.\n\n\
            --from NODE: when NODE is a master serving slots, its best replica takes over by a \
            coordinated CLUSTER FAILOVER: the master pauses writes, the replica catches up to \
            its offset, then takes the slots. No acknowledged write is lost and clients wait \
            tens of milliseconds instead of the node timeout and election of an unplanned \
            failover. The best replica is reachable, has its replication link up and is not in \
            a full sync; among those, one in another failure domain (IP, or --host-of label) \
            first, then the one with the smallest replication offset gap. When NODE is a \
            replica or serves no slot there is nothing to do (exit 0), so the same command can \
            run before any node stops (a preStop hook). A master no replica can take over \
            from is refused, saying why (exit 5, nothing changed).\n\n\
            --to REPLICA: promote that replica, coordinated. --force promotes it without its \
            master (CLUSTER FAILOVER FORCE), for a master that is unreachable: writes the \
            replica had not received yet are lost. --takeover promotes it without the master \
            and without an election (TAKEOVER), for when no majority of masters is reachable: \
            it bumps the config epoch on its own and, in a partition, can leave two masters \
            claiming the same slots until the partition heals (the last writes of one are \
            lost then).\n\n\
            It does not ask for confirmation. It returns once the replica is master and every \
            node's view agrees on the new roles, then runs a full check.",
        after_help = "Examples:\n  \
            rtrib failover --from redis-app-0.redis-service:6379     # before stopping it\n  \
            rtrib failover --to 127.0.0.1:7003\n  \
            rtrib failover --to 127.0.0.1:7003 --force               # its master is down\n\n\
            Exit status: 0 handed over (or nothing to do) and the cluster is healthy, 1 the \
            check found problems, 3 a node is unreachable, 4 the replica did not take over, or \
            the views did not agree, within --wait-timeout, 5 no replica can take over, or the \
            master is unreachable without --force (nothing changed)."
    )]
    Failover(FailoverArgs),
    /// Restore create's role placement after failovers: masters spread, replicas off their host.
    #[command(
        long_about = "Restore the role placement create chose, after failures, failovers and \
            rollouts moved roles around: no replica in its master's failure domain, every \
            master with a replica, masters spread over failure domains, replicas spread evenly \
            over masters. Failure domains are IP addresses, or --host-of labels (the Kubernetes \
            node a pod runs on).\n\n\
            Roles change by coordinated failovers (a replica takes over its master's slots, no \
            write lost) and replica moves (CLUSTER REPLICATE; the moved replica makes a full \
            sync). No slot or key moves. It plans the fewest such steps that improve the \
            placement, one at a time, prints the plan and asks (see Confirmation in rtrib \
            --help; --yes skips it); each step is finished (every view agrees) before the next. \
            A placement no step improves is left alone (exit 0). Refuses (exit 5) while a node \
            is unreachable or failing.",
        after_help = "Examples:\n  \
            rtrib rebalance-roles 127.0.0.1:7000 --dry-run\n  \
            rtrib rebalance-roles redis-app-0.redis-service:6379 --yes \\\n      \
            --host-of redis-app-0=node-a --host-of redis-app-1=node-b ...\n\n\
            Exit status: 0 placed (or nothing to do) and the cluster is healthy, 1 declined or \
            the check found problems, 3 a node is unreachable, 4 a step did not finish within \
            --wait-timeout, 5 a node is unreachable or failing (nothing changed)."
    )]
    RebalanceRoles(RebalanceRolesArgs),
    /// Add an empty node to a cluster, as a master or as a replica.
    #[command(after_help = "Examples:\n  \
            rtrib add-node redis-app-6.redis-service:6379 redis-app-0.redis-service:6379\n  \
            rtrib add-node 127.0.0.1:7006 127.0.0.1:7000 --replica\n  \
            rtrib add-node 127.0.0.1:7007 127.0.0.1:7000 --replica --master-id 3c3a0c74")]
    AddNode(AddNodeArgs),
    /// Remove a node from the cluster (with --force: a dead or unreachable one too).
    #[command(after_help = "Examples:\n  \
            rtrib del-node 127.0.0.1:7000 9e0b7a1c4d2f\n  \
            rtrib del-node redis-app-0.redis-service:6379 redis-app-5.redis-service:6379\n  \
            rtrib del-node 127.0.0.1:7000 0c8d4e2f77aa --force   # the node is dead")]
    DelNode(DelNodeArgs),
    /// Make every live node forget a node (dead, unreachable or noaddr); same as del-node --force.
    #[command(after_help = "Examples:\n  \
            rtrib forget 127.0.0.1:7000 0c8d4e2f77aa\n  \
            rtrib forget redis-app-0.redis-service:6379 0c8d4e2f77aa3b1c9d0e5f6a7b8c9d0e1f2a3b4c")]
    Forget(ForgetArgs),
    /// Move N slots (and their keys) to a master, from some or all of the others.
    #[command(
        long_about = "Move exactly N slots, with their keys, to one master, as \
            `redis-cli --cluster reshard` does (sources give in proportion to the slots they \
            serve, their lowest slots first), but several slots at a time and in large batches. \
            It prints the plan and asks first (see Confirmation in rtrib --help; --yes skips \
            it).\n\n\
            Refuses to start on a cluster with problems, except slots left open by an interrupted \
            reshard or rebalance: those are finished first. The plan is journalled under \
            $XDG_STATE_HOME/rtrib (default ~/.local/state/rtrib) while it runs, so re-running the \
            same command after an interruption moves exactly the slots that were left.",
        after_help = "Examples:\n  \
            rtrib reshard 127.0.0.1:7000 --from all --to 3c3a0c74 --slots 4096 --yes\n  \
            rtrib reshard redis-0.redis:6379 --from 9e0b7a1c,0c8d4e2f --to redis-3.redis:6379 \\\n      \
            --slots 100 --dry-run -o json\n\n\
            Exit status: 0 moved (or finished) and the cluster is healthy, 1 a slot could not be \
            moved (left open), declined, or the check found problems, 2 bad arguments, 3 a node \
            is unreachable, 5 the cluster has problems or too few slots (nothing changed)."
    )]
    Reshard(ReshardArgs),
    /// Even out the slots between masters, or what they hold (--by keys), by weight.
    #[command(
        long_about = "Even out the slots between masters, as `redis-cli --cluster rebalance` \
            does: each master should serve 16384 * weight / total weight slots; masters beyond \
            --threshold percent of their share give their lowest slots to those below it. \
            Empty masters take part with --use-empty-masters; --weight ID=0 drains a master.\n\n\
            With --by keys (memory, cpu, network), slots are weighed by what they hold instead, \
            read from every master (CLUSTER SLOT-STATS on Valkey 8+, else COUNTKEYSINSLOT; \
            memory is estimated by sampling MEMORY USAGE): each master should hold total * \
            weight / total weight of it, and rtrib moves the whole slots that bring every \
            master closest to its share, moving as little data as it can. A slot heavier than \
            a master's whole share (one huge hash tag) is reported, not moved. A measure the \
            servers cannot give (cpu and network need cluster-slot-stats-enabled yes) is an \
            error (exit 5), never a silent fallback to slot counts.\n\n\
            It asks before moving only when stdin is a terminal (--yes skips it); without a \
            terminal it proceeds, as redis-cli's rebalance does: --simulate previews.\n\n\
            Slots left open by an interrupted run are finished first, so re-running an \
            interrupted rebalance completes it.",
        after_help = "Examples:\n  \
            rtrib rebalance 127.0.0.1:7000 --use-empty-masters\n  \
            rtrib rebalance 127.0.0.1:7000 --weight 3c3a0c74=0      # drain a master\n  \
            rtrib rebalance 127.0.0.1:7000 --weight 9e0b7a1c=2 --simulate -o json\n  \
            rtrib rebalance 127.0.0.1:7000 --by keys --yes         # hash-tag hot spots\n\n\
            Exit status: 0 balanced and healthy, 1 a slot could not be moved (left open), \
            declined on a terminal, or the check found problems, 2 bad arguments, 3 a node is \
            unreachable, 5 the cluster has problems, or the servers cannot measure --by \
            (nothing changed)."
    )]
    Rebalance(RebalanceArgs),
    /// Repair open slots, uncovered slots and multiple owners, losing no key.
    #[command(
        long_about = "Repair what `rtrib check` reports about slots, as `redis-cli --cluster fix` \
            does, but deterministically and without giving up: open (migrating/importing) \
            slots in any half-migrated state, slots no master serves, and slots several masters \
            serve or hold keys in (the last with --search-multiple-owners). It prints the \
            repair and asks first (see Confirmation in rtrib --help; --yes skips it).\n\n\
            A slot left open by an interrupted reshard or rebalance is finished as that move. \
            Any other slot goes to the master that alone serves it, else to the master with the \
            most keys in it (ties: a master serving it, then node order), and every other \
            master's keys in it are migrated there first: no key is dropped.\n\n\
            Refuses (changing nothing) while a master serving slots is unreachable, unless \
            --force: its slots would be taken as uncovered and reassigned.",
        after_help = "Examples:\n  \
            rtrib fix 127.0.0.1:7000\n  \
            rtrib fix redis-0.redis:6379 --search-multiple-owners --yes -o json\n\n\
            Exit status: 0 repaired (or nothing to repair) and the final check is healthy, \
            1 a step failed, declined, or the final check found problems, 2 bad arguments, \
            3 a node is unreachable, 5 a master is unreachable without --force (nothing changed)."
    )]
    Fix(FixArgs),
    /// Carry out a plan written by --plan-out, exactly, or refuse if the cluster changed.
    #[command(
        long_about = "Carry out a plan file written by a command's --plan-out (create, reshard, \
            rebalance, fix, del-node, forget, rebalance-roles, reconcile), exactly as reviewed.\n\n\
            Reads the cluster first and compares it with the cluster the plan found (members, \
            roles, slot owners, open slots, config epochs): when something else changed it \
            refuses, naming what changed, with nothing changed (exit 5). Otherwise it makes the \
            plan's steps with the engines of the command that made it, with its progress, \
            convergence wait and final check. A plan interrupted part-way is resumed where it \
            stopped; a plan already carried out is recognised and left alone (exit 0).",
        after_help = "Examples:\n  \
            rtrib reshard 127.0.0.1:7000 --from all --to 3c3a0c74 --slots 4096 --plan-out move.json\n  \
            rtrib apply move.json --dry-run\n  \
            rtrib apply move.json --yes\n\n\
            Exit status: 0 carried out (or already done) and the cluster is healthy, 1 a step \
            failed, declined, or the check found problems, 2 the file is not a plan rtrib can \
            apply, 3 a node is unreachable, 4 the cluster did not converge in time, 5 the \
            cluster changed since the plan was made (nothing changed), 6 the plan is for \
            another cluster."
    )]
    Apply(ApplyArgs),
    /// Re-join nodes after restarts gave them new IP addresses; a no-op on a healthy cluster.
    #[command(after_help = "Examples:\n  \
            rtrib heal redis-app-{0..5}.redis-service:6379\n  \
            rtrib heal redis-app-{0..5}.redis-service:6379 --forget-ghosts")]
    Heal(HealArgs),
    /// Block until the nodes answer and are cluster-enabled (or the cluster state is ok).
    #[command(after_help = "Examples:\n  \
            rtrib wait redis-app-{0..5}.redis-service:6379 --timeout 5m\n  \
            rtrib wait 127.0.0.1:7000 --for cluster-ok")]
    Wait(WaitArgs),
    /// Check the cluster's health: slot agreement, open slots, coverage, failing nodes.
    #[command(
        long_about = "Check the cluster's health, as `redis-cli --cluster check` does, and more.\n\n\
            Reads every node's own view concurrently, then reports: whether all nodes agree about \
            the slots, open (migrating/importing) slots, slots no node covers, nodes that are \
            unreachable or flagged failing, and masters without a replica. A healthy cluster \
            prints exactly three [OK] lines.",
        after_help = "Examples:\n  \
            rtrib check 127.0.0.1:7000\n  \
            rtrib check redis-app-0.redis-service:6379 -o json\n  \
            rtrib check redis-0.redis:6379 --search-multiple-owners\n  \
            rtrib check redis-0.redis:6379 -o prometheus --textfile /textfile/rtrib.prom\n\n\
            With -o prometheus the result is Prometheus metrics (rtrib_cluster_healthy and the \
            rest, see docs/metrics.md); --textfile writes them atomically to a file for \
            node_exporter's textfile collector. The exit status stays the check's.\n\n\
            Exit status: 0 healthy, 1 problems found, 3 the node could not be reached or used, \
            4 it did not answer in time."
    )]
    Check(CheckArgs),
    /// Show each master's keys, memory, slots and replicas, and where the keys pile up.
    #[command(
        long_about = "Show each master's keys, memory used (INFO used_memory) and their shares, \
            slots and replicas, then the skew at a glance: the 16384 slots as a strip coloured \
            by owner, a bar per master for the --by measure, and the heaviest slots (hash-tag \
            hot spots) with their owner and a key of each. Plain characters when stdout is not \
            a terminal or NO_COLOR is set. The last two lines are redis-cli's. With -o \
            prometheus (or --textfile), the same metrics as check instead.",
        after_help = "Examples:\n  \
            rtrib info 127.0.0.1:7000\n  \
            rtrib info 127.0.0.1:7000 --by memory --top 20\n  \
            rtrib info redis-app-0.redis-service:6379 --by-slot -o json\n  \
            rtrib info 127.0.0.1:7000 -o prometheus     # the same metrics as check\n\n\
            Exit status: 0 shown, 3 the node could not be reached, 5 the servers cannot \
            measure --by."
    )]
    Info(InfoArgs),
    /// Run a command on every node concurrently and print each node's reply.
    #[command(after_help = "Examples:\n  \
            rtrib call 127.0.0.1:7000 INFO server\n  \
            rtrib call 127.0.0.1:7000 CONFIG GET maxmemory --only-masters -o json")]
    Call(CallArgs),
    /// Move (or copy) the keys of a standalone Redis, or of another cluster, into the cluster.
    #[command(
        long_about = "Move (or copy, with --copy) every key of a standalone Redis into the \
            masters of the cluster, as `redis-cli --cluster import` does, but fast: each SCAN \
            batch of the source is split by destination master and sent as one \
            `MIGRATE ... KEYS k1 k2 ...` per master, run on the source, several masters at a \
            time. --from may name a node of another cluster: every master of it is read, one \
            after the other. The cluster must pass the check; otherwise nothing is changed. \
            Keys that already exist in the cluster are left alone and reported (the import \
            goes on), unless --replace overwrites them.\n\n\
            Between servers whose RDB versions differ (Redis 7.4+ into Valkey, Valkey into \
            Redis), a master refuses MIGRATE's payload; there the keys are copied with DUMP \
            and a re-versioned RESTORE instead, and deleted from the source only when still \
            unchanged (an atomic compare-and-delete): a write made meanwhile is never lost.",
        after_help = "Examples:\n  \
            rtrib import 127.0.0.1:7000 --from 127.0.0.1:6379\n  \
            rtrib import redis-app-0.redis-service:6379 --from legacy-redis:6379 --copy \\\n      \
            --from-pass-file /secrets/legacy\n\n\
            Exit status: 0 every key imported (or gone before its turn), 1 some keys were not \
            imported (already present, not loadable by the target, written on the source each \
            time they were copied, or a MIGRATE failed), 3 the cluster or the source cannot be \
            reached or used, 5 the cluster check found problems, or the source is the cluster \
            itself or has a master unreachable (nothing changed)."
    )]
    Import(ImportArgs),
    /// Save an RDB of every shard into a directory, all shards at once, each file verified.
    #[command(
        long_about = "Save an RDB snapshot of every shard of the cluster into DIR, as \
            `redis-cli --cluster backup` does, but all shards at once: each master (or, with \
            --from replicas, one replica of each master) is asked for a full resynchronization \
            over the replication protocol, and streams its RDB (disk-based or diskless) \
            straight into DIR.\n\n\
            Every file is written under a temporary name, read back from disk whole (header, \
            every entry, the CRC64 trailer, its SHA-256) and only then renamed to redis-cli's \
            name, redis-node-<ip>-<port>-<master id>.rdb. Then nodes.json (redis-cli's) and, \
            last, manifest.json (rtrib's: the cluster's shape and, per file, the master, the \
            node read, its server, slots, RDB version, size, SHA-256, key count and times). A \
            directory without manifest.json does not hold a complete backup: a failure, Ctrl-C \
            or a kill leaves none, and no file with a final name that was not verified.\n\n\
            DIR is created when missing; one that already holds a backup is refused. The check \
            runs first; its problems are reported as warnings and the backup is made anyway, as \
            redis-cli does. See docs/backup.md.",
        after_help = "Examples:\n  \
            rtrib backup 127.0.0.1:7000 /backups/$(date +%F)\n  \
            rtrib backup redis-app-0.redis-service:6379 /backups/today --from replicas\n  \
            rtrib --cluster backup 127.0.0.1:7000 /backups/today      # redis-cli's spelling\n\n\
            Exit status: 0 every shard saved and verified, 1 a file could not be written or did \
            not verify, 3 a node could not be reached or refused the transfer, 4 a node sent \
            nothing for too long, 5 refused before any transfer (a master cannot be read, has \
            no replica with --from replicas, or DIR holds a backup)."
    )]
    Backup(BackupArgs),
    /// Restore RDB files (a backup directory, or one dump.rdb) into a cluster of any shape.
    #[command(
        long_about = "Restore RDB files into the cluster of NODE, whatever its number of \
            masters: a backup directory (every *.rdb file in it: rtrib backup's, or \
            `redis-cli --cluster backup`'s redis-node-<ip>-<port>-<id>.rdb files), or one RDB \
            file (a standalone's dump.rdb). Every key goes to the master serving its slot, as \
            `RESTORE key ttl payload ABSTTL` (its expire time kept, absolute; keys already \
            expired are skipped and counted), pipelined, every master at once. The function \
            libraries are loaded on every master.\n\n\
            Before writing anything it reads the whole source (streamed: memory stays \
            bounded) and refuses, changing nothing: a truncated, corrupted or foreign file \
            (exit 2, naming the file and the byte offset), or one that differs from what \
            rtrib's manifest.json lists (the files, their sizes and SHA-256 sums); a cluster that already holds keys, \
            unless --replace or --skip-existing (exit 5); values the cluster cannot load, \
            naming their type and count (exit 5).\n\n\
            Redis and Valkey write different RDB versions and each refuses a newer one; each \
            payload is stamped with the lowest version its encoding needs, so Redis data \
            restores into Valkey and back. An encoding the target does not know (the \
            listpacks of Redis 7+ for Redis 6.2, a newer stream format) is rewritten in one \
            it knows, with the same content; what no form carries (a module's type, hash \
            field expiration for a server without it) is refused before any write.\n\n\
            Afterwards it counts the keys of every slot on the cluster and compares them with \
            the source: a difference is named (slots and counts) and exits 1.",
        after_help = "Examples:\n  \
            rtrib restore /backups/2026-12-06 127.0.0.1:7000\n  \
            rtrib restore /var/lib/redis/dump.rdb valkey-0.valkey:6379 --dry-run\n  \
            rtrib restore ./backup redis-0.redis:6379 --skip-existing -o json\n\n\
            Exit status: 0 every key restored and every slot's count matches, 1 a RESTORE \
            failed or counts differ, 2 bad arguments or a bad file (nothing written), 3 a \
            node cannot be reached, 5 refused (the cluster holds keys, values it cannot load, \
            the check found problems; nothing written), 130 Ctrl-C (no key is read after it, \
            those queued are written; every RESTORE is whole, so a re-run with \
            --skip-existing restores the rest)."
    )]
    Restore(RestoreArgs),
    /// Set cluster-node-timeout on every node (CONFIG SET and CONFIG REWRITE).
    #[command(after_help = "Example:\n  rtrib set-timeout 127.0.0.1:7000 5000")]
    SetTimeout(SetTimeoutArgs),
    /// Start a local cluster of redis-server processes to try rtrib on (`sandbox stop` ends it).
    #[cfg(not(feature = "image"))]
    #[command(after_help = "Examples:\n  \
            rtrib sandbox                      # 6 nodes on 127.0.0.1:7000-7005, 1 replica each\n  \
            rtrib check 127.0.0.1:7000\n  \
            rtrib sandbox stop")]
    Sandbox(SandboxArgs),
    /// Copy this rtrib binary into DIR (for a Kubernetes init container; see docs/kubernetes.md).
    #[command(hide = true)]
    CopyBinary(CopyBinaryArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[cfg(not(feature = "image"))]
    #[command(after_help = "Examples:\n  \
            rtrib completions bash > /etc/bash_completion.d/rtrib\n  \
            rtrib completions zsh > \"${fpath[1]}/_rtrib\"")]
    Completions(CompletionsArgs),
}

/// Arguments of `rtrib check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Any node of the cluster: host:port, ip:port or [ipv6]:port.
    #[arg(value_name = "NODE", required_unless_present_any = ["from_dns", "from_srv"], conflicts_with_all = ["from_dns", "from_srv"])]
    pub node: Option<String>,
    /// Or find the nodes in DNS (the first one that answers is asked).
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    /// Also look for slots that hold keys on more than one master (one pipelined scan of the
    /// 16384 slots per master).
    #[arg(long, visible_alias = "cluster-search-multiple-owners")]
    pub search_multiple_owners: bool,
    /// Write the metrics (implies -o prometheus) to this file instead of stdout, atomically:
    /// for node_exporter's textfile collector (name it *.prom in its directory).
    #[arg(long, value_name = "PATH")]
    pub textfile: Option<PathBuf>,
}

/// Arguments of `rtrib copy-binary`.
#[derive(Debug, Args)]
pub struct CopyBinaryArgs {
    /// The directory that receives `rtrib` (an emptyDir shared with the Redis container).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Arguments of `rtrib completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `rtrib info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Any node of the cluster: host:port, ip:port or [ipv6]:port.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// Write the metrics (implies -o prometheus) to this file instead of stdout, atomically.
    #[arg(long, value_name = "PATH")]
    pub textfile: Option<PathBuf>,
    /// The measure of the bar per master and of the heaviest slots.
    #[arg(long, value_name = "MEASURE", value_enum, default_value_t = Measure::Keys)]
    pub by: Measure,
    /// Also list every slot's figures (keys, and memory, CPU and network when read); in JSON,
    /// `slots[]` holds all 16384.
    #[arg(long, visible_alias = "slots")]
    pub by_slot: bool,
    /// How many of the heaviest slots to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Print only redis-cli's lines: one per master (`ADDR (ID...) -> N keys | M slots | R
    /// slaves.`) and the totals; `rtrib --cluster info` prints these. Text output only.
    #[arg(long, conflicts_with_all = ["by_slot", "textfile"])]
    pub summary: bool,
}

/// `--by`'s values, with what each reads.
impl ValueEnum for Measure {
    fn value_variants<'a>() -> &'a [Self] {
        &Measure::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            Measure::Slots => "slot counts (redis-cli's rebalance)",
            Measure::Keys => "keys per slot (CLUSTER SLOT-STATS or COUNTKEYSINSLOT)",
            Measure::Memory => "bytes per slot, estimated by sampling MEMORY USAGE",
            Measure::Cpu => "CPU time per slot (Valkey 8+, cluster-slot-stats-enabled yes)",
            Measure::Network => {
                "network bytes per slot (Valkey 8+, cluster-slot-stats-enabled yes)"
            }
        };
        Some(clap::builder::PossibleValue::new(self.name()).help(help))
    }
}

/// Arguments of `rtrib create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The nodes, in order (the first ones become masters): host:port, ip:port or [ipv6]:port.
    #[arg(value_name = "NODE", num_args = 1.., required_unless_present_any = ["from_dns", "from_srv"], conflicts_with_all = ["from_dns", "from_srv"])]
    pub nodes: Vec<String>,
    /// Or find the nodes in DNS (ordered by pod ordinal, else by address).
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    /// Replicas per master; masters = nodes / (replicas + 1).
    #[arg(
        long,
        visible_alias = "cluster-replicas",
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true,
        value_parser = parse_count
    )]
    pub replicas: usize,
    /// Failure domain of a node (e.g. the Kubernetes node a pod runs on): replicas are kept
    /// out of their master's domain. NAME is a NODE as given, its host, or its IP. Repeatable.
    /// Unlabelled nodes are grouped by IP address.
    #[arg(long, value_name = "NAME=DOMAIN", value_parser = parse_label)]
    pub host_of: Vec<(String, String)>,
    /// Allow a cluster of fewer than 3 masters (no automatic failover).
    #[arg(long)]
    pub allow_few_masters: bool,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long to wait for the nodes to join and the cluster to become usable.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
    /// Also wait until every replica has finished its first sync with its master.
    #[arg(long)]
    pub wait_sync: bool,
    /// Write the plan instead.
    #[command(flatten)]
    pub plan: PlanOutArgs,
}

/// Arguments of `rtrib reconcile`.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The nodes the cluster should have, as create takes them.
    #[command(flatten)]
    pub layout: CreateArgs,
    /// How slots move: `auto` moves whole slots where every source and target has atomic slot
    /// migration (Valkey 9.0+), else key by key; `atomic` insists; `keys` moves keys everywhere.
    #[arg(long, value_name = "METHOD", value_enum, default_value_t = MethodChoice::Auto)]
    pub migration: MethodChoice,
    /// What each master should get its share of: the slot count, or what the slots hold (read
    /// from every master, as rebalance --by reads it). Give the same on every run.
    #[arg(long, value_name = "MEASURE", value_enum, default_value_t = Measure::Slots)]
    pub by: Measure,
    /// Forget a leaving node that is gone even though it still serves slots no replica took
    /// over: they are left uncovered, for rtrib fix.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `rtrib failover`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["from", "to"])))]
pub struct FailoverArgs {
    /// Hand this master's slots to its best replica; a replica or a master without slots:
    /// nothing to do.
    #[arg(long, value_name = "NODE")]
    pub from: Option<String>,
    /// Promote this replica.
    #[arg(long, value_name = "REPLICA")]
    pub to: Option<String>,
    /// With --to: promote without the master (it is unreachable); writes it had not passed on
    /// are lost.
    #[arg(long, requires = "to", conflicts_with = "takeover")]
    pub force: bool,
    /// With --to: promote without the master and without an election (no majority reachable);
    /// risks two masters for the same slots in a partition.
    #[arg(long, requires = "to")]
    pub takeover: bool,
    /// Failure domain of a node, as for create: --from prefers a replica outside the master's.
    #[arg(long, value_name = "NAME=DOMAIN", value_parser = parse_label)]
    pub host_of: Vec<(String, String)>,
    /// How long to wait for the replica to take over and every node to agree.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
}

/// Arguments of `rtrib rebalance-roles`.
#[derive(Debug, Args)]
pub struct RebalanceRolesArgs {
    /// Any node of the cluster: host:port, ip:port or [ipv6]:port.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// Failure domain of a node (e.g. the Kubernetes node a pod runs on), as for create.
    /// Repeatable; unlabelled nodes are grouped by IP address.
    #[arg(long, value_name = "NAME=DOMAIN", value_parser = parse_label)]
    pub host_of: Vec<(String, String)>,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long to wait for all the steps and for every node to agree.
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
    /// Write the plan instead.
    #[command(flatten)]
    pub plan: PlanOutArgs,
}

/// Arguments of `rtrib replicate`.
#[derive(Debug, Args)]
pub struct ReplicateArgs {
    /// The master to replicate.
    #[arg(long, value_name = "NODE")]
    pub master_addr: String,
    /// The empty node that becomes its replica.
    #[arg(long, visible_alias = "replica-addr", value_name = "NODE")]
    pub slave_addr: String,
    /// How long to wait for the join and for every node to see the new replica.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
}

/// Arguments of `rtrib add-node`.
#[derive(Debug, Args)]
pub struct AddNodeArgs {
    /// The empty node to add: host:port, ip:port or [ipv6]:port.
    #[arg(value_name = "NEW_NODE")]
    pub new_node: String,
    /// Any node of the cluster.
    #[arg(value_name = "EXISTING_NODE")]
    pub existing_node: String,
    /// Add it as a replica (of --master-id, else of the master with the fewest replicas,
    /// preferring one on another host).
    #[arg(long, visible_aliases = ["slave", "cluster-slave", "cluster-replica"])]
    pub replica: bool,
    /// The master to replicate: its ID, an ID prefix (6+ characters) or its address.
    #[arg(
        long,
        visible_aliases = ["cluster-master-id", "cluster-primary-id"],
        value_name = "NODE",
        requires = "replica"
    )]
    pub master_id: Option<String>,
    /// How long to wait until every node knows the new node.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
}

/// Arguments of `rtrib del-node`.
#[derive(Debug, Args)]
pub struct DelNodeArgs {
    /// Any live node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// The node to remove: its ID, an ID prefix (6+ characters) or its address.
    #[arg(value_name = "ID|ADDR")]
    pub target: String,
    /// Remove it even though it is dead, unreachable or has no address (it is only forgotten).
    #[arg(long)]
    pub force: bool,
    /// How long to keep forgetting it until gossip can no longer bring it back.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
    /// Write the plan instead.
    #[command(flatten)]
    pub plan: PlanOutArgs,
}

/// Arguments of `rtrib forget`.
#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Any live node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// The node to forget: its ID, an ID prefix (6+ characters) or its address.
    #[arg(value_name = "ID|ADDR")]
    pub target: String,
    /// Forget it even though it is alive and healthy (as del-node removes it).
    #[arg(long)]
    pub force: bool,
    /// How long to keep forgetting it until gossip can no longer bring it back.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
    /// Write the plan instead.
    #[command(flatten)]
    pub plan: PlanOutArgs,
}

/// How slots are moved, for `reshard`, `rebalance` and `fix`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// MIGRATE's timeout for the source to destination I/O of one batch: 5s, 500ms, or a bare
    /// number of milliseconds as redis-cli's --cluster-timeout.
    #[arg(
        long,
        visible_alias = "cluster-timeout",
        value_name = "DURATION",
        default_value = "60s",
        value_parser = parse_migrate_timeout
    )]
    pub timeout: u64,
    /// Keys per GETKEYSINSLOT / MIGRATE batch.
    #[arg(
        long,
        visible_alias = "cluster-pipeline",
        value_name = "KEYS",
        default_value_t = 1000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub pipeline: u64,
    /// Slots moved at once (over all source/destination pairs), in up to 4 groups of one
    /// source and destination whose commands share round trips, over one connection per node
    /// each; on Valkey 8 or later, whose SETSLOT waits for the replicas, each slot is a group of
    /// its own (up to SLOTS connections per node). Lower it when keys are very large, as every
    /// MIGRATE blocks its source while it runs.
    #[arg(
        long,
        value_name = "SLOTS",
        default_value_t = 256,
        value_parser = clap::value_parser!(u64).range(1..=256)
    )]
    pub parallel: u64,
    /// Overwrite keys that already exist on the destination (otherwise such a slot is left
    /// open and the command exits 1).
    #[arg(long, visible_alias = "cluster-replace")]
    pub replace: bool,
    /// How long to wait, once the slots have moved, until every node (replicas too) agrees on
    /// their new owners; longer exits 4 naming the nodes that lag.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
    /// How slots move: `auto` lets the servers move whole slots (atomic slot migration,
    /// CLUSTER MIGRATESLOTS) when every source and target runs Valkey 9.0 or later, and moves
    /// them key by key (MIGRATE) otherwise; `atomic` insists (refused, nothing changed, where a
    /// server lacks it); `keys` moves keys on every server. --timeout, --pipeline, --parallel
    /// and --replace apply to `keys` only.
    #[arg(long, value_name = "METHOD", value_enum, default_value_t = MethodChoice::Auto)]
    pub migration: MethodChoice,
    /// valkey-cli's spelling of `--migration atomic`.
    #[arg(
        long = "cluster-use-atomic-slot-migration",
        hide = true,
        conflicts_with = "migration"
    )]
    pub use_atomic_slot_migration: bool,
}

impl MigrateArgs {
    /// The method asked for, by either spelling.
    pub fn method_choice(&self) -> MethodChoice {
        match self.use_atomic_slot_migration {
            true => MethodChoice::Atomic,
            false => self.migration,
        }
    }
}

/// `--migration`'s values, with what each does.
impl ValueEnum for MethodChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &MethodChoice::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            MethodChoice::Auto => "atomic where every source and target has it, else keys",
            MethodChoice::Atomic => "the servers move whole slots (Valkey 9.0+)",
            MethodChoice::Keys => "SETSLOT and MIGRATE of the keys in batches (every server)",
        };
        Some(clap::builder::PossibleValue::new(self.name()).help(help))
    }
}

/// Arguments of `rtrib reshard`.
#[derive(Debug, Args)]
pub struct ReshardArgs {
    /// Any node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// The masters that give slots: IDs, ID prefixes (6+ characters) or addresses,
    /// comma-separated, or `all` (every master but the destination).
    #[arg(
        long,
        visible_alias = "cluster-from",
        value_name = "ID,...|all",
        value_delimiter = ',',
        required = true
    )]
    pub from: Vec<String>,
    /// The master that receives them: ID, ID prefix or address.
    #[arg(long, visible_alias = "cluster-to", value_name = "ID")]
    pub to: String,
    /// How many slots to move (exactly), 1 or more.
    #[arg(
        long,
        visible_alias = "cluster-slots",
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = parse_slot_count
    )]
    pub slots: usize,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the plan instead.
    #[command(flatten)]
    pub plan: PlanOutArgs,
    /// How to move.
    #[command(flatten)]
    pub migrate: MigrateArgs,
}

/// Arguments of `rtrib fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Any node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// Also repair slots in which a master that does not serve them holds keys (reads every
    /// master's key count in all 16384 slots, as always; this only widens what is repaired).
    #[arg(long, visible_alias = "cluster-search-multiple-owners")]
    pub search_multiple_owners: bool,
    /// Repair even while masters serving slots are unreachable: their slots are taken as
    /// uncovered and reassigned to reachable masters (their keys are not moved).
    #[arg(
        long,
        visible_aliases = [
            "cluster-fix-with-unreachable-masters",
            "cluster-fix-with-unreachable-primaries"
        ]
    )]
    pub force: bool,
    /// Write the plan instead.
    #[command(flatten)]
    pub plan: PlanOutArgs,
    /// How keys are moved.
    #[command(flatten)]
    pub migrate: MigrateArgs,
}

/// Arguments of `rtrib rebalance`.
#[derive(Debug, Args)]
pub struct RebalanceArgs {
    /// Any node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// A master's weight (default 1): ID, ID prefix or address `=W`. 0 drains the master.
    /// Repeatable, or several after one flag as redis-cli takes them.
    #[arg(
        long,
        visible_alias = "cluster-weight",
        value_name = "ID=W",
        num_args = 1..,
        value_parser = parse_weight
    )]
    pub weight: Vec<(String, f64)>,
    /// What to even out: slot counts (redis-cli's algorithm), or what the slots hold.
    #[arg(long, value_name = "MEASURE", value_enum, default_value_t = Measure::Slots)]
    pub by: Measure,
    /// Give slots to masters that serve none too.
    #[arg(
        long,
        visible_aliases = ["cluster-use-empty-masters", "cluster-use-empty-primaries"]
    )]
    pub use_empty_masters: bool,
    /// Rebalance only when a master is off its share (of the --by measure) by more than this
    /// percentage (0: when any is off by a slot).
    #[arg(
        long,
        visible_alias = "cluster-threshold",
        value_name = "PCT",
        default_value_t = 2.0,
        allow_negative_numbers = true,
        value_parser = parse_threshold
    )]
    pub threshold: f64,
    /// Accepted for redis-trib.rb scripts and ignored (it never did anything there either).
    #[arg(long, hide = true)]
    pub auto_weights: bool,
    /// Print the plan and change nothing.
    #[arg(long, visible_aliases = ["cluster-simulate", "dry-run"])]
    pub simulate: bool,
    /// Write the plan instead.
    #[command(flatten)]
    pub plan: PlanOutArgs,
    /// How to move.
    #[command(flatten)]
    pub migrate: MigrateArgs,
}

/// Parses a threshold: a percentage, 0 or more.
fn parse_threshold(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(pct) if pct.is_finite() && pct >= 0.0 => Ok(pct),
        _ => Err(format!(
            "`{text}` is not a percentage: write a number, 0 or more, e.g. 2"
        )),
    }
}

/// Parses `ID=W` with a finite, non-negative weight.
fn parse_weight(text: &str) -> Result<(String, f64), String> {
    let bad = || format!("`{text}` is not ID=WEIGHT (e.g. 3c3a0c74=2, or =0 to drain)");
    let (node, weight) = text.split_once('=').ok_or_else(bad)?;
    let weight: f64 = weight.trim().parse().map_err(|_| bad())?;
    if node.is_empty() || !weight.is_finite() || weight < 0.0 {
        return Err(bad());
    }
    Ok((node.to_string(), weight))
}

/// Arguments of `rtrib heal`.
#[derive(Debug, Args)]
pub struct HealArgs {
    /// Every node of the cluster, by the names that stay stable across restarts.
    #[arg(value_name = "NODE", num_args = 1.., required_unless_present_any = ["from_dns", "from_srv"], conflicts_with_all = ["from_dns", "from_srv"])]
    pub nodes: Vec<String>,
    /// Or find the nodes in DNS.
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    /// Also forget failed entries that match none of the nodes given (ghosts of old addresses
    /// or removed pods).
    #[arg(long)]
    pub forget_ghosts: bool,
    /// How long to wait for the nodes to see each other again.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
}

/// What `rtrib wait` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WaitFor {
    /// Every node answers PING and is cluster-enabled.
    Ready,
    /// Every node reports cluster_state:ok.
    ClusterOk,
}

/// Arguments of `rtrib wait`.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// The nodes to wait for.
    #[arg(value_name = "NODE", required = true, num_args = 1..)]
    pub nodes: Vec<String>,
    /// What to wait for.
    #[arg(long = "for", value_enum, default_value_t = WaitFor::Ready)]
    pub wait_for: WaitFor,
    /// Give up after this long (exit 4).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub timeout: Duration,
}

/// Arguments of `rtrib call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// Any node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// The command and its arguments, sent unchanged to every node.
    #[arg(
        value_name = "COMMAND",
        required = true,
        num_args = 1..,
        allow_hyphen_values = true
    )]
    pub command: Vec<String>,
    /// Only masters.
    #[arg(
        long,
        visible_aliases = ["cluster-only-masters", "cluster-only-primaries"],
        conflicts_with = "only_replicas"
    )]
    pub only_masters: bool,
    /// Only replicas.
    #[arg(long, visible_aliases = ["cluster-only-replicas"])]
    pub only_replicas: bool,
    /// Read the command's last argument from stdin, as redis-cli's -x.
    #[arg(short = 'x', conflicts_with = "stdin_tag")]
    pub stdin_last: bool,
    /// Send stdin in place of the argument TAG, as redis-cli's -X TAG.
    #[arg(short = 'X', value_name = "TAG")]
    pub stdin_tag: Option<String>,
}

/// Arguments of `rtrib set-timeout`.
#[derive(Debug, Args)]
pub struct SetTimeoutArgs {
    /// Any node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// The new cluster-node-timeout: a bare number of milliseconds as redis-cli's, or 5s,
    /// 500ms (at least 100 ms).
    #[arg(
        value_name = "MILLISECONDS",
        allow_negative_numbers = true,
        value_parser = parse_node_timeout
    )]
    pub milliseconds: u64,
}

/// Arguments of `rtrib apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The plan file, written by a command's --plan-out.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Read the cluster from this node instead of the one the plan was made from.
    #[arg(long, value_name = "NODE")]
    pub node: Option<String>,
    /// Print where the cluster stands and the steps left, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also wait, for a create plan, until every replica has finished its first sync.
    #[arg(long)]
    pub wait_sync: bool,
    /// How slots are moved, and how long to wait for every node to agree at the end.
    #[command(flatten)]
    pub migrate: MigrateArgs,
}

/// What `rtrib sandbox` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SandboxAction {
    /// Start the nodes and form the cluster (idempotent).
    Start,
    /// Shut the nodes down and remove their directory.
    Stop,
}

/// Arguments of `rtrib sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// start or stop.
    #[arg(value_enum, default_value_t = SandboxAction::Start)]
    pub action: SandboxAction,
    /// How many nodes.
    #[arg(long, default_value_t = 6, value_name = "N")]
    pub nodes: u16,
    /// Replicas per master.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub replicas: usize,
    /// Port of the first node; the others follow (their bus ports are port + 10000).
    #[arg(long, default_value_t = 7000, value_name = "PORT")]
    pub base_port: u16,
    /// Where the nodes keep their files (default: a directory in the system's temp dir named
    /// after the base port).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Finding the nodes in DNS instead of listing them.
#[derive(Debug, Default, Args)]
pub struct DiscoveryArgs {
    /// The nodes are the addresses of this name, on this port: a Kubernetes headless Service
    /// (redis-service.dev.svc.cluster.local:6379) or Swarm's tasks.<service>:6379.
    #[arg(long, value_name = "HOST:PORT", conflicts_with = "from_srv")]
    pub from_dns: Option<String>,
    /// The nodes are the targets of this name's SRV records
    /// (_redis._tcp.redis-service.dev.svc.cluster.local), with their ports.
    #[arg(long, value_name = "NAME")]
    pub from_srv: Option<String>,
    /// Wait (up to --resolve-timeout) until exactly N nodes are found; more is an error.
    #[arg(long, value_name = "N", value_parser = parse_count)]
    pub expect: Option<usize>,
}

/// Writing the plan instead of carrying it out, for commands that plan a change.
#[derive(Debug, Args)]
pub struct PlanOutArgs {
    /// Write the plan to FILE and change nothing: a JSON document with the cluster as found
    /// and the steps (docs/plans.md), to review and carry out later with `rtrib apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub plan_out: Option<PathBuf>,
}

/// Parses `NAME=DOMAIN`.
fn parse_label(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, domain)) if !name.is_empty() && !domain.is_empty() => {
            Ok((name.to_string(), domain.to_string()))
        }
        _ => Err(format!(
            "`{text}` is not NAME=DOMAIN (e.g. redis-app-0=k8s-node-a)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn passwords_on_the_command_line_are_kept_and_never_shown() {
        let cli =
            Cli::try_parse_from(["rtrib", "-a", "hunter2", "check", "127.0.0.1:7000"]).unwrap();
        assert_eq!(cli.global.pass.as_deref(), Some("hunter2"));
        assert!(!format!("{cli:?}").contains("hunter2"));
    }
}
