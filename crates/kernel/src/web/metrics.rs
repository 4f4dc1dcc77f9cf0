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
pub async fn scrape(
    State(state): State<AppState>,
    ctx: super::Ctx,
    headers: axum::http::HeaderMap,
) -> Response {
    let prometheus = wants_prometheus_text(
        headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
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
    if prometheus {
        return (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            prometheus_text(&out),
        )
            .into_response();
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

/// Whether the scraper asked for the Prometheus text format 0.0.4 rather than OpenMetrics: it
/// names `text/plain` and does not name OpenMetrics (Prometheus itself names both, OpenMetrics
/// first, and gets OpenMetrics).
fn wants_prometheus_text(accept: &str) -> bool {
    let accept = accept.to_ascii_lowercase();
    accept.contains("text/plain") && !accept.contains("application/openmetrics-text")
}

/// The same figures in the Prometheus text format 0.0.4: a counter's family is named by its
/// `_total` sample, and what that format does not know (`# UNIT`, `# EOF`, `_created` samples,
/// exemplars) is left out.
pub fn prometheus_text(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let rewritten = if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            if counters.contains(name) {
                format!("# HELP {name}_total {help}")
            } else {
                line.to_string()
            }
        } else if let Some(name) = line
            .strip_prefix("# TYPE ")
            .and_then(|l| l.strip_suffix(" counter"))
        {
            format!("# TYPE {name}_total counter")
        } else if line.starts_with('#') {
            line.to_string()
        } else {
            let name = line.split(['{', ' ']).next().unwrap_or("");
            if name
                .strip_suffix("_created")
                .is_some_and(|family| counters.contains(family))
            {
                continue;
            }
            // An exemplar follows ` # ` after the value.
            line.split(" # ").next().unwrap_or(line).to_string()
        };
        out.push_str(&rewritten);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_text_names_counters_by_their_total_and_drops_what_it_does_not_know() {
        let om = "# HELP req Requests.\n# TYPE req counter\nreq_total{a=\"b\"} 3 # {trace=\"x\"} 1\nreq_created{a=\"b\"} 1.7e9\n# HELP up Up.\n# TYPE up gauge\n# UNIT up ratio\nup 1\n# EOF\n";
        assert_eq!(
            prometheus_text(om),
            "# HELP req_total Requests.\n# TYPE req_total counter\nreq_total{a=\"b\"} 3\n# HELP up Up.\n# TYPE up gauge\nup 1\n"
        );
    }

    #[test]
    fn the_scraper_gets_the_format_it_asks_for() {
        assert!(wants_prometheus_text("text/plain;version=0.0.4"));
        assert!(!wants_prometheus_text(
            "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3"
        ));
        assert!(!wants_prometheus_text(""));
        assert!(!wants_prometheus_text("*/*"));
    }
}
