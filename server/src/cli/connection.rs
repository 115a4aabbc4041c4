//! `checkpoint connection create | list | revoke | set-secret`: a squad's
//! webhook connections from the command line, with the same key file as `serve`.

use checkpoint_core::connections::{ConnectionKind, ConnectionOptions};
use checkpoint_core::store::Store;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum ConnectionCommand {
    /// Create a connection; prints its hook path on one line and its secret alone on the last
    /// line (shown only this once). Mapping options take their defaults; change them on the squad page
    Create {
        #[arg(long)]
        squad: String,
        /// github, gitlab, pagerduty or alertmanager
        #[arg(long)]
        kind: String,
        /// To tell connections apart (default: the tool's name)
        #[arg(long, default_value = "")]
        name: String,
        /// Read the tool's own signing secret from this environment variable (PagerDuty makes its own)
        #[arg(long, value_name = "VAR")]
        secret_from_env: Option<String>,
    },
    /// List a squad's connections: id, kind, name, hook path, state and last delivery
    List {
        #[arg(long)]
        squad: String,
    },
    /// Revoke a connection: its deliveries are refused from then on
    Revoke {
        #[arg(long)]
        squad: String,
        #[arg(long)]
        id: String,
    },
    /// Replace a connection's secret with the tool's (PagerDuty shows its signing secret once the
    /// subscription, and so the hook URL, exists)
    SetSecret {
        #[arg(long)]
        squad: String,
        #[arg(long)]
        id: String,
        /// The environment variable holding the secret (never an argument: it would show in `ps`)
        #[arg(long, value_name = "VAR")]
        secret_from_env: String,
    },
}

fn secret_from(var: &str) -> anyhow::Result<String> {
    std::env::var(var).map_err(|_| anyhow::anyhow!("--secret-from-env: the environment variable {var} is not set"))
}

pub async fn run(store: &Store, command: ConnectionCommand) -> anyhow::Result<()> {
    match command {
        ConnectionCommand::Create {
            squad,
            kind,
            name,
            secret_from_env,
        } => {
            let kind = ConnectionKind::parse("kind", &kind)?;
            let given = secret_from_env.as_deref().map(secret_from).transpose()?;
            let new = store
                .create_connection_with_secret(
                    None,
                    &squad,
                    kind,
                    &name,
                    ConnectionOptions::default(),
                    given.as_deref(),
                )
                .await?;
            println!(
                "created {} connection {:?} for squad {squad}; its hook, under the site's address:",
                kind.label(),
                new.connection.name
            );
            println!("{}", new.connection.hook_path());
            println!("its secret, shown only this once:");
            println!("{}", new.secret);
        }
        ConnectionCommand::List { squad } => {
            for c in store.list_connections(None, &squad).await? {
                let state = c
                    .revoked_at
                    .map_or_else(|| "live".to_string(), |_| "revoked".to_string());
                let last = c.last_delivery.as_ref().map_or_else(
                    || "no deliveries yet".to_string(),
                    |d| format!("last delivery {} {}: {}", d.event, d.outcome.as_str(), d.reason),
                );
                println!(
                    "{}\t{}\t{}\t{}\t{state}\t{last}",
                    c.id,
                    c.kind.as_str(),
                    c.name,
                    c.hook_path()
                );
            }
        }
        ConnectionCommand::Revoke { squad, id } => {
            store.revoke_connection(None, &squad, &id).await?;
            println!("revoked connection {id}");
        }
        ConnectionCommand::SetSecret {
            squad,
            id,
            secret_from_env,
        } => {
            let secret = secret_from(&secret_from_env)?;
            store.set_connection_secret(None, &squad, &id, &secret).await?;
            println!("connection {id} now checks deliveries against the secret in {secret_from_env}");
        }
    }
    Ok(())
}
