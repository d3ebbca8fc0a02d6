//! Incidents reported to the coordinating body: an agency reports one (a
//! takedown opens one by itself), keeps its timeline of what was done with
//! files attached; the body acknowledges it, asks for more, and closes it with
//! a conclusion. Each step is audited in the agency and told to the other
//! side; an incident the body has not acknowledged within its severity's
//! time is overdue.

use serde_json::json;

use super::files::{self, Checked};
use crate::db::incidents::{self as idb, Attached, Event, Incident, NewIncident};
use crate::db::review as rdb;
use crate::db::{Tx, users};
use crate::domain::incident::{self, IncidentKind, IncidentState, Severity, Step};
use crate::domain::{Action, ChannelId, ClipId, Invalid, OrgId, Role, UserId, policy};
use crate::error::{Arg, Error, Refusal, Result};
use crate::service::{Actor, Caller, audit};
use crate::state::AppState;

/// An incident as an agency reports it.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct Report {
    /// correction, channel_compromised, platform_removal, harmful_content or other
    /// (takedowns open their own).
    pub kind: String,
    /// low, medium, high or critical.
    pub severity: String,
    /// What happened, in one line.
    pub title: String,
    /// What happened and what was done so far.
    pub description: String,
    /// The agency's clips it is about.
    #[serde(default)]
    pub clips: Vec<i64>,
    /// The agency's channels it is about.
    #[serde(default)]
    pub channels: Vec<i64>,
}

/// An incident with what it is about and its timeline.
pub struct Detail {
    pub incident: Incident,
    pub clips: Vec<(ClipId, String)>,
    pub channels: Vec<(ChannelId, String, String)>,
    pub events: Vec<Event>,
}

/// Whether the body is late acknowledging it.
pub fn overdue(i: &Incident, now: i64) -> bool {
    i.state == IncidentState::Open.as_str() && i.due_at.is_some_and(|d| now > d)
}

/// The page of an incident, for notices.
fn link(agency: OrgId, id: i64) -> String {
    format!("/a/{agency}/incidents/{id}")
}

/// Opens an incident inside the caller's transaction (a report, or a
/// takedown's), with its first timeline entry; tells the body's overseers.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn open_in(
    tx: &mut Tx,
    st: &AppState,
    agency: &crate::db::orgs::Org,
    by: UserId,
    by_name: &str,
    kind: IncidentKind,
    severity: Severity,
    reason: &str,
    details: &str,
    subjects: (&[ClipId], &[ChannelId]),
    now: i64,
) -> Result<i64> {
    let hours = st.config.response_hours().of(severity);
    let id = idb::open(
        tx,
        NewIncident {
            agency: agency.id,
            clip: (kind == IncidentKind::Takedown)
                .then(|| subjects.0.first().copied())
                .flatten(),
            kind: kind.as_str(),
            severity: severity.as_str(),
            reason,
            details,
            by,
            year_start: crate::clock::year_start_ms(now, &agency.time_zone),
            due_at: now + hours * 3_600_000,
            now,
        },
    )
    .await?;
    for c in subjects.0 {
        idb::add_subject(tx, id, Some(*c), None).await?;
    }
    for c in subjects.1 {
        idb::add_subject(tx, id, None, Some(*c)).await?;
    }
    idb::add_event(tx, id, "opened", reason, Some(by), None, now).await?;
    if let Some(body) = agency.parent_id {
        let args = json!({"by": by_name, "from": agency.name, "note": reason, "link": link(agency.id, id)});
        let who = overseers(tx, body).await?;
        tell(tx, &who, agency.id, "incident_opened", &args, now).await?;
    }
    Ok(id)
}

/// The overseers of a body.
async fn overseers(tx: &mut Tx, body: OrgId) -> Result<Vec<UserId>> {
    Ok(users::holding(tx, body, &[Role::Overseer]).await?)
}

/// The agency's people who report and answer incidents, and who opened it.
async fn reporters(tx: &mut Tx, i: &Incident) -> Result<Vec<UserId>> {
    let mut out = users::holding(tx, i.agency_id, Action::ReportIncident.allowed_roles()).await?;
    out.extend(i.opened_by);
    out.sort();
    out.dedup();
    Ok(out)
}

async fn tell(
    tx: &mut Tx,
    who: &[UserId],
    agency: OrgId,
    kind: &str,
    args: &serde_json::Value,
    now: i64,
) -> Result<()> {
    let args = args.to_string();
    for u in who {
        rdb::notify(tx, *u, agency, None, kind, &args, now).await?;
    }
    Ok(())
}

/// An agency reports an incident to its body.
pub async fn report(caller: &Caller, r: Report, file: Option<Checked>) -> Result<i64> {
    let kind = IncidentKind::parse(&r.kind)
        .filter(|k| *k != IncidentKind::Takedown)
        .ok_or(Invalid::new("kind", "incident-kind-invalid"))?;
    let severity = Severity::parse(&r.severity)
        .ok_or(Invalid::new("severity", "incident-severity-invalid"))?;
    let title = incident::title(&r.title)?;
    let description = incident::text(&r.description, "description")?;
    if caller.agency.parent_id.is_none() {
        return Err(Refusal::new("no_body", "incident-no-body").into());
    }
    let key = match &file {
        Some(f) => {
            Some(files::store(&caller.st, &format!("incidents/{}", caller.agency.id), f).await?)
        }
        None => None,
    };
    let (mut tx, now) = caller.write().await?;
    let mut clips = Vec::new();
    for c in r.clips.iter().copied().map(ClipId) {
        crate::db::clips::get(&mut tx, caller.agency.id, c)
            .await?
            .ok_or(Invalid::new("clips", "incident-subject-unknown"))?;
        clips.push(c);
    }
    let mut channels = Vec::new();
    for c in r.channels.iter().copied().map(ChannelId) {
        crate::db::publishing::channel(&mut tx, caller.agency.id, c)
            .await?
            .ok_or(Invalid::new("channels", "incident-subject-unknown"))?;
        channels.push(c);
    }
    clips.dedup();
    channels.dedup();
    let id = open_in(
        &mut tx,
        &caller.st,
        &caller.agency,
        caller.principal.user_id,
        &caller.principal.display_name,
        kind,
        severity,
        &title,
        "{}",
        (&clips, &channels),
        now,
    )
    .await?;
    idb::add_event(
        &mut tx,
        id,
        "note",
        &description,
        Some(caller.principal.user_id),
        attached(&file, &key),
        now,
    )
    .await?;
    let summary = json!({"after": {"kind": kind, "severity": severity, "title": title,
        "clips": clips, "channels": channels, "file": file.as_ref().map(|f| &f.name)}});
    caller
        .audit_and_commit(tx, now, "incident.reported", ("incident", id), summary)
        .await?;
    Ok(id)
}

fn attached<'a>(file: &'a Option<Checked>, key: &'a Option<String>) -> Option<Attached<'a>> {
    match (file, key) {
        (Some(f), Some(k)) => Some(Attached {
            key: k,
            name: &f.name,
            mime: f.mime,
            size: f.bytes.len() as i64,
        }),
        _ => None,
    }
}

/// The incident `id` of the agency, or not found.
async fn load(tx: &mut Tx, agency: OrgId, id: i64) -> Result<Incident> {
    idb::get(tx, id)
        .await?
        .filter(|i| i.agency_id == agency)
        .ok_or(Error::NotFound)
}

/// The agency adds to the timeline (a note) or answers the body's question.
pub async fn agency_step(
    caller: &Caller,
    id: i64,
    step: Step,
    text: &str,
    file: Option<Checked>,
) -> Result<()> {
    if step.by_body() {
        return Err(Error::Forbidden);
    }
    let text = incident::text(text, "text")?;
    let key = match &file {
        Some(f) => {
            Some(files::store(&caller.st, &format!("incidents/{}", caller.agency.id), f).await?)
        }
        None => None,
    };
    let (mut tx, now) = caller.write().await?;
    let i = load(&mut tx, caller.agency.id, id).await?;
    let actor = caller.actor.clone();
    let by = (
        caller.principal.user_id,
        caller.principal.display_name.as_str(),
    );
    take_step(
        &mut tx,
        &actor,
        by,
        &i,
        step,
        &text,
        attached(&file, &key),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The body acknowledges, asks for more, closes or reopens an incident of
/// one of its agencies. `caller` acts for the body.
pub async fn body_step(caller: &Caller, id: i64, step: Step, text: &str) -> Result<()> {
    if !step.by_body() {
        return Err(Error::Forbidden);
    }
    let text = if step.needs_text() {
        incident::text(text, "text")?
    } else {
        text.trim().to_string()
    };
    let (mut tx, now) = caller.write().await?;
    let i = idb::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let agency = crate::db::orgs::get(&mut tx, i.agency_id).await?;
    if agency.and_then(|a| a.parent_id) != Some(caller.agency.id) {
        return Err(Error::NotFound);
    }
    let actor = caller.actor.clone();
    let by = (
        caller.principal.user_id,
        caller.principal.display_name.as_str(),
    );
    take_step(&mut tx, &actor, by, &i, step, &text, None, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the incident, writes the timeline and the audit (in the agency), and
/// tells the other side.
#[allow(clippy::too_many_arguments)]
async fn take_step(
    tx: &mut Tx,
    actor: &Actor,
    (by, by_name): (UserId, &str),
    i: &Incident,
    step: Step,
    text: &str,
    file: Option<Attached<'_>>,
    now: i64,
) -> Result<()> {
    let from = IncidentState::parse(&i.state).unwrap_or(IncidentState::Open);
    let to = step.next(from).ok_or_else(|| {
        Refusal::new("incident_state", "incident-step-not-now").arg(
            "state",
            Arg::Msg(format!("incident-state-{}", from.as_str())),
        )
    })?;
    let conclusion = (step == Step::Close).then_some(text);
    if to != from && !idb::step(tx, i.id, from.as_str(), to.as_str(), conclusion, now).await? {
        return Err(Refusal::new("incident_state", "incident-changed").into());
    }
    let file_name = file.as_ref().map(|f| f.name.to_string());
    idb::add_event(tx, i.id, step.event().as_str(), text, Some(by), file, now).await?;
    let summary =
        json!({"before": {"state": from}, "after": {"state": to, "text": text, "file": file_name}});
    let action = format!("incident.{}", step.event().as_str());
    audit(
        tx,
        actor,
        Some(i.agency_id),
        &action,
        "incident",
        i.id,
        summary,
        now,
    )
    .await?;
    let args =
        json!({"by": by_name, "note": text, "from": i.reason, "link": link(i.agency_id, i.id)});
    let kind = format!("incident_{}", step.event().as_str());
    let who = if step.by_body() {
        reporters(tx, i).await?
    } else {
        let agency = crate::db::orgs::get(tx, i.agency_id).await?;
        match agency.and_then(|a| a.parent_id) {
            Some(body) => overseers(tx, body).await?,
            None => Vec::new(),
        }
    };
    let who: Vec<UserId> = who.into_iter().filter(|u| *u != by).collect();
    tell(tx, &who, i.agency_id, &kind, &args, now).await
}

/// Incidents of the given agencies, newest first.
pub async fn list(st: &AppState, agencies: &[OrgId]) -> Result<Vec<Incident>> {
    let mut tx = st.db.read().await?;
    Ok(idb::of_agencies(&mut tx, agencies, 500).await?)
}

/// One incident of the agency with what it is about and its timeline.
pub async fn detail(st: &AppState, agency: OrgId, id: i64) -> Result<Detail> {
    let mut tx = st.db.read().await?;
    let incident = load(&mut tx, agency, id).await?;
    let (mut clips, channels) = idb::subjects(&mut tx, id).await?;
    if let Some(c) = incident.clip_id
        && !clips.iter().any(|(x, _)| *x == c)
        && let Some(k) = crate::db::clips::get(&mut tx, agency, c).await?
    {
        clips.insert(0, (c, k.title));
    }
    let events = idb::events(&mut tx, id).await?;
    Ok(Detail {
        incident,
        clips,
        channels,
        events,
    })
}

/// A file of the incident's timeline: its key, name and type.
pub async fn file(
    st: &AppState,
    agency: OrgId,
    id: i64,
    event: i64,
) -> Result<(String, String, String)> {
    let mut tx = st.db.read().await?;
    load(&mut tx, agency, id).await?;
    let e = idb::event(&mut tx, id, event)
        .await?
        .ok_or(Error::NotFound)?;
    match (e.file_key, e.file_name, e.file_type) {
        (Some(k), Some(n), Some(t)) => Ok((k, n, t)),
        _ => Err(Error::NotFound),
    }
}

/// Whether the person may take the body's steps on the agency's incidents.
pub fn handles_for_body(
    p: &crate::service::accounts::Principal,
    agency: &crate::db::orgs::Org,
) -> bool {
    agency.parent_id.is_some_and(|b| {
        policy::allows_in_body(&p.subject(), b, policy::BodyAction::HandleIncidents)
    })
}
