//! Asking the user: confirmations before changing a cluster, and passwords.
//!
//! The rule is redis-cli's, in one place ([`CONFIRMATION_HELP`]): `create`, `reshard`, `fix`
//! and `rebalance-roles` ask ([`confirm`]); `rebalance` asks only on a terminal
//! ([`confirm_on_terminal`]), as redis-cli's rebalance never asks. `--yes` (or `REDISCLI_CLUSTER_YES=1`) answers for the
//! user; on a terminal one key answers (`y` or `n`, Enter for no); otherwise one line is read from stdin, so scripts that
//! pipe `yes` (or `echo yes`) keep working, and end of input means no. Questions go to stderr,
//! never stdout.

use std::io::{self, BufRead, IsTerminal, Write};

/// The confirmation rule, for the top-level `--help` and the man page.
pub const CONFIRMATION_HELP: &str = "\
Confirmation:
  create, reshard, fix and rebalance-roles print their plan and ask before
  changing anything, as redis-cli does: on a terminal, answer y or n; otherwise one line of stdin is
  read ('yes' or 'y' accepts, so `yes | rtrib ...` works) and end of input means
  no (exit 1, nothing changed). rebalance asks only when stdin is a terminal;
  otherwise it proceeds, as redis-cli's rebalance does (--simulate previews).
  -y, --yes, --cluster-yes or REDISCLI_CLUSTER_YES=1 answer yes; every command
  accepts them.";

/// The question could not be asked or its answer not read.
#[derive(Debug, thiserror::Error)]
#[error("cannot ask for confirmation: {0}")]
pub struct ConfirmError(#[from] io::Error);

/// Asks `question`; true when the user accepts. End of input counts as "no".
pub fn confirm(question: &str, assume_yes: bool) -> Result<bool, ConfirmError> {
    if assume_yes {
        return Ok(true);
    }
    if io::stdin().is_terminal() && io::stderr().is_terminal() {
        return confirm_by_key(question);
    }
    let mut stderr = io::stderr().lock();
    write!(stderr, "{question} (type 'yes' to accept): ")?;
    stderr.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    writeln!(stderr)?;
    Ok(accepts(&answer))
}

/// Asks `question` on the terminal, answered by one key: `y` yes; `n`, Enter, Escape, Ctrl-C
/// or Ctrl-D no (the key is read raw, so Ctrl-C arrives as a key); other keys are ignored. The answer is echoed, as a word.
fn confirm_by_key(question: &str) -> Result<bool, ConfirmError> {
    let terminal = console::Term::stderr();
    terminal.write_str(&format!("{question} [y/N] "))?;
    let yes = loop {
        match terminal.read_char()? {
            'y' | 'Y' => break true,
            'n' | 'N' | '\n' | '\r' | '\u{1b}' | '\u{3}' | '\u{4}' => break false,
            _ => continue,
        }
    };
    terminal.write_line(if yes { "yes" } else { "no" })?;
    Ok(yes)
}

/// Asks `question` only when stdin is a terminal, as [`confirm`] does; without a terminal the
/// answer is yes, as with redis-cli, which does not ask (`rebalance`).
pub fn confirm_on_terminal(question: &str, assume_yes: bool) -> Result<bool, ConfirmError> {
    if !io::stdin().is_terminal() {
        return Ok(true);
    }
    confirm(question, assume_yes)
}

/// Why a password could not be asked for.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// stdin (or stderr, where the prompt goes) is not a terminal.
    #[error(
        "{option} asks for the password on a terminal, and there is none: give it with \
         {instead} instead"
    )]
    NoTerminal {
        option: &'static str,
        instead: &'static str,
    },
    /// Reading from the terminal failed.
    #[error("{option}: cannot read the password: {detail}")]
    Read {
        option: &'static str,
        detail: String,
    },
}

/// Reads a password from the terminal without echo, after `prompt` (redis-cli's wording),
/// for `option`; `instead` names the other ways to give it, for the error without a terminal.
pub fn password(
    prompt: &str,
    option: &'static str,
    instead: &'static str,
) -> Result<String, PasswordError> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Err(PasswordError::NoTerminal { option, instead });
    }
    let terminal = console::Term::stderr();
    terminal
        .write_str(&format!("{prompt}: "))
        .and_then(|()| terminal.read_secure_line())
        .map_err(|error| PasswordError::Read {
            option,
            detail: error.to_string(),
        })
}

/// `yes` or `y` in any case (what `yes` and `echo yes` send).
fn accepts(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "yes" | "y")
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn yes_and_y_accept_anything_else_declines() {
        assert!(accepts("yes\n") && accepts("y\n") && accepts("YES\r\n"));
        assert!(!accepts("") && !accepts("no\n") && !accepts("yess\n") && !accepts("sure"));
    }
}
