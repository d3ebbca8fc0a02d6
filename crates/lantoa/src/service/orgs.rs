//! The overseeing body and its agencies.

use super::accounts::Principal;
use super::{Actor, audit};
use crate::db::orgs::{self, NewOrg, Org};
use crate::domain::{Invalid, OrgId, OrgName, Role, Slug, policy};
use crate::error::{Error, Result};
use crate::state::AppState;
use serde_json::json;

/// Creates the overseeing body or an agency (`parent` is the agency's body).
pub async fn create(
    st: &AppState,
    actor: &Actor,
    kind: &str,
    parent: Option<OrgId>,
    slug: &str,
    name: &str,
    time_zone: Option<&str>,
) -> Result<OrgId> {
    if !actor.is_system_admin {
        return Err(Error::Forbidden);
    }
    let slug = Slug::parse(slug)?;
    let name = OrgName::parse(name)?;
    let tz = time_zone
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(&st.config.time_zone);
    if jiff::tz::TimeZone::get(tz).is_err() {
        return Err(Invalid::new("time_zone", "invalid-time-zone").into());
    }
    let now = st.now();
    let mut tx = st.db.write().await?;
    if let Some(p) = parent {
        match orgs::get(&mut tx, p).await? {
            Some(o) if o.kind == "body" => {}
            _ => return Err(Invalid::new("parent", "invalid-parent").into()),
        }
    }
    if orgs::by_slug(&mut tx, slug.as_str()).await?.is_some() {
        return Err(Error::Conflict("slug-taken"));
    }
    let id = orgs::insert(
        &mut tx,
        NewOrg {
            kind,
            parent_id: parent,
            slug: slug.as_str(),
            name: name.as_str(),
            time_zone: tz,
            now,
        },
    )
    .await?;
    let agency = (kind == "agency").then_some(id);
    audit(
        &mut tx,
        actor,
        agency,
        if kind == "agency" {
            "agency.create"
        } else {
            "body.create"
        },
        "org",
        id,
        json!({"after": {"slug": slug.as_str(), "name": name.as_str(), "time_zone": tz,
                         "parent": parent}}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Agencies the principal can enter, by name.
pub async fn visible_agencies(st: &AppState, p: &Principal) -> Result<Vec<Org>> {
    let mut tx = st.db.read().await?;
    visible_agencies_in(&mut tx, p).await
}

/// The agencies the principal oversees: those of the bodies where they are an
/// overseer; every agency for a system administrator. An agency they only
/// work in is not one of them: the province-wide figures are their bodies'.
pub async fn overseen_agencies(st: &AppState, p: &Principal) -> Result<Vec<Org>> {
    let mut tx = st.db.read().await?;
    if p.is_system_admin {
        return Ok(orgs::all_agencies(&mut tx).await?);
    }
    let mut out: Vec<Org> = Vec::new();
    for (org, role) in &p.memberships {
        if *role == Role::Overseer {
            out.extend(orgs::agencies_of_body(&mut tx, *org).await?);
        }
    }
    out.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    out.dedup_by_key(|o| o.id);
    Ok(out)
}

/// [`visible_agencies`] inside the caller's transaction: a query per body
/// overseen, and one per other agency (a page's navigation reads this).
pub async fn visible_agencies_in(tx: &mut crate::db::Tx, p: &Principal) -> Result<Vec<Org>> {
    if p.is_system_admin {
        return Ok(orgs::all_agencies(tx).await?);
    }
    let mut out: Vec<Org> = Vec::new();
    for (org, role) in &p.memberships {
        if *role == Role::Overseer {
            out.extend(orgs::agencies_of_body(tx, *org).await?);
        }
    }
    let mut ids: Vec<OrgId> = p
        .memberships
        .iter()
        .filter(|(o, r)| *r != Role::Overseer && !out.iter().any(|a| a.id == *o))
        .map(|(o, _)| *o)
        .collect();
    ids.sort();
    ids.dedup();
    out.extend(orgs::by_ids(tx, &ids).await?);
    out.retain(Org::is_agency);
    out.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    out.dedup_by_key(|o| o.id);
    Ok(out)
}

/// The agency with this id and the policy target for it; not found for bodies.
pub async fn agency_target(st: &AppState, id: OrgId) -> Result<(Org, policy::Target)> {
    let mut tx = st.db.read().await?;
    let org = orgs::get(&mut tx, id)
        .await?
        .filter(Org::is_agency)
        .ok_or(Error::NotFound)?;
    let target = policy::Target {
        agency: org.id,
        body: org.parent_id,
    };
    Ok((org, target))
}

/// The coordinating body `id`, or not found when it is not one.
pub async fn body(st: &AppState, id: OrgId) -> Result<Org> {
    let mut tx = st.db.read().await?;
    orgs::get(&mut tx, id)
        .await?
        .filter(|o| o.kind == "body")
        .ok_or(Error::NotFound)
}
