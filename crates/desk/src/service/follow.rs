//! A citizen follows their requests without the tracking code: a signed-in citizen sees every
//! request they filed or filed with their account's e-mail; anyone else proves a phone number
//! or an e-mail address with a one-time code, or opens one request by its number with a code
//! sent to the contact on file. Codes go through the kernel's one limiter and the outbox.

use crate::domain::DeskError;
use crate::domain::follow::{self, Contact};
use crate::domain::notice::{self, Notice};
use crate::store::Result;
use crate::store::requests::{self as rows, Mine};
use anjungan_kernel::Db;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::db::Conn;
use anjungan_kernel::otp::{Limits, store as otp};
use anjungan_kernel::outbox::{self, domain::NewMessage};

async fn send(conn: &mut Conn, keys: &Keys, to: &Contact, message: Notice) -> Result<()> {
    outbox::store::enqueue(
        conn,
        keys,
        &NewMessage {
            channel: to.channel(),
            recipient: to.as_str().to_string(),
            subject: message.subject,
            body: message.body,
        },
    )
    .await?;
    Ok(())
}

/// Issues a code for `purpose` to `to` and sends it, within the limits per contact and per
/// client address; `send_it` false counts the attempt but sends nothing (a contact no request
/// names must look the same to whoever asks, and still be limited).
async fn issue(
    db: &Db,
    keys: &Keys,
    purpose: &str,
    to: &Contact,
    client: &str,
    message: impl FnOnce(&str) -> Notice,
    send_it: bool,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let issued = otp::issue(
        &mut tx,
        keys,
        &Limits::default(),
        purpose,
        to.as_str(),
        client,
        anjungan_kernel::clock::now_ms(),
    )
    .await?;
    let code = match issued {
        Ok(code) => code,
        Err(refused) => {
            // The counts of the refused request stay: they are what keeps the limit.
            tx.commit().await?;
            return Err(anjungan_kernel::Error::from(refused).into());
        }
    };
    if send_it {
        send(&mut tx, keys, to, message(&code)).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn check(db: &Db, keys: &Keys, purpose: &str, to: &Contact, code: &str) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let checked = otp::verify(
        &mut tx,
        keys,
        &Limits::default(),
        purpose,
        to.as_str(),
        code,
        anjungan_kernel::clock::now_ms(),
    )
    .await?;
    // A wrong code is counted even though nothing else is written.
    tx.commit().await?;
    checked.map_err(|e| anjungan_kernel::Error::from(e).into())
}

/// Sends a code that lists the requests of `contact`, if any request names it. The answer is
/// the same either way.
pub async fn send_list_code(db: &Db, keys: &Keys, contact: &Contact, client: &str) -> Result<()> {
    let known = rows::has_contact(db, &rows::contact_index(keys, contact.as_str())).await?;
    issue(
        db,
        keys,
        follow::LIST_PURPOSE,
        contact,
        client,
        notice::list_code,
        known,
    )
    .await
}

/// The requests of a contact proven by its code, newest first.
pub async fn list_with_code(
    db: &Db,
    keys: &Keys,
    contact: &Contact,
    code: &str,
) -> Result<Vec<Mine>> {
    check(db, keys, follow::LIST_PURPOSE, contact, code).await?;
    rows::mine(
        db,
        keys,
        None,
        &[rows::contact_index(keys, contact.as_str())],
    )
    .await
}

/// A signed-in citizen's requests: those filed from their account and those filed with their
/// account's e-mail address, which signing up proved. A phone number on an account is not
/// proven, so it finds nothing.
pub async fn list_for_user(db: &Db, keys: &Keys, user: i64) -> Result<Vec<Mine>> {
    let (email, _) = anjungan_kernel::identity::store::contact(
        db,
        keys,
        anjungan_kernel::identity::domain::UserId(user),
    )
    .await?;
    let index = email
        .and_then(|e| Contact::parse(&e).ok())
        .map(|c| rows::contact_index(keys, c.as_str()))
        .unwrap_or_default();
    rows::mine(db, keys, Some(user), &[index]).await
}

/// The request a number names and the contact on file a code for it goes to.
async fn by_number(db: &Db, keys: &Keys, number: &str) -> Result<(rows::Request, Contact)> {
    let r = rows::by_number(db, keys, number)
        .await?
        .ok_or(DeskError::BadTracking)?;
    let phone = keys.open(&r.phone_sealed).unwrap_or_default();
    let email = keys.open(&r.email_sealed).unwrap_or_default();
    let to = follow::contact_on_file(&phone, &email).ok_or(DeskError::NoContactOnFile)?;
    Ok((r, to))
}

/// Sends a code that opens the request `number` to the contact on file; returns that contact,
/// masked, to say where the code went.
pub async fn send_number_code(db: &Db, keys: &Keys, number: &str, client: &str) -> Result<String> {
    let (r, to) = by_number(db, keys, number).await?;
    issue(
        db,
        keys,
        &follow::number_purpose(r.id),
        &to,
        client,
        |code| notice::number_code(&r.number, code),
        true,
    )
    .await?;
    Ok(to.masked_on_file())
}

/// Where a code for `number` would go, masked, without sending one.
pub async fn number_contact(db: &Db, keys: &Keys, number: &str) -> Result<(String, String)> {
    let (r, to) = by_number(db, keys, number).await?;
    Ok((r.number, to.masked_on_file()))
}

/// The request's tracking code, once the code sent for its number is right.
pub async fn open_by_number(db: &Db, keys: &Keys, number: &str, code: &str) -> Result<String> {
    let (r, to) = by_number(db, keys, number).await?;
    check(db, keys, &follow::number_purpose(r.id), &to, code).await?;
    Ok(r.tracking_code(keys))
}
