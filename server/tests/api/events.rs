//! Measured metrics through the API: pipelines post deployments and
//! incidents, refusals name the item and the field and store nothing, and the
//! metrics and the leaderboard read what was stored, each squad its own.

use checkpoint_core::accounts::Role;
use checkpoint_core::measured::dates::{rfc3339, Precision};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{deploy, hours_ago, spawn_app, Pipeline, TestApp};

#[tokio::test]
async fn pipelines_post_events_and_read_the_metrics_they_imply() {
    let app = spawn_app().await;
    let p = app.pipeline("Payments").await;
    // A deploy on each of the last 21 days, two of them failing; each commit 2 hours before.
    let batch: Vec<Value> = (0..21)
        .map(|d| {
            deploy(
                &format!("d{d}"),
                if d % 10 == 3 { "failure" } else { "success" },
                d * 24 + 1,
                d * 24 + 3,
            )
        })
        .collect();
    let (status, body) = app
        .post_events(Some(&p.token), "deployments", json!({"deployments": batch}).to_string())
        .await;
    assert_eq!(
        (status, body["created"].as_u64(), body["updated"].as_u64()),
        (StatusCode::OK, Some(21), Some(0)),
        "{body}"
    );
    // Re-sent: updated, never duplicated.
    let (_, body) = app
        .post_events(Some(&p.token), "deployments", deploy("d0", "success", 1, 3).to_string())
        .await;
    assert_eq!((body["created"].as_u64(), body["updated"].as_u64()), (Some(0), Some(1)));
    // An incident opened, then resolved by sending it again.
    let open = json!({"id": "inc-1", "service": "api", "opened_at": hours_ago(30), "deployment_id": "d1"});
    assert_eq!(
        app.post_events(Some(&p.token), "incidents", open.to_string()).await.0,
        StatusCode::OK
    );
    let mut resolved = open.clone();
    resolved["resolved_at"] = json!(hours_ago(28));
    let (_, body) = app
        .post_events(
            Some(&p.token),
            "incidents",
            json!({"incidents": [resolved]}).to_string(),
        )
        .await;
    assert_eq!(body["updated"].as_u64(), Some(1));

    // The last 21 days: three whole weeks.
    let three_weeks = urlencode(&(chrono::Utc::now() - chrono::Duration::days(21)).to_rfc3339());
    let (status, m) = app.metrics(Some(&p.token), &format!("from={three_weeks}")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["squad"], "payments");
    assert_eq!(m["deployment_frequency"]["deployments"], 19);
    assert_eq!(m["deployment_frequency"]["answer"], "hourly_to_daily");
    assert_eq!(m["lead_time"]["changes"], 19);
    assert_eq!(m["lead_time"]["median_seconds"], 7200.0);
    assert_eq!(m["lead_time"]["answer"], "less_than_one_day");
    // d3 and d13 failed, d1 caused an incident: 3 of 21.
    assert_eq!(
        (
            m["change_failure_rate"]["failed"].as_u64(),
            m["change_failure_rate"]["total"].as_u64(),
            m["change_failure_rate"]["percent"].as_u64()
        ),
        (Some(3), Some(21), Some(14))
    );
    assert_eq!(m["change_failure_rate"]["answer"], "0-15");
    assert_eq!(
        (
            m["time_to_restore"]["incidents"].as_u64(),
            m["time_to_restore"]["median_seconds"].as_f64()
        ),
        (Some(1), Some(7200.0))
    );
    assert_eq!(m["time_to_restore"]["answer"], "less_than_one_day");
    assert!(
        m["maturity"]["level"].is_string() && m["maturity"]["percentile"].is_u64(),
        "{m}"
    );

    // A service, a window, and a window that ends before it starts.
    let from = (chrono::Utc::now() - chrono::Duration::days(7)).to_rfc3339();
    let (status, m) = app
        .metrics(Some(&p.token), &format!("service=api&from={}", urlencode(&from)))
        .await;
    assert_eq!((status, m["service"].as_str()), (StatusCode::OK, Some("api")));
    assert_eq!(
        m["deployment_frequency"]["deployments"], 6,
        "the last 7 days, d3 failed"
    );
    let (status, body) = app
        .metrics(
            Some(&p.token),
            &format!("from=2030-01-01T00:00:00Z&to={}", urlencode(&from)),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "the window must end after it starts (to > from)",
      "field": "to"
    }
    "#);
    let (status, body) = app.metrics(Some(&p.token), "from=last-week").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "from must be an RFC 3339 timestamp such as 2026-11-22T09:30:00Z",
      "field": "from"
    }
    "#);
    let (status, body) = app.metrics(Some(&p.token), "service=nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn bad_events_are_refused_by_item_and_field_and_nothing_of_the_batch_is_stored() {
    let app = spawn_app().await;
    let p = app.pipeline("Payments").await;
    let good = deploy("ok-1", "success", 5, 6);
    let cases: Vec<(&str, Value)> = vec![
        (
            "empty id",
            json!({"id": "", "service": "api", "status": "success", "finished_at": hours_ago(1)}),
        ),
        (
            "unknown status",
            json!({"id": "x", "service": "api", "status": "done", "finished_at": hours_ago(1)}),
        ),
        (
            "bad timestamp",
            json!({"id": "x", "service": "api", "status": "success", "finished_at": "22/11/2026"}),
        ),
        (
            "commit after the deployment",
            json!({"id": "x", "service": "api", "status": "success", "finished_at": hours_ago(2), "commits": [{"sha": "a", "committed_at": hours_ago(1)}]}),
        ),
    ];
    let mut refusals = Vec::new();
    for (what, bad) in cases {
        let (status, body) = app
            .post_events(
                Some(&p.token),
                "deployments",
                json!({"deployments": [good.clone(), bad]}).to_string(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        refusals.push(json!({"case": what, "body": body}));
    }
    insta::assert_json_snapshot!(refusals, @r#"
    [
      {
        "body": {
          "error": "id is required",
          "field": "id",
          "index": 1
        },
        "case": "empty id"
      },
      {
        "body": {
          "error": "status must be \"success\" or \"failure\"",
          "field": "status",
          "index": 1
        },
        "case": "unknown status"
      },
      {
        "body": {
          "error": "finished_at must be an RFC 3339 timestamp such as 2026-11-22T09:30:00Z",
          "field": "finished_at",
          "index": 1
        },
        "case": "bad timestamp"
      },
      {
        "body": {
          "error": "a commit cannot be committed after its deployment finished",
          "field": "commits[0].committed_at",
          "index": 1
        },
        "case": "commit after the deployment"
      }
    ]
    "#);
    let mut refusals = Vec::new();
    for (what, bad) in [
        (
            "resolved before opened",
            json!({"id": "i", "service": "api", "opened_at": hours_ago(1), "resolved_at": hours_ago(2)}),
        ),
        (
            "resolved before started",
            json!({"id": "i", "service": "api", "opened_at": hours_ago(5), "started_at": hours_ago(3), "resolved_at": hours_ago(4)}),
        ),
    ] {
        let (status, body) = app
            .post_events(Some(&p.token), "incidents", json!({"incidents": [bad]}).to_string())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        refusals.push(json!({"case": what, "body": body}));
    }
    insta::assert_json_snapshot!(refusals, @r#"
    [
      {
        "body": {
          "error": "an incident cannot be resolved before it was opened",
          "field": "resolved_at",
          "index": 0
        },
        "case": "resolved before opened"
      },
      {
        "body": {
          "error": "an incident cannot be resolved before it started",
          "field": "resolved_at",
          "index": 0
        },
        "case": "resolved before started"
      }
    ]
    "#);
    let (status, _) = app.post_events(Some(&p.token), "deployments", "{not json".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let too_many: Vec<Value> = (0..1001).map(|i| deploy(&format!("m{i}"), "success", 1, 2)).collect();
    let (status, body) = app
        .post_events(
            Some(&p.token),
            "deployments",
            json!({"deployments": too_many}).to_string(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "at most 1000 events per request; this one has 1001",
      "field": "deployments",
      "index": null
    }
    "#);
    let huge = json!({"deployments": [good.clone()], "pad": "x".repeat(1 << 20)}).to_string();
    let (status, _) = app.post_events(Some(&p.token), "deployments", huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // Without a token, or with a wrong or revoked one: 401.
    assert_eq!(
        app.post_events(None, "deployments", good.to_string()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_events(Some("cpt_guess"), "deployments", good.to_string())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.metrics(None, "squad=payments").await.0, StatusCode::UNAUTHORIZED);

    let (_, m) = app.metrics(Some(&p.token), "").await;
    assert_eq!(
        (
            m["deployment_frequency"]["deployments"].as_u64(),
            m["change_failure_rate"]["total"].as_u64()
        ),
        (Some(0), Some(0)),
        "no refused batch stored anything"
    );
    assert_eq!(m["lead_time"]["answer"], Value::Null, "no data: no answer");
    assert_eq!(m["maturity"], Value::Null);
    assert_eq!(m["time_to_restore"]["incidents"], 0);
}

#[tokio::test]
async fn a_window_over_two_years_or_ending_before_it_starts_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let p = app.pipeline("Payments").await;
    app.post_events(Some(&p.token), "deployments", deploy("d1", "success", 1, 2).to_string())
        .await;
    // The API: 731 days are two years with a leap day; a millisecond more is refused.
    let (status, m) = app
        .metrics(Some(&p.token), "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let mut refusals = Vec::new();
    for query in [
        "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00.001Z",
        "from=1970-01-01T00:00:00Z&to=9999-12-31T00:00:00Z",
        "from=1970-01-01T00:00:00Z",
        "from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
    ] {
        let (status, body) = app.metrics(Some(&p.token), query).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        refusals.push(json!({"query": query, "body": body}));
    }
    insta::assert_json_snapshot!(refusals, @r#"
    [
      {
        "body": {
          "error": "the window may span at most 731 days (two years): move from closer to to",
          "field": "from"
        },
        "query": "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00.001Z"
      },
      {
        "body": {
          "error": "the window may span at most 731 days (two years): move from closer to to",
          "field": "from"
        },
        "query": "from=1970-01-01T00:00:00Z&to=9999-12-31T00:00:00Z"
      },
      {
        "body": {
          "error": "the window may span at most 731 days (two years): move from closer to to",
          "field": "from"
        },
        "query": "from=1970-01-01T00:00:00Z"
      },
      {
        "body": {
          "error": "the window must end after it starts (to > from)",
          "field": "to"
        },
        "query": "from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"
      }
    ]
    "#);
    // The server functions and the pages behind them.
    app.sign_in_as(Role::Viewer).await;
    for (endpoint, mut fields) in [("squad_metrics", vec![("squad", "payments")]), ("leaderboard", vec![])] {
        fields.extend([("from", "1970-01-01"), ("to", "9999-12-31")]);
        let res = app.form(endpoint, &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{endpoint}");
        let text = res.text().await.unwrap();
        assert!(text.contains("at most 731 days"), "{endpoint}: {text}");
        fields.retain(|(k, _)| *k == "squad");
        fields.extend([("from", "2026-11-08"), ("to", "2026-11-07")]);
        assert_eq!(
            app.form(endpoint, &fields).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint}, ends before it starts"
        );
    }
    for page in ["/squads/payments/metrics", "/leaderboard"] {
        let res = app
            .client
            .get(format!("{}{page}?from=1970-01-01&to=9999-12-31", app.base))
            .send()
            .await
            .unwrap();
        let html = res.text().await.unwrap();
        assert!(html.contains("at most 731 days"), "{page} says why: {html}");
    }
    // Nothing was changed by the refusals; a good window still answers.
    let (status, m) = app.metrics(Some(&p.token), "").await;
    assert_eq!(
        (status, m["deployment_frequency"]["deployments"].as_u64()),
        (StatusCode::OK, Some(1))
    );
}

#[tokio::test]
async fn the_leaderboard_gives_each_service_the_frequency_the_metrics_api_gives() {
    let app = spawn_app().await;
    let p = app.pipeline("Payments").await;
    // api: a success 100 days ago, then only failures in the window (to
    // "prod", production too); web: a deploy a day; search: 100 days ago only.
    let mut batch: Vec<Value> = vec![deploy("api-old", "success", 100 * 24, 100 * 24 + 1)];
    batch.extend((0..3).map(|k| {
        let mut d = deploy(&format!("api-fail-{k}"), "failure", k * 24 + 5, k * 24 + 6);
        d["environment"] = json!(if k == 0 { "prod" } else { "production" });
        d
    }));
    batch.extend((0..28).map(|k| {
        let mut d = deploy(&format!("web-{k}"), "success", k * 24 + 2, k * 24 + 3);
        d["service"] = json!("web");
        d
    }));
    let mut search = deploy("search-old", "success", 100 * 24, 100 * 24 + 1);
    search["service"] = json!("search");
    batch.push(search);
    let (status, body) = app
        .post_events(Some(&p.token), "deployments", json!({"deployments": batch}).to_string())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.sign_in_as(Role::Viewer).await;
    let res = app
        .client
        .post(format!("{}/api/leaderboard", app.base))
        .header("accept", "application/json")
        .form(&[("from", ""), ("to", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let board: Value = res.json().await.unwrap();
    let rows = board["rows"].as_array().unwrap();
    // The page's window is whole days, today the last: ask the API for the same.
    let instant = |field: &str| {
        let ms = board["window"][field].as_i64().unwrap();
        assert_eq!(ms % 86_400_000, 0, "{field} is midnight UTC");
        rfc3339(ms, Precision::Millis)
    };
    let (from, to) = (instant("from"), instant("to"));
    for service in ["api", "web", "search"] {
        let production: Vec<&Value> = rows
            .iter()
            .filter(|r| r["service"] == service && r["environment"] == "production")
            .collect();
        assert_eq!(production.len(), 1, "one production row for {service}: {rows:?}");
        let (status, m) = app
            .metrics(None, &format!("squad=payments&service={service}&from={from}&to={to}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{m}");
        assert!(m["deployment_frequency"]["answer"].is_string(), "{m}");
        assert_eq!(
            production[0]["frequency_answer"], m["deployment_frequency"]["answer"],
            "{service}"
        );
        assert_eq!(
            production[0]["deployments"].as_u64(),
            m["change_failure_rate"]["total"].as_u64(),
            "{service}: attempts in the window"
        );
    }
}

#[tokio::test]
async fn a_token_never_reads_another_squad_and_a_signed_in_user_reads_any() {
    let app = spawn_app().await;
    let payments = app.pipeline("Payments").await;
    let search = app.pipeline("Search").await;
    app.post_events(
        Some(&search.token),
        "deployments",
        deploy("s1", "success", 1, 2).to_string(),
    )
    .await;
    let (status, _) = app.metrics(Some(&payments.token), "squad=search").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.metrics(Some(&payments.token), "service=api").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the service is another squad's");
    app.sign_in_as(Role::Viewer).await;
    let (status, m) = app.metrics(None, "squad=search").await;
    assert_eq!(
        (status, m["deployment_frequency"]["deployments"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    let (status, m) = app.metrics(None, "service=api").await;
    assert_eq!(
        (status, m["squad"].as_str()),
        (StatusCode::OK, Some("search")),
        "a service name found in one squad"
    );
}

/// As above: 21 daily deploys, d3 and d13 failing, each recovered by the next
/// deploy a day later; d0 and d5 are hotfixes; an incident of two hours on d1.
async fn send_recovery_history(app: &TestApp, p: &Pipeline) {
    let batch: Vec<Value> = (0..21)
        .map(|d| {
            let mut e = deploy(
                &format!("d{d}"),
                if d % 10 == 3 { "failure" } else { "success" },
                d * 24 + 1,
                d * 24 + 3,
            );
            e["rework"] = json!(d == 0 || d == 5);
            e
        })
        .collect();
    let (status, _) = app
        .post_events(Some(&p.token), "deployments", json!({"deployments": batch}).to_string())
        .await;
    assert_eq!(status, StatusCode::OK);
    let incident = json!({"id": "inc-1", "service": "api", "opened_at": hours_ago(30), "resolved_at": hours_ago(28), "deployment_id": "d1"});
    app.post_events(Some(&p.token), "incidents", incident.to_string()).await;
}

#[tokio::test]
async fn the_metrics_add_recovery_rework_and_the_editions_assessment() {
    let app = spawn_app().await;
    let p = app.pipeline("Payments").await;
    send_recovery_history(&app, &p).await;
    // A string is not a boolean: refused by name, and nothing is stored.
    let bad = json!({"deployments": [deploy("d99", "success", 1, 2), {"id": "d98", "service": "api", "status": "success", "finished_at": hours_ago(1), "rework": "true"}]});
    let (status, body) = app.post_events(Some(&p.token), "deployments", bad.to_string()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (body["index"].as_u64(), body["field"].as_str()),
        (Some(1), Some("rework"))
    );

    let three_weeks = urlencode(&(chrono::Utc::now() - chrono::Duration::days(21)).to_rfc3339());
    let (status, m) = app.metrics(Some(&p.token), &format!("from={three_weeks}")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["deployment_frequency"]["deployments"], 19, "d99 was not stored");
    // The incident (2 hours) and the two failures (a day each): the median is a day.
    assert_eq!(
        m["failed_deployment_recovery"],
        json!({"answer": "one_day_to_one_week", "median_seconds": 86400.0, "incidents": 1, "failed_deployments": 2})
    );
    // 2 hotfixes of 19 successes: 10.5 %, rounded half up.
    assert_eq!(m["rework_rate"], json!({"rework": 2, "deployments": 19, "percent": 11}));
    // 2025 by default: the figures the core gives these answers, against the squad's industry.
    use checkpoint_core::dora::current::result::Comparisons;
    use checkpoint_core::dora::current::{
        compare_industry, CurrentAnswers, CurrentAssessment, Edition, IndustryKey, Percent,
    };
    use checkpoint_core::dora::Question;
    let expected = |edition: Edition, rework: Option<u8>| {
        let answers = CurrentAnswers::new(
            edition,
            [
                Question::LeadTime.answer("less_than_one_day").unwrap(),
                Question::DeployFrequency.answer("hourly_to_daily").unwrap(),
                Question::TimeToRestore.answer("one_day_to_one_week").unwrap(),
            ],
            Percent::new(14).unwrap(),
            rework.and_then(Percent::new),
        )
        .unwrap();
        let comparison = Comparisons {
            industry: compare_industry(edition, IndustryKey::All),
            org_size: None,
        };
        serde_json::to_value(CurrentAssessment::of(&answers, comparison)).unwrap()
    };
    assert_eq!(m["assessment"], expected(Edition::Y2025, Some(11)), "{m}");
    assert_eq!(m["assessment"]["level"], Value::Null);
    // Every field that was there stays as it was: maturity in 2019.
    let (_, m2019) = app
        .metrics(Some(&p.token), &format!("from={three_weeks}&benchmark=2019"))
        .await;
    assert_eq!(m["maturity"], m2019["maturity"]);
    assert!(m["maturity"]["level"].is_string(), "{m}");
    // A legacy edition: level and percentile, as maturity in that benchmark.
    assert_eq!(m2019["assessment"], m2019["maturity"]);
    let (_, m2021) = app
        .metrics(Some(&p.token), &format!("from={three_weeks}&benchmark=2021"))
        .await;
    assert_eq!(m2021["assessment"], m2021["maturity"]);
    assert_eq!(
        m2021["assessment"].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["level", "percentile"]
    );
    // 2024 has no rework question.
    let (_, m2024) = app
        .metrics(Some(&p.token), &format!("from={three_weeks}&benchmark=2024"))
        .await;
    assert_eq!(m2024["assessment"], expected(Edition::Y2024, None));
    assert_eq!(m2024["rework_rate"], m["rework_rate"]);

    // An unknown edition is refused by name.
    let (status, body) = app.metrics(Some(&p.token), "benchmark=2023").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "benchmark", "{body}");

    // The day 20 days ago holds one success (d19), no failure and no incident:
    // no recovery time, so no 2025 figures.
    let day = |d: i64| urlencode(&(chrono::Utc::now() - chrono::Duration::days(d)).to_rfc3339());
    let (_, quiet) = app
        .metrics(Some(&p.token), &format!("from={}&to={}", day(20), day(19)))
        .await;
    assert_eq!(quiet["rework_rate"]["deployments"], 1, "{quiet}");
    assert_eq!(quiet["failed_deployment_recovery"]["answer"], Value::Null, "{quiet}");
    assert_eq!(quiet["assessment"], Value::Null);
}

#[tokio::test]
async fn the_measured_assessment_compares_with_the_squads_organisation_size_when_it_has_one() {
    use checkpoint_core::dora::current::{compare_org_size, Edition, OrgSizeKey};
    let app = spawn_app().await;
    let sized = app.pipeline_with("Payments", Some("fewer_than_100")).await;
    send_recovery_history(&app, &sized).await;
    let three_weeks = urlencode(&(chrono::Utc::now() - chrono::Duration::days(21)).to_rfc3339());
    let (status, m) = app.metrics(Some(&sized.token), &format!("from={three_weeks}")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let c = &m["assessment"]["comparison"];
    assert_eq!(
        c["org_size"],
        serde_json::to_value(compare_org_size(Edition::Y2025, OrgSizeKey::FewerThan100).unwrap()).unwrap()
    );
    // Section 7.3, 2025, 20 to 99 employees: recovery corrected to 10 - 2.4.
    assert_eq!(c["org_size"]["name"], "20 to 99 employees");
    assert_eq!(c["org_size"]["time_to_restore"], json!({"mean": 7.6, "sd": 1.9}));
    assert_eq!(c["org_size"]["lead_time"], json!({"mean": 5.8, "sd": 2.3}));
    assert_eq!(c["industry"]["key"], "all", "the industry stays beside it");
    let (_, m2024) = app
        .metrics(Some(&sized.token), &format!("from={three_weeks}&benchmark=2024"))
        .await;
    assert_eq!(
        m2024["assessment"]["comparison"]["org_size"]["time_to_restore"],
        json!({"mean": 7.9, "sd": 1.9})
    );

    // The same history for a squad without a size: no org_size at all.
    let app = spawn_app().await;
    let unsized_ = app.pipeline("Ledger").await;
    send_recovery_history(&app, &unsized_).await;
    let (_, m) = app.metrics(Some(&unsized_.token), &format!("from={three_weeks}")).await;
    assert!(m["assessment"]["score"].is_number(), "{m}");
    assert!(m["assessment"]["comparison"].get("org_size").is_none(), "{m}");
}
