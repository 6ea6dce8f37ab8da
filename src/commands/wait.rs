//! PLACEHOLDER on the membership-base branch only: replaced by the real command.

use crate::cli::WaitArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;

/// Not implemented yet on this branch.
pub async fn run(_context: &Context, _args: &WaitArgs) -> Result<Exit> {
    Err(Error::Usage("not implemented yet".into()))
}
