//! Petung Dadi on its own: a request from submission to its closing through the services, the
//! register check, a lost race, and complaints, on SQLite and PostgreSQL, with only the kernel's
//! and the desk's tables and no demo data.

// A failed check is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use anjungan_desk::domain::form::Answers;
use anjungan_desk::domain::register::parse_csv;
use anjungan_desk::domain::workflow::{Actor as Role, Command, State, WorkflowError};
use anjungan_desk::domain::{Channel, DeskError, Nik};
use anjungan_desk::service::admin::{self, NewComplaint};
use anjungan_desk::service::letters::{SignContext, sign};
use anjungan_desk::service::requests::{self, NewRequest, Step};
use anjungan_desk::service::{catalogue, residents};
use anjungan_desk::store::requests as rows;
use anjungan_desk::store::services::ServiceInput;
use anjungan_desk::store::{self, StoreError};
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::both_backends_db;
use anjungan_kernel::crypto::Keys;
use anjungan_kernel::orgs::domain::OrgProfile;
use anjungan_kernel::room::Room;
use anjungan_kernel::testkit::TestDb;

static ROOMS: &[&Room] = &[&anjungan_desk::ROOM];

both_backends_db!(ROOMS;
    a_request_goes_from_submission_to_closing_and_the_citizen_hears_each_step,
    verifying_needs_the_register_and_a_refused_step_changes_nothing,
    a_complaint_is_answered_to_the_contact_the_citizen_left,
);

const BASE: &str = "https://anjungan.test";
const SRI_NIK: &str = "3503055203900002";

async fn unit(db: &Db, code: &str) -> i64 {
    let profile = OrgProfile {
        name: format!("Desa {code}"),
        short_name: code.into(),
        ..Default::default()
    };
    anjungan_kernel::orgs::store::create_agency(db, &Actor::system("test"), code, profile)
        .await
        .unwrap()
}

fn definition(code: &str, needs_resident: bool) -> ServiceInput {
    serde_json::from_value(serde_json::json!({
        "code": code, "name": "Surat keterangan domisili", "days": 3,
        "needs_resident": needs_resident,
        "standard": {"components": {"requirements": "KTP", "procedure": "Isi formulir",
                                    "product": "Surat", "complaints": "Petung Dadi"}},
        "form": {"fields": []}
    }))
    .unwrap()
}

fn citizen_request(nik: Option<&str>) -> NewRequest {
    NewRequest {
        channel: Channel::Web,
        applicant: "Sri Wahyuni".into(),
        nik: nik.map(|n| Nik::parse(n).unwrap()),
        phone: Some("6281234567890".into()),
        email: Some("sri@example.id".into()),
        answers: Answers::new(),
        description: "Untuk melamar kerja".into(),
        address: "RT 01 RW 02 Nglinggis".into(),
        lat: String::new(),
        lon: String::new(),
        created_by: None,
        api_client: None,
    }
}

/// The messages queued since the last call, opened: (channel, recipient, subject, body).
async fn queued(db: &Db, keys: &Keys) -> Vec<(String, String, String, String)> {
    let mut out = anjungan_kernel::outbox::store::claim(db, keys, 100)
        .await
        .unwrap();
    out.sort_by_key(|m| m.id);
    for m in &out {
        anjungan_kernel::outbox::store::mark_done(
            db,
            m.id,
            anjungan_kernel::outbox::domain::State::Sent,
        )
        .await
        .unwrap();
    }
    out.into_iter()
        .map(|m| (m.channel, m.recipient, m.subject, m.body))
        .collect()
}

async fn audit_actions(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'desk.%' ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

fn refused<T: std::fmt::Debug>(r: Result<T, StoreError>, want: DeskError) {
    match r {
        Err(StoreError::Desk(e)) => assert_eq!(e, want),
        other => panic!("expected {want:?}, got {other:?}"),
    }
}

async fn a_request_goes_from_submission_to_closing_and_the_citizen_hears_each_step(
    t: TestDb,
    db: Db,
) {
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let system = Actor::system("test");
    let org = unit(&db, "NGLINGGIS").await;
    let definition = definition("NGLINGGIS.domisili", false);
    let id = catalogue::create(&db, &system, org, &definition)
        .await
        .unwrap();
    let service = store::services::get(&db, id).await.unwrap().unwrap();

    let request = citizen_request(None);
    let done = requests::submit(&db, &keys, &system, BASE, &service, &request)
        .await
        .unwrap();
    assert!(done.number.starts_with("PD-"), "{}", done.number);
    assert!(done.number.ends_with(&format!("{:06}", done.id)));
    // The acknowledgement goes to both contacts, with the number and the tracking link.
    let received = queued(&db, &keys).await;
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(
        [received[0].0.as_str(), received[1].0.as_str()],
        ["whatsapp", "email"]
    );
    assert_eq!(received[0].1, "6281234567890");
    assert_eq!(received[1].1, "sri@example.id");
    for (_, _, subject, body) in &received {
        assert_eq!(subject, &format!("Permohonan {} diterima", done.number));
        assert!(body.contains(&format!("{BASE}/layanan/lacak/{}", done.tracking_code)));
    }
    // Staff see the request with its contact masked; the tracking code opens it.
    let seen = rows::by_tracking(&db, &keys, &done.tracking_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((seen.id, seen.state), (done.id, State::Submitted));
    assert_eq!(seen.applicant, "Sri Wahyuni");
    assert!(
        !seen.phone_masked.contains("1234567"),
        "{}",
        seen.phone_masked
    );

    let operator = Step {
        actor: &system,
        role: Role::Operator,
        base_url: BASE,
        survey: None,
    };
    let citizen = Step {
        role: Role::Citizen,
        ..operator
    };
    // A return pauses the clock and tells the citizen what to fix; the answer resumes it.
    let to = requests::act(
        &db,
        &keys,
        operator,
        done.id,
        Command::Return,
        "Lampirkan KK",
    )
    .await
    .unwrap();
    assert_eq!(to, State::Returned);
    let returned = rows::get(&db, &keys, done.id).await.unwrap().unwrap();
    assert_eq!(returned.note, "Lampirkan KK");
    assert!(!returned.paused_since.is_empty(), "the clock is paused");
    let told = queued(&db, &keys).await;
    assert_eq!(told.len(), 2);
    assert!(
        told.iter().all(|m| m.3.contains("Lampirkan KK")),
        "{told:?}"
    );
    let mut answers = Answers::new();
    answers.insert("keperluan".into(), vec!["Melamar kerja".into()]);
    let to = requests::resubmit(&db, &keys, citizen, done.id, &answers)
        .await
        .unwrap();
    assert_eq!(to, State::Submitted);
    let again = rows::get(&db, &keys, done.id).await.unwrap().unwrap();
    assert_eq!(again.answers, answers);
    assert!(again.paused_since.is_empty() && again.note.is_empty());
    queued(&db, &keys).await;

    requests::act(&db, &keys, operator, done.id, Command::Verify, "")
        .await
        .unwrap();
    queued(&db, &keys).await;
    // The head signs; a service without a letter template is issued at once, with one notice
    // per contact.
    let cx = SignContext {
        keys: &keys,
        actor: &system,
        user_id: 1,
        signer_name: "Kepala Desa",
        base_url: BASE,
        data_dir: t.dir.path(),
        letterhead: vec![],
    };
    assert_eq!(sign(&db, &cx, done.id).await.unwrap(), State::Issued);
    assert_eq!(queued(&db, &keys).await.len(), 2);
    for step in [Command::Deliver, Command::Close] {
        requests::act(&db, &keys, operator, done.id, step, "")
            .await
            .unwrap();
    }
    let closed = rows::get(&db, &keys, done.id).await.unwrap().unwrap();
    assert_eq!(closed.state, State::Closed);
    assert!(!closed.completed_on.is_empty());

    // The public history names roles, never people, in order.
    let history: Vec<(String, State, String)> = rows::history(&db, done.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.from, e.to, e.actor))
        .collect();
    let h = |from: &str, to, who: &str| (from.to_string(), to, who.to_string());
    assert_eq!(
        history,
        [
            h("", State::Submitted, "citizen"),
            h("submitted", State::Returned, "operator"),
            h("returned", State::Submitted, "citizen"),
            h("submitted", State::Verified, "operator"),
            h("verified", State::Signed, "head"),
            h("signed", State::Issued, "system"),
            h("issued", State::Delivered, "operator"),
            h("delivered", State::Closed, "operator"),
        ]
    );
    let actions = audit_actions(&db).await;
    assert_eq!(actions[..2], ["desk.service.create", "desk.request.submit"]);
    assert_eq!(actions.len(), 2 + 7, "one entry per step: {actions:?}");
}

async fn verifying_needs_the_register_and_a_refused_step_changes_nothing(t: TestDb, db: Db) {
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let system = Actor::system("test");
    let org = unit(&db, "NGLINGGIS").await;
    let code = "NGLINGGIS.domisili";
    // A definition that breaks its rules is refused and nothing is published.
    let mut bad = definition(code, true);
    bad.days = -1;
    assert!(catalogue::create(&db, &system, org, &bad).await.is_err());
    let listed = store::services::list(&db, Some(org), true).await.unwrap();
    assert!(listed.is_empty());
    let id = catalogue::create(&db, &system, org, &definition(code, true))
        .await
        .unwrap();
    refused(
        catalogue::create(&db, &system, org, &definition(code, true)).await,
        DeskError::CodeTaken,
    );
    let service = store::services::get(&db, id).await.unwrap().unwrap();
    let request = citizen_request(Some(SRI_NIK));
    let done = requests::submit(&db, &keys, &system, BASE, &service, &request)
        .await
        .unwrap();
    let operator = Step {
        actor: &system,
        role: Role::Operator,
        base_url: BASE,
        survey: None,
    };
    let before = audit_actions(&db).await;

    // Not in the village's register: refused, the request stays where it was.
    refused(
        requests::act(&db, &keys, operator, done.id, Command::Verify, "").await,
        DeskError::NotResident,
    );
    // A step its state does not allow, or a role that may not take it: refused alike.
    refused(
        requests::act(&db, &keys, operator, done.id, Command::Close, "").await,
        DeskError::Workflow(WorkflowError::NotNow {
            from: State::Submitted,
            command: Command::Close,
        }),
    );
    let citizen = Step {
        role: Role::Citizen,
        ..operator
    };
    let by_citizen = requests::act(&db, &keys, citizen, done.id, Command::Verify, "").await;
    assert!(by_citizen.is_err());
    let still = rows::get(&db, &keys, done.id).await.unwrap().unwrap();
    assert_eq!((still.state, still.resident_id), (State::Submitted, None));
    assert_eq!(audit_actions(&db).await, before, "a refusal audits nothing");
    assert_eq!(rows::history(&db, done.id).await.unwrap().len(), 1);

    // Once the register lists her, verification links the request to her entry.
    let csv = format!(
        "nik,kk,nama,tempat_lahir,tanggal_lahir,jenis_kelamin,alamat,rt,rw,dusun\n\
         {SRI_NIK},3503050101090007,Sri Wahyuni,Trenggalek,1990-03-12,P,Nglinggis,01,02,Krajan\n"
    );
    let register = parse_csv(&csv).unwrap();
    let first = residents::import(&db, &keys, &system, org, &register).await;
    assert_eq!(first.unwrap(), (1, 0));
    let second = residents::import(&db, &keys, &system, org, &register).await;
    assert_eq!(second.unwrap(), (0, 1), "a second import updates by NIK");
    let verified = requests::act(&db, &keys, operator, done.id, Command::Verify, "").await;
    assert_eq!(verified.unwrap(), State::Verified);
    let linked = rows::get(&db, &keys, done.id).await.unwrap().unwrap();
    assert!(linked.resident_id.is_some());
    // The same step a second time (a second clerk on a stale page) is refused.
    refused(
        requests::act(&db, &keys, operator, done.id, Command::Verify, "").await,
        DeskError::Workflow(WorkflowError::NotNow {
            from: State::Verified,
            command: Command::Verify,
        }),
    );
}

async fn a_complaint_is_answered_to_the_contact_the_citizen_left(t: TestDb, db: Db) {
    let keys = Keys::load_or_create(None, t.dir.path()).unwrap();
    let system = Actor::system("test");
    let org = unit(&db, "NGLINGGIS").await;
    let other = unit(&db, "KARANGAN").await;
    let complaint = |body: &str| NewComplaint {
        org_id: org,
        service_id: None,
        request_id: None,
        body: body.into(),
        contact: " warga@example.id ".into(),
        lapor_ref: String::new(),
    };
    refused(
        admin::complain(&db, &keys, &system, &complaint("   ")).await,
        DeskError::BadText,
    );
    let filed = admin::complain(&db, &keys, &system, &complaint("Antrian terlalu lama")).await;
    let filed = filed.unwrap();
    let (id, due) = (filed.id, filed.due_on.clone());
    assert_eq!(due.len(), 10, "an ISO day: {due}");
    // The citizen follows it by its code; a wrong code opens nothing.
    let tracked = admin::tracked_complaint(&db, &keys, &filed.tracking_code)
        .await
        .unwrap()
        .expect("the code opens the complaint");
    assert_eq!(tracked.complaint.id, id);
    assert!(tracked.complaint.responded_at.is_none());
    assert!(
        admin::tracked_complaint(&db, &keys, "ABCD-EFGH-JKMN")
            .await
            .unwrap()
            .is_none()
    );
    let listed = store::admin::complaints(&db, &keys, org).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].body, "Antrian terlalu lama");
    assert!(!listed[0].contact_masked.contains("warga@"));
    // Another unit cannot answer it; an empty answer is refused.
    let by_other = admin::respond(&db, &keys, &system, other, id, "Baik").await;
    assert!(by_other.is_err());
    refused(
        admin::respond(&db, &keys, &system, org, id, " ").await,
        DeskError::BadText,
    );
    assert!(queued(&db, &keys).await.is_empty());
    admin::respond(&db, &keys, &system, org, id, "Loket ditambah mulai Senin")
        .await
        .unwrap();
    let answer = queued(&db, &keys).await;
    assert_eq!(answer.len(), 1);
    assert_eq!(answer[0].0, "email");
    assert_eq!(answer[0].1, "warga@example.id");
    assert!(answer[0].3.contains("Loket ditambah mulai Senin"));
    assert_eq!(
        audit_actions(&db).await,
        ["desk.complaint.create", "desk.complaint.respond"]
    );
}
