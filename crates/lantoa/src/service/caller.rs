//! Who calls an agency's operation: one value made once per request from the
//! authorisation extractor (the web layer's `Authz`), or by the demo and the
//! benchmarks from a signed-in user, and handed to every service that works
//! in an agency.

use std::sync::Arc;

use super::Actor;
use super::accounts::Principal;
use crate::db::orgs::Org;
use crate::db::{DbResult, Tx};
use crate::domain::{Action, OrgId, UserId, policy};
use crate::error::Result;
use crate::state::AppState;

/// The state, the acting user as the audit trail names them, the signed-in
/// principal (for permission checks) and the agency the operation is for.
#[derive(Clone)]
pub struct Caller {
    pub st: AppState,
    pub actor: Actor,
    pub principal: Arc<Principal>,
    pub agency: Org,
}

impl Caller {
    pub fn new(st: &AppState, principal: Arc<Principal>, agency: Org, client_addr: &str) -> Caller {
        Caller {
            st: st.clone(),
            actor: principal.actor(client_addr),
            principal,
            agency,
        }
    }

    /// The caller for a user acting in an agency outside a request (the demo,
    /// the benchmarks): none when the user or the agency does not exist.
    pub async fn for_user(
        st: &AppState,
        user: UserId,
        agency: OrgId,
        client_addr: &str,
    ) -> Result<Option<Caller>> {
        let Some(principal) = super::accounts::principal_of(st, user).await? else {
            return Ok(None);
        };
        let (agency, _) = super::orgs::agency_target(st, agency).await?;
        Ok(Some(Caller::new(
            st,
            Arc::new(principal),
            agency,
            client_addr,
        )))
    }

    pub fn agency_id(&self) -> OrgId {
        self.agency.id
    }

    /// Whether the caller may perform `action` in this agency.
    pub fn may(&self, action: Action) -> bool {
        policy::allows(
            &self.principal.subject(),
            policy::Target {
                agency: self.agency.id,
                body: self.agency.parent_id,
            },
            action,
        )
    }

    /// Whether the caller may perform `action` in this agency, or
    /// `for_body` when the caller acts for a body.
    pub fn may_here(&self, action: Action, for_body: policy::BodyAction) -> bool {
        if self.agency.is_agency() {
            self.may(action)
        } else {
            policy::allows_in_body(&self.principal.subject(), self.agency.id, for_body)
        }
    }

    /// The clock's time and a write transaction: how every operation opens.
    pub async fn write(&self) -> Result<(Tx, i64)> {
        let now = self.st.now();
        Ok((self.st.db.write().await?, now))
    }

    /// Records the operation in the audit trail, in the agency, inside its
    /// transaction (see [`super::audit`]).
    pub async fn audit(
        &self,
        tx: &mut Tx,
        now: i64,
        action: &str,
        object: (&str, impl ToString),
        summary: serde_json::Value,
    ) -> DbResult<Option<i64>> {
        let (object_type, object_id) = object;
        super::audit(
            tx,
            &self.actor,
            Some(self.agency.id),
            action,
            object_type,
            object_id,
            summary,
            now,
        )
        .await
    }

    /// Records the operation in the audit trail, then commits: how most
    /// operations end.
    pub async fn audit_and_commit(
        &self,
        mut tx: Tx,
        now: i64,
        action: &str,
        object: (&str, impl ToString),
        summary: serde_json::Value,
    ) -> Result<()> {
        self.audit(&mut tx, now, action, object, summary).await?;
        tx.commit().await?;
        Ok(())
    }
}
