//! The commands that run on a team server (`--db postgres://USER@HOST:PORT/DATABASE`): import,
//! the queue (which claims work), decide, undo and redo, history, backup and export (from a
//! snapshot), and the team administration commands.
//! Everything else says it runs on a local database for now.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use vetted::domain::{Action, DecisionInput, Feedback};
use vetted::error::{Error, Result};
use vetted::team_server::{DEFAULT_LEASE, PushReport, SnapshotScope, TeamServer};

use crate::export::{ExportArgs, with_progress_bar};
use crate::output::print_json;
use crate::review::{Correction, cli_feedback, edit_of, enum_name, parse_cli_pick, pick_text};
use crate::team::RoleArg;

/// `vetted --db URL team …`.
#[derive(clap::Subcommand)]
pub enum TeamCommand {
    /// Create or upgrade the Vetted schema and its group roles on a PostgreSQL database, signed
    /// in as an administrator (a role that may create schemas and roles).
    Init { url: String },
    /// Create a reviewer's login (or keep an existing one) with a team role; needs CREATEROLE.
    AddReviewer {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Read the new login's password from the first line of standard input (it is sent
        /// to the server as a SCRAM-SHA-256 verifier, never in clear).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Stop a login signing in to this database (its other databases keep it): the items it
    /// holds go back to the queue, its decisions stay. Needs the database's ownership.
    RemoveReviewer { name: String },
    /// The logins that may sign in to this database, with their team roles.
    Reviewers,
    /// Give an item back before its lease ends (a skip), so another reviewer can take it.
    Release { item: String },
    /// Copy a local database's items and decision log (with their ids, reviewers, times and
    /// order) onto the server, as the schema's owner; pushing again adds only what is new.
    Push { local: PathBuf },
    /// Who is signed in, on which server, with which schema version.
    Whoami,
    /// Print where the work stands, and again within a second of every change anyone makes
    /// (decisions, undo, imports), until interrupted or for --seconds.
    Watch {
        #[arg(long)]
        seconds: Option<u64>,
    },
}

/// A decision as the CLI collects it for the server.
pub struct ServerDecision {
    pub item: String,
    pub action: Action,
    /// What an edit corrects.
    pub correction: Option<Correction>,
    pub pick: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub adjudicate: bool,
    /// Answers to the domain's review form, `QUESTION=VALUE`.
    pub form: Vec<String>,
    /// Verdicts on the answer's claims, `N=VERDICT[@LINK]`.
    pub claims: Vec<String>,
}

pub fn team(url: Option<&str>, command: TeamCommand) -> Result<()> {
    match command {
        TeamCommand::Init { url } => {
            let (mut server, applied) = TeamServer::init(&url)?;
            let version = server.schema_version()?;
            println!(
                "{}: Vetted schema version {version} ({applied} migration{} applied), signed in \
                 as {}",
                server.server(),
                if applied == 1 { "" } else { "s" },
                server.reviewer()
            );
            Ok(())
        }
        command => {
            let mut server = TeamServer::connect(url.ok_or_else(|| {
                Error::BadRequest(
                    "name the team server: vetted --db postgres://USER@HOST:PORT/DATABASE team …"
                        .into(),
                )
            })?)?;
            match command {
                TeamCommand::Init { .. } => unreachable!("handled above"),
                TeamCommand::AddReviewer {
                    name,
                    role,
                    password_stdin,
                } => {
                    let password = password_stdin.then(read_password).transpose()?;
                    server.add_reviewer(&name, role.into(), password.as_deref())?;
                    println!(
                        "reviewer {name} ({}) on {}",
                        vetted::team::Role::from(role).as_str(),
                        server.server()
                    );
                }
                TeamCommand::RemoveReviewer { name } => {
                    let removed = server.remove_reviewer(&name)?;
                    println!(
                        "{name} signs in to {} no more; {} held item{} back in the queue, {} \
                         open session{} closed",
                        server.server(),
                        removed.leases_released,
                        if removed.leases_released == 1 {
                            ""
                        } else {
                            "s"
                        },
                        removed.sessions_closed,
                        if removed.sessions_closed == 1 {
                            ""
                        } else {
                            "s"
                        },
                    );
                    if removed.sessions_open > 0 {
                        eprintln!(
                            "note: {name} still has {} open session{} here: each reads on until \
                             it ends, but writes nothing more (closing sessions needs a superuser \
                             or pg_signal_backend)",
                            removed.sessions_open,
                            if removed.sessions_open == 1 { "" } else { "s" },
                        );
                    }
                }
                TeamCommand::Reviewers => {
                    let reviewers = server.reviewers()?.reviewers;
                    if reviewers.is_empty() {
                        println!(
                            "no reviewers on {} yet: vetted team add-reviewer NAME --role ROLE",
                            server.server()
                        );
                    }
                    for reviewer in reviewers {
                        let roles: Vec<&str> = reviewer.roles.iter().map(|r| r.as_str()).collect();
                        println!("{}\t{}", reviewer.login, roles.join(", "));
                    }
                }
                TeamCommand::Release { item } => {
                    let held = server.release(&item)?;
                    println!(
                        "{item}: {}",
                        if held {
                            "released"
                        } else {
                            "was not held by you"
                        }
                    );
                }
                TeamCommand::Watch { seconds } => watch(&mut server, seconds)?,
                TeamCommand::Push { local } => {
                    let report = server.push(&local)?;
                    print_pushed(&local, server.server(), &report);
                }
                TeamCommand::Whoami => {
                    let version = server.schema_version()?;
                    println!(
                        "{} on {} (schema version {version}, {})",
                        server.reviewer(),
                        server.server(),
                        server.transport()
                    );
                }
            }
            Ok(())
        }
    }
}

/// After a change, further changes arriving within this window are counted once.
const SETTLE: Duration = Duration::from_millis(100);

fn watch(server: &mut TeamServer, seconds: Option<u64>) -> Result<()> {
    server.listen()?;
    let until = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    print_counts(server)?;
    loop {
        let left = match until {
            Some(until) => match until.checked_duration_since(Instant::now()) {
                Some(left) => left,
                None => return Ok(()),
            },
            None => Duration::from_secs(3600),
        };
        if server.changes(left)?.is_empty() {
            continue;
        }
        server.changes(SETTLE)?;
        print_counts(server)?;
    }
}

fn print_counts(server: &mut TeamServer) -> Result<()> {
    let counts = server.counts()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}  open {} · settled {} · conflict {} · held by you {}",
        chrono::Utc::now().format("%H:%M:%S%.3f"),
        counts.open,
        counts.settled,
        counts.conflict,
        counts.held
    )
    .and_then(|()| out.flush())
    .map_err(|e| Error::io("<stdout>", e))
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("<stdin>", e))?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err(Error::BadRequest(
            "--password-stdin: the first line of standard input is empty".into(),
        ));
    }
    Ok(password)
}

pub fn import(url: &str, files: &[PathBuf], overlap: Option<u32>) -> Result<()> {
    let mut server = TeamServer::connect(url)?;
    for file in files {
        let bar = crate::import::progress_bar();
        let result = server.import_path_cancellable(
            file,
            overlap.unwrap_or(1),
            crate::interrupt::cancel_flag(),
            &mut |p| crate::import::update(&bar, &p),
        );
        bar.finish_and_clear();
        println!("{}", result?);
    }
    Ok(())
}

/// `overlap set K [--domain D]` on the team server: the items nobody has reviewed or holds now
/// need `k` reviewers.
pub fn set_overlap(url: &str, domain: Option<&str>, k: u32) -> Result<()> {
    let change = TeamServer::connect(url)?.set_overlap(domain, k)?;
    let (items, need) = match change.changed {
        1 => ("item", "needs"),
        _ => ("items", "need"),
    };
    println!(
        "{} {items}{} now {need} {k} review{}; {} kept theirs (reviewed or held)",
        change.changed,
        domain.map_or(String::new(), |d| format!(" of domain {d}")),
        if k == 1 { "" } else { "s" },
        change.kept,
    );
    Ok(())
}

/// `overlap list` on the team server: how many items need each k, by domain.
pub fn overlaps(url: &str, json: bool) -> Result<()> {
    let shares = TeamServer::connect(url)?.overlaps()?;
    if json {
        print_json(&shares);
        return Ok(());
    }
    if shares.is_empty() {
        println!("no items on the server yet");
    }
    for share in shares {
        println!(
            "{:<32} k = {:<2}  {} item{}, {} not settled",
            share.domain,
            share.k,
            share.items,
            if share.items == 1 { "" } else { "s" },
            share.unsettled
        );
    }
    Ok(())
}

/// Claims up to `limit` items for the signed-in reviewer and lists what they hold.
pub fn queue(url: &str, limit: u32, json: bool) -> Result<()> {
    let mut server = TeamServer::connect(url)?;
    let held = server.claim(limit.clamp(1, 500), DEFAULT_LEASE)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&held).expect("claimed items serialize")
        );
        return Ok(());
    }
    let minutes = DEFAULT_LEASE.as_secs() / 60;
    println!(
        "{} holds {} item{} for {minutes} min on {}",
        server.reviewer(),
        held.len(),
        if held.len() == 1 { "" } else { "s" },
        server.server()
    );
    for item in &held {
        println!(
            "{:<24} v{:<3} {:<12} {:<14} {}",
            item.external_id,
            item.version,
            enum_name(&item.kind),
            item.domain,
            item.title
        );
    }
    Ok(())
}

pub fn decide(url: &str, args: ServerDecision) -> Result<()> {
    let mut server = TeamServer::connect(url)?;
    let current = server.item_shown(&args.item)?;
    let pick = args.pick.as_deref().map(parse_cli_pick).transpose()?;
    let edited = edit_of(&current, args.action, args.correction, pick)?;
    let input = DecisionInput {
        id: uuid::Uuid::now_v7().to_string(),
        item: args.item,
        item_version: current.version,
        reviewer: server.reviewer().to_owned(),
        action: args.action,
        edited,
        reason: args.reason,
        note: args.note,
    };
    // An edit's --pick names the candidate it started from, which its content carries.
    let pick = pick.filter(|_| args.action != Action::Edit);
    let (answers, claims) = match args.form.is_empty() && args.claims.is_empty() {
        true => Default::default(),
        false => {
            let form = match args.form.is_empty() {
                true => None,
                false => server.review_form(&current.domain)?,
            };
            cli_feedback(&current, form, &args.form, &args.claims, args.adjudicate)?
        }
    };
    let decision = if args.adjudicate {
        server.adjudicate(&input, pick)?
    } else {
        let feedback = Feedback {
            answers,
            claims,
            pick,
        };
        server.decide_with(&input, &feedback)?
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} by {} (decision {}){}",
        decision.item,
        enum_name(&decision.action),
        decision.reviewer,
        decision.id,
        decision
            .pick
            .map(|p| format!(", {}", pick_text(p)))
            .unwrap_or_default()
    )
    .and_then(|()| out.flush())
    .map_err(|e| Error::io("<stdout>", e))
}

/// `backup --out snap.db` on a server: a local snapshot of what the login may read.
pub fn snapshot(url: &str, out: &std::path::Path) -> Result<()> {
    let mut server = TeamServer::connect(url)?;
    let report = with_progress_bar("reading the server ", |on_progress| {
        server.snapshot(out, on_progress, crate::interrupt::cancel_flag())
    })?;
    println!(
        "{} → {}: {} items, {} events",
        server.server(),
        out.display(),
        report.items_added,
        report.decisions_added
    );
    Ok(())
}

/// `export` on a server: the login's snapshot, read into a temporary folder (deleted
/// afterwards) once the export's options are checked, exported as from a local database.
pub fn export(url: &str, args: ExportArgs) -> Result<()> {
    let planned = args.plan()?;
    let mut server = TeamServer::connect(url)?;
    let snapshot = with_progress_bar("reading the server ", |on_progress| {
        server.temporary_snapshot(
            &SnapshotScope::Everything,
            on_progress,
            crate::interrupt::cancel_flag(),
        )
    })?;
    let store = vetted::Store::open(snapshot.path())?;
    crate::export::run(&store, planned)
}

/// `do-not-train ITEM [--clear]` on a server, as the login.
pub fn set_do_not_train(url: &str, item: &str, flag: bool) -> Result<()> {
    let mut server = TeamServer::connect(url)?;
    server.set_do_not_train(item, flag)?;
    if flag {
        println!("{item}: left out of training exports");
    } else {
        println!("{item}: back in training exports");
    }
    Ok(())
}

/// `sync merge BUNDLE` on a server, as its owner.
pub fn merge_bundle(url: &str, bundle: &std::path::Path) -> Result<()> {
    let mut server = TeamServer::connect(url)?;
    let report = server.merge_bundle(bundle)?;
    print_pushed(bundle, server.server(), &report);
    Ok(())
}

fn print_pushed(from: &std::path::Path, to: &str, report: &PushReport) {
    println!(
        "{} → {to}: items {} new, {} already there; events {} new, {} already there",
        from.display(),
        report.items.new,
        report.items.already_present,
        report.events,
        report.already_there
    );
    if report.annotations > 0 {
        println!(
            "tags, do-not-train marks, guidelines, claim settings and data products: {} new or newer",
            report.annotations
        );
    }
    for refused in &report.products_refused {
        println!("data product not pushed (the server refuses it): {refused}");
    }
}

/// `adjudication list` on a server: the items whose reviews disagree.
pub fn conflicts(url: &str, limit: u32, json: bool) -> Result<()> {
    let mut server = TeamServer::connect(url)?;
    let cases = server.conflicts(limit)?;
    if json {
        let cases: Vec<serde_json::Value> = cases
            .iter()
            .map(|(item, title, decisions)| {
                serde_json::json!({"item": item, "title": title, "decisions": decisions})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&cases).expect("cases serialize")
        );
        return Ok(());
    }
    if cases.is_empty() {
        println!("no item awaits adjudication");
    }
    for (item, title, decisions) in &cases {
        crate::team::print_case(item, title, decisions);
    }
    Ok(())
}
