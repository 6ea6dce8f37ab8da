//! Parsers never panic on arbitrary input (issue 19): what servers answer (`CLUSTER NODES`,
//! `INFO`, a lease's client name), what users hand over (plan files, durations, whole command
//! lines in rtrib's and redis-cli's spellings) — property-tested here with random text and
//! with text of the right shape, damaged; RDB files are fuzzed (fuzz/) and property-tested in
//! src/rdb/. Each parser answers a value or an error; none panics.

use std::ffi::OsString;

use clap::Parser;
use proptest::prelude::*;

use rtrib::cli::{Cli, parse_duration};
use rtrib::cluster::lease::LeaseName;
use rtrib::cluster::metrics::NodeStats;
use rtrib::cluster::plan::Plan;
use rtrib::cluster::server::Server;
use rtrib::cluster::view::NodesView;
use rtrib::redis_cli::{is_redis_cli_line, normalize_args};

/// One field of a `CLUSTER NODES` line: mostly well formed, sometimes not.
fn field(valid: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![8 => valid, 1 => ".{0,12}", 1 => Just(String::new())]
}

/// A `CLUSTER NODES` line with its eight fields in order, then slots and open-slot markers,
/// each field usually well formed: most lines parse, and what they say is then read.
fn node_line() -> impl Strategy<Value = String> {
    (
        field("[0-9a-f]{40}|[0-9a-f]{38,42}"),
        field("(127\\.0\\.0\\.[0-9]{1,3}|::1|host-[a-z]{1,5})?:[0-9]{0,6}(@[0-9]{0,6})?(,[a-z.-]{0,12})?"),
        field("(myself,)?(master|slave|replica)(,(fail\\?|fail|handshake|noaddr|nofailover|[a-z?]{1,6}))*|noflags|-"),
        field("-|[0-9a-f]{40}"),
        field("[0-9]{1,20}|-?[0-9]{1,3}"),
        field("[0-9]{1,20}|-?[0-9]{1,3}"),
        field("[0-9]{1,20}|-?[0-9]{1,3}"),
        field("connected|disconnected"),
        prop::collection::vec(
            field("[0-9]{1,5}(-[0-9]{1,6})?|\\[[0-9]{1,6}-(>|<)-[0-9a-f]{40}\\]"),
            0..5,
        ),
    )
        .prop_map(|(id, addr, flags, master, ping, pong, epoch, link, slots)| {
            let mut words = vec![id, addr, flags, master, ping, pong, epoch, link];
            words.extend(slots);
            words.join(" ")
        })
}

/// `field:value` lines and section headers, some malformed.
fn info_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "# [A-Za-z]{0,12}",
            "(redis_version|valkey_version|server_name|role|used_memory|maxmemory|master_repl_offset|slave_repl_offset|master_host|master_port|master_link_status|slave[0-9]|connected_slaves|cluster_enabled|redis_mode):[ -~]{0,30}",
            "[a-z_]{0,20}:?[ -~]{0,20}",
            ".{0,30}",
        ],
        0..20,
    )
    .prop_map(|lines| lines.join("\r\n"))
}

/// A plan file as `--plan-out` writes it, for damaging.
const PLAN: &str = include_str!("plans/v1/reshard.json");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn cluster_nodes_replies_of_any_text(text in ".{0,400}") {
        let _ = NodesView::parse(&text);
    }

    #[test]
    fn info_replies(text in info_text()) {
        let _ = Server::from_info(&text);
        let _ = NodeStats::parse(&text, &text);
    }

    #[test]
    fn lease_client_names(name in "(rtrib-lease[:|-]?)?[ -~]{0,60}") {
        let _ = LeaseName::parse(&name);
    }

    #[test]
    fn plan_files_of_any_text(text in ".{0,300}") {
        let _ = Plan::parse(&text);
    }

    #[test]
    fn plan_files_damaged(cut in 0..PLAN.len(), at in 0..PLAN.len(), junk in "[ -~]{0,8}") {
        let cut = PLAN.char_indices().map(|(i, _)| i).find(|i| *i >= cut).unwrap_or(PLAN.len());
        let _ = Plan::parse(&PLAN[..cut]);
        let at = PLAN.char_indices().map(|(i, _)| i).find(|i| *i >= at).unwrap_or(PLAN.len());
        let damaged = format!("{}{junk}{}", &PLAN[..at], &PLAN[at..]);
        let _ = Plan::parse(&damaged);
    }

    #[test]
    fn durations(text in prop_oneof!["[0-9]{0,25}(\\.[0-9]{0,5})?(ms|s|m|h|d|us|ns|[a-z]{0,3})?", ".{0,20}"]) {
        let _ = parse_duration(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn cluster_nodes_replies_of_the_right_shape(lines in prop::collection::vec(node_line(), 0..12)) {
        if let Ok(view) = NodesView::parse(&lines.join("\n")) {
            let _ = view.myself();
            for slot in [0u16, 5460, 16383] {
                let _ = view.owner_of(slot);
            }
        }
    }

    /// Whole command lines, rtrib's and redis-cli's spellings mixed with junk: normalized
    /// (redis-cli's `--cluster SUB` and options rewritten) and parsed, never a panic.
    #[test]
    fn command_lines(words in prop::collection::vec(prop_oneof![
        "--cluster|check|info|fix|reshard|rebalance|create|add-node|del-node|call|import|backup|restore|reconcile|apply|set-timeout|wait|heal",
        "--cluster-[a-z-]{1,20}|--[a-z-]{1,16}|-[a-zA-Z]{1,2}",
        "127\\.0\\.0\\.1:[0-9]{1,6}|[a-z]{1,8}:[0-9]{1,5}|[0-9a-f]{40}=[0-9.]{1,4}",
        "[0-9]{1,6}(ms|s)?|-[0-9]{1,3}|[ -~]{0,10}",
    ], 0..10)) {
        let mut args: Vec<OsString> = vec!["rtrib".into()];
        args.extend(words.into_iter().map(OsString::from));
        let _ = is_redis_cli_line(&args);
        let normalized = normalize_args(args);
        let _ = Cli::try_parse_from(&normalized);
    }
}
