//! Load generator: drives R live checkpoints of P participants each over the
//! real protocol (HTTP to join, one WebSocket per person) and reports vote
//! latency, lost votes and the server's memory.
//!
//! ```text
//! cargo run --release -p checkpoint-load -- --url http://127.0.0.1:3000 \
//!     --rooms 500 --participants 10 --duration 60 --rate 0.2 --server-pid PID
//! ```
//!
//! Fixtures come through the public doors only: it signs in as `--user`
//! (a facilitator or admin made with `checkpoint create-admin`), creates a
//! squad and the checkpoints, and joins every participant by code.
//!
//! `--scenario board` instead fills each room's board with `--notes` notes and
//! has every participant move and edit them (see `board.rs`).
//!
//! `--scenario hooks` instead delivers signed GitHub webhooks to one
//! connection and times each answer (see `hooks.rs`).
//!
//! `--scenario metrics` instead fills the server with a history of
//! deployments and incidents through the ingestion API and times the metrics
//! API (see `metrics.rs`).

mod bare;
mod board;
mod hooks;
mod metrics;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use checkpoint_core::dora::current::Metric;
use checkpoint_core::dora::Question;
use checkpoint_core::live::{ClientMessage, Command, Frame, Phase, Stage, View};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser, Debug, Clone)]
#[command(about = "Drive live checkpoints over the real protocol and measure vote latency")]
struct Args {
    /// The server's base URL, or several instances' (comma-separated): the
    /// fixtures go through the first; participant i of room r connects to
    /// instance (r + i) mod n, so every room spans the instances.
    #[arg(long, default_value = "http://127.0.0.1:3000", value_delimiter = ',')]
    url: Vec<String>,
    #[arg(long, default_value_t = 10)]
    rooms: usize,
    /// Participants per room (besides the facilitator).
    #[arg(long, default_value_t = 10)]
    participants: usize,
    /// Seconds of voting to measure.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// Votes per second per participant (Poisson, so rooms are not in step).
    #[arg(long, default_value_t = 0.2)]
    rate: f64,
    /// The server's pid (or each instance's, comma-separated), to report
    /// resident memory at the end.
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// A facilitator or admin account to create the fixtures with.
    #[arg(long, env = "CHECKPOINT_LOAD_USER", default_value = "load")]
    user: String,
    /// Its password (every scenario but `hooks` signs in).
    #[arg(long, env = "CHECKPOINT_LOAD_PASSWORD", default_value = "", hide_env_values = true)]
    password: String,
    /// Seconds a question stays open before the facilitator reveals it.
    #[arg(long, default_value_t = 8)]
    question_secs: u64,
    /// `live` (checkpoints and votes), `board` (notes moved and edited),
    /// `metrics` (ingestion and metric reads), `hooks` (signed webhook
    /// deliveries) or `bare` (the same votes to `checkpoint-bare`, the yardstick).
    #[arg(long, default_value = "live")]
    scenario: String,
    /// Notes on each board before the measuring starts (`--scenario board`).
    #[arg(long, default_value_t = 300)]
    notes: usize,
    #[command(flatten)]
    metrics: metrics::MetricsArgs,
    #[command(flatten)]
    hooks: hooks::HooksArgs,
}

/// The fields of a frame the hot path needs, parsed without building a View.
#[derive(Deserialize)]
struct Lite<'a> {
    t: &'a str,
    #[serde(default)]
    participant: Option<&'a str>,
}

/// A vote sent and not yet seen by every peer.
struct InFlight {
    sent: Instant,
    seen: usize,
    /// Told (with the latency) when the last peer has seen it.
    done: Option<tokio::sync::oneshot::Sender<Duration>>,
}

/// Votes in flight by voter.
type Pending = Mutex<HashMap<String, InFlight>>;

struct Room {
    id: String,
    /// Connections in the room other than a voter: everyone else sees each vote.
    peers: usize,
    pending: Pending,
    /// Current stage and whether its question is open, from the facilitator's snapshots.
    open_question: Mutex<Option<Question>>,
}

struct Totals {
    latencies_us: Mutex<Vec<u64>>,
    acked: AtomicU64,
    refused: AtomicU64,
    /// participant → question → last acknowledged answer.
    last_acked: Mutex<HashMap<String, HashMap<Question, String>>>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let bases: Vec<String> = args.url.iter().map(|u| u.trim_end_matches('/').to_string()).collect();
    let base = bases.first().context("--url names no server")?.clone();
    if args.scenario == "bare" {
        return bare::run(&args, &base).await;
    }
    if args.scenario == "hooks" {
        // A connection's own secret is the only credential a delivery needs.
        return hooks::run(&args.hooks, &http).await;
    }

    // Fixtures, through the public doors.
    let login = http
        .post(format!("{base}/api/login"))
        .form(&[("username", args.user.as_str()), ("password", args.password.as_str())])
        .send()
        .await?;
    if !(login.status().is_success() || login.status().is_redirection()) {
        bail!("sign-in as {} failed: {}", args.user, login.status());
    }
    if args.scenario == "metrics" {
        return metrics::run(&args.metrics, &http, &base).await;
    }
    let session = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.split(';').next().filter(|kv| kv.starts_with("checkpoint_session=")))
        .map(str::to_string)
        .context("no session cookie")?;
    let slug = create_squad(&http, &base).await?;
    match args.scenario.as_str() {
        "live" => {}
        "board" => return board::run(&args, &http, &base, &slug, &session).await,
        _ => bail!("--scenario must be live, board, metrics, hooks or bare"),
    }
    eprintln!(
        "squad {slug}: creating {} rooms of {} participants",
        args.rooms, args.participants
    );

    let totals = Arc::new(Totals {
        latencies_us: Mutex::new(Vec::new()),
        acked: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        last_acked: Mutex::new(HashMap::new()),
    });
    let mut rooms = Vec::new();
    let mut codes = Vec::new();
    for _ in 0..args.rooms {
        let (id, code) = create_checkpoint(&http, &base, &slug).await?;
        codes.push(code);
        rooms.push(Arc::new(Room {
            id,
            peers: args.participants,
            pending: Mutex::new(HashMap::new()),
            open_question: Mutex::new(None),
        }));
    }

    // Join everyone (bounded concurrency), then open the sockets. Every join
    // comes from this one address, whose attempts are counted before the code
    // is checked (20 free): more than that in flight would be refused.
    let joins = futures_util::stream::iter(
        rooms
            .iter()
            .zip(&codes)
            .enumerate()
            .flat_map(|(r, (room, code))| (0..args.participants).map(move |i| (r, room.clone(), code.clone(), i))),
    )
    .map(|(r, room, code, i)| {
        let base = bases[(r + i) % bases.len()].clone();
        async move {
            let (cookie, pid) = join(&base, &code, &format!("P{i}")).await?;
            anyhow::Ok((room, cookie, pid, base))
        }
    })
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await;
    // Every socket is open before anyone votes: opening 11,000 takes longer
    // than a run, and votes sent meanwhile would be timed against the handshakes.
    let started = Instant::now();
    let facilitator_sockets = futures_util::stream::iter(rooms.iter().enumerate())
        .map(|(r, room)| connect(&bases[r % bases.len()], &room.id, &session))
        .buffered(64)
        .collect::<Vec<_>>()
        .await;
    let joined: Vec<_> = joins.into_iter().collect::<Result<_, _>>()?;
    let participant_sockets = futures_util::stream::iter(&joined)
        .map(|(room, cookie, _, base)| connect(base, &room.id, cookie))
        .buffered(64)
        .collect::<Vec<_>>()
        .await;
    let opened = started.elapsed();
    let measure_from = Instant::now() + Duration::from_secs(5); // a warm-up
    let deadline = measure_from + Duration::from_secs(args.duration);
    let mut tasks = Vec::new();
    let mut facilitators = Vec::new();
    for (room, ws) in rooms.iter().zip(facilitator_sockets) {
        facilitators.push(tokio::spawn(facilitate(
            ws?,
            room.clone(),
            deadline,
            Duration::from_secs(args.question_secs),
            totals.clone(),
        )));
    }
    for ((room, _, pid, _), ws) in joined.into_iter().zip(participant_sockets) {
        tasks.push(tokio::spawn(participate(
            ws?,
            room,
            pid,
            args.rate,
            measure_from,
            deadline,
            totals.clone(),
        )));
    }
    eprintln!(
        "{} sockets open in {:.1} s; measuring for {} s after a 5 s warm-up",
        tasks.len() + facilitators.len(),
        opened.as_secs_f64(),
        args.duration
    );
    for t in tasks {
        let _ = t.await;
    }
    let mut lost = 0usize;
    for f in facilitators {
        if let Ok(Ok(final_view)) = f.await {
            lost += count_lost(&final_view, &totals);
        }
    }
    let mut lat = totals.latencies_us.lock().unwrap().clone();
    lat.sort_unstable();
    let pct = |p: f64| percentile_ms(&lat, p);
    let rss = rss_of(&args.server_pid);
    eprintln!(
        "refused (question closed in flight): {}; latency samples: {}",
        totals.refused.load(Ordering::Relaxed),
        lat.len()
    );
    println!(
        "rooms={} participants={} votes={} lost={} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} rss_mb={}",
        args.rooms,
        args.rooms * args.participants,
        totals.acked.load(Ordering::Relaxed),
        lost,
        pct(0.50),
        pct(0.99),
        lat.last().copied().unwrap_or(0) as f64 / 1000.0,
        rss
    );
    Ok(())
}

async fn create_squad(http: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis();
    let squad: serde_json::Value = http
        .post(format!("{base}/api/create_squad"))
        .form(&[("name", format!("Load {stamp}")), ("tribe", "Load".to_string())])
        .send()
        .await?
        .json()
        .await
        .context("create squad")?;
    Ok(squad["slug"].as_str().context("squad slug")?.to_string())
}

/// Creates a checkpoint of the squad: its id and join code.
async fn create_checkpoint(http: &reqwest::Client, base: &str, slug: &str) -> anyhow::Result<(String, String)> {
    let res: serde_json::Value = http
        .post(format!("{base}/api/v1/checkpoints"))
        // The legacy edition the recorded figures were measured with.
        .json(&json!({"squad": slug, "held_on": "2026-11-22", "benchmark": "2019"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = res["id"].as_str().context("id")?.to_string();
    // Started, as a facilitator does: votes are taken only in a live checkpoint.
    let started = http
        .post(format!("{base}/api/set_checkpoint_status"))
        .form(&[("id", id.as_str()), ("status", "live")])
        .send()
        .await?;
    if !(started.status().is_success() || started.status().is_redirection()) {
        bail!("starting checkpoint {id}: {}", started.status());
    }
    Ok((id, res["join_code"].as_str().context("code")?.to_string()))
}

/// Joins a room by its code as `name`: the participant's cookie and id.
async fn join(base: &str, code: &str, name: &str) -> anyhow::Result<(String, String)> {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/join"))
        .json(&json!({"code": code, "name": name}))
        .send()
        .await?
        .error_for_status()?;
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .context("participant cookie")?
        .to_string();
    let body: serde_json::Value = res.json().await?;
    Ok((cookie, body["participant_id"].as_str().unwrap_or_default().to_string()))
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(base: &str, id: &str, cookie: &str) -> anyhow::Result<Ws> {
    connect_to(
        &format!("{}/live/{id}/ws", base.replacen("http", "ws", 1)),
        Some(cookie),
    )
    .await
}

async fn connect_to(url: &str, cookie: Option<&str>) -> anyhow::Result<Ws> {
    let id = url.to_string();
    let mut req = url.into_client_request()?;
    if let Some(cookie) = cookie {
        req.headers_mut().insert("cookie", cookie.parse()?);
    }
    // As browsers do: no Nagle on the client either.
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true)
        .await
        .with_context(|| format!("websocket {id}"))?;
    Ok(ws)
}

fn send_text(cmd: Command, req: u64) -> Message {
    Message::Text(
        serde_json::to_string(&ClientMessage::Command {
            req,
            session: None,
            command: cmd,
        })
        .unwrap_or_default()
        .into(),
    )
}

/// Opens each question, lets it run, reveals, moves on; around again. At the
/// end reveals everything and returns the final view (with every choice).
async fn facilitate(
    ws: Ws,
    room: Arc<Room>,
    deadline: Instant,
    question_time: Duration,
    _totals: Arc<Totals>,
) -> anyhow::Result<View> {
    let (mut tx, mut rx) = ws.split();
    let (view_tx, mut view_rx) = mpsc::unbounded_channel::<View>();
    let reader_room = room.clone();
    let reader = tokio::spawn(async move {
        while let Some(Ok(msg)) = rx.next().await {
            let Message::Text(text) = msg else { continue };
            let lite: Lite = match serde_json::from_str(&text) {
                Ok(l) => l,
                Err(_) => continue,
            };
            match lite.t {
                "snapshot" => {
                    if let Ok(Frame::Snapshot { view }) = serde_json::from_str::<Frame>(&text) {
                        let open = view.stage.metric().and_then(Metric::legacy_question).filter(|q| {
                            view.question(Metric::of_question(*q))
                                .is_some_and(|v| v.phase == Phase::Voting)
                        });
                        *reader_room.open_question.lock().unwrap() = open;
                        let _ = view_tx.send(*view);
                    }
                }
                "voted" => seen_vote(&reader_room, lite.participant.unwrap_or_default()),
                _ => {}
            }
        }
    });
    let mut latest = view_rx.recv().await.context("first snapshot")?;
    let mut req = 0u64;
    let mut i = 0usize;
    // Jitter the start so rooms are not in step.
    tokio::time::sleep(Duration::from_millis(rand_u64() % 2000)).await;
    while Instant::now() < deadline {
        let q = Question::ALL[i % 4];
        i += 1;
        while let Ok(v) = view_rx.try_recv() {
            latest = v;
        }
        if latest
            .question(Metric::of_question(q))
            .is_some_and(|v| v.phase != Phase::Voting)
        {
            req += 1;
            tx.send(send_text(
                Command::Reopen {
                    question: Metric::of_question(q),
                },
                req,
            ))
            .await?;
        }
        req += 1;
        tx.send(send_text(
            Command::GoTo {
                stage: Stage::of_metric(Metric::of_question(q)),
            },
            req,
        ))
        .await?;
        tokio::time::sleep(question_time.min(deadline.saturating_duration_since(Instant::now()))).await;
        req += 1;
        tx.send(send_text(
            Command::Reveal {
                question: Metric::of_question(q),
            },
            req,
        ))
        .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Participants have stopped: reveal what is still secret and read the final state.
    tokio::time::sleep(Duration::from_secs(2)).await;
    while let Ok(v) = view_rx.try_recv() {
        latest = v;
    }
    for q in Question::ALL {
        if latest
            .question(Metric::of_question(q))
            .is_some_and(|v| v.phase == Phase::Voting)
        {
            req += 1;
            tx.send(send_text(
                Command::Reveal {
                    question: Metric::of_question(q),
                },
                req,
            ))
            .await?;
        }
    }
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        if Question::ALL.iter().all(|q| {
            latest
                .question(Metric::of_question(*q))
                .is_some_and(|v| v.phase != Phase::Voting)
        }) {
            break;
        }
        match tokio::time::timeout(end.saturating_duration_since(Instant::now()), view_rx.recv()).await {
            Ok(Some(v)) => latest = v,
            _ => bail!("no final snapshot for room {}", room.id),
        }
    }
    let _ = tx.send(Message::Close(None)).await;
    reader.abort();
    Ok(latest)
}

/// A peer saw `voter`'s vote; the last one to see it stops the clock (no polling).
fn seen_vote(room: &Room, voter: &str) {
    let mut pending = room.pending.lock().unwrap();
    if let Some(entry) = pending.get_mut(voter) {
        entry.seen += 1;
        if entry.seen >= room.peers {
            let latency = entry.sent.elapsed();
            if let Some(done) = pending.remove(voter).and_then(|e| e.done) {
                let _ = done.send(latency);
            }
        }
    }
}

async fn participate(
    ws: Ws,
    room: Arc<Room>,
    me: String,
    rate: f64,
    measure_from: Instant,
    deadline: Instant,
    totals: Arc<Totals>,
) {
    let (mut tx, mut rx) = ws.split();
    let (ack_tx, mut ack_rx) = mpsc::unbounded_channel::<Result<(), ()>>();
    let reader_room = room.clone();
    let reader_me = me.clone();
    let reader_totals = totals.clone();
    let reader = tokio::spawn(async move {
        while let Some(Ok(msg)) = rx.next().await {
            let Message::Text(text) = msg else { continue };
            let Ok(lite) = serde_json::from_str::<Lite>(&text) else {
                continue;
            };
            match lite.t {
                "voted" => {
                    let voter = lite.participant.unwrap_or_default();
                    if voter != reader_me {
                        seen_vote(&reader_room, voter);
                    }
                }
                "ack" => {
                    let _ = ack_tx.send(Ok(()));
                }
                "error" => {
                    // The first refusal is shown as the server worded it: a run that is
                    // all refusals otherwise says nothing of why.
                    static SHOWN: std::sync::Once = std::sync::Once::new();
                    SHOWN.call_once(|| eprintln!("first refusal: {text}"));
                    let _ = ack_tx.send(Err(()));
                }
                _ => {}
            }
        }
        let _ = reader_totals;
    });
    let mut req = 0u64;
    while next_event(rate, deadline).await {
        let Some(q) = *room.open_question.lock().unwrap() else {
            continue;
        };
        let ids = q.answer_ids();
        let answer = ids[(rand_u64() % 6) as usize].to_string();
        req += 1;
        let sent = Instant::now();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        room.pending.lock().unwrap().insert(
            me.clone(),
            InFlight {
                sent,
                seen: 0,
                done: Some(done_tx),
            },
        );
        if tx
            .send(send_text(
                Command::Vote {
                    question: Metric::of_question(q),
                    answer: answer.clone(),
                },
                req,
            ))
            .await
            .is_err()
        {
            break;
        }
        match tokio::time::timeout(Duration::from_secs(10), ack_rx.recv()).await {
            Ok(Some(Ok(()))) => {
                totals.acked.fetch_add(1, Ordering::Relaxed);
                totals
                    .last_acked
                    .lock()
                    .unwrap()
                    .entry(me.clone())
                    .or_default()
                    .insert(q, answer);
            }
            _ => {
                totals.refused.fetch_add(1, Ordering::Relaxed);
                room.pending.lock().unwrap().remove(&me);
                continue;
            }
        }
        // Every peer has seen it (or give up after 5 s and count nothing).
        match tokio::time::timeout(Duration::from_secs(5), done_rx).await {
            Ok(Ok(latency)) if sent >= measure_from => {
                totals.latencies_us.lock().unwrap().push(latency.as_micros() as u64)
            }
            Ok(_) => {}
            Err(_) => {
                room.pending.lock().unwrap().remove(&me);
            }
        }
    }
    let _ = tx.send(Message::Close(None)).await;
    reader.abort();
}

/// Acknowledged votes whose answer is not the participant's choice in the final state.
fn count_lost(view: &View, totals: &Totals) -> usize {
    let acked = totals.last_acked.lock().unwrap();
    let mut lost = 0;
    for person in &view.people {
        let Some(mine) = acked.get(&person.id) else { continue };
        for (q, answer) in mine {
            let stored = view
                .question(Metric::of_question(*q))
                .and_then(|v| v.choices.as_ref())
                .and_then(|c| c.iter().find(|(p, _)| *p == person.id).map(|(_, a)| a.clone()));
            if stored.as_deref() != Some(answer.as_str()) {
                lost += 1;
            }
        }
    }
    lost
}

/// Sleeps until a person's next action, as a Poisson process of `rate`
/// actions a second (so rooms are not in step); false once past `deadline`.
async fn next_event(rate: f64, deadline: Instant) -> bool {
    let gap = -((1.0 - rand_f64()).ln()) / rate;
    let wake = Instant::now() + Duration::from_secs_f64(gap);
    if wake >= deadline {
        return false;
    }
    tokio::time::sleep_until(wake.into()).await;
    true
}

/// The `p` quantile (nearest rank) of sorted microsecond latencies, in ms.
fn percentile_ms(sorted_us: &[u64], p: f64) -> f64 {
    let rank = ((sorted_us.len() as f64 * p).ceil() as usize)
        .saturating_sub(1)
        .min(sorted_us.len().saturating_sub(1));
    sorted_us.get(rank).copied().unwrap_or(0) as f64 / 1000.0
}

/// The servers' resident memory in MB, one figure per pid (`a,b`), or `na`.
fn rss_of(pids: &[u32]) -> String {
    let figures: Vec<String> = pids
        .iter()
        .map(|p| rss_mb(*p).map_or_else(|| "na".to_string(), |m| format!("{m:.0}")))
        .collect();
    if figures.is_empty() {
        "na".into()
    } else {
        figures.join(",")
    }
}

fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn rand_u64() -> u64 {
    use std::cell::Cell;
    thread_local!(static STATE: Cell<u64> = Cell::new(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1) | 1));
    // xorshift64*: plenty for jitter.
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

fn rand_f64() -> f64 {
    (rand_u64() >> 11) as f64 / (1u64 << 53) as f64
}
