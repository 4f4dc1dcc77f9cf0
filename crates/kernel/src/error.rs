//! The kernel's one error type. Web code maps it to a translated page or an RFC 9457 problem.

use crate::identity::domain::{AccessError, IdentityError};
use crate::orgs::domain::OrgError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Org(#[from] OrgError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    File(#[from] crate::files::domain::FileError),
    #[error(transparent)]
    Otp(#[from] crate::otp::OtpError),
    #[error("not found")]
    NotFound,
    /// The record changed since it was read (another person saved first).
    #[error("changed meanwhile")]
    Conflict,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
