//! The server as a client sees it: one app per test on a random port with a
//! fresh SQLite database.

use std::net::SocketAddr;

// The throwaway PostgreSQL cluster of the core crate's store tests.
#[path = "api/robustness.rs"]
mod robustness;
#[path = "../../tests/support/mod.rs"]
#[expect(
    dead_code,
    unused_macros,
    reason = "shared with the core crate's tests; this binary uses part of it"
)]
mod support; // a crate root looks for tests/robustness.rs, which cargo would take for a test of its own

// Test modules live in api/ (a file right in tests/ would be a binary of its own).
#[path = "api/bounds.rs"]
mod bounds;
#[path = "api/carry.rs"]
mod carry;
#[path = "api/history.rs"]
mod history;
#[path = "api/injection.rs"]
mod injection;
#[path = "api/openapi.rs"]
mod openapi;
#[path = "api/resend.rs"]
mod resend;
#[path = "api/roles.rs"]
mod roles;
#[path = "api/secrecy.rs"]
mod secrecy;
#[path = "api/security.rs"]
mod security;

use checkpoint_core::accounts::Role;
use checkpoint_core::store::Store;
use checkpoint_server::{router, ServeConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct TestApp {
    base: String,
    store: Store,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with some of the serve configuration changed.
async fn spawn_app_with(configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}/app.db", dir.path().display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = ServeConfig::new(addr, dir.path().display().to_string());
    configure(&mut config);
    let app = router(store.clone(), &config);
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap()
    });
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base: format!("http://{addr}"),
        store,
        client,
        _dir: dir,
    }
}

impl TestApp {
    async fn assess(&self, body: &str) -> (StatusCode, Value) {
        let res = self
            .client
            .post(format!("{}/api/v1/assess", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Posts a server-function form the way a browser without JavaScript does.
    async fn form(&self, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    async fn sign_in_as(&self, role: Role) {
        let name = role.id();
        self.store
            .create_user(None, name, "long enough password", role)
            .await
            .unwrap();
        let res = self
            .form("login", &[("username", name), ("password", "long enough password")])
            .await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "sign in: {}",
            res.status()
        );
    }
}

fn answers(codes: [usize; 4], benchmark: &str) -> String {
    use checkpoint_core::dora::Question;
    let ids: Vec<&str> = Question::ALL
        .iter()
        .zip(codes)
        .map(|(q, c)| q.answer_ids()[c - 1])
        .collect();
    json!({"lead_time": ids[0], "deploy_frequency": ids[1], "time_to_restore": ids[2], "change_failure_rate": ids[3], "benchmark": benchmark}).to_string()
}

#[tokio::test]
async fn assess_matches_the_reference_for_every_benchmark() {
    let app = spawn_app().await;
    // (codes, level, percentile by 2019/2021/2022). avg 4.4 and 5.2 cannot come
    // from four whole answers; the core's unit tests check them.
    let cases = [
        ([6, 6, 5, 5], "elite", [89, 93, 94]),
        ([6, 6, 6, 6], "elite", [96, 97, 98]),
        ([4, 4, 3, 3], "low", [23, 33, 38]),
    ];
    for (codes, level, pcts) in cases {
        for (benchmark, pct) in ["2019", "2021", "2022"].into_iter().zip(pcts) {
            let (status, body) = app.assess(&answers(codes, benchmark)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["level"], level, "{codes:?} {benchmark}");
            assert_eq!(body["percentile"], pct, "{codes:?} {benchmark}");
            assert_eq!(body["benchmark"], benchmark);
        }
    }
    let (_, body) = app.assess(r#"{"lead_time":"less_than_one_day","deploy_frequency":"daily_to_weekly","time_to_restore":"less_than_one_day","change_failure_rate":"16-30"}"#).await;
    assert_eq!(body["benchmark"], "2019", "2019 when absent");
    assert_eq!(body["score"], 4.75, "(5 + 4 + 5 + 5) / 4");
    assert_eq!(body["level"], "high");
    assert_eq!(
        body["recommended_capabilities"],
        json!(["learning_culture", "wip_limits", "trunk_based"])
    );
}

#[tokio::test]
async fn assess_refuses_bad_input_naming_the_field() {
    let app = spawn_app().await;
    let (status, body) = app.assess("{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("malformed JSON"));

    let bad_answer = answers([6, 6, 6, 6], "2019").replace("on_demand", "hourly");
    let (status, body) = app.assess(&bad_answer).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "deploy_frequency");

    let (status, body) = app.assess(&answers([6, 6, 6, 6], "2020")).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("benchmark"))
    );

    let (status, body) = app.assess(r#"{"lead_time":"less_than_one_day"}"#).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deploy_frequency"))
    );

    let (status, body) = app.assess(r#"{"lead_time":5}"#).await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("lead_time"))
    );

    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let (status, _) = app.assess(&big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn health_metrics_and_security_headers() {
    let app = spawn_app_with(|c| c.metrics_token = Some("metrics-token-long-enough".parse().unwrap())).await;
    let res = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(
        app.client
            .get(format!("{}/readyz", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let page = app
        .client
        .get(format!("{}/quick-check", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("'nonce-") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the response's nonce"
    );

    let metrics = app
        .client
        .get(format!("{}/metrics", app.base))
        .bearer_auth("metrics-token-long-enough")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("checkpoint_http_requests_total{method=\"GET\",status=\"200\"}"),
        "{metrics}"
    );

    let missing = app
        .client
        .get(format!("{}/no-such-page", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn quick_check_page_renders_the_result_without_javascript() {
    let app = spawn_app().await;
    let url = format!("{}/quick-check?lead_time=less_than_one_hour&deploy_frequency=on_demand&time_to_restore=less_than_one_day&change_failure_rate=16-30&benchmark=2021&industry=retail", app.base);
    let html = app.client.get(url).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Better than 93 % of 2021 respondents"),
        "avg 5.5 against 2021"
    );
    assert!(html.contains("Elite"));
    assert!(html.contains("Monitoring and observability"));
    let bad = app
        .client
        .get(format!("{}/quick-check?lead_time=soon", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(bad.contains("data-field=\"lead_time\""));
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = spawn_app().await;
    for path in ["/admin/users", "/squads", "/squads/some-squad"] {
        let res = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        let location = res.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/login?next="), "{location}");
    }
    let res = app.form("list_users", &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_viewer_cannot_create_squads_or_manage_users() {
    let app = spawn_app().await;
    app.sign_in_as(Role::Viewer).await;
    let res = app
        .form("create_squad", &[("name", "Payments"), ("tribe", "Money")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store.list_squads().await.unwrap().is_empty(),
        "a refused request changes nothing"
    );
    assert_eq!(app.form("list_users", &[]).await.status(), StatusCode::FORBIDDEN);
    // A viewer may read the squad list.
    assert_eq!(app.form("list_squads", &[]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_facilitator_creates_a_squad_and_bad_input_names_the_field() {
    let app = spawn_app().await;
    app.sign_in_as(Role::Facilitator).await;
    let res = app.form("create_squad", &[("name", "  "), ("tribe", "Money")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("name must not be empty"));
    let res = app
        .form(
            "create_squad",
            &[("name", "Payments"), ("tribe", "Money"), ("industry", "finance")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let squads = app.store.list_squads().await.unwrap();
    assert_eq!(squads.len(), 1);
    assert_eq!(
        (squads[0].slug.as_str(), squads[0].industry.id()),
        ("payments", "finance")
    );
}

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_is_rate_limited() {
    let app = spawn_app().await;
    app.store
        .create_user(None, "dana", "long enough password", Role::Admin)
        .await
        .unwrap();
    let res = app
        .form("login", &[("username", "dana"), ("password", "long enough password")])
        .await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    for _ in 0..5 {
        assert_eq!(
            app.form("login", &[("username", "dana"), ("password", "wrong")])
                .await
                .status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        app.form("login", &[("username", "dana"), ("password", "long enough password")])
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    app.store
        .create_user(None, "erin", "long enough password", Role::Admin)
        .await
        .unwrap();
    let res = app
        .client
        .post(format!("{}/api/login", app.base))
        .header("origin", "https://evil.example")
        .form(&[("username", "erin"), ("password", "long enough password")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn setup_token_creates_the_first_admin_once() {
    let app = spawn_app().await;
    let token = app.store.issue_setup_token().await.unwrap().unwrap();
    let res = app
        .form(
            "complete_setup",
            &[
                ("token", "wrong"),
                ("username", "root"),
                ("password", "long enough password"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .form(
            "complete_setup",
            &[
                ("token", &token),
                ("username", "root"),
                ("password", "long enough password"),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    assert!(app.store.admin_exists().await.unwrap());
    let again = app
        .form(
            "complete_setup",
            &[
                ("token", &token),
                ("username", "root2"),
                ("password", "long enough password"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn cli_squad_create_prints_the_slug_last_and_help_lists_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db", dir.path().display());
    let bin = env!("CARGO_BIN_EXE_checkpoint");
    let out = std::process::Command::new(bin)
        .args([
            "--database-url",
            &db,
            "squad",
            "create",
            "--name",
            "Team Rocket",
            "--tribe",
            "Launch",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().last(), Some("team-rocket"));

    let out = std::process::Command::new(bin)
        .args(["--database-url", &db, "create-admin", "--username", "root"])
        .env("CHECKPOINT_ADMIN_PASSWORD", "long enough password")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = std::process::Command::new(bin)
        .args([
            "--database-url",
            &db,
            "squad",
            "create",
            "--name",
            "",
            "--tribe",
            "Launch",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("name must not be empty"));

    let help = std::process::Command::new(bin).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for cmd in ["serve", "migrate", "create-admin", "squad"] {
        assert!(help.contains(cmd), "{help}");
    }
}

#[test]
fn serve_answers_healthz_and_exits_cleanly_on_sigterm() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/serve.db", dir.path().display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_checkpoint"))
        .args(["--database-url", &db, "serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let healthy = loop {
        let ok = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok_and(|mut s| {
            use std::io::Write;
            let _ = s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            out.starts_with("HTTP/1.0 200") || out.starts_with("HTTP/1.1 200")
        });
        if ok || std::time::Instant::now() > deadline {
            break ok;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(healthy, "/healthz answered 200");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert!(exit.success(), "exit {exit:?}: {stderr}");
    assert!(stderr.contains("shut down"), "{stderr}");
    assert!(
        stdout.contains("one-time setup token"),
        "a fresh database prints the setup token: {stdout}"
    );
    let token = stdout.split_whitespace().find(|w| w.len() == 24).unwrap();
    assert!(!stderr.contains(token), "the setup token never reaches the log");
}

// ---- Live checkpoints over HTTP and the WebSocket ----

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl TestApp {
    /// Signs in as a facilitator, makes a squad and a checkpoint; returns (id, join code).
    async fn checkpoint(&self) -> (String, String) {
        self.sign_in_as(Role::Facilitator).await;
        let squad: Value = self
            .form("create_squad", &[("name", "Payments"), ("tribe", "Money")])
            .await
            .json()
            .await
            .unwrap();
        let res = self
            .client
            .post(format!("{}/api/v1/checkpoints", self.base))
            .json(&json!({"squad": squad["slug"], "held_on": "2026-11-22"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        (
            body["id"].as_str().unwrap().to_string(),
            body["join_code"].as_str().unwrap().to_string(),
        )
    }

    /// Joins with a fresh client; returns the participant's cookie.
    async fn join(&self, code: &str, name: &str) -> (StatusCode, Value, Option<String>) {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/join", self.base))
            .json(&json!({"code": code, "name": name}))
            .send()
            .await
            .unwrap();
        let cookie = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .map(str::to_string);
        (res.status(), res.json().await.unwrap_or(Value::Null), cookie)
    }

    async fn socket(&self, id: &str, cookie: Option<&str>, origin: Option<&str>) -> Result<Socket, u16> {
        let mut req = format!("{}/live/{id}/ws", self.base.replacen("http", "ws", 1))
            .into_client_request()
            .unwrap();
        if let Some(c) = cookie {
            req.headers_mut().insert("cookie", c.parse().unwrap());
        }
        if let Some(o) = origin {
            req.headers_mut().insert("origin", o.parse().unwrap());
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(ws),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
            Err(e) => panic!("websocket: {e}"),
        }
    }
}

async fn next_json(ws: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("a frame")
            .expect("open")
            .unwrap();
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).unwrap();
        }
    }
}

/// Reads frames until one of type `t`.
async fn frame_of(ws: &mut Socket, t: &str) -> Value {
    loop {
        let v = next_json(ws).await;
        if v["t"] == t {
            return v;
        }
    }
}

async fn command(ws: &mut Socket, req: u64, command: Value) {
    ws.send(Message::Text(
        json!({"t": "command", "req": req, "command": command})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn joining_names_the_field_and_a_finished_checkpoint_admits_nobody() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (status, body, _) = app.join(&code, "  ").await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
    );
    let (status, body, _) = app.join("NOPE-NOPE", "Ana").await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("code"))
    );
    let (status, body, cookie) = app.join(&code, "Ana").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["checkpoint_id"], id.as_str());
    assert!(cookie.unwrap().starts_with(&format!("checkpoint_p_{id}=")));

    let ended = app
        .form("set_checkpoint_status", &[("id", &id), ("status", "finished")])
        .await;
    assert!(
        ended.status().is_success() || ended.status().is_redirection(),
        "{}",
        ended.status()
    );
    let (status, body, _) = app.join(&code, "Late").await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("code")),
        "{body}"
    );
}

#[tokio::test]
async fn creating_a_checkpoint_needs_a_facilitator_and_names_bad_fields() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/checkpoints", app.base);
    let anonymous = reqwest::Client::new()
        .post(&url)
        .json(&json!({"squad": "x", "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    app.sign_in_as(Role::Facilitator).await;
    let bad = app
        .client
        .post(&url)
        .json(&json!({"squad": "x", "held_on": "2026-02-30"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json::<Value>().await.unwrap()["field"], "held_on");
    let missing = app
        .client
        .post(&url)
        .json(&json!({"held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.json::<Value>().await.unwrap()["field"], "squad");
    let unknown = app
        .client
        .post(&url)
        .json(&json!({"squad": "nobody", "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_socket_refuses_other_sites_strangers_and_other_checkpoints() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (_, _, cookie) = app.join(&code, "Ana").await;
    let cookie = cookie.unwrap();
    assert_eq!(app.socket(&id, None, None).await.err(), Some(401));
    assert_eq!(
        app.socket(&id, Some(&cookie), Some("http://evil.example")).await.err(),
        Some(403)
    );
    // A participant session opens its own checkpoint only.
    let other = app
        .client
        .post(format!("{}/api/v1/checkpoints", app.base))
        .json(&json!({"squad": "payments", "held_on": "2026-11-23"}))
        .send()
        .await
        .unwrap();
    let other_id = other.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(app.socket(&other_id, Some(&cookie), None).await.err(), Some(401));
    let mut ws = app
        .socket(&id, Some(&cookie), Some(&app.base))
        .await
        .expect("same-site socket");
    let first = frame_of(&mut ws, "snapshot").await;
    assert_eq!(
        first["view"]["join_code"],
        Value::Null,
        "participants do not get the join code"
    );
}

#[tokio::test]
async fn a_participant_cannot_reveal_lock_advance_or_remove() {
    let app = spawn_app().await;
    let (id, code) = secrecy::live_at_lead_time(&app).await;
    let (_, ana, cookie) = app.join(&code, "Ana").await;
    let mut ws = app.socket(&id, cookie.as_deref(), None).await.unwrap();
    let before = frame_of(&mut ws, "snapshot").await["view"]["revision"]
        .as_i64()
        .unwrap();
    let refused = [
        json!({"type": "reveal", "question": "lead_time"}),
        json!({"type": "lock", "question": "lead_time", "answer": "less_than_one_day"}),
        json!({"type": "go_to", "stage": "maturity"}),
        json!({"type": "timer", "stage": "lead_time", "action": "start"}),
        json!({"type": "remove_participant", "participant": ana["participant_id"]}),
    ];
    for (i, cmd) in refused.into_iter().enumerate() {
        command(&mut ws, i as u64 + 1, cmd).await;
        let err = frame_of(&mut ws, "error").await;
        assert_eq!(err["req"], i as u64 + 1);
        assert_eq!(err["message"], "you do not have permission to do that");
    }
    // A vote is allowed and acknowledged with the next revision; nothing else changed.
    command(
        &mut ws,
        9,
        json!({"type": "vote", "question": "lead_time", "answer": "less_than_one_day"}),
    )
    .await;
    let ack = frame_of(&mut ws, "ack").await;
    assert_eq!((ack["req"].as_u64(), ack["rev"].as_i64()), (Some(9), Some(before + 1)));
    command(
        &mut ws,
        10,
        json!({"type": "vote", "question": "lead_time", "answer": "whenever"}),
    )
    .await;
    assert_eq!(frame_of(&mut ws, "error").await["field"], "answer");
}

/// The board's promises over the real protocol: a create sent twice (its ack
/// lost, say) makes one note; two people editing one note at once both keep
/// their change, and every socket, applying the frames it receives as the
/// browser does, ends with the server's board.
#[tokio::test]
async fn a_retried_note_create_makes_one_note_and_concurrent_edits_converge() {
    use checkpoint_core::live::{Frame, View};
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    let (_, _, ana) = app.join(&code, "Ana").await;
    let (_, _, bo) = app.join(&code, "Bo").await;
    let mut ana = app.socket(&id, ana.as_deref(), None).await.unwrap();
    let mut bo = app.socket(&id, bo.as_deref(), None).await.unwrap();
    let board = |op: Value| json!({"type": "board", "op": op});
    // The facilitator sets up the steps; participants add notes to them.
    let res = app.form("board_command", &[("id", &id), ("op", "use_template")]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    frame_of(&mut ana, "snapshot").await;
    let create = board(
        json!({"type": "add_note", "id": "n1", "step": "step-3", "kind": "manual", "text": "Build takes 40 min"}),
    );
    command(&mut ana, 2, create.clone()).await;
    frame_of(&mut ana, "ack").await;
    command(&mut ana, 3, create).await;
    frame_of(&mut ana, "ack").await;

    // Each socket's view, from a fresh snapshot, then kept up to date frame by frame.
    async fn synced(ws: &mut Socket) -> View {
        ws.send(Message::Text(json!({"t": "sync"}).to_string().into()))
            .await
            .unwrap();
        let snap = frame_of(ws, "snapshot").await;
        serde_json::from_value(snap["view"].clone()).unwrap()
    }
    async fn follow(ws: &mut Socket, mut view: View, revision: i64) -> View {
        while view.revision < revision {
            match serde_json::from_value::<Frame>(next_json(ws).await).unwrap() {
                Frame::Snapshot { view: v } => view = *v,
                Frame::Note { rev, id, note, index } => assert!(view.apply_note(rev, &id, note, index)),
                _ => {}
            }
        }
        view
    }
    let ana_view = synced(&mut ana).await;
    assert_eq!(ana_view.board.notes.len(), 1, "the retried create made one note");
    let bo_view = synced(&mut bo).await;

    // At once: Ana rewrites the text while Bo changes the kind and moves it.
    command(
        &mut ana,
        4,
        board(json!({"type": "edit_note", "id": "n1", "text": "Build takes 40 minutes"})),
    )
    .await;
    command(
        &mut bo,
        1,
        board(json!({"type": "edit_note", "id": "n1", "kind": "improvement"})),
    )
    .await;
    command(
        &mut bo,
        2,
        board(json!({"type": "move_note", "id": "n1", "step": "step-4", "index": 0})),
    )
    .await;
    let last = ana_view.revision.max(bo_view.revision) + 3;
    let (ana_view, bo_view) = (
        follow(&mut ana, ana_view, last).await,
        follow(&mut bo, bo_view, last).await,
    );
    assert_eq!(ana_view.board.notes, bo_view.board.notes);
    let n = &ana_view.board.notes[0];
    assert_eq!(
        (n.text.as_str(), n.kind.id(), n.step.as_str(), n.version),
        ("Build takes 40 minutes", "improvement", "step-4", 4)
    );
    assert_eq!(
        synced(&mut bo).await.board.notes,
        ana_view.board.notes,
        "what the frames built is what the server holds"
    );
}

/// Starts `checkpoint serve` on a free port; returns the child and its base URL.
fn serve_process(database_url: &str) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_checkpoint"))
        .args([
            "--database-url",
            database_url,
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    (child, format!("http://127.0.0.1:{port}"))
}

async fn wait_healthy(base: &str) {
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{base} not healthy in 10 s");
}

/// Two server processes on one PostgreSQL: a vote through one reaches a
/// participant connected to the other (LISTEN/NOTIFY).
#[tokio::test]
async fn two_server_processes_on_postgres_share_a_live_checkpoint() {
    let Some(url) = support::postgres_database_url().await else {
        return;
    };
    let admin = std::process::Command::new(env!("CARGO_BIN_EXE_checkpoint"))
        .args(["--database-url", &url, "create-admin", "--username", "fran"])
        .env("CHECKPOINT_ADMIN_PASSWORD", "long enough password")
        .output()
        .unwrap();
    assert!(admin.status.success(), "{}", String::from_utf8_lossy(&admin.stderr));
    let (mut one, base_one) = serve_process(&url);
    let (mut two, base_two) = serve_process(&url);
    wait_healthy(&base_one).await;
    wait_healthy(&base_two).await;

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    client
        .post(format!("{base_one}/api/login"))
        .form(&[("username", "fran"), ("password", "long enough password")])
        .send()
        .await
        .unwrap();
    let squad: Value = client
        .post(format!("{base_one}/api/create_squad"))
        .form(&[("name", "Payments"), ("tribe", "Money")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let created: Value = client
        .post(format!("{base_one}/api/v1/checkpoints"))
        .json(&json!({"squad": squad["slug"], "held_on": "2026-11-22"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (id, code) = (created["id"].as_str().unwrap(), created["join_code"].as_str().unwrap());

    let join = |base: String, name: &'static str| {
        let code = code.to_string();
        async move {
            let res = reqwest::Client::new()
                .post(format!("{base}/api/v1/join"))
                .json(&json!({"code": code, "name": name}))
                .send()
                .await
                .unwrap();
            let cookie = res
                .headers()
                .get("set-cookie")
                .unwrap()
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string();
            let body: Value = res.json().await.unwrap();
            (cookie, body["participant_id"].as_str().unwrap().to_string())
        }
    };
    client
        .post(format!("{base_one}/api/set_checkpoint_status"))
        .form(&[("id", id), ("status", "live")])
        .send()
        .await
        .unwrap();
    client
        .post(format!("{base_one}/api/live_command"))
        .form(&[("id", id), ("kind", "go_to"), ("stage", "lead_time")])
        .send()
        .await
        .unwrap();
    let (ana_cookie, ana_id) = join(base_one.clone(), "Ana").await;
    let (bo_cookie, _) = join(base_two.clone(), "Bo").await;
    let open = |base: &str, cookie: &str| {
        let mut req = format!("{}/live/{id}/ws", base.replacen("http", "ws", 1))
            .into_client_request()
            .unwrap();
        req.headers_mut().insert("cookie", cookie.parse().unwrap());
        tokio_tungstenite::connect_async(req)
    };
    let (mut bo, _) = open(&base_two, &bo_cookie).await.unwrap();
    frame_of(&mut bo, "snapshot").await;
    let (mut ana, _) = open(&base_one, &ana_cookie).await.unwrap();
    frame_of(&mut ana, "snapshot").await;
    command(
        &mut ana,
        1,
        json!({"type": "vote", "question": "lead_time", "answer": "less_than_one_day"}),
    )
    .await;
    assert_eq!(frame_of(&mut ana, "ack").await["req"], 1);
    // Bo, on the other process, sees Ana has voted, and not what.
    loop {
        let snap = frame_of(&mut bo, "snapshot").await;
        let q = &snap["view"]["questions"][0];
        if q["voters"]
            .as_array()
            .is_some_and(|v| v.iter().any(|p| p == ana_id.as_str()))
        {
            assert_eq!(q["choices"], Value::Null);
            assert!(!snap.to_string().contains("less_than_one_day"));
            break;
        }
    }
    let _ = one.kill();
    let _ = two.kill();
    let _ = one.wait();
    let _ = two.wait();
}

// ---- measured metrics: ingestion, refusals, reading, the CLI ----

struct Pipeline {
    token: String,
}

impl TestApp {
    async fn pipeline(&self, squad: &str) -> Pipeline {
        use checkpoint_core::squads::SquadForm;
        let slug = self
            .store
            .create_squad(None, SquadForm::parse(squad, "Money", None).unwrap())
            .await
            .unwrap()
            .slug;
        Pipeline {
            token: self.store.create_api_token(None, &slug, "ci").await.unwrap().secret,
        }
    }

    async fn post_events(&self, token: Option<&str>, kind: &str, body: String) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(format!("{}/api/v1/{kind}", self.base))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn metrics(&self, token: Option<&str>, query: &str) -> (StatusCode, Value) {
        let mut req = self.client.get(format!("{}/api/v1/metrics?{query}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

/// Instants relative to one "now" per test process, so that differences are exact.
fn hours_ago(h: i64) -> String {
    static NOW: std::sync::OnceLock<chrono::DateTime<chrono::Utc>> = std::sync::OnceLock::new();
    (*NOW.get_or_init(chrono::Utc::now) - chrono::Duration::hours(h)).to_rfc3339()
}

fn deploy(id: &str, status: &str, finished_hours_ago: i64, commit_hours_ago: i64) -> Value {
    json!({"id": id, "service": "api", "status": status, "finished_at": hours_ago(finished_hours_ago),
           "commits": [{"sha": format!("sha-{id}"), "committed_at": hours_ago(commit_hours_ago)}]})
}

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
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("to"))
    );
    let (status, body) = app.metrics(Some(&p.token), "from=last-week").await;
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("from"))
    );
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
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "empty id",
            json!({"id": "", "service": "api", "status": "success", "finished_at": hours_ago(1)}),
            "id",
        ),
        (
            "unknown status",
            json!({"id": "x", "service": "api", "status": "done", "finished_at": hours_ago(1)}),
            "status",
        ),
        (
            "bad timestamp",
            json!({"id": "x", "service": "api", "status": "success", "finished_at": "22/11/2026"}),
            "finished_at",
        ),
        (
            "commit after the deployment",
            json!({"id": "x", "service": "api", "status": "success", "finished_at": hours_ago(2), "commits": [{"sha": "a", "committed_at": hours_ago(1)}]}),
            "commits[0].committed_at",
        ),
    ];
    for (what, bad, field) in cases {
        let (status, body) = app
            .post_events(
                Some(&p.token),
                "deployments",
                json!({"deployments": [good.clone(), bad]}).to_string(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(
            (body["index"].as_u64(), body["field"].as_str()),
            (Some(1), Some(field)),
            "{what}: {body}"
        );
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
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
        assert_eq!(
            (status, body["index"].as_u64(), body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(0), Some("resolved_at")),
            "{what}"
        );
    }
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
    assert_eq!(
        (status, body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deployments"))
    );
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

fn m_window() -> checkpoint_core::measured::BoundedWindow {
    let to = chrono::Utc::now().timestamp_millis();
    checkpoint_core::measured::BoundedWindow::parse(to - 91 * checkpoint_core::measured::DAY_MS, to).unwrap()
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
    for (query, field) in [
        ("from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00.001Z", "from"),
        ("from=1970-01-01T00:00:00Z&to=9999-12-31T00:00:00Z", "from"),
        ("from=1970-01-01T00:00:00Z", "from"),
        ("from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
    ] {
        let (status, body) = app.metrics(Some(&p.token), query).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{query}: {body}"
        );
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
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
    for service in ["api", "web", "search"] {
        let production: Vec<&Value> = rows
            .iter()
            .filter(|r| r["service"] == service && r["environment"] == "production")
            .collect();
        assert_eq!(production.len(), 1, "one production row for {service}: {rows:?}");
        let (status, m) = app.metrics(None, &format!("squad=payments&service={service}")).await;
        assert_eq!(status, StatusCode::OK);
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

#[tokio::test]
async fn the_cli_creates_tokens_and_imports_csv_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db", dir.path().display());
    let bin = env!("CARGO_BIN_EXE_checkpoint");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .arg("--database-url")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["squad", "create", "--name", "Payments", "--tribe", "Money"])
        .status
        .success());
    let out = run(&["token", "create", "--squad", "payments"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap();
    assert!(
        token.starts_with("cpt_") && !token.contains(' '),
        "the token alone on the last line: {stdout}"
    );
    assert!(!run(&["token", "create", "--squad", "nope"]).status.success());

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "id,service,status,finished_at\nd1,api,success,2026-11-20T10:00:00Z\nd2,api,maybe,2026-11-20T10:00:00Z\n",
    )
    .unwrap();
    let out = run(&["import", "--squad", "payments", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("row 3, column status"), "{stderr}");
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "id,service,status,finished_at,commits\nd1,api,success,2026-11-20T10:00:00Z,abc@2026-11-20T09:00:00Z\nd2,api,failure,2026-11-20T11:00:00Z,\n").unwrap();
    let out = run(&["import", "--squad", "payments", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 deployments into payments: 2 new, 0 updated"));
    let store = Store::connect(&db).await.unwrap();
    let squad = store.squad_for_events(None, "payments").await.unwrap();
    let user = checkpoint_core::accounts::CurrentUser {
        id: "x".into(),
        username: "x".into(),
        role: Role::Viewer,
    };
    let scope = store
        .metrics_scope(
            checkpoint_core::store::measured::Reader::User(&user),
            Some(&squad.slug),
            None,
        )
        .await
        .unwrap();
    let page = store
        .squad_metrics(&scope, m_window(), Default::default())
        .await
        .unwrap();
    assert_eq!(page.total_deployments, 2, "only the good file was stored");
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_endpoint_and_each_answers() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/json");
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut documented: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    documented.sort();
    // Every route the API router serves (server/src/api*.rs).
    let served = [
        "GET /checkpoints/{id}/export",
        "GET /metrics",
        "GET /openapi.json",
        "POST /assess",
        "POST /checkpoints",
        "POST /deployments",
        "POST /incidents",
        "POST /join",
    ];
    assert_eq!(documented, served);
    for route in served {
        let (method, path) = route.split_once(' ').unwrap();
        let url = format!("{}/api/v1{path}", app.base);
        let res = if method == "GET" {
            app.client.get(url)
        } else {
            app.client.post(url).body("{}")
        }
        .send()
        .await
        .unwrap();
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(
            !(status == StatusCode::NOT_FOUND && body.contains("no such API endpoint")),
            "{route} is documented but not served"
        );
    }
}

// ---- the summary and its exports ----

#[tokio::test]
async fn the_summary_exports_as_markdown_json_and_html_to_readers_of_the_squad_only() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    app.join(&code, "Ana").await;
    let export = |format: &str, token: Option<&str>, client: &reqwest::Client| {
        let mut req = client.get(format!("{}/api/v1/checkpoints/{id}/export?format={format}", app.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let res = export("md", None, &app.client).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/markdown; charset=utf-8");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"payments-2026-11-22.md\""
    );
    let md = res.text().await.unwrap();
    assert!(md.starts_with("# DevOps Checkpoint: Payments, 2026-11-22\n"), "{md}");
    // Ana, and the facilitator (in the room from the start).
    assert!(
        md.contains("Draft (not finalised)") && md.contains("Participants: 2"),
        "{md}"
    );

    let json: Value = export("json", None, &app.client).await.unwrap().json().await.unwrap();
    assert_eq!(
        (
            json["schema"].as_str(),
            json["revision"].clone(),
            json["checkpoint"]["tribe"].as_str()
        ),
        (Some("devops-checkpoint/summary/1"), Value::Null, Some("Money"))
    );
    assert_eq!(json["answers"].as_array().unwrap().len(), 4);
    let html = export("html", None, &app.client).await.unwrap();
    assert!(
        html.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'"),
        "the page may run nothing"
    );
    assert!(html.text().await.unwrap().contains("@media print"));

    let csv = export("csv&of=actions", None, &app.client).await.unwrap();
    assert_eq!(
        csv.headers()["content-disposition"],
        "attachment; filename=\"payments-2026-11-22.actions.csv\""
    );
    assert_eq!(
        csv.text().await.unwrap(),
        "title,owner,due,capability,status\r\n",
        "no actions yet: the header alone"
    );
    assert!(export("csv&of=notes", None, &app.client)
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .starts_with("step,position,kind,text"));
    for (query, field) in [
        ("format=pdf", "format"),
        ("format=", "format"),
        ("format=md&revision=0", "revision"),
        ("format=csv", "of"),
    ] {
        let res = app
            .client
            .get(format!("{}/api/v1/checkpoints/{id}/export?{query}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(res.json::<Value>().await.unwrap()["field"], field, "{query}");
    }
    assert_eq!(
        export("md", None, &reqwest::Client::new()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // A token reads its own squad's checkpoints, and another squad's token finds nothing.
    let own = app
        .store
        .create_api_token(None, "payments", "wiki")
        .await
        .unwrap()
        .secret;
    assert_eq!(
        export("md", Some(&own), &reqwest::Client::new())
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let other = app.pipeline("Search").await;
    assert_eq!(
        export("md", Some(&other.token), &reqwest::Client::new())
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Finalised: the export says so, the draft form is refused, a correction makes revision 2.
    let res = app
        .form(
            "finalise_summary",
            &[("id", &id), ("highlights", "Shipped the pipeline.")],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let md = export("md", None, &app.client).await.unwrap().text().await.unwrap();
    assert!(
        md.contains("Revision 1, finalised") && md.contains("Shipped the pipeline."),
        "{md}"
    );
    let refused = app
        .form("save_summary_highlights", &[("id", &id), ("highlights", "changed")])
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let res = app
        .form(
            "correct_summary",
            &[
                ("id", &id),
                ("highlights", "Shipped the pipeline, twice."),
                ("reason", "typo"),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let first: Value = app
        .client
        .get(format!(
            "{}/api/v1/checkpoints/{id}/export?format=json&revision=1",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let latest: Value = export("json", None, &app.client).await.unwrap().json().await.unwrap();
    assert_eq!(
        (
            first["highlights"].as_str(),
            latest["highlights"].as_str(),
            latest["revision"].as_i64()
        ),
        (
            Some("Shipped the pipeline."),
            Some("Shipped the pipeline, twice."),
            Some(2)
        )
    );
}
