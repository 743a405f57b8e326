//! `products add` and `products list`: registering data products (SQLite tables, CSV files).

use std::path::PathBuf;

use clap::Subcommand;
use vetted::{Result, Store};

use crate::output::print_json;

#[derive(Subcommand)]
pub enum ProductsCommand {
    /// Register every table of SQLite databases, and CSV files, as data products (all or nothing).
    Add {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// List registered data products.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(store: &mut Store, command: ProductsCommand) -> Result<()> {
    match command {
        ProductsCommand::Add { paths, json } => {
            let registered = store.add_products(&paths)?;
            if json {
                print_json(&registered);
            } else {
                for r in registered {
                    println!("{r}");
                }
            }
        }
        ProductsCommand::List { json } => {
            let products = store.list_products()?;
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
