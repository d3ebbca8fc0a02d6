//! Organisations: the overseeing body and its member agencies.

use super::{DbResult, Tx, sql};
use crate::domain::OrgId;
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Org {
    pub id: OrgId,
    /// `body` or `agency`.
    pub kind: String,
    pub parent_id: Option<OrgId>,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub created_at: i64,
}

impl Org {
    pub fn is_agency(&self) -> bool {
        self.kind == "agency"
    }

    /// Where its pages live: `/a/{id}` for an agency, `/b/{id}` for a body.
    pub fn base_path(&self) -> String {
        if self.is_agency() {
            format!("/a/{}", self.id)
        } else {
            format!("/b/{}", self.id)
        }
    }
}

macro_rules! select_org {
    ($rest:literal) => {
        concat!(
            "SELECT id, kind, parent_id, slug, name, time_zone, created_at FROM orgs ",
            $rest
        )
    };
}

pub struct NewOrg<'a> {
    pub kind: &'a str,
    pub parent_id: Option<OrgId>,
    pub slug: &'a str,
    pub name: &'a str,
    pub time_zone: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, o: NewOrg<'_>) -> DbResult<OrgId> {
    let id: i64 = sql!(tx, scalar fetch_one
        "INSERT INTO orgs (kind, parent_id, slug, name, time_zone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        o.kind, o.parent_id, o.slug, o.name, o.time_zone, o.now)?;
    Ok(OrgId(id))
}

pub async fn get(tx: &mut Tx, id: OrgId) -> DbResult<Option<Org>> {
    Ok(sql!(tx, fetch_optional select_org!("WHERE id = $1"), id)?)
}

pub async fn by_slug(tx: &mut Tx, slug: &str) -> DbResult<Option<Org>> {
    Ok(sql!(tx, fetch_optional select_org!("WHERE slug = $1"), slug)?)
}

/// Every agency, by name.
pub async fn all_agencies(tx: &mut Tx) -> DbResult<Vec<Org>> {
    Ok(sql!(tx, fetch_all select_org!("WHERE kind = 'agency' ORDER BY name"))?)
}

/// Every organisation of a kind, by name.
pub async fn all_of_kind(tx: &mut Tx, kind: &str) -> DbResult<Vec<Org>> {
    Ok(sql!(tx, fetch_all select_org!("WHERE kind = $1 ORDER BY name"), kind)?)
}

/// The agencies of one overseeing body, by name.
pub async fn agencies_of_body(tx: &mut Tx, body: OrgId) -> DbResult<Vec<Org>> {
    Ok(sql!(tx, fetch_all
        select_org!("WHERE kind = 'agency' AND parent_id = $1 ORDER BY name"),
        body)?)
}

/// The organisations with these ids, by name.
pub async fn by_ids(tx: &mut Tx, ids: &[OrgId]) -> DbResult<Vec<Org>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(o) = get(tx, *id).await? {
            out.push(o);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by_key(|o| o.id);
    Ok(out)
}
