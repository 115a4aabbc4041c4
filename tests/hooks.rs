//! Connections and their deliveries in the store, on SQLite and PostgreSQL:
//! which commits a forge's deployment brings, what a redelivery or a refusal
//! changes, the delivery log, secrets at rest, revocation and roles.

use checkpoint_test_support::on_both_backends;

use checkpoint_core::accounts::{CurrentUser, Role};
use checkpoint_core::connections::{ConnectionKind, ConnectionOptions, Outcome, Source};
use checkpoint_core::hooks::{interpret, Meaning};
use checkpoint_core::measured::{Deployment, Window, DAY_MS};
use checkpoint_core::store::connections::HookConnection;
use checkpoint_core::store::hooks::Received;
use checkpoint_core::store::measured::Reader;
use checkpoint_core::store::squads::SquadForm;
use checkpoint_core::store::{ServiceError, Store};
use serde_json::{json, Value};
use sqlx::Row;

fn user(role: Role) -> CurrentUser {
    CurrentUser {
        id: format!("{role:?}"),
        username: format!("{role:?}").to_lowercase(),
        role,
    }
}

/// A squad with one connection of `kind`, and the connection as a delivery sees it.
async fn connected(store: &Store, kind: ConnectionKind) -> (String, HookConnection, String) {
    let squad = store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    let created = store
        .create_connection(None, &squad.slug, kind, "payments repo", ConnectionOptions::default())
        .await
        .unwrap();
    let hook = store
        .hook_connection(kind, &created.connection.id)
        .await
        .unwrap()
        .unwrap();
    (squad.slug, hook, created.secret)
}

const T0: i64 = 1_764_000_000_000;

fn at(minutes: i64) -> String {
    chrono::DateTime::from_timestamp_millis(T0 + minutes * 60_000)
        .unwrap()
        .to_rfc3339()
}

fn push(shas: &[(&str, i64)]) -> Value {
    json!({
        "ref": "refs/heads/main",
        "after": shas.last().unwrap().0,
        "repository": {"name": "payments", "full_name": "octo/payments", "default_branch": "main"},
        "commits": shas.iter().map(|(sha, m)| json!({"id": sha, "timestamp": at(*m)})).collect::<Vec<_>>(),
    })
}

fn deployment_status(id: i64, sha: &str, state: &str, minutes: i64) -> Value {
    json!({
        "action": "created",
        "deployment_status": {"state": state, "environment": "production", "created_at": at(minutes)},
        "deployment": {"id": id, "sha": sha, "environment": "production", "created_at": at(minutes - 5)},
        "repository": {"name": "payments", "full_name": "octo/payments", "default_branch": "main"},
    })
}

async fn deliver(store: &Store, hook: &HookConnection, event: &str, payload: &Value) -> Received {
    let body = payload.to_string();
    let meaning = interpret(hook.kind, Some(event), body.as_bytes(), &hook.options);
    store
        .receive_hook(hook, event, Some("delivery-1"), meaning)
        .await
        .unwrap()
}

async fn deployments(store: &Store, slug: &str) -> Vec<Deployment> {
    let admin = user(Role::Admin);
    let scope = store
        .metrics_scope(Reader::User(&admin), Some(slug), None)
        .await
        .unwrap();
    let window = Window {
        from: T0 - DAY_MS,
        to: T0 + DAY_MS,
    };
    let mut d = store.window_events(&scope, window).await.unwrap().deployments;
    d.sort_by_key(|d| d.finished_at);
    d
}

fn shas(d: &Deployment) -> Vec<&str> {
    d.commits.iter().map(|c| c.sha.as_str()).collect()
}

async fn a_deployment_brings_the_commits_pushed_up_to_its_sha(store: Store) {
    let (slug, hook, _) = connected(&store, ConnectionKind::Github).await;
    deliver(&store, &hook, "push", &push(&[("a1", 0), ("b2", 10)])).await;
    deliver(&store, &hook, "push", &push(&[("c3", 20)])).await;
    deliver(
        &store,
        &hook,
        "deployment_status",
        &deployment_status(1, "b2", "success", 30),
    )
    .await;
    deliver(
        &store,
        &hook,
        "deployment_status",
        &deployment_status(2, "c3", "failure", 40),
    )
    .await;
    let last = deliver(
        &store,
        &hook,
        "deployment_status",
        &deployment_status(3, "c3", "success", 50),
    )
    .await;
    let Received::Stored { summary, .. } = last else {
        panic!("stored, got {last:?}")
    };
    assert_eq!(summary, "deployment gh-deploy-3 of payments: success, 1 commit");
    let d = deployments(&store, &slug).await;
    assert_eq!(
        d.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["gh-deploy-1", "gh-deploy-2", "gh-deploy-3"]
    );
    assert_eq!(shas(&d[0]), ["a1", "b2"], "the commits up to its sha");
    assert_eq!(shas(&d[1]), ["c3"], "a failure brings what is not deployed yet");
    assert_eq!(shas(&d[2]), ["c3"], "and leaves it for the next success");
    assert_eq!(d[0].finished_at, T0 + 30 * 60_000);
    assert_eq!(d[0].started_at, Some(T0 + 25 * 60_000));

    // A redelivery of the first success changes nothing, though later ones took the rest.
    let again = deliver(
        &store,
        &hook,
        "deployment_status",
        &deployment_status(1, "b2", "success", 30),
    )
    .await;
    let Received::Stored {
        deployments: counts, ..
    } = again
    else {
        panic!()
    };
    assert_eq!((counts.created, counts.updated), (0, 1));
    assert_eq!(deployments(&store, &slug).await, d);

    // A deployment of a sha never pushed is stored without commits, and says so.
    let unknown = deliver(
        &store,
        &hook,
        "deployment_status",
        &deployment_status(4, "ffff0000", "success", 60),
    )
    .await;
    let Received::Stored { summary, .. } = unknown else {
        panic!()
    };
    assert!(summary.contains("commit ffff000 was not seen in a push"), "{summary}");
    let d = deployments(&store, &slug).await;
    assert!(d[3].commits.is_empty());
    let row = sqlx::query("SELECT source, source_name FROM deployments WHERE external_id = 'gh-deploy-4'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let source = Source::from_stored(&row.get::<String, _>("source"), row.get("source_name"));
    assert_eq!(
        source.describe(),
        "GitHub (payments repo)",
        "each event remembers where it came from"
    );
}

async fn a_refused_delivery_stores_nothing_but_its_log_line(store: Store) {
    let (slug, hook, _) = connected(&store, ConnectionKind::Github).await;
    deliver(&store, &hook, "push", &push(&[("a1", 100)])).await;
    // Finished before its commit was made: the API's own rule refuses it.
    let refused = deliver(
        &store,
        &hook,
        "deployment_status",
        &deployment_status(1, "a1", "success", 50),
    )
    .await;
    let Received::Refused(r) = refused else {
        panic!("refused, got {refused:?}")
    };
    assert_eq!(r.field, "commits[0].committed_at");
    assert!(deployments(&store, &slug).await.is_empty());
    // The commit was not taken: a later, valid deployment brings it.
    deliver(
        &store,
        &hook,
        "deployment_status",
        &deployment_status(2, "a1", "success", 120),
    )
    .await;
    assert_eq!(shas(&deployments(&store, &slug).await[0]), ["a1"]);
    let admin = user(Role::Admin);
    let log = store
        .connection_deliveries(Some(&admin), &slug, &hook.id)
        .await
        .unwrap();
    let outcomes: Vec<Outcome> = log.iter().map(|d| d.outcome).collect();
    assert_eq!(
        outcomes,
        [Outcome::Accepted, Outcome::Refused, Outcome::Accepted],
        "newest first"
    );
    assert_eq!(
        log[1].reason,
        "commits[0].committed_at: a commit cannot be committed after its deployment finished"
    );
    assert_eq!(
        (log[1].event.as_str(), log[1].delivery.as_deref()),
        ("deployment_status", Some("delivery-1"))
    );
}

async fn the_log_keeps_the_last_fifty_and_the_connection_its_last(store: Store) {
    let (slug, hook, _) = connected(&store, ConnectionKind::Alertmanager).await;
    for n in 0..55 {
        let reason = format!("delivery {n}");
        let meaning = Ok(Meaning::Ignored(reason));
        store.receive_hook(&hook, "alerts firing", None, meaning).await.unwrap();
    }
    let admin = user(Role::Admin);
    let log = store
        .connection_deliveries(Some(&admin), &slug, &hook.id)
        .await
        .unwrap();
    assert_eq!(log.len(), 50);
    assert_eq!(
        (log[0].reason.as_str(), log[49].reason.as_str()),
        ("delivery 54", "delivery 5")
    );
    let listed = store.list_connections(Some(&admin), &slug).await.unwrap();
    let last = listed[0].last_delivery.as_ref().unwrap();
    assert_eq!((last.outcome, last.reason.as_str()), (Outcome::Ignored, "delivery 54"));
}

async fn secrets_rest_hashed_or_sealed_and_revoking_closes_the_door(store: Store) {
    let (slug, gitlab, gitlab_secret) = connected(&store, ConnectionKind::Gitlab).await;
    let row = sqlx::query("SELECT secret_hash, secret_sealed FROM connections WHERE id = $1")
        .bind(&gitlab.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let hash: Option<String> = row.get("secret_hash");
    assert_eq!(hash, Some(checkpoint_core::store::secrets::token_hash(&gitlab_secret)));
    assert_eq!(row.get::<Option<String>, _>("secret_sealed"), None);

    let github = store
        .create_connection(None, &slug, ConnectionKind::Github, "", ConnectionOptions::default())
        .await
        .unwrap();
    assert_eq!(github.connection.name, "GitHub", "a blank name is the tool's");
    let sealed: Option<String> = sqlx::query_scalar("SELECT secret_sealed FROM connections WHERE id = $1")
        .bind(&github.connection.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(
        !sealed.unwrap().contains(&github.secret),
        "the database holds no readable secret"
    );

    // Another instance's key cannot open it: an operator error, not a silent 401.
    let other = store
        .clone()
        .with_sealing_key(checkpoint_core::store::secrets::SealingKey::ephemeral());
    assert!(matches!(
        other
            .hook_connection(ConnectionKind::Github, &github.connection.id)
            .await,
        Err(ServiceError::Config(_))
    ));
    // The kind is part of the address.
    assert!(store
        .hook_connection(ConnectionKind::Gitlab, &github.connection.id)
        .await
        .unwrap()
        .is_none());

    let viewer = user(Role::Viewer);
    let forbidden = store
        .create_connection(
            Some(&viewer),
            &slug,
            ConnectionKind::Github,
            "x",
            ConnectionOptions::default(),
        )
        .await;
    assert!(matches!(forbidden, Err(ServiceError::Forbidden)));
    assert!(matches!(
        store.list_connections(Some(&viewer), &slug).await,
        Err(ServiceError::Forbidden)
    ));
    let facilitator = user(Role::Facilitator);
    assert!(matches!(
        store.revoke_connection(Some(&viewer), &slug, &gitlab.id).await,
        Err(ServiceError::Forbidden)
    ));
    store
        .revoke_connection(Some(&facilitator), &slug, &gitlab.id)
        .await
        .unwrap();
    assert!(store
        .hook_connection(ConnectionKind::Gitlab, &gitlab.id)
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        store.revoke_connection(Some(&facilitator), &slug, &gitlab.id).await,
        Err(ServiceError::NotFound(_))
    ));
    let listed = store.list_connections(Some(&facilitator), &slug).await.unwrap();
    assert!(
        listed.iter().any(|c| c.id == gitlab.id && c.revoked_at.is_some()),
        "revoked ones stay listed"
    );
}

async fn pagerduty_takes_its_own_signing_secret(store: Store) {
    let squad = store
        .create_squad(None, SquadForm::parse("Search", "Money", None).unwrap())
        .await
        .unwrap();
    let short = store
        .create_connection_with_secret(
            None,
            &squad.slug,
            ConnectionKind::Pagerduty,
            "on-call",
            ConnectionOptions::default(),
            Some("short"),
        )
        .await;
    assert!(matches!(short, Err(ServiceError::Invalid(ref e)) if e.field == "secret"));
    let given = "JZVJpRVJtBpfL9eXCPoUt6dQ8KyLXS6xm3e7dEHJZKXqrQoeWN4vFmgnGATeUF0J";
    let made = store
        .create_connection_with_secret(
            None,
            &squad.slug,
            ConnectionKind::Pagerduty,
            "on-call",
            ConnectionOptions::default(),
            Some(given),
        )
        .await
        .unwrap();
    assert_eq!(made.secret, given);
    let hook = store
        .hook_connection(ConnectionKind::Pagerduty, &made.connection.id)
        .await
        .unwrap()
        .unwrap();
    let checkpoint_core::store::connections::Verifier::Secret(secret) = hook.verifier else {
        panic!()
    };
    assert_eq!(secret, given);
}

on_both_backends!(
    a_deployment_brings_the_commits_pushed_up_to_its_sha,
    a_refused_delivery_stores_nothing_but_its_log_line,
    the_log_keeps_the_last_fifty_and_the_connection_its_last,
    secrets_rest_hashed_or_sealed_and_revoking_closes_the_door,
    pagerduty_takes_its_own_signing_secret,
);
