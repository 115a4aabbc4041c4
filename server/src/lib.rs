//! The server: wiring only. Routes, middleware, the public JSON API, static
//! files and startup; every rule lives in the core crate.

pub mod api;
pub mod cli;
pub mod metrics;
pub mod security;
pub mod site;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use checkpoint_app::context::AppContext;
use checkpoint_core::store::Store;
use leptos::config::LeptosOptions;

/// Everything a running server needs.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub addr: SocketAddr,
    pub site_root: String,
    pub secure_cookies: bool,
}

/// State shared by the axum handlers.
#[derive(Clone)]
pub struct AppState {
    pub ctx: AppContext,
    pub leptos: LeptosOptions,
    pub metrics: Arc<metrics::Metrics>,
}

impl AppState {
    pub fn store(&self) -> &Store {
        &self.ctx.store
    }
}

/// The whole application as one router (used by `serve` and by the tests).
pub fn router(store: Store, config: &ServeConfig) -> Router {
    let leptos = LeptosOptions::builder()
        .output_name("checkpoint")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let state = AppState {
        ctx: AppContext { store, secure_cookies: config.secure_cookies },
        leptos,
        metrics: Arc::new(metrics::Metrics::default()),
    };
    let api = api::router().with_state(state.clone());
    site::router(state.clone())
        .nest("/api/v1", api)
        .merge(metrics::router(state.clone()))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::gate_signed_in_pages))
        .layer(axum::middleware::from_fn(security::check_origin))
        .layer(axum::middleware::from_fn(security::headers))
        // Pages and API answers are compressed on the fly; static assets are
        // already precompressed on disk and pass through untouched.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(state, metrics::record))
}

/// Connects, migrates, prints the setup token when there is no admin yet, then
/// serves until SIGTERM or Ctrl-C, finishing in-flight requests first.
pub async fn serve(database_url: &str, config: ServeConfig, started: Instant) -> anyhow::Result<()> {
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    if let Some(token) = store.issue_setup_token().await? {
        // Printed to the terminal, never to the structured log: it is a secret.
        println!(
            "No admin account exists yet. Open http://{}/setup and enter this one-time setup token:\n\n    {token}\n\n(or run `checkpoint create-admin` instead)",
            config.addr
        );
    }
    let app = router(store.clone(), &config);
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, backend = ?store.backend(), ready_ms = started.elapsed().as_millis() as u64, "ready");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
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
