//! redis-cli's command line read into rtrib's: a `redis-cli --cluster` line runs with only the
//! program's name changed. [`normalize_args`] prepares the process's arguments for clap: it
//! reads `--cluster SUB` ([`read_cluster_flag`]), keeps the options of redis-cli's that rtrib
//! has ([`REDIS_CLI_OPTIONS`], the `--cluster-*` ones, and [`REDIS_CLI_GENERAL_OPTIONS`], the
//! others), drops the rest with a warning, and lets `call`'s options follow its command.

use std::ffi::OsString;

use clap::CommandFactory;

use crate::cli::Cli;

/// How many words of the line a redis-cli option takes after its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// None: a switch.
    Zero,
    /// One, unless given as `--option=value`.
    One,
    /// `--cluster-weight`'s: every following word that contains `=` and does not start with
    /// `--`, as redis-cli reads them.
    Weights,
}

/// Every `--cluster-*` option redis-cli 7.x parses (its `parseOptions`), and valkey-cli's
/// spellings of them. redis-cli accepts each with every `--cluster` subcommand and ignores the
/// ones that mean nothing there. rtrib honours each where the subcommand has an option of that
/// name or alias ([`redis_cli_option_support`]) and drops it, with a warning, everywhere else
/// ([`normalize_args`]): scripts written for redis-cli run unchanged.
pub const REDIS_CLI_OPTIONS: &[(&str, Values)] = &[
    ("cluster-replicas", Values::One),
    ("cluster-yes", Values::Zero),
    ("cluster-search-multiple-owners", Values::Zero),
    ("cluster-fix-with-unreachable-masters", Values::Zero),
    ("cluster-fix-with-unreachable-primaries", Values::Zero),
    ("cluster-from", Values::One),
    ("cluster-to", Values::One),
    ("cluster-slots", Values::One),
    ("cluster-timeout", Values::One),
    ("cluster-pipeline", Values::One),
    ("cluster-replace", Values::Zero),
    ("cluster-weight", Values::Weights),
    ("cluster-use-empty-masters", Values::Zero),
    ("cluster-use-empty-primaries", Values::Zero),
    ("cluster-simulate", Values::Zero),
    ("cluster-threshold", Values::One),
    ("cluster-slave", Values::Zero),
    ("cluster-replica", Values::Zero),
    ("cluster-master-id", Values::One),
    ("cluster-primary-id", Values::One),
    ("cluster-only-masters", Values::Zero),
    ("cluster-only-primaries", Values::Zero),
    ("cluster-only-replicas", Values::Zero),
    ("cluster-from-user", Values::One),
    ("cluster-from-pass", Values::One),
    ("cluster-from-askpass", Values::Zero),
    ("cluster-copy", Values::Zero),
    ("cluster-use-atomic-slot-migration", Values::Zero),
];

/// What rtrib makes of one of [`REDIS_CLI_GENERAL_OPTIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Honoured where rtrib has an option of that spelling (every command, or some of them);
    /// elsewhere dropped with a warning, as redis-cli ignores it with `--cluster`.
    Option,
    /// It asks for what rtrib always does: dropped without a word. The text says what.
    Always(&'static str),
    /// redis-cli uses it with `--cluster` and rtrib cannot: dropped with a warning saying why.
    Unsupported(&'static str),
}

/// Why `--tls-ciphers` and `--tls-ciphersuites` are dropped.
const RUSTLS_CIPHERS: &str = "rtrib's TLS (rustls, no OpenSSL) offers its own fixed set of \
                              modern cipher suites";

/// Every other option redis-cli 7.0 and valkey-cli 8-9 parse (their `parseOptions`), spelled
/// as there. A `redis-cli ... --cluster SUB ...` line may carry any of them, before or after
/// `--cluster`: redis-cli uses the connection options (`-a`, `--user`, `--askpass`, `-u`'s
/// credentials, TLS, `-t`, `-4`/`-6`) and `-x`/`-X` (for `call`) and ignores the rest. rtrib
/// honours each where it has an option of that spelling and drops the others as [`Meaning`]
/// says ([`normalize_args`]). `-h` alone, or before an option or a subcommand, is the help.
pub const REDIS_CLI_GENERAL_OPTIONS: &[(&str, Values, Meaning)] = &[
    ("-h", Values::One, Meaning::Option),
    ("-p", Values::One, Meaning::Option),
    ("-s", Values::One, Meaning::Option),
    ("-t", Values::One, Meaning::Option),
    ("-a", Values::One, Meaning::Option),
    ("--pass", Values::One, Meaning::Option),
    ("--user", Values::One, Meaning::Option),
    ("--askpass", Values::Zero, Meaning::Option),
    ("-u", Values::One, Meaning::Option),
    (
        "--no-auth-warning",
        Values::Zero,
        Meaning::Always("rtrib prints no warning about a password on the command line"),
    ),
    ("-r", Values::One, Meaning::Option),
    ("-i", Values::One, Meaning::Option),
    ("-n", Values::One, Meaning::Option),
    ("-2", Values::Zero, Meaning::Option),
    ("-3", Values::Zero, Meaning::Option),
    ("-x", Values::Zero, Meaning::Option),
    ("-X", Values::One, Meaning::Option),
    ("-d", Values::One, Meaning::Option),
    ("-D", Values::One, Meaning::Option),
    ("-c", Values::Zero, Meaning::Option),
    (
        "-e",
        Values::Zero,
        Meaning::Always("rtrib's exit status always says when a command failed"),
    ),
    ("-4", Values::Zero, Meaning::Option),
    ("-6", Values::Zero, Meaning::Option),
    ("--tls", Values::Zero, Meaning::Option),
    ("--sni", Values::One, Meaning::Option),
    ("--cacert", Values::One, Meaning::Option),
    ("--cacertdir", Values::One, Meaning::Option),
    ("--insecure", Values::Zero, Meaning::Option),
    ("--cert", Values::One, Meaning::Option),
    ("--key", Values::One, Meaning::Option),
    (
        "--tls-ciphers",
        Values::One,
        Meaning::Unsupported(RUSTLS_CIPHERS),
    ),
    (
        "--tls-ciphersuites",
        Values::One,
        Meaning::Unsupported(RUSTLS_CIPHERS),
    ),
    (
        "--mptcp",
        Values::Zero,
        Meaning::Unsupported("rtrib connects over plain TCP"),
    ),
    (
        "--rdma",
        Values::Zero,
        Meaning::Unsupported("rtrib connects over TCP"),
    ),
    ("--raw", Values::Zero, Meaning::Option),
    ("--no-raw", Values::Zero, Meaning::Option),
    ("--quoted-input", Values::Zero, Meaning::Option),
    ("--csv", Values::Zero, Meaning::Option),
    ("--json", Values::Zero, Meaning::Option),
    ("--quoted-json", Values::Zero, Meaning::Option),
    ("--show-pushes", Values::One, Meaning::Option),
    ("--stat", Values::Zero, Meaning::Option),
    ("--latency", Values::Zero, Meaning::Option),
    ("--latency-history", Values::Zero, Meaning::Option),
    ("--latency-dist", Values::Zero, Meaning::Option),
    ("--mono", Values::Zero, Meaning::Option),
    ("--lru-test", Values::One, Meaning::Option),
    ("--replica", Values::Zero, Meaning::Option),
    ("--slave", Values::Zero, Meaning::Option),
    ("--rdb", Values::One, Meaning::Option),
    ("--functions-rdb", Values::One, Meaning::Option),
    ("--pipe", Values::Zero, Meaning::Option),
    ("--pipe-timeout", Values::One, Meaning::Option),
    ("--bigkeys", Values::Zero, Meaning::Option),
    ("--memkeys", Values::Zero, Meaning::Option),
    ("--memkeys-samples", Values::One, Meaning::Option),
    ("--hotkeys", Values::Zero, Meaning::Option),
    ("--hotkeys-count", Values::One, Meaning::Option),
    ("--scan", Values::Zero, Meaning::Option),
    ("--pattern", Values::One, Meaning::Option),
    ("--quoted-pattern", Values::One, Meaning::Option),
    ("--count", Values::One, Meaning::Option),
    ("--intrinsic-latency", Values::One, Meaning::Option),
    ("--eval", Values::One, Meaning::Option),
    ("--ldb", Values::Zero, Meaning::Option),
    ("--ldb-sync-mode", Values::Zero, Meaning::Option),
    ("--verbose", Values::Zero, Meaning::Option),
];

/// Where rtrib honours one of redis-cli's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionSupport {
    /// The redis-cli option as spelled there (`--cluster-from`, `-t`).
    pub redis_cli: String,
    /// rtrib's own name of the option, spelled (`--from`, `--connect-timeout`); `None` when no
    /// subcommand has it.
    pub rtrib: Option<String>,
    /// The subcommands that honour it; every subcommand when the option is global.
    pub subcommands: Vec<String>,
    /// Whether it is a global option (accepted before the subcommand too).
    pub global: bool,
    /// What rtrib makes of it where it does not honour it.
    pub meaning: Meaning,
}

/// For each of [`REDIS_CLI_OPTIONS`] then [`REDIS_CLI_GENERAL_OPTIONS`], rtrib's option that
/// it spells and the subcommands that have it, read from the command line definition itself.
pub fn redis_cli_option_support() -> Vec<OptionSupport> {
    let root = Cli::command();
    let cluster = REDIS_CLI_OPTIONS
        .iter()
        .map(|&(name, _)| (format!("--{name}"), Meaning::Option));
    let general = REDIS_CLI_GENERAL_OPTIONS
        .iter()
        .map(|&(spelling, _, meaning)| (spelling.to_string(), meaning));
    cluster
        .chain(general)
        .map(|(spelling, meaning)| {
            let global = answering(options_of(&root), &spelling);
            let mut rtrib = global.map(spelled);
            let mut subcommands = Vec::new();
            for subcommand in root.get_subcommands() {
                let own = answering(options_of(subcommand), &spelling);
                if own.is_some() || global.is_some() {
                    subcommands.push(subcommand.get_name().to_string());
                }
                if rtrib.is_none() {
                    rtrib = own.map(spelled);
                }
            }
            OptionSupport {
                redis_cli: spelling,
                rtrib,
                subcommands,
                global: global.is_some(),
                meaning,
            }
        })
        .collect()
}

/// `--name` or `-n`, as rtrib spells `arg`.
fn spelled(arg: &clap::Arg) -> String {
    match (arg.get_long(), arg.get_short()) {
        (Some(long), _) => format!("--{long}"),
        (None, Some(short)) => format!("-{short}"),
        (None, None) => arg.get_id().to_string(),
    }
}

/// The option among `arguments` that answers to `spelling`: `--name` (its long name or an
/// alias) or `-n`.
fn answering<'c>(
    mut arguments: impl Iterator<Item = &'c clap::Arg>,
    spelling: &str,
) -> Option<&'c clap::Arg> {
    match spelling.strip_prefix("--") {
        Some(long) => arguments.find(|a| {
            a.get_long() == Some(long) || a.get_all_aliases().unwrap_or_default().contains(&long)
        }),
        None => {
            let short = spelling
                .strip_prefix('-')
                .filter(|s| s.chars().count() == 1)?;
            arguments.find(|a| a.get_short().is_some_and(|c| short.starts_with(c)))
        }
    }
}

/// One of redis-cli's options found on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    /// As redis-cli spells it, for rtrib's options and for warnings.
    spelling: String,
    /// The words it takes, itself included.
    words: usize,
    /// What rtrib makes of it where it has no option of that spelling.
    meaning: Meaning,
}

/// The redis-cli option at `args[index]` ([`REDIS_CLI_OPTIONS`] as `--name` or `--name=value`,
/// [`REDIS_CLI_GENERAL_OPTIONS`]), with its values. `-h` counts only with a value that is
/// neither an option nor a subcommand's name: otherwise it is the help, as in redis-cli.
fn redis_cli_option_at(args: &[OsString], index: usize, root: &clap::Command) -> Option<Found> {
    let token = args[index].to_string_lossy();
    let rest = &args[index + 1..];
    let name = token
        .split_once('=')
        .map_or(token.as_ref(), |(name, _)| name);
    let cluster = name
        .strip_prefix("--")
        .and_then(|long| REDIS_CLI_OPTIONS.iter().find(|(option, _)| *option == long));
    let (values, meaning) = match cluster {
        Some(&(_, values)) => (values, Meaning::Option),
        None => REDIS_CLI_GENERAL_OPTIONS
            .iter()
            .find(|(spelling, _, _)| *spelling == name)
            .map(|&(_, values, meaning)| (values, meaning))?,
    };
    if name == "-h" {
        let host = rest.first().map(|word| word.to_string_lossy());
        host.filter(|h| !h.starts_with('-') && root.find_subcommand(h.as_ref()).is_none())?;
    }
    Some(Found {
        spelling: name.to_string(),
        words: 1 + values_after(&token, values, rest),
        meaning,
    })
}
/// How many of the words `rest` that follow `token`, one of redis-cli's options, are its
/// values.
fn values_after(token: &str, values: Values, rest: &[OsString]) -> usize {
    match values {
        Values::Zero => 0,
        Values::One if token.starts_with("--") && token.contains('=') => 0,
        Values::One => rest.len().min(1),
        Values::Weights => rest
            .iter()
            .map(|word| word.to_string_lossy())
            .take_while(|word| word.contains('=') && !word.starts_with("--"))
            .count(),
    }
}

/// How `token` reads against `options`: `Some(true)` for one of them whose value is the next
/// word, `Some(false)` for one without a value (or given `--option=value`), `None` for none of
/// them.
fn option_shape(token: &str, options: &[&clap::Arg]) -> Option<bool> {
    let name = token.split_once('=').map_or(token, |(name, _)| name);
    answering(options.iter().copied(), name)
        .map(|arg| arg.get_action().takes_values() && !token.contains('='))
}

/// The options of `command` that are not positional arguments.
fn options_of(command: &clap::Command) -> impl Iterator<Item = &clap::Arg> {
    command.get_arguments().filter(|a| !a.is_positional())
}

/// Where the subcommand is on the line: the first word that is neither an option (global, or
/// one of redis-cli's) nor an option's value. `None` when there is none before `--`.
fn subcommand_position(args: &[OsString], root: &clap::Command) -> Option<usize> {
    let globals: Vec<&clap::Arg> = options_of(root).collect();
    let mut index = 1;
    while index < args.len() {
        let text = args[index].to_string_lossy();
        if text == "--" {
            return None;
        }
        index += match redis_cli_option_at(args, index, root) {
            Some(found) => found.words,
            None => match option_shape(&text, &globals) {
                Some(true) => 2,
                Some(false) => 1,
                None if text.starts_with('-') => 1,
                None => return Some(index),
            },
        };
    }
    None
}

/// The subcommands that take one node, which redis-cli also accepts as two words `HOST PORT`.
const ONE_NODE_SUBCOMMANDS: &[&str] = &[
    "check",
    "info",
    "fix",
    "reshard",
    "rebalance",
    "import",
    "backup",
];

/// Whether the line is spelled as redis-cli's, `--cluster SUB` (before `--`). Such a line
/// writes nothing on stderr but warnings and errors, as redis-cli does: progress lines and
/// wait notices stay off it, since the scripts and test suites that run it (tcl's `exec`)
/// take any stderr output for a failure. rtrib's own spelling shows them.
pub fn is_redis_cli_line(args: &[OsString]) -> bool {
    args.iter()
        .take_while(|word| *word != "--")
        .any(|word| word == "--cluster")
}

/// Reads redis-cli's `--cluster SUB` (before `--`): `--cluster` goes, `--cluster info` becomes
/// `info --summary` (redis-cli's lines), and a node given as `HOST PORT` after a subcommand
/// that takes one node becomes `HOST:PORT`, as redis-cli reads it.
fn read_cluster_flag(args: Vec<OsString>) -> Vec<OsString> {
    let mut read = Vec::with_capacity(args.len() + 1);
    let mut words = args.into_iter().peekable();
    while let Some(word) = words.next() {
        if word == "--" {
            read.push(word);
            read.extend(words);
            break;
        }
        if word != "--cluster" {
            read.push(word);
            continue;
        }
        let Some(subcommand) = words.next() else {
            break;
        };
        let one_node = ONE_NODE_SUBCOMMANDS.iter().any(|s| subcommand == *s);
        let summary = subcommand == "info";
        read.push(subcommand);
        if summary {
            read.push("--summary".into());
        }
        if one_node {
            let host = words.next_if(|w| !w.to_string_lossy().starts_with('-'));
            let port = host
                .as_ref()
                .and_then(|_| words.next_if(|w| w.to_string_lossy().parse::<u16>().is_ok()));
            read.extend(match (host, port) {
                (Some(host), Some(port)) => vec![joined(&host, &port)],
                (host, _) => host.into_iter().collect(),
            });
        }
    }
    read
}

/// `HOST:PORT`, or `[HOST]:PORT` for an IPv6 address (redis-cli takes it without brackets).
fn joined(host: &OsString, port: &OsString) -> OsString {
    let host = host.to_string_lossy();
    let port = port.to_string_lossy();
    match host.contains(':') && !host.starts_with('[') {
        true => format!("[{host}]:{port}").into(),
        false => format!("{host}:{port}").into(),
    }
}

/// Prepares the process's arguments for clap, so that a `redis-cli --cluster` line works with
/// only the program's name changed: `--cluster` is read ([`read_cluster_flag`]), the redis-cli
/// options the subcommand has are honoured and the others dropped, with a warning where
/// redis-cli would have used them or ignored them ([`REDIS_CLI_OPTIONS`],
/// [`REDIS_CLI_GENERAL_OPTIONS`]), those given before the subcommand move after it, and the
/// options of `call` may follow its Redis command ([`hoist_call_options`]).
pub fn normalize_args(args: Vec<OsString>) -> Vec<OsString> {
    let args = read_cluster_flag(args);
    let root = Cli::command();
    let args = place_redis_cli_options(args, &root);
    hoist_call_options(args, &root)
}

/// Drops the redis-cli options (with their values) that neither the subcommand on the line nor
/// rtrib as a whole has, warning about each on stderr as [`Meaning`] says; moves those the
/// subcommand has from before it to just after it. Everything after `--` is left alone.
fn place_redis_cli_options(args: Vec<OsString>, root: &clap::Command) -> Vec<OsString> {
    let position = subcommand_position(&args, root);
    let subcommand =
        position.and_then(|p| root.find_subcommand(args[p].to_string_lossy().as_ref()));
    let globals: Vec<&clap::Arg> = options_of(root).collect();
    let own: Vec<&clap::Arg> = subcommand.into_iter().flat_map(options_of).collect();
    let options: Vec<&clap::Arg> = own.iter().chain(&globals).copied().collect();
    let calling = subcommand.is_some_and(|s| s.get_name() == "call");
    let mut kept: Vec<OsString> = Vec::with_capacity(args.len());
    let mut moved: Vec<OsString> = Vec::new();
    let mut dropped: Vec<Found> = Vec::new();
    let mut index = 0;
    while index < args.len() {
        let text = args[index].to_string_lossy();
        if text == "--" {
            kept.extend_from_slice(&args[index..]);
            break;
        }
        // In the Redis command of `call`, `-2` and `-3` are numbers, not RESP versions.
        let command_number =
            calling && position.is_some_and(|p| index > p) && text.parse::<f64>().is_ok();
        let found = redis_cli_option_at(&args, index, root);
        if let Some(found) = found.filter(|_| index > 0 && !command_number) {
            let words = &args[index..index + found.words];
            if answering(globals.iter().copied(), &found.spelling).is_some() {
                kept.extend_from_slice(words);
            } else if answering(own.iter().copied(), &found.spelling).is_none() {
                if !dropped.iter().any(|d| d.spelling == found.spelling) {
                    dropped.push(found.clone());
                }
            } else if position.is_some_and(|p| index < p) {
                moved.extend_from_slice(words);
            } else {
                kept.extend_from_slice(words);
            }
            index += found.words;
            continue;
        }
        let words = match option_shape(&text, &options) {
            Some(true) => 2,
            _ => 1,
        };
        let end = (index + words).min(args.len());
        kept.extend_from_slice(&args[index..end]);
        if Some(index) == position {
            kept.append(&mut moved);
        }
        index = end;
    }
    let rtrib = subcommand.map_or_else(
        || "rtrib".to_string(),
        |s| format!("rtrib {}", s.get_name()),
    );
    for found in dropped {
        match found.meaning {
            Meaning::Always(_) => {}
            Meaning::Option => eprintln!(
                "warning: {} does nothing for `{rtrib}` and is ignored, as redis-cli ignores it",
                found.spelling
            ),
            Meaning::Unsupported(why) => {
                eprintln!("warning: {} is ignored: {why}", found.spelling)
            }
        }
    }
    kept
}

/// Lets rtrib's options follow the Redis command of `rtrib call`, as redis-cli allows
/// (`call h:p CONFIG GET maxmemory --cluster-only-masters`): options of `call` and global
/// options found after the command are moved before it. Everything after `--` is left alone,
/// so `rtrib call h:p -- ECHO -o` sends `-o` to Redis.
pub fn hoist_call_options(args: Vec<OsString>, root: &clap::Command) -> Vec<OsString> {
    let Some(position) = subcommand_position(&args, root).filter(|&p| args[p] == "call") else {
        return args;
    };
    let Some(call) = root.find_subcommand("call") else {
        return args;
    };
    let options: Vec<&clap::Arg> = options_of(call).chain(options_of(root)).collect();
    let (head, tail) = args.split_at(position + 1);
    let mut hoisted = Vec::new();
    let mut kept = Vec::new();
    let mut tokens = tail.iter();
    let mut positionals = 0;
    while let Some(token) = tokens.next() {
        let text = token.to_string_lossy();
        if text == "--" {
            kept.push(token.clone());
            kept.extend(tokens.by_ref().cloned());
            break;
        }
        match option_shape(&text, &options) {
            Some(with_value) if positionals >= 2 => {
                hoisted.push(token.clone());
                if with_value {
                    hoisted.extend(tokens.next().cloned());
                }
            }
            Some(with_value) => {
                kept.push(token.clone());
                if with_value {
                    kept.extend(tokens.next().cloned());
                }
            }
            None => {
                positionals += 1;
                kept.push(token.clone());
            }
        }
    }
    head.iter().cloned().chain(hoisted).chain(kept).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Command;
    use clap::Parser;

    fn hoisted(line: &str) -> String {
        let args = line.split(' ').map(OsString::from).collect();
        hoist_call_options(args, &Cli::command())
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn redis_cli_cluster_spelling_is_accepted() {
        let args = |line: &str| line.split(' ').map(OsString::from).collect::<Vec<_>>();
        let cli = Cli::try_parse_from(normalize_args(args(
            "rtrib --cluster create 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 --cluster-replicas 0 --cluster-yes",
        )))
        .unwrap();
        assert!(
            cli.global.yes && matches!(cli.command, Command::Create(ref c) if c.nodes.len() == 3)
        );
        let cli = Cli::try_parse_from(normalize_args(args(
            "rtrib -a secret --cluster call 127.0.0.1:7000 PING --cluster-only-masters",
        )))
        .unwrap();
        assert!(
            matches!(cli.command, Command::Call(ref c) if c.only_masters && c.command == ["PING"])
        );
    }

    #[test]
    fn options_after_a_call_command_are_moved_before_it() {
        assert_eq!(
            hoisted("rtrib call h:1 CONFIG GET x --cluster-only-masters -o json"),
            "rtrib call --cluster-only-masters -o json h:1 CONFIG GET x"
        );
        assert_eq!(hoisted("rtrib call h:1 ECHO -1"), "rtrib call h:1 ECHO -1");
        assert_eq!(
            hoisted("rtrib call h:1 -- ECHO -o"),
            "rtrib call h:1 -- ECHO -o"
        );
        assert_eq!(
            hoisted("rtrib -o json call h:1 PING --pass=s3cret"),
            "rtrib -o json call --pass=s3cret h:1 PING"
        );
        assert_eq!(
            hoisted("rtrib check h:1 -o json"),
            "rtrib check h:1 -o json"
        );
        assert_eq!(
            hoisted("rtrib --user call check h:1 -o json"),
            "rtrib --user call check h:1 -o json"
        );
    }

    fn words(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    fn normalized(line: &str) -> String {
        normalize_args(words(line))
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// One valid line per subcommand, `{}` where `--cluster-yes` goes after the subcommand.
    const MINIMAL_LINES: &[&str] = &[
        "create h:1 h:2 h:3",
        "reconcile h:1 h:2 h:3",
        "replicate --master-addr h:1 --slave-addr h:2",
        "failover --from h:1",
        "rebalance-roles h:1",
        "copy-binary /tmp",
        "add-node h:1 h:2",
        "del-node h:1 abcdef",
        "forget h:1 abcdef",
        "reshard h:1 --from all --to abcdef --slots 1",
        "rebalance h:1",
        "fix h:1",
        "apply plan.json",
        "heal h:1",
        "wait h:1",
        "check h:1",
        "info h:1",
        "call h:1 PING",
        "import h:1 --from h:2",
        "backup h:1 /tmp/backup",
        "restore dir h:1",
        "set-timeout h:1 5000",
        "sandbox",
        "completions bash",
    ];

    #[test]
    fn every_subcommand_accepts_cluster_yes_before_and_after_it() {
        let covered: Vec<&str> = MINIMAL_LINES
            .iter()
            .map(|line| line.split(' ').next().unwrap())
            .collect();
        for subcommand in Cli::command().get_subcommands() {
            assert!(
                covered.contains(&subcommand.get_name()),
                "{} has no line here",
                subcommand.get_name()
            );
        }
        for line in MINIMAL_LINES {
            for spelling in ["--cluster-yes", "--yes", "-y"] {
                for args in [
                    format!("rtrib {spelling} {line}"),
                    format!("rtrib {line} {spelling}"),
                    format!("rtrib --cluster {line} {spelling}"),
                ] {
                    let cli = Cli::try_parse_from(normalize_args(words(&args)))
                        .unwrap_or_else(|e| panic!("{args}: {e}"));
                    assert!(cli.global.yes, "{args}");
                }
            }
            let cli = Cli::try_parse_from(normalize_args(words(&format!("rtrib {line}"))))
                .unwrap_or_else(|e| panic!("{line}: {e}"));
            assert!(!cli.global.yes, "{line}");
        }
    }

    #[test]
    fn a_call_command_after_a_double_dash_keeps_its_dashes() {
        let cli = Cli::try_parse_from(normalize_args(words("rtrib call h:1 -- ECHO -y"))).unwrap();
        assert!(!cli.global.yes);
        assert!(matches!(cli.command, Command::Call(ref c) if c.command == ["ECHO", "-y"]));
        let cli = Cli::try_parse_from(normalize_args(words("rtrib call h:1 ECHO x -y"))).unwrap();
        assert!(cli.global.yes);
        assert!(matches!(cli.command, Command::Call(ref c) if c.command == ["ECHO", "x"]));
    }

    #[test]
    fn redis_cli_options_that_mean_nothing_are_dropped_with_their_values() {
        assert_eq!(
            normalized(
                "rtrib check h:1 --cluster-replicas 1 --cluster-weight a=1 b=2 --cluster-copy \
                 --cluster-from=x -o json"
            ),
            "rtrib check h:1 -o json"
        );
        assert_eq!(
            normalized("rtrib call h:1 GET k --cluster-slots 5 --cluster-only-masters"),
            "rtrib call --cluster-only-masters h:1 GET k"
        );
        assert_eq!(
            normalized("rtrib call h:1 -- ECHO --cluster-slots 5"),
            "rtrib call h:1 -- ECHO --cluster-slots 5"
        );
        // A value of another option is not read as one.
        assert_eq!(
            normalized("rtrib check h:1 --user --cluster-copy"),
            "rtrib check h:1 --user --cluster-copy"
        );
    }

    #[test]
    fn redis_cli_options_before_the_subcommand_move_after_it() {
        assert_eq!(
            normalized("rtrib --cluster-replicas 1 -a pw --cluster create h:1 h:2 --cluster-yes"),
            "rtrib -a pw create --cluster-replicas 1 h:1 h:2 --cluster-yes"
        );
        assert_eq!(
            normalized("rtrib --cluster-weight a=1 b=2 --cluster rebalance h:1"),
            "rtrib rebalance --cluster-weight a=1 b=2 h:1"
        );
        assert_eq!(
            normalized("rtrib --cluster-replicas 1 check h:1"),
            "rtrib check h:1"
        );
    }

    #[test]
    fn valkey_spellings_are_the_same_options() {
        let parse = |line: &str| Cli::try_parse_from(normalize_args(words(line))).unwrap();
        let cli = parse("rtrib rebalance h:1 --cluster-use-empty-primaries");
        assert!(matches!(cli.command, Command::Rebalance(ref r) if r.use_empty_masters));
        let cli = parse("rtrib fix h:1 --cluster-fix-with-unreachable-primaries");
        assert!(matches!(cli.command, Command::Fix(ref f) if f.force));
        let cli = parse("rtrib add-node h:1 h:2 --cluster-replica --cluster-primary-id abcdef");
        assert!(
            matches!(cli.command, Command::AddNode(ref a) if a.replica && a.master_id.as_deref() == Some("abcdef"))
        );
        let cli = parse("rtrib call h:1 PING --cluster-only-primaries");
        assert!(matches!(cli.command, Command::Call(ref c) if c.only_masters));
    }

    #[test]
    fn every_cluster_alias_of_rtrib_is_in_the_redis_cli_table_and_the_table_is_honoured() {
        let root = Cli::command();
        let known: Vec<&str> = REDIS_CLI_OPTIONS.iter().map(|(name, _)| *name).collect();
        for subcommand in root.get_subcommands() {
            for arg in options_of(subcommand).chain(options_of(&root)) {
                for alias in arg.get_all_aliases().unwrap_or_default() {
                    assert!(
                        !alias.starts_with("cluster-") || known.contains(&alias),
                        "--{alias} of {} is not in REDIS_CLI_OPTIONS",
                        subcommand.get_name()
                    );
                }
            }
        }
        for support in redis_cli_option_support() {
            if support.redis_cli.starts_with("--cluster-") {
                assert!(
                    !support.subcommands.is_empty() && support.rtrib.is_some(),
                    "{} is honoured nowhere",
                    support.redis_cli
                );
            }
        }
    }

    /// The options redis-cli uses with `--cluster`: rtrib honours every one.
    const USED_BY_REDIS_CLI: &[(&str, &str)] = &[
        ("-a", "--pass"),
        ("--pass", "--pass"),
        ("--user", "--user"),
        ("--askpass", "--askpass"),
        ("-u", "--uri"),
        ("-t", "--connect-timeout"),
        ("-4", "-4"),
        ("-6", "-6"),
        ("--tls", "--tls"),
        ("--sni", "--sni"),
        ("--cacert", "--cacert"),
        ("--cacertdir", "--cacertdir"),
        ("--insecure", "--insecure"),
        ("--cert", "--cert"),
        ("--key", "--key"),
        ("-x", "-x"),
        ("-X", "-X"),
        ("--verbose", "--verbose"),
    ];

    #[test]
    fn the_options_redis_cli_uses_with_cluster_are_rtribs() {
        let support = redis_cli_option_support();
        for (redis_cli, rtrib) in USED_BY_REDIS_CLI {
            let row = support.iter().find(|r| r.redis_cli == *redis_cli).unwrap();
            assert_eq!(row.rtrib.as_deref(), Some(*rtrib), "{redis_cli}");
        }
        let call_only = support.iter().find(|r| r.redis_cli == "-x").unwrap();
        assert_eq!(call_only.subcommands, ["call"]);
        for row in support.iter().filter(|r| r.rtrib.is_none()) {
            assert!(
                !USED_BY_REDIS_CLI.iter().any(|(o, _)| *o == row.redis_cli),
                "{}",
                row.redis_cli
            );
        }
    }

    #[test]
    fn redis_clis_other_options_are_honoured_or_dropped_with_their_values() {
        assert_eq!(
            normalized(
                "rtrib -h 10.0.0.1 -p 7000 -a pw --cluster check h:1 -r 3 -i 0.5 -n 2 -c -e \
                 --no-auth-warning --raw --tls-ciphers HIGH -t 1.5 -2"
            ),
            "rtrib -a pw check h:1 -t 1.5"
        );
        // Before a subcommand, an option, or nothing, `-h` is the help.
        assert_eq!(normalized("rtrib -h check"), "rtrib -h check");
        assert_eq!(normalized("rtrib check h:1 -h"), "rtrib check h:1 -h");
        assert_eq!(normalized("rtrib -h -a pw"), "rtrib -h -a pw");
        // A value that looks like an option stays the value of rtrib's option.
        assert_eq!(
            normalized("rtrib check h:1 --pass -r -o json"),
            "rtrib check h:1 --pass -r -o json"
        );
        // call's -x and -X are honoured (and may follow the command); elsewhere dropped.
        assert_eq!(
            normalized("rtrib -X tag --cluster call h:1 SET k tag"),
            "rtrib call -X tag h:1 SET k tag"
        );
        assert_eq!(
            normalized("rtrib --cluster call h:1 SET k -x"),
            "rtrib call -x h:1 SET k"
        );
        assert_eq!(normalized("rtrib check h:1 -x -X t"), "rtrib check h:1");
        assert_eq!(
            normalized("rtrib -2 call h:1 INCRBY k -3"),
            "rtrib call h:1 INCRBY k -3"
        );
        // Without a subcommand, only rtrib's own options stay: clap then says what is missing.
        assert_eq!(normalized("rtrib -h 10.0.0.1 -p 7000"), "rtrib");
    }

    #[test]
    fn a_redis_cli_cluster_line_is_read_as_redis_cli_reads_it() {
        assert_eq!(
            normalized("rtrib --cluster info h 7000"),
            "rtrib info --summary h:7000"
        );
        assert_eq!(
            normalized("rtrib --cluster reshard ::1 7000 --cluster-slots 5"),
            "rtrib reshard [::1]:7000 --cluster-slots 5"
        );
        assert_eq!(normalized("rtrib info h:7000"), "rtrib info h:7000");
        assert_eq!(
            normalized("rtrib --cluster backup h 7000 /backups/today"),
            "rtrib backup h:7000 /backups/today"
        );
        assert!(is_redis_cli_line(&words("rtrib --cluster check h:1")));
        assert!(!is_redis_cli_line(&words(
            "rtrib call h:1 -- ECHO --cluster"
        )));
        assert_eq!(
            normalized("rtrib --cluster add-node h:1 h:2"),
            "rtrib add-node h:1 h:2"
        );
        assert_eq!(
            normalized("rtrib call h:1 -- ECHO --cluster info"),
            "rtrib call h:1 -- ECHO --cluster info"
        );
        let cli = Cli::try_parse_from(normalize_args(words("rtrib --cluster info h:1"))).unwrap();
        assert!(matches!(cli.command, Command::Info(ref i) if i.summary));
    }
}
