//! The errors of Petung Dadi: `DeskError`, each refusal of its rules with the translated message it
//! shows, and `StoreError`, what a use case or a query returns — a refusal or a kernel failure
//! (the database, access).

#[allow(unused_imports)]
use crate::domain::*;

/// The one error type of the room; each maps to a translated message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Nik(#[from] NikError),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    Letter(#[from] letter::LetterError),
    #[error(transparent)]
    Standard(#[from] standard::StandardError),
    #[error(transparent)]
    Signing(#[from] signing::SigningError),
    #[error("the form has errors")]
    Form(Vec<(String, form::FieldError)>),
    #[error("the NIK is not in the village's resident register")]
    NotResident,
    #[error("the register's birth date or sex does not match the NIK")]
    RegisterMismatch,
    #[error("a phone number or an e-mail address is required to follow the request")]
    NoContact,
    #[error("the verification code is wrong or expired")]
    BadCode,
    #[error("the tracking code is wrong")]
    BadTracking,
    #[error("the unit head has no signing key yet")]
    NoSigningKey,
    #[error("the resident register file is not valid")]
    BadImport(usize, String),
    #[error("a name is required (at most 120 characters)")]
    BadName,
    #[error("the text is required (at most 4,000 characters)")]
    BadText,
    #[error("the date is not valid")]
    BadDate,
    #[error("the service is not accepting requests")]
    ServiceClosed,
    #[error("this code is already used")]
    CodeTaken,
    #[error("the request has no phone number or e-mail address on file")]
    NoContactOnFile,
}

impl DeskError {
    pub fn message_key(&self) -> &'static str {
        match self {
            DeskError::Nik(e) => e.message_key(),
            DeskError::Workflow(WorkflowError::NotNow { .. }) => "desk.error.not_now",
            DeskError::Workflow(WorkflowError::NotYours) => "error.forbidden",
            DeskError::Workflow(WorkflowError::NoteRequired) => "desk.error.note_required",
            DeskError::Letter(e) => e.message_key(),
            DeskError::Standard(_) => "desk.error.standard",
            DeskError::Signing(_) => "desk.error.signature",
            DeskError::Form(_) => "desk.error.form",
            DeskError::NotResident => "desk.error.not_resident",
            DeskError::RegisterMismatch => "desk.error.register_mismatch",
            DeskError::NoContact => "desk.error.no_contact",
            DeskError::BadCode => "desk.error.bad_code",
            DeskError::BadTracking => "desk.error.bad_tracking",
            DeskError::NoSigningKey => "desk.error.no_key",
            DeskError::BadImport(..) => "desk.error.import",
            DeskError::BadName => "desk.error.name",
            DeskError::BadText => "desk.error.text",
            DeskError::BadDate => "desk.error.date",
            DeskError::ServiceClosed => "desk.error.service_closed",
            DeskError::CodeTaken => "desk.error.code_taken",
            DeskError::NoContactOnFile => "desk.error.no_contact_on_file",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Desk(#[from] DeskError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Kernel(e.into())
    }
}

impl From<crate::domain::WorkflowError> for StoreError {
    fn from(e: crate::domain::WorkflowError) -> Self {
        StoreError::Desk(e.into())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;
