//! The commands that add items — `generate`, and `relate` with its `--discover` and `--rank`
//! modes — read from the command line once, then run on a local database or on a team server
//! (where only its owner adds items).

use std::path::PathBuf;

use vetted::roles::knowledge::KnowledgeOptions;
use vetted::roles::rank::RankSelection;
use vetted::roles::{RunContext, RunSummary, generate, relate};
use vetted::team_server::SnapshotScope;
use vetted::{Error, Result, Store};

use crate::Command;
use crate::discover::{self, DiscoverArgs};
use crate::llm::{self, KnowledgeArgs, LlmArgs};

/// A run that adds items, as asked.
pub enum ItemRun {
    Generate {
        questions: PathBuf,
        samples: usize,
        knowledge: KnowledgeArgs,
        llm: LlmArgs,
        overlap: Option<u32>,
    },
    Discover(DiscoverArgs),
    Rank {
        selection: RankSelection,
        llm: LlmArgs,
        overlap: Option<u32>,
    },
    Relate {
        asked: PairAsked,
        knowledge: KnowledgeArgs,
        llm: LlmArgs,
        overlap: Option<u32>,
    },
}

/// `--overlap` given for a local database, whose overlap is configured, not given per run.
pub fn overlap_is_for_a_server() -> Error {
    Error::BadRequest(
        "--overlap is for a team server; on a local database use `vetted overlap set`".into(),
    )
}

impl ItemRun {
    /// The run `command` asks for; any other command back.
    pub fn of(command: Command) -> std::result::Result<ItemRun, Box<Command>> {
        match command {
            Command::Generate {
                questions,
                samples,
                overlap,
                knowledge,
                llm,
            } => Ok(ItemRun::Generate {
                questions,
                samples,
                knowledge,
                llm,
                overlap,
            }),
            Command::Relate {
                discover: true,
                domain,
                ignore_declared,
                schema_only,
                dry_run,
                overlap,
                llm,
                ..
            } => Ok(ItemRun::Discover(DiscoverArgs {
                domain,
                ignore_declared,
                schema_only,
                dry_run,
                json: llm.json,
                overlap,
            })),
            Command::Relate {
                rank: true,
                domain,
                limit,
                again,
                overlap,
                llm,
                ..
            } => Ok(ItemRun::Rank {
                selection: RankSelection {
                    domain,
                    limit,
                    again,
                },
                llm,
                overlap,
            }),
            Command::Relate {
                product_a,
                product_b,
                products,
                from_item,
                domain,
                overlap,
                knowledge,
                llm,
                ..
            } => Ok(ItemRun::Relate {
                asked: PairAsked {
                    product_a,
                    product_b,
                    products,
                    from_item,
                    domain,
                },
                knowledge,
                llm,
                overlap,
            }),
            other => Err(Box::new(other)),
        }
    }

    /// `--overlap`: on a team server, how many distinct reviewers each new item goes to. A
    /// local database takes none (see [`overlap_is_for_a_server`]).
    pub fn overlap(&self) -> Option<u32> {
        match self {
            ItemRun::Generate { overlap, .. }
            | ItemRun::Rank { overlap, .. }
            | ItemRun::Relate { overlap, .. }
            | ItemRun::Discover(DiscoverArgs { overlap, .. }) => *overlap,
        }
    }

    /// Runs on a local database (with no [`ItemRun::overlap`]: the caller refuses one before
    /// the file is opened), or on a team server as its owner (on a snapshot of it, what the run
    /// adds copied there, each new item for `--overlap` reviewers).
    pub fn run(self, place: Place<'_>) -> Result<()> {
        let reviews = self.overlap().unwrap_or(1);
        match self {
            ItemRun::Generate {
                questions,
                samples,
                knowledge,
                llm,
                ..
            } => {
                let questions = generate::read_questions(&questions)?;
                // Each question names its own domain.
                let scope = SnapshotScope::Everything;
                place.run_role(&llm, reviews, &scope, async |store, ctx| {
                    generate::generate(store, ctx, questions, knowledge.into(), samples).await
                })
            }
            ItemRun::Discover(args) => match place {
                Place::File(store) => discover::run(store, args),
                Place::Server(url) => discover::run_on_server(url, args),
            },
            ItemRun::Rank { selection, llm, .. } => match place {
                Place::File(store) => llm::run_ranking(store, &llm, selection),
                Place::Server(url) => llm::run_ranking_on_server(url, &llm, selection, reviews),
            },
            ItemRun::Relate {
                asked,
                knowledge,
                llm,
                ..
            } => {
                let knowledge: KnowledgeOptions = knowledge.into();
                let scope = asked.scope(knowledge.variant.examples());
                place.run_role(&llm, reviews, &scope, async |store, ctx| {
                    let pair = asked.pair(store)?;
                    relate::relate(store, ctx, vec![pair], knowledge).await
                })
            }
        }
    }
}

/// Where a run goes.
pub enum Place<'a> {
    File(&'a mut Store),
    /// A team server's URL.
    Server(&'a str),
}

impl Place<'_> {
    /// Runs `role` here with a progress bar and Ctrl-C, then prints its summary; on a team
    /// server, reading the items in `scope`, and each item it adds goes to `reviews` distinct
    /// reviewers.
    fn run_role<F>(self, llm: &LlmArgs, reviews: u32, scope: &SnapshotScope, role: F) -> Result<()>
    where
        F: AsyncFnOnce(&mut Store, &RunContext<'_>) -> Result<RunSummary>,
    {
        match self {
            Place::File(store) => llm::run_role(store, llm, role),
            Place::Server(url) => llm::add_items_on_server(url, llm, reviews, scope, role),
        }
    }
}

/// The two products `relate` is asked about, as the command line names them.
pub struct PairAsked {
    product_a: Option<String>,
    product_b: Option<String>,
    products: Option<PathBuf>,
    from_item: Option<String>,
    domain: String,
}

impl PairAsked {
    /// What proposing relationships for this pair reads on a team server (see
    /// [`SnapshotScope::for_run`]): every item when the products come from an item, which may
    /// be of any domain.
    fn scope(&self, with_examples: bool) -> SnapshotScope {
        match self.from_item {
            Some(_) => SnapshotScope::Everything,
            None => SnapshotScope::for_run(Some(self.domain.clone()), with_examples),
        }
    }

    /// The pair, its products read from `store` (registered, or an item's), or from a file.
    fn pair(&self, store: &Store) -> Result<relate::ProductPair> {
        let (a, b) = (self.product_a.as_deref(), self.product_b.as_deref());
        let (source, target) = match (&self.from_item, &self.products, a, b) {
            (Some(item), ..) => relate::products_from_item(store, item)?,
            (None, Some(file), Some(a), Some(b)) => relate::products_from_file(file, a, b)?,
            (None, None, Some(a), Some(b)) => relate::products_from_registry(store, a, b)?,
            _ => {
                return Err(Error::BadRequest(
                    "name PRODUCT_A PRODUCT_B (registered, or with --products FILE), or use \
                     --from-item ITEM"
                        .into(),
                ));
            }
        };
        Ok(relate::ProductPair {
            domain: self.domain.clone(),
            source,
            target,
        })
    }
}
