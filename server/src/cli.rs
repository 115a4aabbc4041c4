//! The command line: `checkpoint serve | migrate | create-admin | squad create | token create | connection … | import`.

pub mod connection;

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;

use checkpoint_core::accounts::Role;
use checkpoint_core::security::{SiteOrigin, TrustedProxy};
use checkpoint_core::squads::SquadForm;
use clap::{Args, Parser, Subcommand};

use crate::telemetry::MetricsToken;
use crate::ServeConfig;

#[derive(Parser, Debug)]
#[command(
    name = "checkpoint",
    version,
    about = "DevOps Checkpoint: run a squad's quarterly DORA workshop"
)]
pub struct Cli {
    /// Database: sqlite://PATH (created if missing) or postgres://USER@HOST/DB
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/checkpoint.db",
        global = true
    )]
    pub database_url: String,

    /// The key that seals connection secrets at rest (64 hex characters; created when missing).
    /// Default: checkpoint.key beside the SQLite database, or data/checkpoint.key. Instances that
    /// share a database must share the key.
    #[arg(long, env = "CHECKPOINT_KEY_FILE", global = true)]
    pub key_file: Option<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the site and the API (runs migrations first)
    Serve(ServeArgs),
    /// Run database migrations and exit
    Migrate,
    /// Create an admin account (reads the password from CHECKPOINT_ADMIN_PASSWORD, stdin or a prompt)
    CreateAdmin {
        #[arg(long)]
        username: String,
    },
    /// Manage squads
    #[command(subcommand)]
    Squad(SquadCommand),
    /// Manage a squad's API tokens (for pipelines posting deployments and incidents)
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage a squad's webhook connections (GitHub, GitLab, PagerDuty, Prometheus Alertmanager)
    #[command(subcommand)]
    Connection(connection::ConnectionCommand),
    /// Import deployments or incidents from a CSV file (the header row tells which)
    Import {
        /// The squad's slug
        #[arg(long)]
        squad: String,
        /// The CSV file; `-` reads standard input
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token; prints it alone on the last line (it is shown only once)
    Create {
        #[arg(long)]
        squad: String,
        /// What the token is for, to tell tokens apart
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "CHECKPOINT_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Folder with the built site (pkg/ with the wasm, JS and CSS)
    #[arg(long, env = "CHECKPOINT_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Mark cookies Secure; turn on when the site is served over HTTPS
    #[arg(long, env = "CHECKPOINT_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// The site's public URL, e.g. https://checkpoint.example.com: the Origin of state-changing
    /// requests must match its scheme, host and port (unset: http:// or, with --secure-cookies,
    /// https:// and the request's Host)
    #[arg(long, env = "CHECKPOINT_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<SiteOrigin>,
    /// A reverse proxy (ADDR or ADDR/PREFIX; repeat or separate by commas) whose X-Forwarded-For
    /// names the client; without it the TCP peer is the client
    #[arg(long = "trusted-proxy", env = "CHECKPOINT_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Serve /metrics on the main address to `Authorization: Bearer <token>` (16+ characters)
    #[arg(long, env = "CHECKPOINT_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<MetricsToken>,
    /// Serve /metrics, without a token, on this separate address (keep it private)
    #[arg(long, env = "CHECKPOINT_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
}

impl ServeArgs {
    pub fn config(self) -> ServeConfig {
        ServeConfig {
            addr: self.addr,
            site_root: self.site_root,
            secure_cookies: self.secure_cookies,
            public_url: self.public_url,
            trusted_proxies: self.trusted_proxies,
            metrics_token: self.metrics_token,
            metrics_addr: self.metrics_addr,
        }
    }
}

fn parse_public_url(raw: &str) -> Result<SiteOrigin, String> {
    SiteOrigin::parse(raw).ok_or_else(|| format!("{raw:?} is not an http:// or https:// URL"))
}

#[derive(Subcommand, Debug)]
pub enum SquadCommand {
    /// Create a squad; prints its slug alone on the last line
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        tribe: String,
        /// Industry for the baselines: a current key (all, technology, financial_services, consumer, ...)
        /// or a legacy id (finance, retail, ...)
        #[arg(long)]
        industry: Option<String>,
        /// Organisation size for the 2024/2025 benchmarks (solo, fewer_than_10, fewer_than_20,
        /// fewer_than_100, fewer_than_500, fewer_than_1000, fewer_than_5000, fewer_than_10000, more_than_9999)
        #[arg(long)]
        org_size: Option<String>,
    },
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("CHECKPOINT_ADMIN_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password(
            "Password for the new admin (at least 10 characters): ",
        )?);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// "row 3, column status: ..." (row 0 is the file as a whole).
pub fn describe_csv_error(e: &checkpoint_core::ingest::csv::CsvError) -> String {
    match (e.row, e.column.as_str()) {
        (0, _) => e.message.clone(),
        (row, "") => format!("row {row}: {}", e.message),
        (row, column) => format!("row {row}, column {column}: {}", e.message),
    }
}

/// Runs a one-shot command against the database; `serve` is handled by main.
pub async fn run_command(
    database_url: &str,
    key_file: Option<&std::path::Path>,
    command: Command,
) -> anyhow::Result<()> {
    let store = crate::open_store(database_url, key_file).await?;
    match command {
        Command::Serve(_) => unreachable!("serve is dispatched by main"),
        Command::Migrate => println!("migrations applied"),
        Command::CreateAdmin { username } => {
            let password = read_password()?;
            let user = store.create_user(None, &username, &password, Role::Admin).await?;
            println!("created admin {}", user.username);
        }
        Command::Squad(SquadCommand::Create {
            name,
            tribe,
            industry,
            org_size,
        }) => {
            let form = SquadForm::parse(&name, &tribe, industry.as_deref())?.with_org_size(org_size.as_deref())?;
            let squad = store.create_squad(None, form).await?;
            println!("created squad {} in tribe {}", squad.name, squad.tribe);
            println!("{}", squad.slug);
        }
        Command::Token(TokenCommand::Create { squad, name }) => {
            let created = store.create_api_token(None, &squad, &name).await?;
            println!(
                "created API token {:?} for squad {squad}; it is shown only this once:",
                created.token.name
            );
            println!("{}", created.secret);
        }
        Command::Connection(command) => connection::run(&store, command).await?,
        Command::Import { squad, file } => {
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())?
            } else {
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?
            };
            let target = store.squad_for_events(None, &squad).await?;
            match checkpoint_core::ingest::csv::parse(&text) {
                Ok(batch) => {
                    let (kind, n) = (batch.kind(), batch.len());
                    let done = store.import_csv(&target, batch).await?;
                    println!(
                        "imported {n} {kind} into {squad}: {} new, {} updated",
                        done.created, done.updated
                    );
                }
                Err(report) => {
                    for e in &report.errors {
                        eprintln!("{}", describe_csv_error(e));
                    }
                    if report.total > report.errors.len() {
                        eprintln!("... and {} more", report.total - report.errors.len());
                    }
                    store.close().await;
                    anyhow::bail!("nothing was imported: {} error(s) in {}", report.total, file.display());
                }
            }
        }
    }
    store.close().await;
    Ok(())
}
