//! The store's behaviour, run identically on SQLite and PostgreSQL.

#[macro_use]
mod support;

use checkpoint_core::accounts::{CurrentUser, Role};
use checkpoint_core::store::squads::SquadForm;
use checkpoint_core::store::{ServiceError, Store};

fn actor(role: Role) -> CurrentUser {
    CurrentUser { id: "actor".into(), username: "actor".into(), role }
}

async fn migrations_are_idempotent(store: Store) {
    store.migrate().await.expect("second migrate is a no-op");
    assert!(store.ping().await);
}

async fn accounts_sign_in_and_out(store: Store) {
    store.create_user(None, "Alice", "correct horse battery", Role::Facilitator).await.unwrap();
    let dup = store.create_user(None, "alice", "another password!", Role::Viewer).await.unwrap_err();
    assert!(matches!(dup, ServiceError::Conflict(ref e) if e.field == "username"), "{dup:?}");

    let wrong = store.sign_in("alice", "wrong password", "10.0.0.1").await.err().unwrap();
    assert_eq!(wrong.field(), Some("password"));
    let session = store.sign_in(" ALICE ", "correct horse battery", "10.0.0.1").await.ok().unwrap();
    assert_eq!(session.user.role, Role::Facilitator);
    let me = store.session_user(&session.token).await.unwrap().expect("live session");
    assert_eq!(me.username, "alice");
    assert_eq!(store.session_user("not-a-token").await.unwrap(), None);
    store.sign_out(&session.token).await.unwrap();
    assert_eq!(store.session_user(&session.token).await.unwrap(), None);
}

async fn failed_sign_ins_are_rate_limited(store: Store) {
    store.create_user(None, "bob", "correct horse battery", Role::Viewer).await.unwrap();
    for _ in 0..5 {
        let e = store.sign_in("bob", "guess", "10.0.0.2").await.err().unwrap();
        assert_eq!(e.field(), Some("password"));
    }
    // Even the right password is refused while the limit holds.
    let limited = store.sign_in("bob", "correct horse battery", "10.0.0.3").await.err().unwrap();
    assert!(matches!(limited, ServiceError::RateLimited { retry_after_secs } if retry_after_secs > 0), "{limited:?}");
    // Another user is unaffected.
    store.create_user(None, "carol", "correct horse battery", Role::Viewer).await.unwrap();
    assert!(store.sign_in("carol", "correct horse battery", "10.0.0.3").await.is_ok());
}

async fn setup_token_makes_exactly_one_first_admin(store: Store) {
    let token = store.issue_setup_token().await.unwrap().expect("no admin yet");
    let bad = store.complete_setup("nope", "root", "long enough password").await.err().unwrap();
    assert_eq!(bad.field(), Some("token"));
    assert!(!store.admin_exists().await.unwrap(), "a refused setup changes nothing");
    let weak = store.complete_setup(&token, "root", "short").await.err().unwrap();
    assert_eq!(weak.field(), Some("password"));
    let session = store.complete_setup(&token, "root", "long enough password").await.ok().unwrap();
    assert_eq!(session.user.role, Role::Admin);
    assert!(store.complete_setup(&token, "root2", "long enough password").await.is_err(), "the token is single use");
    assert_eq!(store.issue_setup_token().await.unwrap(), None, "no token once an admin exists");
}

async fn roles_and_the_last_admin(store: Store) {
    let admin = store.create_user(None, "admin", "long enough password", Role::Admin).await.unwrap();
    let admin_actor = CurrentUser { id: admin.id.clone(), username: admin.username.clone(), role: Role::Admin };
    let viewer = store.create_user(Some(&admin_actor), "vic", "long enough password", Role::Viewer).await.unwrap();
    assert!(matches!(store.list_users(&actor(Role::Viewer)).await, Err(ServiceError::Forbidden)));
    assert!(matches!(store.create_user(Some(&actor(Role::Facilitator)), "eve", "long enough password", Role::Admin).await, Err(ServiceError::Forbidden)));
    let last = store.set_role(&admin_actor, &admin.id, Role::Viewer).await.unwrap_err();
    assert_eq!(last.field(), Some("role"));
    store.set_role(&admin_actor, &viewer.id, Role::Facilitator).await.unwrap();
    let users = store.list_users(&admin_actor).await.unwrap();
    assert_eq!(users.iter().map(|u| (u.username.as_str(), u.role)).collect::<Vec<_>>(), [("admin", Role::Admin), ("vic", Role::Facilitator)]);
    assert!(matches!(store.set_role(&admin_actor, "missing", Role::Viewer).await, Err(ServiceError::NotFound(_))));
}

async fn squads_and_tribes(store: Store) {
    let facilitator = actor(Role::Facilitator);
    let form = |name: &str, tribe: &str| SquadForm::parse(name, tribe, Some("finance")).unwrap();
    let a = store.create_squad(Some(&facilitator), form("Payments Core", "Money")).await.unwrap();
    assert_eq!(a.slug, "payments-core");
    let b = store.create_squad(None, form("Payments  core!", "money")).await.unwrap();
    assert_eq!(b.slug, "payments-core-2", "a taken slug gets a suffix");
    assert_eq!(store.list_tribes().await.unwrap(), ["Money"], "tribe names match case-insensitively");

    let denied = store.create_squad(Some(&actor(Role::Viewer)), form("Nope", "Money")).await;
    assert!(matches!(denied, Err(ServiceError::Forbidden)));
    assert_eq!(store.list_squads().await.unwrap().len(), 2, "a refused create stores nothing");

    let edited = store.update_squad(&facilitator, "payments-core", SquadForm::parse("Payments", "Platform", Some("retail")).unwrap()).await.unwrap();
    assert_eq!((edited.slug.as_str(), edited.name.as_str(), edited.tribe.as_str(), edited.industry.id()), ("payments-core", "Payments", "Platform", "retail"));
    assert!(matches!(store.squad("nope").await, Err(ServiceError::NotFound("squad"))));
    assert_eq!(SquadForm::parse("x", "y", Some("farming")).unwrap_err().field, "industry");
}

async fn tribes_can_be_renamed(store: Store) {
    use checkpoint_core::names::DisplayName;
    let facilitator = actor(Role::Facilitator);
    let name = |n: &str| DisplayName::parse("new_name", n).unwrap();
    store.create_squad(None, SquadForm::parse("Alpha", "Money", None).unwrap()).await.unwrap();
    store.create_squad(None, SquadForm::parse("Beta", "Platform", None).unwrap()).await.unwrap();
    store.rename_tribe(&facilitator, "money", &name("Payments")).await.unwrap();
    assert_eq!(store.squad("alpha").await.unwrap().tribe, "Payments", "squads follow their tribe");
    let taken = store.rename_tribe(&facilitator, "Payments", &name("platform")).await.unwrap_err();
    assert_eq!(taken.field(), Some("new_name"));
    assert!(matches!(store.rename_tribe(&actor(Role::Viewer), "Payments", &name("X")).await, Err(ServiceError::Forbidden)));
    assert!(matches!(store.rename_tribe(&facilitator, "Nope", &name("X")).await, Err(ServiceError::NotFound("tribe"))));
    store.rename_tribe(&facilitator, "payments", &name("PAYMENTS")).await.unwrap();
    assert_eq!(store.list_tribes().await.unwrap(), ["PAYMENTS", "Platform"], "a change of case is allowed");
}

on_both_backends!(
    migrations_are_idempotent,
    accounts_sign_in_and_out,
    failed_sign_ins_are_rate_limited,
    setup_token_makes_exactly_one_first_admin,
    roles_and_the_last_admin,
    squads_and_tribes,
    tribes_can_be_renamed,
);
