//! The store's behaviour, run identically on SQLite and PostgreSQL.

use checkpoint_test_support::on_both_backends;

use checkpoint_core::accounts::{CurrentUser, Role};
use checkpoint_core::dora::Benchmark;
use checkpoint_core::measured::{measure, BoundedWindow, Commit, Deployment, Incident, Status, Window, DAY_MS};
use checkpoint_core::store::measured::Reader;
use checkpoint_core::store::squads::SquadForm;
use checkpoint_core::store::{ServiceError, Store};

fn actor(role: Role) -> CurrentUser {
    CurrentUser {
        id: "actor".into(),
        username: "actor".into(),
        role,
    }
}

async fn migrations_are_idempotent(store: Store) {
    store.migrate().await.expect("second migrate is a no-op");
    assert!(store.ping().await);
}

async fn accounts_sign_in_and_out(store: Store) {
    store
        .create_user(None, "Alice", "correct horse battery", Role::Facilitator)
        .await
        .unwrap();
    let dup = store
        .create_user(None, "alice", "another password!", Role::Viewer)
        .await
        .unwrap_err();
    assert!(
        matches!(dup, ServiceError::Conflict(ref e) if e.field == "username"),
        "{dup:?}"
    );

    let wrong = store
        .sign_in("alice", "wrong password", "10.0.0.1")
        .await
        .err()
        .unwrap();
    assert_eq!(wrong.field(), Some("password"));
    let session = store
        .sign_in(" ALICE ", "correct horse battery", "10.0.0.1")
        .await
        .ok()
        .unwrap();
    assert_eq!(session.user.role, Role::Facilitator);
    let me = store.session_user(&session.token).await.unwrap().expect("live session");
    assert_eq!(me.username, "alice");
    assert_eq!(store.session_user("not-a-token").await.unwrap(), None);
    store.sign_out(&session.token).await.unwrap();
    assert_eq!(store.session_user(&session.token).await.unwrap(), None);
}

async fn failed_sign_ins_slow_that_name_from_that_address_only(store: Store) {
    store
        .create_user(None, "bob", "correct horse battery", Role::Viewer)
        .await
        .unwrap();
    for _ in 0..5 {
        let e = store.sign_in("bob", "guess", "10.0.0.2").await.err().unwrap();
        assert_eq!(e.field(), Some("password"));
    }
    // The guessing address waits, even with the right password ...
    let limited = store
        .sign_in("bob", "correct horse battery", "10.0.0.2")
        .await
        .err()
        .unwrap();
    assert!(
        matches!(limited, ServiceError::RateLimited { retry_after_secs } if (1..=5).contains(&retry_after_secs)),
        "{limited:?}"
    );
    // ... the account's owner elsewhere does not: no lockout.
    assert!(store.sign_in("bob", "correct horse battery", "10.0.0.3").await.is_ok());
    // Another user at the guessing address is unaffected.
    store
        .create_user(None, "carol", "correct horse battery", Role::Viewer)
        .await
        .unwrap();
    assert!(store
        .sign_in("carol", "correct horse battery", "10.0.0.2")
        .await
        .is_ok());
}

async fn parallel_wrong_passwords_are_counted_before_they_are_checked(store: Store) {
    use checkpoint_core::store::throttle::sign_in_key;
    store
        .create_user(None, "dave", "correct horse battery", Role::Viewer)
        .await
        .unwrap();
    let tries: Vec<_> = (0..30)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.sign_in("dave", "guess", "10.0.0.4").await.err().unwrap() })
        })
        .collect();
    let mut checked = 0;
    for t in tries {
        if !matches!(t.await.unwrap(), ServiceError::RateLimited { .. }) {
            checked += 1;
        }
    }
    assert!(
        (1..=5).contains(&checked),
        "{checked} of 30 parallel guesses were checked"
    );
    assert_eq!(
        store.counted_failures(&sign_in_key("10.0.0.4", "dave")).await.unwrap(),
        checked,
        "each checked guess counted once, refused ones not at all"
    );
}

async fn setup_token_makes_exactly_one_first_admin(store: Store) {
    let token = store.issue_setup_token().await.unwrap().expect("no admin yet");
    let bad = store
        .complete_setup("nope", "root", "long enough password")
        .await
        .err()
        .unwrap();
    assert_eq!(bad.field(), Some("token"));
    assert!(!store.admin_exists().await.unwrap(), "a refused setup changes nothing");
    let weak = store.complete_setup(&token, "root", "short").await.err().unwrap();
    assert_eq!(weak.field(), Some("password"));
    let session = store
        .complete_setup(&token, "root", "long enough password")
        .await
        .ok()
        .unwrap();
    assert_eq!(session.user.role, Role::Admin);
    assert!(
        store
            .complete_setup(&token, "root2", "long enough password")
            .await
            .is_err(),
        "the token is single use"
    );
    assert_eq!(
        store.issue_setup_token().await.unwrap(),
        None,
        "no token once an admin exists"
    );
}

async fn roles_and_the_last_admin(store: Store) {
    let admin = store
        .create_user(None, "admin", "long enough password", Role::Admin)
        .await
        .unwrap();
    let admin_actor = CurrentUser {
        id: admin.id.clone(),
        username: admin.username.clone(),
        role: Role::Admin,
    };
    let viewer = store
        .create_user(Some(&admin_actor), "vic", "long enough password", Role::Viewer)
        .await
        .unwrap();
    assert!(matches!(
        store.list_users(&actor(Role::Viewer)).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        store
            .create_user(
                Some(&actor(Role::Facilitator)),
                "eve",
                "long enough password",
                Role::Admin
            )
            .await,
        Err(ServiceError::Forbidden)
    ));
    let last = store.set_role(&admin_actor, &admin.id, Role::Viewer).await.unwrap_err();
    assert_eq!(last.field(), Some("role"));
    store
        .set_role(&admin_actor, &viewer.id, Role::Facilitator)
        .await
        .unwrap();
    let users = store.list_users(&admin_actor).await.unwrap();
    assert_eq!(
        users.iter().map(|u| (u.username.as_str(), u.role)).collect::<Vec<_>>(),
        [("admin", Role::Admin), ("vic", Role::Facilitator)]
    );
    assert!(matches!(
        store.set_role(&admin_actor, "missing", Role::Viewer).await,
        Err(ServiceError::NotFound(_))
    ));
}

async fn squads_and_tribes(store: Store) {
    let facilitator = actor(Role::Facilitator);
    let form = |name: &str, tribe: &str| SquadForm::parse(name, tribe, Some("finance")).unwrap();
    let a = store
        .create_squad(Some(&facilitator), form("Payments Core", "Money"))
        .await
        .unwrap();
    assert_eq!(a.slug, "payments-core");
    let b = store
        .create_squad(None, form("Payments  core!", "money"))
        .await
        .unwrap();
    assert_eq!(b.slug, "payments-core-2", "a taken slug gets a suffix");
    assert_eq!(
        store.list_tribes().await.unwrap(),
        ["Money"],
        "tribe names match case-insensitively"
    );

    let denied = store
        .create_squad(Some(&actor(Role::Viewer)), form("Nope", "Money"))
        .await;
    assert!(matches!(denied, Err(ServiceError::Forbidden)));
    assert_eq!(
        store.list_squads().await.unwrap().len(),
        2,
        "a refused create stores nothing"
    );

    let edited = store
        .update_squad(
            &facilitator,
            "payments-core",
            SquadForm::parse("Payments", "Platform", Some("retail")).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            edited.slug.as_str(),
            edited.name.as_str(),
            edited.tribe.as_str(),
            edited.industry.id()
        ),
        ("payments-core", "Payments", "Platform", "retail")
    );
    assert!(matches!(
        store.squad("nope").await,
        Err(ServiceError::NotFound("squad"))
    ));
    assert_eq!(
        SquadForm::parse("x", "y", Some("farming")).unwrap_err().field,
        "industry"
    );
}

async fn tribes_can_be_renamed(store: Store) {
    use checkpoint_core::names::DisplayName;
    let facilitator = actor(Role::Facilitator);
    let name = |n: &str| DisplayName::parse("new_name", n).unwrap();
    store
        .create_squad(None, SquadForm::parse("Alpha", "Money", None).unwrap())
        .await
        .unwrap();
    store
        .create_squad(None, SquadForm::parse("Beta", "Platform", None).unwrap())
        .await
        .unwrap();
    store
        .rename_tribe(&facilitator, "money", &name("Payments"))
        .await
        .unwrap();
    assert_eq!(
        store.squad("alpha").await.unwrap().tribe,
        "Payments",
        "squads follow their tribe"
    );
    let taken = store
        .rename_tribe(&facilitator, "Payments", &name("platform"))
        .await
        .unwrap_err();
    assert_eq!(taken.field(), Some("new_name"));
    assert!(matches!(
        store.rename_tribe(&actor(Role::Viewer), "Payments", &name("X")).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        store.rename_tribe(&facilitator, "Nope", &name("X")).await,
        Err(ServiceError::NotFound("tribe"))
    ));
    store
        .rename_tribe(&facilitator, "payments", &name("PAYMENTS"))
        .await
        .unwrap();
    assert_eq!(
        store.list_tribes().await.unwrap(),
        ["PAYMENTS", "Platform"],
        "a change of case is allowed"
    );
}

fn at(days_before_end: f64) -> String {
    let end = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z").unwrap();
    (end - chrono::Duration::milliseconds((days_before_end * 86_400_000.0) as i64)).to_rfc3339()
}

fn window(days: i64) -> Window {
    let to = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
        .unwrap()
        .timestamp_millis();
    Window {
        from: to - days * DAY_MS,
        to,
    }
}

/// A window as a request would hand it to the store.
fn ask(w: Window) -> BoundedWindow {
    BoundedWindow::parse(w.from, w.to).unwrap()
}

async fn api_tokens_are_hashed_scoped_and_revocable(store: Store) {
    let facilitator = actor(Role::Facilitator);
    store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_api_token(Some(&actor(Role::Viewer)), "payments", "ci")
            .await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        store.create_api_token(None, "nope", "ci").await,
        Err(ServiceError::NotFound("squad"))
    ));
    let new = store
        .create_api_token(Some(&facilitator), "payments", "GitHub Actions")
        .await
        .unwrap();
    assert!(new.secret.starts_with("cpt_") && new.secret.len() > 60);
    let stored: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{}'",
        new.secret
    )))
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(stored, 0, "the secret itself is never stored");
    let squad = store
        .authenticate_token(&new.secret)
        .await
        .unwrap()
        .expect("a valid token");
    assert_eq!(squad.slug, "payments");
    assert!(store.authenticate_token("cpt_wrong").await.unwrap().is_none());
    let listed = store.list_api_tokens(&facilitator, "payments").await.unwrap();
    assert_eq!(
        (listed.len(), listed[0].name.as_str(), listed[0].created_by.as_str()),
        (1, "GitHub Actions", "actor")
    );
    assert!(listed[0].last_used_at.is_some(), "use is recorded");
    assert!(new.secret.starts_with(&listed[0].hint));
    store
        .revoke_api_token(&facilitator, "payments", &new.token.id)
        .await
        .unwrap();
    assert!(
        store.authenticate_token(&new.secret).await.unwrap().is_none(),
        "a revoked token admits nothing"
    );
    assert!(matches!(
        store.revoke_api_token(&facilitator, "payments", &new.token.id).await,
        Err(ServiceError::NotFound("token"))
    ));
    // A token reads its own squad only; another squad is not found.
    store
        .create_squad(None, SquadForm::parse("Search", "Money", None).unwrap())
        .await
        .unwrap();
    let other = store.create_api_token(None, "search", "cli").await.unwrap();
    let other = store.authenticate_token(&other.secret).await.unwrap().unwrap();
    assert!(matches!(
        store.metrics_scope(Reader::Token(&other), Some("payments"), None).await,
        Err(ServiceError::NotFound("squad"))
    ));
    assert_eq!(
        store
            .metrics_scope(Reader::Token(&other), None, None)
            .await
            .unwrap()
            .slug,
        "search"
    );
}

fn deployment(
    id: &str,
    service: &str,
    env: &str,
    status: &str,
    finished: f64,
    commits: &[(&str, f64)],
) -> serde_json::Value {
    serde_json::json!({
        "id": id, "service": service, "environment": env, "status": status,
        "started_at": at(finished + 0.01), "finished_at": at(finished),
        "commits": commits.iter().map(|(sha, c)| serde_json::json!({"sha": sha, "committed_at": at(*c)})).collect::<Vec<_>>(),
        "stages": [{"name": "build", "started_at": at(finished + 0.01), "finished_at": at(finished + 0.005)}],
    })
}

/// The store fetches only the window's slice of history; what it computes
/// must equal `measure` over every event ever sent.
async fn measured_metrics_match_the_pure_computation_over_all_events(store: Store) {
    store
        .create_squad(None, SquadForm::parse("Payments", "Money", None).unwrap())
        .await
        .unwrap();
    let token = store.create_api_token(None, "payments", "ci").await.unwrap();
    let squad = store.authenticate_token(&token.secret).await.unwrap().unwrap();
    let deployments = serde_json::json!({ "deployments": [
        // Before the window: x first reaches production here.
        deployment("old", "api", "production", "success", 40.0, &[("x", 41.0)]),
        deployment("older-fail", "api", "production", "failure", 45.0, &[("w", 46.0)]),
        deployment("d1", "api", "production", "success", 20.0, &[("a", 20.5), ("x", 41.0)]),
        deployment("d2", "api", "prod", "failure", 15.0, &[("b", 16.0)]),
        deployment("d3", "api", "production", "success", 14.0, &[("b", 16.0), ("w", 46.0)]),
        deployment("d4", "api", "production", "success", 3.0, &[("a", 20.5), ("c", 3.1)]),
        deployment("s1", "api", "staging", "success", 25.0, &[("s", 26.0)]),
        deployment("web1", "web", "production", "success", 10.0, &[("y", 12.0)]),
        deployment("web2", "web", "production", "success", 9.5, &[]),
    ]});
    let events = checkpoint_core::ingest::json::deployments(deployments.to_string().as_bytes()).unwrap();
    let first = store.ingest_deployments(&squad, events.clone()).await.unwrap();
    assert_eq!((first.created, first.updated), (9, 0));
    // Re-sending updates and never duplicates: d2 turns out to have succeeded.
    let resend = checkpoint_core::ingest::json::deployments(
        deployment("d2", "api", "prod", "success", 15.0, &[("b", 16.0)])
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let again = store.ingest_deployments(&squad, resend.clone()).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 1));
    let incidents = serde_json::json!({ "incidents": [
        {"id": "i1", "service": "api", "opened_at": at(13.0), "resolved_at": at(12.5)},
        {"id": "i2", "service": "web", "opened_at": at(9.0), "started_at": at(9.2), "deployment_id": "web1", "resolved_at": at(8.0)},
        {"id": "i3", "service": "api", "opened_at": at(2.0), "commit_sha": "c"},
        {"id": "i4", "service": "api", "opened_at": at(60.0), "resolved_at": at(59.0)},
    ]});
    let incident_events = checkpoint_core::ingest::json::incidents(incidents.to_string().as_bytes()).unwrap();
    assert_eq!(
        store
            .ingest_incidents(&squad, incident_events.clone())
            .await
            .unwrap()
            .created,
        4
    );

    // The same events, all of them, through the pure computation.
    let mut all: Vec<Deployment> = events.iter().chain(resend.iter()).map(to_measured).collect();
    all.retain(|d| !(d.id == "d2" && d.status == Status::Failure));
    let all_incidents: Vec<Incident> = incident_events
        .iter()
        .map(|i| Incident {
            id: i.id.clone(),
            service: i.service.clone(),
            opened_at: i.opened_at,
            started_at: i.started_at,
            resolved_at: i.resolved_at,
            deployment_id: i.deployment_id.clone(),
            commit_sha: i.commit_sha.clone(),
            source: checkpoint_core::measured::Source::Api,
            choice: None,
        })
        .collect();
    let user = actor(Role::Viewer);
    for days in [30, 91, 5] {
        let scope = store
            .metrics_scope(Reader::User(&user), Some("payments"), None)
            .await
            .unwrap();
        let stored = store
            .measure(&scope, ask(window(days)), Benchmark::default())
            .await
            .unwrap();
        let pure = measure(&all, &all_incidents, window(days), Benchmark::default());
        assert_eq!(stored, pure, "squad over {days} days");
    }
    let m = store
        .measure(
            &store
                .metrics_scope(Reader::User(&user), Some("payments"), None)
                .await
                .unwrap(),
            ask(window(30)),
            Benchmark::default(),
        )
        .await
        .unwrap();
    // a, b, c, w (first deployed in the window) and y; x was first deployed before it.
    assert_eq!(m.lead_time.changes, 5);
    // d1, d2, d3, d4, web1, web2: six attempts; d3 (i1 inferred), web1 (i2 explicit), d4 (i3 by sha) failed.
    assert_eq!(
        (
            m.change_failure_rate.failed,
            m.change_failure_rate.total,
            m.change_failure_rate.percent
        ),
        (3, 6, Some(50))
    );
    assert_eq!(m.time_to_restore.incidents, 2);
    assert_eq!(m.deployment_frequency.deployments, 6);
    let web = store
        .metrics_scope(Reader::User(&user), None, Some("web"))
        .await
        .unwrap();
    let web_pure: Vec<Deployment> = all.iter().filter(|d| d.service == "web").cloned().collect();
    let web_incidents: Vec<Incident> = all_incidents.iter().filter(|i| i.service == "web").cloned().collect();
    assert_eq!(
        store
            .measure(&web, ask(window(30)), Benchmark::default())
            .await
            .unwrap(),
        measure(&web_pure, &web_incidents, window(30), Benchmark::default())
    );

    let page = store
        .squad_metrics(
            &store
                .metrics_scope(Reader::User(&user), Some("payments"), None)
                .await
                .unwrap(),
            ask(window(30)),
            Benchmark::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.weeks.len(), 4);
    assert_eq!(
        page.services.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["api", "web"]
    );
    assert_eq!(
        (page.stages.len(), page.stages[0].name.as_str(), page.stages[0].runs),
        (1, "build", 6)
    );
    assert_eq!(page.total_deployments, 9);
    let board = store.leaderboard(ask(window(30)), None).await.unwrap();
    let api = board
        .iter()
        .find(|r| r.service == "api" && r.environment == "production")
        .unwrap();
    assert_eq!(
        (api.deployments, api.tribe.as_str()),
        (4, "Money"),
        "d2 went to \"prod\": production too, one row"
    );
    assert_eq!(
        api.mean_duration_seconds.map(f64::round),
        Some(864.0),
        "each took 0.01 day"
    );
    assert!(
        board.iter().any(|r| r.environment == "staging" && r.deployments == 1),
        "other environments are listed too"
    );
    assert!(store
        .leaderboard(ask(window(30)), Some("Nobody"))
        .await
        .unwrap()
        .is_empty());
}

fn to_measured(d: &checkpoint_core::ingest::DeploymentEvent) -> Deployment {
    Deployment {
        id: d.id.clone(),
        service: d.service.clone(),
        environment: d.environment.clone(),
        status: d.status,
        started_at: d.started_at,
        finished_at: d.finished_at,
        commits: d
            .commits
            .iter()
            .map(|c| Commit {
                sha: c.sha.clone(),
                committed_at: c.committed_at,
            })
            .collect(),
        rework: d.rework,
        source: checkpoint_core::measured::Source::Api,
    }
}

fn to_incident(i: &checkpoint_core::ingest::IncidentEvent) -> Incident {
    Incident {
        id: i.id.clone(),
        service: i.service.clone(),
        opened_at: i.opened_at,
        started_at: i.started_at,
        resolved_at: i.resolved_at,
        deployment_id: i.deployment_id.clone(),
        commit_sha: i.commit_sha.clone(),
        source: checkpoint_core::measured::Source::Api,
        choice: None,
    }
}

/// Sends deployments and incidents for a new squad; returns them as `measure` sees them.
async fn send(
    store: &Store,
    squad: &str,
    deployments: serde_json::Value,
    incidents: serde_json::Value,
) -> (Vec<Deployment>, Vec<Incident>) {
    let slug = store
        .create_squad(None, SquadForm::parse(squad, "Money", None).unwrap())
        .await
        .unwrap()
        .slug;
    let token = store.create_api_token(None, &slug, "ci").await.unwrap();
    let squad = store.authenticate_token(&token.secret).await.unwrap().unwrap();
    let empty = |v: &serde_json::Value| v.as_array().is_some_and(Vec::is_empty);
    let d = if empty(&deployments) {
        Vec::new()
    } else {
        checkpoint_core::ingest::json::deployments(
            serde_json::json!({ "deployments": deployments }).to_string().as_bytes(),
        )
        .unwrap()
    };
    let i = if empty(&incidents) {
        Vec::new()
    } else {
        checkpoint_core::ingest::json::incidents(serde_json::json!({ "incidents": incidents }).to_string().as_bytes())
            .unwrap()
    };
    if !d.is_empty() {
        store.ingest_deployments(&squad, d.clone()).await.unwrap();
    }
    if !i.is_empty() {
        store.ingest_incidents(&squad, i.clone()).await.unwrap();
    }
    (d.iter().map(to_measured).collect(), i.iter().map(to_incident).collect())
}

/// Windows that end in the past, with incidents after them and links to
/// deployments outside them: the store links each incident against the
/// whole history, as the definition does, and the weeks add up.
async fn past_windows_link_incidents_against_the_whole_history(store: Store) {
    // A deployment a day of api for 91 days (ending at the test's "end"), every
    // seventh one failing; a second service, web, every other day.
    let mut deployments = Vec::new();
    for k in 0..91 {
        let day = k as f64 + 0.5;
        deployments.push(deployment(
            &format!("api-{k}"),
            "api",
            "production",
            if k % 7 == 3 { "failure" } else { "success" },
            day,
            &[(&format!("a{k}"), day + 0.2)],
        ));
        if k % 2 == 0 {
            deployments.push(deployment(
                &format!("web-{k}"),
                "web",
                "production",
                "success",
                day + 0.1,
                &[(&format!("w{k}"), day + 0.3)],
            ));
        }
    }
    // An incident a day shortly after each api deployment (inferred onto it),
    // plus explicit and commit links that reach back across windows.
    let mut incidents: Vec<serde_json::Value> = (0..91).filter(|k| k % 2 == 1).map(|k| serde_json::json!({"id": format!("inc-{k}"), "service": "api", "opened_at": at(k as f64 + 0.4), "resolved_at": at(k as f64 + 0.3)})).collect();
    incidents.push(
        serde_json::json!({"id": "explicit-old", "service": "web", "opened_at": at(1.0), "deployment_id": "api-80"}),
    );
    incidents
        .push(serde_json::json!({"id": "commit-old", "service": "api", "opened_at": at(2.0), "commit_sha": "w70"}));
    incidents.push(serde_json::json!({"id": "unknown-sha", "service": "api", "opened_at": at(50.2), "commit_sha": "never-deployed"}));
    incidents.push(
        serde_json::json!({"id": "unknown-id", "service": "web", "opened_at": at(60.0), "deployment_id": "nope"}),
    );
    let (all, all_incidents) = send(
        &store,
        "Payments",
        serde_json::Value::Array(deployments),
        serde_json::Value::Array(incidents),
    )
    .await;
    let user = actor(Role::Viewer);
    let scope = store
        .metrics_scope(Reader::User(&user), Some("payments"), None)
        .await
        .unwrap();
    let end = window(0).to;
    for (ends_days_in, days) in [(45, 91), (62, 91), (30, 28), (91, 91), (45, 14)] {
        let to = end - (91 - ends_days_in) * DAY_MS;
        let w = Window {
            from: to - days * DAY_MS,
            to,
        };
        let stored = store.measure(&scope, ask(w), Benchmark::default()).await.unwrap();
        let pure = measure(&all, &all_incidents, w, Benchmark::default());
        assert_eq!(
            stored, pure,
            "window of {days} days ending {ends_days_in} days into the history"
        );
        let page = store.squad_metrics(&scope, ask(w), Benchmark::default()).await.unwrap();
        assert_eq!(page.overall, pure);
        if days % 7 == 0 {
            let failed: usize = page.weeks.iter().map(|m| m.change_failure_rate.failed).sum();
            let total: usize = page.weeks.iter().map(|m| m.change_failure_rate.total).sum();
            assert_eq!(
                (failed, total),
                (pure.change_failure_rate.failed, pure.change_failure_rate.total),
                "the weeks add up ({days} days ending at day {ends_days_in})"
            );
        }
        for service in ["api", "web"] {
            let one = store
                .metrics_scope(Reader::User(&user), Some("payments"), Some(service))
                .await
                .unwrap();
            let d: Vec<Deployment> = all.iter().filter(|d| d.service == service).cloned().collect();
            let i: Vec<Incident> = all_incidents.iter().filter(|i| i.service == service).cloned().collect();
            assert_eq!(
                store.measure(&one, ask(w), Benchmark::default()).await.unwrap(),
                measure(&d, &i, w, Benchmark::default()),
                "{service}"
            );
        }
    }
    // The window ending at day 45: its failures are its own failed attempts and
    // the incidents that began in it, none of the later ones.
    let to = end - 46 * DAY_MS;
    let m = store
        .measure(
            &scope,
            ask(Window {
                from: to - 91 * DAY_MS,
                to,
            }),
            Benchmark::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        m.change_failure_rate.answer.as_deref(),
        measure(
            &all,
            &all_incidents,
            Window {
                from: to - 91 * DAY_MS,
                to
            },
            Benchmark::default()
        )
        .change_failure_rate
        .answer
        .as_deref()
    );
    assert!(
        m.change_failure_rate.failed < m.change_failure_rate.total,
        "{:?}",
        m.change_failure_rate
    );
}

/// Random histories and random windows: the store (reading the window and
/// what its links need) and the definition over the whole history agree, for
/// the squad and for each service. Cases are drawn with proptest's
/// deterministic runner (no shrinking: each case is a squad in one database).
async fn the_store_and_the_definition_agree_on_random_histories(store: Store) {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    const SHAS: usize = 12;
    const DAYS: f64 = 120.0;
    // A sha is committed at a fixed time: sha k at day DAYS - 10 k (days before the end).
    let sha_at = |k: usize| DAYS - 10.0 * k as f64;
    let deployment_strategy = (
        0.0..DAYS,
        0..5usize,
        0..3usize,
        0..2usize,
        proptest::collection::vec(0..SHAS, 0..3),
        proptest::bool::weighted(0.3),
    );
    let incident_strategy = (
        0.0..DAYS + 5.0,
        proptest::option::of(0.0..2.0),
        proptest::option::of(0.0..3.0),
        0..2usize,
        proptest::option::of(0..40usize),
        proptest::option::of(0..SHAS + 2),
    );
    let history = (
        proptest::collection::vec(deployment_strategy, 0..30),
        proptest::collection::vec(incident_strategy, 0..15),
        proptest::collection::vec((-5.0..DAYS, 1.0..100.0), 4),
    );
    let mut runner = TestRunner::deterministic();
    let user = actor(Role::Viewer);
    for case in 0..24 {
        let (ds, is, windows) = history.new_tree(&mut runner).unwrap().current();
        let services = ["api", "web"];
        let deployments: Vec<serde_json::Value> = ds
            .iter()
            .enumerate()
            .map(|(k, (before_end, env, status, service, shas, rework))| {
                let env = ["production", "prod", "Production", "staging", "production"][*env];
                let status = ["success", "success", "failure"][*status];
                let mut shas: Vec<usize> = shas.iter().copied().filter(|s| sha_at(*s) >= *before_end).collect();
                shas.sort_unstable();
                shas.dedup();
                let commits: Vec<(String, f64)> = shas.iter().map(|s| (format!("c{s}"), sha_at(*s))).collect();
                let commits: Vec<(&str, f64)> = commits.iter().map(|(s, t)| (s.as_str(), *t)).collect();
                let mut d = deployment(&format!("d{k}"), services[*service], env, status, *before_end, &commits);
                d["rework"] = serde_json::json!(rework);
                d
            })
            .collect();
        let incidents: Vec<serde_json::Value> = is
            .iter()
            .enumerate()
            .map(|(k, (opened, started_earlier, resolved_after, service, deployment_id, sha))| {
                let mut i = serde_json::json!({"id": format!("i{k}"), "service": services[*service], "opened_at": at(*opened)});
                if let Some(e) = started_earlier {
                    i["started_at"] = serde_json::json!(at(opened + e));
                }
                if let Some(r) = resolved_after {
                    i["resolved_at"] = serde_json::json!(at(opened - r));
                }
                if let Some(d) = deployment_id {
                    i["deployment_id"] = serde_json::json!(format!("d{d}")); // beyond the count: names nothing
                }
                if let Some(s) = sha {
                    i["commit_sha"] = serde_json::json!(format!("c{s}"));
                }
                i
            })
            .collect();
        let (all, all_incidents) = send(
            &store,
            &format!("Squad {case}"),
            serde_json::Value::Array(deployments),
            serde_json::Value::Array(incidents),
        )
        .await;
        let slug = format!("squad-{case}");
        let end = window(0).to;
        for (ends_before, days) in &windows {
            let to = end - (ends_before * DAY_MS as f64) as i64;
            let w = Window {
                from: to - (days * DAY_MS as f64) as i64,
                to,
            };
            let scope = store
                .metrics_scope(Reader::User(&user), Some(&slug), None)
                .await
                .unwrap();
            let stored = store.measure(&scope, ask(w), Benchmark::default()).await.unwrap();
            assert_eq!(
                stored,
                measure(&all, &all_incidents, w, Benchmark::default()),
                "case {case}, window {w:?}:\n{all:#?}\n{all_incidents:#?}"
            );
            for service in services {
                let Ok(one) = store
                    .metrics_scope(Reader::User(&user), Some(&slug), Some(service))
                    .await
                else {
                    continue;
                };
                let d: Vec<Deployment> = all.iter().filter(|d| d.service == service).cloned().collect();
                let i: Vec<Incident> = all_incidents.iter().filter(|i| i.service == service).cloned().collect();
                assert_eq!(
                    store.measure(&one, ask(w), Benchmark::default()).await.unwrap(),
                    measure(&d, &i, w, Benchmark::default()),
                    "case {case}, {service}, window {w:?}"
                );
            }
        }
    }
}

/// The leaderboard reads per-day totals that the database keeps as
/// deployments arrive and are sent again changed (another day, service,
/// environment or outcome). Over whole-day windows its rows must be what the
/// definition gives over the deployments as they stand.
async fn the_leaderboard_follows_every_change_to_a_deployment(store: Store) {
    use checkpoint_core::ingest::DeploymentEvent;
    use checkpoint_core::measured::{deployment_frequency, is_production};
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let version = (
        0.0..260.0f64,
        0..5usize,
        0..3usize,
        0..2usize,
        proptest::option::of(0.001..0.05f64),
    );
    let history = (
        proptest::collection::vec(version.clone(), 1..40),
        proptest::collection::vec((0..40usize, version), 0..20),
        // Windows: whole days, ending 0..40 days before the end, 1..220 days long.
        proptest::collection::vec((0..40i64, 1..220i64), 4),
    );
    let mut runner = TestRunner::deterministic();
    for case in 0..12 {
        let (first, changes, windows) = history.new_tree(&mut runner).unwrap().current();
        let json = |k: usize, (before_end, env, status, service, took): &(f64, usize, usize, usize, Option<f64>)| {
            let env = ["production", "prod", "Production", "staging", "qa"][*env];
            let status = ["success", "success", "failure"][*status];
            let mut d = deployment(
                &format!("d{k}"),
                ["api", "web"][*service],
                env,
                status,
                *before_end,
                &[],
            );
            match took {
                Some(t) => d["started_at"] = serde_json::json!(at(before_end + t)),
                None => _ = d.as_object_mut().unwrap().remove("started_at"),
            }
            d
        };
        let parse = |list: Vec<serde_json::Value>| {
            checkpoint_core::ingest::json::deployments(
                serde_json::json!({ "deployments": list }).to_string().as_bytes(),
            )
            .unwrap()
        };
        let tribe = format!("Case {case}");
        let slug = store
            .create_squad(None, SquadForm::parse(&format!("Board {case}"), &tribe, None).unwrap())
            .await
            .unwrap()
            .slug;
        let token = store.create_api_token(None, &slug, "ci").await.unwrap();
        let squad = store.authenticate_token(&token.secret).await.unwrap().unwrap();
        let mut stored: std::collections::BTreeMap<String, DeploymentEvent> = Default::default();
        let initial = parse(first.iter().enumerate().map(|(k, v)| json(k, v)).collect());
        store.ingest_deployments(&squad, initial.clone()).await.unwrap();
        stored.extend(initial.into_iter().map(|d| (d.id.clone(), d)));
        // Each change sent alone, so one deployment may move more than once.
        for (k, v) in &changes {
            let k = k % first.len();
            let again = parse(vec![json(k, v)]);
            assert_eq!(
                store.ingest_deployments(&squad, again.clone()).await.unwrap().updated,
                1
            );
            stored.extend(again.into_iter().map(|d| (d.id.clone(), d)));
        }
        let end = window(0).to;
        for (ends_before, days) in &windows {
            let to = end - ends_before * DAY_MS;
            let w = Window {
                from: to - days * DAY_MS,
                to,
            };
            let environment = |d: &DeploymentEvent| {
                if is_production(&d.environment) {
                    "production".to_string()
                } else {
                    d.environment.clone()
                }
            };
            let mut groups: std::collections::BTreeMap<(String, String), Vec<&DeploymentEvent>> = Default::default();
            for d in stored.values() {
                groups.entry((d.service.clone(), environment(d))).or_default().push(d);
            }
            let mut expected = Vec::new();
            for ((service, environment), list) in groups {
                let inside: Vec<&&DeploymentEvent> = list.iter().filter(|d| w.contains(d.finished_at)).collect();
                let successes: Vec<i64> = list
                    .iter()
                    .filter(|d| d.status == Status::Success)
                    .map(|d| d.finished_at)
                    .collect();
                let recent_before = successes.iter().any(|t| *t >= to - 182 * DAY_MS && *t < w.from);
                if inside.is_empty() && !recent_before {
                    continue;
                }
                let timed: Vec<i64> = inside
                    .iter()
                    .filter_map(|d| d.started_at.map(|s| d.finished_at - s))
                    .collect();
                expected.push((
                    service,
                    environment,
                    inside.len(),
                    (!timed.is_empty()).then(|| timed.iter().sum::<i64>() / timed.len() as i64),
                    deployment_frequency(&successes, inside.len(), w).answer,
                ));
            }
            let board = store.leaderboard(ask(w), Some(&tribe)).await.unwrap();
            let actual: Vec<_> = board
                .iter()
                .map(|r| {
                    assert_eq!((r.squad.as_str(), r.tribe.as_str()), (slug.as_str(), tribe.as_str()));
                    (
                        r.service.clone(),
                        r.environment.clone(),
                        r.deployments,
                        // Whole milliseconds: the mean of whole milliseconds, floored.
                        r.mean_duration_seconds.map(|s| (s * 1000.0 + 1e-6).floor() as i64),
                        r.frequency_answer.clone(),
                    )
                })
                .collect();
            assert_eq!(actual, expected, "case {case}, window {w:?}: {stored:#?}");
        }
    }
}

/// Section 7.6 on a small history: rework among the successes, and recovery
/// over an incident tied to a deployment and a failure the next success
/// recovered; a failure never recovered counts nowhere.
async fn rework_and_recovery_as_section_7_6_defines_them(store: Store) {
    let deployments = serde_json::json!([
        // api: a success (a hotfix), then an incident 30 minutes long inferred onto it.
        deployment("a1", "api", "production", "success", 20.0, &[]),
        // web: a failure just before the 30-day window, recovered 3 hours later
        // (inside the window) by the next success, itself a rework.
        deployment("w1", "web", "production", "failure", 30.1, &[]),
        deployment("w2", "web", "production", "success", 30.1 - 0.125, &[]),
        deployment("w3", "web", "production", "success", 10.0, &[]),
        // web: a failure with no success after it: never recovered.
        deployment("w4", "web", "production", "failure", 2.0, &[]),
        // A rework to staging is not counted.
        deployment("s1", "web", "staging", "success", 5.0, &[]),
    ]);
    let mut deployments = deployments.as_array().unwrap().clone();
    for (k, rework) in [(0, true), (2, true), (5, true)] {
        deployments[k]["rework"] = serde_json::json!(rework);
    }
    let incidents = serde_json::json!([
        {"id": "i1", "service": "api", "opened_at": at(19.0), "resolved_at": at(19.0 - 1.0 / 48.0)},
    ]);
    let (all, all_incidents) = send(&store, "Payments", serde_json::Value::Array(deployments), incidents).await;
    let user = actor(Role::Viewer);
    let scope = store
        .metrics_scope(Reader::User(&user), Some("payments"), None)
        .await
        .unwrap();
    let w = window(30);
    let m = store.measure(&scope, ask(w), Benchmark::default()).await.unwrap();
    assert_eq!(m, measure(&all, &all_incidents, w, Benchmark::default()));
    // a1, w2 and w3 succeeded in the window; a1 and w2 are rework: 67 %.
    assert_eq!(
        (m.rework_rate.rework, m.rework_rate.deployments, m.rework_rate.percent),
        (2, 3, Some(67))
    );
    let r = &m.failed_deployment_recovery;
    assert_eq!((r.incidents, r.failed_deployments), (1, 1), "{r:?}");
    // 30 minutes and 3 hours: the median is their mean, 105 minutes.
    assert_eq!(r.median_seconds, Some(105.0 * 60.0));
    assert_eq!(r.answer.as_deref(), Some("less_than_one_day"));
    // Nothing recovered or resolved: no answer, never a made-up one.
    let quiet = store
        .measure(&scope, ask(window(1)), Benchmark::default())
        .await
        .unwrap();
    assert_eq!(quiet.failed_deployment_recovery.answer, None);
    assert_eq!(quiet.rework_rate.percent, None);
}

async fn squads_keep_an_optional_organisation_size(store: Store) {
    use checkpoint_core::dora::current::benchmarks::OrgSizeKey;
    let facilitator = actor(Role::Facilitator);
    let form = |size: Option<&str>| {
        SquadForm::parse("Ledger", "Money", Some("financial_services"))
            .unwrap()
            .with_org_size(size)
            .unwrap()
    };
    let made = store
        .create_squad(Some(&facilitator), form(Some("fewer_than_500")))
        .await
        .unwrap();
    assert_eq!(made.org_size, Some(OrgSizeKey::FewerThan500));
    let read = store.squad("ledger").await.unwrap();
    assert_eq!(
        (read.org_size, read.industry.id()),
        (Some(OrgSizeKey::FewerThan500), "finance"),
        "the size round-trips and the industry is stored as its legacy id"
    );
    let resized = store
        .update_squad(&facilitator, "ledger", form(Some("more_than_9999")))
        .await
        .unwrap();
    assert_eq!(resized.org_size, Some(OrgSizeKey::MoreThan9999));
    let cleared = store.update_squad(&facilitator, "ledger", form(None)).await.unwrap();
    assert_eq!(cleared.org_size, None, "a blank size clears it");
    assert_eq!(store.squad("ledger").await.unwrap().org_size, None);

    // A row written as before the column existed (no org_size given) reads as none.
    let tribe: String = sqlx::query_scalar("SELECT tribe_id FROM squads WHERE slug = 'ledger'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO squads (id, slug, name, tribe_id, industry, created_at, updated_at) VALUES ('old', 'old', 'Old', $1, 'retail', 0, 0)")
        .bind(&tribe)
        .execute(store.pool())
        .await
        .unwrap();
    let old = store.squad("old").await.unwrap();
    assert_eq!((old.org_size, old.industry.id()), (None, "retail"));
    assert_eq!(store.list_squads().await.unwrap().len(), 2);
}

on_both_backends!(
    migrations_are_idempotent,
    accounts_sign_in_and_out,
    failed_sign_ins_slow_that_name_from_that_address_only,
    parallel_wrong_passwords_are_counted_before_they_are_checked,
    setup_token_makes_exactly_one_first_admin,
    roles_and_the_last_admin,
    squads_and_tribes,
    squads_keep_an_optional_organisation_size,
    tribes_can_be_renamed,
    api_tokens_are_hashed_scoped_and_revocable,
    measured_metrics_match_the_pure_computation_over_all_events,
    past_windows_link_incidents_against_the_whole_history,
    the_store_and_the_definition_agree_on_random_histories,
    the_leaderboard_follows_every_change_to_a_deployment,
    rework_and_recovery_as_section_7_6_defines_them,
);
