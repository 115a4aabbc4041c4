//! The hub: one in-memory room per open checkpoint, holding its state and
//! its connections. Commands are applied to a copy, committed, and only then
//! made current and sent out, each recipient getting only what they may see.
//! With PostgreSQL, other instances hear of each commit through LISTEN/NOTIFY
//! and reload from the database, which stays the source of truth.

mod follow;
mod room;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::live::{apply_once, Actor, Applied, Command, Sent, View};
use crate::store::{now_ms, ServiceError, Store};
pub use room::{Connection, Outbound};
use room::{RoomInner, Sub};

/// Frames a slow connection may fall behind by before it is dropped (its
/// client reconnects and resyncs from a snapshot).
const QUEUE: usize = 256;
/// Attempts when another instance commits between our read and our write.
const STALE_RETRIES: usize = 5;

type Room = tokio::sync::Mutex<RoomInner>;
type Locked = tokio::sync::OwnedMutexGuard<RoomInner>;

pub struct Rooms {
    store: Store,
    map: Mutex<HashMap<String, Arc<Room>>>,
    next_conn: AtomicU64,
}

impl Rooms {
    pub fn new(store: Store) -> Arc<Rooms> {
        Arc::new(Rooms {
            store,
            map: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(1),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn room(&self, id: &str) -> Arc<Room> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(id.to_string()).or_default().clone()
    }

    /// The room, locked and loaded; retries when it closed in between.
    /// The room of `id` if this process has it open.
    fn open_room(&self, id: &str) -> Option<Arc<Room>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    async fn locked(&self, id: &str) -> Result<(Arc<Room>, Locked), ServiceError> {
        loop {
            let room = self.room(id);
            let mut inner = room.clone().lock_owned().await;
            if inner.closed {
                continue;
            }
            if inner.loaded.is_none() {
                match self.store.load_live(id).await {
                    Ok(loaded) => inner.loaded = Some(loaded),
                    Err(e) => {
                        drop(inner);
                        self.forget_if_idle(id, &room).await;
                        return Err(e);
                    }
                }
            }
            return Ok((room, inner));
        }
    }

    /// Drops the room from memory when nobody is connected.
    async fn forget_if_idle(&self, id: &str, room: &Arc<Room>) {
        let mut inner = room.lock().await;
        if inner.subs.is_empty() && !inner.closed {
            inner.closed = true;
            let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            if map.get(id).is_some_and(|r| Arc::ptr_eq(r, room)) {
                map.remove(id);
            }
        }
    }

    /// Opens a connection for a participant; the first frame is their snapshot.
    pub async fn connect(&self, id: &str, participant: &str) -> Result<Connection, ServiceError> {
        let (_room, mut inner) = self.locked(id).await?;
        let state = &inner.loaded.as_ref().expect("loaded").state;
        if state.participant(participant).is_none_or(|p| p.removed) {
            return Err(ServiceError::Forbidden);
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        let conn = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let was_online = inner.subs.iter().any(|s| s.participant == participant);
        inner.subs.push(Sub {
            conn,
            participant: participant.to_string(),
            tx: tx.clone(),
        });
        let online = inner.online();
        if let Some(text) = inner.snapshot_for(participant, &online, now_ms()) {
            let _ = tx.try_send(Outbound::Text(text));
        }
        if !was_online {
            inner.broadcast_presence();
        }
        Ok(Connection {
            conn,
            participant: participant.to_string(),
            rx,
        })
    }

    pub async fn disconnect(&self, id: &str, conn: u64) {
        let room = self.room(id);
        {
            let mut inner = room.lock().await;
            let Some(pos) = inner.subs.iter().position(|s| s.conn == conn) else {
                return;
            };
            let gone = inner.subs.remove(pos);
            if !inner.subs.iter().any(|s| s.participant == gone.participant) {
                inner.broadcast_presence();
            }
        }
        self.forget_if_idle(id, &room).await;
    }

    /// Sends one connection a fresh snapshot (it saw a gap in revisions).
    pub async fn sync(&self, id: &str, conn: u64) -> Result<(), ServiceError> {
        let (_room, inner) = self.locked(id).await?;
        let online = inner.online();
        if let Some(sub) = inner.subs.iter().find(|s| s.conn == conn) {
            if let Some(text) = inner.snapshot_for(&sub.participant, &online, now_ms()) {
                let _ = sub.tx.try_send(Outbound::Text(text));
            }
        }
        Ok(())
    }

    /// What `participant` sees now (for server rendering and plain forms).
    pub async fn view(&self, id: &str, participant: &str) -> Result<View, ServiceError> {
        let (room, inner) = self.locked(id).await?;
        let loaded = inner.loaded.as_ref().expect("loaded");
        let view = View::for_participant(
            &loaded.state,
            participant,
            &inner.online(),
            now_ms(),
            Some(&loaded.join_code.display()),
        );
        drop(inner);
        self.forget_if_idle(id, &room).await;
        Ok(view)
    }

    /// Applies a command from `participant`, commits it, then tells everyone.
    /// Returns the committed revision.
    pub async fn execute(&self, id: &str, participant: &str, command: Command) -> Result<i64, ServiceError> {
        self.execute_sent(id, participant, None, command).await
    }

    /// As [`Rooms::execute`], for a command a browser tab numbered (`sent`):
    /// one it had applied before is not applied again, and is answered with
    /// the current revision.
    pub async fn execute_sent(
        &self,
        id: &str,
        participant: &str,
        sent: Option<Sent<'_>>,
        command: Command,
    ) -> Result<i64, ServiceError> {
        let (room, mut inner) = self.locked(id).await?;
        let result = self
            .execute_locked(id, &mut inner, participant, sent.as_ref(), command)
            .await;
        drop(inner);
        self.forget_if_idle(id, &room).await;
        result
    }

    async fn execute_locked(
        &self,
        id: &str,
        inner: &mut RoomInner,
        participant: &str,
        sent: Option<&Sent<'_>>,
        command: Command,
    ) -> Result<i64, ServiceError> {
        for _ in 0..STALE_RETRIES {
            let loaded = inner.loaded.as_ref().expect("loaded");
            let facilitator = loaded.state.participant(participant).is_some_and(|p| p.facilitator);
            let actor = Actor {
                participant: participant.to_string(),
                facilitator,
            };
            let mut next = loaded.state.clone();
            let change = match apply_once(&mut next, &actor, sent, command.clone(), now_ms())? {
                Applied::Changed(change) => change,
                Applied::Again => return Ok(loaded.state.revision),
            };
            next.revision += 1;
            if !self.store.commit_live(&mut next, &change).await? {
                // Another instance committed first: start again from what is stored.
                inner.loaded = Some(self.store.load_live(id).await?);
                continue;
            }
            let rev = next.revision;
            inner.loaded.as_mut().expect("loaded").state = next;
            inner.fan_out(rev, change);
            return Ok(rev);
        }
        Err(ServiceError::Internal(
            "the checkpoint kept changing under this command".into(),
        ))
    }

    /// Closes a deleted checkpoint's room: every connection is told it is out
    /// (the page says so) and closed and the room leaves
    /// the map, so nothing is written for it again.
    pub async fn close(&self, id: &str) {
        let room = {
            let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
            match map.remove(id) {
                Some(r) => r,
                None => return,
            }
        };
        let mut inner = room.lock().await;
        inner.closed = true;
        inner.close_removed(|_| true);
    }

    /// Reloads a room after a change made outside it (a join, a start or end,
    /// another instance's commit) and sends everyone a snapshot.
    pub async fn refresh(&self, id: &str) {
        self.refresh_if_behind(id, i64::MAX).await;
    }

    /// As [`Rooms::refresh`], only when this process has not yet seen `rev`.
    pub async fn refresh_if_behind(&self, id: &str, rev: i64) {
        let Some(room) = self.open_room(id) else { return };
        let mut inner = room.lock().await;
        if inner.closed || inner.loaded.as_ref().is_some_and(|l| l.state.revision >= rev) {
            return;
        }
        match self.store.load_live(id).await {
            Ok(loaded) => {
                let removed: HashSet<String> = loaded
                    .state
                    .participants
                    .iter()
                    .filter(|p| p.removed)
                    .map(|p| p.id.clone())
                    .collect();
                inner.loaded = Some(loaded);
                inner.close_removed(|p| removed.contains(p));
                inner.broadcast_snapshots();
            }
            Err(e) => tracing::warn!(checkpoint = id, error = %e, "could not reload a live checkpoint"),
        }
    }
}
