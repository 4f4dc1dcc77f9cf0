//! The kernel's own pages: home, dashboard, language switch, health, metrics, static assets.

use super::{AppState, Ctx, Shell, WebResult};
use crate::identity::domain::Role;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/",
            get(home).layer(super::page_cache::Public::of(&["kernel"]).layer()),
        )
        .route("/dasbor", get(dashboard))
        .route("/bahasa/{code}", get(switch_language))
        .route("/healthz", get(healthz))
        .route("/metrics", get(super::metrics::scrape))
        .route("/static/{name}", get(super::assets::serve))
}

/// Renders an askama template as an HTML response.
pub fn render(t: &impl Template) -> WebResult<Response> {
    match t.render() {
        Ok(html) => Ok(Html(html).into_response()),
        Err(e) => Err(crate::Error::Internal(anyhow::anyhow!("template: {e}")).into()),
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    programmes: Vec<&'static crate::room::Programme>,
    districts: i64,
    villages: i64,
    agencies: i64,
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let counts = crate::orgs::store::count_by_kind(&state.db).await?;
    let n = |k: &str| {
        counts
            .iter()
            .filter(|(kind, _)| kind == k)
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    render(&HomePage {
        shell: Shell::new(&ctx),
        programmes: {
            let mut p: Vec<_> = crate::room::installed()
                .iter()
                .filter_map(|r| r.programme.as_ref())
                .collect();
            p.sort_by_key(|p| p.order);
            p
        },
        districts: n("district"),
        villages: n("village") + n("ward"),
        agencies: n("agency"),
    })
}

pub struct RoleCard {
    pub role: Role,
    pub scope: Option<String>,
    pub links: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    cards: Vec<RoleCard>,
    admin_counts: Option<AdminCounts>,
}

struct AdminCounts {
    users: usize,
    audit: i64,
    outbox_pending: i64,
    outbox_failed: i64,
}

async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> WebResult<Response> {
    let p = ctx.signed_in()?;
    let mut cards: Vec<RoleCard> = Vec::new();
    for g in &p.grants {
        let scope = match &g.org {
            Some(o) => crate::orgs::store::get(&state.db, o.id)
                .await?
                .map(|o| o.name),
            None => None,
        };
        let mut links = Vec::new();
        match g.role {
            Role::Admin => {
                links.push(("nav.orgs", "/admin/organisasi".to_string()));
                links.push(("nav.users", "/admin/pengguna".to_string()));
                links.push(("nav.audit", "/admin/audit".to_string()));
                links.push(("nav.outbox", "/admin/outbox".to_string()));
            }
            Role::UnitHead | Role::UnitOperator => {
                if let Some(o) = &g.org {
                    links.push(("org.edit_profile", format!("/admin/organisasi/{}", o.id)));
                }
            }
            _ => {}
        }
        // Each room adds what the grant opens in it.
        for room in crate::room::installed() {
            links.extend((room.dashboard)(g));
        }
        cards.push(RoleCard {
            role: g.role,
            scope,
            links,
        });
    }
    let admin_counts = if p.is_admin() {
        let outbox = crate::outbox::store::counts(&state.db).await?;
        let n = |s: &str| {
            outbox
                .iter()
                .filter(|(k, _)| k == s)
                .map(|(_, n)| *n)
                .sum::<i64>()
        };
        Some(AdminCounts {
            users: crate::identity::store::list_users(&state.db).await?.len(),
            audit: crate::audit::store::count(&state.db).await?,
            outbox_pending: n("pending"),
            outbox_failed: n("failed"),
        })
    } else {
        None
    };
    render(&DashboardPage {
        shell: Shell::new(&ctx),
        cards,
        admin_counts,
    })
}

#[derive(serde::Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Sets the language cookie and returns to the page the visitor came from.
async fn switch_language(
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
    State(state): State<AppState>,
) -> WebResult<Response> {
    let lang = crate::i18n::Lang::parse(&code).ok_or_else(super::AppError::not_found)?;
    let next = super::forms::safe_next(q.next.as_deref().or(Some("/")));
    let mut resp = Redirect::to(&next).into_response();
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        super::ctx::LANG_COOKIE,
        lang.code(),
        if state.config.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": state.db.backend.name()})),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}
