//! A person's choice of an incident's link (issue 17, point 7), and the
//! incidents the squad metrics page lists with their links.

use super::measured::{Extra, Scope};
use super::{now_ms, ServiceError, Store};
use crate::access::{require_role, Action};
use crate::accounts::CurrentUser;
use crate::measured::{ChoiceRequest, Incident, IncidentLink, Window};

impl Store {
    /// Unlinks an incident, relinks it to one production deployment of its
    /// squad, or forgets the choice (`Automatic`). The choice wins over what
    /// its sender said and over inference until it is changed; a redelivered
    /// event keeps it (the ingest never writes these columns).
    pub async fn choose_incident_link(
        &self,
        by: &CurrentUser,
        squad_slug: &str,
        incident: &str,
        choice: ChoiceRequest,
    ) -> Result<(), ServiceError> {
        require_role(Some(by), Action::ChooseIncidentLink)?;
        let squad_id: String = sqlx::query_scalar("SELECT id FROM squads WHERE slug = $1")
            .bind(squad_slug)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ServiceError::NotFound("squad"))?;
        let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM incidents WHERE squad_id = $1 AND external_id = $2")
            .bind(&squad_id)
            .bind(incident)
            .fetch_optional(&self.pool)
            .await?;
        if known.is_none() {
            return Err(ServiceError::NotFound("incident"));
        }
        let (kind, deployment) = match choice {
            ChoiceRequest::Unlink => (Some("unlinked"), None),
            ChoiceRequest::Automatic => (None, None),
            ChoiceRequest::Relink(id) => {
                let production: Option<i64> =
                    sqlx::query_scalar("SELECT production FROM deployments WHERE squad_id = $1 AND external_id = $2")
                        .bind(&squad_id)
                        .bind(&id)
                        .fetch_optional(&self.pool)
                        .await?;
                match production {
                    None => {
                        return Err(ServiceError::invalid(
                            "deployment",
                            format!("this squad has no deployment with id {id:?}"),
                        ))
                    }
                    Some(0) => {
                        return Err(ServiceError::invalid(
                            "deployment",
                            format!("deployment {id:?} is not a production one: only production deployments count"),
                        ))
                    }
                    Some(_) => (Some("relinked"), Some(id)),
                }
            }
        };
        let (by_name, at) = match kind {
            Some(_) => (Some(by.username.clone()), Some(now_ms())),
            None => (None, None),
        };
        sqlx::query(
            "UPDATE incidents SET link_choice = $1, link_deployment = $2, link_chosen_by = $3, link_chosen_at = $4 \
             WHERE squad_id = $5 AND external_id = $6",
        )
        .bind(kind.map(str::to_string))
        .bind(deployment)
        .bind(by_name)
        .bind(at)
        .bind(&squad_id)
        .bind(incident)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The incidents the metrics page lists for the window: those whose
    /// impact began or that were resolved in it, and those tied to one of its
    /// deployments (`links`) wherever they lie. Bounded by the window's indexes.
    pub(super) async fn page_incidents(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        window: Window,
        links: &[IncidentLink],
        name: &impl Fn(i64) -> String,
    ) -> Result<Vec<Incident>, ServiceError> {
        let mut found = self
            .fetch_incidents_from(
                conn,
                "incidents i",
                "((i.began_at >= $2 AND i.began_at < $3) OR (i.resolved_at >= $2 AND i.resolved_at < $3))",
                scope,
                window.from,
                window.to,
                name,
            )
            .await?;
        let have: std::collections::HashSet<&str> = found.iter().map(|i| i.id.as_str()).collect();
        let mut missing: Vec<&str> = links
            .iter()
            .map(|l| l.incident.as_str())
            .filter(|id| !have.contains(id))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        let first = if scope.service_id.is_some() { 5 } else { 4 };
        let mut more = Vec::new();
        for chunk in missing.chunks(100) {
            let list = (0..chunk.len())
                .map(|k| format!("${}", k + first))
                .collect::<Vec<_>>()
                .join(", ");
            // `$2 < $3` keeps the window's bounds, which every reader binds, in use.
            more.extend(
                self.fetch_incidents_with(
                    conn,
                    "incidents i",
                    &format!("$2 < $3 AND i.external_id IN ({list})"),
                    scope,
                    (window.from, window.to),
                    &chunk.iter().map(|id| Extra::Text(id)).collect::<Vec<_>>(),
                    name,
                )
                .await?,
            );
        }
        found.extend(more);
        Ok(found)
    }
}
