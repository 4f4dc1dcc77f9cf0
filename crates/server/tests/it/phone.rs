//! Every page fits a phone and passes an accessibility engine, on SQLite and PostgreSQL: for a
//! guest and each demo role, the pages the crawler reaches (a few of each path shape) are opened
//! in headless Chromium 360 px wide, where none may be wider than the screen
//! (`scrollWidth ≤ innerWidth`), and both there and 1280 px wide axe-core (Deque's engine, the
//! one Lighthouse runs) may report no serious or critical violation of WCAG 2.1 A/AA.

use crate::browser::{Browser, fill};
use crate::crawl::{ROLES, links, shape, skip};
use crate::support::*;
use std::collections::{BTreeSet, HashMap, VecDeque};

/// Pages per role, and per path shape.
const PAGES_PER_ROLE: usize = 45;
const PER_SHAPE: usize = 2;

/// The HTML pages a role reaches by following links from the home page, the dashboard and
/// `starts`.
async fn reachable(app: &TestApp, client: &reqwest::Client, starts: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut shapes = HashMap::<String, usize>::new();
    let mut queue: VecDeque<String> = ["/", "/dasbor"].iter().map(|p| p.to_string()).collect();
    queue.extend(starts.iter().cloned());
    let mut pages = Vec::new();
    while let Some(path) = queue.pop_front() {
        if pages.len() >= PAGES_PER_ROLE {
            break;
        }
        if !seen.insert(path.clone()) || skip(&path) || path.starts_with("/bahasa/") {
            continue;
        }
        let n = shapes.entry(shape(&path)).or_default();
        *n += 1;
        if *n > PER_SHAPE {
            continue;
        }
        let r = client.get(app.url(&path)).send().await.unwrap();
        let html_page = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if r.status() != 200 || !html_page {
            continue;
        }
        let html = r.text().await.unwrap_or_default();
        pages.push(path.clone());
        queue.extend(links(&html).into_iter().filter(|l| !seen.contains(l)));
    }
    pages
}

/// axe-core's script, installed by `.ci/run` (`npm install -g axe-core`); `AXE_CORE_JS` names
/// another copy.
fn axe_source() -> Option<String> {
    let candidates = [
        std::env::var("AXE_CORE_JS").unwrap_or_default(),
        "/usr/lib/node_modules/axe-core/axe.min.js".into(),
        "/usr/local/lib/node_modules/axe-core/axe.min.js".into(),
    ];
    let found = candidates
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok());
    if found.is_none() {
        assert!(
            !ci(),
            "CI=true but axe-core is not installed (npm install -g axe-core)"
        );
        eprintln!("skipped: accessibility checks (npm install -g axe-core)");
    }
    found
}

/// The serious and critical WCAG 2.1 A/AA violations axe-core finds on the current page.
async fn violations(c: &fantoccini::Client, axe: &str) -> Result<Vec<String>, String> {
    c.execute(&format!("{axe}\n;return true;"), vec![])
        .await
        .map_err(|e| e.to_string())?;
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})\
             .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
             .map(v => v.id + ' (' + v.nodes.length + '×, e.g. ' + v.nodes[0].target.join(' ') + ')')))\
             .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

async fn sign_in(c: &fantoccini::Client, base: &str, email: &str) -> Result<(), String> {
    c.goto(&format!("{base}/masuk"))
        .await
        .map_err(|e| e.to_string())?;
    fill(c, "#login", email).await?;
    fill(c, "#password", anjungan_server::demo::DEMO_PASSWORD).await?;
    c.find(fantoccini::Locator::Css(
        "form[action='/masuk'] button[type=submit]",
    ))
    .await
    .map_err(|e| e.to_string())?
    .click()
    .await
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Each programme's main page, as a guest sees it on a phone: with `ANJUNGAN_SCREENSHOTS=dir`
/// the pictures in the README (`docs/screenshots/`) are made again.
const SCREENSHOTS: &[(&str, &str)] = &[
    ("/", "home"),
    ("/festival", "festival"),
    ("/inovasi", "inovasi"),
    ("/layanan", "layanan"),
    ("/ikm", "ikm"),
    ("/cerita", "cerita"),
    ("/lelang", "lelang"),
];

async fn screenshot(c: &fantoccini::Client, path: &str) -> Result<(), String> {
    let (Ok(dir), Some((_, name))) = (
        std::env::var("ANJUNGAN_SCREENSHOTS"),
        SCREENSHOTS.iter().find(|(p, _)| *p == path),
    ) else {
        return Ok(());
    };
    let png = c.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png)
        .map_err(|e| e.to_string())
}

async fn every_page_fits_a_phone_on(backend: Backend) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let base = app.base.clone();
    // Pages that are opened from outside (a QR code, a tracking code) rather than by a link.
    let letter: String =
        sqlx::query_scalar("SELECT code FROM desk_letters ORDER BY request_id LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let ticket: String =
        sqlx::query_scalar("SELECT ticket_code FROM auction_sales ORDER BY id LIMIT 1")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let starts = vec![
        format!("/verifikasi/{letter}"),
        format!("/lelang/karcis/{ticket}"),
        "/verifikasi/TIDAKADA".to_string(),
    ];
    let axe = axe_source();
    browser
        .journey("every_page_fits_a_phone", |c| async move {
            let mut wide = Vec::new();
            let mut inaccessible = Vec::new();
            let mut checked = 0;
            for role in ROLES {
                let client = app.client();
                c.delete_all_cookies().await.map_err(|e| e.to_string())?;
                if let Some(email) = role {
                    app.login(&client, email, "anjungan-demo").await;
                    sign_in(&c, &base, email).await?;
                }
                let who = role.unwrap_or("guest");
                let pages = reachable(&app, &client, &starts).await;
                // Wide screens: accessibility only.
                if let Some(axe) = &axe {
                    c.set_window_size(1280, 900)
                        .await
                        .map_err(|e| e.to_string())?;
                    for path in &pages {
                        c.goto(&format!("{base}{path}"))
                            .await
                            .map_err(|e| e.to_string())?;
                        for v in violations(&c, axe).await? {
                            inaccessible.push(format!("{who} at 1280 px: {path}: {v}"));
                        }
                    }
                }
                c.set_window_size(360, 800)
                    .await
                    .map_err(|e| e.to_string())?;
                for path in pages {
                    c.goto(&format!("{base}{path}"))
                        .await
                        .map_err(|e| e.to_string())?;
                    let size = c
                        .execute(
                            "return [document.documentElement.scrollWidth, window.innerWidth]",
                            vec![],
                        )
                        .await
                        .map_err(|e| e.to_string())?;
                    let (scroll, inner) = (
                        size[0].as_i64().unwrap_or(0),
                        size[1].as_i64().unwrap_or(0),
                    );
                    if inner == 0 || scroll > inner {
                        // Name what sticks out, so the fix is easy to find.
                        let culprits = c
                            .execute(
                                "const w = window.innerWidth; return [...document.querySelectorAll('body *')]\
                                 .filter(e => e.getBoundingClientRect().right > w + 1)\
                                 .filter(e => e.parentElement.getBoundingClientRect().right <= w + 1)\
                                 .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') \
                                 + ' ' + (e.textContent || '').trim().slice(0, 30)).join(' | ')",
                                vec![],
                            )
                            .await
                            .map_err(|e| e.to_string())?;
                        wide.push(format!(
                            "{who}: {path} is {scroll} px wide on a {inner} px screen ({})",
                            culprits.as_str().unwrap_or_default()
                        ));
                    }
                    if let Some(axe) = &axe {
                        for v in violations(&c, axe).await? {
                            inaccessible.push(format!("{who} at 360 px: {path}: {v}"));
                        }
                    }
                    checked += 1;
                    if role.is_none() {
                        screenshot(&c, &path).await?;
                    }
                }
            }
            if checked < 200 {
                return Err(format!("only {checked} pages checked"));
            }
            eprintln!("{checked} pages checked at 360 px (and with axe-core at 1280 px)");
            let mut problems = Vec::new();
            if !wide.is_empty() {
                problems.push(format!("{} pages overflow:\n{}", wide.len(), wide.join("\n")));
            }
            if !inaccessible.is_empty() {
                problems.push(format!(
                    "{} serious or critical accessibility violations:\n{}",
                    inaccessible.len(),
                    inaccessible.join("\n")
                ));
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n"))
            }
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_sqlite() {
    every_page_fits_a_phone_on(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_postgres() {
    every_page_fits_a_phone_on(Backend::Postgres).await;
}
