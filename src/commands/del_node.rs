//! PLACEHOLDER on the membership-base branch only: replaced by the real command.

use crate::cli::DelNodeArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;

/// Not implemented yet on this branch.
pub async fn run(_context: &Context, _args: &DelNodeArgs) -> Result<Exit> {
    Err(Error::Usage("not implemented yet".into()))
}

/// Not implemented yet on this branch.
pub async fn forget(_context: &Context, _args: &crate::cli::ForgetArgs) -> Result<Exit> {
    Err(Error::Usage("not implemented yet".into()))
}
