//! Application operations shared by the web pages, the JSON API and the CLI.
//!
//! Each operation validates its input, changes the database and writes the audit
//! entry in one transaction: either all of it lands or none of it does.
//! Authorisation by role is decided before an operation is called (the web
//! layer's `Authz`); operations still check that the objects they touch belong to
//! the agency they were called for.

pub mod accounts;
pub mod channels;
pub mod clips;
pub mod dashboard;
pub mod jobs;
pub mod members;
pub mod orgs;
pub mod profile;
pub mod publish;
pub mod review;
pub mod uploads;

use crate::db::audit::{NewEntry, append};
use crate::db::{DbResult, Tx};
use crate::domain::{OrgId, UserId};

/// Who is acting, for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub name: String,
    pub client_addr: String,
    pub is_system_admin: bool,
}

impl Actor {
    /// The command line, run by an operator on the server.
    pub fn cli() -> Actor {
        let who = std::env::var("USER").unwrap_or_else(|_| "operator".into());
        Actor {
            user_id: None,
            name: format!("cli:{who}"),
            client_addr: "local".into(),
            is_system_admin: true,
        }
    }
}

/// Records one change in the audit trail, inside the change's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    agency: Option<OrgId>,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    summary: serde_json::Value,
    now: i64,
) -> DbResult<i64> {
    append(
        tx,
        &NewEntry {
            actor_id: actor.user_id,
            actor_name: &actor.name,
            agency_id: agency,
            action,
            object_type,
            object_id: object_id.to_string(),
            summary,
            client_addr: &actor.client_addr,
        },
        now,
    )
    .await
}
