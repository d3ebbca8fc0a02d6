//! Application operations shared by the web pages, the JSON API and the CLI.
//!
//! Each operation validates its input, changes the database and writes the audit
//! entry in one transaction: either all of it lands or none of it does.
//! Authorisation by role is decided before an operation is called (the web
//! layer's `Authz`); operations still check that the objects they touch belong to
//! the agency they were called for.

pub mod accounts;
pub mod calendar;
mod caller;
pub mod campaigns;
pub mod channels;
pub mod clips;
pub mod dashboard;
pub mod files;
pub mod incidents;
pub mod insights;
pub mod jobs;
pub mod members;
pub mod orgs;
pub mod outlet;
pub mod principals;
pub mod profile;
pub mod publish;
pub mod push;
pub mod review;
pub mod scorecard;
pub mod sharing;
pub mod subtitles;
pub mod surveys;
pub mod uploads;
pub(crate) mod work;

pub use caller::Caller;

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

/// Records one change in the audit trail, inside the change's transaction, and
/// returns its sequence number.
///
/// An entry whose `before` equals its `after` records no change: it is not
/// written (`None`). Operations should notice a no-op themselves and change
/// nothing; this keeps the trail free of non-events when one does not.
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
) -> DbResult<Option<i64>> {
    if is_no_change(&summary) {
        tracing::debug!(action, "no change: no audit entry");
        return Ok(None);
    }
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
    .map(Some)
}

/// Whether an audit summary says nothing changed: a `before` equal to its `after`.
fn is_no_change(summary: &serde_json::Value) -> bool {
    matches!((summary.get("before"), summary.get("after")), (Some(b), Some(a)) if b == a)
}

#[cfg(test)]
mod tests {
    use super::is_no_change;
    use serde_json::json;

    #[test]
    fn p06_an_entry_whose_before_equals_its_after_is_no_change() {
        assert!(is_no_change(
            &json!({"before": {"status": "disconnected"}, "after": {"status": "disconnected"}, "name": "x"})
        ));
        assert!(is_no_change(
            &json!({"before": ["editor"], "after": ["editor"]})
        ));
        assert!(!is_no_change(
            &json!({"before": {"status": "active"}, "after": {"status": "disconnected"}})
        ));
        assert!(!is_no_change(&json!({"after": {"name": "x"}})));
        assert!(!is_no_change(&json!({})));
    }
}
