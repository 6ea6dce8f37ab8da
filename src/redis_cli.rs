//! redis-cli's command line read into rtrib's: a `redis-cli --cluster` line runs with only the
//! program's name changed. [`normalize_args`] prepares the process's arguments for clap.

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

/// Where rtrib honours one of [`REDIS_CLI_OPTIONS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionSupport {
    /// The redis-cli option, without its dashes (`cluster-from`).
    pub redis_cli: &'static str,
    /// rtrib's own name of the option, without its dashes (`from`); `None` when no subcommand
    /// has it.
    pub rtrib: Option<String>,
    /// The subcommands that honour it; every subcommand when the option is global.
    pub subcommands: Vec<String>,
    /// Whether it is a global option (accepted before the subcommand too).
    pub global: bool,
}

/// For each of [`REDIS_CLI_OPTIONS`], rtrib's option that it spells and the subcommands that
/// have it, read from the command line definition itself.
pub fn redis_cli_option_support() -> Vec<OptionSupport> {
    let root = Cli::command();
    REDIS_CLI_OPTIONS
        .iter()
        .map(|&(name, _)| {
            let global = option_named(root.get_arguments(), name);
            let mut rtrib = global.and_then(|a| a.get_long()).map(str::to_string);
            let mut subcommands = Vec::new();
            for subcommand in root.get_subcommands() {
                let own = option_named(subcommand.get_arguments(), name);
                if own.is_some() || global.is_some() {
                    subcommands.push(subcommand.get_name().to_string());
                }
                if rtrib.is_none() {
                    rtrib = own.and_then(|a| a.get_long()).map(str::to_string);
                }
            }
            OptionSupport {
                redis_cli: name,
                rtrib,
                subcommands,
                global: global.is_some(),
            }
        })
        .collect()
}

/// The option among `arguments` that answers to `--name` (its long name or an alias).
fn option_named<'c>(
    mut arguments: impl Iterator<Item = &'c clap::Arg>,
    name: &str,
) -> Option<&'c clap::Arg> {
    arguments.find(|a| {
        !a.is_positional()
            && (a.get_long() == Some(name)
                || a.get_all_aliases().unwrap_or_default().contains(&name))
    })
}

/// The one of [`REDIS_CLI_OPTIONS`] that `token` spells (`--cluster-from` or
/// `--cluster-from=x`).
fn redis_cli_option(token: &str) -> Option<(&'static str, Values)> {
    let name = token.strip_prefix("--")?;
    let name = name.split_once('=').map_or(name, |(name, _)| name);
    REDIS_CLI_OPTIONS
        .iter()
        .find(|(option, _)| *option == name)
        .copied()
}

/// How many of the words `rest` that follow `token`, one of [`REDIS_CLI_OPTIONS`], are its
/// values.
fn values_after(token: &str, values: Values, rest: &[OsString]) -> usize {
    match values {
        Values::Zero => 0,
        Values::One if token.contains('=') => 0,
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
    let matches = |arg: &&&clap::Arg| {
        if let Some(long) = token.strip_prefix("--") {
            let long = long.split_once('=').map_or(long, |(name, _)| name);
            option_named(std::iter::once(**arg), long).is_some()
        } else {
            let short = token.strip_prefix('-').filter(|t| t.chars().count() == 1);
            short.is_some_and(|s| arg.get_short().map(String::from).as_deref() == Some(s))
        }
    };
    options
        .iter()
        .find(matches)
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
        index += match (option_shape(&text, &globals), redis_cli_option(&text)) {
            _ if text == "--" => return None,
            (Some(true), _) => 2,
            (Some(false), _) => 1,
            (None, Some((_, values))) => 1 + values_after(&text, values, &args[index + 1..]),
            (None, None) if text.starts_with('-') => 1,
            (None, None) => return Some(index),
        };
    }
    None
}

/// Prepares the process's arguments for clap, so that a `redis-cli --cluster` line works with
/// only the program's name changed: `--cluster` is dropped (`rtrib --cluster create …`), the
/// redis-cli options that mean nothing for the subcommand are dropped with a warning
/// ([`REDIS_CLI_OPTIONS`]), those given before the subcommand move after it, and the options
/// of `call` may follow its Redis command ([`hoist_call_options`]).
pub fn normalize_args(args: Vec<OsString>) -> Vec<OsString> {
    let args: Vec<OsString> = args.into_iter().filter(|a| a != "--cluster").collect();
    let redis_cli = args
        .iter()
        .any(|a| redis_cli_option(&a.to_string_lossy()).is_some());
    let call = args.iter().any(|a| a == "call");
    // Both need the whole command tree: build it only when the line needs it.
    if !redis_cli && !call {
        return args;
    }
    let root = Cli::command();
    let args = place_redis_cli_options(args, &root);
    if call {
        hoist_call_options(args, &root)
    } else {
        args
    }
}

/// Drops the redis-cli options (with their values) that the subcommand on the line does not
/// have, warning about each on stderr, as redis-cli accepts and ignores them; moves those it
/// has from before the subcommand to just after it. Everything after `--` is left alone.
fn place_redis_cli_options(args: Vec<OsString>, root: &clap::Command) -> Vec<OsString> {
    let Some(position) = subcommand_position(&args, root) else {
        return args;
    };
    let Some(subcommand) = root.find_subcommand(args[position].to_string_lossy().as_ref()) else {
        return args;
    };
    let options: Vec<&clap::Arg> = options_of(subcommand).chain(options_of(root)).collect();
    let mut kept: Vec<OsString> = Vec::with_capacity(args.len());
    let mut moved: Vec<OsString> = Vec::new();
    let mut ignored: Vec<&str> = Vec::new();
    let mut index = 0;
    while index < args.len() {
        let text = args[index].to_string_lossy();
        if text == "--" {
            kept.extend_from_slice(&args[index..]);
            break;
        }
        let words = match redis_cli_option(&text).filter(|_| index > 0) {
            Some((name, values)) => {
                let end = index + 1 + values_after(&text, values, &args[index + 1..]);
                if option_named(options.iter().copied(), name).is_none() {
                    if !ignored.contains(&name) {
                        ignored.push(name);
                    }
                } else if index < position {
                    moved.extend_from_slice(&args[index..end]);
                } else {
                    kept.extend_from_slice(&args[index..end]);
                }
                index = end;
                continue;
            }
            None if option_shape(&text, &options) == Some(true) => 2,
            None => 1,
        };
        let end = (index + words).min(args.len());
        kept.extend_from_slice(&args[index..end]);
        if index == position {
            kept.append(&mut moved);
        }
        index = end;
    }
    for name in ignored {
        eprintln!(
            "warning: --{name} does nothing for `rtrib {}` and is ignored, as redis-cli ignores it",
            subcommand.get_name()
        );
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
            assert!(
                !support.subcommands.is_empty() && support.rtrib.is_some(),
                "--{} is honoured nowhere",
                support.redis_cli
            );
        }
    }
}
