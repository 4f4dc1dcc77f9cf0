//! One-time codes in the database: the live code per purpose and contact (only a keyed digest),
//! and the counts of codes sent and codes missed in `rate_counters`, shared by every node.
//! Each function works in the caller's transaction, so a room sends its message, records a
//! vote or files a request together with the code's use.

use super::domain::{self, Counts, Limits, OtpError, Window};
use crate::clock::Millis;
use crate::crypto::{Keys, same_secret};
use crate::db::Conn;
use sqlx::Row;

/// Whose code it is, kept only as keyed digests: the contact (a normalised phone number or
/// e-mail address) never reaches the table.
fn subject(keys: &Keys, contact: &str) -> String {
    keys.blind_index("otp-contact", contact)
}

fn code_digest(keys: &Keys, purpose: &str, subject: &str, code: &str) -> String {
    keys.blind_index("otp-code", &format!("{purpose}\0{subject}\0{code}"))
}

async fn bump(conn: &mut Conn, bucket: &str, window_start: Millis, by: i64) -> crate::Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO rate_counters (bucket, window_start, hits) VALUES ($1, $2, $3) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + $3 RETURNING hits",
    )
    .bind(bucket)
    .bind(window_start)
    .bind(by)
    .fetch_one(&mut *conn)
    .await?)
}

async fn count(conn: &mut Conn, bucket: &str, window_start: Millis) -> crate::Result<i64> {
    let n: Option<i64> = sqlx::query_scalar(
        "SELECT hits FROM rate_counters WHERE bucket = $1 AND window_start = $2",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(n.unwrap_or(0))
}

/// Counts one more event in both windows (or takes one back, `by` = -1) and returns the counts
/// before it. Incrementing first keeps two nodes from both passing the last free slot.
async fn bump_both(conn: &mut Conn, bucket: &str, now: Millis, by: i64) -> crate::Result<Counts> {
    let mut c = Counts::default();
    for w in Window::ALL {
        let n = bump(conn, &format!("{bucket}:{}", w.code()), w.start(now), by).await? - by;
        match w {
            Window::Hour => c.hour = n,
            Window::Day => c.day = n,
        }
    }
    Ok(c)
}

async fn counts(conn: &mut Conn, bucket: &str, now: Millis) -> crate::Result<Counts> {
    Ok(Counts {
        hour: count(conn, &format!("{bucket}:h"), Window::Hour.start(now)).await?,
        day: count(conn, &format!("{bucket}:d"), Window::Day.start(now)).await?,
    })
}

/// Counts one message to `contact` asked for from `client`, unless the contact or the address
/// has had its messages for the hour or the day. Every message a stranger can make the platform
/// send (a code, an activation link, a notice that someone tried to register) goes through
/// here, so nobody spams a number at the regency's cost.
pub async fn allow_message(
    conn: &mut Conn,
    keys: &Keys,
    limits: &Limits,
    contact: &str,
    client: &str,
    now: Millis,
) -> crate::Result<Result<(), OtpError>> {
    let subject = subject(keys, contact);
    let contact_bucket = format!("otp-sent:{subject}");
    let address_bucket = format!("otp-sent-ip:{}", keys.blind_index("otp-client", client));
    let by_contact = bump_both(conn, &contact_bucket, now, 1).await?;
    let by_address = bump_both(conn, &address_bucket, now, 1).await?;
    if let Err(e) = domain::may_send(limits, by_contact, by_address, now) {
        // A refused request sends nothing, so it does not use up what the limit allows.
        bump_both(conn, &contact_bucket, now, -1).await?;
        bump_both(conn, &address_bucket, now, -1).await?;
        return Ok(Err(e));
    }
    Ok(Ok(()))
}

/// A new six-digit code for `contact` (normalised), unless the contact or the client address
/// has had its codes for the hour or the day. It replaces an earlier code of the same purpose;
/// wrong tries already made still count. The caller sends it in the same transaction.
pub async fn issue(
    conn: &mut Conn,
    keys: &Keys,
    limits: &Limits,
    purpose: &str,
    contact: &str,
    client: &str,
    now: Millis,
) -> crate::Result<Result<String, OtpError>> {
    if let Err(e) = allow_message(conn, keys, limits, contact, client, now).await? {
        return Ok(Err(e));
    }
    let subject = subject(keys, contact);
    let code = crate::crypto::random_digits(6);
    sqlx::query(
        "INSERT INTO one_time_codes (purpose, subject, code_hash, expires_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (purpose, subject) DO UPDATE SET code_hash = $3, expires_at = $4",
    )
    .bind(purpose)
    .bind(&subject)
    .bind(code_digest(keys, purpose, &subject, &code))
    .bind(now + limits.ttl)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(code))
}

/// Checks a code: a right one is used up; a wrong one counts against the contact for the hour
/// and the day, and past the limit no code is accepted, not even a new one.
pub async fn verify(
    conn: &mut Conn,
    keys: &Keys,
    limits: &Limits,
    purpose: &str,
    contact: &str,
    code: &str,
    now: Millis,
) -> crate::Result<Result<(), OtpError>> {
    let subject = subject(keys, contact);
    // Touching the row first takes its lock on PostgreSQL, so concurrent guesses queue up and
    // each sees the failures counted before it.
    let row = sqlx::query(
        "UPDATE one_time_codes SET expires_at = expires_at WHERE purpose = $1 AND subject = $2 \
         RETURNING code_hash, expires_at",
    )
    .bind(purpose)
    .bind(&subject)
    .fetch_optional(&mut *conn)
    .await?;
    let failures_bucket = format!("otp-fail:{purpose}:{subject}");
    if let Err(e) = domain::may_try(limits, counts(conn, &failures_bucket, now).await?, now) {
        return Ok(Err(e));
    }
    let right = match &row {
        Some(r) => {
            let hash: String = r.try_get("code_hash")?;
            let expires: i64 = r.try_get("expires_at")?;
            let code = code.trim();
            expires > now
                && code.len() == 6
                && same_secret(&hash, &code_digest(keys, purpose, &subject, code))
        }
        None => false,
    };
    if !right {
        bump_both(conn, &failures_bucket, now, 1).await?;
        return Ok(Err(OtpError::BadCode));
    }
    sqlx::query("DELETE FROM one_time_codes WHERE purpose = $1 AND subject = $2")
        .bind(purpose)
        .bind(&subject)
        .execute(&mut *conn)
        .await?;
    Ok(Ok(()))
}
