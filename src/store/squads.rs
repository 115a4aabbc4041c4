//! Tribes and squads. A tribe is created on first use of its name.

use sqlx::Row;

use super::{new_id, now_ms, ServiceError, Store};
use crate::access::{require_role, Action};
use crate::accounts::CurrentUser;
use crate::dora::current::benchmarks::{IndustryKey, OrgSizeKey};
use crate::names::{self, DisplayName};
pub use crate::squads::{Squad, SquadForm};

fn squad_from_row(r: &sqlx::any::AnyRow) -> Squad {
    let industry: String = r.get("industry");
    let org_size: Option<String> = r.get("org_size");
    Squad {
        id: r.get("id"),
        slug: r.get("slug"),
        name: r.get("name"),
        tribe: r.get("tribe"),
        industry: IndustryKey::from_any(&industry)
            .map(IndustryKey::legacy)
            .unwrap_or_default(),
        org_size: org_size.as_deref().and_then(OrgSizeKey::from_id),
        archived: r.get::<Option<i64>, _>("archived_at").is_some(),
    }
}

macro_rules! select_squad {
    ($tail:literal) => {
        concat!("SELECT s.id, s.slug, s.name, t.name AS tribe, s.industry, s.org_size, s.archived_at FROM squads s JOIN tribes t ON t.id = s.tribe_id ", $tail)
    };
}

impl Store {
    async fn tribe_id(&self, conn: &mut sqlx::AnyConnection, tribe: &DisplayName) -> Result<String, ServiceError> {
        let key = tribe.as_str().to_lowercase();
        sqlx::query("INSERT INTO tribes (id, name, name_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name_key) DO NOTHING")
            .bind(new_id())
            .bind(tribe.as_str())
            .bind(&key)
            .bind(now_ms())
            .execute(&mut *conn)
            .await?;
        Ok(sqlx::query_scalar("SELECT id FROM tribes WHERE name_key = $1")
            .bind(&key)
            .fetch_one(&mut *conn)
            .await?)
    }

    /// Refuses a name another squad (archived ones too) already has, ignoring
    /// case and spacing ([`names::fold`]): two "Payments" in one list cannot
    /// be told apart in a select. Read on the writer, inside the transaction
    /// that inserts, so SQLite's one writer sees every earlier squad.
    async fn refuse_taken_name(
        &self,
        conn: &mut sqlx::AnyConnection,
        name: &DisplayName,
        except_slug: Option<&str>,
    ) -> Result<(), ServiceError> {
        let rows = sqlx::query("SELECT slug, name, archived_at FROM squads")
            .fetch_all(&mut *conn)
            .await?;
        let wanted = names::fold(name.as_str());
        let clash = rows
            .iter()
            .filter(|r| Some(r.get::<String, _>("slug").as_str()) != except_slug)
            .find(|r| names::fold(&r.get::<String, _>("name")) == wanted);
        match clash {
            None => Ok(()),
            Some(r) => Err(ServiceError::invalid(
                "name",
                format!(
                    "the name {:?} is taken by another squad{}; choose another name",
                    r.get::<String, _>("name"),
                    if r.get::<Option<i64>, _>("archived_at").is_some() {
                        " (archived)"
                    } else {
                        ""
                    }
                ),
            )),
        }
    }

    /// Creates a squad with a slug derived from its name (suffixed when taken).
    pub async fn create_squad(&self, by: Option<&CurrentUser>, form: SquadForm) -> Result<Squad, ServiceError> {
        require_role(by, Action::ManageSquads)?;
        let mut tx = self.writer.begin().await?;
        self.refuse_taken_name(&mut tx, &form.name, None).await?;
        let tribe_id = self.tribe_id(&mut tx, &form.tribe).await?;
        let base = form.name.slug();
        let now = now_ms();
        let id = new_id();
        let mut slug = base.clone();
        for n in 2.. {
            let inserted = sqlx::query("INSERT INTO squads (id, slug, name, tribe_id, industry, org_size, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (slug) DO NOTHING")
                .bind(&id)
                .bind(&slug)
                .bind(form.name.as_str())
                .bind(&tribe_id)
                .bind(form.industry.id())
                .bind(form.org_size.map(OrgSizeKey::id))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if inserted.rows_affected() == 1 {
                break;
            }
            slug = format!("{base}-{n}");
        }
        tx.commit().await?;
        Ok(Squad {
            id,
            slug,
            name: form.name.as_str().to_string(),
            tribe: form.tribe.as_str().to_string(),
            industry: form.industry,
            org_size: form.org_size,
            archived: false,
        })
    }

    /// Edits name, tribe, industry and organisation size (none clears it);
    /// the slug stays, so links keep working.
    pub async fn update_squad(&self, by: &CurrentUser, slug: &str, form: SquadForm) -> Result<Squad, ServiceError> {
        require_role(Some(by), Action::ManageSquads)?;
        let mut tx = self.writer.begin().await?;
        self.refuse_taken_name(&mut tx, &form.name, Some(slug)).await?;
        let tribe_id = self.tribe_id(&mut tx, &form.tribe).await?;
        let updated = sqlx::query(
            "UPDATE squads SET name = $1, tribe_id = $2, industry = $3, org_size = $4, updated_at = $5 WHERE slug = $6",
        )
        .bind(form.name.as_str())
        .bind(&tribe_id)
        .bind(form.industry.id())
        .bind(form.org_size.map(OrgSizeKey::id))
        .bind(now_ms())
        .bind(slug)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(ServiceError::NotFound("squad"));
        }
        tx.commit().await?;
        self.squad(slug).await
    }

    pub async fn squad(&self, slug: &str) -> Result<Squad, ServiceError> {
        let row = sqlx::query(select_squad!("WHERE s.slug = $1"))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(squad_from_row).ok_or(ServiceError::NotFound("squad"))
    }

    /// Every squad not archived, by tribe then name: what lists and selects offer.
    pub async fn list_squads(&self) -> Result<Vec<Squad>, ServiceError> {
        let rows = sqlx::query(select_squad!("WHERE s.archived_at IS NULL ORDER BY t.name_key, s.name"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(squad_from_row).collect())
    }

    /// The archived squads, by tribe then name (their pages stay reachable).
    pub async fn list_archived_squads(&self) -> Result<Vec<Squad>, ServiceError> {
        let rows = sqlx::query(select_squad!(
            "WHERE s.archived_at IS NOT NULL ORDER BY t.name_key, s.name"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(squad_from_row).collect())
    }

    /// Archives a squad (`true`) or brings it back. Nothing of it is deleted:
    /// its checkpoints, summaries, tokens and events stay, and its page and
    /// history are still reachable by its slug.
    pub async fn set_squad_archived(
        &self,
        by: &CurrentUser,
        slug: &str,
        archived: bool,
    ) -> Result<Squad, ServiceError> {
        require_role(Some(by), Action::ManageSquads)?;
        let updated = sqlx::query("UPDATE squads SET archived_at = $1, updated_at = $2 WHERE slug = $3")
            .bind(archived.then(now_ms))
            .bind(now_ms())
            .bind(slug)
            .execute(&self.writer)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(ServiceError::NotFound("squad"));
        }
        self.squad(slug).await
    }

    /// Renames a tribe; every squad in it follows.
    pub async fn rename_tribe(&self, by: &CurrentUser, name: &str, new_name: &DisplayName) -> Result<(), ServiceError> {
        require_role(Some(by), Action::ManageSquads)?;
        let key = name.trim().to_lowercase();
        let new_key = new_name.as_str().to_lowercase();
        let mut tx = self.writer.begin().await?;
        if new_key != key {
            let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tribes WHERE name_key = $1")
                .bind(&new_key)
                .fetch_one(&mut *tx)
                .await?;
            if taken > 0 {
                return Err(ServiceError::conflict(
                    "new_name",
                    format!("a tribe called {:?} already exists", new_name.as_str()),
                ));
            }
        }
        let updated = sqlx::query("UPDATE tribes SET name = $1, name_key = $2 WHERE name_key = $3")
            .bind(new_name.as_str())
            .bind(&new_key)
            .bind(&key)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(ServiceError::NotFound("tribe"));
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_tribes(&self) -> Result<Vec<String>, ServiceError> {
        Ok(sqlx::query_scalar("SELECT name FROM tribes ORDER BY name_key")
            .fetch_all(&self.pool)
            .await?)
    }
}
