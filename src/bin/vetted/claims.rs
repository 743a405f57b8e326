//! `claims confirm DOMAIN [on|off]`: whether the app asks before approving an answer with a
//! claim marked unsupported or contradicted (claim verdicts are recorded with
//! `vetted decide … --claim N=VERDICT`; docs/claims.md).

use clap::{Subcommand, ValueEnum};
use vetted::Result;
use vetted::store::ClaimSettings;

use crate::workspace::{Workspace, as_login, who};

#[derive(Subcommand, Debug)]
pub enum ClaimsCommand {
    /// Print, or set, whether approving with doubtful claims asks for confirmation in DOMAIN
    /// (the default is to ask).
    Confirm {
        domain: String,
        state: Option<Switch>,
        /// Who changes it (default: $VETTED_REVIEWER, else $USER).
        #[arg(long)]
        reviewer: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

pub fn run(on: Workspace<'_>, command: ClaimsCommand) -> Result<()> {
    match command {
        ClaimsCommand::Confirm {
            domain,
            state,
            reviewer,
        } => {
            let settings = state.map(|state| ClaimSettings {
                confirm_approve: matches!(state, Switch::On),
            });
            let asks = match on {
                Workspace::Local(store) => {
                    if let Some(settings) = settings {
                        store.set_claim_settings(&domain, settings, &who(reviewer))?;
                    }
                    store.claim_settings(&domain)?
                }
                Workspace::Server(mut server) => {
                    as_login(reviewer)?;
                    if let Some(settings) = settings {
                        server.set_claim_settings(&domain, settings)?;
                    }
                    server.claim_settings(&domain)?
                }
            }
            .confirm_approve;
            println!(
                "{domain}: approving an answer with an unsupported or contradicted claim {}",
                if asks {
                    "asks for confirmation"
                } else {
                    "does not ask"
                }
            );
            Ok(())
        }
    }
}
