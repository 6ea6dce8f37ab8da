//! Exit codes: one table for every rtrib command, so scripts can branch without reading prose.

/// How an rtrib run ended, as the shell sees it.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success; for `check`, the cluster is healthy |
/// | 1 | problems found (`check`), or an operation failed |
/// | 2 | usage error: bad arguments or options |
/// | 3 | a node could not be reached or used: connection refused, authentication failed, not cluster-enabled, loading, not a Redis server |
/// | 4 | rtrib waited as long as allowed and gave up: a name did not resolve within --resolve-timeout, a node did not answer within --connect-timeout/--command-timeout, the cluster did not converge (or a replica did not take over) within --wait-timeout |
/// | 5 | refused: a precondition does not hold (e.g. a node is not empty), or another rtrib holds the cluster's lease; nothing was changed |
/// | 6 | the nodes belong to a different cluster than the one asked for; nothing was changed |
/// | 130 | interrupted (Ctrl-C): while slots move, no new slot starts and the ones in flight finish (atomic: the servers' jobs are cancelled); the report says what moved and what is open, and a re-run finishes; a restore reads no more keys and writes those queued |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success, or a healthy cluster.
    Ok = 0,
    /// 1: problems found, or the operation failed.
    Problems = 1,
    /// 2: the command line is wrong.
    Usage = 2,
    /// 3: a node could not be reached or used.
    Unreachable = 3,
    /// 4: a deadline passed (resolution, connection, reply, or a wait).
    Timeout = 4,
    /// 5: a precondition was not met; nothing changed.
    Refused = 5,
    /// 6: the nodes belong to another cluster; nothing changed.
    ForeignCluster = 6,
    /// 130 (128 + SIGINT, as shells report it): Ctrl-C stopped a run; what it did is reported.
    Interrupted = 130,
}

impl Exit {
    /// The numeric code handed to the operating system.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

/// The table above as plain text, for `--help` and the man page.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success; for check: the cluster is healthy
  1  problems found (check), or the operation failed
  2  usage error: bad arguments or options
  3  a node could not be reached or used (connection refused, authentication
     failed, not cluster-enabled, loading, not a Redis server)
  4  a deadline passed: a name did not resolve in time, a node did not answer
     in time, or the cluster did not converge in time
  5  refused: a precondition does not hold (e.g. node not empty), or another
     rtrib is changing the cluster (it holds the lease); nothing changed
  6  the nodes belong to a different cluster; nothing changed
  130  interrupted by Ctrl-C: while slots move, no new slot starts and the ones
     in flight finish (atomic migration: the servers' jobs are cancelled); the
     report says how many moved and how many are open; a re-run finishes them;
     a restore reads no more keys, writes those queued and says how to go on";

/// The JSON documents printed with `--output json`, one per command, for `--help` and the man
/// page. Field names are stable; new fields may be added.
pub const JSON_HELP: &str = "\
JSON output (-o json): one document on stdout; progress and logs never go there.
  check        seed, healthy, nodes[] (id, name, addr, role, flags, master_id, slots
               [[first,last]...], slot_count, keys, replicas, server (kind, version),
               reachable, error, migrating, importing), uncovered_slots, open_slots,
               findings[] (kind, severity, problem, and the finding's own fields)
  info         masters[] (as check's nodes, plus keys_percent, used_memory,
               used_memory_percent, load, load_percent, figures_from, figures_error),
               total_keys, total_slots, total_replicas, keys_per_slot,
               total_used_memory, by, measures, memory_samples_per_slot,
               heaviest_slots[] (slot, owner, keys, memory, cpu_usec, network_bytes,
               sample_key), slots[] (all 16384, with --by-slot)
  create       outcome (created | completed | already_formed | dry_run), nodes[] (id,
               name, addr, role, slots, master_id), anti_affinity, steps (add_slots,
               config_epochs, meets, replicate, fresh), check
  reconcile    outcome (matches | dry_run | reconciled), nodes, masters[], joins[],
               attach[] (replica, master), moves[] (from, to, count, slots),
               repoint[] (replica, master), remove[] (id, reset), left_to_fix,
               memory_warnings[] (node, used, incoming, max), check; all nodes
               empty: create's document
  replicate    outcome (attached | already_replica), master, replica, check
  failover     outcome (failed_over | nothing_to_do), mode, master, replica (id,
               addr), slots, other_domain, offset_gap, took_ms, check; nothing to
               do: node, reason
  rebalance-roles
               outcome (placed | dry_run | nothing_to_do), before, after (scores),
               moves[] (kind, replica, master | from, to), check
  add-node     outcome (added | already_member), node, check
  del-node,    outcome (removed), node, replicas_moved[] (replica, master), reset,
  forget       check
  heal         outcome (healed | nothing_to_do), meets[] (from, to, seen_at),
               forgotten[] (id, addr), check
  wait         outcome (ready | timeout), for, waited_ms, nodes[] (node, endpoint,
               ready, waiting_for, ready_after_ms)
  reshard,     outcome (moved | resumed | balanced | dry_run | failed | interrupted),
  rebalance    method (atomic | keys), moves[] (slot, from, to), slots_moved,
               slots_not_started, keys_moved, seconds, failures[] (slot, from, to, reason), check; rebalance adds by, total_load, total_weight, masters[]
               (id, addr, weight, slots_before, slots_after, before, target, after),
               unsplittable[] (slot, owner, weight, percent, share_percent)
  fix          outcome (fixed | nothing_to_fix | failed | interrupted), open,
               uncovered, multiple_owners, steps[], keys_moved, failures[] (slot,
               node, reason), check
  import       outcome (imported | keys_not_imported | interrupted), source,
               imported, skipped, busy_keys (count, first), uncarried_keys,
               uncarried_reasons, changing_keys, copied_again, seconds, error, check
  backup       outcome (backed_up), dir, seconds, warnings[], and the manifest's fields:
               format, version, created_by, from, cluster (seed, masters, replicas,
               slots_covered, healthy), started_at, finished_at, keys, bytes, files[]
               (file, master, source (id, addr), source_role, server, slots,
               slot_count, magic, rdb_version, written_by, size, sha256, crc64, keys,
               functions, transfer, replication_id, replication_offset, started_at,
               finished_at)
  restore      outcome (restored | dry_run | counts_differ | failed | interrupted), cluster, masters,
               source (path, files[], db, keys_read, keys, expired, other_databases, raw,
               converted, libraries, module_aux), existing, restored, existing_keys,
               expired_meanwhile, busy_keys, slots_differing[] (slot, expected, found),
               seconds, keys_per_second, error
  call         command, ok, nodes[] (id, name, addr, role, reply, error)
  set-timeout  milliseconds, ok, nodes[] (id, name, addr, set, persisted, error)
  --plan-out   outcome (planned), command, plan_file, steps
  apply        the plan's command's document; already done: outcome (already_applied),
               command, steps, check; --dry-run: outcome (dry_run), command, steps[]
  on error     error (message, exit_code)
Commands that change the cluster add convergence (converged, waited_ms, lagging[],
told) and check: whether every node's view agreed before the final check.";
