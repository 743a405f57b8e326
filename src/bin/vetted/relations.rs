//! `relations export`: accepted relationships as a JSON graph or a dbt `schema.yml`.
//! (To be folded into `vetted export` when the fine-tuning export lands.)

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use vetted::relation_export::{RelationFormat, write_new_file};
use vetted::{Result, Store};

#[derive(Subcommand)]
pub enum RelationsCommand {
    /// Write accepted relationships to a file (refuses to overwrite without --force).
    Export {
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// JSON: nodes = products, edges = relationships with provenance and evidence.
    Graph,
    /// dbt schema.yml with one `relationships` test per foreign key.
    Dbt,
}

pub fn run(store: &Store, command: RelationsCommand) -> Result<()> {
    match command {
        RelationsCommand::Export { format, out, force } => {
            let format = match format {
                FormatArg::Graph => RelationFormat::Graph,
                FormatArg::Dbt => RelationFormat::Dbt,
            };
            let contents = store.export_relations(format)?;
            write_new_file(&out, &contents, force)?;
            println!("wrote {}", out.display());
            Ok(())
        }
    }
}
