//! `provider list|add|remove|set-key|forget-key`: the named providers of the settings file and
//! their keys in the OS keyring. A key is read from standard input (never from an argument,
//! which would land in the shell history) and is never printed.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use vetted::llm::keys::{self, KeySource};
use vetted::llm::provider::{DEFAULT_KEY_ENV, ProviderConfig, Settings};
use vetted::{Error, Result};

use crate::output::print_json;

#[derive(Subcommand)]
pub enum ProviderCommand {
    /// Print the providers, their models and where each one's key comes from.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a provider or change one, e.g. `vetted provider add local --base-url
    /// http://127.0.0.1:8080/v1 --model smollm2`.
    Add {
        name: String,
        #[arg(long, value_name = "URL")]
        base_url: String,
        #[arg(long)]
        model: String,
        /// Environment variable checked before the keyring.
        #[arg(long, default_value = DEFAULT_KEY_ENV, value_name = "VAR")]
        api_key_env: String,
    },
    /// Remove a provider from the settings file and its key from the keyring.
    Remove { name: String },
    /// Store a provider's key in the OS keyring, read from standard input
    /// (e.g. `vetted provider set-key openai < key.txt`, or type it).
    SetKey { name: String },
    /// Remove a provider's key from the OS keyring.
    ForgetKey { name: String },
}

/// Runs a provider command against the settings file `settings` (or the default one for the
/// database at `db`).
pub fn run(db: &Path, settings: Option<PathBuf>, command: ProviderCommand) -> Result<()> {
    let path = settings.unwrap_or_else(|| Settings::default_path(db));
    match command {
        ProviderCommand::List { json } => list(&path, json),
        ProviderCommand::Add {
            name,
            base_url,
            model,
            api_key_env,
        } => {
            let config = ProviderConfig {
                base_url,
                model,
                api_key_env,
            };
            Settings::save_provider(&path, &name, &config)?;
            println!("saved provider '{name}' in {}", path.display());
            Ok(())
        }
        ProviderCommand::Remove { name } => {
            if !Settings::remove_provider(&path, &name)? {
                return Err(Error::Config(format!(
                    "no provider named '{name}' in {}",
                    path.display()
                )));
            }
            let forgot = keys::forget_key(&name).unwrap_or(false);
            println!(
                "removed provider '{name}' from {}{}",
                path.display(),
                if forgot {
                    " and its key from the keyring"
                } else {
                    ""
                }
            );
            Ok(())
        }
        ProviderCommand::SetKey { name } => {
            let key = read_key(&name)?;
            keys::store_key(&name, &key)?;
            println!("stored the key of provider '{name}' in the OS keyring");
            Ok(())
        }
        ProviderCommand::ForgetKey { name } => {
            if keys::forget_key(&name)? {
                println!("removed the key of provider '{name}' from the OS keyring");
            } else {
                println!("the OS keyring held no key for provider '{name}'");
            }
            Ok(())
        }
    }
}

fn list(path: &Path, json: bool) -> Result<()> {
    let statuses = Settings::load(path)?.statuses();
    if json {
        print_json(&statuses);
        return Ok(());
    }
    for p in &statuses {
        println!(
            "{}\t{}\t{}\tkey: {}",
            p.name,
            p.config.base_url,
            p.config.model,
            describe(&p.key)
        );
    }
    if statuses.is_empty() {
        println!(
            "no providers in {}; add one with `vetted provider add NAME --base-url URL --model M`",
            path.display()
        );
    }
    Ok(())
}

/// One phrase for where a key comes from.
fn describe(source: &KeySource) -> String {
    match source {
        KeySource::Env { var } => format!("from ${var}"),
        KeySource::Keyring => "in the OS keyring".to_owned(),
        KeySource::Missing => "none".to_owned(),
        KeySource::KeyringUnavailable { message } => format!("none (keyring: {message})"),
    }
}

/// A provider's API key, typed or piped (see [`read_secret`]).
fn read_key(name: &str) -> Result<String> {
    read_secret(&format!("API key for provider '{name}' (not shown): "))
}

/// A secret typed at a `prompt` that does not echo it, or the first line of piped standard input.
pub fn read_secret(prompt: &str) -> Result<String> {
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        rpassword::prompt_password(prompt)
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).map(|_| line)
    };
    // Only the line end: a password may begin or end with spaces (keys are trimmed when
    // stored).
    Ok(line
        .map_err(|e| Error::io("<stdin>", e))?
        .trim_end_matches(['\n', '\r'])
        .to_owned())
}
