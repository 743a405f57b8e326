//! Where a command that runs on both kinds of database works: a local file, or a team server
//! as its login (where the login is the author and naming another is refused).

use vetted::team_server::TeamServer;
use vetted::{Error, Result, Store, reviewer};

pub enum Workspace<'a> {
    Local(&'a mut Store),
    /// The login writes; naming another author is refused.
    Server(Box<TeamServer>),
}

/// The author named with `--reviewer`, else the default reviewer (a local database).
pub fn who(author: Option<String>) -> String {
    author.unwrap_or_else(reviewer::default_reviewer)
}

/// Refuses another author: on a team server the login is the author.
pub fn as_login(author: Option<String>) -> Result<()> {
    match author {
        None => Ok(()),
        Some(_) => Err(Error::BadRequest(
            "on a team server you write as your login; leave out --reviewer".into(),
        )),
    }
}
