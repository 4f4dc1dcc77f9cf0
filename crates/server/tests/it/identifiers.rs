//! Identifiers other systems keep (OAI-PMH record identifiers, calendar UIDs, Frab guids) are
//! named by the installation's lasting domain: recorded at the first start with a real domain,
//! kept when the base URL changes, replaced only by an explicit `domain` setting.

use crate::support::*;
use anjungan_kernel::web::AppState;
use serde_json::Value;
use std::net::SocketAddr;

/// Serves the application for `state` on a free port, as a second node would.
async fn serve(state: AppState) -> String {
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", socket.local_addr().unwrap());
    let app = anjungan_server::app(state);
    tokio::spawn(async move {
        axum::serve(
            socket,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    base
}

/// What a harvester and a calendar keep of a site: the OAI repository identifier and a record's
/// identifier, the schedule's event guids, and the calendar's UIDs.
async fn identifiers(base: &str) -> (String, String, Vec<String>, Vec<String>) {
    let c = anjungan_kernel::http::client().unwrap().build().unwrap();
    let get = |path: &str| c.get(format!("{base}{path}")).send();
    let identify = get("/oai?verb=Identify")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = roxmltree::Document::parse(&identify).unwrap();
    let repo = doc
        .descendants()
        .find(|n| n.has_tag_name("repositoryIdentifier"))
        .and_then(|n| n.text())
        .unwrap()
        .to_string();
    let list = get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = roxmltree::Document::parse(&list).unwrap();
    let record = doc
        .descendants()
        .find(|n| n.has_tag_name("identifier"))
        .and_then(|n| n.text())
        .unwrap()
        .to_string();
    let schedule: Value = get("/festival/2/schedule.json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let guids = schedule["schedule"]["conference"]["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["rooms"].as_object().unwrap().values())
        .flat_map(|v| v.as_array().unwrap())
        .map(|e| e["guid"].as_str().unwrap().to_string())
        .collect();
    let ics = get("/festival/2/agenda.ics")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let uids = ics
        .lines()
        .filter_map(|l| l.strip_prefix("UID:"))
        .map(str::to_string)
        .collect();
    (repo, record, guids, uids)
}

mod first_started_under_a_real_domain {
    use super::*;

    async fn run(backend: Backend) {
        let Some(app) = TestApp::start_with(backend, |c| {
            c.base_url = "https://cerita.trenggalekkab.go.id".into()
        })
        .await
        else {
            return;
        };
        let domain = "cerita.trenggalekkab.go.id";
        assert_eq!(app.state.config.domain.as_deref(), Some(domain));
        let (repo, record, guids, uids) = identifiers(&app.base).await;
        assert_eq!(repo, domain);
        assert!(
            record.starts_with("oai:cerita.trenggalekkab.go.id:"),
            "{record}"
        );
        assert_eq!(guids.len(), 6);
        assert_eq!(uids.len(), 6);
        assert!(
            uids.iter()
                .all(|u| u.ends_with("@cerita.trenggalekkab.go.id")),
            "{uids:?}"
        );

        // The site moves: the same database under a new address keeps every identifier.
        let mut moved = test_config(&app.db);
        moved.base_url = "https://anjungan.example.go.id".into();
        let (db, keys) = anjungan_server::open(&mut moved).await.unwrap();
        assert_eq!(moved.domain.as_deref(), Some(domain));
        let node = serve(AppState::new(db, moved.clone(), keys)).await;
        assert_eq!(
            identifiers(&node).await,
            (repo, record, guids.clone(), uids)
        );
        let schedule: Value = app
            .client()
            .get(format!("{node}/festival/2/schedule.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            schedule["schedule"]["base_url"], "https://anjungan.example.go.id/",
            "links follow the new address"
        );

        // A malformed `domain` setting stops the start with a message that names it.
        let mut bad = test_config(&app.db);
        bad.domain = Some("bukan domain".into());
        let err = anjungan_server::open(&mut bad)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("domain") && err.contains("bukan domain"),
            "{err}"
        );

        // An explicit setting is the operator's choice and replaces the recorded name.
        let mut renamed = test_config(&app.db);
        renamed.domain = Some("Perpustakaan.TrenggalekKab.go.id".into());
        let (db, keys) = anjungan_server::open(&mut renamed).await.unwrap();
        assert_eq!(
            renamed.domain.as_deref(),
            Some("perpustakaan.trenggalekkab.go.id")
        );
        let node = serve(AppState::new(db, renamed, keys)).await;
        let (repo, _, new_guids, _) = identifiers(&node).await;
        assert_eq!(repo, "perpustakaan.trenggalekkab.go.id");
        assert_ne!(new_guids, guids);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(Backend::Postgres).await;
    }
}
