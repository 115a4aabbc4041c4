//! The server: wiring only. Routes, middleware, the public JSON API, static
//! files and startup; every rule lives in the core crate.

pub mod api;
pub mod cli;
pub mod import;
pub mod live;
pub mod security;
pub mod site;
pub mod telemetry;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use checkpoint_app::context::AppContext;
use checkpoint_core::hub::Rooms;
use checkpoint_core::security::{SiteOrigin, TrustedProxy};
use checkpoint_core::store::{Backend, Store};
use leptos::config::LeptosOptions;

/// Everything a running server needs.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub addr: SocketAddr,
    pub site_root: String,
    pub secure_cookies: bool,
    /// The site's public URL (scheme, host and port), which `Origin` headers
    /// must match; `None`: `http://` (`https://` with secure cookies) and the
    /// request's `Host`.
    pub public_url: Option<SiteOrigin>,
    /// Proxies whose `X-Forwarded-For` names the client (for rate limits).
    pub trusted_proxies: Vec<TrustedProxy>,
    /// `/metrics` on the main address needs `Authorization: Bearer <this>`.
    pub metrics_token: Option<telemetry::MetricsToken>,
    /// A second address serving `/metrics` alone, without a token.
    pub metrics_addr: Option<SocketAddr>,
}

impl ServeConfig {
    /// Listening on `addr`, serving `site_root`, everything else off.
    pub fn new(addr: SocketAddr, site_root: impl Into<String>) -> ServeConfig {
        ServeConfig {
            addr,
            site_root: site_root.into(),
            secure_cookies: false,
            public_url: None,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            metrics_addr: None,
        }
    }
}

/// State shared by the axum handlers.
#[derive(Clone)]
pub struct AppState {
    pub ctx: AppContext,
    pub leptos: LeptosOptions,
    pub metrics: Arc<telemetry::Metrics>,
    /// The Origin, client-address and proxy rules.
    pub rules: Arc<security::RequestRules>,
    /// Turns true when the server begins to shut down: open WebSockets close.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

impl AppState {
    pub fn store(&self) -> &Store {
        &self.ctx.store
    }
}

/// The whole application as one router (used by the tests).
pub fn router(store: Store, config: &ServeConfig) -> Router {
    app(Rooms::new(store.clone()), store, config).router
}

/// What [`app`] builds.
pub struct App {
    pub router: Router,
    /// Closes the router's WebSockets at shutdown.
    pub close_sockets: tokio::sync::watch::Sender<bool>,
    pub metrics: Arc<telemetry::Metrics>,
}

/// The router, the switch that closes its WebSockets at shutdown, and its
/// metrics (for `--metrics-addr`).
pub fn app(rooms: Arc<Rooms>, store: Store, config: &ServeConfig) -> App {
    let (shutdown_tx, shutdown) = tokio::sync::watch::channel(false);
    let leptos = LeptosOptions::builder()
        .output_name("checkpoint")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let state = AppState {
        ctx: AppContext {
            rooms,
            store,
            secure_cookies: config.secure_cookies,
            public_origin: config.public_url.clone(),
        },
        leptos,
        metrics: Arc::new(telemetry::Metrics::default()),
        rules: Arc::new(security::RequestRules {
            trusted_proxies: config.trusted_proxies.clone(),
            public_origin: config.public_url.clone(),
            secure_cookies: config.secure_cookies,
        }),
        shutdown,
    };
    let metrics = state.metrics.clone();
    let api = api::router().with_state(state.clone());
    let router = site::router(state.clone())
        .merge(live::router().with_state(state.clone()))
        .merge(import::router().with_state(state.clone()))
        .nest("/api/v1", api)
        .merge(telemetry::router(state.clone(), config.metrics_token.as_ref()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::gate_signed_in_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::check_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::client_address,
        ))
        .layer(axum::middleware::from_fn(security::headers))
        // Pages and API answers are compressed on the fly; static assets are
        // already precompressed on disk and pass through untouched.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(state, telemetry::record));
    App {
        router,
        close_sockets: shutdown_tx,
        metrics,
    }
}

/// Connects and migrates, with the key file that seals connection secrets
/// (the same for `serve` and the one-shot commands).
pub async fn open_store(database_url: &str, key_file: Option<&std::path::Path>) -> anyhow::Result<Store> {
    let path = key_file.map_or_else(
        || checkpoint_core::store::default_key_file(database_url),
        |p| p.to_path_buf(),
    );
    let key = checkpoint_core::store::secrets::SealingKey::load_or_create(&path)?;
    let store = Store::connect(database_url).await?.with_sealing_key(key);
    store.migrate().await?;
    Ok(store)
}

/// Connects, migrates, prints the setup token when there is no admin yet, then
/// serves until SIGTERM or Ctrl-C, finishing in-flight requests first.
pub async fn serve(
    database_url: &str,
    key_file: Option<&std::path::Path>,
    config: ServeConfig,
    started: Instant,
) -> anyhow::Result<()> {
    let store = open_store(database_url, key_file).await?;
    if let Some(token) = store.issue_setup_token().await? {
        // Printed to the terminal, never to the structured log: it is a secret.
        println!(
            "No admin account exists yet. Open http://{}/setup and enter this one-time setup token:\n\n    {token}\n\n(or run `checkpoint create-admin` instead)",
            config.addr
        );
    }
    let rooms = Rooms::new(store.clone());
    if store.backend() == Backend::Postgres {
        // Several instances may share this database: follow each other's commits.
        tokio::spawn(rooms.clone().follow_postgres(database_url.to_string()));
    }
    let App {
        router: app,
        close_sockets,
        metrics,
    } = app(rooms, store.clone(), &config);
    if let Some(metrics_addr) = config.metrics_addr {
        // Meant for a private network: `/metrics` alone, no token.
        let listener = tokio::net::TcpListener::bind(metrics_addr).await?;
        tracing::info!(addr = %listener.local_addr()?, "serving /metrics");
        let router = telemetry::standalone_router(metrics);
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    // Why no Nagle: a change goes out as two small frames in a row (the change,
    // then the sender's ack); with Nagle the second waits for the peer's
    // delayed ACK, up to 40 ms, which was most of the live latency's tail.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    tracing::info!(%addr, backend = ?store.backend(), ready_ms = started.elapsed().as_millis() as u64, "ready");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Open WebSockets would keep the drain waiting forever: close them.
            close_sockets.send_replace(true);
        })
        .await?;
    tracing::info!("shut down");
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received; draining");
}
