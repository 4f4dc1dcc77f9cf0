//! Festival SQL for an edition's settings (blind review, proposal sections) and the entries'
//! proposals.

use crate::domain::proposal::Section;

use anjungan_kernel::clock::now_ms;
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;
use std::collections::HashMap;

/// An edition's review settings: blind review and the proposal's sections.
pub async fn save_settings(
    conn: &mut Conn,
    edition_id: i64,
    blind_review: bool,
    sections: &[Section],
) -> anjungan_kernel::Result<()> {
    sqlx::query(
        "UPDATE festival_editions SET blind_review = $1, proposal_sections = $2 WHERE id = $3",
    )
    .bind(blind_review as i64)
    .bind(anjungan_kernel::db::json_text(sections)?)
    .bind(edition_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One entry of an edition: (innovation id, organisation id).
pub async fn entry(
    db: &Db,
    edition_id: i64,
    entry_id: i64,
) -> anjungan_kernel::Result<Option<(i64, i64)>> {
    let row = sqlx::query(
        "SELECT innovation_id, org_id FROM festival_entries WHERE edition_id = $1 AND id = $2",
    )
    .bind(edition_id)
    .bind(entry_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("innovation_id")?, r.try_get("org_id")?))
        })
        .transpose()?)
}

/// The proposals of an edition's entries: entry id → (section key, text).
pub async fn proposals(
    db: &Db,
    edition_id: i64,
) -> anjungan_kernel::Result<HashMap<i64, Vec<(String, String)>>> {
    let rows = sqlx::query(
        "SELECT p.entry_id, p.section, p.body FROM festival_proposals p \
         JOIN festival_entries e ON e.id = p.entry_id WHERE e.edition_id = $1",
    )
    .bind(edition_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for r in rows {
        out.entry(r.try_get("entry_id")?)
            .or_default()
            .push((r.try_get("section")?, r.try_get("body")?));
    }
    Ok(out)
}

/// Replaces an entry's proposal with the texts given.
pub async fn replace_proposal(
    conn: &mut Conn,
    entry_id: i64,
    texts: &[(String, String)],
) -> anjungan_kernel::Result<()> {
    sqlx::query("DELETE FROM festival_proposals WHERE entry_id = $1")
        .bind(entry_id)
        .execute(&mut *conn)
        .await?;
    let now = now_ms();
    for (section, body) in texts {
        sqlx::query("INSERT INTO festival_proposals (entry_id, section, body, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(entry_id)
            .bind(section)
            .bind(body)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether any juror has scored in a phase of the edition.
pub async fn has_reviews(db: &Db, edition_id: i64, phase: &str) -> anjungan_kernel::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM festival_reviews WHERE edition_id = $1 AND phase = $2",
    )
    .bind(edition_id)
    .bind(phase)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}
