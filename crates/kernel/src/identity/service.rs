//! Identity use cases: each combines the domain rules with the store inside one transaction and
//! records the change in the audit log. Called by the web layer and by the command line.

use super::domain::*;
use super::store::{self, NewUser};
use crate::audit::{self, Actor, KernelEvent};
use crate::clock::{HOUR, now_ms};
use crate::crypto::{self, Keys};
use crate::db::Db;
use crate::outbox;

/// Hashes with Argon2id (the crate's defaults follow OWASP's recommendation) off the async threads.
pub async fn hash_password(password: &Password) -> crate::Result<String> {
    let pw = password.expose().to_string();
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
        let salt = SaltString::generate(&mut OsRng);
        argon2::Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(Into::into)
}

async fn verify_password(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        PasswordHash::new(&hash)
            .map(|h| {
                argon2::Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of a password nobody knows, verified when the account does not exist so that
/// unknown and known accounts take the same time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$WGmXJ0pFf1Rk5pnTzBJdVg7hPQyC/3Khu+vHnYXNHWQ";

pub struct Registration<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub password: &'a str,
    pub password_again: &'a str,
}

/// How long an activation link lives.
pub const ACTIVATION_TTL: i64 = 24 * HOUR;

/// Self-registration of a citizen (role `citizen`, regency-wide). The answer never tells
/// whether the e-mail or phone already has an account: a new account waits for its activation
/// link, sent to the contact given; a contact that already has one gets a notice instead (sign
/// in, or reset the password). Either way the caller shows "we sent you a message" with the
/// masked contact returned here. Messages count against the kernel's per-contact limits.
#[allow(clippy::too_many_arguments)]
pub async fn register_citizen(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    r: Registration<'_>,
    client: &str,
    base_url: &str,
    tr: crate::i18n::Tr,
    now: i64,
) -> crate::Result<String> {
    let name = PersonName::parse(r.name)?;
    let email = (!r.email.trim().is_empty())
        .then(|| Email::parse(r.email))
        .transpose()?;
    let phone = (!r.phone.trim().is_empty())
        .then(|| Phone::parse(r.phone))
        .transpose()?;
    if email.is_none() && phone.is_none() {
        return Err(IdentityError::ContactRequired.into());
    }
    let password = Password::parse_confirmed(r.password, r.password_again)?;
    password.check_strength(&[
        email.as_ref().map_or("", |e| e.as_str()),
        phone.as_ref().map_or("", |p| p.as_str()),
        name.as_str(),
    ])?;
    let (channel, to, masked) = match (&email, &phone) {
        (Some(e), _) => (
            outbox::domain::Channel::Email,
            e.as_str().to_string(),
            crypto::mask_email(e.as_str()),
        ),
        (None, Some(p)) => (
            outbox::domain::Channel::Whatsapp,
            p.as_str().to_string(),
            p.masked(),
        ),
        (None, None) => return Err(IdentityError::ContactRequired.into()),
    };
    let base = base_url.trim_end_matches('/');
    let mut taken = Vec::new();
    if let Some(e) = &email
        && store::find_credentials(db, keys, &LoginId::Email(e.clone()))
            .await?
            .is_some()
    {
        taken.push((outbox::domain::Channel::Email, e.as_str().to_string()));
    }
    if let Some(p) = &phone
        && store::find_credentials(db, keys, &LoginId::Phone(p.clone()))
            .await?
            .is_some()
    {
        taken.push((outbox::domain::Channel::Whatsapp, p.as_str().to_string()));
    }
    let limits = crate::otp::Limits::default();
    let mut tx = db.begin_private_write().await?;
    if crate::otp::store::allow_message(&mut tx, keys, &limits, &to, client, now)
        .await?
        .is_err()
    {
        // Refused quietly like any other outcome would be visible: the page is the same.
        tx.commit().await?;
        return Err(crate::otp::OtpError::TooManyCodes {
            retry_after_secs: crate::otp::domain::Window::Hour.retry_after_secs(now),
        }
        .into());
    }
    if !taken.is_empty() {
        for (channel, owner) in taken {
            let msg = outbox::domain::NewMessage {
                channel,
                recipient: owner,
                subject: tr.s("auth.taken_subject").to_string(),
                body: tr.f(
                    "auth.taken_body",
                    &[
                        ("login", &format!("{base}/masuk")),
                        ("reset", &format!("{base}/lupa-sandi")),
                    ],
                ),
            };
            outbox::store::enqueue(&mut tx, keys, &msg).await?;
        }
        audit::store::write(&mut tx, actor, &KernelEvent::RegisterTaken).await?;
        tx.commit().await?;
        return Ok(masked);
    }
    let password_hash = hash_password(&password).await?;
    let user = store::insert_user(
        &mut tx,
        keys,
        &NewUser {
            name: name.clone(),
            email,
            phone,
            password_hash,
        },
    )
    .await?;
    store::add_grant(&mut tx, user, Role::Citizen, None).await?;
    store::set_active(&mut tx, user, false).await?;
    let token = crypto::random_token(32);
    store::insert_activation(
        &mut tx,
        &crypto::token_hash(&token),
        user,
        now,
        now + ACTIVATION_TTL,
    )
    .await?;
    let msg = outbox::domain::NewMessage {
        channel,
        recipient: to,
        subject: tr.s("auth.activate_subject").to_string(),
        body: tr.f(
            "auth.activate_body",
            &[
                ("name", name.as_str()),
                ("link", &format!("{base}/daftar/aktifkan/{token}")),
            ],
        ),
    };
    let mid = outbox::store::enqueue(&mut tx, keys, &msg).await?;
    audit::store::write(
        &mut tx,
        actor,
        &KernelEvent::Registered {
            user,
            outbox_id: mid,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(masked)
}

/// Activates an account from its link (which proves the contact is the registrant's).
pub async fn activate(db: &Db, actor: &Actor, token: &str, now: i64) -> crate::Result<UserId> {
    let mut tx = db.begin_private_write().await?;
    let user = store::take_activation(&mut tx, &crypto::token_hash(token), now)
        .await?
        .ok_or(IdentityError::ActivationExpired)?;
    store::set_active(&mut tx, user, true).await?;
    audit::store::write(&mut tx, actor, &KernelEvent::Activated { user }).await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn activation_is_live(db: &Db, token: &str, now: i64) -> crate::Result<bool> {
    store::activation_is_live(db, &crypto::token_hash(token), now).await
}

/// A new session for a signed-in user; returns the cookie's value (only its hash is kept).
pub async fn open_session(
    db: &Db,
    actor: &Actor,
    user: UserId,
    session_hours: i64,
) -> crate::Result<String> {
    let token = crypto::random_token(32);
    let now = now_ms();
    let policy = SessionPolicy {
        idle: session_hours * HOUR,
    };
    let mut tx = db.begin_private_write().await?;
    store::insert_session(
        &mut tx,
        &crypto::token_hash(&token),
        user,
        now,
        policy.expires_at(now),
    )
    .await?;
    let who = Actor {
        user_id: Some(user.0),
        ..actor.clone()
    };
    audit::store::write(&mut tx, &who, &KernelEvent::LoggedIn { user }).await?;
    tx.commit().await?;
    Ok(token)
}

/// Creates a user with the given grants (command line, demo data, self-registration).
pub async fn create_user(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    user: NewUser,
    grants: &[(Role, Option<i64>)],
) -> crate::Result<UserId> {
    let mut tx = db.begin_write().await?;
    let id = store::insert_user(&mut tx, keys, &user).await?;
    for (role, org) in grants {
        store::add_grant(&mut tx, id, *role, *org).await?;
    }
    audit::store::write(
        &mut tx,
        actor,
        &KernelEvent::UserCreated { user: id, grants },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn grant_role(
    db: &Db,
    actor: &Actor,
    user: UserId,
    role: Role,
    org: Option<i64>,
) -> crate::Result<()> {
    let mut tx = db.begin_write().await?;
    if store::add_grant(&mut tx, user, role, org).await? {
        audit::store::write(
            &mut tx,
            actor,
            &KernelEvent::RoleGranted { user, role, org },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn set_password(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    user: UserId,
    password: &Password,
) -> crate::Result<()> {
    let hash = hash_password(password).await?;
    let mut tx = db.begin_private_write().await?;
    let (email, phone, name) = store::personal(&mut tx, keys, user).await?;
    password.check_strength(&[&email, &phone, &name])?;
    store::set_password_hash(&mut tx, user, &hash).await?;
    audit::store::write(&mut tx, actor, &KernelEvent::PasswordSet { user }).await?;
    tx.commit().await?;
    Ok(())
}

pub struct SignedIn {
    pub user_id: UserId,
    /// The session cookie's value; only its hash is stored.
    pub token: String,
}

/// Signs in by e-mail or phone. Failures are counted per account and per client address;
/// past the limit both are locked until the window ends, whatever the password.
pub async fn login(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    raw_id: &str,
    password: &str,
    client: &str,
    session_hours: i64,
) -> crate::Result<SignedIn> {
    let throttle = Throttle::default();
    let ip_throttle = Throttle {
        max_failures: 30,
        ..throttle
    };
    let now = now_ms();
    let window = throttle.window_start(now);
    let ip_bucket = format!("login-ip:{}", crypto::token_hash(client));
    let id = LoginId::parse(raw_id);
    let creds = match &id {
        Ok(id) => store::find_credentials(db, keys, id).await?,
        Err(_) => None,
    };
    // The lock belongs to the account, whichever of its identifiers (e-mail or phone) is
    // typed; an identifier without an account is counted by itself.
    let account_bucket = match (&creds, &id) {
        (Some(c), _) => format!("login-user:{}", c.user_id.0),
        (None, Ok(id)) => id.throttle_key(),
        (None, Err(_)) => ip_bucket.clone(),
    };
    throttle.check(store::hits(db, &account_bucket, window).await?, now)?;
    ip_throttle.check(store::hits(db, &ip_bucket, window).await?, now)?;

    let ok = match &creds {
        Some(c) => verify_password(c.password_hash.clone(), password.to_string()).await && c.active,
        None => {
            verify_password(DUMMY_HASH.to_string(), password.to_string()).await;
            false
        }
    };
    let Some(creds) = creds.filter(|_| ok) else {
        let n = store::hit(db, &account_bucket, window).await?;
        store::hit(db, &ip_bucket, window).await?;
        let mut conn = db.pool.acquire().await?;
        audit::store::write(&mut conn, actor, &KernelEvent::LoginFailed { failures: n }).await?;
        // The lock shows from the next attempt on; this one simply failed.
        let _ = n;
        return Err(IdentityError::BadCredentials.into());
    };
    store::clear_hits(db, &account_bucket).await?;
    let token = open_session(db, actor, creds.user_id, session_hours).await?;
    Ok(SignedIn {
        user_id: creds.user_id,
        token,
    })
}

/// Asks a signed-in user for their password again before a legal act (signing a letter).
/// Wrong answers count against the account as failed sign-ins do, so the check cannot be
/// guessed through; `Ok(false)` for a wrong password, an error once the account is locked.
pub async fn reauthenticate(db: &Db, user: UserId, password: &str) -> crate::Result<bool> {
    let throttle = Throttle::default();
    let now = now_ms();
    let window = throttle.window_start(now);
    let bucket = format!("reauth-user:{}", user.0);
    throttle.check(store::hits(db, &bucket, window).await?, now)?;
    let ok = match store::password_hash_of(db, user).await? {
        Some(hash) => verify_password(hash, password.to_string()).await,
        None => false,
    };
    if ok {
        store::clear_hits(db, &bucket).await?;
    } else {
        store::hit(db, &bucket, window).await?;
    }
    Ok(ok)
}

pub async fn logout(db: &Db, actor: &Actor, token: &str) -> crate::Result<()> {
    store::delete_session(db, &crypto::token_hash(token)).await?;
    let mut conn = db.pool.acquire().await?;
    audit::store::write(
        &mut conn,
        actor,
        &KernelEvent::LoggedOut {
            user: actor.user_id,
        },
    )
    .await?;
    Ok(())
}

/// The principal behind a session cookie, sliding its expiry; `None` when unknown or expired.
pub async fn session_principal(
    db: &Db,
    token: &str,
    session_hours: i64,
) -> crate::Result<Option<Principal>> {
    let hash = crypto::token_hash(token);
    let Some(s) = store::find_session(db, &hash).await? else {
        return Ok(None);
    };
    let policy = SessionPolicy {
        idle: session_hours * HOUR,
    };
    let now = now_ms();
    if !policy.is_live(s.expires_at, now) {
        store::delete_session(db, &hash).await?;
        return Ok(None);
    }
    if policy.needs_touch(s.last_seen_at, now) {
        store::touch_session(db, &hash, now, policy.expires_at(now)).await?;
    }
    store::load_principal(db, s.user_id).await
}

/// The principal behind an API bearer token; revoked tokens find nobody.
pub async fn token_principal(db: &Db, token: &str) -> crate::Result<Option<Principal>> {
    let Some((id, principal, last_used)) =
        store::token_principal(db, &crypto::token_hash(token)).await?
    else {
        return Ok(None);
    };
    let now = now_ms();
    if last_used.is_none_or(|t| now - t > crate::clock::MINUTE) {
        token_use::note(db, id, now);
    }
    Ok(Some(principal))
}

/// When a token was last used is written in batches, after the request: written on the
/// request, the first bids of many buyers would each wait for a durable write of their own,
/// queued for SQLite's single writer ahead of the bids themselves.
mod token_use {
    use crate::Db;
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex, PoisonError};
    use std::time::Duration;

    /// How late a token's "last used" may be written.
    const DELAY: Duration = Duration::from_secs(2);

    /// Uses not yet written, per database (tests open many in one process). A poisoned lock is
    /// recovered: each entry is written whole.
    static PENDING: LazyLock<Mutex<HashMap<u64, HashMap<i64, i64>>>> =
        LazyLock::new(Default::default);

    fn pending<T>(f: impl FnOnce(&mut HashMap<u64, HashMap<i64, i64>>) -> T) -> T {
        f(&mut PENDING.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Records a use; the first use noted for a database schedules the write of all of them.
    pub(super) fn note(db: &Db, token: i64, at: i64) {
        let first = pending(|p| {
            let uses = p.entry(db.instance).or_default();
            let first = uses.is_empty();
            uses.insert(token, at);
            first
        });
        if first {
            let db = db.clone();
            tokio::spawn(async move {
                tokio::time::sleep(DELAY).await;
                let uses = pending(|p| p.remove(&db.instance)).unwrap_or_default();
                if let Err(e) = super::store::mark_tokens_used(&db, &uses).await {
                    tracing::warn!(error = %e, "could not record when API tokens were last used");
                }
            });
        }
    }
}

/// Creates a named API token for `user`; the token is returned once and stored hashed.
pub async fn create_token(
    db: &Db,
    actor: &Actor,
    user: UserId,
    name: &str,
) -> crate::Result<(i64, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(IdentityError::TokenNameRequired.into());
    }
    let token = format!("anj_{}", crypto::random_token(32));
    let prefix: String = token.chars().take(10).collect();
    let mut tx = db.begin_private_write().await?;
    let id = store::insert_token(&mut tx, user, name, &crypto::token_hash(&token), &prefix).await?;
    audit::store::write(
        &mut tx,
        actor,
        &KernelEvent::TokenCreated { id, name, user },
    )
    .await?;
    tx.commit().await?;
    Ok((id, token))
}

pub async fn revoke_token(db: &Db, actor: &Actor, id: i64) -> crate::Result<()> {
    let mut tx = db.begin_private_write().await?;
    if !store::revoke_token(&mut tx, id).await? {
        return Err(crate::Error::NotFound);
    }
    audit::store::write(&mut tx, actor, &KernelEvent::TokenRevoked { id }).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends a one-hour reset link to the account's e-mail (or WhatsApp). Answers the same whether
/// or not the account exists, so the form cannot be used to discover accounts.
pub async fn request_password_reset(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    raw_id: &str,
    base_url: &str,
    tr: crate::i18n::Tr,
) -> crate::Result<()> {
    let Ok(id) = LoginId::parse(raw_id) else {
        return Ok(());
    };
    let Some(creds) = store::find_credentials(db, keys, &id).await? else {
        return Ok(());
    };
    let (email, phone) = store::contact(db, keys, creds.user_id).await?;
    let token = crypto::random_token(32);
    let link = format!("{}/atur-sandi/{token}", base_url.trim_end_matches('/'));
    let now = now_ms();
    let (channel, to) = match (&id, email, phone) {
        (LoginId::Phone(_), _, Some(p)) => (outbox::domain::Channel::Whatsapp, p),
        (_, Some(e), _) => (outbox::domain::Channel::Email, e),
        (_, None, Some(p)) => (outbox::domain::Channel::Whatsapp, p),
        _ => return Ok(()),
    };
    let mut tx = db.begin_private_write().await?;
    store::insert_reset(
        &mut tx,
        &crypto::token_hash(&token),
        creds.user_id,
        now,
        now + HOUR,
    )
    .await?;
    let msg = outbox::domain::NewMessage {
        channel,
        recipient: to,
        subject: tr.s("auth.reset_subject").to_string(),
        body: tr.f("auth.reset_body", &[("link", &link)]),
    };
    let mid = outbox::store::enqueue(&mut tx, keys, &msg).await?;
    audit::store::write(
        &mut tx,
        actor,
        &KernelEvent::ResetRequested {
            user: creds.user_id,
            outbox_id: mid,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn reset_password(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    token: &str,
    password: &Password,
) -> crate::Result<UserId> {
    let hash = hash_password(password).await?;
    let mut tx = db.begin_private_write().await?;
    let user = store::take_reset(&mut tx, &crypto::token_hash(token), now_ms())
        .await?
        .ok_or(IdentityError::ResetExpired)?;
    let (email, phone, name) = store::personal(&mut tx, keys, user).await?;
    // Refused here, the transaction rolls back and the link stays usable for a better choice.
    password.check_strength(&[&email, &phone, &name])?;
    store::set_password_hash(&mut tx, user, &hash).await?;
    // The link reached the account's contact: an account still waiting for activation is
    // activated by it too.
    store::activate_pending(&mut tx, user, now_ms()).await?;
    audit::store::write(&mut tx, actor, &KernelEvent::PasswordReset { user }).await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn reset_is_live(db: &Db, token: &str) -> crate::Result<bool> {
    store::reset_is_live(db, &crypto::token_hash(token), now_ms()).await
}
