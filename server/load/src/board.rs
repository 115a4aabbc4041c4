//! `--scenario board`: R boards of `--notes` notes each, with P participants
//! moving and editing notes at `--rate` changes per second each (Poisson).
//!
//! Latency runs from a change being sent until every connection in its room
//! (the facilitator's and the sender's own included) has received it (matched by the revision its ack carries). `lost`
//! counts acknowledged changes missing from the final board: for each note,
//! the text of its last acknowledged edit and the step of its last
//! acknowledged move. Prints, as its last line,
//! `scenario=board rooms=R participants=N notes=K changes=C lost=L p50_ms=X p99_ms=Y max_ms=Z rss_mb=M snapshot_kb=S`,
//! where `snapshot_kb` is the size of one full snapshot frame of a final board.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use checkpoint_core::board::{BoardCommand, NoteKind, TEMPLATE};
use checkpoint_core::live::{ClientMessage, Command, Frame, View};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::{connect, create_checkpoint, join, next_event, percentile_ms, rand_u64, rss_of, send_text, Args, Ws};

#[derive(Deserialize)]
struct Lite<'a> {
    t: &'a str,
    #[serde(default)]
    rev: Option<i64>,
}

/// One revision on its way round a room.
#[derive(Default)]
struct Seen {
    peers: usize,
    last: Option<Instant>,
    sent: Option<Instant>,
}

struct Room {
    id: String,
    /// Connections that see each change: the facilitator's and every participant's.
    peers: usize,
    revs: Mutex<HashMap<i64, Seen>>,
    /// Note id → (revision, text) of its last acknowledged edit, and (revision, step) of its last move.
    edits: Mutex<HashMap<String, (i64, String)>>,
    moves: Mutex<HashMap<String, (i64, String)>>,
    notes: Vec<String>,
    /// Changes sent from then on are timed (set once the board is filled).
    measure_from: std::sync::OnceLock<Instant>,
}

#[derive(Default)]
struct Totals {
    latencies_us: Mutex<Vec<u64>>,
    acked: AtomicU64,
}

impl Room {
    /// Records that one more peer (`peer = true`) or the sender's ack has seen `rev`.
    fn saw(&self, rev: i64, peer: bool, sent: Option<Instant>, totals: &Totals) {
        let mut revs = self.revs.lock().unwrap();
        let entry = revs.entry(rev).or_default();
        if peer {
            entry.peers += 1;
            entry.last = Some(Instant::now());
        } else {
            entry.sent = sent;
        }
        if entry.peers >= self.peers {
            if let (Some(sent), Some(last)) = (entry.sent, entry.last) {
                if self.measure_from.get().is_some_and(|from| sent >= *from) {
                    totals
                        .latencies_us
                        .lock()
                        .unwrap()
                        .push(last.saturating_duration_since(sent).as_micros() as u64);
                }
                revs.remove(&rev);
            }
        }
    }
}

type Sink = SplitSink<Ws, Message>;

/// Sends one command and waits for its answer: the committed revision, or an
/// error frame. A refusal for the connection's rate (the fill sends as fast as
/// it is answered) is sent again after a pause.
async fn command(
    tx: &mut Sink,
    acks: &mut mpsc::UnboundedReceiver<Result<i64, String>>,
    req: u64,
    cmd: Command,
) -> anyhow::Result<i64> {
    loop {
        tx.send(send_text(cmd.clone(), req)).await?;
        match tokio::time::timeout(Duration::from_secs(10), acks.recv()).await {
            Ok(Some(Ok(rev))) => return Ok(rev),
            Ok(Some(Err(e))) if e.contains(r#""field":"rate""#) => tokio::time::sleep(Duration::from_millis(150)).await,
            Ok(Some(Err(e))) => bail!("refused: {e}"),
            _ => bail!("no answer in 10 s"),
        }
    }
}

/// Reads a connection's frames: acks to `acks`, each change seen to the room.
fn read(
    mut rx: SplitStream<Ws>,
    room: Arc<Room>,
    totals: Arc<Totals>,
    acks: mpsc::UnboundedSender<Result<i64, String>>,
    snapshots: Option<mpsc::UnboundedSender<(usize, View)>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(Ok(msg)) = rx.next().await {
            let Message::Text(text) = msg else { continue };
            let Ok(lite) = serde_json::from_str::<Lite>(&text) else {
                continue;
            };
            match lite.t {
                "note" => room.saw(lite.rev.unwrap_or_default(), true, None, &totals),
                "ack" => {
                    let _ = acks.send(Ok(lite.rev.unwrap_or_default()));
                }
                "error" => {
                    let _ = acks.send(Err(text.to_string()));
                }
                "snapshot" => {
                    if let Some(out) = &snapshots {
                        if let Ok(Frame::Snapshot { view }) = serde_json::from_str::<Frame>(&text) {
                            let _ = out.send((text.len(), *view));
                        }
                    }
                }
                _ => {}
            }
        }
    })
}

pub async fn run(args: &Args, http: &reqwest::Client, base: &str, slug: &str, session: &str) -> anyhow::Result<()> {
    let totals = Arc::new(Totals::default());
    let started = Instant::now();
    // Fill every board through its facilitator's socket, the boards side by
    // side (each socket may send 10 changes a second).
    let fills = (0..args.rooms).map(|r| fill(args, http, base, slug, session, r, totals.clone()));
    let facilitators = futures_util::future::try_join_all(fills).await?;
    eprintln!(
        "{} boards of {} notes filled in {:.1} s",
        args.rooms,
        args.notes,
        started.elapsed().as_secs_f64()
    );

    let measure_from = Instant::now() + Duration::from_secs(5);
    let deadline = measure_from + Duration::from_secs(args.duration);
    let mut tasks = Vec::new();
    let mut finals = Vec::new();
    for (room, code, tx, snaps) in facilitators {
        let _ = room.measure_from.set(measure_from);
        for i in 0..args.participants {
            let (cookie, _) = join(base, &code, &format!("P{i}")).await?;
            let ws = connect(base, &room.id, &cookie).await?;
            tasks.push(tokio::spawn(participate(
                ws,
                room.clone(),
                args.rate,
                deadline,
                totals.clone(),
            )));
        }
        finals.push((room, tx, snaps));
    }
    eprintln!(
        "{} sockets open; measuring for {} s",
        tasks.len() + finals.len(),
        args.duration
    );
    for t in tasks {
        let _ = t.await;
    }

    // Compare each final board with what was acknowledged.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut lost = 0usize;
    let mut snapshot_bytes = 0usize;
    for (room, mut tx, mut snaps) in finals {
        while snaps.try_recv().is_ok() {}
        tx.send(Message::Text(serde_json::to_string(&ClientMessage::Sync)?.into()))
            .await?;
        let (bytes, view) = tokio::time::timeout(Duration::from_secs(10), snaps.recv())
            .await
            .ok()
            .flatten()
            .context("a final snapshot")?;
        snapshot_bytes = snapshot_bytes.max(bytes);
        let notes: HashMap<&str, _> = view.board.notes.iter().map(|n| (n.id.as_str(), n)).collect();
        for (id, (_, text)) in room.edits.lock().unwrap().iter() {
            if notes.get(id.as_str()).is_none_or(|n| n.text != *text) {
                lost += 1;
            }
        }
        for (id, (_, step)) in room.moves.lock().unwrap().iter() {
            if notes.get(id.as_str()).is_none_or(|n| n.step != *step) {
                lost += 1;
            }
        }
        if view.board.notes.len() != room.notes.len() {
            lost += room.notes.len().abs_diff(view.board.notes.len());
        }
        let _ = tx.send(Message::Close(None)).await;
    }

    let mut lat = totals.latencies_us.lock().unwrap().clone();
    lat.sort_unstable();
    let pct = |p: f64| percentile_ms(&lat, p);
    let rss = rss_of(&args.server_pid);
    eprintln!("latency samples: {}", lat.len());
    println!(
        "scenario=board rooms={} participants={} notes={} changes={} lost={} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} rss_mb={} snapshot_kb={:.1}",
        args.rooms,
        args.rooms * args.participants,
        args.notes,
        totals.acked.load(Ordering::Relaxed),
        lost,
        pct(0.50),
        pct(0.99),
        lat.last().copied().unwrap_or(0) as f64 / 1000.0,
        rss,
        snapshot_bytes as f64 / 1024.0
    );
    Ok(())
}

type Filled = (Arc<Room>, String, Sink, mpsc::UnboundedReceiver<(usize, View)>);

async fn fill(
    args: &Args,
    http: &reqwest::Client,
    base: &str,
    slug: &str,
    session: &str,
    r: usize,
    totals: Arc<Totals>,
) -> anyhow::Result<Filled> {
    let (id, code) = create_checkpoint(http, base, slug).await?;
    let ws = connect(base, &id, session).await?;
    let (mut tx, rx) = ws.split();
    let (ack_tx, mut acks) = mpsc::unbounded_channel();
    let (snap_tx, snaps) = mpsc::unbounded_channel();
    let notes: Vec<String> = (0..args.notes).map(|i| format!("r{r}-n{i}")).collect();
    let room = Arc::new(Room {
        id,
        peers: args.participants + 1,
        revs: Mutex::default(),
        edits: Mutex::default(),
        moves: Mutex::default(),
        notes,
        measure_from: Default::default(),
    });
    // The fill is not timed: its changes are never marked as sent.
    read(rx, room.clone(), totals, ack_tx, Some(snap_tx));
    let mut req = 1;
    command(
        &mut tx,
        &mut acks,
        req,
        Command::Board {
            op: BoardCommand::UseTemplate,
        },
    )
    .await
    .context("use the template")?;
    for (i, note) in room.notes.iter().enumerate() {
        req += 1;
        let kind = NoteKind::ALL[i % 4].id().to_string();
        let op = BoardCommand::AddNote {
            id: note.clone(),
            step: format!("step-{}", i % TEMPLATE.len() + 1),
            kind,
            text: format!("Note {i}: the build waits for a manual approval from the release manager"),
        };
        command(&mut tx, &mut acks, req, Command::Board { op })
            .await
            .with_context(|| format!("add note {i}"))?;
    }
    Ok((room, code, tx, snaps))
}

/// Moves a random note to a random place, or rewrites its text, `rate` times a second.
async fn participate(ws: Ws, room: Arc<Room>, rate: f64, deadline: Instant, totals: Arc<Totals>) {
    let (mut tx, rx) = ws.split();
    let (ack_tx, mut acks) = mpsc::unbounded_channel();
    let reader = read(rx, room.clone(), totals.clone(), ack_tx, None);
    let mut req = 0u64;
    while next_event(rate, deadline).await {
        let note = room.notes[(rand_u64() % room.notes.len() as u64) as usize].clone();
        req += 1;
        let (op, edit) = if rand_u64().is_multiple_of(2) {
            let step = format!("step-{}", rand_u64() % TEMPLATE.len() as u64 + 1);
            (
                BoardCommand::MoveNote {
                    id: note.clone(),
                    step: step.clone(),
                    index: (rand_u64() % 50) as usize,
                },
                Err(step),
            )
        } else {
            let text = format!(
                "Edited {req} by {:x}: deploys wait for the weekly change board",
                rand_u64() % 0xffff
            );
            (
                BoardCommand::EditNote {
                    id: note.clone(),
                    text: Some(text.clone()),
                    kind: None,
                },
                Ok(text),
            )
        };
        let sent = Instant::now();
        let Ok(rev) = command(&mut tx, &mut acks, req, Command::Board { op }).await else {
            continue;
        };
        totals.acked.fetch_add(1, Ordering::Relaxed);
        room.saw(rev, false, Some(sent), &totals);
        let latest = |map: &Mutex<HashMap<String, (i64, String)>>, value: String| {
            let mut map = map.lock().unwrap();
            let entry = map.entry(note.clone()).or_insert((rev, value.clone()));
            if entry.0 <= rev {
                *entry = (rev, value);
            }
        };
        match edit {
            Ok(text) => latest(&room.edits, text),
            Err(step) => latest(&room.moves, step),
        }
    }
    let _ = tx.send(Message::Close(None)).await;
    reader.abort();
}
