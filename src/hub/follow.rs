//! Following other instances on PostgreSQL: each commit there is announced
//! with NOTIFY (`checkpoint_id:revision`); this instance reloads the rooms it
//! has open and is behind on. The database stays the source of truth.

use std::sync::Arc;

use super::Rooms;
use crate::store::checkpoints::EVENTS_CHANNEL;

impl Rooms {
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
                        if let Some((id, rev)) = n.payload().split_once(':') {
                            if let Ok(rev) = rev.parse::<i64>() {
                                self.refresh_if_behind(id, rev).await;
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
