//! Prometheus metrics: requests by route and status, latency histograms, the database pool and
//! the outbox backlog (read at scrape time).

use super::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    pool: Family<PoolLabels, Gauge>,
    outbox_backlog: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
        });
        let pool = Family::<PoolLabels, Gauge>::default();
        let outbox_backlog = Gauge::default();
        registry.register(
            "anjungan_http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "anjungan_http_request_duration_seconds",
            "HTTP request latency",
            latency.clone(),
        );
        registry.register(
            "anjungan_db_pool_connections",
            "Database pool connections by state",
            pool.clone(),
        );
        registry.register(
            "anjungan_outbox_backlog",
            "Outbox messages waiting to be sent",
            outbox_backlog.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            pool,
            outbox_backlog,
        }
    }
}

/// Records every request; unmatched paths share one label so scanners cannot blow up the series.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    let m = &state.metrics;
    m.latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: resp.status().as_u16().to_string(),
        })
        .inc();
    resp
}

/// `GET /metrics`: for the configured scraper addresses (loopback by default), or with an
/// admin's API token; anyone else is refused, since the figures describe the installation.
pub async fn scrape(State(state): State<AppState>, ctx: super::Ctx) -> Response {
    let trusted = state
        .config
        .metrics_addresses
        .iter()
        .any(|a| a == &ctx.client);
    if !trusted && let Err(e) = ctx.require(&crate::identity::domain::Action::ReadMetrics) {
        return e.into_response();
    }
    let m = &state.metrics;
    let size = state.db.pool.size() as i64;
    let idle = state.db.pool.num_idle() as i64;
    m.pool
        .get_or_create(&PoolLabels {
            state: "idle".into(),
        })
        .set(idle);
    m.pool
        .get_or_create(&PoolLabels {
            state: "in_use".into(),
        })
        .set(size - idle);
    if let Ok(n) = crate::outbox::store::backlog(&state.db).await {
        m.outbox_backlog.set(n);
    }
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &m.registry).is_err() {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        out,
    )
        .into_response()
}
