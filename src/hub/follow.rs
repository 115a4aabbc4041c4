//! Following other instances on PostgreSQL: each commit there is announced
//! with NOTIFY (`checkpoint_id:revision`); this instance reloads the rooms it
//! has open and is behind on. A vote, a rating or a note change comes with
//! its delta (`checkpoint_id:revision:delta`), which a room at the revision
//! just before applies without reading anything. The database stays the
//! source of truth.

use std::sync::Arc;

use super::Rooms;
use crate::live::Delta;
use crate::store::checkpoints::EVENTS_CHANNEL;

impl Rooms {
    /// Applies another instance's row-only change to the open room, and tells
    /// everyone in it as that instance did; a room not at the revision just
    /// before is reloaded instead.
    async fn apply_followed(&self, id: &str, rev: i64, delta: Delta) {
        let Some(room) = self.open_room(id) else { return };
        let mut inner = room.lock().await;
        if inner.closed {
            return;
        }
        let Some(loaded) = inner.loaded.as_mut() else { return };
        if loaded.state.revision >= rev {
            return;
        }
        if loaded.state.revision + 1 != rev {
            drop(inner);
            self.refresh_if_behind(id, rev).await;
            return;
        }
        let change = delta.apply(&mut loaded.state);
        loaded.state.revision = rev;
        inner.fan_out(rev, change);
    }

    async fn refresh_all(&self) {
        let ids: Vec<String> = self.map.lock().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        for id in ids {
            self.refresh(&id).await;
        }
    }

    /// Follows other instances' commits on PostgreSQL. Runs until the process ends;
    /// after a lost connection it reconnects and reloads every open room.
    pub async fn follow_postgres(self: Arc<Self>, url: String) {
        use sqlx::postgres::PgListener;
        let mut backoff = std::time::Duration::from_millis(200);
        loop {
            let mut listener = match PgListener::connect(&url).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot connect the event listener; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(std::time::Duration::from_secs(10));
                    continue;
                }
            };
            if let Err(e) = listener.listen(EVENTS_CHANNEL).await {
                tracing::warn!(error = %e, "LISTEN failed; retrying");
                tokio::time::sleep(backoff).await;
                continue;
            }
            backoff = std::time::Duration::from_millis(200);
            // Anything missed while disconnected.
            self.refresh_all().await;
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) => {
                        // `id:revision`, or `id:revision:delta` for a change that wrote rows only.
                        let mut parts = n.payload().splitn(3, ':');
                        let (Some(id), Some(Ok(rev))) = (parts.next(), parts.next().map(str::parse::<i64>)) else {
                            continue;
                        };
                        match parts.next().map(serde_json::from_str::<Delta>) {
                            Some(Ok(delta)) => self.apply_followed(id, rev, delta).await,
                            // Reloads run beside each other (the room's lock orders them),
                            // so one slow read does not hold up every other room.
                            _ => {
                                let (rooms, id) = (self.clone(), id.to_string());
                                tokio::spawn(async move { rooms.refresh_if_behind(&id, rev).await });
                            }
                        }
                    }
                    Ok(None) => {
                        tracing::warn!("event listener reconnected; reloading open checkpoints");
                        self.refresh_all().await;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener failed; reconnecting");
                        break;
                    }
                }
            }
        }
    }
}
