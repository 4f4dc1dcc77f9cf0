//! The composition root: opens the database, builds every room's router, mounts them behind
//! the shared middleware, and runs the server with its background workers.

pub mod check;
pub mod cli;
pub mod demo;
mod openapi;
pub mod ports;

use anjungan_kernel::crypto::Keys;
use anjungan_kernel::web::{AppError, AppState, csrf, error, metrics, page_cache};
use anjungan_kernel::{Config, Db, outbox};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The rooms of the platform, in the order their dashboard links appear and their demo data
/// loads (the survey first: the registry links its units as live evidence).
pub static ROOMS: &[&anjungan_kernel::room::Room] = &[
    &anjungan_survey::ROOM,
    &anjungan_innovation::ROOM,
    &anjungan_festival::ROOM,
    &anjungan_desk::ROOM,
    &anjungan_stories::ROOM,
    &anjungan_auction::ROOM,
];

/// Connects, installs the rooms, migrates, checks the secret key against the database, settles
/// the installation's lasting domain name (into `cfg.domain`), seeds the region tree and runs
/// each room's start-up work.
pub async fn open(cfg: &mut Config) -> anyhow::Result<(Db, Keys)> {
    anjungan_kernel::room::install(ROOMS);
    let db = Db::connect(&cfg.effective_database_url(), cfg.db_max_connections).await?;
    db.migrate().await?;
    let keys = Keys::load_or_create(cfg.secret_key.as_deref(), &cfg.data_dir)?;
    anjungan_kernel::crypto::verify_key(&db, &keys).await?;
    cfg.domain =
        Some(anjungan_kernel::naming::settle(&db, cfg.domain.as_deref(), &cfg.base_url).await?);
    // Private files stored in clear by an earlier version are sealed now (once; cheap after).
    let sealed = anjungan_kernel::files::store::seal_stored(&db, &cfg.data_dir, &keys).await?;
    if sealed > 0 {
        tracing::info!(files = sealed, "private files sealed at rest");
    }
    for room in ROOMS {
        if let Some(start) = room.on_start {
            let n = start(&db, &keys).await?;
            if n > 0 {
                tracing::info!(room = room.name, records = n, "start-up work done");
            }
        }
    }
    anjungan_kernel::orgs::store::seed_wilayah(&db, &anjungan_kernel::audit::Actor::system("seed"))
        .await?;
    Ok((db, keys))
}

/// Every route of every room with the shared middleware, plus the OpenAPI document.
pub fn app(state: AppState) -> Router {
    anjungan_kernel::room::install(ROOMS);
    let (router, api) = ROOMS
        .iter()
        .fold(anjungan_kernel::web::routes(), |r, room| {
            r.merge((room.routes)())
        })
        .split_for_parts();
    // Serialised once. Should that fail, the document's route answers with the error (500)
    // rather than the whole platform failing to start.
    let openapi = Arc::new(openapi::json(&api).map_err(|e| e.to_string()));
    if let Err(e) = openapi.as_ref() {
        tracing::error!(error = %e, "the OpenAPI document does not serialise");
    }
    let csrf_cfg = csrf::CsrfConfig {
        exempt_prefixes: vec!["/api/", "/open311/", "/oai"],
        secure_cookie: state.config.secure_cookies(),
    };
    let request_id = HeaderName::from_static("x-request-id");
    let hsts = state.config.base_url.starts_with("https://");
    let router = router
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move {
                    let json = doc.as_ref().as_ref().map_err(|e| {
                        AppError::from(anjungan_kernel::Error::Internal(anyhow::anyhow!(
                            "the OpenAPI document does not serialise: {e}"
                        )))
                    })?;
                    Ok::<_, AppError>(([(header::CONTENT_TYPE, "application/json")], json.clone()))
                }
            }),
        )
        .route(
            "/verifikasi/{code}",
            get(verify_document)
                .layer(page_cache::Public::of(&["desk", "festival"]).layer())
                .post(anjungan_desk::web::verify::check)
                .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
        .fallback(error::not_found);
    // Each room adds what its handlers share (queues, caches, the auction hall); the binary adds
    // the ports through which one room learns from another without reading its tables. Added
    // after every route, so every route (the shared /verifikasi too) sees them.
    let router = ROOMS
        .iter()
        .fold(router, |r, room| (room.layers)(r, &state));
    ports::ports(router, &state)
        // Innermost first: CSRF, timeout, panics, error pages, the page cache, metrics,
        // compression (which leaves the cache's compressed pages alone), tracing.
        .layer(axum::middleware::from_fn_with_state(csrf_cfg, csrf::protect))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(error::render_errors))
        // Pages the same for every guest, kept rendered and compressed (hits still counted).
        .layer(axum::middleware::from_fn_with_state(state.clone(), page_cache::serve))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(axum::middleware::map_response(security_headers))
        .layer(axum::middleware::map_response(
            move |mut resp: axum::response::Response| async move {
                // HSTS only where the platform is reached over https, so a plain-http
                // install (a test, a LAN) is never pinned.
                if hsts {
                    resp.headers_mut().insert(
                        header::STRICT_TRANSPORT_SECURITY,
                        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
                    );
                }
                resp
            },
        ))
        // The fastest level: pages are small, and CPU on a 2-core server is the scarcer resource.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                // Path only: query strings may carry search terms, never logged.
                let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// `/verifikasi/{code}`: a letter of Petung Dadi, else a festival certificate.
async fn verify_document(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::Extension(catalogue): axum::Extension<anjungan_festival::ports::Catalogue>,
    ctx: anjungan_kernel::web::Ctx,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> anjungan_kernel::web::WebResult<axum::response::Response> {
    if let Some(page) = anjungan_desk::web::verify::page(&state, &ctx, &code).await? {
        return Ok(page);
    }
    // A code no room knows is a document that was never registered: said as such, not as a
    // missing page, so a reader who checks a forged letter learns what it means.
    anjungan_festival::web::awards::verify_page(&state, &catalogue, &ctx, &code)
        .await
        .map_err(|e| {
            if e.status == StatusCode::NOT_FOUND {
                AppError::new(StatusCode::NOT_FOUND, "error.document_unknown")
            } else {
                e
            }
        })
}

/// Browser hardening for every response that does not set these itself.
async fn security_headers(mut resp: axum::response::Response) -> axum::response::Response {
    const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    let h = resp.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, CSP),
    ] {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    resp
}

/// Runs until SIGINT or SIGTERM: stops accepting, finishes in-flight requests, stops the
/// workers, checkpoints the database, and returns.
pub async fn serve(mut cfg: Config, demo: bool) -> anyhow::Result<()> {
    let (db, keys) = open(&mut cfg).await?;
    if demo {
        let report = demo::load(&db, &keys, &cfg.data_dir, &cfg.base_url).await?;
        println!("{report}");
    }
    let listener = tokio::net::TcpListener::bind(&cfg.bind).await?;
    let addr = listener.local_addr()?;
    // Small writes (live-feed events, a body after its headers) leave at once instead of
    // waiting for the client's delayed ACK.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let state = AppState::new(db.clone(), cfg.clone(), keys.clone());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let senders = Arc::new(outbox::worker::Senders::from_config(&cfg)?);
    let worker = tokio::spawn(outbox::worker::run(
        db.clone(),
        keys.clone(),
        senders,
        state.outbox_wake.clone(),
        stop_rx.clone(),
    ));
    let chainer = tokio::spawn(anjungan_kernel::audit::worker::run(
        db.clone(),
        keys.clone(),
        stop_rx.clone(),
    ));
    let janitor = tokio::spawn(janitor(db.clone(), stop_rx.clone()));
    // Other nodes' writes end this node's cached pages (PostgreSQL only; one node on SQLite).
    let page_listener =
        anjungan_kernel::versions::listen(&db, cfg.effective_database_url(), stop_rx.clone());
    let app = app(state.clone());
    let jobs: Vec<_> = ROOMS
        .iter()
        .flat_map(|room| (room.jobs)(&state, stop_rx.clone()))
        .collect();
    tracing::info!(%addr, backend = db.backend.name(), "anjungan listening");
    println!(
        "Anjungan listening on http://{addr} ({})",
        db.backend.name()
    );
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopping: in-flight requests finished");
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
    let _ = janitor.await;
    let _ = chainer.await;
    if let Some(l) = page_listener {
        let _ = l.await;
    }
    for job in jobs {
        let _ = tokio::time::timeout(Duration::from_secs(10), job).await;
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Purges expired sign-in sessions every ten minutes.
async fn janitor(db: Db, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) =
            anjungan_kernel::identity::store::purge_expired(&db, anjungan_kernel::clock::now_ms())
                .await
        {
            tracing::warn!(error = %e, "purging expired sessions failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
