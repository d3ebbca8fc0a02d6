//! An agency's audience surveys: built (from the ready Vietnamese template or
//! blank), published at an unguessable public address, closed; every change
//! audited. Answering is [`respond`] (anonymous, public); counting, exports
//! and the comparison with the measured figures are [`results`].
//!
//! Once a survey has answers its form keeps its shape: only words may be
//! corrected (see `domain::survey::Form::apply`).

pub mod respond;
pub mod results;
mod template;

use serde_json::json;

use crate::db::surveys::{self as sdb, Survey};
use crate::domain::survey::{Form, FormOp};
use crate::domain::{Action, Invalid, SurveyId};
use crate::error::{Error, Result};
use crate::service::Caller;

pub use respond::Guard;

/// Where a survey stands for someone who opens its address now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    /// Published, but its first day has not come (opens at, ms).
    NotYet(i64),
    Open,
    /// Closed by hand or past its last day.
    Closed,
}

impl Status {
    pub fn of(s: &Survey, now: i64) -> Status {
        Status::of_parts(&s.state, s.opens_at, s.closes_at, now)
    }

    pub fn of_parts(
        state: &str,
        opens_at: Option<i64>,
        closes_at: Option<i64>,
        now: i64,
    ) -> Status {
        match state {
            "draft" => Status::Draft,
            "closed" => Status::Closed,
            _ if closes_at.is_some_and(|c| now >= c) => Status::Closed,
            _ => match opens_at {
                Some(o) if now < o => Status::NotYet(o),
                _ => Status::Open,
            },
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::NotYet(_) => "not_yet",
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

/// The form kept with a survey.
pub fn form_of(s: &Survey) -> Result<Form> {
    serde_json::from_str(&s.form).map_err(|e| Error::Internal(format!("survey form: {e}")))
}

fn json_of(f: &Form) -> String {
    serde_json::to_string(f).unwrap_or_default()
}

fn must_manage(c: &Caller) -> Result<()> {
    if c.may_here(
        Action::ManageSurveys,
        crate::domain::policy::BodyAction::ManageSurveys,
    ) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// A write transaction, the time, and the caller's survey `id` (not found
/// when it is another organisation's).
async fn write_survey(c: &Caller, id: SurveyId) -> Result<(crate::db::Tx, i64, sdb::Survey)> {
    let (mut tx, now) = c.write().await?;
    let s = sdb::get(&mut tx, c.agency_id(), id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((tx, now, s))
}

/// An unguessable address: 128 random bits, URL-safe.
fn new_token() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::crypto::random_bytes::<16>())
}

/// A new draft: the ready template (in the maker's language) or blank.
pub async fn create(c: &Caller, from_template: bool) -> Result<SurveyId> {
    must_manage(c)?;
    let tr = crate::i18n::Tr::new(c.principal.locale);
    let (title, intro, form) = if from_template {
        template::short_video(&tr)
    } else {
        (tr.t("survey-new-title"), String::new(), Form::default())
    };
    let (mut tx, now) = c.write().await?;
    let token = new_token();
    let id = sdb::insert(
        &mut tx,
        sdb::New {
            agency: c.agency_id(),
            token: &token,
            title: &title,
            intro: &intro,
            form: &json_of(&form),
            target: if from_template { 300 } else { 0 },
            by: c.principal.user_id,
        },
        now,
    )
    .await?;
    let summary =
        json!({"title": title, "template": from_template, "questions": form.questions.len()});
    c.audit_and_commit(tx, now, "survey.created", ("survey", id), summary)
        .await?;
    Ok(id)
}

/// The agency's survey and its number of answers.
pub async fn get(c: &Caller, id: SurveyId) -> Result<(Survey, i64)> {
    let mut tx = c.st.db.read().await?;
    let s = sdb::get(&mut tx, c.agency_id(), id)
        .await?
        .ok_or(Error::NotFound)?;
    let n = sdb::count_responses(&mut tx, id).await?;
    Ok((s, n))
}

pub async fn list(c: &Caller) -> Result<Vec<sdb::Listed>> {
    let mut tx = c.st.db.read().await?;
    Ok(sdb::list(&mut tx, c.agency_id()).await?)
}

/// The settings as the builder's form sends them; days are local
/// (`YYYY-MM-DD`), the last day included.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub opens: String,
    #[serde(default)]
    pub closes: String,
    #[serde(default)]
    pub target: String,
}

const DAY_MS: i64 = 86_400_000;

fn day_ms(s: &str, tz: &str, field: &'static str) -> Result<Option<i64>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    crate::clock::local_date_start_ms(s, tz)
        .map(Some)
        .ok_or(Error::Invalid(Invalid::new(field, "survey-invalid-date")))
}

pub async fn save_settings(c: &Caller, id: SurveyId, f: &SettingsForm) -> Result<()> {
    must_manage(c)?;
    let title = f.title.trim();
    if title.is_empty() || title.chars().count() > 200 || title.chars().any(char::is_control) {
        return Err(Error::Invalid(Invalid::new(
            "title",
            "survey-invalid-title",
        )));
    }
    let intro = f.intro.trim().replace('\r', "");
    if intro.chars().count() > 2000 {
        return Err(Error::Invalid(Invalid::new("intro", "survey-invalid-text")));
    }
    let target = match f.target.trim() {
        "" => 0,
        t => t
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=1_000_000).contains(n))
            .ok_or(Error::Invalid(Invalid::new(
                "target",
                "survey-invalid-target",
            )))?,
    };
    let tz = c.agency.time_zone.clone();
    let opens_at = day_ms(&f.opens, &tz, "opens")?;
    // The last day is included: the survey closes when the next one starts.
    let closes_at = day_ms(&f.closes, &tz, "closes")?.map(|d| d + DAY_MS);
    if let (Some(o), Some(c)) = (opens_at, closes_at)
        && c <= o
    {
        return Err(Error::Invalid(Invalid::new(
            "closes",
            "survey-invalid-dates",
        )));
    }
    let (mut tx, now, s) = write_survey(c, id).await?;
    let settings = sdb::Settings {
        title,
        intro: &intro,
        opens_at,
        closes_at,
        target,
    };
    sdb::save_settings(&mut tx, id, settings, now).await?;
    let mut changed = serde_json::Map::new();
    for (k, old, new) in [
        ("title", json!(s.title), json!(title)),
        ("intro", json!(s.intro), json!(intro)),
        ("opens_at", json!(s.opens_at), json!(opens_at)),
        ("closes_at", json!(s.closes_at), json!(closes_at)),
        ("target", json!(s.target), json!(target)),
    ] {
        if old != new {
            changed.insert(k.into(), json!({"from": old, "to": new}));
        }
    }
    let summary = if changed.is_empty() {
        json!({"no_change": true})
    } else {
        serde_json::Value::Object(changed)
    };
    c.audit_and_commit(tx, now, "survey.settings", ("survey", id), summary)
        .await
}

/// Changes the questions; refused with a reason when the survey has
/// answers and the change is more than words, or when it is closed.
pub async fn edit_form(c: &Caller, id: SurveyId, op: FormOp) -> Result<()> {
    must_manage(c)?;
    let (mut tx, now, s) = write_survey(c, id).await?;
    if s.state == "closed" {
        return Err(Error::Invalid(Invalid::new(
            "question",
            "survey-err-closed-edit",
        )));
    }
    let locked = sdb::count_responses(&mut tx, id).await? > 0;
    let mut form = form_of(&s)?;
    let what = match &op {
        FormOp::Add(_) => "add",
        FormOp::Save(..) => "save",
        FormOp::Remove(_) => "remove",
        FormOp::Up(_) => "up",
        FormOp::Down(_) => "down",
    };
    let key = match &op {
        FormOp::Add(_) => None,
        FormOp::Save(k, _) | FormOp::Remove(k) | FormOp::Up(k) | FormOp::Down(k) => Some(k.clone()),
    };
    let before = form.clone();
    form.apply(op, locked).map_err(Error::Invalid)?;
    sdb::save_form(&mut tx, id, &json_of(&form), now).await?;
    let summary = if before == form {
        json!({"no_change": true})
    } else {
        json!({"change": what, "question": key, "questions": form.questions.len()})
    };
    c.audit_and_commit(tx, now, "survey.questions", ("survey", id), summary)
        .await
}

/// Opens the survey to answers at its address (a draft, or a closed one
/// opened again).
pub async fn publish(c: &Caller, id: SurveyId) -> Result<()> {
    must_manage(c)?;
    let (mut tx, now, s) = write_survey(c, id).await?;
    if s.state == "open" {
        return Ok(());
    }
    if form_of(&s)?.questions.is_empty() {
        return Err(Error::Invalid(Invalid::new("question", "survey-err-empty")));
    }
    if s.closes_at.is_some_and(|c| c <= now) {
        return Err(Error::Invalid(Invalid::new("closes", "survey-err-past")));
    }
    sdb::set_state(&mut tx, id, "open", now).await?;
    let summary = json!({"from": s.state, "to": "open"});
    c.audit_and_commit(tx, now, "survey.published", ("survey", id), summary)
        .await
}

/// Stops answers; the answers and results are kept.
pub async fn close(c: &Caller, id: SurveyId) -> Result<()> {
    must_manage(c)?;
    let (mut tx, now, s) = write_survey(c, id).await?;
    if s.state == "closed" {
        return Ok(());
    }
    sdb::set_state(&mut tx, id, "closed", now).await?;
    let n = sdb::count_responses(&mut tx, id).await?;
    let summary = json!({"from": s.state, "to": "closed", "responses": n});
    c.audit_and_commit(tx, now, "survey.closed", ("survey", id), summary)
        .await
}
