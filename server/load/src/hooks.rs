//! `--scenario hooks`: delivers signed GitHub webhooks to one connection (made
//! with `checkpoint connection create --kind github`) as a busy repository
//! would: a push of a few commits, then the deployment status that ships
//! them, `--hook-rounds` times with `--hook-concurrency` repositories at once.
//! Times each delivery from send to answer (the answer comes only once the
//! events are committed).
//!
//! Prints, as its last line,
//! `scenario=hooks deliveries=N refused=F p50_ms=X p99_ms=Y max_ms=Z`.

use std::time::Instant;

use anyhow::{bail, Context};
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

#[derive(clap::Args, Debug, Clone)]
pub struct HooksArgs {
    /// The connection's full hook URL (`http://HOST/api/v1/hooks/github/ID`).
    #[arg(long)]
    pub hook_url: Option<String>,
    /// Its secret, as `checkpoint connection create` printed it.
    #[arg(long, env = "CHECKPOINT_LOAD_HOOK_SECRET", hide_env_values = true)]
    pub hook_secret: Option<String>,
    /// Pushes (each followed by its deployment) per repository.
    #[arg(long, default_value_t = 100)]
    pub hook_rounds: usize,
    /// Repositories delivering at once.
    #[arg(long, default_value_t = 8)]
    pub hook_concurrency: usize,
}

fn sign(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn at(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339()
}

/// One repository's deliveries, in order: push, deployment status, push, ...
fn deliveries(repo: usize, rounds: usize, now: i64) -> Vec<(&'static str, String)> {
    let repository =
        json!({"name": format!("repo-{repo}"), "full_name": format!("load/repo-{repo}"), "default_branch": "main"});
    let mut out = Vec::with_capacity(rounds * 2);
    for r in 0..rounds {
        let t = now - ((rounds - r) as i64) * 3_600_000;
        let commits: Vec<_> = (0..3)
            .map(|c| json!({"id": format!("{repo:04x}{r:06x}{c:02x}"), "timestamp": at(t - (3 - c) * 600_000)}))
            .collect();
        let head = commits[2]["id"].clone();
        out.push((
            "push",
            json!({"ref": "refs/heads/main", "after": head, "repository": repository, "commits": commits}).to_string(),
        ));
        out.push((
            "deployment_status",
            json!({"action": "created", "repository": repository,
                   "deployment_status": {"state": "success", "environment": "production", "created_at": at(t)},
                   "deployment": {"id": repo * 1_000_000 + r, "sha": head, "environment": "production", "created_at": at(t - 60_000)}})
            .to_string(),
        ));
    }
    out
}

pub async fn run(args: &HooksArgs, http: &reqwest::Client) -> anyhow::Result<()> {
    let url = args
        .hook_url
        .clone()
        .context("--hook-url is required for --scenario hooks")?;
    let secret = args
        .hook_secret
        .clone()
        .context("CHECKPOINT_LOAD_HOOK_SECRET (or --hook-secret) is required for --scenario hooks")?;
    let now = chrono::Utc::now().timestamp_millis();
    let repos: Vec<_> = (0..args.hook_concurrency)
        .map(|repo| deliveries(repo, args.hook_rounds, now))
        .collect();
    let results = futures_util::stream::iter(repos.into_iter().map(|list| {
        let (http, url, secret) = (http.clone(), url.clone(), secret.clone());
        async move {
            let mut times = Vec::with_capacity(list.len());
            let mut refused = 0usize;
            for (event, body) in list {
                let started = Instant::now();
                let res = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-github-event", event)
                    .header("x-hub-signature-256", sign(&secret, &body))
                    .body(body)
                    .send()
                    .await?;
                let ok = res.status().is_success();
                res.bytes().await?;
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                refused += usize::from(!ok);
            }
            anyhow::Ok((times, refused))
        }
    }))
    .buffer_unordered(args.hook_concurrency)
    .collect::<Vec<_>>()
    .await;
    let mut times = Vec::new();
    let mut refused = 0;
    for r in results {
        let (t, f) = r?;
        times.extend(t);
        refused += f;
    }
    if times.is_empty() {
        bail!("no deliveries were made");
    }
    times.sort_by(f64::total_cmp);
    let pick = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    println!(
        "scenario=hooks deliveries={} refused={refused} p50_ms={:.2} p99_ms={:.2} max_ms={:.2}",
        times.len(),
        pick(0.50),
        pick(0.99),
        times[times.len() - 1]
    );
    Ok(())
}
