//! Sign-in and the doors around it: the session cookie, where a sign-in
//! redirects, how failed sign-ins slow further ones, the one-time setup of the
//! first admin, which requests count as cross-site, the security headers, what
//! may be cached, and who may read `/metrics` (issue 12, points 5, 7 and 8).

use checkpoint_core::accounts::Role;
use checkpoint_server::ServeConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const METRICS_TOKEN: &str = "metrics-token-for-the-tests";

/// The test client connects from 127.0.0.1: trust it as the proxy, so each
/// request names its client in `X-Forwarded-For`.
fn behind_proxy(c: &mut ServeConfig) {
    c.trusted_proxies = vec![checkpoint_core::security::TrustedProxy::parse("127.0.0.1").unwrap()];
}

fn with_metrics_token(c: &mut ServeConfig) {
    c.metrics_token = Some(METRICS_TOKEN.parse().unwrap());
}

impl TestApp {
    /// Signs in through the server function's form, as a browser without JavaScript would.
    async fn login_from(&self, client: Option<&str>, username: &str, password: &str) -> reqwest::Response {
        let mut req = self
            .client
            .post(format!("{}/api/login", self.base))
            .form(&[("username", username), ("password", password)]);
        if let Some(addr) = client {
            req = req.header("x-forwarded-for", addr);
        }
        req.send().await.unwrap()
    }
}

#[tokio::test]
async fn after_sign_in_only_a_same_site_path_is_followed_and_no_next_breaks_the_handler() {
    let app = spawn_app().await;
    app.store
        .create_user(None, "nina", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let hostile = [
        "/\t/evil.example/",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example",
        "/ /evil.example",
        "/\n/evil.example",
        "/x\r\nSet-Cookie: checkpoint_session=attacker",
        "\u{0}/evil",
        "javascript:alert(1)",
    ];
    for next in hostile.iter().chain(["/squads/payments?window=91"].iter()) {
        for accept in ["text/html", "*/*"] {
            let res = app
                .client
                .post(format!("{}/api/login", app.base))
                .header("accept", accept)
                .form(&[
                    ("username", "nina"),
                    ("password", "long enough password"),
                    ("next", next),
                ])
                .send()
                .await
                .unwrap_or_else(|e| panic!("next={next:?}: no answer ({e})"));
            assert!(!res.status().is_server_error(), "next={next:?}: {}", res.status());
            let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
            let expected = if hostile.contains(next) { "/" } else { *next };
            assert_eq!(location.as_deref(), Some(expected), "next={next:?}");
            assert!(
                res.headers()
                    .get_all("set-cookie")
                    .iter()
                    .all(|c| c.to_str().unwrap().starts_with("checkpoint_session=")),
                "next={next:?}"
            );
        }
    }
}

#[tokio::test]
async fn thirty_parallel_wrong_passwords_are_not_all_checked() {
    let app = spawn_app().await;
    app.store
        .create_user(None, "pat", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let tries = (0..30).map(|_| app.login_from(None, "pat", "wrong password"));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(tries)
        .await
        .iter()
        .map(|r| r.status())
        .collect();
    let limited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    let checked = statuses.len() - limited;
    assert!(statuses.iter().all(|s| s.is_client_error()), "{statuses:?}");
    // Five tries before the first wait (checkpoint_core::security::Backoff::SIGN_IN).
    assert!(
        (1..=5).contains(&checked),
        "{checked} of 30 parallel guesses were checked: {statuses:?}"
    );
}

#[tokio::test]
async fn failures_from_one_address_never_lock_the_account_for_another() {
    let app = spawn_app_with(behind_proxy).await;
    app.store
        .create_user(None, "quinn", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(app.login_from(Some("203.0.113.7"), "quinn", "guess").await.status());
    }
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "the guessing address is slowed down: {statuses:?}"
    );
    let res = app
        .login_from(Some("203.0.113.7"), "quinn", "long enough password")
        .await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits at the guessing address"
    );
    assert!(res.headers().get("set-cookie").is_none());

    let res = app
        .login_from(Some("198.51.100.9"), "quinn", "long enough password")
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "the owner, elsewhere, signs in: {}",
        res.status()
    );
    assert!(res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("checkpoint_session="));

    // An IPv6 client is one client across its /64.
    for _ in 0..6 {
        app.login_from(Some("2001:db8:1:2::1"), "quinn", "guess").await;
    }
    let res = app
        .login_from(Some("2001:db8:1:2:ffff::9"), "quinn", "long enough password")
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "same /64, same wait");
    let res = app
        .login_from(Some("2001:db8:1:3::1"), "quinn", "long enough password")
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "another /64: {}",
        res.status()
    );

    // Without a trusted proxy, X-Forwarded-For is the client's own say-so and is ignored.
    let plain = spawn_app().await;
    plain
        .store
        .create_user(None, "quinn", "long enough password", Role::Facilitator)
        .await
        .unwrap();
    for i in 0..6 {
        plain
            .login_from(Some(&format!("203.0.113.{i}")), "quinn", "guess")
            .await;
    }
    assert_eq!(
        plain
            .login_from(Some("198.51.100.9"), "quinn", "long enough password")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_https_origin_is_refused_on_an_http_site() {
    let app = spawn_app().await;
    app.store
        .create_user(None, "erin", "long enough password", Role::Admin)
        .await
        .unwrap();
    let with_origin = |origin: String| {
        app.client
            .post(format!("{}/api/login", app.base))
            .header("origin", origin)
            .form(&[("username", "erin"), ("password", "long enough password")])
            .send()
    };
    let https = with_origin(app.base.replacen("http://", "https://", 1)).await.unwrap();
    assert_eq!(
        https.status(),
        StatusCode::FORBIDDEN,
        "same host and port, other scheme"
    );
    assert!(https.headers().get("set-cookie").is_none());
    let port = app.base.rsplit(':').next().unwrap().parse::<u16>().unwrap();
    let other_port = with_origin(format!("http://127.0.0.1:{}", port.wrapping_add(1)))
        .await
        .unwrap();
    assert_eq!(other_port.status(), StatusCode::FORBIDDEN, "same host, other port");
    let same = with_origin(app.base.clone()).await.unwrap();
    assert!(same.status().is_success(), "this very site: {}", same.status());
    // The socket follows the same rule.
    let id = "no-such-checkpoint";
    assert_eq!(
        app.socket(id, None, Some(&app.base.replacen("http://", "https://", 1)))
            .await
            .err(),
        Some(403)
    );
}

#[tokio::test]
async fn a_public_url_decides_the_origin() {
    let app =
        spawn_app_with(|c| c.public_url = checkpoint_core::security::SiteOrigin::parse("https://checkpoint.example"))
            .await;
    app.store
        .create_user(None, "erin", "long enough password", Role::Admin)
        .await
        .unwrap();
    let login = |origin: &str| {
        app.client
            .post(format!("{}/api/login", app.base))
            .header("origin", origin)
            .form(&[("username", "erin"), ("password", "long enough password")])
            .send()
    };
    assert_eq!(
        login(&app.base).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "the Host header no longer decides"
    );
    assert!(login("https://checkpoint.example").await.unwrap().status().is_success());
}

#[tokio::test]
async fn a_post_without_origin_needs_a_json_or_form_body_and_pipelines_keep_working() {
    let app = spawn_app().await;
    app.sign_in_as(Role::Facilitator).await;
    // text/plain is what a cross-site page may send without asking.
    let res = app
        .client
        .post(format!("{}/api/create_squad", app.base))
        .header("content-type", "text/plain")
        .body("name=Evil&tribe=Corp")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .client
        .post(format!("{}/api/create_squad", app.base))
        .body("name=Evil&tribe=Corp")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no content type at all");
    assert!(app.store.list_squads().await.unwrap().is_empty(), "nothing was created");

    // A form without Origin (an old browser) still works.
    let squad: Value = app
        .form("create_squad", &[("name", "Payments"), ("tribe", "Money")])
        .await
        .json()
        .await
        .unwrap();
    let slug = squad["slug"].as_str().unwrap().to_string();
    // So does the CSV upload, a multipart form.
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\nContent-Type: text/csv\r\n\r\nid,service,status,finished_at\r\nd1,api,success,2026-11-20T10:00:00Z\r\n--XyZ--\r\n";
    let res = app
        .client
        .post(format!("{}/squads/{slug}/import", app.base))
        .header("content-type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(
        res.headers()["location"].to_str().unwrap().contains("imported=1"),
        "{:?}",
        res.headers()["location"]
    );
    // And a pipeline: a bearer token, JSON, no Origin, no cookies.
    let p = app.pipeline("Checkout").await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/deployments", app.base))
        .bearer_auth(&p.token)
        .json(&deploy("d1", "success", 2, 3))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/deployments", app.base))
        .bearer_auth(&p.token)
        .header("content-type", "text/plain")
        .body(deploy("d2", "success", 2, 3).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the same rule for every caller");
}

#[tokio::test]
async fn sec_fetch_site_from_another_site_is_refused() {
    let app = spawn_app().await;
    let (_, code) = app.checkpoint().await;
    let join = |site: &'static str, name: &'static str| {
        reqwest::Client::new()
            .post(format!("{}/api/v1/join", app.base))
            .header("sec-fetch-site", site)
            .json(&json!({"code": code, "name": name}))
            .send()
    };
    for site in ["cross-site", "same-site"] {
        let res = join(site, "Mallory").await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{site}");
        assert!(res.headers().get("set-cookie").is_none());
    }
    assert_eq!(join("same-origin", "Ana").await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        join("none", "Bo").await.unwrap().status(),
        StatusCode::OK,
        "typed in or bookmarked"
    );
}

#[tokio::test]
async fn authenticated_answers_are_never_stored_by_caches_and_static_files_keep_their_caching() {
    let app = spawn_app().await;
    std::fs::create_dir_all(app.dir.path().join("pkg")).unwrap();
    std::fs::write(app.dir.path().join("pkg/checkpoint.css"), "body{}").unwrap();
    let (id, _) = app.checkpoint().await;
    let page = app.client.get(format!("{}/squads", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers().get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-store"),
        "a signed-in page"
    );
    let server_fn = app.form("list_squads", &[]).await;
    assert_eq!(server_fn.status(), StatusCode::OK);
    assert_eq!(
        server_fn.headers().get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-store"),
        "a server function's answer"
    );
    let checkpoint = app
        .client
        .get(format!("{}/checkpoints/{id}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        checkpoint.headers().get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-store"),
        "a live checkpoint page"
    );
    let api = app
        .client
        .get(format!("{}/api/v1/metrics?squad=payments", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.headers().get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-store"),
        "the JSON API"
    );
    let css = app
        .client
        .get(format!("{}/pkg/checkpoint.css", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(
        css.headers().get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-cache"),
        "static files revalidate as before"
    );
}

#[tokio::test]
async fn metrics_need_the_token_and_are_absent_without_one() {
    let app = spawn_app().await;
    let res = app.client.get(format!("{}/metrics", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not configured: not served");
    assert!(!res.text().await.unwrap().contains("checkpoint_http_requests_total"));

    let app = spawn_app_with(with_metrics_token).await;
    let url = format!("{}/metrics", app.base);
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert!(!res.text().await.unwrap().contains("checkpoint_http_requests_total"));
    assert_eq!(
        app.client
            .get(&url)
            .bearer_auth("metrics-token-for-the-test")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client
            .get(&url)
            .bearer_auth(format!("{METRICS_TOKEN}x"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let res = app.client.get(&url).bearer_auth(METRICS_TOKEN).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("checkpoint_http_requests_total{method=\"GET\",status=\"401\"}"));
}

#[test]
fn serve_puts_metrics_on_their_own_address_and_never_prints_the_token() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/serve.db", dir.path().display());
    let free_port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (port, metrics_port) = (free_port(), free_port());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_checkpoint"))
        .args([
            "--database-url",
            &db,
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--metrics-addr",
            &format!("127.0.0.1:{metrics_port}"),
        ])
        .env("CHECKPOINT_METRICS_TOKEN", METRICS_TOKEN)
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let get = |port: u16, auth: Option<&str>| -> Option<String> {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        let auth = auth
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        s.write_all(format!("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n{auth}\r\n").as_bytes())
            .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let private = loop {
        match get(metrics_port, None) {
            Some(out) if get(port, None).is_some() => break Some(out),
            _ if std::time::Instant::now() > deadline => break None,
            _ => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    };
    let public = get(port, None);
    let with_token = get(port, Some(METRICS_TOKEN));
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let private = private.unwrap_or_else(|| panic!("the metrics address never answered: {stderr}"));
    assert!(
        private.starts_with("HTTP/1.0 200") && private.contains("checkpoint_uptime_seconds"),
        "{private}"
    );
    assert!(public.unwrap().contains(" 401 "), "the main address asks for the token");
    assert!(with_token.unwrap().starts_with("HTTP/1.0 200"));
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_checkpoint"))
        .args(["serve", "--help"])
        .env("CHECKPOINT_METRICS_TOKEN", METRICS_TOKEN)
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--metrics-token") && help.contains("--trusted-proxy") && help.contains("--public-url"),
        "{help}"
    );
    assert!(
        !help.contains(METRICS_TOKEN) && !stderr.contains(METRICS_TOKEN),
        "the token is never printed"
    );
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
        .get(format!("{}/capabilities", app.base))
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
