//! OAI-PMH 2.0 at `/oai` (GET and POST) with `oai_dc`: the national catalogue harvests every
//! published work; sets are the categories; works taken off the site stay as deleted records.

use crate::domain::Category;
use crate::domain::oai::{self, DublinCore, Header, Record, Repository, Request, SetSpec};
use crate::store::harvest;
use crate::store::works::Work;
use anjungan_kernel::web::{AppState, WebResult};
use axum::extract::{RawQuery, State as St};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;

/// Records per page of `ListRecords` / `ListIdentifiers`.
pub const PAGE_SIZE: usize = 25;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/oai", get(oai_get).post(oai_post))
}

fn time_of(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

async fn repository(state: &AppState) -> Result<Repository, crate::store::StoreError> {
    let base = super::base_url(state);
    let earliest = harvest::earliest(&state.db)
        .await?
        .unwrap_or_else(anjungan_kernel::clock::now_ms);
    Ok(Repository {
        name: "Cilen — Cerita Online, Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek".into(),
        base_url: format!("{base}/oai"),
        repository_id: state.config.identity_domain(),
        admin_emails: vec![
            state
                .config
                .smtp
                .from
                .clone()
                .filter(|f| f.contains('@') && !f.contains('<'))
                .unwrap_or_else(|| format!("cilen@{}", state.config.identity_domain())),
        ],
        earliest: time_of(earliest),
        page_size: PAGE_SIZE,
        has_sets: true,
        sample_local_id: harvest::local_id(1),
    })
}

pub(crate) fn sets() -> Vec<SetSpec> {
    let mut sets: Vec<SetSpec> = Category::ALL
        .iter()
        .map(|c| SetSpec {
            spec: c.code().to_string(),
            name: super::public::category_label_id(*c).to_string(),
            description: None,
        })
        .collect();
    sets.sort_by(|a, b| a.spec.cmp(&b.spec));
    sets
}

/// Simple Dublin Core of a work.
fn dublin_core(base: &str, w: &Work) -> DublinCore {
    let url = super::view::work_url(base, w.id);
    let mut subject = vec![super::public::category_label_id(w.category).to_string()];
    subject.extend(w.tags.iter().cloned());
    DublinCore {
        title: vec![w.title.clone()],
        creator: w.authors.iter().map(|a| a.pen_name.clone()).collect(),
        subject,
        description: (!w.summary.is_empty())
            .then(|| w.summary.clone())
            .into_iter()
            .collect(),
        publisher: vec!["Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek".into()],
        contributor: (!w.credit.is_empty())
            .then(|| w.credit.clone())
            .into_iter()
            .collect(),
        date: w
            .published_at
            .map(|p| oai::datestamp(time_of(p))[..10].to_string())
            .into_iter()
            .collect(),
        type_: vec!["Text".into()],
        format: vec!["text/html".into(), "application/epub+zip".into()],
        identifier: vec![url.clone()],
        source: w
            .archive
            .as_ref()
            .map(|a| a.citation())
            .into_iter()
            .collect(),
        language: vec![w.language.code().to_string()],
        relation: vec![format!("{url}/unduh.epub")],
        coverage: vec!["Kabupaten Trenggalek, Jawa Timur".into()],
        rights: vec!["Hak cipta pada penulis; dibaca bebas di Cilen.".into()],
    }
}

fn record_of(base: &str, w: &Work) -> Record {
    let deleted = !w.is_public();
    Record {
        header: Header {
            local_id: harvest::local_id(w.id),
            datestamp: time_of(w.oai_at.unwrap_or(w.updated_at)),
            sets: vec![w.category.code().to_string()],
            deleted,
        },
        metadata: (!deleted).then(|| dublin_core(base, w)),
    }
}

async fn answer(state: &AppState, args: Vec<(String, String)>) -> WebResult<Response> {
    let repo = repository(state).await?;
    let now = time::OffsetDateTime::now_utc();
    let base = super::base_url(state);
    let xml = match oai::parse(&repo, &args) {
        Err(errors) => oai::render_errors(&repo, now, &args, &errors),
        Ok(Request::Identify) => oai::render_identify(&repo, now, &args),
        Ok(Request::ListMetadataFormats { item: None }) => {
            oai::render_formats(&repo, now, &args, Some(oai::FORMATS))
        }
        Ok(Request::ListMetadataFormats { item: Some(item) }) => {
            let found = harvest::record(&state.db, &item.local_id).await?.is_some();
            oai::render_formats(&repo, now, &args, found.then_some(oai::FORMATS))
        }
        Ok(Request::GetRecord { item, .. }) => {
            let w = harvest::record(&state.db, &item.local_id).await?;
            let r = w.as_ref().map(|w| record_of(&base, w));
            oai::render_record(&repo, now, &args, r.as_ref())
        }
        Ok(Request::ListSets(req)) => {
            let all = sets();
            let rows: Vec<SetSpec> = all
                .iter()
                .filter(|s| req.after.as_deref().is_none_or(|a| s.spec.as_str() > a))
                .take(repo.fetch_limit())
                .cloned()
                .collect();
            oai::render_sets(&repo, now, &args, &req, &rows, Some(all.len()))
        }
        Ok(Request::ListIdentifiers(req)) => list(state, &repo, now, &args, &req, true).await?,
        Ok(Request::ListRecords(req)) => list(state, &repo, now, &args, &req, false).await?,
    };
    Ok(([(header::CONTENT_TYPE, oai::CONTENT_TYPE)], xml).into_response())
}

async fn list(
    state: &AppState,
    repo: &Repository,
    now: time::OffsetDateTime,
    args: &[(String, String)],
    req: &oai::ListArgs,
    headers_only: bool,
) -> Result<String, crate::store::StoreError> {
    let base = super::base_url(state);
    let (works, total) = harvest::list(&state.db, req, repo.fetch_limit()).await?;
    let rows: Vec<Record> = works.iter().map(|w| record_of(&base, w)).collect();
    Ok(oai::render_list(
        repo,
        now,
        args,
        req,
        headers_only,
        &rows,
        Some(total as usize),
    ))
}

async fn oai_get(St(state): St<AppState>, RawQuery(q): RawQuery) -> WebResult<Response> {
    let args: Vec<(String, String)> =
        serde_urlencoded::from_str(q.as_deref().unwrap_or("")).unwrap_or_default();
    answer(&state, args).await
}

async fn oai_post(St(state): St<AppState>, body: axum::body::Bytes) -> WebResult<Response> {
    let args: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    answer(&state, args).await
}
