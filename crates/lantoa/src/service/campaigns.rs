//! Campaigns of the coordinating body around a major event: the overseer
//! sets the theme, dates, hashtags, brief and reference files, the agencies
//! taking part and the clips expected of each; agencies tag their clips to
//! it; its page follows each agency's clips from planned to published with
//! their reach and completion, and the overseer reminds those behind.

use serde_json::json;

use super::files::{self, Checked};
use crate::db::campaigns::{self as cdb, Campaign, Fields, Stages};
use crate::db::review as rdb;
use crate::db::{Tx, orgs, users};
use crate::domain::campaign::{CampaignSpec, expected};
use crate::domain::{Invalid, OrgId, Role};
use crate::error::{Error, Refusal, Result};
use crate::insights::report::{completion, median};
use crate::service::Caller;
use crate::state::AppState;

/// A campaign as the overseer's form or the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CampaignForm {
    pub name: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub brief: String,
    /// Hashtags as typed ("#a #b, c").
    #[serde(default)]
    pub hashtags: String,
    /// The first and last day, `YYYY-MM-DD`, in the body's time zone.
    pub starts_on: String,
    pub ends_on: String,
    /// The agencies taking part and the clips expected of each.
    #[serde(default)]
    pub agencies: Vec<(i64, i64)>,
}

/// The form's fields checked: the spec and who takes part.
async fn checked(
    tx: &mut Tx,
    body: &orgs::Org,
    f: &CampaignForm,
) -> Result<(CampaignSpec, Vec<(OrgId, i64)>)> {
    let day = |s: &str, field: &'static str| {
        crate::clock::local_date_start_ms(s, &body.time_zone)
            .ok_or(Invalid::new(field, "campaign-dates-invalid"))
    };
    let starts = day(&f.starts_on, "starts_on")?;
    let ends = day(&f.ends_on, "ends_on")? + 86_400_000;
    let spec = CampaignSpec::parse(&f.name, &f.theme, &f.brief, &f.hashtags, starts, ends)?;
    let members = orgs::agencies_of_body(tx, body.id).await?;
    let mut agencies = Vec::new();
    for (a, n) in &f.agencies {
        if !members.iter().any(|m| m.id.0 == *a) {
            return Err(Invalid::new("agencies", "campaign-agency-unknown").into());
        }
        if !agencies.iter().any(|(x, _): &(OrgId, i64)| x.0 == *a) {
            agencies.push((OrgId(*a), expected(*n)?));
        }
    }
    if agencies.is_empty() {
        return Err(Invalid::new("agencies", "campaign-no-agency").into());
    }
    Ok((spec, agencies))
}

/// Who takes part, as the audit trail records it.
fn expected_json(agencies: &[(OrgId, i64)]) -> serde_json::Value {
    agencies
        .iter()
        .map(|(a, n)| json!({"agency": a, "expected": n}))
        .collect()
}

fn fields<'a>(spec: &'a CampaignSpec, hashtags: &'a str) -> Fields<'a> {
    Fields {
        name: &spec.name,
        theme: &spec.theme,
        brief: &spec.brief,
        hashtags,
        starts_at: spec.starts_at,
        ends_at: spec.ends_at,
    }
}

/// The overseer creates a campaign; the agencies taking part are told.
/// `caller` acts for the body.
pub async fn create(caller: &Caller, f: CampaignForm, file: Option<Checked>) -> Result<i64> {
    let key = store(caller, file.as_ref()).await?;
    let (mut tx, now) = caller.write().await?;
    let (spec, agencies) = checked(&mut tx, &caller.agency, &f).await?;
    let tags = serde_json::to_string(&spec.hashtags).unwrap_or_else(|_| "[]".into());
    let id = cdb::insert(
        &mut tx,
        caller.agency.id,
        &fields(&spec, &tags),
        caller.principal.user_id,
        now,
    )
    .await?;
    cdb::set_agencies(&mut tx, id, &agencies).await?;
    add_file(&mut tx, id, file.as_ref(), key.as_deref(), now).await?;
    for (a, n) in &agencies {
        let args = json!({"by": caller.principal.display_name, "note": spec.name, "step": n,
            "link": format!("/a/{a}/campaigns/{id}")});
        tell_agency(&mut tx, *a, "campaign_started", &args, now).await?;
    }
    let summary = json!({"after": {"name": spec.name, "starts_at": spec.starts_at,
        "ends_at": spec.ends_at, "hashtags": spec.hashtags, "agencies": expected_json(&agencies)}});
    caller
        .audit_and_commit(tx, now, "campaign.create", ("campaign", id), summary)
        .await?;
    Ok(id)
}

/// The overseer changes a campaign (and may add a reference file).
pub async fn update(
    caller: &Caller,
    id: i64,
    f: CampaignForm,
    file: Option<Checked>,
) -> Result<()> {
    let key = store(caller, file.as_ref()).await?;
    let (mut tx, now) = caller.write().await?;
    let before = of_body(&mut tx, caller.agency.id, id).await?;
    let (spec, agencies) = checked(&mut tx, &caller.agency, &f).await?;
    let tags = serde_json::to_string(&spec.hashtags).unwrap_or_else(|_| "[]".into());
    cdb::update(&mut tx, id, &fields(&spec, &tags), now).await?;
    let had = cdb::agencies(&mut tx, id).await?;
    cdb::set_agencies(&mut tx, id, &agencies).await?;
    add_file(&mut tx, id, file.as_ref(), key.as_deref(), now).await?;
    let summary = json!({
        "before": {"name": before.name, "starts_at": before.starts_at, "ends_at": before.ends_at,
            "hashtags": before.hashtag_list(),
            "agencies": expected_json(&had.iter().map(|(a, n, _)| (*a, *n)).collect::<Vec<_>>())},
        "after": {"name": spec.name, "starts_at": spec.starts_at, "ends_at": spec.ends_at,
            "hashtags": spec.hashtags, "agencies": expected_json(&agencies),
            "file": file.as_ref().map(|f| &f.name)}});
    caller
        .audit_and_commit(tx, now, "campaign.update", ("campaign", id), summary)
        .await
}

async fn store(caller: &Caller, file: Option<&Checked>) -> Result<Option<String>> {
    match file {
        Some(f) => Ok(Some(
            files::store(&caller.st, &format!("campaigns/{}", caller.agency.id), f).await?,
        )),
        None => Ok(None),
    }
}

async fn add_file(
    tx: &mut Tx,
    id: i64,
    file: Option<&Checked>,
    key: Option<&str>,
    now: i64,
) -> Result<()> {
    if let (Some(f), Some(k)) = (file, key) {
        cdb::add_file(tx, id, k, &f.name, f.mime, f.bytes.len() as i64, now).await?;
    }
    Ok(())
}

/// Tells the agency's head, deputies and editors.
async fn tell_agency(
    tx: &mut Tx,
    agency: OrgId,
    kind: &str,
    args: &serde_json::Value,
    now: i64,
) -> Result<usize> {
    let who = users::holding(tx, agency, &[Role::Head, Role::Deputy, Role::Editor]).await?;
    let args = args.to_string();
    for u in &who {
        rdb::notify(tx, *u, agency, None, kind, &args, now).await?;
    }
    Ok(who.len())
}

/// The body's campaign `id`, or not found.
async fn of_body(tx: &mut Tx, body: OrgId, id: i64) -> Result<Campaign> {
    cdb::get(tx, id)
        .await?
        .filter(|c| c.body_id == body)
        .ok_or(Error::NotFound)
}

/// Reminds the agencies that have published fewer clips than expected;
/// returns how many were reminded.
pub async fn remind(caller: &Caller, id: i64) -> Result<usize> {
    let (mut tx, now) = caller.write().await?;
    let c = of_body(&mut tx, caller.agency.id, id).await?;
    if now >= c.ends_at {
        return Err(Refusal::new("campaign_ended", "campaign-ended").into());
    }
    let stages = cdb::stages(&mut tx, id).await?;
    let mut reminded = Vec::new();
    for (a, expected, _) in cdb::agencies(&mut tx, id).await? {
        let done = stages
            .iter()
            .find(|s| s.agency_id == a)
            .map_or(0, |s| s.published);
        if done >= expected {
            continue;
        }
        let args = json!({"by": caller.principal.display_name, "note": c.name,
            "step": format!("{done}/{expected}"), "link": format!("/a/{a}/campaigns/{id}")});
        tell_agency(&mut tx, a, "campaign_reminder", &args, now).await?;
        cdb::reminded(&mut tx, id, a, now).await?;
        reminded.push(a);
    }
    let n = reminded.len();
    caller
        .audit_and_commit(
            tx,
            now,
            "campaign.remind",
            ("campaign", id),
            json!({"after": {"reminded": reminded}}),
        )
        .await?;
    Ok(n)
}

/// Whether a clip of `agency` may be tagged to campaign `id`: the agency
/// takes part and the campaign has not ended.
pub async fn check_tag(tx: &mut Tx, agency: OrgId, id: i64, now: i64) -> Result<()> {
    let taking_part = cdb::agencies(tx, id)
        .await?
        .iter()
        .any(|(a, ..)| *a == agency);
    let c = cdb::get(tx, id).await?;
    match c {
        Some(c) if taking_part && now < c.ends_at => Ok(()),
        _ => Err(Invalid::new("campaign_id", "campaign-not-open").into()),
    }
}

/// The campaigns a clip of the agency may be tagged to now.
pub async fn open_for(st: &AppState, agency: OrgId) -> Result<Vec<Campaign>> {
    let mut tx = st.db.read().await?;
    let now = st.now();
    Ok(cdb::of_agency(&mut tx, agency)
        .await?
        .into_iter()
        .filter(|c| now < c.ends_at)
        .collect())
}

/// The body's campaigns.
pub async fn list_of_body(st: &AppState, body: OrgId) -> Result<Vec<Campaign>> {
    let mut tx = st.db.read().await?;
    Ok(cdb::of_body(&mut tx, body).await?)
}

/// One agency's part in a campaign.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AgencyPart {
    pub agency_id: OrgId,
    pub agency: String,
    pub expected: i64,
    pub stages: Stages,
    /// Posts out per platform code.
    pub channels: Vec<(String, i64)>,
    pub views: Option<f64>,
    pub reach: Option<f64>,
    /// Median completion of its posts (0–1).
    pub completion: Option<f64>,
    pub reminded_at: Option<i64>,
}

/// A campaign with each agency's part and its reference files.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub campaign: Campaign,
    pub parts: Vec<AgencyPart>,
    pub files: Vec<cdb::File>,
}

/// The campaign's progress, for the body (`agency`: none) or one agency
/// taking part (only its own part).
pub async fn progress(
    st: &AppState,
    body: OrgId,
    id: i64,
    agency: Option<OrgId>,
) -> Result<Progress> {
    let mut tx = st.db.read().await?;
    let campaign = of_body(&mut tx, body, id).await?;
    let taking = cdb::agencies(&mut tx, id).await?;
    if agency.is_some_and(|a| !taking.iter().any(|(x, ..)| *x == a)) {
        return Err(Error::NotFound);
    }
    let stages = cdb::stages(&mut tx, id).await?;
    let posts = crate::db::insights::campaign_posts(&mut tx, id).await?;
    let names = orgs::by_ids(
        &mut tx,
        &taking.iter().map(|(a, ..)| *a).collect::<Vec<_>>(),
    )
    .await?;
    let files = cdb::files(&mut tx, id).await?;
    let parts = taking
        .iter()
        .filter(|(a, ..)| agency.is_none_or(|x| x == *a))
        .map(|(a, expected, reminded_at)| {
            let mine: Vec<_> = posts.iter().filter(|p| p.agency_id == *a).collect();
            let mut channels: Vec<(String, i64)> = Vec::new();
            for p in &mine {
                match channels.iter_mut().find(|(k, _)| *k == p.platform) {
                    Some((_, n)) => *n += 1,
                    None => channels.push((p.platform.clone(), 1)),
                }
            }
            let sum = |i: usize| {
                let v: Vec<f64> = mine.iter().filter_map(|p| p.latest[i]).collect();
                (!v.is_empty()).then(|| v.iter().sum())
            };
            let mut done: Vec<f64> = mine.iter().filter_map(|p| completion(p)).collect();
            AgencyPart {
                agency_id: *a,
                agency: names
                    .iter()
                    .find(|o| o.id == *a)
                    .map_or(String::new(), |o| o.name.clone()),
                expected: *expected,
                stages: stages
                    .iter()
                    .find(|s| s.agency_id == *a)
                    .cloned()
                    .unwrap_or_else(|| Stages::none(*a)),
                channels,
                views: sum(crate::db::insights::VIEWS),
                reach: sum(crate::db::insights::REACH),
                completion: median(&mut done),
                reminded_at: *reminded_at,
            }
        })
        .collect();
    Ok(Progress {
        campaign,
        parts,
        files,
    })
}

/// A reference file of a campaign the agency (or the body) may read.
pub async fn file(
    st: &AppState,
    body: OrgId,
    id: i64,
    agency: Option<OrgId>,
    fid: i64,
) -> Result<cdb::File> {
    let mut tx = st.db.read().await?;
    of_body(&mut tx, body, id).await?;
    if let Some(a) = agency
        && !cdb::agencies(&mut tx, id)
            .await?
            .iter()
            .any(|(x, ..)| *x == a)
    {
        return Err(Error::NotFound);
    }
    cdb::files(&mut tx, id)
        .await?
        .into_iter()
        .find(|f| f.id == fid)
        .ok_or(Error::NotFound)
}

/// The agency's clips tagged to the campaign: (id, title, state).
pub async fn clips_of(st: &AppState, id: i64, agency: OrgId) -> Result<Vec<(i64, String, String)>> {
    let mut tx = st.db.read().await?;
    Ok(cdb::clips_of(&mut tx, id, agency).await?)
}

/// The campaigns the agency takes part in that `keep` keeps, with its
/// expected clips and progress: what its home (the running ones) and its
/// campaign list (all) show.
pub async fn for_agency(
    st: &AppState,
    agency: &orgs::Org,
    keep: impl Fn(&Campaign) -> bool,
) -> Result<Vec<(Campaign, AgencyPart)>> {
    let Some(body) = agency.parent_id else {
        return Ok(Vec::new());
    };
    let list = {
        let mut tx = st.db.read().await?;
        cdb::of_agency(&mut tx, agency.id).await?
    };
    let mut out = Vec::new();
    for c in list.into_iter().filter(|c| keep(c)) {
        let p = progress(st, body, c.id, Some(agency.id)).await?;
        if let Some(part) = p.parts.into_iter().next() {
            out.push((c, part));
        }
    }
    Ok(out)
}
