//! Group commit for live changes. One task owns the writes: it takes every
//! change waiting, writes them in one transaction, commits once, then answers
//! each caller. At a thousand votes a second this turns a thousand commits
//! (each a trip through SQLite's single writer) into a few dozen, which keeps
//! the slowest vote fast. Every caller still hears back only after the commit
//! that holds its change.

use tokio::sync::{mpsc, oneshot};

use super::checkpoints::LiveWrite;
use super::{ServiceError, Store, WalReset};

/// Changes written in one transaction at most.
const MAX_BATCH: usize = 512;
/// Documents written in one transaction at most (a batch stops growing past
/// it), so one commit cannot take the SQLite log far past its ceiling.
pub(crate) const MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;

type Reply = oneshot::Sender<Result<bool, ServiceError>>;

#[derive(Clone, Debug)]
pub(crate) struct Committer {
    tx: mpsc::UnboundedSender<(LiveWrite, Reply)>,
}

impl Committer {
    /// Starts the writing task for `store` (which must not yet hold a committer).
    pub(crate) fn start(store: Store) -> Committer {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(store, rx));
        Committer { tx }
    }

    pub(crate) async fn commit(&self, write: LiveWrite) -> Result<bool, ServiceError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((write, reply))
            .map_err(|_| ServiceError::Internal("the committer has stopped".into()))?;
        answer
            .await
            .map_err(|_| ServiceError::Internal("the committer dropped a change".into()))?
    }
}

async fn run(store: Store, mut rx: mpsc::UnboundedReceiver<(LiveWrite, Reply)>) {
    let mut batch: Vec<(LiveWrite, Reply)> = Vec::with_capacity(MAX_BATCH);
    let mut gave_up: Option<std::time::Instant> = None;
    while let Some(first) = rx.recv().await {
        let mut bytes = doc_bytes(&first.0);
        batch.push(first);
        while batch.len() < MAX_BATCH && bytes < MAX_BATCH_BYTES {
            match rx.try_recv() {
                Ok(job) => {
                    bytes += doc_bytes(&job.0);
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        let jobs: Vec<(LiveWrite, Reply)> = std::mem::take(&mut batch);
        match write_all(&store, jobs.iter().map(|(w, _)| w)).await {
            Ok(results) => {
                for ((_, reply), ok) in jobs.into_iter().zip(results) {
                    let _ = reply.send(Ok(ok));
                }
            }
            // One bad change must not fail the others: write them one by one.
            Err(_) if jobs.len() > 1 => {
                for (write, reply) in jobs {
                    let result = write_all(&store, std::iter::once(&write)).await.map(|r| r[0]);
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                for (_, reply) in jobs {
                    let _ = reply.send(Err(ServiceError::Internal(e.to_string())));
                }
            }
        }
        // Busy boards write fast: restart the log here, between commits, rather
        // than let it grow for up to a second until the background check. After
        // a failed try (a reader held on), leave the next ones to that check.
        if store.wal_over_limit() && gave_up.is_none_or(|at| at.elapsed() > std::time::Duration::from_secs(1)) {
            match store.restart_wal(WalReset::Restart).await {
                Ok(true) => gave_up = None,
                Ok(false) => gave_up = Some(std::time::Instant::now()),
                Err(e) => {
                    gave_up = Some(std::time::Instant::now());
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
            }
        }
    }
}

fn doc_bytes(write: &LiveWrite) -> usize {
    write.doc.as_ref().map_or(0, |(doc, _)| doc.len())
}

async fn write_all<'a>(store: &Store, writes: impl Iterator<Item = &'a LiveWrite>) -> Result<Vec<bool>, ServiceError> {
    let mut tx = store.writer.begin().await?;
    let mut results = Vec::new();
    for w in writes {
        results.push(store.write_live(&mut tx, w).await?);
    }
    tx.commit().await?;
    Ok(results)
}
