//! Cilen on the web: reading and search under `/cerita`, the author's desk under `/cerita/tulis`,
//! the librarians' desk under `/cerita/kelola`, OAI-PMH at `/oai`, and the JSON API under
//! `/api/v1/cerita`.

mod api;
mod author;
pub mod oai;
mod public;
mod review;
mod view;

use crate::domain::StoryError;
use crate::store::StoreError;
use anjungan_kernel::web::{AppError, AppState};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(public::routes())
        .merge(author::routes())
        .merge(review::routes())
        .merge(api::routes())
        .merge(oai::routes())
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Story(d) => d.into(),
            StoreError::Kernel(k) => k.into(),
        }
    }
}

impl From<StoryError> for AppError {
    fn from(e: StoryError) -> Self {
        use crate::domain::WorkflowError as W;
        let status = match &e {
            StoryError::Workflow(W::NotNow { .. })
            | StoryError::SlugTaken
            | StoryError::AlreadyAuthor
            | StoryError::TooManyAuthors
            | StoryError::LastAuthor => StatusCode::CONFLICT,
            StoryError::Workflow(W::NotYours) => StatusCode::FORBIDDEN,
            StoryError::NotPublished | StoryError::NoSuchChapter | StoryError::NotCredited => {
                StatusCode::NOT_FOUND
            }
            _ => StatusCode::BAD_REQUEST,
        };
        AppError::new(status, e.message_key())
    }
}

/// The absolute address of this site, for feeds, OAI-PMH and JSON-LD.
pub(crate) fn base_url(state: &AppState) -> String {
    state.config.base_url.trim_end_matches('/').to_string()
}
