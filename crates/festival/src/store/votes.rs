//! The public vote: one-time codes, ballots, imports from paper, counts and voiding.

use anjungan_kernel::clock::{Millis, now_ms};
use anjungan_kernel::db::{Conn, Db};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum VoteFailure {
    #[error(transparent)]
    Rule(#[from] crate::domain::vote::VoteError),
    #[error(transparent)]
    Kernel(#[from] anjungan_kernel::Error),
}

impl From<sqlx::Error> for VoteFailure {
    fn from(e: sqlx::Error) -> Self {
        VoteFailure::Kernel(e.into())
    }
}

/// The kernel's one-time code purpose of an edition's vote.
pub fn vote_purpose(edition_id: i64) -> String {
    format!("festival-vote:{edition_id}")
}

#[derive(Debug, Clone)]
pub struct Ballot {
    pub edition_id: i64,
    pub entry_id: i64,
    /// The normalised phone number or e-mail address the code went to.
    pub contact: String,
    /// Its keyed digest, which the vote is counted under.
    pub contact_index: String,
    /// When the ballot was cast, by the server's clock.
    pub at: Millis,
    pub code: String,
    pub client_hash: String,
    pub device_hash: String,
}

/// Whether the entry belongs to the edition.
pub async fn entry_in_edition(
    conn: &mut Conn,
    entry_id: i64,
    edition_id: i64,
) -> anjungan_kernel::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM festival_entries WHERE id = $1 AND edition_id = $2",
    )
    .bind(entry_id)
    .bind(edition_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

/// Records a checked ballot; `None` when the contact already voted in the edition. ON CONFLICT
/// rather than a unique violation: an error would abort a batch on PostgreSQL.
pub async fn insert_vote(conn: &mut Conn, b: &Ballot) -> anjungan_kernel::Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO festival_votes (edition_id, entry_id, contact_index, client_hash, device_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (edition_id, contact_index) DO NOTHING RETURNING id",
    )
    .bind(b.edition_id)
    .bind(b.entry_id)
    .bind(&b.contact_index)
    .bind(&b.client_hash)
    .bind(&b.device_hash)
    .bind(b.at)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A vote recorded outside the online flow (ballot boxes at the venue, an earlier system), with
/// its own time; contacts and devices are already digests.
pub struct ImportedVote {
    pub entry_id: i64,
    pub contact_index: String,
    pub client_hash: String,
    pub device_hash: String,
    pub at: Millis,
}

/// Records imported votes; a contact that already voted in the edition is skipped. Returns how
/// many were recorded.
pub async fn insert_imported(
    conn: &mut Conn,
    edition_id: i64,
    votes: &[ImportedVote],
) -> anjungan_kernel::Result<u64> {
    let mut n = 0;
    for v in votes {
        n += sqlx::query(
            "INSERT INTO festival_votes (edition_id, entry_id, contact_index, client_hash, device_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (edition_id, contact_index) DO NOTHING",
        )
        .bind(edition_id)
        .bind(v.entry_id)
        .bind(&v.contact_index)
        .bind(&v.client_hash)
        .bind(&v.device_hash)
        .bind(v.at)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(n)
}

/// Valid votes per entry.
pub async fn vote_counts(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<(i64, i64)>> {
    let rows = sqlx::query("SELECT entry_id, COUNT(*) AS n FROM festival_votes WHERE edition_id = $1 AND voided_at IS NULL GROUP BY entry_id ORDER BY n DESC, entry_id")
        .bind(edition_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok((r.try_get("entry_id")?, r.try_get("n")?))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

#[derive(Debug, Clone)]
pub struct VoteRow {
    pub id: i64,
    pub entry_id: i64,
    pub client_hash: String,
    pub device_hash: String,
    pub created_at: Millis,
    pub voided: bool,
    pub reason: String,
}

pub async fn votes(db: &Db, edition_id: i64) -> anjungan_kernel::Result<Vec<VoteRow>> {
    let rows = sqlx::query("SELECT id, entry_id, client_hash, device_hash, created_at, voided_at, void_reason FROM festival_votes WHERE edition_id = $1 ORDER BY client_hash, device_hash, id")
        .bind(edition_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| -> std::result::Result<_, sqlx::Error> {
            Ok(VoteRow {
                id: r.try_get("id")?,
                entry_id: r.try_get("entry_id")?,
                client_hash: r.try_get("client_hash")?,
                device_hash: r.try_get("device_hash")?,
                created_at: r.try_get("created_at")?,
                voided: r.try_get::<Option<i64>, _>("voided_at")?.is_some(),
                reason: r.try_get("void_reason")?,
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

/// Voids a valid vote of the edition; false if there is none.
pub async fn set_void(
    conn: &mut Conn,
    edition_id: i64,
    vote: i64,
    reason: &str,
) -> anjungan_kernel::Result<bool> {
    let n = sqlx::query("UPDATE festival_votes SET voided_at = $1, void_reason = $2 WHERE id = $3 AND edition_id = $4 AND voided_at IS NULL")
        .bind(now_ms())
        .bind(reason)
        .bind(vote)
        .bind(edition_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}
