//! Reading measured metrics. Every query is bounded by the squad (or service)
//! and the window, so the work grows with what is asked, not with the whole
//! history: the window's production deployments (their commits inline), the
//! earlier deployments of commits made before the window (so each commit
//! counts once), the last success before the window (for the six-month
//! rule), the incidents resolved in it, and the incidents that point at its
//! deployments, linked as over the whole history (`window_links`).

// FxHash: the maps key thousands of ids and shas per read, and SipHash showed in its profile.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use sqlx::{AssertSqlSafe, Row};

use super::events::decode_commits;
use super::{Backend, Query, ServiceError, Store};
use crate::accounts::CurrentUser;
use crate::dora::Benchmark;
use crate::measured::provenance::provenance;
use crate::measured::report::{durations, per_service, stage_times, weekly, SquadMetrics, StageRun};
use crate::measured::{
    measure_linked, BoundedWindow, Choice, Commit, Deployment, Incident, IncidentLink, Link, LinkChoice, Measured,
    Prepared, Source, Status, Window, DAY_MS,
};

/// Whose events: a squad, or one of its services.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub squad_id: String,
    pub slug: String,
    pub squad_name: String,
    pub service_id: Option<i64>,
}

/// Who asks: a signed-in user (reads every squad) or a squad's token (only its own).
#[derive(Clone, Copy, Debug)]
pub enum Reader<'a> {
    User(&'a CurrentUser),
    Token(&'a super::api_tokens::TokenSquad),
}

/// The events of one scope and window, ready for `measure_linked`.
pub struct Events {
    pub deployments: Vec<Deployment>,
    /// The incidents resolved in the window (time to restore).
    pub incidents: Vec<Incident>,
    /// Every incident that points at one of the window's deployments, linked
    /// against the whole history (see `window_links`).
    pub links: Vec<IncidentLink>,
    /// The pipeline stages of the window's production deployments.
    pub stages: Vec<StageRun>,
}

/// A value bound after a scope's placeholders (see `fetch_incidents_with`).
#[derive(Clone, Copy)]
pub(super) enum Extra<'a> {
    Text(&'a str),
    Int(i64),
}

/// What a window's read takes from before the window (`before_the_window`).
struct Before {
    /// Each service's last production success before the window, by name.
    last_success: HashMap<String, i64>,
    /// The production failures that a success in the window recovers.
    recovered_failures: Vec<Deployment>,
}

/// How far back the six-month rule of deployment frequency looks from a window's end.
pub(super) const LOOKBACK_MS: i64 = 182 * DAY_MS;

impl Store {
    /// Resolves `?squad=` and `?service=`. A token reads only its squad: any
    /// other squad is "not found", never "forbidden", so tokens cannot probe.
    pub async fn metrics_scope(
        &self,
        reader: Reader<'_>,
        squad: Option<&str>,
        service: Option<&str>,
    ) -> Result<Scope, ServiceError> {
        let slug = match (reader, squad) {
            (Reader::Token(t), None) => t.slug.clone(),
            (Reader::Token(t), Some(s)) if s == t.slug => t.slug.clone(),
            (Reader::Token(_), Some(_)) => return Err(ServiceError::NotFound("squad")),
            (Reader::User(_), Some(s)) => s.to_string(),
            (Reader::User(_), None) => {
                let Some(service) = service else {
                    return Err(ServiceError::invalid("squad", "give squad=SLUG or service=NAME"));
                };
                let slugs: Vec<String> = sqlx::query_scalar("SELECT q.slug FROM services s JOIN squads q ON q.id = s.squad_id WHERE s.name = $1 ORDER BY q.slug")
                    .bind(service)
                    .fetch_all(&self.pool)
                    .await?;
                match slugs.as_slice() {
                    [] => return Err(ServiceError::NotFound("service")),
                    [one] => one.clone(),
                    _ => {
                        return Err(ServiceError::invalid(
                            "squad",
                            format!(
                                "several squads have a service named {service:?}: {}; add squad=SLUG",
                                slugs.join(", ")
                            ),
                        ))
                    }
                }
            }
        };
        let row = sqlx::query("SELECT id, slug, name FROM squads WHERE slug = $1")
            .bind(&slug)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ServiceError::NotFound("squad"))?;
        let squad_id: String = row.get("id");
        let service_id = match service {
            None => None,
            Some(name) => Some(
                sqlx::query_scalar::<_, i64>("SELECT id FROM services WHERE squad_id = $1 AND name = $2")
                    .bind(&squad_id)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(ServiceError::NotFound("service"))?,
            ),
        };
        Ok(Scope {
            squad_id,
            slug: row.get("slug"),
            squad_name: row.get("name"),
            service_id,
        })
    }

    /// The events `measure` needs for `window` (see the module comment).
    pub async fn window_events(&self, scope: &Scope, window: Window) -> Result<Events, ServiceError> {
        let service = if scope.service_id.is_some() {
            " AND d.service_id = $4"
        } else {
            ""
        };
        // The window's rows come back as one JSON array built by the database:
        // sqlx hands each SQLite row from its worker thread to the caller one
        // at a time, which cost more than the query itself for thousands of rows.
        // Commits and stages travel as the JSON text they are stored as (the
        // database need not parse them), services as ids (names come from one
        // small query instead of a join per row). On SQLite the rows come back
        // as one JSON array built by the database: sqlx hands each SQLite row
        // from its worker thread to the caller one at a time, which cost more
        // than the query itself. PostgreSQL aggregates text slowly (9 ms for a
        // squad's window) and streams rows cheaply, so there rows stay rows.
        let columns = "d.external_id, d.service_id, d.environment, d.success, d.started_at, d.finished_at, d.commits, d.stages, d.rework, \
                       d.source, d.source_name";
        let aggregate = match self.backend {
            Backend::Sqlite => format!("json_group_array(json_array({columns})) AS rows"),
            Backend::Postgres => columns.to_string(),
        };
        let deployments_sql = format!(
            "SELECT {aggregate} FROM deployments d WHERE d.squad_id = $1 AND d.finished_at >= $2 AND d.finished_at < $3 AND d.production = 1{service}"
        );
        let successes_sql = format!(
            "SELECT d.external_id, s.name AS service, d.finished_at, d.commits FROM deployments d JOIN services s ON s.id = d.service_id \
             WHERE d.squad_id = $1 AND d.finished_at >= $2 AND d.finished_at < $3 AND d.production = 1 AND d.success = 1{service}"
        );
        let mut conn = self.pool.acquire().await?;
        let names: HashMap<i64, String> = sqlx::query("SELECT id, name FROM services WHERE squad_id = $1")
            .bind(&scope.squad_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| (r.get("id"), r.get("name")))
            .collect();
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        let ids: HashMap<String, i64> = names.iter().map(|(&id, name)| (name.clone(), id)).collect();
        type Row = (
            String,
            i64,
            String,
            i64,
            Option<i64>,
            i64,
            String,
            Option<String>,
            i64,
            String,
            Option<String>,
        );
        let query = bind_scope(
            sqlx::query(AssertSqlSafe(deployments_sql)),
            scope,
            window.from,
            window.to,
        );
        let rows: Vec<Row> = match self.backend {
            Backend::Sqlite => parse_aggregate(query.fetch_one(&mut *conn).await?.get("rows"))?,
            Backend::Postgres => query
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| {
                    (
                        r.get(0),
                        r.get(1),
                        r.get(2),
                        r.get(3),
                        r.get(4),
                        r.get(5),
                        r.get(6),
                        r.get(7),
                        r.get(8),
                        r.get(9),
                        r.get(10),
                    )
                })
                .collect(),
        };
        let mut deployments: Vec<Deployment> = Vec::with_capacity(rows.len() + 16);
        let mut stages = Vec::new();
        for (
            id,
            service_id,
            environment,
            success,
            started_at,
            finished_at,
            commits,
            stage_list,
            rework,
            source,
            source_name,
        ) in rows
        {
            let stage_list: Vec<(String, i64, i64)> = stage_list
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default();
            for (position, (stage, started, stage_finished)) in stage_list.into_iter().enumerate() {
                stages.push(StageRun {
                    name: stage,
                    position: position as i64,
                    started_at: started,
                    finished_at: stage_finished,
                });
            }
            deployments.push(Deployment {
                id,
                service: name(service_id),
                environment,
                status: if success == 1 { Status::Success } else { Status::Failure },
                started_at,
                finished_at,
                commits: decode_commits(&commits),
                rework: rework == 1,
                source: Source::from_stored(&source, source_name),
            });
        }
        let window_rows = deployments.len();
        // A commit counts once, from its first successful production
        // deployment. One deployed before the window can only be a commit made
        // before the window began (a commit is never newer than a deployment
        // carrying it), so only those are looked for, and only as far back as
        // the oldest of them: the work follows the window, not the history.
        let earlier: HashSet<String> = deployments
            .iter()
            .filter(|d| d.status == Status::Success)
            .flat_map(|d| d.commits.iter())
            .filter(|c| c.committed_at < window.from)
            .map(|c| c.sha.clone())
            .collect();
        let oldest = deployments
            .iter()
            .flat_map(|d| d.commits.iter())
            .filter(|c| earlier.contains(&c.sha))
            .map(|c| c.committed_at)
            .min();
        if let Some(oldest) = oldest {
            for r in bind_scope(sqlx::query(AssertSqlSafe(successes_sql)), scope, oldest, window.from)
                .fetch_all(&mut *conn)
                .await?
            {
                let commits: Vec<Commit> = decode_commits(&r.get::<String, _>("commits"))
                    .into_iter()
                    .filter(|c| earlier.contains(&c.sha))
                    .collect();
                if commits.is_empty() {
                    continue;
                }
                deployments.push(Deployment {
                    id: format!("\u{0}earlier {}", r.get::<String, _>("external_id")),
                    service: r.get("service"),
                    environment: "production".into(),
                    status: Status::Success,
                    started_at: None,
                    finished_at: r.get("finished_at"),
                    commits,
                    rework: false,
                    source: Source::Api,
                });
            }
        }
        // Each service's last success before the window: within the 182 days
        // before its end, all the six-month rule needs from outside it; at
        // any age, where the failures its next success recovers begin.
        let Before {
            last_success: last_before,
            recovered_failures: earlier_failures,
        } = self
            .before_the_window(&mut conn, scope, window, &deployments[..window_rows], &names)
            .await?;
        let mut recent: Vec<(&String, i64)> = last_before
            .iter()
            .map(|(service, &at)| (service, at))
            .filter(|&(_, at)| at >= window.to - LOOKBACK_MS)
            .collect();
        recent.sort();
        for (service, last_at) in recent {
            deployments.push(Deployment {
                id: "\u{0}before the window".into(),
                service: service.clone(),
                environment: "production".into(),
                status: Status::Success,
                started_at: None,
                finished_at: last_at,
                commits: Vec::new(),
                rework: false,
                source: Source::Api,
            });
        }
        let incidents = self
            .fetch_incidents(
                &mut conn,
                "i.resolved_at >= $2 AND i.resolved_at < $3",
                scope,
                window.from,
                window.to,
                &name,
            )
            .await?;
        let mut links = self
            .window_links(
                &mut conn,
                scope,
                window,
                &deployments[..window_rows],
                &deployments,
                &ids,
                &name,
            )
            .await?;
        links.extend(self.explicit_links(&mut conn, scope, &earlier_failures).await?);
        deployments.extend(earlier_failures);
        let tied = self
            .resolved_links(&mut conn, scope, window, &deployments, &incidents, &links, &ids)
            .await?;
        links.extend(tied);
        Ok(Events {
            deployments,
            incidents,
            links,
            stages,
        })
    }

    /// What the window needs from before it, per service (one indexed step
    /// and at most one range each):
    /// - its last production success before the window began: for a service
    ///   that succeeds in the window at any age (the failures its success
    ///   recovers start there), for the others only within the 182 days
    ///   before the window's end (all the six-month rule looks at), so a
    ///   dormant service's search stops there;
    /// - for a service with a success in the window, the production failures
    ///   since that last success, which its next success recovers in the
    ///   window (section 7.6).
    async fn before_the_window(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        window: Window,
        in_window: &[Deployment],
        names: &HashMap<i64, String>,
    ) -> Result<Before, ServiceError> {
        let recovering: HashSet<&str> = in_window
            .iter()
            .filter(|d| d.status == Status::Success)
            .map(|d| d.service.as_str())
            .collect();
        let mut before = Before {
            last_success: HashMap::default(),
            recovered_failures: Vec::new(),
        };
        let ranges: Vec<(i64, i64, i64)> = names
            .iter()
            .filter(|&(&id, _)| scope.service_id.is_none_or(|s| s == id))
            .filter_map(|(&id, service)| {
                let since = if recovering.contains(service.as_str()) {
                    i64::MIN
                } else {
                    window.to - LOOKBACK_MS
                };
                (since < window.from).then_some((id, since, window.from))
            })
            .collect();
        let last = successes_in(conn, &scope.squad_id, &ranges, End::Last).await?;
        let mut failures_since = Vec::new();
        for &(id, _, _) in &ranges {
            let service = &names[&id];
            if let Some(&at) = last.get(&id) {
                before.last_success.insert(service.clone(), at);
            }
            if recovering.contains(service.as_str()) {
                failures_since.push((id, last.get(&id).copied().unwrap_or(i64::MIN), window.from));
            }
        }
        for chunk in failures_since.chunks(RANGES_PER_STATEMENT) {
            let sql = format!(
                "SELECT r.column1, d.external_id, d.finished_at FROM {} AS r {} deployments d ON d.service_id = r.column1 \
                 AND d.finished_at >= r.column2 AND d.finished_at < r.column3 \
                 WHERE d.squad_id = $1 AND d.production = 1 AND d.success = 0",
                ranges_values(chunk.len(), 2),
                ranges_join(self.backend),
            );
            let rows = bind_ranges(sqlx::query(AssertSqlSafe(sql)).bind(scope.squad_id.clone()), chunk)
                .fetch_all(&mut *conn)
                .await?;
            before.recovered_failures.extend(rows.iter().map(|r| Deployment {
                id: r.get(1),
                service: names[&r.get::<i64, _>(0)].clone(),
                environment: "production".into(),
                status: Status::Failure,
                started_at: None,
                finished_at: r.get(2),
                commits: Vec::new(),
                rework: false,
                source: Source::Api,
            }));
        }
        Ok(before)
    }

    /// The incidents of the scope tied to one of `deployments` by id (ids
    /// are unique within a squad): explicitly by the id their sender named
    /// (unless a person chose otherwise), or by a person's relink. Each by an
    /// index on the incidents' column.
    async fn explicit_links(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        deployments: &[Deployment],
    ) -> Result<Vec<IncidentLink>, ServiceError> {
        let mut links = self
            .links_naming(
                conn,
                scope,
                deployments,
                "i.deployment_external_id",
                "i.link_choice IS NULL",
                Link::Explicit,
            )
            .await?;
        links.extend(
            self.links_naming(
                conn,
                scope,
                deployments,
                "i.link_deployment",
                "i.link_choice = 'relinked'",
                Link::Chosen,
            )
            .await?,
        );
        Ok(links)
    }

    /// The incidents whose `column` names one of `deployments` and that meet
    /// `condition`, tied to it as `link`.
    async fn links_naming(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        deployments: &[Deployment],
        column: &str,
        condition: &str,
        link: Link,
    ) -> Result<Vec<IncidentLink>, ServiceError> {
        let by_id: HashMap<&str, &Deployment> = deployments.iter().map(|d| (d.id.as_str(), d)).collect();
        let ids: Vec<&str> = by_id.keys().copied().collect();
        let mut links = Vec::new();
        for chunk in ids.chunks(100) {
            let list = (0..chunk.len())
                .map(|k| format!("${}", k + 3))
                .collect::<Vec<_>>()
                .join(", ");
            let service = service_filter(scope, "i.service_id", 2);
            let sql = format!(
                "SELECT i.external_id, s.name, {column} FROM incidents i JOIN services s ON s.id = i.service_id \
                 WHERE i.squad_id = $1{service} AND {condition} AND {column} IN ({list})"
            );
            let mut q = sqlx::query(AssertSqlSafe(sql))
                .bind(scope.squad_id.clone())
                .bind(scope.service_id.unwrap_or(0));
            for id in chunk {
                q = q.bind(id.to_string());
            }
            for r in q.fetch_all(&mut *conn).await? {
                let Some(d) = by_id.get(r.get::<String, _>(2).as_str()) else {
                    continue;
                };
                links.push(IncidentLink {
                    incident: r.get(0),
                    incident_service: r.get(1),
                    service: d.service.clone(),
                    deployment: d.id.clone(),
                    link,
                });
            }
        }
        Ok(links)
    }

    /// Links for the incidents resolved in the window that `links` does not
    /// hold yet but that section 6 ties to a production deployment outside
    /// the window: failed deployment recovery counts every tied incident. Only
    /// that they are tied matters (their deployment is named as outside the
    /// window, never one of its attempts); the kind is the first rule that
    /// holds among an existing id, a commit a loaded success carries, a
    /// success of the service before impact began, then a commit elsewhere.
    #[expect(
        clippy::too_many_arguments,
        reason = "each part of the window's read takes what the read has gathered so far"
    )]
    async fn resolved_links(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        window: Window,
        loaded: &[Deployment],
        incidents: &[Incident],
        links: &[IncidentLink],
        service_ids: &HashMap<String, i64>,
    ) -> Result<Vec<IncidentLink>, ServiceError> {
        let tied: HashSet<&str> = links.iter().map(|l| l.incident.as_str()).collect();
        // A person's unlink ties an incident to nothing.
        let untied: Vec<&Incident> = incidents
            .iter()
            .filter(|i| !tied.contains(i.id.as_str()) && chosen(i) != Some(None))
            .collect();
        if untied.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = untied
            .iter()
            .filter_map(|i| chosen(i).flatten().or(i.deployment_id.as_deref()))
            .collect();
        let existing_ids = self.existing_deployment_ids(conn, scope, &ids).await?;
        let carried: HashSet<&str> = loaded
            .iter()
            .filter(|d| d.status == Status::Success)
            .flat_map(|d| d.commits.iter().map(|c| c.sha.as_str()))
            .collect();
        // Each service's first production success ever, by the service index.
        let mut services: Vec<i64> = untied
            .iter()
            .filter_map(|i| service_ids.get(&i.service).copied())
            .collect();
        services.sort_unstable();
        services.dedup();
        let ever: Vec<(i64, i64, i64)> = services.iter().map(|&id| (id, i64::MIN, i64::MAX)).collect();
        let first_by_id = successes_in(conn, &scope.squad_id, &ever, End::First).await?;
        let first_success: HashMap<&str, Option<i64>> = untied
            .iter()
            .map(|i| {
                let first = service_ids.get(&i.service).and_then(|id| first_by_id.get(id)).copied();
                (i.service.as_str(), first)
            })
            .collect();
        let kind = |i: &Incident| -> Option<Link> {
            if let Some(deployment) = chosen(i) {
                // Relinked: to that deployment or, when it is not one, to none.
                return deployment
                    .is_some_and(|d| existing_ids.contains(d))
                    .then_some(Link::Chosen);
            }
            if i.deployment_id.as_deref().is_some_and(|id| existing_ids.contains(id)) {
                Some(Link::Explicit)
            } else if i.commit_sha.as_deref().is_some_and(|s| carried.contains(s)) {
                Some(Link::Commit)
            } else if first_success
                .get(i.service.as_str())
                .copied()
                .flatten()
                .is_some_and(|t| t <= i.began_at())
            {
                Some(Link::Inferred)
            } else {
                None
            }
        };
        let rest: Vec<&str> = untied
            .iter()
            .filter(|i| i.choice.is_none() && kind(i).is_none())
            .filter_map(|i| i.commit_sha.as_deref())
            .collect();
        let elsewhere = self.existing_shas(conn, scope, window, &rest).await?;
        Ok(untied
            .into_iter()
            .filter_map(|i| {
                let link = kind(i).or_else(|| {
                    i.commit_sha
                        .as_deref()
                        .filter(|s| i.choice.is_none() && elsewhere.contains(*s))
                        .map(|_| Link::Commit)
                })?;
                Some(IncidentLink {
                    incident: i.id.clone(),
                    incident_service: i.service.clone(),
                    service: i.service.clone(),
                    deployment: "\u{0}outside the window".into(),
                    link,
                })
            })
            .collect())
    }

    /// The scope's incidents matching `condition` (over `$2`, `$3`, and `$1`
    /// the squad; `$4` the service when the scope has one).
    async fn fetch_incidents(
        &self,
        conn: &mut sqlx::AnyConnection,
        condition: &str,
        scope: &Scope,
        a: i64,
        b: i64,
        name: &impl Fn(i64) -> String,
    ) -> Result<Vec<Incident>, ServiceError> {
        self.fetch_incidents_from(conn, "incidents i", condition, scope, a, b, name)
            .await
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the three link queries differ only in their FROM and WHERE"
    )]
    pub(super) async fn fetch_incidents_from(
        &self,
        conn: &mut sqlx::AnyConnection,
        from: &str,
        condition: &str,
        scope: &Scope,
        a: i64,
        b: i64,
        name: &impl Fn(i64) -> String,
    ) -> Result<Vec<Incident>, ServiceError> {
        self.fetch_incidents_with(conn, from, condition, scope, (a, b), &[], name)
            .await
    }

    /// [`Store::fetch_incidents_from`] with `extra` bound after the scope's
    /// placeholders (from `$4`, or `$5` for a service).
    #[expect(
        clippy::too_many_arguments,
        reason = "the link queries differ only in their FROM, WHERE and extra values"
    )]
    pub(super) async fn fetch_incidents_with(
        &self,
        conn: &mut sqlx::AnyConnection,
        from: &str,
        condition: &str,
        scope: &Scope,
        (a, b): (i64, i64),
        extra: &[Extra<'_>],
        name: &impl Fn(i64) -> String,
    ) -> Result<Vec<Incident>, ServiceError> {
        let service = if scope.service_id.is_some() {
            " AND i.service_id = $4"
        } else {
            ""
        };
        let columns = "i.external_id, i.service_id, i.opened_at, i.started_at, i.resolved_at, i.deployment_external_id, i.commit_sha, \
                       i.source, i.source_name, i.link_choice, i.link_deployment, i.link_chosen_by, i.link_chosen_at";
        let select = match self.backend {
            Backend::Sqlite => format!("json_group_array(json_array({columns})) AS rows"),
            Backend::Postgres => columns.to_string(),
        };
        let sql = format!("SELECT {select} FROM {from} WHERE i.squad_id = $1 AND {condition}{service}");
        type IncidentRow = (
            String,
            i64,
            i64,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
        );
        let mut query = bind_scope(sqlx::query(AssertSqlSafe(sql)), scope, a, b);
        for value in extra {
            query = match *value {
                Extra::Text(t) => query.bind(t.to_string()),
                Extra::Int(n) => query.bind(n),
            };
        }
        let rows: Vec<IncidentRow> = match self.backend {
            Backend::Sqlite => parse_aggregate(query.fetch_one(&mut *conn).await?.get("rows"))?,
            Backend::Postgres => query
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| {
                    (
                        r.get(0),
                        r.get(1),
                        r.get(2),
                        r.get(3),
                        r.get(4),
                        r.get(5),
                        r.get(6),
                        r.get(7),
                        r.get(8),
                        r.get(9),
                        r.get(10),
                        r.get(11),
                        r.get(12),
                    )
                })
                .collect(),
        };
        Ok(rows
            .into_iter()
            .map(|r| Incident {
                id: r.0,
                service: name(r.1),
                opened_at: r.2,
                started_at: r.3,
                resolved_at: r.4,
                deployment_id: r.5,
                commit_sha: r.6,
                source: Source::from_stored(&r.7, r.8),
                choice: Choice::from_stored(r.9.as_deref(), r.10, r.11, r.12),
            })
            .collect())
    }

    /// The links of every incident whose deployment (by section 6, over the
    /// whole history) is one of the window's, found without reading the
    /// history. An incident can point at a window deployment in three ways:
    /// - explicitly: its deployment id is one of the window's;
    /// - by commit: its sha is one whose first successful deployment is in the
    ///   window (both read by `incidents_naming`);
    /// - by inference: its impact began after the service's first success in
    ///   the window and before its next success after the window (one indexed
    ///   range per service), and neither its id nor its sha names a
    ///   production deployment anywhere (looked up only for those).
    #[expect(
        clippy::too_many_arguments,
        reason = "each part of the window's read takes what the read has gathered so far"
    )]
    async fn window_links(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        window: Window,
        in_window: &[Deployment],
        loaded: &[Deployment],
        ids: &HashMap<String, i64>,
        name: &impl Fn(i64) -> String,
    ) -> Result<Vec<IncidentLink>, ServiceError> {
        let by_id: HashMap<&str, &Deployment> = in_window.iter().map(|d| (d.id.as_str(), d)).collect();
        // The first deployment of each commit, among the window's and the
        // earlier ones loaded for lead time: exact for commits made before
        // the window, and a commit made in it cannot have been deployed before.
        let mut first: HashMap<&str, &Deployment> = HashMap::default();
        for d in loaded.iter().filter(|d| d.status == Status::Success) {
            for c in &d.commits {
                let e = first.entry(c.sha.as_str()).or_insert(d);
                if (d.finished_at, &d.id) < (e.finished_at, &e.id) {
                    *e = d;
                }
            }
        }
        let carried: HashSet<&str> = in_window
            .iter()
            .filter(|d| d.status == Status::Success)
            .flat_map(|d| d.commits.iter().map(|c| c.sha.as_str()))
            .collect();
        let first_in_window = |sha: &str| first.get(sha).filter(|d| window.contains(d.finished_at)).copied();

        let window_ids: HashSet<&str> = by_id.keys().copied().collect();
        let explicit = self
            .incidents_naming(conn, scope, window, "i.deployment_external_id", "", &window_ids, name)
            .await?;
        let relinked = self
            .incidents_naming(
                conn,
                scope,
                window,
                "i.link_deployment",
                " AND i.link_choice = 'relinked'",
                &window_ids,
                name,
            )
            .await?;
        let by_commit = self
            .incidents_naming(conn, scope, window, "i.commit_sha", "", &carried, name)
            .await?;
        // Inference: per service with a success in the window, the incidents
        // that began from that success until the service's next one after it.
        let mut first_success: HashMap<&str, i64> = HashMap::default();
        for d in in_window.iter().filter(|d| d.status == Status::Success) {
            let e = first_success.entry(d.service.as_str()).or_insert(d.finished_at);
            *e = (*e).min(d.finished_at);
        }
        let mut starts: Vec<(i64, i64)> = first_success
            .iter()
            .filter_map(|(service, &from)| Some((*ids.get(*service)?, from)))
            .collect();
        starts.sort_unstable();
        let after: Vec<(i64, i64, i64)> = starts.iter().map(|&(id, _)| (id, window.to, i64::MAX)).collect();
        let next = successes_in(conn, &scope.squad_id, &after, End::First).await?;
        let ranges: Vec<(i64, i64, i64)> = starts
            .iter()
            .map(|&(id, from)| (id, from, next.get(&id).copied().unwrap_or(i64::MAX)))
            .collect();
        let p = if scope.service_id.is_some() { 5 } else { 4 };
        let mut inferable = Vec::new();
        for chunk in ranges.chunks(RANGES_PER_STATEMENT) {
            let from = format!(
                "{} AS r {} incidents i ON i.service_id = r.column1 AND i.began_at >= r.column2 AND i.began_at < r.column3",
                ranges_values(chunk.len(), p),
                ranges_join(self.backend)
            );
            let extra: Vec<Extra> = chunk
                .iter()
                .flat_map(|&(id, from, to)| [Extra::Int(id), Extra::Int(from), Extra::Int(to)])
                .collect();
            // `$2 < $3` keeps the window's bounds, which every reader binds, in use.
            inferable.extend(
                self.fetch_incidents_with(conn, &from, "$2 < $3", scope, (window.from, window.to), &extra, name)
                    .await?,
            );
        }

        // Which of the named ids and shas outside the window exist at all:
        // an incident that names one is linked to it, so not inferred.
        let mut candidates: Vec<(Incident, bool)> = Vec::new();
        let mut seen: HashSet<String> = HashSet::default();
        for (i, inferred) in by_commit
            .into_iter()
            .map(|i| (i, false))
            .chain(inferable.into_iter().map(|i| (i, true)))
        {
            if i.choice.is_some()
                || i.deployment_id.as_deref().is_some_and(|id| by_id.contains_key(id))
                || !seen.insert(i.id.clone())
            {
                continue; // a person's choice, explicit into the window, or met already
            }
            candidates.push((i, inferred));
        }
        let named_ids: Vec<&str> = candidates
            .iter()
            .filter_map(|(i, _)| i.deployment_id.as_deref())
            .collect();
        let named_shas: Vec<&str> = candidates
            .iter()
            .filter(|(_, inferred)| *inferred)
            .filter_map(|(i, _)| i.commit_sha.as_deref())
            .filter(|s| !carried.contains(s))
            .collect();
        let existing_ids = self.existing_deployment_ids(conn, scope, &named_ids).await?;
        let existing_shas = self.existing_shas(conn, scope, window, &named_shas).await?;

        let link = |i: &Incident, d: &Deployment, link: Link| IncidentLink {
            incident: i.id.clone(),
            incident_service: i.service.clone(),
            service: d.service.clone(),
            deployment: d.id.clone(),
            link,
        };
        let mut links: Vec<IncidentLink> = Vec::new();
        let mut linked: HashSet<String> = HashSet::default();
        for i in &relinked {
            if let Some(d) = chosen(i).flatten().and_then(|id| by_id.get(id)) {
                if linked.insert(i.id.clone()) {
                    links.push(link(i, d, Link::Chosen));
                }
            }
        }
        for i in explicit.iter().filter(|i| i.choice.is_none()) {
            if let Some(d) = i.deployment_id.as_deref().and_then(|id| by_id.get(id)) {
                if linked.insert(i.id.clone()) {
                    links.push(link(i, d, Link::Explicit));
                }
            }
        }
        let mut successes: HashMap<&str, Vec<&Deployment>> = HashMap::default();
        for d in in_window.iter().filter(|d| d.status == Status::Success) {
            successes.entry(d.service.as_str()).or_default().push(d);
        }
        for list in successes.values_mut() {
            list.sort_by(|a, b| (a.finished_at, &a.id).cmp(&(b.finished_at, &b.id)));
        }
        for (i, _) in &candidates {
            if i.deployment_id.as_deref().is_some_and(|id| existing_ids.contains(id)) || linked.contains(&i.id) {
                continue; // explicitly linked to a deployment outside the window
            }
            if let Some(sha) = i.commit_sha.as_deref() {
                if let Some(d) = first_in_window(sha) {
                    linked.insert(i.id.clone());
                    links.push(link(i, d, Link::Commit));
                    continue;
                }
                if carried.contains(sha) || existing_shas.contains(sha) {
                    continue; // first deployed elsewhere
                }
            }
            let list = successes.get(i.service.as_str()).map(Vec::as_slice).unwrap_or_default();
            let after = list.partition_point(|d| d.finished_at <= i.began_at());
            if let Some(d) = after.checked_sub(1).map(|k| list[k]) {
                linked.insert(i.id.clone());
                links.push(link(i, d, Link::Inferred));
            }
        }
        Ok(links)
    }

    /// The scope's incidents whose `column` (with `condition`) is one of
    /// `keys`: the window's deployment ids, or the commits its successes
    /// carry. Whichever side is smaller is read: the scope's incidents that
    /// name anything in `column` (at most one more than there are keys, from
    /// the column's index) when they are fewer, else each key is looked up in
    /// that index. The work is at most the window's, and usually far less:
    /// few incidents name a commit or were relinked. (A join from the
    /// window's deployments did the lookups for every key, and on SQLite,
    /// left to order the commits' join itself, read every incident of the
    /// squad for each deployment: 6.6 s for 2,800 deployments.)
    #[expect(
        clippy::too_many_arguments,
        reason = "the three link reads differ only in their column, condition and keys"
    )]
    async fn incidents_naming(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        window: Window,
        column: &str,
        condition: &str,
        keys: &HashSet<&str>,
        name: &impl Fn(i64) -> String,
    ) -> Result<Vec<Incident>, ServiceError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let service = service_filter(scope, "i.service_id", 2);
        let named_sql = format!(
            "SELECT {column} AS k FROM incidents i WHERE i.squad_id = $1{service} AND {column} IS NOT NULL{condition} LIMIT {}",
            keys.len() + 1
        );
        let q = |sql: String| {
            sqlx::query(AssertSqlSafe(sql))
                .bind(scope.squad_id.clone())
                .bind(scope.service_id.unwrap_or(0))
        };
        // On SQLite as one JSON row, as the window's rows (see `window_events`).
        let named: Vec<String> = match self.backend {
            Backend::Sqlite => parse_aggregate(
                q(format!("SELECT json_group_array(k) AS rows FROM ({named_sql})"))
                    .fetch_one(&mut *conn)
                    .await?
                    .get("rows"),
            )?,
            Backend::Postgres => q(named_sql)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect(),
        };
        let wanted: Vec<&str> = if named.len() <= keys.len() {
            let named: HashSet<&str> = named.iter().map(String::as_str).collect();
            keys.iter().copied().filter(|k| named.contains(k)).collect()
        } else {
            keys.iter().copied().collect()
        };
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        // The keys travel as one JSON array, bound after the scope's
        // placeholders, so one statement serves any number of them.
        let p = if scope.service_id.is_some() { 5 } else { 4 };
        let from = match self.backend {
            Backend::Sqlite => format!("json_each(${p}) c CROSS JOIN incidents i ON {column} = c.value"),
            Backend::Postgres => {
                format!(
                    "jsonb_array_elements_text(CAST(${p} AS jsonb)) AS c(value) JOIN incidents i ON {column} = c.value"
                )
            }
        };
        let list = serde_json::to_string(&wanted).map_err(|e| ServiceError::Internal(format!("link keys: {e}")))?;
        // `$2 < $3` keeps the window's bounds, which every reader binds, in use.
        self.fetch_incidents_with(
            conn,
            &from,
            &format!("$2 < $3{condition}"),
            scope,
            (window.from, window.to),
            &[Extra::Text(&list)],
            name,
        )
        .await
    }

    /// Which of `ids` are production deployments of the scope (by the unique
    /// (squad, external id) index).
    async fn existing_deployment_ids(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        ids: &[&str],
    ) -> Result<HashSet<String>, ServiceError> {
        let mut found = HashSet::default();
        for chunk in ids.chunks(100) {
            let list = (0..chunk.len())
                .map(|k| format!("${}", k + 3))
                .collect::<Vec<_>>()
                .join(", ");
            let service = service_filter(scope, "service_id", 2);
            let sql = format!("SELECT external_id FROM deployments WHERE squad_id = $1{service} AND production = 1 AND external_id IN ({list})");
            let mut q = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql))
                .bind(scope.squad_id.clone())
                .bind(scope.service_id.unwrap_or(0));
            for id in chunk {
                q = q.bind(id.to_string());
            }
            found.extend(q.fetch_all(&mut *conn).await?);
        }
        Ok(found)
    }

    /// Which of `shas` some successful production deployment of the scope
    /// outside the window carries. Commits are stored inline, without an
    /// index on the sha (it cost ingestion two thirds of its speed, see
    /// docs/perf.md), so this reads the scope's deployments' commit text: the
    /// one read that follows the history, made only for incidents that would
    /// otherwise be inferred onto the window and name a commit it does not
    /// carry.
    async fn existing_shas(
        &self,
        conn: &mut sqlx::AnyConnection,
        scope: &Scope,
        window: Window,
        shas: &[&str],
    ) -> Result<HashSet<String>, ServiceError> {
        let mut found = HashSet::default();
        let wanted: HashSet<&str> = shas.iter().copied().collect();
        for chunk in shas.chunks(50) {
            // Each commit is stored as `["sha",ms]`: a quote inside a sha is
            // escaped in JSON, so `["sha",` only matches the start of a commit.
            // LIKE ignores case on SQLite: matches are checked exactly below.
            let like = (0..chunk.len())
                .map(|k| format!("d.commits LIKE ${} ESCAPE '\\'", k + 5))
                .collect::<Vec<_>>()
                .join(" OR ");
            let service = service_filter(scope, "d.service_id", 4);
            let sql = format!(
                "SELECT d.commits FROM deployments d WHERE d.squad_id = $1 AND (d.finished_at < $2 OR d.finished_at >= $3){service} \
                 AND d.production = 1 AND d.success = 1 AND ({like})"
            );
            let mut q = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql))
                .bind(scope.squad_id.clone())
                .bind(window.from)
                .bind(window.to)
                .bind(scope.service_id.unwrap_or(0));
            for sha in chunk {
                let quoted = serde_json::to_string(sha).unwrap_or_default();
                let escaped = format!("[{quoted},")
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                q = q.bind(format!("%{escaped}%"));
            }
            for commits in q.fetch_all(&mut *conn).await? {
                found.extend(
                    decode_commits(&commits)
                        .into_iter()
                        .map(|c| c.sha)
                        .filter(|s| wanted.contains(s.as_str())),
                );
            }
        }
        Ok(found)
    }

    /// The four metrics of the scope over a requested window.
    pub async fn measure(
        &self,
        scope: &Scope,
        window: BoundedWindow,
        benchmark: Benchmark,
    ) -> Result<Measured, ServiceError> {
        let window = window.get();
        let events = self.window_events(scope, window).await?;
        off_the_workers(move || {
            measure_linked(&events.deployments, &events.incidents, &events.links, window, benchmark)
        })
        .await
    }

    /// The squad metrics page: the window overall, week by week, per service,
    /// time per pipeline stage and deployment durations. The weeks use the
    /// window's links, so their failures and attempts add up to the window's.
    pub async fn squad_metrics(
        &self,
        scope: &Scope,
        window: BoundedWindow,
        benchmark: Benchmark,
    ) -> Result<SquadMetrics, ServiceError> {
        let window = window.get();
        let events = self.window_events(scope, window).await?;
        let total_deployments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deployments WHERE squad_id = $1")
            .bind(&scope.squad_id)
            .fetch_one(&self.pool)
            .await?;
        let total_incidents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE squad_id = $1")
            .bind(&scope.squad_id)
            .fetch_one(&self.pool)
            .await?;
        let listed = {
            let mut conn = self.pool.acquire().await?;
            let names: HashMap<i64, String> = sqlx::query("SELECT id, name FROM services WHERE squad_id = $1")
                .bind(&scope.squad_id)
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| (r.get("id"), r.get("name")))
                .collect();
            let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
            self.page_incidents(&mut conn, scope, window, &events.links, &name)
                .await?
        };
        let (squad, squad_name) = (scope.slug.clone(), scope.squad_name.clone());
        off_the_workers(move || {
            let Events {
                deployments,
                incidents,
                links,
                stages,
            } = events;
            let provenance = provenance(&deployments, &listed, &links, window);
            let prepared = Prepared::new(&deployments, &links);
            SquadMetrics {
                squad,
                squad_name,
                overall: prepared.measure(&incidents, window, benchmark),
                weeks: weekly(&prepared, &incidents, window, benchmark),
                services: per_service(&deployments, &incidents, &links, window, benchmark),
                stages: stage_times(&stages),
                durations: durations(&deployments, window),
                total_deployments,
                total_incidents,
                provenance,
            }
        })
        .await
    }

    /// What the squad's pipelines measured in the 91 days up to the end of
    /// the checkpoint's day, in the checkpoint's benchmark: shown beside the
    /// votes and the seed of the summary. `None` when the squad has never
    /// sent an event (nothing to show, rather than four "no data").
    pub async fn checkpoint_measured(&self, checkpoint_id: &str) -> Result<Option<Measured>, ServiceError> {
        let row = sqlx::query("SELECT c.held_on, c.benchmark, s.id, s.slug, s.name FROM checkpoints c JOIN squads s ON s.id = c.squad_id WHERE c.id = $1")
            .bind(checkpoint_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ServiceError::NotFound("checkpoint"))?;
        let squad_id: String = row.get("id");
        let any: Option<i64> = sqlx::query_scalar("SELECT 1 FROM deployments WHERE squad_id = $1 UNION ALL SELECT 1 FROM incidents WHERE squad_id = $1 LIMIT 1")
            .bind(&squad_id)
            .fetch_optional(&self.pool)
            .await?;
        if any.is_none() {
            return Ok(None);
        }
        let held_on: String = row.get("held_on");
        let day = crate::measured::dates::parse_date(&held_on)
            .ok_or_else(|| ServiceError::Internal(format!("bad held_on {held_on}")))?;
        let benchmark: String = row.get("benchmark");
        let benchmark = Benchmark::from_id(&benchmark).unwrap_or_default();
        let to = day + DAY_MS;
        let window = BoundedWindow::parse(to - crate::measured::DEFAULT_WINDOW_DAYS * DAY_MS, to)
            .map_err(|e| ServiceError::Internal(e.message))?;
        let scope = Scope {
            squad_id,
            slug: row.get("slug"),
            squad_name: row.get("name"),
            service_id: None,
        };
        self.measure(&scope, window, benchmark).await.map(Some)
    }
}

/// A person's choice of an incident's link: none (automatic), `Some(None)`
/// unlinked, `Some(Some(id))` relinked to that deployment.
fn chosen(i: &Incident) -> Option<Option<&str>> {
    i.choice.as_ref().map(|c| match &c.choice {
        LinkChoice::Unlinked => None,
        LinkChoice::Relinked { deployment } => Some(deployment.as_str()),
    })
}

/// Runs a computation that grows with the window on the blocking pool, so a
/// two-year window does not hold up the async workers serving everyone else.
async fn off_the_workers<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServiceError::Internal(format!("metrics computation: {e}")))
}

/// The rows of a `json_group_array` (absent when there were none).
fn parse_aggregate<T: serde::de::DeserializeOwned>(text: Option<String>) -> Result<Vec<T>, ServiceError> {
    match text {
        Some(t) => serde_json::from_str(&t).map_err(|e| ServiceError::Internal(format!("window rows: {e}"))),
        None => Ok(Vec::new()),
    }
}

/// Ranges bound in one statement: three placeholders each, well under
/// either database's limit on parameters.
const RANGES_PER_STATEMENT: usize = 300;

/// Which success of each range [`successes_in`] takes.
#[derive(Clone, Copy)]
enum End {
    First,
    Last,
}

/// For each `(service id, from, to)`, when the service's first (or last)
/// production success finishing in `[from, to)` finished. One statement for
/// all the services, an index step each: a statement per service cost about
/// a quarter of a millisecond each on its own, most of a read's time.
async fn successes_in(
    conn: &mut sqlx::AnyConnection,
    squad_id: &str,
    ranges: &[(i64, i64, i64)],
    end: End,
) -> Result<HashMap<i64, i64>, ServiceError> {
    let order = match end {
        End::First => "",
        End::Last => " DESC",
    };
    let mut found = HashMap::default();
    for chunk in ranges.chunks(RANGES_PER_STATEMENT) {
        let sql = format!(
            "SELECT r.column1, (SELECT d.finished_at FROM deployments d WHERE d.service_id = r.column1 AND d.squad_id = $1 \
             AND d.finished_at >= r.column2 AND d.finished_at < r.column3 AND d.production = 1 AND d.success = 1 \
             ORDER BY d.finished_at{order} LIMIT 1) FROM {} AS r",
            ranges_values(chunk.len(), 2)
        );
        for r in bind_ranges(sqlx::query(AssertSqlSafe(sql)).bind(squad_id.to_string()), chunk)
            .fetch_all(&mut *conn)
            .await?
        {
            if let Some(at) = r.get::<Option<i64>, _>(1) {
                found.insert(r.get(0), at);
            }
        }
    }
    Ok(found)
}

/// `(VALUES (CAST($n AS BIGINT), …, …), …)` for `rows` ranges from
/// placeholder `$first`: columns `column1` to `column3` on both databases.
fn ranges_values(rows: usize, first: usize) -> String {
    let row = |k: usize| {
        let n = first + 3 * k;
        format!(
            "(CAST(${n} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT))",
            n + 1,
            n + 2
        )
    };
    format!("(VALUES {})", (0..rows).map(row).collect::<Vec<_>>().join(", "))
}

/// The join that reads each range in turn: SQLite is told the order (`CROSS
/// JOIN`), PostgreSQL, whose `CROSS JOIN` takes no condition, plans it.
fn ranges_join(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "CROSS JOIN",
        Backend::Postgres => "JOIN",
    }
}

fn bind_ranges<'q>(mut q: Query<'q>, ranges: &[(i64, i64, i64)]) -> Query<'q> {
    for &(id, from, to) in ranges {
        q = q.bind(id).bind(from).bind(to);
    }
    q
}

/// The service condition of a chunked query, at placeholder `$n`: the
/// service's column when the scope names one, else a placeholder bound to 0
/// so the numbering of the placeholders after it stays the same.
fn service_filter(scope: &Scope, column: &str, n: usize) -> String {
    match scope.service_id {
        Some(_) => format!(" AND {column} = ${n}"),
        None => format!(" AND ${n} = 0"),
    }
}

/// Binds `$1` squad, `$2` from, `$3` to and, for a service, `$4`.
fn bind_scope<'q>(q: Query<'q>, scope: &Scope, from: i64, to: i64) -> Query<'q> {
    let q = q.bind(scope.squad_id.clone()).bind(from).bind(to);
    match scope.service_id {
        Some(s) => q.bind(s),
        None => q,
    }
}
