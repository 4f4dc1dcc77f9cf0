//! The innovation register's error: a refusal of its lifecycle or of an evidence rule, each with
//! the status and translated message a person sees.

use crate::domain::LifecycleError;
use crate::domain::documents::{EvidenceError, MAX_PHOTOS};
use anjungan_kernel::web::AppError;
use axum::http::StatusCode;

/// The one error type of the room.
#[derive(Debug, thiserror::Error)]
pub enum InnovationError {
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
}

/// What an innovation use case returns: a refusal of its rules, or a kernel failure.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Refused(#[from] InnovationError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<LifecycleError> for ServiceError {
    fn from(e: LifecycleError) -> Self {
        ServiceError::Refused(e.into())
    }
}

impl From<EvidenceError> for ServiceError {
    fn from(e: EvidenceError) -> Self {
        ServiceError::Refused(e.into())
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Kernel(e.into())
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Refused(r) => r.into(),
            ServiceError::Kernel(k) => k.into(),
        }
    }
}

impl From<InnovationError> for AppError {
    fn from(e: InnovationError) -> Self {
        match e {
            InnovationError::Lifecycle(l) => lifecycle_error(l),
            InnovationError::Evidence(v) => evidence_error(v),
        }
    }
}

pub(crate) fn lifecycle_error(e: LifecycleError) -> AppError {
    match e {
        LifecycleError::Forbidden => anjungan_kernel::Error::Access(
            anjungan_kernel::identity::domain::AccessError::Forbidden,
        )
        .into(),
        LifecycleError::WrongStatus => {
            AppError::new(StatusCode::CONFLICT, "innovation.error.status")
        }
        LifecycleError::NoteRequired => AppError::bad_request("innovation.error.note"),
        LifecycleError::Incomplete(missing) => {
            let mut e = AppError::bad_request("innovation.error.incomplete");
            e.args.push(("missing", missing.join(", ")));
            e
        }
    }
}

pub(crate) fn evidence_error(e: EvidenceError) -> AppError {
    match e {
        EvidenceError::Lifecycle(l) => lifecycle_error(l),
        EvidenceError::File(f) => anjungan_kernel::Error::File(f).into(),
        EvidenceError::PhotoType => {
            AppError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, e.message_key())
        }
        EvidenceError::TooManyPhotos => {
            AppError::new(StatusCode::CONFLICT, e.message_key()).with("max", MAX_PHOTOS.to_string())
        }
        _ => AppError::bad_request(e.message_key()),
    }
}
