//! Checkpoints: creating and listing them, joining, and loading and committing
//! the live state. Every change bumps the checkpoint's revision in the same
//! transaction; on PostgreSQL the commit also notifies other instances.

use std::collections::BTreeMap;

use rand::RngCore;
use sqlx::Row;

use super::live_writes::LiveWrite;
use super::secrets::{new_token, token_hash};
use super::throttle::join_key;
use super::{new_id, now_ms, Backend, ServiceError, Store, Tx};
use crate::access::{Action, Hat};
use crate::accounts::{CurrentUser, Role};
use crate::checkpoints::{participant_name, CheckpointForm, CheckpointSummary};
use crate::dora::baselines::Industry;
use crate::dora::capabilities::CapabilityKey;
use crate::dora::current::AnyEdition;
use crate::dora::current::Metric;
use crate::dora::prioritise::Rating;
use crate::live::{Change, CheckpointInfo, CheckpointStatus, JoinCode, LiveDoc, LiveState, Participant};
use crate::names::Username;
use crate::security::Backoff;

/// The PostgreSQL channel that carries `checkpoint_id:revision` between instances.
pub const EVENTS_CHANNEL: &str = "checkpoint_events";
/// Other facilitators and admins may end a checkpoint once nothing has
/// happened in it for this long (an abandoned one); before, only those running it.
pub const ABANDONED_AFTER_MS: i64 = 24 * 3600 * 1000;

/// A new participant's session: the cookie value (only its hash is stored).
#[derive(Debug)]
pub struct JoinedParticipant {
    pub checkpoint_id: String,
    pub participant_id: String,
    pub token: String,
}

/// How someone joins when their name may be taken (see [`Store::join_checkpoint_as`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum JoinAs {
    /// As a new participant under the name typed; 409 on `name` if it is taken.
    #[default]
    New,
    /// As the participant of that name whose resume code this is (their own
    /// cookie token, which only they are shown): a second device of theirs.
    Resume(String),
    /// As a new participant; a taken name gets the first free "Ana (2)", "Ana (3)"...
    Distinct,
}

/// A checkpoint's live state as loaded, with its join code for facilitators.
#[derive(Clone, Debug)]
pub struct LoadedRoom {
    pub state: LiveState,
    pub join_code: JoinCode,
}

fn new_join_code() -> JoinCode {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    JoinCode::from_random(&bytes)
}

fn status_of(raw: &str) -> Result<CheckpointStatus, ServiceError> {
    CheckpointStatus::parse(raw).ok_or_else(|| ServiceError::Internal(format!("unknown checkpoint status {raw:?}")))
}

impl Store {
    /// Bumps the revision (and tells other instances once the transaction commits).
    pub(super) async fn bump_revision(&self, tx: &mut Tx<'_>, checkpoint_id: &str) -> Result<i64, ServiceError> {
        sqlx::query("UPDATE checkpoints SET revision = revision + 1, active_at = $2 WHERE id = $1")
            .bind(checkpoint_id)
            .bind(now_ms())
            .execute(&mut **tx)
            .await?;
        let rev: i64 = sqlx::query_scalar("SELECT revision FROM checkpoints WHERE id = $1")
            .bind(checkpoint_id)
            .fetch_one(&mut **tx)
            .await?;
        notify(tx, self.backend, checkpoint_id, rev).await?;
        Ok(rev)
    }
}

/// Tells other instances (PostgreSQL) of revision `rev` once `tx` commits.
pub(super) async fn notify(
    tx: &mut Tx<'_>,
    backend: Backend,
    checkpoint_id: &str,
    rev: i64,
) -> Result<(), ServiceError> {
    notify_with(tx, backend, checkpoint_id, rev, None).await
}

/// As [`notify`], with the change's delta (`live::Delta` JSON) when it has one.
pub(super) async fn notify_with(
    tx: &mut Tx<'_>,
    backend: Backend,
    checkpoint_id: &str,
    rev: i64,
    delta: Option<&str>,
) -> Result<(), ServiceError> {
    if backend == Backend::Postgres {
        let payload = match delta {
            Some(delta) => format!("{checkpoint_id}:{rev}:{delta}"),
            None => format!("{checkpoint_id}:{rev}"),
        };
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(EVENTS_CHANNEL)
            .bind(payload)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Creates a draft checkpoint for a squad, run by `by`.
    pub async fn create_checkpoint(
        &self,
        by: &CurrentUser,
        squad_slug: &str,
        form: CheckpointForm,
    ) -> Result<String, ServiceError> {
        crate::access::require_role(Some(by), Action::CreateCheckpoint)?;
        let squad = self.squad(squad_slug).await?;
        let id = new_id();
        let mut tx = self.writer.begin().await?;
        // It starts with the actions of earlier checkpoints marked carried over and not yet copied.
        let mut doc = LiveDoc {
            anonymous: form.anonymous,
            ..LiveDoc::default()
        };
        doc.board.actions = self.carried_into_new(&mut tx, &squad.id, &id, &form.held_on).await?;
        let digest = super::history::StoredDigest::of(&doc, form.benchmark)?;
        let doc = serde_json::to_string(&doc).map_err(|e| ServiceError::Internal(e.to_string()))?;
        // A clash among 8.5e11 codes is unlikely; the unique index catches it and we draw again.
        for _ in 0..5 {
            let insert = sqlx::query(concat!(
                "INSERT INTO checkpoints (", super::history::digest_columns!(), ", id, squad_id, held_on, facilitator_id, board_url, benchmark, status, \
                 join_code, revision, doc, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $12, $13, $14, $15, 'draft', $16, 1, $17, $18) \
                 ON CONFLICT (join_code) DO NOTHING",
            ));
            let inserted = digest
                .bind(insert)
                .bind(&id)
                .bind(&squad.id)
                .bind(&form.held_on)
                .bind(&by.id)
                .bind(form.board_url.as_deref())
                .bind(form.benchmark.id())
                .bind(new_join_code().as_str())
                .bind(&doc)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            if inserted.rows_affected() == 1 {
                // Those who run a checkpoint are in its room from the start, so
                // that opening its page never has to create anyone.
                self.insert_user_participant(&mut tx, &id, by).await?;
                tx.commit().await?;
                return Ok(id);
            }
        }
        Err(ServiceError::Internal("could not draw a free join code".into()))
    }

    /// A squad's checkpoints, newest first.
    pub async fn list_checkpoints(&self, squad_slug: &str) -> Result<Vec<CheckpointSummary>, ServiceError> {
        let squad = self.squad(squad_slug).await?;
        let rows = sqlx::query(
            "SELECT c.id, c.held_on, c.status, c.benchmark, c.board_url, u.username AS facilitator, \
             (SELECT COUNT(*) FROM participants p WHERE p.checkpoint_id = c.id AND p.removed = 0) AS participants \
             FROM checkpoints c JOIN users u ON u.id = c.facilitator_id WHERE c.squad_id = $1 ORDER BY c.held_on DESC, c.created_at DESC",
        )
        .bind(&squad.id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.get("id");
            let co_facilitators = self.co_facilitators(&id).await?;
            out.push(CheckpointSummary {
                held_on: r.get("held_on"),
                status: status_of(r.get("status"))?,
                facilitator: r.get("facilitator"),
                co_facilitators,
                benchmark: AnyEdition::stored(r.get("benchmark")),
                board_url: r.get("board_url"),
                participants: r.get("participants"),
                id,
            });
        }
        Ok(out)
    }

    pub(super) async fn co_facilitators(&self, checkpoint_id: &str) -> Result<Vec<String>, ServiceError> {
        Ok(sqlx::query_scalar("SELECT u.username FROM checkpoint_facilitators f JOIN users u ON u.id = f.user_id WHERE f.checkpoint_id = $1 ORDER BY u.username")
            .bind(checkpoint_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The checkpoint's facilitator and co-facilitators, as user ids.
    async fn facilitator_ids(&self, checkpoint_id: &str) -> Result<Vec<String>, ServiceError> {
        let lead: Option<String> = sqlx::query_scalar("SELECT facilitator_id FROM checkpoints WHERE id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&self.pool)
            .await?;
        let mut ids = vec![lead.ok_or(ServiceError::NotFound("checkpoint"))?];
        ids.extend(
            sqlx::query_scalar::<_, String>("SELECT user_id FROM checkpoint_facilitators WHERE checkpoint_id = $1")
                .bind(checkpoint_id)
                .fetch_all(&self.pool)
                .await?,
        );
        Ok(ids)
    }

    pub async fn checkpoint_exists(&self, checkpoint_id: &str) -> Result<bool, ServiceError> {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM checkpoints WHERE id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    pub async fn runs_checkpoint(&self, user: &CurrentUser, checkpoint_id: &str) -> Result<bool, ServiceError> {
        Ok(self.facilitator_ids(checkpoint_id).await?.contains(&user.id))
    }

    /// Adds a co-facilitator (a facilitator or admin account). Only those who run it may.
    pub async fn add_co_facilitator(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        username: &str,
    ) -> Result<(), ServiceError> {
        if !crate::access::may(&self.hats_of(by, checkpoint_id).await?, Action::AddCoFacilitator) {
            return Err(ServiceError::Forbidden);
        }
        let username = Username::parse(username)?;
        let row = sqlx::query("SELECT id, role FROM users WHERE username = $1")
            .bind(username.as_str())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Err(ServiceError::invalid(
                "username",
                format!("no account is called {:?}", username.as_str()),
            ));
        };
        let (user_id, role): (String, String) = (row.get("id"), row.get("role"));
        if role == "viewer" {
            return Err(ServiceError::invalid(
                "username",
                "a viewer cannot facilitate; make them a facilitator first",
            ));
        }
        let role = Role::parse(&role).map_err(|e| ServiceError::Internal(e.message))?;
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO checkpoint_facilitators (checkpoint_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(checkpoint_id)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
        self.insert_user_participant(
            &mut tx,
            checkpoint_id,
            &CurrentUser {
                id: user_id.clone(),
                username: username.as_str().to_string(),
                role,
            },
        )
        .await?;
        self.bump_revision(&mut tx, checkpoint_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a draft (those who run it), or ends it (those who run it, or any
    /// facilitator or admin, for an abandoned one). Returns the new revision.
    pub async fn set_checkpoint_status(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        status: CheckpointStatus,
    ) -> Result<i64, ServiceError> {
        let hats = self.hats_of(by, checkpoint_id).await?;
        let allowed = match status {
            CheckpointStatus::Live => crate::access::may(&hats, Action::Start),
            CheckpointStatus::Finished if crate::access::may(&hats, Action::End) => true,
            CheckpointStatus::Finished if crate::access::may(&hats, Action::EndAbandoned) => {
                let idle = now_ms() - self.last_activity_ms(checkpoint_id).await?;
                if idle < ABANDONED_AFTER_MS {
                    return Err(ServiceError::conflict(
                        "status",
                        "this checkpoint is in use: only those running it can end it (anyone may end one after a day without activity)",
                    ));
                }
                true
            }
            _ => false,
        };
        if !allowed {
            return Err(ServiceError::Forbidden);
        }
        let from = match status {
            CheckpointStatus::Live => "draft",
            _ => "live', 'draft",
        };
        let ended_at = (status == CheckpointStatus::Finished).then(now_ms);
        let mut tx = self.writer.begin().await?;
        let sql = format!("UPDATE checkpoints SET status = $1, ended_at = $2 WHERE id = $3 AND status IN ('{from}')");
        let updated = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(status.id())
            .bind(ended_at)
            .bind(checkpoint_id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(ServiceError::conflict(
                "status",
                match status {
                    CheckpointStatus::Live => "only a draft checkpoint can be started",
                    _ => "this checkpoint has already finished",
                },
            ));
        }
        let rev = self.bump_revision(&mut tx, checkpoint_id).await?;
        tx.commit().await?;
        Ok(rev)
    }

    /// Joins by code with a display name. Wrong codes slow further attempts
    /// from the client address (`client`, its key: [`crate::security::client_key`])
    /// with [`Backoff::ADDRESS`]; each attempt is counted before the code is looked up.
    pub async fn join_checkpoint(
        &self,
        code: &str,
        name: &str,
        client: &str,
    ) -> Result<JoinedParticipant, ServiceError> {
        self.join_checkpoint_with(code, name, client, &|_| None).await
    }

    /// [`Store::join_checkpoint_as`] as a new participant.
    pub async fn join_checkpoint_with(
        &self,
        code: &str,
        name: &str,
        client: &str,
        cookie: &(dyn Fn(&str) -> Option<String> + Sync),
    ) -> Result<JoinedParticipant, ServiceError> {
        self.join_checkpoint_as(code, name, client, cookie, &JoinAs::New).await
    }

    /// [`Store::join_checkpoint`] for a client that may hold a participant
    /// cookie already (`cookie` gives its token for a checkpoint id). A browser
    /// that joined already goes back in as itself, whatever name it types: no
    /// second person. Names are unique within a checkpoint, ignoring case and
    /// Unicode normalisation: a taken name is 409 on `name`, unless `how`
    /// resumes that participant with their own resume code (422 on `resume`
    /// when it is not theirs; wrong codes count as wrong join codes do) or asks
    /// for a distinct name.
    pub async fn join_checkpoint_as(
        &self,
        code: &str,
        name: &str,
        client: &str,
        cookie: &(dyn Fn(&str) -> Option<String> + Sync),
        how: &JoinAs,
    ) -> Result<JoinedParticipant, ServiceError> {
        let mut name = participant_name(name)?;
        let client_key = join_key(client);
        self.reserve_attempt(&[(&client_key, Backoff::ADDRESS)]).await?;
        let code = JoinCode::parse(code)?;
        let row = sqlx::query("SELECT id, status FROM checkpoints WHERE join_code = $1")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Err(ServiceError::invalid(
                "code",
                "no checkpoint has that code; check it with your facilitator",
            ));
        };
        // A right code is no guess: give the attempt back.
        self.release_attempt(&client_key, Backoff::ADDRESS).await?;
        let checkpoint_id: String = row.get("id");
        if status_of(row.get("status"))? == CheckpointStatus::Finished {
            return Err(ServiceError::invalid(
                "code",
                "this checkpoint has finished; it admits nobody",
            ));
        }
        let by_token = |token: &str| {
            sqlx::query(
                "SELECT id, name FROM participants WHERE checkpoint_id = $1 AND token_hash = $2 AND removed = 0",
            )
            .bind(checkpoint_id.clone())
            .bind(token_hash(token))
        };
        if let Some(token) = cookie(&checkpoint_id) {
            if let Some(own) = by_token(&token).fetch_optional(&self.pool).await? {
                return Ok(JoinedParticipant {
                    checkpoint_id,
                    participant_id: own.get("id"),
                    token,
                });
            }
        }
        if let JoinAs::Resume(resume) = how {
            let resume = resume.trim();
            // The code may arrive as the whole link someone copied.
            let resume = resume.rsplit_once("resume=").map_or(resume, |(_, t)| t);
            self.reserve_attempt(&[(&client_key, Backoff::ADDRESS)]).await?;
            let own = match resume.is_empty() {
                true => None,
                false => by_token(resume).fetch_optional(&self.pool).await?,
            };
            return match own.filter(|r| name.same_as(r.get::<&str, _>("name"))) {
                Some(own) => {
                    self.release_attempt(&client_key, Backoff::ADDRESS).await?;
                    Ok(JoinedParticipant {
                        checkpoint_id,
                        participant_id: own.get("id"),
                        token: resume.to_string(),
                    })
                }
                None => Err(ServiceError::invalid(
                    "resume",
                    format!(
                        "that is not {}'s resume link; copy it from the room on the device {} joined with",
                        name.as_str(),
                        name.as_str()
                    ),
                )),
            };
        }
        let token = new_token();
        let participant_id = new_id();
        let mut tx = self.writer.begin().await?;
        // The revision first: its row lock makes two people joining at once
        // under one name check one after the other.
        self.bump_revision(&mut tx, &checkpoint_id).await?;
        let taken: Vec<String> =
            sqlx::query_scalar("SELECT name FROM participants WHERE checkpoint_id = $1 AND removed = 0")
                .bind(&checkpoint_id)
                .fetch_all(&mut *tx)
                .await?;
        if let Some(holder) = taken.iter().find(|t| name.same_as(t)) {
            if *how != JoinAs::Distinct {
                return Err(ServiceError::conflict(
                    "name",
                    format!(
                        "{} {holder}; add an initial or choose another name",
                        crate::names::NAME_TAKEN
                    ),
                ));
            }
            name = distinct_name(&name, &taken)?;
        }
        sqlx::query(
            "INSERT INTO participants (id, checkpoint_id, name, token_hash, joined_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&participant_id)
        .bind(&checkpoint_id)
        .bind(name.as_str())
        .bind(token_hash(&token))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(JoinedParticipant {
            checkpoint_id,
            participant_id,
            token,
        })
    }

    /// The participant a cookie token belongs to, in this checkpoint only.
    pub async fn participant_for_token(
        &self,
        checkpoint_id: &str,
        token: &str,
    ) -> Result<Option<String>, ServiceError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM participants WHERE checkpoint_id = $1 AND token_hash = $2 AND removed = 0",
        )
        .bind(checkpoint_id)
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The participant a signed-in user already is in this checkpoint, if any.
    /// Reading never makes one: see [`Store::join_as_user`].
    pub async fn participant_for_user(
        &self,
        checkpoint_id: &str,
        user: &CurrentUser,
    ) -> Result<Option<String>, ServiceError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM participants WHERE checkpoint_id = $1 AND user_id = $2 AND removed = 0")
                .bind(checkpoint_id)
                .bind(&user.id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The hats `user` wears towards this checkpoint (see [`crate::access`]).
    pub async fn hats_of(&self, user: &CurrentUser, checkpoint_id: &str) -> Result<Vec<Hat>, ServiceError> {
        let mut hats = vec![Hat::of_role(user.role)];
        if self.runs_checkpoint(user, checkpoint_id).await? {
            hats.push(Hat::Runner);
        }
        if self.participant_for_user(checkpoint_id, user).await?.is_some() {
            hats.push(Hat::Participant);
        }
        Ok(hats)
    }

    /// A signed-in facilitator or admin takes part under their username, when
    /// they ask to ("Join as a participant"). Viewers join by code like anyone.
    pub async fn join_as_user(&self, checkpoint_id: &str, user: &CurrentUser) -> Result<String, ServiceError> {
        if !crate::access::may(&self.hats_of(user, checkpoint_id).await?, Action::JoinAsUser) {
            return Err(ServiceError::Forbidden);
        }
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM checkpoints WHERE id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&self.pool)
            .await?;
        if status_of(&status.ok_or(ServiceError::NotFound("checkpoint"))?)? == CheckpointStatus::Finished {
            return Err(ServiceError::conflict(
                "checkpoint",
                "this checkpoint has finished; it admits nobody",
            ));
        }
        let removed: Option<i64> =
            sqlx::query_scalar("SELECT removed FROM participants WHERE checkpoint_id = $1 AND user_id = $2")
                .bind(checkpoint_id)
                .bind(&user.id)
                .fetch_optional(&self.pool)
                .await?;
        if removed == Some(1) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.writer.begin().await?;
        self.insert_user_participant(&mut tx, checkpoint_id, user).await?;
        self.bump_revision(&mut tx, checkpoint_id).await?;
        tx.commit().await?;
        self.participant_for_user(checkpoint_id, user)
            .await?
            .ok_or(ServiceError::Forbidden)
    }

    async fn insert_user_participant(
        &self,
        tx: &mut Tx<'_>,
        checkpoint_id: &str,
        user: &CurrentUser,
    ) -> Result<(), ServiceError> {
        sqlx::query("INSERT INTO participants (id, checkpoint_id, name, user_id, joined_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (checkpoint_id, user_id) DO NOTHING")
            .bind(new_id())
            .bind(checkpoint_id)
            .bind(&user.username)
            .bind(&user.id)
            .bind(now_ms())
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// The last time anything happened in a checkpoint: its latest change, or
    /// when it was created.
    async fn last_activity_ms(&self, checkpoint_id: &str) -> Result<i64, ServiceError> {
        let row = sqlx::query("SELECT created_at, active_at FROM checkpoints WHERE id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ServiceError::NotFound("checkpoint"))?;
        Ok(row
            .get::<Option<i64>, _>("active_at")
            .unwrap_or_else(|| row.get("created_at")))
    }

    /// Reads the whole live state of a checkpoint.
    pub async fn load_live(&self, checkpoint_id: &str) -> Result<LoadedRoom, ServiceError> {
        let row = sqlx::query(
            "SELECT c.id, c.held_on, c.board_url, c.benchmark, c.status, c.join_code, \
             s.slug, s.name AS squad_name, s.industry, s.org_size, u.username AS facilitator \
             FROM checkpoints c JOIN squads s ON s.id = c.squad_id JOIN users u ON u.id = c.facilitator_id WHERE c.id = $1",
        )
        .bind(checkpoint_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(ServiceError::NotFound("checkpoint"))?;
        // The document and the revision it is at, with the board's logged changes.
        let stored = super::board_log::stored_doc(&self.pool, checkpoint_id)
            .await?
            .ok_or(ServiceError::NotFound("checkpoint"))?;
        let info = CheckpointInfo {
            id: row.get("id"),
            squad_slug: row.get("slug"),
            squad_name: row.get("squad_name"),
            industry: Industry::from_id(row.get("industry")).unwrap_or_default(),
            org_size: row
                .get::<Option<String>, _>("org_size")
                .as_deref()
                .and_then(crate::dora::current::OrgSizeKey::from_id),
            benchmark: AnyEdition::stored(row.get("benchmark")),
            held_on: row.get("held_on"),
            board_url: row.get("board_url"),
            facilitator: row.get("facilitator"),
            status: status_of(row.get("status"))?,
        };
        let join_code = JoinCode::parse(row.get("join_code")).map_err(|e| ServiceError::Internal(e.message))?;
        let facilitators = self.facilitator_ids(checkpoint_id).await?;
        let participants = sqlx::query(
            "SELECT id, name, user_id, removed FROM participants WHERE checkpoint_id = $1 ORDER BY joined_at, id",
        )
        .bind(checkpoint_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let user_id: Option<String> = r.get("user_id");
            Participant {
                id: r.get("id"),
                name: r.get("name"),
                facilitator: user_id.is_some_and(|u| facilitators.contains(&u)),
                removed: r.get::<i64, _>("removed") != 0,
            }
        })
        .collect();
        let mut votes: [BTreeMap<String, String>; 5] = Default::default();
        for r in sqlx::query("SELECT question, participant_id, answer FROM votes WHERE checkpoint_id = $1")
            .bind(checkpoint_id)
            .fetch_all(&self.pool)
            .await?
        {
            if let Some(i) = Metric::from_id(r.get("question")).map(crate::live::stage::metric_index) {
                votes[i].insert(r.get("participant_id"), r.get("answer"));
            }
        }
        let ratings = self.ratings_of(checkpoint_id).await?;
        let previous = match info.benchmark.current() {
            Some(_) => self.previous_capability_scores(checkpoint_id).await?,
            None => None,
        };
        Ok(LoadedRoom {
            state: LiveState {
                info,
                revision: stored.revision,
                doc: stored.doc,
                participants,
                votes,
                ratings,
                previous,
                survey_responses: self.survey_count(checkpoint_id).await?,
                logged_notes: stored.logged,
            },
            join_code,
        })
    }

    /// Writes what `change` changed, as revision `state.revision`, if the stored
    /// revision is still the one before it. `Ok(false)` means another instance
    /// got there first: reload and apply again. Commits from every room are
    /// grouped into shared transactions (see `store::committer`); this returns
    /// once the transaction holding this change has committed.
    ///
    /// A board note's change is logged as that note alone, and the document is
    /// written again after [`super::BOARD_LOG_LIMIT`] of them
    /// (`state.logged_notes` counts them; the caller keeps `state` only once committed).
    pub async fn commit_live(&self, state: &mut LiveState, change: &Change) -> Result<bool, ServiceError> {
        let note = match change {
            Change::Note { id } if state.logged_notes < super::BOARD_LOG_LIMIT => Some(
                serde_json::to_string(&state.doc.board.note_log(id))
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
            ),
            _ => None,
        };
        // A vote, a rating or a logged note change without a document write leaves
        // the record of the tab's command (`doc.sessions`) in memory until the next
        // one: each sets a value (a note's text or place, a create by its id, a
        // delete by its tombstone), so one applied again after a restart changes nothing.
        let doc_changed = note.is_none()
            && matches!(
                change,
                Change::Doc
                    | Change::Focus
                    | Change::Note { .. }
                    | Change::Removed { .. }
                    | Change::Merged { .. }
                    | Change::Vote {
                        auto_revealed: true,
                        ..
                    }
            );
        if note.is_some() {
            state.logged_notes += 1;
        } else if doc_changed {
            state.logged_notes = 0;
        }
        // Other instances apply a row-only change from its notification (PostgreSQL).
        let doc = if doc_changed {
            Some((
                serde_json::to_string(&state.doc).map_err(|e| ServiceError::Internal(e.to_string()))?,
                super::history::StoredDigest::of(&state.doc, state.info.benchmark)?,
            ))
        } else {
            None
        };
        // Other instances apply a vote, a rating, a note or a change of the
        // document alone from its notification (PostgreSQL), not by reloading.
        let delta = match (&doc, change, self.backend) {
            (_, _, Backend::Sqlite) => None,
            (Some((json, _)), Change::Doc, _) => Some(crate::live::Delta::doc_json(json)),
            (Some(_), _, _) => None,
            (None, _, _) => crate::live::Delta::of(change, state, note.is_some())
                .map(|d| serde_json::to_string(&d).map_err(|e| ServiceError::Internal(e.to_string())))
                .transpose()?,
        }
        // A notification carries at most 8,000 bytes; a longer one is reloaded.
        .filter(|d| d.len() <= 7_000);
        let write = LiveWrite {
            delta,
            note,
            id: state.info.id.clone(),
            revision: state.revision,
            doc,
            focus: if state.doc.capabilities.focus_confirmed {
                state.doc.capabilities.focus.clone()
            } else {
                Vec::new()
            },
            change: change.clone(),
        };
        self.committer().commit(write).await
    }
}

/// The first of "Ana (2)", "Ana (3)", ... that nobody in `taken` has.
fn distinct_name(
    name: &crate::names::DisplayName,
    taken: &[String],
) -> Result<crate::names::DisplayName, ServiceError> {
    (2..)
        .map(|n| participant_name(&format!("{} ({n})", name.as_str())))
        .find(|candidate| match candidate {
            Ok(c) => !taken.iter().any(|t| c.same_as(t)),
            Err(_) => true,
        })
        .expect("an unbounded range")
        .map_err(ServiceError::from)
}

/// A squad that currently focuses on a capability (its latest checkpoint with a confirmed focus).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SquadFocus {
    pub capability: String,
    pub squad_name: String,
    pub squad_slug: String,
    pub held_on: String,
}

impl Store {
    /// Every squad's current focus capabilities.
    pub async fn current_focus(&self) -> Result<Vec<SquadFocus>, ServiceError> {
        let rows = sqlx::query(
            "SELECT f.capability, s.name, s.slug, c.held_on FROM checkpoint_focus f \
             JOIN checkpoints c ON c.id = f.checkpoint_id JOIN squads s ON s.id = c.squad_id \
             WHERE c.id = (SELECT c2.id FROM checkpoints c2 WHERE c2.squad_id = c.squad_id \
                           AND EXISTS (SELECT 1 FROM checkpoint_focus f2 WHERE f2.checkpoint_id = c2.id) \
                           ORDER BY c2.held_on DESC, c2.created_at DESC LIMIT 1) \
             ORDER BY s.name, f.position",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| SquadFocus {
                capability: r.get("capability"),
                squad_name: r.get("name"),
                squad_slug: r.get("slug"),
                held_on: r.get("held_on"),
            })
            .collect())
    }
}

impl Store {
    /// Every capability rating of a checkpoint, by participant.
    async fn ratings_of(&self, checkpoint_id: &str) -> Result<crate::live::capabilities::Ratings, ServiceError> {
        let mut ratings: crate::live::capabilities::Ratings = Default::default();
        for r in
            sqlx::query("SELECT participant_id, capability, statement, value FROM ratings WHERE checkpoint_id = $1")
                .bind(checkpoint_id)
                .fetch_all(&self.pool)
                .await?
        {
            let (Some(capability), Ok(statement)) = (
                CapabilityKey::from_id(r.get("capability")),
                u8::try_from(r.get::<i64, _>("statement")),
            ) else {
                continue;
            };
            let rating = match r.get::<i64, _>("value") {
                -1 => Rating::DontKnow,
                v => match u8::try_from(v).ok().and_then(Rating::agreement) {
                    Some(r) => r,
                    None => continue,
                },
            };
            ratings
                .entry(r.get("participant_id"))
                .or_default()
                .insert((capability, statement), rating);
        }
        Ok(ratings)
    }

    /// The current editions' three capabilities as the squad's latest earlier
    /// checkpoint with revealed ratings scored them (on 7.4's statements, 0 to
    /// 10), for the capabilities stage to show beside today's. Ratings never
    /// revealed stay secret: such a checkpoint is passed over.
    pub async fn previous_capability_scores(
        &self,
        checkpoint_id: &str,
    ) -> Result<Option<crate::live::capabilities::PreviousScores>, ServiceError> {
        use crate::dora::current::capabilities::RECOMMENDED;
        let Some((id, held_on, _)) = self
            .earlier_checkpoints(checkpoint_id)
            .await?
            .into_iter()
            .find(|(_, _, doc)| crate::live::Disclosure::of_doc(doc).ratings())
        else {
            return Ok(None);
        };
        let ratings = self.ratings_of(&id).await?;
        let raters: Vec<String> =
            sqlx::query_scalar("SELECT id FROM participants WHERE checkpoint_id = $1 AND removed = 0")
                .bind(&id)
                .fetch_all(&self.pool)
                .await?;
        let raters: Vec<&str> = raters.iter().map(String::as_str).collect();
        let results = crate::live::capabilities::results(AnyEdition::Y2025, &ratings, &raters, &RECOMMENDED);
        Ok(Some(crate::live::capabilities::PreviousScores {
            held_on,
            scores: results.current.map(|c| c.scores).unwrap_or_default(),
        }))
    }
}
