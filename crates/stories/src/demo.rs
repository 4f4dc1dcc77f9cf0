//! Cilen's demo: a few dozen short original works about Trenggalek's legends and places
//! (`demo/stories.toml`), their authors, a collection or two, kudos and reads. Published works go
//! through the real workflow (submit, review, publish) so history, audit and index are true.

use crate::domain::work::{ArchiveRef, WorkInput};
use crate::domain::workflow::{Actor as By, Command, State};
use crate::domain::{Category, Language, Rating};
use crate::store::collections;
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::identity::domain::{Email, Password, PersonName, Role};
use anjungan_kernel::identity::{service, store::NewUser};
use anjungan_kernel::room::{Demo as Platform, DemoFuture};

const SOURCE: &str = include_str!("../demo/stories.toml");

#[derive(serde::Deserialize)]
struct Demo {
    author: Vec<DemoAuthor>,
    work: Vec<DemoWork>,
    #[serde(default)]
    collection: Vec<DemoCollection>,
}

#[derive(serde::Deserialize)]
struct DemoAuthor {
    key: String,
    pen_name: String,
}

#[derive(serde::Deserialize)]
struct DemoCollection {
    title: String,
    description: String,
    works: Vec<String>,
}

#[derive(serde::Deserialize)]
struct DemoArchive {
    code: String,
    description: String,
    institution: String,
}

#[derive(serde::Deserialize)]
struct DemoWork {
    slug: String,
    title: String,
    author: String,
    #[serde(default)]
    credit: String,
    category: String,
    language: String,
    rating: String,
    complete: bool,
    #[serde(default)]
    tags: Vec<String>,
    summary: String,
    archive_ref: Option<DemoArchive>,
    state: String,
    #[serde(default)]
    kudos: i64,
    #[serde(default)]
    reads: i64,
    chapter: Vec<DemoChapter>,
}

#[derive(serde::Deserialize)]
struct DemoChapter {
    title: String,
    body: String,
}

fn email_of(key: &str) -> String {
    format!("{key}@anjungan.test")
}

async fn user_id(db: &Db, email: &str) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await?)
}

/// The room's part of the demo data set (the platform's agencies and accounts exist already).
pub fn load<'a>(d: &'a Platform<'a>) -> DemoFuture<'a> {
    Box::pin(seed(d.db, d.keys, d.password, "pustakawan@anjungan.test"))
}

/// Loads the demo works once (skipped when any work exists).
async fn seed(db: &Db, keys: &Keys, password: &str, librarian_email: &str) -> anyhow::Result<()> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM story_works")
        .fetch_one(&db.pool)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let demo: Demo = toml::from_str(SOURCE)?;
    let system = Actor::system("demo");
    let Some(librarian) = user_id(db, librarian_email).await? else {
        return Ok(());
    };
    let librarian_actor = Actor {
        user_id: Some(librarian),
        label: "Yuni Pustakawan".into(),
        ..Actor::system("demo")
    };
    let outbox_before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM outbox")
        .fetch_one(&db.pool)
        .await?;
    // Authors: the demo accounts exist for `penulis` and `pustakawan`; the others are created
    // as authors with the demo password.
    let hash = service::hash_password(&Password::parse(password)?).await?;
    let mut authors = Vec::new();
    for a in &demo.author {
        let email = email_of(&a.key);
        let id = match user_id(db, &email).await? {
            Some(id) => id,
            None => {
                let user = NewUser {
                    name: PersonName::parse(&a.pen_name)?,
                    email: Some(Email::parse(&email)?),
                    phone: None,
                    password_hash: hash.clone(),
                };
                service::create_user(db, keys, &system, user, &[(Role::Author, None)])
                    .await?
                    .0
            }
        };
        crate::service::works::set_pen_name(db, &system, id, &a.pen_name).await?;
        authors.push((a.key.clone(), id, a.pen_name.clone()));
    }
    let now = anjungan_kernel::clock::now_ms();
    let n = demo.work.len() as i64;
    let mut ids = Vec::new();
    for (i, w) in demo.work.iter().enumerate() {
        let (_, author, pen) = authors
            .iter()
            .find(|(k, _, _)| *k == w.author)
            .ok_or_else(|| anyhow::anyhow!("unknown demo author {}", w.author))?;
        let actor = Actor {
            user_id: Some(*author),
            label: pen.clone(),
            ..Actor::system("demo")
        };
        let input = WorkInput {
            title: w.title.clone(),
            summary: w.summary.clone(),
            category: Category::parse(&w.category)
                .ok_or_else(|| anyhow::anyhow!("category {}", w.category))?,
            language: Language::parse(&w.language)
                .ok_or_else(|| anyhow::anyhow!("language {}", w.language))?,
            rating: Rating::parse(&w.rating)
                .ok_or_else(|| anyhow::anyhow!("rating {}", w.rating))?,
            complete: w.complete,
            tags: w.tags.clone(),
            credit: w.credit.clone(),
            archive: w.archive_ref.as_ref().map(|a| ArchiveRef {
                code: a.code.clone(),
                description: a.description.clone(),
                institution: a.institution.clone(),
            }),
            cover: None,
        }
        .validated()?;
        let mut tx = db.begin_write().await?;
        let id =
            crate::service::works::insert(&mut tx, &actor, *author, &input, Some(&w.slug)).await?;
        tx.commit().await?;
        for c in &w.chapter {
            crate::service::works::save_chapter(db, &actor, *author, id, None, &c.title, &c.body)
                .await?;
        }
        let target = State::parse(&w.state).ok_or_else(|| anyhow::anyhow!("state {}", w.state))?;
        let base = "http://localhost:8080";
        if target != State::Draft {
            crate::service::workflow::step(
                db,
                keys,
                &actor,
                id,
                Command::Submit,
                By::Author,
                "",
                base,
            )
            .await?;
        }
        match target {
            State::Published => {
                crate::service::workflow::step(
                    db,
                    keys,
                    &librarian_actor,
                    id,
                    Command::Review,
                    By::Librarian,
                    "",
                    base,
                )
                .await?;
                crate::service::workflow::step(
                    db,
                    keys,
                    &librarian_actor,
                    id,
                    Command::Publish,
                    By::Librarian,
                    "",
                    base,
                )
                .await?;
                // Spread the publication dates over the past months, oldest first.
                let at = now - (n - i as i64) * 3 * anjungan_kernel::clock::DAY;
                sqlx::query("UPDATE story_works SET published_at = $1, oai_at = $1, updated_at = $1, reads = $2 WHERE id = $3")
                    .bind(at)
                    .bind(w.reads)
                    .bind(id)
                    .execute(&db.pool)
                    .await?;
                // Kudos from demo devices, a hundred rows a statement.
                let givers: Vec<i64> = (0..w.kudos).collect();
                for chunk in givers.chunks(100) {
                    let rows: Vec<String> = (0..chunk.len())
                        .map(|i| format!("($1, $2, ${})", i + 3))
                        .collect();
                    let sql = format!(
                        "INSERT INTO story_kudos (work_id, at, giver) VALUES {}",
                        rows.join(", ")
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(at);
                    for k in chunk {
                        q = q.bind(format!("d:demo-{k}"));
                    }
                    q.execute(&db.pool).await?;
                }
                sqlx::query("UPDATE story_works SET kudos = $1 WHERE id = $2")
                    .bind(w.kudos)
                    .bind(id)
                    .execute(&db.pool)
                    .await?;
            }
            State::Returned => {
                crate::service::workflow::step(
                    db,
                    keys,
                    &librarian_actor,
                    id,
                    Command::Review,
                    By::Librarian,
                    "",
                    base,
                )
                .await?;
                crate::service::workflow::step(
                    db,
                    keys,
                    &librarian_actor,
                    id,
                    Command::Return,
                    By::Librarian,
                    "Mohon tambahkan sumber tutur dan perbaiki ejaan nama tempat di bab pertama.",
                    base,
                )
                .await?;
            }
            _ => {}
        }
        ids.push((w.slug.clone(), id, target == State::Published));
    }
    for c in &demo.collection {
        let slug =
            crate::service::collections::create(db, &librarian_actor, &c.title, &c.description)
                .await?;
        let col = collections::by_slug(db, &slug)
            .await?
            .ok_or_else(|| anyhow::anyhow!("collection {slug}"))?;
        for s in &c.works {
            if let Some((_, id, _)) = ids
                .iter()
                .find(|(slug, _, published)| slug == s && *published)
            {
                crate::service::collections::set_member(db, &librarian_actor, col.id, *id, true)
                    .await?;
            }
        }
    }
    // The demo's notices go to made-up addresses: drop them so no gateway ever receives them.
    sqlx::query("DELETE FROM outbox WHERE id > $1")
        .bind(outbox_before)
        .execute(&db.pool)
        .await?;
    Ok(())
}
