//! `--scenario bare`: the live scenario's votes sent to `checkpoint-bare`,
//! the broadcast server that does only the fan-out. Same rooms, the same
//! Poisson votes per participant, one idle facilitator socket per room, and
//! the same latency (sent → every other socket of the room has the frame),
//! so the two runs differ only in what the app does beside the fan-out.
//!
//! Last line: `scenario=bare rooms=R participants=N votes=V p50_ms=X p99_ms=Y max_ms=Z rss_mb=M`.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use checkpoint_core::dora::Question;
use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::Message;

use super::{connect_to, participate, rss_of, seen_vote, Args, Lite, Room, Totals};

pub async fn run(args: &Args, base: &str) -> anyhow::Result<()> {
    let ws_base = base.replacen("http", "ws", 1);
    let totals = Arc::new(Totals {
        latencies_us: Mutex::new(Vec::new()),
        acked: Default::default(),
        refused: Default::default(),
        last_acked: Mutex::new(HashMap::new()),
    });
    // Every socket is open before anyone votes (as in the live scenario).
    let started = Instant::now();
    let rooms: Vec<Arc<Room>> = (0..args.rooms)
        .map(|r| {
            Arc::new(Room {
                id: r.to_string(),
                peers: args.participants,
                pending: Mutex::new(HashMap::new()),
                // Always open: the bare server has no questions.
                open_question: Mutex::new(Some(Question::LeadTime)),
            })
        })
        .collect();
    let people: Vec<(usize, String)> = (0..args.rooms)
        .flat_map(|r| (0..args.participants).map(move |i| (r, format!("r{r}p{i}"))))
        .collect();
    let watching = futures_util::stream::iter(0..args.rooms)
        .map(|r| {
            let url = format!("{ws_base}/room/{r}?p=facilitator");
            async move { connect_to(&url, None).await }
        })
        .buffered(64)
        .collect::<Vec<_>>()
        .await;
    let sockets = futures_util::stream::iter(&people)
        .map(|(r, me)| {
            let url = format!("{ws_base}/room/{r}?p={me}");
            async move { connect_to(&url, None).await }
        })
        .buffered(64)
        .collect::<Vec<_>>()
        .await;
    let opened = started.elapsed();
    let measure_from = Instant::now() + Duration::from_secs(5);
    let deadline = measure_from + Duration::from_secs(args.duration);
    let mut watchers = Vec::new();
    for (room, ws) in rooms.iter().zip(watching) {
        let (watched, ws) = (room.clone(), ws?);
        watchers.push(tokio::spawn(async move {
            let (_, mut rx) = ws.split();
            while let Some(Ok(msg)) = rx.next().await {
                let Message::Text(text) = msg else { continue };
                if let Ok(lite) = serde_json::from_str::<Lite>(&text) {
                    if lite.t == "voted" {
                        seen_vote(&watched, lite.participant.unwrap_or_default());
                    }
                }
            }
        }));
    }
    let mut tasks = Vec::new();
    for ((r, me), ws) in people.into_iter().zip(sockets) {
        tasks.push(tokio::spawn(participate(
            ws?,
            rooms[r].clone(),
            me,
            args.rate,
            measure_from,
            deadline,
            totals.clone(),
        )));
    }
    eprintln!(
        "{} sockets open in {:.1} s; measuring for {} s after a 5 s warm-up",
        tasks.len() + watchers.len(),
        opened.as_secs_f64(),
        args.duration
    );
    for t in tasks {
        let _ = t.await;
    }
    for w in watchers {
        w.abort();
    }
    let mut lat = totals.latencies_us.lock().unwrap().clone();
    lat.sort_unstable();
    let pct = |p: f64| super::percentile_ms(&lat, p);
    println!(
        "scenario=bare rooms={} participants={} votes={} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} rss_mb={}",
        args.rooms,
        args.rooms * args.participants,
        totals.acked.load(Ordering::Relaxed),
        pct(0.50),
        pct(0.99),
        lat.last().copied().unwrap_or(0) as f64 / 1000.0,
        rss_of(&args.server_pid)
    );
    Ok(())
}
