//! The checkpoint summary: the draft's highlights, finalising, corrections as
//! new revisions, and the anonymous closing survey.

use std::collections::BTreeMap;

use sqlx::Row;

use super::{now_ms, ServiceError, Store};
use crate::access::Action;
use crate::accounts::CurrentUser;
use crate::dora::current::Metric;
use crate::live::answer::parse_answer;
use crate::live::LiveDoc;
use crate::measured::dates::{rfc3339, Precision};
use crate::summary::{
    parse_highlights, parse_reason, Draft, RevisionMeta, Summary, SummaryPage, SurveyResponse, SurveyResults, SurveySet,
};

fn parse_doc(raw: &str) -> Result<LiveDoc, ServiceError> {
    serde_json::from_str(raw).map_err(|e| ServiceError::Internal(format!("checkpoint doc: {e}")))
}

impl Store {
    /// Facilitators of this checkpoint, and admins, write its summary.
    pub async fn may_write_summary(&self, by: &CurrentUser, checkpoint_id: &str) -> Result<(), ServiceError> {
        self.authorise(by, checkpoint_id, Action::WriteSummary).await
    }

    /// Refuses unless `by` may do `action` in this checkpoint (the role table in [`crate::access`]).
    pub async fn authorise(&self, by: &CurrentUser, checkpoint_id: &str, action: Action) -> Result<(), ServiceError> {
        if crate::access::may(&self.hats_of(by, checkpoint_id).await?, action) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// The summary as the room stands now, with the draft's highlights and
    /// the locked answers a correction corrected.
    pub async fn draft_summary(&self, checkpoint_id: &str) -> Result<Summary, ServiceError> {
        let corrections = self.answer_corrections(checkpoint_id).await?;
        self.draft_with(checkpoint_id, &corrections).await
    }

    /// The locked answers corrected so far: metric id -> stored answer.
    async fn answer_corrections(&self, checkpoint_id: &str) -> Result<BTreeMap<String, String>, ServiceError> {
        let raw: Option<String> =
            sqlx::query_scalar("SELECT answer_corrections FROM summary_drafts WHERE checkpoint_id = $1")
                .bind(checkpoint_id)
                .fetch_optional(&self.pool)
                .await?;
        match raw {
            None => Ok(BTreeMap::new()),
            Some(r) => serde_json::from_str(&r).map_err(|e| ServiceError::Internal(format!("answer corrections: {e}"))),
        }
    }

    async fn draft_with(
        &self,
        checkpoint_id: &str,
        corrections: &BTreeMap<String, String>,
    ) -> Result<Summary, ServiceError> {
        let mut room = self.load_live(checkpoint_id).await?;
        // The room keeps what was locked in the session; the summary says what the correction says.
        for (metric, answer) in corrections {
            if let Some(m) = Metric::from_id(metric) {
                room.state.doc.questions[crate::live::stage::metric_index(m)].locked = Some(answer.clone());
            }
        }
        let row = sqlx::query("SELECT t.name, s.org_size FROM checkpoints c JOIN squads s ON s.id = c.squad_id JOIN tribes t ON t.id = s.tribe_id WHERE c.id = $1")
            .bind(checkpoint_id)
            .fetch_one(&self.pool)
            .await?;
        let tribe: String = row.get("name");
        let org_size = row
            .get::<Option<&str>, _>("org_size")
            .and_then(crate::dora::current::OrgSizeKey::from_id);
        let highlights: Option<String> =
            sqlx::query_scalar("SELECT highlights FROM summary_drafts WHERE checkpoint_id = $1")
                .bind(checkpoint_id)
                .fetch_optional(&self.pool)
                .await?;
        let measured = self.checkpoint_measured(checkpoint_id).await?;
        let survey = self.survey_results(checkpoint_id).await?;
        Ok(Summary::draft(Draft {
            state: &room.state,
            tribe: &tribe,
            highlights: highlights.as_deref().unwrap_or_default(),
            measured,
            survey,
            org_size,
        }))
    }

    /// The summary page: revision `revision` (default the latest) once
    /// finalised, else the draft.
    pub async fn summary_page(&self, checkpoint_id: &str, revision: Option<u32>) -> Result<SummaryPage, ServiceError> {
        let rows =
            sqlx::query("SELECT revision, body FROM summary_revisions WHERE checkpoint_id = $1 ORDER BY revision DESC")
                .bind(checkpoint_id)
                .fetch_all(&self.pool)
                .await?;
        if rows.is_empty() {
            if revision.is_some() {
                return Err(ServiceError::NotFound("revision"));
            }
            return Ok(SummaryPage {
                summary: self.draft_summary(checkpoint_id).await?,
                revisions: Vec::new(),
                newer_survey_responses: 0,
            });
        }
        let mut revisions = Vec::with_capacity(rows.len());
        let mut shown = None;
        for r in &rows {
            let body: Summary = serde_json::from_str::<Summary>(r.get::<&str, _>("body"))
                .map_err(|e| ServiceError::Internal(format!("summary body: {e}")))?
                .disclosed();
            let f = body.finalised.clone().unwrap_or_else(|| crate::summary::Finalised {
                at: String::new(),
                by: String::new(),
                reason: String::new(),
            });
            let n = u32::try_from(r.get::<i64, _>("revision")).unwrap_or_default();
            revisions.push(RevisionMeta {
                revision: n,
                at: f.at,
                by: f.by,
                reason: f.reason,
            });
            if shown.is_none() && revision.is_none_or(|want| want == n) {
                shown = Some(body);
            }
        }
        let summary = shown.ok_or(ServiceError::NotFound("revision"))?;
        let now = self.survey_count(checkpoint_id).await?;
        Ok(SummaryPage {
            newer_survey_responses: now.saturating_sub(summary.survey.responses),
            summary,
            revisions,
        })
    }

    /// Saves the draft's highlights. Refused once finalised: a correction
    /// makes a new revision instead.
    pub async fn save_highlights(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        highlights: &str,
    ) -> Result<(), ServiceError> {
        self.may_write_summary(by, checkpoint_id).await?;
        let text = parse_highlights(highlights)?;
        let mut tx = self.writer.begin().await?;
        if self.latest_revision(&mut tx, checkpoint_id).await? > 0 {
            return Err(ServiceError::conflict(
                "highlights",
                "this summary is finalised; make a correction to change it",
            ));
        }
        sqlx::query(
            "INSERT INTO summary_drafts (checkpoint_id, highlights, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (checkpoint_id) DO UPDATE SET highlights = excluded.highlights, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(checkpoint_id)
        .bind(&text)
        .bind(&by.username)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Freezes the summary as revision 1 with these highlights. Returns the
    /// revision. The checkpoint keeps running until its facilitator ends it.
    pub async fn finalise_summary(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        highlights: &str,
    ) -> Result<u32, ServiceError> {
        self.may_write_summary(by, checkpoint_id).await?;
        let text = parse_highlights(highlights)?;
        let corrections = self.answer_corrections(checkpoint_id).await?;
        self.write_revision(by, checkpoint_id, &text, None, &corrections).await
    }

    /// A correction of a finalised summary: a new revision from the current
    /// data with these highlights, saying why. `answers` corrects locked
    /// answers (metric, answer as a vote gives it); a refusal names the
    /// metric. Earlier revisions stay as they were.
    pub async fn correct_summary(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        highlights: &str,
        reason: &str,
        answers: &[(Metric, &str)],
    ) -> Result<u32, ServiceError> {
        self.may_write_summary(by, checkpoint_id).await?;
        let text = parse_highlights(highlights)?;
        let reason = parse_reason(reason)?;
        let edition = self.load_live(checkpoint_id).await?.state.info.benchmark;
        let mut corrections = self.answer_corrections(checkpoint_id).await?;
        for (metric, raw) in answers {
            let answer =
                parse_answer(edition, *metric, raw).map_err(|e| ServiceError::invalid(metric.id(), e.message))?;
            corrections.insert(metric.id().to_string(), answer);
        }
        self.write_revision(by, checkpoint_id, &text, Some(reason), &corrections)
            .await
    }

    async fn write_revision(
        &self,
        by: &CurrentUser,
        checkpoint_id: &str,
        highlights: &str,
        reason: Option<String>,
        corrections: &BTreeMap<String, String>,
    ) -> Result<u32, ServiceError> {
        let mut draft = self.draft_with(checkpoint_id, corrections).await?;
        draft.highlights = highlights.to_string();
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let latest = self.latest_revision(&mut tx, checkpoint_id).await?;
        match (&reason, latest) {
            (None, n) if n > 0 => {
                return Err(ServiceError::conflict(
                    "revision",
                    "this summary is already finalised; make a correction instead",
                ))
            }
            (Some(_), 0) => {
                return Err(ServiceError::conflict(
                    "revision",
                    "finalise the summary before correcting it",
                ))
            }
            _ => {}
        }
        let n = latest + 1;
        let summary = draft.finalise(
            n,
            rfc3339(now, Precision::Seconds),
            by.username.clone(),
            reason.unwrap_or_default(),
        );
        let body = serde_json::to_string(&summary).map_err(|e| ServiceError::Internal(e.to_string()))?;
        // The primary key turns a concurrent second writer of the same revision into a refusal.
        let inserted = sqlx::query(
            "INSERT INTO summary_revisions (checkpoint_id, revision, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(checkpoint_id)
        .bind(i64::from(n))
        .bind(&body)
        .bind(&by.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(ServiceError::conflict(
                "revision",
                "someone else changed this summary at the same moment; reload and try again",
            ));
        }
        self.write_summary_digest(&mut tx, checkpoint_id, &summary).await?;
        let corrected = serde_json::to_string(corrections).map_err(|e| ServiceError::Internal(e.to_string()))?;
        sqlx::query(
            "INSERT INTO summary_drafts (checkpoint_id, highlights, updated_by, updated_at, answer_corrections) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (checkpoint_id) DO UPDATE SET highlights = excluded.highlights, updated_by = excluded.updated_by, updated_at = excluded.updated_at, answer_corrections = excluded.answer_corrections",
        )
        .bind(checkpoint_id)
        .bind(highlights)
        .bind(&by.username)
        .bind(now)
        .bind(&corrected)
        .execute(&mut *tx)
        .await?;
        // The room stays as it is: the survey comes after the summary, and only
        // the facilitator's "End the checkpoint" closes it.
        tx.commit().await?;
        Ok(n)
    }

    async fn latest_revision(&self, tx: &mut super::Tx<'_>, checkpoint_id: &str) -> Result<u32, ServiceError> {
        let n: Option<i64> = sqlx::query_scalar("SELECT MAX(revision) FROM summary_revisions WHERE checkpoint_id = $1")
            .bind(checkpoint_id)
            .fetch_one(&mut **tx)
            .await?;
        Ok(u32::try_from(n.unwrap_or(0)).unwrap_or_default())
    }

    /// Stores a participant's survey response, once, while the survey is open.
    /// Who answered and what was answered are two sorted sets in one row (see
    /// the `survey_sets` migration): nothing stored pairs them.
    pub async fn answer_survey(
        &self,
        checkpoint_id: &str,
        participant_id: &str,
        response: &SurveyResponse,
    ) -> Result<(), ServiceError> {
        let room = self.load_live(checkpoint_id).await?;
        crate::summary::survey_open(&room.state).map_err(|m| ServiceError::conflict("usefulness", m))?;
        loop {
            let mut tx = self.writer.begin().await?;
            let (version, mut set) = self.survey_set(&mut tx, checkpoint_id).await?;
            if !set.add(participant_id, response.clone()) {
                return Err(ServiceError::conflict(
                    "usefulness",
                    "you have already answered the survey; thank you",
                ));
            }
            let (respondents, responses) = set.to_json();
            let written = match version {
                None => sqlx::query("INSERT INTO survey_sets (checkpoint_id, version, respondents, responses) VALUES ($1, 1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(checkpoint_id)
                    .bind(&respondents)
                    .bind(&responses)
                    .execute(&mut *tx)
                    .await?,
                Some(v) => sqlx::query("UPDATE survey_sets SET version = $1, respondents = $2, responses = $3 WHERE checkpoint_id = $4 AND version = $5")
                    .bind(v + 1)
                    .bind(&respondents)
                    .bind(&responses)
                    .bind(checkpoint_id)
                    .bind(v)
                    .execute(&mut *tx)
                    .await?,
            };
            if written.rows_affected() == 1 {
                // A new revision, so that every instance's room shows the new count.
                self.bump_revision(&mut tx, checkpoint_id).await?;
                tx.commit().await?;
                return Ok(());
            }
            // Someone else answered at the same moment: read their set and add to it.
        }
    }

    async fn survey_set(
        &self,
        conn: &mut sqlx::AnyConnection,
        checkpoint_id: &str,
    ) -> Result<(Option<i64>, SurveySet), ServiceError> {
        let row = sqlx::query("SELECT version, respondents, responses FROM survey_sets WHERE checkpoint_id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            None => Ok((None, SurveySet::default())),
            Some(r) => {
                let set = SurveySet::from_json(r.get("respondents"), r.get("responses"))
                    .map_err(|e| ServiceError::Internal(format!("survey set: {e}")))?;
                Ok((Some(r.get("version")), set))
            }
        }
    }

    pub async fn has_answered_survey(&self, checkpoint_id: &str, participant_id: &str) -> Result<bool, ServiceError> {
        let mut conn = self.pool.acquire().await?;
        Ok(self
            .survey_set(&mut conn, checkpoint_id)
            .await?
            .1
            .has_answered(participant_id))
    }

    /// The survey in aggregate, as [`crate::live::Disclosure`] allows.
    pub async fn survey_results(&self, checkpoint_id: &str) -> Result<SurveyResults, ServiceError> {
        let mut conn = self.pool.acquire().await?;
        Ok(SurveyResults::of(self.survey_set(&mut conn, checkpoint_id).await?.1.responses()).disclosed())
    }

    /// How many answered the survey (the room shows the count live).
    pub(super) async fn survey_count(&self, checkpoint_id: &str) -> Result<usize, ServiceError> {
        let mut conn = self.pool.acquire().await?;
        Ok(self.survey_set(&mut conn, checkpoint_id).await?.1.responses().len())
    }

    /// Moves survey rows of the tables used before `survey_sets` (whose order
    /// paired them) into the sets, and empties those tables. Run at migrate.
    pub(crate) async fn move_legacy_survey_rows(&self) -> Result<(), ServiceError> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT DISTINCT checkpoint_id FROM survey_answered")
            .fetch_all(&self.pool)
            .await?;
        for id in ids {
            let mut tx = self.writer.begin().await?;
            let (version, mut set) = self.survey_set(&mut tx, &id).await?;
            let who: Vec<String> =
                sqlx::query_scalar("SELECT participant_id FROM survey_answered WHERE checkpoint_id = $1")
                    .bind(&id)
                    .fetch_all(&mut *tx)
                    .await?;
            let rows =
                sqlx::query("SELECT usefulness, went_well, to_improve FROM survey_responses WHERE checkpoint_id = $1")
                    .bind(&id)
                    .fetch_all(&mut *tx)
                    .await?;
            let answers = rows.iter().map(|r| SurveyResponse {
                usefulness: u8::try_from(r.get::<i64, _>("usefulness")).unwrap_or(1),
                went_well: r.get("went_well"),
                to_improve: r.get("to_improve"),
            });
            set.merge(who, answers);
            let (respondents, responses) = set.to_json();
            sqlx::query("DELETE FROM survey_sets WHERE checkpoint_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO survey_sets (checkpoint_id, version, respondents, responses) VALUES ($1, $2, $3, $4)",
            )
            .bind(&id)
            .bind(version.unwrap_or(0) + 1)
            .bind(&respondents)
            .bind(&responses)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM survey_responses WHERE checkpoint_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM survey_answered WHERE checkpoint_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

impl Store {
    /// The same squad's checkpoints before this one, newest first, with their
    /// documents as written: their board notes may lag the log of note changes
    /// (`board_log`), so callers read only what is never logged (steps, phases).
    pub(super) async fn earlier_checkpoints(
        &self,
        checkpoint_id: &str,
    ) -> Result<Vec<(String, String, LiveDoc)>, ServiceError> {
        let rows = sqlx::query(
            "SELECT p.id, p.held_on, p.doc FROM checkpoints c JOIN checkpoints p ON p.squad_id = c.squad_id AND p.id <> c.id \
             AND (p.held_on < c.held_on OR (p.held_on = c.held_on AND p.created_at < c.created_at)) \
             WHERE c.id = $1 ORDER BY p.held_on DESC, p.created_at DESC",
        )
        .bind(checkpoint_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.get("id"), r.get("held_on"), parse_doc(r.get("doc"))?)))
            .collect()
    }
}

impl Store {
    /// The step names of the squad's latest earlier checkpoint that mapped a flow.
    pub async fn previous_flow(&self, checkpoint_id: &str) -> Result<Option<Vec<String>>, ServiceError> {
        Ok(self
            .earlier_checkpoints(checkpoint_id)
            .await?
            .into_iter()
            .find(|(_, _, doc)| !doc.board.steps.is_empty())
            .map(|(_, _, doc)| doc.board.steps.into_iter().map(|s| s.title).collect()))
    }
}
