//! Joining twice (issue 16, point 8): a browser that joined goes back in as
//! itself, a taken name asks for its holder's own resume code or becomes
//! "Ana (2)", and the facilitator merges a duplicate without counting anyone
//! twice.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::secrecy::{drive, live_at_lead_time};

/// `POST /api/v1/join` with `body`, as a browser holding `cookie` (if any).
async fn join_with(app: &TestApp, cookie: Option<&str>, body: Value) -> (StatusCode, Value, Option<String>) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/api/v1/join", app.base))
        .json(&body);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .map(str::to_string);
    (res.status(), res.json().await.unwrap_or(Value::Null), cookie)
}

/// The room as the facilitator's socket sees it.
async fn facilitator_view(app: &TestApp, id: &str) -> Value {
    let res = app.form("live_view", &[("id", id)]).await;
    assert!(res.status().is_success(), "live_view: {}", res.status());
    res.json().await.unwrap()
}

fn names(view: &Value) -> Vec<String> {
    view["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

fn expected_on_lead_time(view: &Value) -> u64 {
    view["questions"][0]["expected"].as_u64().unwrap()
}

#[tokio::test]
async fn a_browser_that_joined_goes_back_in_as_itself_and_m_does_not_grow() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let (_, ana, cookie) = app.join(&code, "Ana").await;
    let cookie = cookie.unwrap();
    let m = expected_on_lead_time(&facilitator_view(&app, &id).await);
    // Again from the same browser, under her name and under another one.
    for name in ["Ana", "ana", "Anna"] {
        let (status, again, _) = join_with(&app, Some(&cookie), json!({"code": code, "name": name})).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(
            again["participant_id"], ana["participant_id"],
            "{name}: the same person"
        );
    }
    let view = facilitator_view(&app, &id).await;
    assert_eq!(expected_on_lead_time(&view), m, "M does not grow");
    assert_eq!(
        names(&view)
            .iter()
            .filter(|n| n.contains("Ana") || *n == "Anna")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_taken_name_needs_its_holders_resume_code_or_becomes_a_numbered_name() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let (_, ana, ana_cookie) = app.join(&code, "Ana").await;
    let (_, _, bo_cookie) = app.join(&code, "Bo").await;
    let (ana_cookie, bo_cookie) = (ana_cookie.unwrap(), bo_cookie.unwrap());
    let ana_token = ana_cookie.split_once('=').unwrap().1.to_string();

    let (status, taken, _) = app.join(&code, "ANA").await;
    assert_eq!(
        (status, taken["field"].as_str()),
        (StatusCode::CONFLICT, Some("name")),
        "{taken}"
    );

    // Bo's own code is not Ana's: nobody continues as someone else.
    let bo_token = bo_cookie.split_once('=').unwrap().1;
    for wrong in [bo_token, "not-a-code"] {
        let (status, refused, cookie) =
            join_with(&app, None, json!({"code": code, "name": "Ana", "resume": wrong})).await;
        assert_eq!(
            (status, refused["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("resume")),
            "{refused}"
        );
        assert!(cookie.is_none(), "a refused resume sets no cookie");
    }

    // Ana's own link (from her room), pasted whole on her phone.
    let link = app
        .client
        .post(format!("{}/api/resume_link", app.base))
        .header("cookie", &ana_cookie)
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let link = link.as_str().expect("Ana has a resume link").to_string();
    assert!(link.ends_with(&format!("#resume={ana_token}")), "{link}");
    let (status, phone, phone_cookie) =
        join_with(&app, None, json!({"code": code, "name": "ana", "resume": link})).await;
    assert_eq!(status, StatusCode::OK, "{phone}");
    assert_eq!(phone["participant_id"], ana["participant_id"], "the phone is Ana");
    assert_eq!(phone_cookie.as_deref(), Some(ana_cookie.as_str()));

    // Bo's link names Bo; a stranger has none.
    let bo_link: Value = app
        .client
        .post(format!("{}/api/resume_link", app.base))
        .header("cookie", &bo_cookie)
        .form(&[("id", id.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        bo_link.as_str().unwrap().contains(&format!("#resume={bo_token}")),
        "{bo_link}"
    );

    // Someone else called Ana joins as "Ana (2)", then "Ana (3)".
    for expected in ["Ana (2)", "Ana (3)"] {
        let (status, other, _) = join_with(&app, None, json!({"code": code, "name": "Ana", "as_new": true})).await;
        assert_eq!(status, StatusCode::OK, "{other}");
        assert_ne!(other["participant_id"], ana["participant_id"]);
        assert!(names(&facilitator_view(&app, &id).await).contains(&expected.to_string()));
    }
}

#[tokio::test]
async fn the_join_form_sends_a_taken_name_back_to_ask_who_it_is() {
    let app = spawn_app().await;
    let (_, code) = live_at_lead_time(&app).await;
    app.join(&code, "Ana").await;
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/api/join_checkpoint", app.base))
        .header("accept", "text/html")
        .header("referer", format!("{}/join", app.base))
        .form(&[("code", code.as_str()), ("name", "Ana")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().unwrap();
    assert!(to.starts_with("/join?code=") && to.ends_with("&taken=Ana"), "{to}");
    assert!(res.headers().get("set-cookie").is_none(), "nobody joined");
}

#[tokio::test]
async fn the_facilitator_merges_a_duplicate_and_no_vote_counts_twice() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let (_, ana, ana_cookie) = app.join(&code, "Ana").await;
    let (_, dup, dup_cookie) = join_with(&app, None, json!({"code": code, "name": "Ana", "as_new": true})).await;
    let (_, _, bo_cookie) = app.join(&code, "Bo").await;
    for (cookie, answer) in [
        (&ana_cookie, "less_than_one_day"),
        (&dup_cookie, "less_than_one_hour"),
        (&bo_cookie, "less_than_one_hour"),
    ] {
        let mut ws = app.socket(&id, cookie.as_deref(), None).await.unwrap();
        frame_of(&mut ws, "snapshot").await;
        command(
            &mut ws,
            1,
            json!({"type": "vote", "question": "lead_time", "answer": answer}),
        )
        .await;
        frame_of(&mut ws, "ack").await;
    }
    let before = facilitator_view(&app, &id).await;
    let (ana_id, dup_id) = (
        ana["participant_id"].as_str().unwrap(),
        dup["participant_id"].as_str().unwrap(),
    );

    // A participant may not merge.
    let mut bo = app.socket(&id, bo_cookie.as_deref(), None).await.unwrap();
    frame_of(&mut bo, "snapshot").await;
    command(
        &mut bo,
        1,
        json!({"type": "merge_participant", "from": dup_id, "into": ana_id}),
    )
    .await;
    assert_eq!(
        frame_of(&mut bo, "error").await["message"],
        "you do not have permission to do that"
    );

    let mut dup_ws = app.socket(&id, dup_cookie.as_deref(), None).await.unwrap();
    frame_of(&mut dup_ws, "snapshot").await;
    drive(
        &app,
        &id,
        &[("kind", "merge"), ("participant", dup_id), ("into", ana_id)],
    )
    .await;
    assert_eq!(
        frame_of(&mut dup_ws, "removed").await["t"],
        "removed",
        "the duplicate's tab is told"
    );

    let after = facilitator_view(&app, &id).await;
    assert_eq!(
        expected_on_lead_time(&after),
        expected_on_lead_time(&before) - 1,
        "M shrinks by the duplicate"
    );
    assert_eq!(after["questions"][0]["voters"].as_array().unwrap().len(), 2);
    drive(&app, &id, &[("kind", "reveal"), ("question", "lead_time")]).await;
    let md = app.export(&id, "format=md").await.text().await.unwrap();
    assert!(
        md.contains("Less than one hour: 1; Less than one day: 1"),
        "Ana's own vote stands and the duplicate's is not added:\n{md}"
    );
    // The merged duplicate cannot come back in with its cookie.
    let (status, _, _) = join_with(&app, dup_cookie.as_deref(), json!({"code": code, "name": "Zed"})).await;
    assert_eq!(status, StatusCode::OK, "a merged browser joins afresh, as someone new");
    assert!(!names(&facilitator_view(&app, &id).await).contains(&"Ana (2)".to_string()));
}
