//! Sign-in, sign-out, registration, password reset, the user list, and `GET /api/v1/me`.

use super::domain::{Action, Password, Role, UserId};
use super::{service, store};
use crate::web::ctx::SESSION_COOKIE;
use crate::web::forms::safe_next;
use crate::web::pages::render;
use crate::web::{AppError, AppState, Ctx, Shell, WebResult};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/masuk", get(login_page).post(login))
        .route("/keluar", post(logout))
        .route("/daftar", get(register_page).post(register))
        .route(
            "/daftar/aktifkan/{token}",
            get(activate_page).post(activate),
        )
        .route("/lupa-sandi", get(forgot_page).post(forgot))
        .route("/atur-sandi/{token}", get(reset_page).post(reset))
        .route("/admin/pengguna", get(users_page))
        .route("/admin/pengguna/{id}/peran", post(grant))
        .routes(routes!(me))
        .routes(routes!(users_api))
}

fn session_cookie(state: &AppState, token: &str, max_age_secs: i64) -> HeaderValue {
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if state.config.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    );
    // Tokens are ASCII; as in `crate::web::cookie`, a value that is not sets a harmless cookie.
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// Re-shows a page with its form and an error, keeping the status of the error.
fn with_status(status: StatusCode, page: WebResult<Response>) -> WebResult<Response> {
    page.map(|r| (status, r).into_response())
}

// --- sign in ---

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    shell: Shell,
    next: String,
    login: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> WebResult<Response> {
    if ctx.principal.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    render(&LoginPage {
        shell: Shell::new(&ctx),
        next: safe_next(q.next.as_deref()),
        login: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LoginForm>,
) -> WebResult<Response> {
    let next = safe_next(f.next.as_deref());
    match service::login(
        &state.db,
        &state.keys,
        &ctx.actor(),
        &f.login,
        &f.password,
        &ctx.client,
        state.config.session_hours,
    )
    .await
    {
        Ok(signed) => {
            let mut resp = Redirect::to(&next).into_response();
            // A fresh session token on every sign-in (no fixation); the old one, if any, ends.
            if let Some(old) = &ctx.session_token {
                let _ = store::delete_session(&state.db, &crate::crypto::token_hash(old)).await;
            }
            resp.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&state, &signed.token, state.config.session_hours * 3600),
            );
            Ok(resp)
        }
        Err(e) => {
            let err = AppError::from(e);
            if err.status.is_server_error() {
                return Err(err);
            }
            let page = LoginPage {
                shell: Shell::new(&ctx),
                next,
                login: f.login.clone(),
                error: Some(err.message(ctx.tr())),
            };
            let mut resp = with_status(err.status, render(&page))?;
            if let Some(secs) = err.retry_after {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Ok(resp)
        }
    }
}

async fn logout(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    if let Some(token) = &ctx.session_token {
        service::logout(&state.db, &ctx.actor(), token).await?;
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut()
        .append(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(resp)
}

// --- registration ---

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    shell: Shell,
    name: String,
    email: String,
    phone: String,
    error: Option<String>,
    /// After a registration: where the message went (masked).
    sent_to: Option<String>,
}

async fn register_page(ctx: Ctx) -> WebResult<Response> {
    render(&RegisterPage {
        shell: Shell::new(&ctx),
        name: String::new(),
        email: String::new(),
        phone: String::new(),
        error: None,
        sent_to: None,
    })
}

#[derive(Deserialize)]
struct RegisterForm {
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    password: String,
    password_again: String,
}

async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RegisterForm>,
) -> WebResult<Response> {
    // Registrations are rate-limited per address, shared across nodes.
    let now = crate::clock::now_ms();
    let window = now - now.rem_euclid(crate::clock::HOUR);
    let hits = store::hit(
        &state.db,
        &format!("register:{}", crate::crypto::token_hash(&ctx.client)),
        window,
    )
    .await?;
    if hits > 20 {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "error.rate_limited",
        ));
    }
    let reg = service::Registration {
        name: &f.name,
        email: &f.email,
        phone: &f.phone,
        password: &f.password,
        password_again: &f.password_again,
    };
    match service::register_citizen(
        &state.db,
        &state.keys,
        &ctx.actor(),
        reg,
        &ctx.client,
        &state.config.base_url,
        ctx.tr(),
        state.clock.now_ms(),
    )
    .await
    {
        Ok(masked) => {
            state.outbox_wake.notify_one();
            render(&RegisterPage {
                shell: Shell::new(&ctx),
                name: String::new(),
                email: String::new(),
                phone: String::new(),
                error: None,
                sent_to: Some(masked),
            })
        }
        Err(e) => {
            let err = AppError::from(e);
            if err.status.is_server_error() {
                return Err(err);
            }
            let page = RegisterPage {
                shell: Shell::new(&ctx),
                name: f.name,
                email: f.email,
                phone: f.phone,
                error: Some(err.message(ctx.tr())),
                sent_to: None,
            };
            let mut resp = with_status(err.status, render(&page))?;
            if let Some(secs) = err.retry_after {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            Ok(resp)
        }
    }
}

#[derive(Template)]
#[template(path = "activate.html")]
struct ActivatePage {
    shell: Shell,
    token: String,
}

/// The link from the activation message: a button, so that link scanners in mail and chat apps
/// (which fetch links) never activate an account by themselves.
async fn activate_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> WebResult<Response> {
    if !service::activation_is_live(&state.db, &token, state.clock.now_ms()).await? {
        return Err(AppError::bad_request("auth.activation_expired"));
    }
    render(&ActivatePage {
        shell: Shell::new(&ctx),
        token,
    })
}

async fn activate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let user = service::activate(&state.db, &ctx.actor(), &token, state.clock.now_ms()).await?;
    let session =
        service::open_session(&state.db, &ctx.actor(), user, state.config.session_hours).await?;
    let mut resp = Redirect::to("/dasbor").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(&state, &session, state.config.session_hours * 3600),
    );
    Ok(resp)
}

// --- password reset ---

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    shell: Shell,
    sent: bool,
}

async fn forgot_page(ctx: Ctx) -> WebResult<Response> {
    render(&ForgotPage {
        shell: Shell::new(&ctx),
        sent: false,
    })
}

#[derive(Deserialize)]
struct ForgotForm {
    login: String,
}

async fn forgot(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ForgotForm>,
) -> WebResult<Response> {
    let now = crate::clock::now_ms();
    let window = now - now.rem_euclid(crate::clock::HOUR);
    let hits = store::hit(
        &state.db,
        &format!("reset:{}", crate::crypto::token_hash(&ctx.client)),
        window,
    )
    .await?;
    if hits > 10 {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "error.rate_limited",
        ));
    }
    service::request_password_reset(
        &state.db,
        &state.keys,
        &ctx.actor(),
        &f.login,
        &state.config.base_url,
        ctx.tr(),
    )
    .await?;
    state.outbox_wake.notify_one();
    render(&ForgotPage {
        shell: Shell::new(&ctx),
        sent: true,
    })
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    shell: Shell,
    token: String,
    error: Option<String>,
}

async fn reset_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> WebResult<Response> {
    if !service::reset_is_live(&state.db, &token).await? {
        return Err(AppError::bad_request("auth.reset_expired"));
    }
    render(&ResetPage {
        shell: Shell::new(&ctx),
        token,
        error: None,
    })
}

#[derive(Deserialize)]
struct ResetForm {
    password: String,
    password_again: String,
}

async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<ResetForm>,
) -> WebResult<Response> {
    let outcome = match Password::parse_confirmed(&f.password, &f.password_again) {
        Ok(p) => service::reset_password(&state.db, &state.keys, &ctx.actor(), &token, &p).await,
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/masuk?reset=1").into_response()),
        Err(e) => {
            let err = AppError::from(e);
            if err.status.is_server_error() {
                return Err(err);
            }
            with_status(
                err.status,
                render(&ResetPage {
                    shell: Shell::new(&ctx),
                    token,
                    error: Some(err.message(ctx.tr())),
                }),
            )
        }
    }
}

// --- users (admin) ---

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    shell: Shell,
    users: Vec<store::UserSummary>,
    roles: [Role; 12],
}

async fn users_page(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    ctx.require(&Action::ManageUsers)?;
    render(&UsersPage {
        shell: Shell::new(&ctx),
        users: store::list_users(&state.db).await?,
        roles: Role::LEAST_FIRST,
    })
}

#[derive(Deserialize)]
struct GrantForm {
    role: String,
    #[serde(default)]
    org_code: String,
}

async fn grant(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> WebResult<Response> {
    ctx.require(&Action::ManageUsers)?;
    let role = Role::parse(&f.role).map_err(crate::Error::from)?;
    let org = match f.org_code.trim() {
        "" => None,
        code => Some(
            crate::orgs::store::get_by_code(&state.db, code)
                .await?
                .ok_or(crate::orgs::domain::OrgError::NotFound)
                .map_err(crate::Error::from)?
                .id,
        ),
    };
    if !store::list_users(&state.db)
        .await?
        .iter()
        .any(|u| u.id == id)
    {
        return Err(AppError::not_found());
    }
    service::grant_role(&state.db, &ctx.actor(), UserId(id), role, org).await?;
    Ok(Redirect::to("/admin/pengguna").into_response())
}

// --- API ---

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = kernel::identity::Me)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub roles: Vec<GrantView>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = kernel::identity::GrantView)]
pub struct GrantView {
    pub role: Role,
    /// The organisation the role is held in; absent for regency-wide roles.
    pub organisation_id: Option<i64>,
}

/// The signed-in account and its roles.
#[utoipa::path(get, path = "/api/v1/me", operation_id = "getMe", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, description = "No or invalid token", content_type = "application/problem+json")))]
async fn me(ctx: Ctx) -> WebResult<Json<Me>> {
    let p = ctx.signed_in()?;
    Ok(Json(Me {
        id: p.user_id.0,
        name: p.name.clone(),
        roles: p
            .grants
            .iter()
            .map(|g| GrantView {
                role: g.role,
                organisation_id: g.org.as_ref().map(|o| o.id),
            })
            .collect(),
    }))
}

/// All accounts with their roles; phone numbers masked (admin).
#[utoipa::path(get, path = "/api/v1/users", operation_id = "listUsers", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = Vec<store::UserSummary>), (status = 401), (status = 403)))]
async fn users_api(
    State(state): State<AppState>,
    ctx: Ctx,
) -> WebResult<Json<Vec<store::UserSummary>>> {
    ctx.require(&Action::ManageUsers)?;
    Ok(Json(store::list_users(&state.db).await?))
}
