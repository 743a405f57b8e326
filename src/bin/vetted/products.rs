//! `products add` and `products list`: registering data products (SQLite tables, CSV files,
//! PostgreSQL tables, Parquet files and dataset folders).

use std::path::PathBuf;

use clap::Subcommand;
use vetted::Result;
use vetted::llm::keys;
use vetted::products::ProductSource;
use vetted::products::postgres_source::{PostgresSource, is_postgres_url};

use crate::output::print_json;
use crate::provider::read_secret;
use crate::workspace::Workspace;

#[derive(Subcommand)]
pub enum ProductsCommand {
    /// Register every table of SQLite databases, CSV files, Parquet files and folders of Parquet
    /// part files, and tables of PostgreSQL databases (postgres://USER@HOST:PORT/DB; password
    /// from PGPASSWORD or the OS keyring) as data products (all or nothing).
    Add {
        #[arg(required = true, value_name = "FILE|URL")]
        sources: Vec<String>,
        /// PostgreSQL: the schema whose tables to register.
        #[arg(long, default_value = "public")]
        schema: String,
        /// PostgreSQL: register only this table (repeatable; default: every table of the schema).
        #[arg(long = "table", value_name = "TABLE")]
        tables: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Store the password of a PostgreSQL source (postgres://USER@HOST:PORT/DB) in the OS
    /// keyring, read from standard input (typed without echo, or piped).
    SetPassword {
        #[arg(value_name = "URL")]
        url: String,
    },
    /// Remove a PostgreSQL source's password from the OS keyring.
    ForgetPassword {
        #[arg(value_name = "URL")]
        url: String,
    },
    /// List registered data products.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(mut workspace: Workspace<'_>, command: ProductsCommand) -> Result<()> {
    match command {
        ProductsCommand::Add {
            sources,
            schema,
            tables,
            json,
        } => {
            let sources = sources
                .iter()
                .map(|s| {
                    Ok(if is_postgres_url(s) {
                        ProductSource::Postgres(PostgresSource::new(s, &schema, tables.clone())?)
                    } else {
                        ProductSource::File(PathBuf::from(s))
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let registered = match &mut workspace {
                Workspace::Local(store) => store.add_product_sources(&sources)?,
                Workspace::Server(server) => server.register_products(&sources)?,
            };
            if json {
                print_json(&registered);
            } else {
                for r in registered {
                    println!("{r}");
                }
            }
        }
        ProductsCommand::SetPassword { url } => {
            let source = PostgresSource::new(&url, "public", Vec::new())?;
            let password = read_secret(&format!("password for {} (not shown): ", source.url))?;
            keys::store_password(&source.url, &password)?;
            println!("stored the password of {} in the OS keyring", source.url);
        }
        ProductsCommand::ForgetPassword { url } => {
            let source = PostgresSource::new(&url, "public", Vec::new())?;
            if keys::forget_key(&source.url)? {
                println!("removed the password of {} from the OS keyring", source.url);
            } else {
                println!("the OS keyring held no password for {}", source.url);
            }
        }
        ProductsCommand::List { json } => {
            let products = match &mut workspace {
                Workspace::Local(store) => store.list_products()?,
                Workspace::Server(server) => server.list_products()?,
            };
            if json {
                print_json(&products);
                return Ok(());
            }
            for p in products {
                let source = match &p.source_table {
                    Some(table) => format!("{}#{table}", p.source_path),
                    None => p.source_path.clone(),
                };
                println!(
                    "{:<24} {:>3} fields {:>9} rows {:>4} sampled  {source}",
                    p.name, p.fields, p.row_count, p.sample_rows
                );
            }
        }
    }
    Ok(())
}
