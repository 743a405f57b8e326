//! `claims confirm DOMAIN [on|off]`: whether the app asks before approving an answer with a
//! claim marked unsupported or contradicted (claim verdicts are recorded with
//! `vetted decide … --claim N=VERDICT`; docs/claims.md).

use clap::{Subcommand, ValueEnum};
use vetted::store::ClaimSettings;
use vetted::{Result, Store, reviewer};

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

pub fn run(store: &mut Store, command: ClaimsCommand) -> Result<()> {
    match command {
        ClaimsCommand::Confirm {
            domain,
            state,
            reviewer,
        } => {
            if let Some(state) = state {
                let settings = ClaimSettings {
                    confirm_approve: matches!(state, Switch::On),
                };
                let by = reviewer.unwrap_or_else(reviewer::default_reviewer);
                store.set_claim_settings(&domain, settings, &by)?;
            }
            let asks = store.claim_settings(&domain)?.confirm_approve;
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
