//! Secrecy through every door: before the facilitator reveals a question, no
//! door (socket frames, server functions, the summary page, every export)
//! carries anyone's choice or a count, and the dots neither totals nor order;
//! the survey shows its answers only once three people have answered.

use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// Posts a plain form as `client` (a participant's cookie, or a signed-in client).
async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    cookie: Option<&str>,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = client.post(format!("{}/api/{endpoint}", app.base)).form(fields);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.send().await.unwrap()
}

async fn get_text(
    app: &TestApp,
    client: &reqwest::Client,
    cookie: Option<&str>,
    token: Option<&str>,
    path: &str,
) -> String {
    let mut req = client.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.text().await.unwrap()
}

/// The facilitator (app.client) drives with the plain form.
pub(super) async fn drive(app: &TestApp, id: &str, fields: &[(&str, &str)]) {
    let mut all = vec![("id", id)];
    all.extend_from_slice(fields);
    let res = app.form("live_command", &all).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{fields:?}: {} {}",
        res.status(),
        res.text().await.unwrap_or_default()
    );
}

/// A live checkpoint at the lead-time question; returns (id, join code).
pub(super) async fn live_at_lead_time(app: &TestApp) -> (String, String) {
    let (id, code) = app.checkpoint().await;
    let res = app
        .form("set_checkpoint_status", &[("id", &id), ("status", "live")])
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "start: {}",
        res.status()
    );
    drive(app, &id, &[("kind", "go_to"), ("stage", "lead_time")]).await;
    (id, code)
}

async fn vote_over_socket(app: &TestApp, id: &str, cookie: &str, answer: &str) {
    let mut ws = app.socket(id, Some(cookie), None).await.unwrap();
    frame_of(&mut ws, "snapshot").await;
    command(
        &mut ws,
        1,
        json!({"type": "vote", "question": "lead_time", "answer": answer}),
    )
    .await;
    let reply = loop {
        let f = next_json(&mut ws).await;
        if f["t"] == "ack" || f["t"] == "error" {
            break f;
        }
    };
    assert_eq!(reply["t"], "ack", "{reply}");
}

/// Everything each kind of reader can fetch about the checkpoint, as one text per door.
async fn every_door(
    app: &TestApp,
    id: &str,
    participant: &str,
    viewer: &reqwest::Client,
    token: &str,
) -> Vec<(String, String)> {
    let anon = reqwest::Client::new();
    let mut doors = Vec::new();
    for (who, client, cookie, tok) in [
        ("participant", &anon, Some(participant), None),
        ("viewer", viewer, None, None),
        ("token", &anon, None, Some(token)),
    ] {
        for format in ["md", "json", "html", "csv&of=notes"] {
            let text = get_text(
                app,
                client,
                cookie,
                tok,
                &format!("/api/v1/checkpoints/{id}/export?format={format}"),
            )
            .await;
            doors.push((format!("{who} export {format}"), text));
        }
        if who == "viewer" {
            for page in ["/history".to_string(), "/squads/payments/trend".to_string()] {
                doors.push((format!("viewer {page}"), get_text(app, client, None, None, &page).await));
            }
            for endpoint in ["load_history", "load_trend"] {
                let res = post_form(app, client, None, endpoint, &[("squad", "payments")]).await;
                assert!(res.status().is_success(), "{endpoint}: {}", res.status());
                doors.push((format!("viewer {endpoint}"), res.text().await.unwrap()));
            }
        }
        if tok.is_none() {
            doors.push((
                format!("{who} summary page"),
                get_text(app, client, cookie, None, &format!("/checkpoints/{id}/summary")).await,
            ));
            let res = post_form(app, client, cookie, "load_summary", &[("id", id)]).await;
            assert!(res.status().is_success(), "load_summary as {who}: {}", res.status());
            doors.push((format!("{who} load_summary"), res.text().await.unwrap()));
        }
    }
    let res = post_form(app, &anon, Some(participant), "live_view", &[("id", id)]).await;
    assert!(res.status().is_success(), "live_view: {}", res.status());
    doors.push(("participant live_view".into(), res.text().await.unwrap()));
    // (The room page itself lists every answer as an option to choose; it is
    // drawn from the same view as live_view, checked here.)
    let mut ws = app.socket(id, Some(participant), None).await.unwrap();
    doors.push((
        "participant socket snapshot".into(),
        frame_of(&mut ws, "snapshot").await.to_string(),
    ));
    doors
}

#[tokio::test]
async fn before_a_reveal_no_door_carries_a_choice_or_a_count() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let mut cookies = Vec::new();
    for name in ["Ana", "Bo", "Cy", "Dee"] {
        cookies.push(app.join(&code, name).await.2.unwrap());
    }
    // Dee does not vote: she reads every door, as do a viewer and a squad token.
    for (cookie, answer) in cookies
        .iter()
        .zip(["less_than_one_hour", "one_to_six_months", "one_to_six_months"])
    {
        vote_over_socket(&app, &id, cookie, answer).await;
    }
    let (viewer, token) = viewer_and_token(&app).await;

    let secrets = [
        "less_than_one_hour",
        "one_to_six_months",
        "Less than one hour",
        "Between one month and six months",
        "\"votes\":2",
        "\"votes\":1",
    ];
    let doors = every_door(&app, &id, &cookies[3], &viewer, &token).await;
    assert!(doors.len() >= 18, "every door was read");
    for (door, text) in &doors {
        for s in secrets {
            assert!(
                !text.contains(s),
                "{door} carries {s:?} before the reveal:\n{}",
                &text[..text.len().min(3000)]
            );
        }
    }
    let md = &doors.iter().find(|(d, _)| d == "viewer export md").unwrap().1;
    assert!(
        md.contains("Not revealed yet"),
        "the draft says why the votes are missing:\n{md}"
    );

    drive(&app, &id, &[("kind", "reveal"), ("question", "lead_time")]).await;
    let doors = every_door(&app, &id, &cookies[3], &viewer, &token).await;
    let md = &doors.iter().find(|(d, _)| d == "token export md").unwrap().1;
    assert!(
        md.contains("Less than one hour: 1; Between one month and six months: 2"),
        "after the reveal the counts show:\n{md}"
    );
    let json = &doors.iter().find(|(d, _)| d == "viewer export json").unwrap().1;
    let v: Value = serde_json::from_str(json).unwrap();
    let two = v["answers"][0]["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["answer"] == "one_to_six_months")
        .unwrap()["votes"]
        .clone();
    assert_eq!(two, 2, "{json}");
}

/// An anonymous checkpoint: after the reveal every door carries the counts and
/// no door says who chose what, the facilitator's included.
#[tokio::test]
async fn after_an_anonymous_reveal_no_door_names_who_chose_what() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    drive(&app, &id, &[("kind", "anonymous"), ("on", "true")]).await;
    let mut joined = Vec::new();
    for name in ["Ana", "Bo", "Cy", "Dee"] {
        let (_, body, cookie) = app.join(&code, name).await;
        joined.push((body["participant_id"].as_str().unwrap().to_string(), cookie.unwrap()));
    }
    let answers = ["less_than_one_hour", "one_to_six_months", "one_to_six_months"];
    for ((_, cookie), answer) in joined.iter().zip(answers) {
        vote_over_socket(&app, &id, cookie, answer).await;
    }
    drive(&app, &id, &[("kind", "reveal"), ("question", "lead_time")]).await;
    let (viewer, token) = viewer_and_token(&app).await;
    let mut doors = every_door(&app, &id, &joined[3].1, &viewer, &token).await;
    let res = app.form("live_view", &[("id", &id)]).await;
    doors.push(("facilitator live_view".into(), res.text().await.unwrap()));
    for (door, text) in &doors {
        for ((pid, _), answer) in joined.iter().zip(answers) {
            let named = format!("[\"{pid}\",\"{answer}\"]");
            assert!(!text.contains(&named), "{door} names a voter: {named}");
        }
    }
    for door in [
        "participant live_view",
        "facilitator live_view",
        "participant socket snapshot",
    ] {
        let text = &doors.iter().find(|(d, _)| d == door).unwrap().1;
        let v: Value = serde_json::from_str(text).unwrap();
        let view = if v["view"].is_object() { &v["view"] } else { &v };
        let choices = view["questions"][0]["choices"].as_array().expect("revealed");
        assert_eq!(choices.len(), 3, "{door}: the counts are there");
        assert!(choices.iter().all(|c| c[0] == ""), "{door}: {choices:?}");
    }
    let md = &doors.iter().find(|(d, _)| d == "token export md").unwrap().1;
    assert!(
        md.contains("Less than one hour: 1; Between one month and six months: 2"),
        "{md}"
    );
    // Fixed from the first reveal: the facilitator cannot turn names back on.
    let res = app
        .form("live_command", &[("id", &id), ("kind", "anonymous"), ("on", "false")])
        .await;
    assert!(
        !res.status().is_success() && !res.status().is_redirection(),
        "{}",
        res.status()
    );
    let v: Value = app.form("live_view", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(v["anonymous"], true);
}

#[tokio::test]
async fn while_dots_are_hidden_the_summary_lists_improvements_in_flow_order() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let cookie = app.join(&code, "Ana").await.2.unwrap();
    let board = |fields: Vec<(&'static str, String)>| {
        let id = id.clone();
        let app = &app;
        async move {
            let mut all: Vec<(&str, String)> = vec![("id", id)];
            all.extend(fields);
            let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = app.form("board_command", &pairs).await;
            assert!(
                res.status().is_success() || res.status().is_redirection(),
                "{pairs:?}: {}",
                res.status()
            );
        }
    };
    board(vec![("op", "use_template".into())]).await;
    board(vec![
        ("op", "add_note".into()),
        ("note", "n-first".into()),
        ("step", "step-1".into()),
        ("kind", "improvement".into()),
        ("text", "Alpha first in the flow".into()),
    ])
    .await;
    board(vec![
        ("op", "add_note".into()),
        ("note", "n-second".into()),
        ("step", "step-2".into()),
        ("kind", "improvement".into()),
        ("text", "Beta second in the flow".into()),
    ])
    .await;
    board(vec![
        ("op", "open_dots".into()),
        ("budget", "5".into()),
        ("per_note", "3".into()),
    ])
    .await;
    // Ana puts her dots on the second: dot order would put it first.
    let mut ws = app.socket(&id, Some(&cookie), None).await.unwrap();
    frame_of(&mut ws, "snapshot").await;
    for req in 1..=2 {
        command(
            &mut ws,
            req,
            json!({"type": "board", "op": {"type": "dot", "note": "n-second", "add": true}}),
        )
        .await;
        frame_of(&mut ws, "ack").await;
    }
    let top = |md: String| md[md.find("## Top improvements").unwrap()..].to_string();
    let md = top(app
        .client
        .get(format!("{}/api/v1/checkpoints/{id}/export?format=md", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap());
    let (a, b) = (md.find("Alpha first").unwrap(), md.find("Beta second").unwrap());
    assert!(
        a < b && !md.contains("2 dots"),
        "hidden dots leave the flow's order and no totals:\n{md}"
    );
    board(vec![("op", "close_dots".into())]).await;
    let md = top(app
        .client
        .get(format!("{}/api/v1/checkpoints/{id}/export?format=md", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap());
    let (a, b) = (md.find("Alpha first").unwrap(), md.find("Beta second").unwrap());
    assert!(b < a && md.contains("2 dots"), "closed: ranked by dots:\n{md}");
}

#[tokio::test]
async fn the_survey_opens_at_its_stage_and_shows_answers_only_from_three() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let mut cookies = Vec::new();
    for name in ["Ana", "Bo", "Cy"] {
        cookies.push(app.join(&code, name).await.2.unwrap());
    }
    let anon = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = |i: usize, text: &'static str| {
        let (app, anon, cookie, id) = (&app, &anon, cookies[i].clone(), id.clone());
        async move {
            post_form(
                app,
                anon,
                Some(&cookie),
                "answer_survey",
                &[
                    ("id", id.as_str()),
                    ("usefulness", "4"),
                    ("went_well", text),
                    ("to_improve", ""),
                ],
            )
            .await
        }
    };
    let early = answer(0, "too early").await;
    assert_eq!(early.status(), StatusCode::CONFLICT, "closed before the survey stage");
    drive(&app, &id, &[("kind", "go_to"), ("stage", "survey")]).await;
    let ok = |s: StatusCode| s.is_success() || s.is_redirection();
    let first = answer(0, "my manager is useless").await.status();
    assert!(ok(first), "{first}");
    assert!(ok(answer(1, "the board").await.status()));
    let md = app
        .client
        .get(format!("{}/api/v1/checkpoints/{id}/export?format=md", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !md.contains("my manager") && !md.contains("the board") && md.contains("2 responses so far"),
        "two answers stay hidden:\n{md}"
    );
    assert_eq!(answer(1, "again").await.status(), StatusCode::CONFLICT, "once each");
    assert!(ok(answer(2, "timers").await.status()));
    let md = app
        .client
        .get(format!("{}/api/v1/checkpoints/{id}/export?format=md", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        md.contains("my manager is useless") && md.contains("3 responses"),
        "{md}"
    );

    // What is stored pairs nobody with an answer: two sets, each in its own sorted order.
    let row = sqlx::query("SELECT respondents, responses FROM survey_sets WHERE checkpoint_id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    use sqlx::Row;
    let who: Vec<String> = serde_json::from_str(row.get::<&str, _>("respondents")).unwrap();
    let what: Vec<Value> = serde_json::from_str(row.get::<&str, _>("responses")).unwrap();
    assert!(who.windows(2).all(|w| w[0] <= w[1]) && who.len() == 3);
    let texts: Vec<&str> = what.iter().map(|r| r["went_well"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        ["my manager is useless", "the board", "timers"],
        "sorted by content, not by when"
    );
    for legacy in ["survey_answered", "survey_responses"] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {legacy}")))
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{legacy} holds nothing");
    }

    let res = app
        .form("set_checkpoint_status", &[("id", &id), ("status", "finished")])
        .await;
    assert!(res.status().is_redirection() || res.status().is_success());
    let late = post_form(
        &app,
        &anon,
        Some(&cookies[2]),
        "answer_survey",
        &[
            ("id", id.as_str()),
            ("usefulness", "4"),
            ("went_well", "x"),
            ("to_improve", ""),
        ],
    )
    .await;
    assert!(
        late.status().is_client_error(),
        "closed once the checkpoint ended: {}",
        late.status()
    );
}

pub(super) async fn vote_on(app: &TestApp, id: &str, cookie: &str, question: &str, answer: &str) {
    let mut ws = app.socket(id, Some(cookie), None).await.unwrap();
    frame_of(&mut ws, "snapshot").await;
    command(
        &mut ws,
        1,
        json!({"type": "vote", "question": question, "answer": answer}),
    )
    .await;
    let reply = loop {
        let f = next_json(&mut ws).await;
        if f["t"] == "ack" || f["t"] == "error" {
            break f;
        }
    };
    assert_eq!(reply["t"], "ack", "{reply}");
}

#[tokio::test]
async fn before_a_reveal_no_door_carries_a_percentage_vote_of_a_2025_checkpoint() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    drive(&app, &id, &[("kind", "go_to"), ("stage", "change_failure_rate")]).await;
    let mut cookies = Vec::new();
    for name in ["Ana", "Bo", "Cy", "Dee"] {
        cookies.push(app.join(&code, name).await.2.unwrap());
    }
    for (cookie, percent) in cookies.iter().zip(["37", "83", "83"]) {
        vote_on(&app, &id, cookie, "change_failure_rate", percent).await;
    }
    let (viewer, token) = viewer_and_token(&app).await;

    let secrets = ["37 %", "83 %", "\"37\"", "\"83\"", "\"values\":[3", "(median"];
    let doors = every_door(&app, &id, &cookies[3], &viewer, &token).await;
    for (door, text) in &doors {
        for s in secrets {
            assert!(
                !text.contains(s),
                "{door} carries {s:?} before the reveal:\n{}",
                &text[..text.len().min(3000)]
            );
        }
    }
    let json = &doors.iter().find(|(d, _)| d == "token export json").unwrap().1;
    let v: Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["checkpoint"]["benchmark"], "2025");
    assert_eq!(v["answers"].as_array().unwrap().len(), 5, "{json}");
    assert_eq!(
        v["answers"][3]["percent"],
        json!({"values": [], "median": null}),
        "{json}"
    );

    drive(&app, &id, &[("kind", "reveal"), ("question", "change_failure_rate")]).await;
    let doors = every_door(&app, &id, &cookies[3], &viewer, &token).await;
    let md = &doors.iter().find(|(d, _)| d == "viewer export md").unwrap().1;
    assert!(
        md.contains("| Change failure rate | — | — | 37 %, 83 %, 83 % (median 83 %) |"),
        "after the reveal the values and the median show:\n{md}"
    );
    let json = &doors.iter().find(|(d, _)| d == "participant export json").unwrap().1;
    let v: Value = serde_json::from_str(json).unwrap();
    assert_eq!(
        v["answers"][3]["percent"],
        json!({"values": [37, 83, 83], "median": 83.0}),
        "{json}"
    );
}

/// A signed-in viewer (a leader reading history) and the squad's API token: the
/// two outsiders every door is asked through besides the participants.
async fn viewer_and_token(app: &TestApp) -> (reqwest::Client, String) {
    let viewer = reqwest::Client::builder().cookie_store(true).build().unwrap();
    app.store
        .create_user(None, "leader", "long enough password", Role::Viewer)
        .await
        .unwrap();
    viewer
        .post(format!("{}/api/login", app.base))
        .form(&[("username", "leader"), ("password", "long enough password")])
        .send()
        .await
        .unwrap();
    let token = app
        .store
        .create_api_token(None, "payments", "wiki")
        .await
        .unwrap()
        .secret;
    (viewer, token)
}
