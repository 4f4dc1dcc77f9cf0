//! Signing a letter, the head's use case: in one transaction the request moves to signed, the
//! letter is numbered, rendered (`render::letter_pdf`), its hash signed with the head's key, the
//! PDF stored as a private file, the letter recorded and audited, and the request issued — which
//! queues the citizen's notice.

use crate::domain::DeskError;
use crate::domain::audit::DeskEvent;
use crate::domain::form;
use crate::domain::letter::{long_date, unit_title};
use crate::domain::signing::{self, DocumentSignature};
use crate::domain::workflow::{self, Command, State};
use crate::render::letter_pdf::{self, LetterContent};
use crate::store::letters::{self, mask_name};
use crate::store::requests::{self, Request};
use crate::store::services::{self, Service};
use crate::store::{Result, calendar, parse_iso, residents, today};
use anjungan_kernel::Db;
use anjungan_kernel::audit::{self, Actor};
use anjungan_kernel::crypto::Keys;
use std::collections::BTreeMap;
use std::path::Path;

/// Placeholder values for a letter body: the resident record where matched, the request otherwise.
async fn values(
    db: &Db,
    keys: &Keys,
    req: &Request,
    service: &Service,
    signer: &str,
    number: &str,
) -> Result<BTreeMap<String, String>> {
    let mut v = BTreeMap::new();
    v.insert("nama".into(), req.applicant.clone());
    v.insert("nik".into(), req.nik.clone());
    v.insert("alamat".into(), req.address.clone());
    if let Some(rid) = req.resident_id
        && let Some(e) = residents::get(db, keys, rid).await?
    {
        v.insert("nama".into(), e.name.clone());
        v.insert("nik".into(), e.nik.clone());
        v.insert("kk".into(), e.kk.clone());
        v.insert("tempat_lahir".into(), e.birth_place.clone());
        v.insert(
            "tanggal_lahir".into(),
            e.birth().map(long_date).unwrap_or_default(),
        );
        v.insert(
            "jenis_kelamin".into(),
            if e.sex == "P" {
                "Perempuan"
            } else {
                "Laki-laki"
            }
            .into(),
        );
        v.insert("alamat".into(), e.address.clone());
        v.insert("rt".into(), e.rt.clone());
        v.insert("rw".into(), e.rw.clone());
        v.insert("dusun".into(), e.hamlet.clone());
    }
    v.insert(
        "unit".into(),
        unit_title(&service.org_kind, &service.org_name),
    );
    v.insert("kepala".into(), signer.to_string());
    v.insert("tanggal".into(), long_date(today()));
    v.insert("nomor".into(), number.to_string());
    for f in &service.form.fields {
        if let Some(a) = req.answers.get(&f.code) {
            let shown = match (f.kind, a.first().and_then(|d| parse_iso(d))) {
                (form::FieldKind::Date, Some(d)) => long_date(d),
                _ => form::display(f, a),
            };
            v.insert(format!("isian.{}", f.code), shown);
        }
    }
    Ok(v)
}

/// A fresh verification code: 16 characters from the tracking alphabet.
fn new_code() -> String {
    let a = crate::domain::request::new_tracking_code();
    let b = crate::domain::request::new_tracking_code();
    format!("{a}{}", &b[..4])
}

pub struct SignContext<'a> {
    pub keys: &'a Keys,
    pub actor: &'a Actor,
    pub user_id: i64,
    pub signer_name: &'a str,
    pub base_url: &'a str,
    pub data_dir: &'a Path,
    /// Organisation letterhead lines under the unit name (district, address).
    pub letterhead: Vec<String>,
}

/// The letter's content as it will be signed, and the values filled into it.
#[allow(clippy::too_many_arguments)]
async fn compose(
    db: &Db,
    cx: &SignContext<'_>,
    req: &Request,
    service: &Service,
    template: &crate::domain::letter::LetterTemplate,
    number: &str,
    code: &str,
    verify_url: String,
) -> Result<(LetterContent, BTreeMap<String, String>)> {
    let v = values(db, cx.keys, req, service, cx.signer_name, number).await?;
    let content = LetterContent {
        unit: unit_title(&service.org_kind, &service.org_name),
        letterhead: cx.letterhead.clone(),
        title: template.title.clone(),
        number: number.to_string(),
        paragraphs: template.paragraphs(&v),
        place_date: format!("Trenggalek, {}", long_date(today())),
        signer_title: template.signer_title.clone(),
        signer_name: cx.signer_name.to_string(),
        verify_url,
        code: code.to_string(),
    };
    Ok((content, v))
}

/// The letter as the head will sign it, before it has a number or a signature: what the head
/// reads before signing. `None` when the service issues no letter.
pub async fn preview(db: &Db, cx: &SignContext<'_>, request_id: i64) -> Result<Option<Vec<u8>>> {
    let req = requests::get(db, cx.keys, request_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let service = services::get(db, req.service_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let Some(template) = &service.letter else {
        return Ok(None);
    };
    let (content, _) = compose(
        db,
        cx,
        &req,
        &service,
        template,
        "(nomor diberikan saat ditandatangani)",
        "PRATINJAU",
        "PRATINJAU - belum ditandatangani, belum berlaku".to_string(),
    )
    .await?;
    Ok(Some(
        letter_pdf::render(&content).map_err(anjungan_kernel::Error::Internal)?,
    ))
}

/// The head approves and signs: for a letter service the letter is numbered, rendered, signed and
/// issued; for any other service the request is approved and marked done.
pub async fn sign(db: &Db, cx: &SignContext<'_>, request_id: i64) -> Result<State> {
    let keys = cx.keys;
    let req = requests::get(db, keys, request_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    // Checked before any work: a request in the wrong state or a non-head is refused as such.
    workflow::transition(req.state, Command::Sign, workflow::Actor::Head, "")?;
    let service = services::get(db, req.service_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let cal = calendar(db).await?;
    let signer = match &service.letter {
        Some(_) => Some(
            anjungan_kernel::pki::signer(db, keys, letters::holder(cx.user_id, req.org_id))
                .await?
                .ok_or(DeskError::NoSigningKey)?,
        ),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    super::requests::apply(
        &mut tx,
        keys,
        super::requests::Step {
            actor: cx.actor,
            role: workflow::Actor::Head,
            base_url: cx.base_url,
            survey: None,
        },
        &cal,
        request_id,
        Command::Sign,
        "",
    )
    .await?;
    if let (Some(template), Some(signer)) = (&service.letter, signer) {
        let on = today();
        let seq = letters::next_seq(&mut tx, req.org_id, on.year()).await?;
        let number = template.number(seq, &service.org_code, on);
        let code = new_code();
        let verify_url = format!("{}/verifikasi/{code}", cx.base_url.trim_end_matches('/'));
        let (content, v) =
            compose(db, cx, &req, &service, template, &number, &code, verify_url).await?;
        let unsigned = letter_pdf::render(&content).map_err(anjungan_kernel::Error::Internal)?;
        let meta = anjungan_kernel::pki::SignatureMeta {
            name: cx.signer_name.to_string(),
            reason: format!("{} {}", template.title, number),
            location: "Trenggalek".to_string(),
            contact: content.verify_url.clone(),
            at: time::OffsetDateTime::now_utc(),
        };
        let pdf = signer
            .sign_pdf(&unsigned, &meta)
            .await
            .map_err(|_| DeskError::Signing(signing::SigningError::BadSignature))?;
        let digest = signing::digest(&pdf);
        let sig = DocumentSignature::of_signed_pdf(&pdf).map_err(DeskError::from)?;
        let file = anjungan_kernel::files::store::prepare(
            db,
            cx.data_dir,
            keys,
            anjungan_kernel::files::domain::Access::Private,
            &format!("{}.pdf", code),
            &pdf,
            pdf.len() + 1,
        )
        .await?;
        let stored = anjungan_kernel::files::store::record(&mut tx, cx.actor, file).await?;
        let subject = mask_name(&template.subject_of(&v));
        letters::insert(
            &mut tx,
            &letters::NewLetter {
                request_id,
                code: &code,
                number: &number,
                org_id: req.org_id,
                title: &template.title,
                subject: &subject,
                sha256: &hex::encode(digest),
                signature: &sig,
                key_id: None,
                signer_name: cx.signer_name,
                signer_title: &template.signer_title,
                file_sha: &stored.sha256,
            },
        )
        .await?;
        let event = DeskEvent::LetterSigned {
            code: &code,
            request: request_id,
            number: &number,
            sha256: &hex::encode(digest),
        };
        audit::store::write(&mut tx, cx.actor, &event).await?;
    }
    let system = Actor::system("petung-dadi");
    let (_, to) = super::requests::apply(
        &mut tx,
        keys,
        super::requests::Step {
            actor: &system,
            role: workflow::Actor::System,
            base_url: cx.base_url,
            survey: None,
        },
        &cal,
        request_id,
        Command::Issue,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// Retires the head's current certificate for the unit (old letters still verify) and has the
/// regency's authority issue a new key and certificate in the head's name.
pub async fn rotate_key(
    db: &Db,
    keys: &Keys,
    actor: &Actor,
    user_id: i64,
    org_id: i64,
) -> Result<letters::KeyInfo> {
    let name = anjungan_kernel::identity::store::load_principal(
        db,
        anjungan_kernel::identity::domain::UserId(user_id),
    )
    .await?
    .map(|p| p.name)
    .ok_or(anjungan_kernel::Error::NotFound)?;
    let unit = anjungan_kernel::orgs::store::get(db, org_id)
        .await?
        .ok_or(anjungan_kernel::Error::NotFound)?;
    let record = anjungan_kernel::pki::issue(
        db,
        keys,
        letters::holder(user_id, org_id),
        &name,
        &unit_title(unit.kind.code(), &unit.name),
    )
    .await?;
    let mut tx = db.begin_write().await?;
    let event = DeskEvent::SigningKeyRotated {
        id: record.id,
        org: org_id,
        public_key: &record.fingerprint,
    };
    audit::store::write(&mut tx, actor, &event).await?;
    tx.commit().await?;
    Ok(letters::KeyInfo {
        id: record.id,
        org_id,
        public_key: record.fingerprint,
        subject: record.subject,
        created_at: record.created_at,
        retired_at: None,
    })
}
