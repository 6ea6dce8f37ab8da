//! Asking before changing a cluster: `--yes` (or `REDISCLI_CLUSTER_YES=1`) answers for the
//! user; on a terminal dialoguer asks; otherwise one line is read from stdin, so scripts that
//! pipe `yes` (or `echo yes`) keep working. The question goes to stderr, never stdout.

use std::io::{self, BufRead, IsTerminal, Write};

/// Asks `question`; true when the user accepts. End of input counts as "no".
pub fn confirm(question: &str, assume_yes: bool) -> io::Result<bool> {
    if assume_yes {
        return Ok(true);
    }
    if io::stdin().is_terminal() && io::stderr().is_terminal() {
        return dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
            .map_err(|error| io::Error::other(error.to_string()));
    }
    let mut stderr = io::stderr().lock();
    write!(stderr, "{question} (type 'yes' to accept): ")?;
    stderr.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    writeln!(stderr)?;
    Ok(accepts(&answer))
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
