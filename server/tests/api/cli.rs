//! The `checkpoint` binary as an operator runs it: the commands and their
//! output, `serve` shutting down on SIGTERM, API tokens and CSV imports.

use checkpoint_core::accounts::Role;
use checkpoint_core::store::Store;

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

fn m_window() -> checkpoint_core::measured::BoundedWindow {
    let to = chrono::Utc::now().timestamp_millis();
    checkpoint_core::measured::BoundedWindow::parse(to - 91 * checkpoint_core::measured::DAY_MS, to).unwrap()
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
async fn the_cli_connects_a_squad_with_the_key_file_serve_uses() {
    use checkpoint_core::connections::ConnectionKind;
    use checkpoint_core::store::connections::Verifier;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db", dir.path().display());
    let bin = env!("CARGO_BIN_EXE_checkpoint");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = std::process::Command::new(bin)
            .arg("--database-url")
            .arg(&db)
            .args(args)
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    assert!(run(&["squad", "create", "--name", "Payments", "--tribe", "Money"], &[]).0);
    let (ok, stdout, stderr) = run(
        &["connection", "create", "--squad", "payments", "--kind", "github"],
        &[],
    );
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let path = lines
        .iter()
        .find(|l| l.starts_with("/api/v1/hooks/github/"))
        .unwrap_or_else(|| panic!("the hook path on a line of its own: {stdout}"));
    let github_id = path.trim_start_matches("/api/v1/hooks/github/");
    let secret = *lines.last().unwrap();
    assert!(
        secret.len() == 64 && secret.chars().all(|c| c.is_ascii_hexdigit()),
        "the secret alone on the last line: {stdout}"
    );
    // What `serve` opens (the same default key file beside the database) reads the secret back.
    let store = checkpoint_server::open_store(&db, None).await.unwrap();
    let hook = store
        .hook_connection(ConnectionKind::Github, github_id)
        .await
        .unwrap()
        .expect("a live GitHub connection");
    assert!(
        matches!(hook.verifier, Verifier::Secret(ref s) if s == secret),
        "{:?}",
        hook.verifier
    );

    // PagerDuty's own signing secret, from the environment, at creation or afterwards.
    let (ok, stdout, stderr) = run(
        &[
            "connection",
            "create",
            "--squad",
            "payments",
            "--kind",
            "pagerduty",
            "--name",
            "On call",
            "--secret-from-env",
            "PD_SECRET",
        ],
        &[("PD_SECRET", "pd-signing-secret-0123456789")],
    );
    assert!(ok, "{stderr}");
    let pd_id = stdout
        .lines()
        .find_map(|l| l.strip_prefix("/api/v1/hooks/pagerduty/"))
        .unwrap()
        .to_string();
    let verifier = |kind, id: String| {
        let store = store.clone();
        async move { store.hook_connection(kind, &id).await.unwrap().map(|h| h.verifier) }
    };
    assert!(
        matches!(verifier(ConnectionKind::Pagerduty, pd_id.clone()).await, Some(Verifier::Secret(s)) if s == "pd-signing-secret-0123456789")
    );
    let (ok, _, stderr) = run(
        &[
            "connection",
            "set-secret",
            "--squad",
            "payments",
            "--id",
            &pd_id,
            "--secret-from-env",
            "PD_SECRET",
        ],
        &[("PD_SECRET", "rotated-signing-secret-987654")],
    );
    assert!(ok, "{stderr}");
    assert!(
        matches!(verifier(ConnectionKind::Pagerduty, pd_id.clone()).await, Some(Verifier::Secret(s)) if s == "rotated-signing-secret-987654")
    );
    let (ok, _, stderr) = run(
        &[
            "connection",
            "set-secret",
            "--squad",
            "payments",
            "--id",
            &pd_id,
            "--secret-from-env",
            "PD_SECRET",
        ],
        &[("PD_SECRET", "short")],
    );
    assert!(
        !ok && stderr.contains("secret must be 16 to 200 characters"),
        "{stderr}"
    );
    let (ok, _, stderr) = run(
        &["connection", "create", "--squad", "payments", "--kind", "jenkins"],
        &[],
    );
    assert!(!ok && stderr.contains("kind must be one of"), "{stderr}");

    // Listed, then revoked: its deliveries find no connection any more.
    let (ok, listed, _) = run(&["connection", "list", "--squad", "payments"], &[]);
    assert!(ok);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.contains(&format!(
            "{pd_id}\tpagerduty\tOn call\t/api/v1/hooks/pagerduty/{pd_id}\tlive\tno deliveries yet"
        )),
        "{listed}"
    );
    let (ok, _, stderr) = run(&["connection", "revoke", "--squad", "payments", "--id", github_id], &[]);
    assert!(ok, "{stderr}");
    assert!(verifier(ConnectionKind::Github, github_id.to_string()).await.is_none());
    let (_, listed, _) = run(&["connection", "list", "--squad", "payments"], &[]);
    assert!(
        listed.contains(&format!("{github_id}\tgithub\tGitHub\t{path}\trevoked")),
        "{listed}"
    );
    store.close().await;
}
