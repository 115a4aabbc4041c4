//! `--scenario metrics`: fills a server with a history of deployments,
//! commits and incidents across many squads through the ingestion API, then
//! reads one squad's 91-day metrics again and again.
//!
//! Then times the leaderboard (signed in, as the page asks for it). Prints
//! `leaderboard rows=N queries=Q p50_ms=X p90_ms=Y p99_ms=Z`, then, as its last line,
//! `deployments=D commits=C incidents=I ingest_s=S ingest_per_s=R queries=Q p50_ms=X p90_ms=Y p99_ms=Z`.
//! The data are deterministic (a fixed-seed generator): the same command makes
//! the same history.

use std::time::Instant;

use anyhow::{bail, Context};
use checkpoint_core::measured::dates::{self, Precision};
use futures_util::StreamExt;
use serde_json::{json, Value};

#[derive(clap::Args, Debug, Clone)]
pub struct MetricsArgs {
    /// Squads to spread the history over.
    #[arg(long, default_value_t = 40)]
    pub squads: usize,
    /// Services, spread evenly over the squads.
    #[arg(long, default_value_t = 200)]
    pub services: usize,
    #[arg(long, default_value_t = 1_000_000)]
    pub deployments: usize,
    /// New commits per deployment (about one in ten also carries an earlier commit again).
    #[arg(long, default_value_t = 3)]
    pub commits_per_deployment: usize,
    #[arg(long, default_value_t = 100_000)]
    pub incidents: usize,
    /// How far back the history goes, in days (it ends now).
    #[arg(long, default_value_t = 730)]
    pub history_days: i64,
    /// Requests in flight while ingesting.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Metric reads to time once the history is in.
    #[arg(long, default_value_t = 200)]
    pub queries: usize,
    /// Leaderboard reads (every squad, the page's default 91 days) to time after them.
    #[arg(long, default_value_t = 50)]
    pub leaderboard_queries: usize,
    /// Skip ingestion: only time the reads (of a server filled before, with these tokens).
    #[arg(long)]
    pub tokens_file: Option<std::path::PathBuf>,
}

/// xorshift64*: deterministic and fast; quality is beside the point here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const MINUTE: i64 = 60_000;
const DAY: i64 = 86_400_000;

fn rfc3339(ms: i64) -> String {
    dates::rfc3339(ms, Precision::Seconds)
}

/// Sign-in is done by the caller; this creates the squads and one token each.
async fn fixtures(http: &reqwest::Client, base: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let mut tokens = Vec::with_capacity(n);
    for s in 0..n {
        let squad: Value = http
            .post(format!("{base}/api/create_squad"))
            .form(&[
                ("name", format!("Metrics {stamp} {s}")),
                ("tribe", format!("Tribe {}", s % 8)),
            ])
            .send()
            .await?
            .json()
            .await
            .context("create squad")?;
        let slug = squad["slug"].as_str().context("squad slug")?.to_string();
        let token: Value = http
            .post(format!("{base}/api/create_api_token"))
            .form(&[("squad", slug.as_str()), ("name", "load generator")])
            .send()
            .await?
            .json()
            .await
            .context("create token")?;
        tokens.push(token["secret"].as_str().context("token secret")?.to_string());
    }
    Ok(tokens)
}

/// The request bodies of one squad's share of the history, oldest first.
fn squad_batches(args: &MetricsArgs, squad: usize, now: i64, rng: &mut Rng) -> (Vec<String>, Vec<String>, usize) {
    let per_squad = args.deployments / args.squads + usize::from(squad < args.deployments % args.squads);
    let services_here = (args.services / args.squads).max(1);
    let span = args.history_days * DAY;
    let mut deployments = Vec::with_capacity(per_squad);
    let mut last_commit: Vec<Option<(String, i64)>> = vec![None; services_here];
    let mut commits = 0;
    for i in 0..per_squad {
        let service = rng.below(services_here as u64) as usize;
        let finished = now - span + (span / per_squad as i64) * i as i64 + rng.below(DAY as u64 / 4) as i64;
        let finished = finished.min(now - MINUTE);
        let started = finished - (2 + rng.below(18) as i64) * MINUTE;
        let mut list: Vec<Value> = (0..args.commits_per_deployment)
            .map(|j| {
                let at = finished - (10 + rng.below(3 * 24 * 60) as i64) * MINUTE;
                json!({"sha": format!("{squad:02x}{i:07x}{j:x}{:08x}", rng.next() as u32), "committed_at": rfc3339(at)})
            })
            .collect();
        // Some deployments carry an earlier commit again (a redeploy, a revert of a revert).
        if let Some((sha, at)) = last_commit[service]
            .clone()
            .filter(|(_, at)| *at < finished && rng.chance(10))
        {
            list.push(json!({"sha": sha, "committed_at": rfc3339(at)}));
        }
        commits += list.len();
        if let Some(first) = list.first() {
            last_commit[service] = Some((
                first["sha"].as_str().unwrap_or_default().to_string(),
                finished - 10 * MINUTE,
            ));
        }
        let environment = if rng.chance(10) { "staging" } else { "production" };
        deployments.push(json!({
            "id": format!("d{i}"),
            "service": format!("service-{service}"),
            "environment": environment,
            "status": if rng.chance(8) { "failure" } else { "success" },
            "started_at": rfc3339(started),
            "finished_at": rfc3339(finished),
            "commits": list,
        }));
    }
    let per_squad_incidents = args.incidents / args.squads + usize::from(squad < args.incidents % args.squads);
    let mut incidents = Vec::with_capacity(per_squad_incidents);
    for k in 0..per_squad_incidents {
        let opened = now - span + rng.below(span as u64) as i64;
        let mut incident = json!({
            "id": format!("i{k}"),
            "service": format!("service-{}", rng.below(services_here as u64)),
            "title": "Elevated error rate",
            "opened_at": rfc3339(opened),
            "started_at": rfc3339(opened - rng.below(30) as i64 * MINUTE),
        });
        if rng.chance(95) {
            incident["resolved_at"] = json!(rfc3339(
                (opened + (5 + rng.below(2 * 24 * 60) as i64) * MINUTE).min(now)
            ));
        }
        if rng.chance(30) {
            incident["deployment_id"] = json!(format!("d{}", rng.below(per_squad as u64)));
        }
        incidents.push(incident);
    }
    let chunk = |items: Vec<Value>, key: &str| {
        items
            .chunks(1000)
            .map(|c| json!({ key: c }).to_string())
            .collect::<Vec<_>>()
    };
    (
        chunk(deployments, "deployments"),
        chunk(incidents, "incidents"),
        commits,
    )
}

/// The leaderboard as its page asks for it (the server function, signed in,
/// default window), the first few reads untimed.
async fn leaderboard(http: &reqwest::Client, base: &str, queries: usize) -> anyhow::Result<()> {
    let mut latencies = Vec::with_capacity(queries);
    let mut rows = 0;
    for q in 0..queries + 3 {
        let started = Instant::now();
        let res = http
            .post(format!("{base}/api/leaderboard"))
            .header("accept", "application/json")
            .form(&[("from", ""), ("to", ""), ("tribe", "")])
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("leaderboard: {} {}", res.status(), res.text().await.unwrap_or_default());
        }
        let body: Value = res.json().await?;
        if q >= 3 {
            latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        rows = body["rows"].as_array().map_or(0, Vec::len);
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "leaderboard rows={rows} queries={} p50_ms={:.1} p90_ms={:.1} p99_ms={:.1}",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99)
    );
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub async fn run(args: &MetricsArgs, http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp_millis();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency.max(1))
        .build()?;
    let (tokens, ingest) = if let Some(file) = &args.tokens_file {
        let tokens: Vec<String> = std::fs::read_to_string(file)?
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        (tokens, None)
    } else {
        let tokens = fixtures(http, base, args.squads).await?;
        eprintln!(
            "generating {} deployments and {} incidents for {} squads",
            args.deployments, args.incidents, args.squads
        );
        let mut rng = Rng(0x5EED_CAFE_F00D_1234);
        let mut requests: Vec<(String, &'static str, String)> = Vec::new();
        let mut commits = 0;
        for (s, token) in tokens.iter().enumerate() {
            let (d, i, c) = squad_batches(args, s, now, &mut rng);
            commits += c;
            requests.extend(d.into_iter().map(|b| (token.clone(), "deployments", b)));
            requests.extend(i.into_iter().map(|b| (token.clone(), "incidents", b)));
        }
        let tokens_out = std::env::temp_dir().join("checkpoint-load-metrics-tokens.txt");
        std::fs::write(&tokens_out, tokens.join("\n"))?;
        eprintln!(
            "{} requests ready (tokens saved to {})",
            requests.len(),
            tokens_out.display()
        );
        let started = Instant::now();
        let results = futures_util::stream::iter(requests)
            .map(|(token, kind, body)| {
                let client = client.clone();
                let url = format!("{base}/api/v1/{kind}");
                async move {
                    let res = client
                        .post(url)
                        .bearer_auth(token)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await?;
                    if !res.status().is_success() {
                        bail!("{kind}: {} {}", res.status(), res.text().await.unwrap_or_default());
                    }
                    anyhow::Ok(())
                }
            })
            .buffer_unordered(args.concurrency.max(1))
            .collect::<Vec<_>>()
            .await;
        let elapsed = started.elapsed();
        if let Some(e) = results.into_iter().find_map(Result::err) {
            return Err(e);
        }
        (tokens, Some((elapsed, commits)))
    };

    // One squad's 91 days, each query a random squad.
    let mut rng = Rng(0xDEC0_DE00_0000_0001);
    let mut latencies = Vec::with_capacity(args.queries);
    let mut sample = Value::Null;
    for q in 0..args.queries + 5 {
        let token = &tokens[rng.below(tokens.len() as u64) as usize];
        let started = Instant::now();
        let res = client
            .get(format!("{base}/api/v1/metrics"))
            .bearer_auth(token)
            .send()
            .await?;
        if !res.status().is_success() {
            bail!("metrics: {}", res.status());
        }
        let body: Value = res.json().await?;
        // The first few warm the caches, as a running server's would be.
        if q >= 5 {
            latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        sample = body;
    }
    latencies.sort_by(f64::total_cmp);
    eprintln!("a sample answer: {sample}");
    if args.leaderboard_queries > 0 {
        leaderboard(http, base, args.leaderboard_queries).await?;
    }
    let (ingest_s, per_s, commits) = match ingest {
        Some((elapsed, commits)) => (
            elapsed.as_secs_f64(),
            args.deployments as f64 / elapsed.as_secs_f64().max(1e-9),
            commits,
        ),
        None => (0.0, 0.0, 0),
    };
    println!(
        "deployments={} commits={commits} incidents={} ingest_s={ingest_s:.1} ingest_per_s={per_s:.0} queries={} p50_ms={:.1} p90_ms={:.1} p99_ms={:.1}",
        args.deployments,
        args.incidents,
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99)
    );
    Ok(())
}
