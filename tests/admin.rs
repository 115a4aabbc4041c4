//! Administration, run identically on SQLite and PostgreSQL: passwords changed
//! and reset, accounts deactivated, squads archived and kept unique by name,
//! co-facilitators removed and mistaken checkpoints deleted.

use checkpoint_test_support::on_both_backends;

use checkpoint_core::accounts::{CurrentUser, Role};
use checkpoint_core::checkpoints::CheckpointForm;
use checkpoint_core::store::squads::SquadForm;
use checkpoint_core::store::{ServiceError, Store};
use checkpoint_core::summary::history::HistoryFilter;

const PASSWORD: &str = "long enough password";

async fn user(store: &Store, name: &str, role: Role) -> CurrentUser {
    let row = store.create_user(None, name, PASSWORD, role).await.unwrap();
    CurrentUser {
        id: row.id,
        username: row.username,
        role,
    }
}

async fn signs_in(store: &Store, name: &str, password: &str) -> bool {
    store.sign_in(name, password, "10.0.0.9").await.is_ok()
}

async fn passwords_are_changed_with_the_current_one_and_reset_by_admins(store: Store) {
    let admin = user(&store, "root", Role::Admin).await;
    let ana = user(&store, "ana", Role::Facilitator).await;
    let here = store.sign_in("ana", PASSWORD, "10.0.0.1").await.ok().unwrap();
    let elsewhere = store.sign_in("ana", PASSWORD, "10.0.0.2").await.ok().unwrap();

    let wrong = store
        .change_password(
            &ana,
            "not it at all",
            "a brand new password",
            Some(&here.token),
            "10.0.0.1",
        )
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, ServiceError::Invalid(ref e) if e.field == "current_password"),
        "{wrong:?}"
    );
    let short = store
        .change_password(&ana, PASSWORD, "short", Some(&here.token), "10.0.0.1")
        .await
        .unwrap_err();
    assert_eq!(short.field(), Some("new_password"));
    assert!(
        store.session_user(&elsewhere.token).await.unwrap().is_some(),
        "a refused change ends no session"
    );

    store
        .change_password(&ana, PASSWORD, "a brand new password", Some(&here.token), "10.0.0.1")
        .await
        .unwrap();
    assert!(
        store.session_user(&here.token).await.unwrap().is_some(),
        "this session stays"
    );
    assert_eq!(
        store.session_user(&elsewhere.token).await.unwrap(),
        None,
        "every other session ends"
    );
    assert!(!signs_in(&store, "ana", PASSWORD).await);
    assert!(signs_in(&store, "ana", "a brand new password").await);

    assert!(matches!(
        store.reset_password(&ana, &admin.id).await,
        Err(ServiceError::Forbidden)
    ));
    let temporary = store.reset_password(&admin, &ana.id).await.unwrap();
    assert_eq!(
        store.session_user(&here.token).await.unwrap(),
        None,
        "a reset ends her sessions"
    );
    let stored: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(&ana.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(
        stored.starts_with("$argon2id$") && !stored.contains(&temporary),
        "stored hashed"
    );
    assert!(!signs_in(&store, "ana", "a brand new password").await);
    assert!(signs_in(&store, "ana", &temporary).await);
    assert_ne!(temporary, store.reset_password(&admin, &ana.id).await.unwrap());
    assert!(matches!(
        store.reset_password(&admin, "nobody").await,
        Err(ServiceError::NotFound(_))
    ));
}

async fn a_deactivated_account_is_out_at_once_and_can_come_back(store: Store) {
    let admin = user(&store, "root", Role::Admin).await;
    let fran = user(&store, "fran", Role::Facilitator).await;
    store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    let token = store
        .create_api_token(Some(&fran), "payments", "pipeline")
        .await
        .unwrap()
        .secret;
    let cli_token = store.create_api_token(None, "payments", "cron").await.unwrap().secret;
    let session = store.sign_in("fran", PASSWORD, "10.0.0.1").await.ok().unwrap();

    assert!(matches!(
        store.set_user_active(&fran, &admin.id, false).await,
        Err(ServiceError::Forbidden)
    ));
    store.set_user_active(&admin, &fran.id, false).await.unwrap();
    assert_eq!(store.session_user(&session.token).await.unwrap(), None);
    let refused = store.sign_in("fran", PASSWORD, "10.0.0.1").await.err().unwrap();
    assert_eq!(refused.field(), Some("username"));
    assert!(refused.to_string().contains("deactivated"), "{refused}");
    assert!(
        store.authenticate_token(&token).await.unwrap().is_none(),
        "the tokens she created stop"
    );
    assert!(
        store.authenticate_token(&cli_token).await.unwrap().is_some(),
        "others' tokens do not"
    );
    let listed = store.list_users(&admin).await.unwrap();
    assert!(listed.iter().any(|u| u.username == "fran" && !u.active));

    store.set_user_active(&admin, &fran.id, true).await.unwrap();
    assert!(signs_in(&store, "fran", PASSWORD).await);
    assert!(store.authenticate_token(&token).await.unwrap().is_some());
}

async fn the_last_active_admin_stays(store: Store) {
    let root = user(&store, "root", Role::Admin).await;
    let second = user(&store, "second", Role::Admin).await;
    let own = store.set_user_active(&root, &root.id, false).await.unwrap_err();
    assert!(
        matches!(own, ServiceError::Conflict(ref e) if e.field == "active"),
        "{own:?}"
    );
    store.set_user_active(&root, &second.id, false).await.unwrap();
    // A deactivated admin does not count: root is the last one.
    let demote = store.set_role(&root, &root.id, Role::Viewer).await.unwrap_err();
    assert_eq!(demote.field(), Some("role"));
    // Someone acting as admin (the table's word) still cannot deactivate the last one.
    let stranger = CurrentUser {
        id: "elsewhere".into(),
        username: "elsewhere".into(),
        role: Role::Admin,
    };
    let last = store.set_user_active(&stranger, &root.id, false).await.unwrap_err();
    assert!(
        matches!(last, ServiceError::Conflict(ref e) if e.field == "active"),
        "{last:?}"
    );
    assert!(signs_in(&store, "root", PASSWORD).await, "nothing changed");
    store.set_user_active(&root, &second.id, true).await.unwrap();
    store.set_role(&root, &root.id, Role::Viewer).await.unwrap();
}

async fn squad_names_are_unique_and_archived_squads_keep_their_history(store: Store) {
    let fac = user(&store, "fran", Role::Facilitator).await;
    let form = |name: &str| SquadForm::parse(name, "Money", Some("finance")).unwrap();
    store.create_squad(Some(&fac), form("Payments")).await.unwrap();
    let ledger = store.create_squad(Some(&fac), form("Ledger")).await.unwrap();
    let dup = store.create_squad(Some(&fac), form("  PAYMENTS ")).await.unwrap_err();
    assert!(
        matches!(dup, ServiceError::Invalid(ref e) if e.field == "name"),
        "{dup:?}"
    );
    assert_eq!(
        store.list_squads().await.unwrap().len(),
        2,
        "a refused squad is not stored"
    );
    let renamed = store
        .update_squad(&fac, &ledger.slug, form("payments"))
        .await
        .unwrap_err();
    assert_eq!(renamed.field(), Some("name"));
    assert_eq!(store.squad("ledger").await.unwrap().name, "Ledger");
    store
        .update_squad(&fac, &ledger.slug, form("Ledger"))
        .await
        .expect("keeping one's own name is no clash");

    let id = store
        .create_checkpoint(&fac, "ledger", CheckpointForm::parse("2026-11-22", None, None).unwrap())
        .await
        .unwrap();
    let viewer = CurrentUser {
        id: "v".into(),
        username: "v".into(),
        role: Role::Viewer,
    };
    assert!(matches!(
        store.set_squad_archived(&viewer, "ledger", true).await,
        Err(ServiceError::Forbidden)
    ));
    let archived = store.set_squad_archived(&fac, "ledger", true).await.unwrap();
    assert!(archived.archived);
    let listed: Vec<String> = store.list_squads().await.unwrap().into_iter().map(|s| s.slug).collect();
    assert_eq!(listed, ["payments"], "archived squads leave the lists");
    assert_eq!(store.list_archived_squads().await.unwrap()[0].slug, "ledger");
    assert!(
        store.squad("ledger").await.unwrap().archived,
        "its page is still reachable"
    );
    assert_eq!(store.list_checkpoints("ledger").await.unwrap()[0].id, id);
    let history = store
        .checkpoint_history(
            &HistoryFilter::parse(None, Some("ledger"), None, None, None).unwrap(),
            1,
        )
        .await
        .unwrap();
    assert_eq!(history.rows.len(), 1, "its history is kept");
    let dup = store.create_squad(Some(&fac), form("Ledger")).await.unwrap_err();
    assert!(dup.to_string().contains("another squad (archived)"), "{dup}");
    store.set_squad_archived(&fac, "ledger", false).await.unwrap();
    assert_eq!(store.list_squads().await.unwrap().len(), 2);
    assert!(matches!(
        store.set_squad_archived(&fac, "nope", true).await,
        Err(ServiceError::NotFound(_))
    ));
}

async fn co_facilitators_are_removed_and_mistaken_checkpoints_deleted(store: Store) {
    let fac = user(&store, "fran", Role::Facilitator).await;
    let co = user(&store, "cora", Role::Facilitator).await;
    let other = user(&store, "otto", Role::Facilitator).await;
    let admin = user(&store, "root", Role::Admin).await;
    store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    let form = || CheckpointForm::parse("2026-11-22", None, None).unwrap();
    let id = store.create_checkpoint(&fac, "payments", form()).await.unwrap();
    store.add_co_facilitator(&fac, &id, "cora").await.unwrap();
    assert!(store.runs_checkpoint(&co, &id).await.unwrap());

    assert!(matches!(
        store.remove_co_facilitator(&other, &id, "cora").await,
        Err(ServiceError::Forbidden)
    ));
    let lead = store.remove_co_facilitator(&admin, &id, "fran").await.unwrap_err();
    assert_eq!(
        lead.field(),
        Some("username"),
        "the facilitator is not a co-facilitator"
    );
    let before = store.load_live(&id).await.unwrap().state.revision;
    store.remove_co_facilitator(&admin, &id, "cora").await.unwrap();
    assert!(!store.runs_checkpoint(&co, &id).await.unwrap());
    assert!(
        store.participant_for_user(&id, &co).await.unwrap().is_some(),
        "she stays a participant"
    );
    assert!(
        store.load_live(&id).await.unwrap().state.revision > before,
        "the room is told"
    );
    assert_eq!(
        store.checkpoint_admin(&fac, &id).await.unwrap().co_facilitators,
        Vec::<String>::new()
    );

    assert!(matches!(
        store.delete_checkpoint(&other, &id, "2026-11-22").await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        store.checkpoint_admin(&other, &id).await,
        Err(ServiceError::Forbidden)
    ));
    let unconfirmed = store.delete_checkpoint(&fac, &id, "yes").await.unwrap_err();
    assert_eq!(unconfirmed.field(), Some("confirm"));
    assert!(store.checkpoint_exists(&id).await.unwrap(), "nothing deleted");
    store.delete_checkpoint(&fac, &id, " 2026-11-22 ").await.unwrap();
    assert!(!store.checkpoint_exists(&id).await.unwrap());
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM participants WHERE checkpoint_id = $1")
        .bind(&id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(left, 0, "its rows go with it");

    let kept = store.create_checkpoint(&fac, "payments", form()).await.unwrap();
    store.finalise_summary(&fac, &kept, "We ship daily.").await.unwrap();
    assert!(store.checkpoint_admin(&admin, &kept).await.unwrap().finalised);
    let refused = store.delete_checkpoint(&admin, &kept, "2026-11-22").await.unwrap_err();
    assert!(
        matches!(refused, ServiceError::Conflict(ref e) if e.field == "checkpoint"),
        "{refused:?}"
    );
    assert!(
        store.checkpoint_exists(&kept).await.unwrap(),
        "a finalised summary is never deleted"
    );
}

on_both_backends!(
    passwords_are_changed_with_the_current_one_and_reset_by_admins,
    a_deactivated_account_is_out_at_once_and_can_come_back,
    the_last_active_admin_stays,
    squad_names_are_unique_and_archived_squads_keep_their_history,
    co_facilitators_are_removed_and_mistaken_checkpoints_deleted,
);
