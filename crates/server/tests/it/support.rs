//! Test harness: a fresh database per test on SQLite or PostgreSQL, the real application served
//! on a free port, HTTP clients with cookies, and a fake WhatsApp gateway.

#![allow(dead_code)]

use anjungan_kernel::Config;
use anjungan_kernel::web::AppState;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use anjungan_kernel::testkit::{Backend, TestDb, ci};

/// Runs a python script with standard validators; under CI a missing module fails the test.
pub fn python_check(script: &str, what: &str) -> Option<String> {
    match std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).to_string()),
        Ok(out) => {
            let err = String::from_utf8_lossy(&out.stderr).to_string();
            assert!(
                err.contains("ModuleNotFoundError") && !ci(),
                "{what} rejected: {err}"
            );
            eprintln!(
                "skipped: {what} (pip install jsonschema[format-nongpl] xmlschema icalendar)"
            );
            None
        }
        Err(e) => {
            assert!(!ci(), "python3 needed under CI: {e}");
            None
        }
    }
}

pub fn test_config(db: &TestDb) -> Config {
    Config {
        data_dir: db.dir.path().to_path_buf(),
        database_url: Some(db.url.clone()),
        db_max_connections: 8,
        ..Config::default()
    }
}

/// The real application, in process, on a free port, with the demo data loaded.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub db: TestDb,
    stop: tokio::sync::watch::Sender<bool>,
}

impl TestApp {
    pub async fn start(backend: Backend) -> Option<TestApp> {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let db = TestDb::new(backend).await?;
        let mut cfg = test_config(&db);
        adjust(&mut cfg);
        let (kdb, keys) = anjungan_server::open(&mut cfg)
            .await
            .expect("open database");
        anjungan_server::demo::load(&kdb, &keys, &cfg.data_dir, &cfg.base_url)
            .await
            .expect("demo data");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // A test that gives an https address keeps it (for cookie and HSTS checks).
        if !cfg.base_url.starts_with("https://") {
            cfg.base_url = format!("http://{addr}");
        }
        let state = AppState::new(kdb.clone(), cfg.clone(), keys.clone());
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let senders =
            Arc::new(anjungan_kernel::outbox::worker::Senders::from_config(&cfg).unwrap());
        tokio::spawn(anjungan_kernel::outbox::worker::run(
            kdb,
            keys,
            senders,
            state.outbox_wake.clone(),
            stop_rx,
        ));
        tokio::spawn(anjungan_kernel::audit::worker::run(
            state.db.clone(),
            state.keys.clone(),
            stop.subscribe(),
        ));
        let app = anjungan_server::app(state.clone());
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        Some(TestApp {
            base: format!("http://{addr}"),
            state,
            db,
            stop,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        anjungan_kernel::http::client()
            .unwrap()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// The body of the page at `path` as `client` gets it, whatever its status.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The CSRF token that the page at `path` gives this client.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        extract_csrf(&html).unwrap_or_else(|| panic!("no CSRF field on {path}"))
    }

    pub async fn login(
        &self,
        client: &reqwest::Client,
        login: &str,
        password: &str,
    ) -> reqwest::Response {
        let csrf = self.csrf(client, "/masuk").await;
        client
            .post(self.url("/masuk"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("login", login),
                ("password", password),
                ("next", "/dasbor"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Posts a form as a browser would: the CSRF token from `page`, then `fields`.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = self.csrf(client, page).await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// A signed-in client for a demo account.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let c = self.client();
        let r = self
            .login(&c, email, anjungan_server::demo::DEMO_PASSWORD)
            .await;
        assert_eq!(r.status(), 303, "demo login for {email}");
        c
    }

    pub async fn token(&self, email: &str) -> String {
        let db = &self.state.db;
        let id = anjungan_kernel::identity::domain::LoginId::parse(email).unwrap();
        let creds = anjungan_kernel::identity::store::find_credentials(db, &self.state.keys, &id)
            .await
            .unwrap()
            .unwrap();
        let actor = anjungan_kernel::audit::Actor::system("test");
        anjungan_kernel::identity::service::create_token(db, &actor, creds.user_id, "test")
            .await
            .unwrap()
            .1
    }

    /// An anonymous GET of a JSON document.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let r = self.client().get(self.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }

    pub async fn org_id(&self, code: &str) -> i64 {
        anjungan_kernel::orgs::store::get_by_code(&self.state.db, code)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    pub async fn audit_count(&self, action: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_string())
}

/// A WhatsApp gateway stand-in: records every JSON POST; answers 500 while `failing` is set.
#[derive(Clone, Default)]
pub struct Gateway {
    pub received: Arc<Mutex<Vec<serde_json::Value>>>,
    pub failing: Arc<std::sync::atomic::AtomicBool>,
}

impl Gateway {
    pub async fn start_on(listener: tokio::net::TcpListener) -> Gateway {
        let gw = Gateway::default();
        let g = gw.clone();
        let app = axum::Router::new().route(
            "/send",
            axum::routing::post(move |axum::Json(v): axum::Json<serde_json::Value>| {
                let g = g.clone();
                async move {
                    if g.failing.load(std::sync::atomic::Ordering::SeqCst) {
                        return axum::http::StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    g.received.lock().unwrap().push(v);
                    axum::http::StatusCode::OK
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        gw
    }

    pub async fn start() -> (Gateway, String) {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/send", l.local_addr().unwrap());
        (Self::start_on(l).await, url)
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// Waits until at least `n` messages arrived or `secs` pass.
    pub async fn wait_for(&self, n: usize, secs: u64) -> usize {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while self.count() < n && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.count()
    }
}

/// Runs one test body on both backends.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use super::*;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(app) = TestApp::start(Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = TestApp::start(Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}
