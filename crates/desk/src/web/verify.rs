//! The public verification page a letter's QR code opens: issuer, date, number, subject (masked)
//! and whether the document is authentic; `POST` the PDF to check that a file is the signed one.

use crate::store::letters::{self, Letter};
use anjungan_kernel::web::pages::render;
use anjungan_kernel::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;

#[derive(Template)]
#[template(path = "desk_verify.html")]
struct VerifyPage {
    shell: Shell,
    l: Letter,
    authentic: bool,
    /// After an upload: whether the file is exactly the signed one.
    checked: Option<bool>,
}

fn plausible(code: &str) -> bool {
    !code.is_empty() && code.len() <= 40 && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The letter's page, or `None` when no letter has this code (the caller tries other documents).
pub async fn page(state: &AppState, ctx: &Ctx, code: &str) -> WebResult<Option<Response>> {
    if !plausible(code) {
        return Ok(None);
    }
    let Some(l) = letters::by_code(&state.db, code).await? else {
        return Ok(None);
    };
    Ok(Some(render(&VerifyPage {
        shell: Shell::new(ctx),
        authentic: l.signature_holds(),
        l,
        checked: None,
    })?))
}

/// Checks an uploaded PDF against the letter with this code.
pub async fn check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut form: Multipart,
) -> WebResult<Response> {
    if !plausible(&code) {
        return Err(AppError::not_found());
    }
    let l = letters::by_code(&state.db, &code)
        .await?
        .ok_or_else(AppError::not_found)?;
    let mut bytes = Vec::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("error.bad_request"))?
    {
        if field.name() == Some("berkas") {
            bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::bad_request("error.bad_request"))?
                .to_vec();
        }
    }
    if bytes.is_empty() {
        return Err(AppError::bad_request("desk.error.no_file"));
    }
    render(&VerifyPage {
        shell: Shell::new(&ctx),
        authentic: l.signature_holds(),
        checked: Some(l.authenticates(&bytes)),
        l,
    })
}
