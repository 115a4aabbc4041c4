//! What every API test starts from: [`spawn_app`], the server on a random
//! port with a fresh SQLite database, and the calls the test modules share
//! (forms and sign-in, the live protocol's socket, the pipelines' events).

use std::net::SocketAddr;

use checkpoint_core::accounts::Role;
use checkpoint_core::store::Store;
use checkpoint_server::{router, ServeConfig};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub client: reqwest::Client,
    /// The database and the site root (a test may put files in it).
    pub dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with some of the serve configuration changed.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ServeConfig)) -> TestApp {
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
        dir,
    }
}

impl TestApp {
    pub async fn assess(&self, body: &str) -> (StatusCode, Value) {
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
    pub async fn form(&self, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_in_as(&self, role: Role) {
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

// ---- Live checkpoints over HTTP and the WebSocket ----

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl TestApp {
    /// Signs in as a facilitator, makes a squad and a checkpoint; returns (id, join code).
    pub async fn checkpoint(&self) -> (String, String) {
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
    pub async fn join(&self, code: &str, name: &str) -> (StatusCode, Value, Option<String>) {
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

    pub async fn socket(&self, id: &str, cookie: Option<&str>, origin: Option<&str>) -> Result<Socket, u16> {
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

pub async fn next_json(ws: &mut Socket) -> Value {
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
pub async fn frame_of(ws: &mut Socket, t: &str) -> Value {
    loop {
        let v = next_json(ws).await;
        if v["t"] == t {
            return v;
        }
    }
}

pub async fn command(ws: &mut Socket, req: u64, command: Value) {
    ws.send(Message::Text(
        json!({"t": "command", "req": req, "command": command})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
}

// ---- Pipelines: a squad's token and its events ----

pub struct Pipeline {
    pub token: String,
}

impl TestApp {
    pub async fn pipeline(&self, squad: &str) -> Pipeline {
        self.pipeline_with(squad, None).await
    }

    /// A squad with an organisation size (a 7.3 key) and its token.
    pub async fn pipeline_with(&self, squad: &str, org_size: Option<&str>) -> Pipeline {
        use checkpoint_core::squads::SquadForm;
        let form = SquadForm::parse(squad, "Money", None)
            .unwrap()
            .with_org_size(org_size)
            .unwrap();
        let slug = self.store.create_squad(None, form).await.unwrap().slug;
        Pipeline {
            token: self.store.create_api_token(None, &slug, "ci").await.unwrap().secret,
        }
    }

    pub async fn post_events(&self, token: Option<&str>, kind: &str, body: String) -> (StatusCode, Value) {
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

    /// A checkpoint's summary export as the signed-in client reads it
    /// (`query` as in `format=json&revision=1`).
    pub async fn export(&self, id: &str, query: &str) -> reqwest::Response {
        self.client
            .get(format!("{}/api/v1/checkpoints/{id}/export?{query}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// The summary's JSON export: the latest revision (or the draft), or `revision`.
    pub async fn summary_json(&self, id: &str, revision: Option<u32>) -> Value {
        let revision = revision.map(|r| format!("&revision={r}")).unwrap_or_default();
        self.export(id, &format!("format=json{revision}"))
            .await
            .json()
            .await
            .unwrap()
    }

    pub async fn metrics(&self, token: Option<&str>, query: &str) -> (StatusCode, Value) {
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
pub fn hours_ago(h: i64) -> String {
    static NOW: std::sync::OnceLock<chrono::DateTime<chrono::Utc>> = std::sync::OnceLock::new();
    (*NOW.get_or_init(chrono::Utc::now) - chrono::Duration::hours(h)).to_rfc3339()
}

pub fn deploy(id: &str, status: &str, finished_hours_ago: i64, commit_hours_ago: i64) -> Value {
    json!({"id": id, "service": "api", "status": status, "finished_at": hours_ago(finished_hours_ago),
           "commits": [{"sha": format!("sha-{id}"), "committed_at": hours_ago(commit_hours_ago)}]})
}
