//! Asking before an action that cannot be undone, as GOV.UK's pattern does: the action's button
//! posts as before; without `konfirmasi=ya` the handler answers with a page that says what will
//! happen, repeats the form's fields, and offers a red button to go ahead and a link back. Works
//! without JavaScript; the JSON API never asks.

use super::{Ctx, Shell, WebResult};
use askama::Template;
use axum::response::Response;

/// The field that says the visitor has seen the confirmation page.
pub const FIELD: &str = "konfirmasi";

/// Whether a form's `konfirmasi` field says yes.
pub fn confirmed(value: &str) -> bool {
    value == "ya"
}

/// What the confirmation page says and where it posts.
pub struct Confirm {
    /// The question, e.g. "Batalkan permohonan PD-2026-000023?".
    pub title: String,
    /// What will happen, in plain words.
    pub consequence: String,
    /// The red button's label, e.g. "Ya, batalkan permohonan".
    pub yes: String,
    /// Where the form posts (the action's own address).
    pub action: String,
    /// The action's own fields, posted again (the CSRF token is added here).
    pub fields: Vec<(String, String)>,
    /// Where "go back" leads.
    pub back: String,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    shell: Shell,
    c: Confirm,
}

/// The confirmation page for `c`.
pub fn page(ctx: &Ctx, c: Confirm) -> WebResult<Response> {
    super::pages::render(&ConfirmPage {
        shell: Shell::new(ctx),
        c,
    })
}
