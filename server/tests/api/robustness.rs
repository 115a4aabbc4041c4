//! Client mistakes are 4xx naming the problem, never 500; names are unique in
//! a checkpoint, ignoring case and Unicode normalisation.

use checkpoint_core::accounts::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_second_participant_with_the_same_name_in_another_case_is_refused_naming_name() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (status, ana, cookie) = app.join(&code, "Ana Lopez").await;
    assert_eq!(status, StatusCode::OK);
    let mut refusals = Vec::new();
    for same in ["ana lopez", "ANA  LOPEZ", " Ana\tLopez "] {
        let (status, body, _) = app.join(&code, same).await;
        assert_eq!(status, StatusCode::CONFLICT, "{same:?}: {body}");
        refusals.push(body);
    }
    insta::assert_json_snapshot!(refusals, @r#"
    [
      {
        "error": "someone in this checkpoint is already called Ana Lopez; add an initial or choose another name",
        "field": "name"
      },
      {
        "error": "someone in this checkpoint is already called Ana Lopez; add an initial or choose another name",
        "field": "name"
      },
      {
        "error": "someone in this checkpoint is already called Ana Lopez; add an initial or choose another name",
        "field": "name"
      }
    ]
    "#);
    // A decomposed accent is the same name as the composed one.
    assert_eq!(app.join(&code, "Jos\u{E9}").await.0, StatusCode::OK);
    let (status, body, _) = app.join(&code, "JOSE\u{301}").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": "someone in this checkpoint is already called José; add an initial or choose another name",
      "field": "name"
    }
    "#);
    // The server function (the join page) refuses the same way.
    let res = app
        .form("join_checkpoint", &[("code", &code), ("name", "ANA LOPEZ")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("already called Ana Lopez"));
    // Ana joining again with her own cookie gets her place back, not a second one.
    let again = reqwest::Client::new()
        .post(format!("{}/api/v1/join", app.base))
        .header("cookie", cookie.unwrap())
        .json(&json!({"code": code, "name": "ana lopez"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        again.json::<Value>().await.unwrap()["participant_id"],
        ana["participant_id"]
    );
    let room = app.store.load_live(&id).await.unwrap();
    let anas = room
        .state
        .participants
        .iter()
        .filter(|p| p.name.eq_ignore_ascii_case("ana lopez"))
        .count();
    assert_eq!(anas, 1, "{:?}", room.state.participants);
}

#[tokio::test]
async fn names_with_direction_overrides_or_invisible_characters_are_refused_at_join() {
    let app = spawn_app().await;
    let (_, code) = app.checkpoint().await;
    let mut refusals = Vec::new();
    for name in ["Ana\u{202E}cod.exe", "A\u{200B}na", "Ana\u{7}"] {
        let (status, body, _) = app.join(&code, name).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}: {body}");
        refusals.push(body);
    }
    insta::assert_json_snapshot!(refusals, @r#"
    [
      {
        "error": "name must not contain invisible or text-direction characters (found U+202E)",
        "field": "name"
      },
      {
        "error": "name must not contain invisible or text-direction characters (found U+200B)",
        "field": "name"
      },
      {
        "error": "name must not contain control characters (found U+0007)",
        "field": "name"
      }
    ]
    "#);
}

#[tokio::test]
async fn live_view_of_an_unknown_checkpoint_is_404_for_everyone() {
    let app = spawn_app().await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let anonymous = reqwest::Client::new();
    for id in [unknown.as_str(), "not-a-checkpoint"] {
        let res = anonymous
            .post(format!("{}/api/live_view", app.base))
            .form(&[("id", id)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "anonymous, {id}");
    }
    for role in [Role::Facilitator, Role::Admin] {
        let app = spawn_app().await;
        app.sign_in_as(role).await;
        let res = app.form("live_view", &[("id", &unknown)]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{role:?}");
        assert!(res.text().await.unwrap().contains("checkpoint not found"));
    }
    // A checkpoint that exists still asks an outsider to sign in or join.
    let (id, _) = app.checkpoint().await;
    let res = anonymous
        .post(format!("{}/api/live_view", app.base))
        .form(&[("id", &id)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_form_over_the_limit_to_a_server_function_is_413() {
    let app = spawn_app().await;
    let big = "x".repeat(3 * 1024 * 1024);
    let res = app
        .form("join_checkpoint", &[("code", "ABCD-EFGH"), ("name", &big)])
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("2 MiB"));

    // The same without a Content-Length (chunked): the limit is found while reading.
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/join_checkpoint HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let chunk = "x".repeat(64 * 1024);
    let mut sent = 0;
    // The server may answer and close before the whole body is sent.
    while sent < 3 * 1024 * 1024 {
        if tcp
            .write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes())
            .await
            .is_err()
        {
            break;
        }
        sent += chunk.len();
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{}",
        answer.lines().next().unwrap_or_default()
    );
}

#[tokio::test]
async fn json_multipart_or_untyped_bodies_to_server_functions_are_415_naming_the_content_type() {
    let app = spawn_app().await;
    let url = format!("{}/api/join_checkpoint", app.base);
    let json = app
        .client
        .post(&url)
        .json(&json!({"code": "ABCD-EFGH", "name": "Ana"}))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let text = json.text().await.unwrap();
    assert!(
        text.contains("application/x-www-form-urlencoded") && text.contains("application/json"),
        "{text}"
    );

    let multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\nABCD-EFGH\r\n--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAna\r\n--XyZ--\r\n";
    let res = app
        .client
        .post(&url)
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(multipart)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(res.text().await.unwrap().contains("multipart/form-data"));

    // Without a content type (and without an Origin) the CSRF rule refuses it first; with this site's Origin it is the type.
    let res = app
        .client
        .post(&url)
        .body("code=ABCD-EFGH&name=Ana")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .client
        .post(&url)
        .header("origin", &app.base)
        .body("code=ABCD-EFGH&name=Ana")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A charset parameter is fine.
    let res = app
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded; charset=UTF-8")
        .body("code=NOPE-NOPE&name=Ana")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_form_that_does_not_fit_the_server_function_is_400_naming_the_field() {
    let app = spawn_app().await;
    let res = app.form("join_checkpoint", &[("code", "ABCD-EFGH")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let text = res.text().await.unwrap();
    assert!(text.contains("name"), "{text}");

    app.sign_in_as(Role::Viewer).await;
    // serde_qs does not say which field holds a bad number; the problem is named.
    let res = app.form("load_summary", &[("id", "x"), ("revision", "abc")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let text = res.text().await.unwrap();
    assert!(text.contains("invalid digit"), "{text}");
}

#[tokio::test]
async fn pages_show_typed_names_isolated_in_bdi() {
    // (`<!>` are Leptos's hydration markers.)
    let app = spawn_app().await;
    app.sign_in_as(Role::Facilitator).await;
    let squad: Value = app
        .form(
            "create_squad",
            &[
                ("name", "\u{645}\u{62F}\u{641}\u{648}\u{639}\u{627}\u{62A}"),
                ("tribe", "\u{5DB}\u{5E1}\u{5E3}"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let html = app
        .client
        .get(format!("{}/squads/{}", app.base, squad["slug"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(
        html.contains("<h1><bdi>\u{645}\u{62F}\u{641}\u{648}\u{639}\u{627}\u{62A}</bdi></h1>"),
        "{html}"
    );
    assert!(html.contains("Tribe <bdi>\u{5DB}\u{5E1}\u{5E3}</bdi>"), "{html}");

    let res = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&json!({"squad": squad["slug"], "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    let (id, code) = (body["id"].as_str().unwrap(), body["join_code"].as_str().unwrap());
    let (_, _, cookie) = app.join(code, "\u{0622}\u{0646}\u{0627}").await;
    let room = reqwest::Client::new()
        .get(format!("{}/checkpoints/{id}", app.base))
        .header("cookie", cookie.unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    assert!(room.contains("<bdi>\u{0622}\u{0646}\u{0627}</bdi>"), "{room}");
    assert!(room.contains("Facilitated by <bdi>facilitator</bdi>"), "{room}");
}
