//! A squad's connections on its page (facilitators and admins): create one
//! for a tool, see its hook URL, mapping, last delivery and delivery log,
//! paste PagerDuty's signing secret, revoke. The store refuses everyone
//! else through the role table (`Action::ManageConnections`).

pub mod copy;
pub mod create;
pub mod created;
pub mod deliveries;
pub mod list;
pub mod secret;
pub mod setup;

use checkpoint_core::connections::{Connection, Delivery};
use checkpoint_core::measured::dates::{rfc3339, Precision};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::errors::FormError;

/// The squad's connections and the site's origin, so each hook URL is whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionList {
    pub origin: String,
    pub connections: Vec<Connection>,
}

/// A connection just made: its whole hook URL and, when we made it, the
/// secret to paste into the tool (shown only this once). PagerDuty makes its
/// own, pasted here afterwards, so there is none for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedConnection {
    pub connection: Connection,
    pub hook_url: String,
    pub secret: Option<String>,
}

#[server(endpoint = "list_connections")]
pub async fn list_connections(squad: String) -> Result<ConnectionList, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user, site_origin};
    let user = require_user().await?;
    let ctx = app_context()?;
    let connections = ctx
        .store
        .list_connections(Some(&user), &squad)
        .await
        .map_err(into_server_error)?;
    Ok(ConnectionList {
        origin: site_origin(&ctx),
        connections,
    })
}

#[server(endpoint = "create_connection")]
pub async fn create_connection(
    squad: String,
    kind: String,
    name: String,
    /// The kind's mapping options, each a form field of its own (blank: the default).
    #[server(flatten)]
    options: checkpoint_core::connections::OptionsForm,
) -> Result<CreatedConnection, ServerFnError> {
    use crate::context::{app_context, form_error, require_user, site_origin};
    use checkpoint_core::connections::ConnectionKind;
    let user = require_user().await?;
    let kind = ConnectionKind::parse("kind", &kind).map_err(|e| form_error(e.into()))?;
    let options = options.parse().map_err(|e| form_error(e.into()))?;
    let ctx = app_context()?;
    let new = ctx
        .store
        .create_connection(Some(&user), &squad, kind, &name, options)
        .await
        .map_err(form_error)?;
    Ok(CreatedConnection {
        hook_url: format!("{}{}", site_origin(&ctx), new.connection.hook_path()),
        secret: (kind != ConnectionKind::Pagerduty).then_some(new.secret),
        connection: new.connection,
    })
}

#[server(endpoint = "revoke_connection")]
pub async fn revoke_connection(squad: String, id: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    app_context()?
        .store
        .revoke_connection(Some(&user), &squad, &id)
        .await
        .map_err(form_error)
}

#[server(endpoint = "set_connection_secret")]
pub async fn set_connection_secret(squad: String, id: String, secret: String) -> Result<(), ServerFnError> {
    use crate::context::{app_context, form_error, require_user};
    let user = require_user().await?;
    app_context()?
        .store
        .set_connection_secret(Some(&user), &squad, &id, &secret)
        .await
        .map_err(form_error)
}

#[server(endpoint = "connection_deliveries")]
pub async fn connection_deliveries(squad: String, id: String) -> Result<Vec<Delivery>, ServerFnError> {
    use crate::context::{app_context, into_server_error, require_user};
    let user = require_user().await?;
    app_context()?
        .store
        .connection_deliveries(Some(&user), &squad, &id)
        .await
        .map_err(into_server_error)
}

/// "2026-11-20 10:00:00 UTC".
pub fn when(ms: i64) -> String {
    rfc3339(ms, Precision::Seconds).replace('T', " ").replace('Z', " UTC")
}

/// Which connection's log is open: `?log=<id>` on the squad page, so a plain
/// link opens it without JavaScript.
pub const LOG_PARAM: &str = "log";

/// The connection whose log is open, and its deliveries, newest first.
pub type OpenLog = (String, Vec<Delivery>);

/// The section's actions and resources, made at the top of the squad page
/// (as `TokenData` is, for the same hydration reason).
#[derive(Clone, Copy)]
pub struct ConnectionData {
    pub create: ServerAction<CreateConnection>,
    pub revoke: ServerAction<RevokeConnection>,
    pub list: Resource<Result<ConnectionList, ServerFnError>>,
    /// The open log: the connection's id and its deliveries, newest first.
    pub log: Resource<Result<Option<OpenLog>, ServerFnError>>,
    /// Bumped by the log's refresh button.
    pub refresh: RwSignal<u32>,
}

impl ConnectionData {
    pub fn new(squad: impl Fn() -> String + Send + Sync + Copy + 'static) -> ConnectionData {
        let create = ServerAction::<CreateConnection>::new();
        let revoke = ServerAction::<RevokeConnection>::new();
        let refresh = RwSignal::new(0u32);
        let query = use_query_map();
        let list = Resource::new(
            move || (squad(), create.version().get(), revoke.version().get(), refresh.get()),
            |(squad, ..)| list_connections(squad),
        );
        let log = Resource::new(
            move || (squad(), query.with(|q| q.get(LOG_PARAM)), refresh.get()),
            |(squad, id, _)| async move {
                match id.filter(|id| !id.is_empty()) {
                    None => Ok(None),
                    Some(id) => connection_deliveries(squad, id.clone()).await.map(|d| Some((id, d))),
                }
            },
        );
        ConnectionData {
            create,
            revoke,
            list,
            log,
            refresh,
        }
    }
}

/// For facilitators and admins on the squad page.
#[component]
pub fn Connections(squad: String, data: ConnectionData) -> impl IntoView {
    view! {
        <section class="card connections" aria-labelledby="connections-heading">
            <h2 id="connections-heading">"Connections"</h2>
            <p class="muted">"Connect the tools the squad already runs: GitHub or GitLab send its pushes and deployments, PagerDuty or Prometheus Alertmanager its incidents, and the measured metrics follow without any pipeline change. What each one counts is in "<a href="/docs/integrations.md" rel="external">"the integration guide"</a>"."</p>
            <create::CreateConnection squad=squad.clone() data/>
            <FormError result=data.revoke.value().into() form="revoke_connection"/>
            <list::ConnectionTable squad=squad.clone() data/>
            <deliveries::DeliveryLog squad data/>
        </section>
    }
}
