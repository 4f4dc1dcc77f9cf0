//! The registry on its own: an innovation's lifecycle through the service, on SQLite and
//! PostgreSQL, with only the kernel's and the registry's tables and no demo data.

// A failed check is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use anjungan_innovation::domain::{Command, Draft, LifecycleError, Status};
use anjungan_innovation::error::{InnovationError, ServiceError};
use anjungan_innovation::service::lifecycle::apply;
use anjungan_innovation::store;
use anjungan_kernel::Db;
use anjungan_kernel::audit::Actor;
use anjungan_kernel::both_backends_db;
use anjungan_kernel::identity::domain::{Grant, Principal, Role, UserId};
use anjungan_kernel::orgs::domain::{OrgProfile, OrgRef};
use anjungan_kernel::room::Room;
use anjungan_kernel::testkit::TestDb;

static ROOMS: &[&Room] = &[&anjungan_innovation::ROOM];

both_backends_db!(ROOMS; a_lifecycle_step_follows_the_rules_and_a_lost_race_writes_nothing);

/// The refusal of the lifecycle's rules, if that is what the step returned.
fn refusal(r: &Result<Status, ServiceError>) -> Option<&LifecycleError> {
    match r {
        Err(ServiceError::Refused(InnovationError::Lifecycle(e))) => Some(e),
        _ => None,
    }
}

fn person(id: i64, role: Role, org: Option<OrgRef>) -> Principal {
    Principal {
        user_id: UserId(id),
        name: format!("{role:?}"),
        grants: vec![Grant { role, org }],
    }
}

async fn steps(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'innovation.%' ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

async fn a_lifecycle_step_follows_the_rules_and_a_lost_race_writes_nothing(_t: TestDb, db: Db) {
    let system = Actor::system("test");
    let profile = OrgProfile {
        name: "Dinas Komunikasi dan Informatika".into(),
        short_name: "Diskominfo".into(),
        ..Default::default()
    };
    let org_id = anjungan_kernel::orgs::store::create_agency(&db, &system, "DISKOMINFO", profile)
        .await
        .unwrap();
    let org = anjungan_kernel::orgs::store::get(&db, org_id)
        .await
        .unwrap()
        .unwrap();
    let staff = person(
        1,
        Role::UnitOperator,
        Some(OrgRef {
            id: org.id,
            path: org.path,
        }),
    );
    let coordinator = person(2, Role::Coordinator, None);
    let draft = Draft {
        name: "Petung Dadi".into(),
        stage: "penerapan".into(),
        initiator: "opd".into(),
        kind: "digital".into(),
        form: "pelayanan_publik".into(),
        affair: "komunikasi_informatika".into(),
        trial_date: "2019-10-01".into(),
        implementation_date: "2020-03-02".into(),
        goal: "Satu pintu layanan surat desa.".into(),
        ..Default::default()
    };
    let validated = draft.validate().unwrap();
    let id =
        anjungan_innovation::service::innovations::create(&db, &system, org_id, &draft, &validated)
            .await
            .unwrap();
    let get = || async { store::get(&db, id).await.unwrap().unwrap() };

    // A coordinator cannot submit for the agency; the agency's staff can.
    let draft_now = get().await;
    let refused = apply(&db, &coordinator, &system, &draft_now, Command::Submit, &[]).await;
    assert!(
        matches!(refusal(&refused), Some(LifecycleError::Forbidden)),
        "{refused:?}"
    );
    // An incomplete profile cannot be submitted; what it lacks is named.
    let refused = apply(
        &db,
        &staff,
        &system,
        &draft_now,
        Command::Submit,
        &["Dasar hukum"],
    )
    .await;
    assert!(
        matches!(refusal(&refused), Some(LifecycleError::Incomplete(m)) if m == &["Dasar hukum"]),
        "{refused:?}"
    );
    let submitted = apply(&db, &staff, &system, &draft_now, Command::Submit, &[]).await;
    assert_eq!(submitted.unwrap(), Status::Submitted);

    // Staff cannot verify their own innovation; a return needs a note.
    let seen = get().await;
    assert_eq!(seen.status, Status::Submitted);
    let refused = apply(&db, &staff, &system, &seen, Command::Verify, &[]).await;
    assert!(
        matches!(refusal(&refused), Some(LifecycleError::Forbidden)),
        "{refused:?}"
    );
    let no_note = Command::Return { note: " ".into() };
    let refused = apply(&db, &coordinator, &system, &seen, no_note, &[]).await;
    assert!(
        matches!(refusal(&refused), Some(LifecycleError::NoteRequired)),
        "{refused:?}"
    );

    // Two coordinators act on the same snapshot: the first return wins, the verify that lost
    // the race is a conflict and changes nothing.
    let back = Command::Return {
        note: "Lengkapi data capaian.".into(),
    };
    let returned = apply(&db, &coordinator, &system, &seen, back, &[]).await;
    assert_eq!(returned.unwrap(), Status::Returned);
    let lost = apply(&db, &coordinator, &system, &seen, Command::Verify, &[]).await;
    assert!(
        matches!(
            lost,
            Err(ServiceError::Kernel(anjungan_kernel::Error::Conflict))
        ),
        "{lost:?}"
    );
    assert_eq!(get().await.status, Status::Returned);
    // On the stored state a verify is simply not possible now.
    let refused = apply(
        &db,
        &coordinator,
        &system,
        &get().await,
        Command::Verify,
        &[],
    )
    .await;
    assert!(
        matches!(refusal(&refused), Some(LifecycleError::WrongStatus)),
        "{refused:?}"
    );
    assert_eq!(
        steps(&db).await,
        [
            "innovation.create",
            "innovation.submit",
            "innovation.return"
        ]
    );
}
