//! Group commit for live changes. One task owns the writes: it takes every
//! change waiting, writes them in one transaction, commits once, then answers
//! each caller. At a thousand votes a second this turns a thousand commits
//! (each a trip through SQLite's single writer) into a few dozen, which keeps
//! the slowest vote fast. Every caller still hears back only after the commit
//! that holds its change.
//!
//! The task owns what it writes with (the writer pool, the backend, the log
//! file), not a `Store`: a `Store` holds the task's sender, so a task holding
//! a `Store` would keep its own channel open forever. It ends when the pool
//! is closed (`Store::close`) or when every `Store` is gone.

use std::path::PathBuf;
use std::sync::Arc;

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::live_writes::{write_batch, LiveWrite};
use super::wal::{restart_wal, wal_over_limit, WalReset};
use super::{Backend, ServiceError};

/// Changes written in one transaction at most. The multi-row statements of a
/// batch (`live_writes::write_batch`, at most six parameters a row) stay far
/// under SQLite's 32,766 parameters.
const MAX_BATCH: usize = 512;
/// Documents written in one transaction at most (a batch stops growing past
/// it), so one commit cannot take the SQLite log far past its ceiling.
pub(crate) const MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;

type Reply = oneshot::Sender<Result<bool, ServiceError>>;

/// A group commit slower than this is logged (as a warning).
const SLOW_BATCH: std::time::Duration = std::time::Duration::from_millis(50);

#[derive(Clone, Debug)]
pub(crate) struct Committer {
    tx: mpsc::UnboundedSender<(LiveWrite, Reply)>,
}

/// What the task writes with.
struct Writer {
    pool: AnyPool,
    backend: Backend,
    /// SQLite's write-ahead log, restarted between commits when it grows too big.
    wal: Option<Arc<PathBuf>>,
}

impl Committer {
    /// Starts the writing task on the writer pool.
    pub(crate) fn start(pool: AnyPool, backend: Backend, wal: Option<Arc<PathBuf>>) -> Committer {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(Writer { pool, backend, wal }, rx));
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

async fn run(writer: Writer, mut rx: mpsc::UnboundedReceiver<(LiveWrite, Reply)>) {
    let mut batch: Vec<(LiveWrite, Reply)> = Vec::with_capacity(MAX_BATCH);
    let mut gave_up: Option<std::time::Instant> = None;
    let closing = writer.pool.close_event();
    let mut closing = std::pin::pin!(closing);
    loop {
        let first = tokio::select! {
            // Nothing can be written once the pool is closed; changes still
            // queued get their reply dropped, which their callers report.
            biased;
            _ = &mut closing => return,
            job = rx.recv() => match job {
                Some(job) => job,
                None => return,
            },
        };
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
        let started = std::time::Instant::now();
        let written = write_all(&writer, jobs.iter().map(|(w, _)| w)).await;
        let took = started.elapsed();
        // Every change waiting behind this one waited this long: say so.
        if took > SLOW_BATCH {
            tracing::warn!(changes = jobs.len(), ms = took.as_millis() as u64, "slow group commit");
        }
        match written {
            Ok(results) => {
                for ((_, reply), ok) in jobs.into_iter().zip(results) {
                    let _ = reply.send(Ok(ok));
                }
            }
            // One bad change must not fail the others: write them one by one.
            Err(_) if jobs.len() > 1 => {
                for (write, reply) in jobs {
                    let result = write_all(&writer, std::iter::once(&write)).await.map(|r| r[0]);
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
        if wal_over_limit(writer.wal.as_deref().map(PathBuf::as_path))
            && gave_up.is_none_or(|at| at.elapsed() > std::time::Duration::from_secs(1))
        {
            let started = std::time::Instant::now();
            let restarted = restart_wal(&writer.pool, WalReset::Restart).await;
            tracing::warn!(
                ms = started.elapsed().as_millis() as u64,
                "the write-ahead log was past its limit: restarted it between commits"
            );
            match restarted {
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

async fn write_all<'a>(
    writer: &Writer,
    writes: impl Iterator<Item = &'a LiveWrite>,
) -> Result<Vec<bool>, ServiceError> {
    let writes: Vec<&LiveWrite> = writes.collect();
    let mut tx = writer.pool.begin().await?;
    let results = write_batch(&mut tx, writer.backend, &writes).await?;
    tx.commit().await?;
    Ok(results)
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    /// The task owns the writer, not a `Store` that holds the task's own sender:
    /// closing the store ends it (the receiver is dropped, so the sender sees it closed).
    #[tokio::test]
    async fn the_task_ends_when_the_store_is_closed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite://{}/c.db", dir.path().display()))
            .await
            .unwrap();
        let committer = store.committer().clone();
        assert!(!committer.tx.is_closed(), "the task runs while the store is open");
        store.close().await;
        let ended = tokio::time::timeout(std::time::Duration::from_secs(5), committer.tx.closed()).await;
        assert!(ended.is_ok(), "the committer task still runs after Store::close");
    }
}
