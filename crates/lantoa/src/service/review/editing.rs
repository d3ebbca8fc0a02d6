//! Editing a clip's content: the form, linting, the political flag, and the
//! save that voids approvals when anything that goes out changed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::approval::{FieldFinding, platform_findings};
use super::locks::{audit_takeover, check_lock};
use super::outgoing::{content, current_version};
use super::settings::settings;
use super::transitions::{enforce, facts, load, void};
use crate::db::Tx;
use crate::db::clips::{self, Clip};
use crate::domain::approval::{self, Outgoing};
use crate::domain::policy::{ClipFacts, ClipOp};
use crate::domain::{Caption, Category, ClipId, ClipTitle, Invalid};
use crate::error::{Arg, Error, Refusal, Result};
use crate::lint;
use crate::service::Caller;

/// A save of the clip's content, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct Edit {
    /// The revision the editor started from.
    pub revision: i64,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub caption: String,
    pub category: String,
    /// Caption variants by platform code; empty ones are dropped.
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// Hashtags as typed: "#a #b".
    #[serde(default)]
    pub hashtags: String,
    /// The requested political flag (raising: anyone; lowering: the head).
    #[serde(default)]
    pub political: bool,
    /// Target platforms.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Local date-time `YYYY-MM-DDTHH:MM` in the agency's zone, or empty.
    #[serde(default)]
    pub publish_at: String,
    #[serde(default)]
    pub publish_until: String,
}

/// The clip's current content as an edit (what the form starts from).
pub fn edit_of_clip(c: &Clip, tz: &str) -> Edit {
    let t = |ms: Option<i64>| {
        ms.map(|m| crate::clock::datetime_input(m, tz))
            .unwrap_or_default()
    };
    Edit {
        revision: c.revision,
        title: c.title.clone(),
        caption: c.caption.clone(),
        category: c.category.clone(),
        variants: c.caption_variants.clone(),
        hashtags: c.hashtags.join(" "),
        political: c.political,
        channels: c.target_channels.clone(),
        publish_at: t(c.publish_at),
        publish_until: t(c.publish_until),
    }
}

/// What a save did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub revision: i64,
    /// The fields that go out and changed.
    pub changed: Vec<String>,
    /// Whether approvals were voided by the change.
    pub voided: bool,
    pub political: bool,
    pub findings: Vec<FieldFinding>,
}

fn parse_time(s: &str, tz: &str, field: &'static str) -> Result<Option<i64>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    crate::clock::local_datetime_ms(s, tz)
        .map(Some)
        .ok_or_else(|| Invalid::new(field, "invalid-datetime").into())
}

/// Lints title, caption and variants with the agency's rules.
pub fn lint_fields(
    rules: &lint::Rules,
    title: &str,
    caption: &str,
    variants: &BTreeMap<String, String>,
) -> Vec<FieldFinding> {
    let mut out = Vec::new();
    let mut run = |field: String, text: &str| {
        out.extend(
            lint::lint(text, rules)
                .into_iter()
                .map(|finding| FieldFinding {
                    field: field.clone(),
                    finding,
                    platform: None,
                }),
        );
    };
    run("title".into(), title);
    run("caption".into(), caption);
    for (k, v) in variants {
        run(format!("variant:{k}"), v);
    }
    out
}

/// Readies a clip as it arrived (a new clip from an upload), in the caller's
/// transaction: lints its text and raises the political flag when the watch
/// list finds a term; gives it the agency's default platforms when it has
/// none, and a publish window of the agency's length from `now` when it has
/// none, so that it can be submitted as it is.
pub async fn prepare_new_clip(tx: &mut Tx, clip_id: ClipId, now: i64) -> Result<()> {
    let Some(clip) = clips::get_any(tx, clip_id).await? else {
        return Ok(());
    };
    let s = settings(tx, clip.agency_id).await?;
    let findings = lint_fields(
        &s.rules(),
        &clip.title,
        &clip.caption,
        &clip.caption_variants,
    );
    let watch = findings.iter().any(|f| f.finding.political);
    let (political, source) = if clip.political {
        (true, clip.political_source.as_str())
    } else if watch {
        (true, "watch_list")
    } else {
        (false, "")
    };
    let targets = if clip.target_channels.is_empty() {
        default_platforms(tx, clip.agency_id, &s).await?
    } else {
        clip.target_channels.clone()
    };
    let (publish_at, publish_until) = match (clip.publish_at, clip.publish_until) {
        // To the minute, as the form shows it: saving the form unchanged
        // must not change the window.
        (None, None) => {
            let until = now + s.window_hours * 3_600_000;
            (None, Some(until - until.rem_euclid(60_000)))
        }
        window => window,
    };
    clips::save_content(
        tx,
        clip.id,
        clip.revision,
        &clips::Content {
            title: &clip.title,
            caption: &clip.caption,
            category: &clip.category,
            caption_variants: &json_text(&clip.caption_variants),
            hashtags: &json_text(&clip.hashtags),
            political,
            political_source: source,
            target_channels: &json_text(&targets),
            publish_at,
            publish_until,
            lint: &serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into()),
        },
        clip.updated_at,
    )
    .await?;
    Ok(())
}

/// The platforms a new clip of the agency targets: the agency's choice, or
/// every platform on which it has a connected channel.
async fn default_platforms(
    tx: &mut Tx,
    agency: crate::domain::OrgId,
    s: &super::settings::Settings,
) -> Result<Vec<String>> {
    if let Some(p) = &s.default_platforms {
        return Ok(p.clone());
    }
    let mut out: Vec<String> = crate::db::publishing::channels(tx, agency)
        .await?
        .into_iter()
        .filter(|c| c.status == "active")
        .map(|c| c.platform)
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Saves the clip's content (optimistic: refused when someone saved since
/// `edit.revision`), lints it, sets the political flag, and voids approvals when
/// anything that goes out changed.
pub async fn save(caller: &Caller, id: ClipId, edit: Edit) -> Result<Saved> {
    let tz = caller.agency.time_zone.as_str();
    let e = parse_edit(&edit, tz)?;

    let (mut tx, now) = caller.write().await?;
    let clip = load(&mut tx, caller.agency.id, id).await?;
    let current = current_version(&mut tx, &clip).await?;
    let f = facts(&mut tx, &caller.principal, &clip, current.as_ref(), now).await?;
    enforce(&f, ClipOp::Edit, tz)?;
    let taken_over = check_lock(&mut tx, &clip, &caller.principal, &f, now, tz).await?;
    if clip.revision != edit.revision {
        return Err(edit_conflict(clip.updated_at, tz));
    }

    if let Some(terms) = crate::service::sharing::terms_of_clip(&mut tx, &clip).await? {
        terms.check_captions(
            (&clip.caption, &clip.caption_variants),
            (e.caption.as_str(), &e.variants),
        )?;
    }
    let s = settings(&mut tx, caller.agency.id).await?;
    let findings = lint_fields(
        &s.rules(),
        e.title.as_str(),
        e.caption.as_str(),
        &e.variants,
    );
    let text_changed = e.text_differs(&clip);
    let watch_hit = findings.iter().any(|f| f.finding.political);
    let (political, source) = political_flag(
        &f,
        &clip,
        e.category,
        watch_hit && text_changed,
        edit.political,
        tz,
    )?;

    let (before, _) = content(&clip, current.as_ref());
    let after = Outgoing {
        title: e.title.as_str().into(),
        caption: e.caption.as_str().into(),
        variants: e.variants.clone(),
        hashtags: e.hashtags.clone(),
        channels: e.channels.clone(),
        publish_at: e.publish_at,
        publish_until: e.publish_until,
        political,
        ..before.clone()
    };
    let lint_json = serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into());
    let saved = clips::save_content(
        &mut tx,
        clip.id,
        edit.revision,
        &clips::Content {
            title: e.title.as_str(),
            caption: e.caption.as_str(),
            category: e.category.code(),
            caption_variants: &serde_json::to_string(&e.variants).unwrap_or_default(),
            hashtags: &serde_json::to_string(&e.hashtags).unwrap_or_default(),
            political,
            political_source: source,
            target_channels: &serde_json::to_string(&e.channels).unwrap_or_default(),
            publish_at: e.publish_at,
            publish_until: e.publish_until,
            lint: &lint_json,
        },
        now,
    )
    .await?;
    if !saved {
        return Err(edit_conflict(now, tz));
    }
    // A save ends the editing it locked for: colleagues may edit at once.
    clips::set_lock(&mut tx, clip.id, None, None).await?;
    if let Some(before) = taken_over {
        audit_takeover(caller, &mut tx, &clip, &before, now).await?;
    }
    let mut category = serde_json::Map::new();
    if clip.category != e.category.code() {
        category.insert(
            "category".into(),
            json!({"before": clip.category, "after": e.category.code()}),
        );
    }
    let (changed, voided) =
        record_edit(caller, &mut tx, &clip, &before, &after, category, now).await?;
    tx.commit().await?;
    let mut shown = platform_findings(&after);
    shown.extend(findings);
    Ok(Saved {
        revision: clip.revision + 1,
        changed: changed.iter().map(|s| s.to_string()).collect(),
        voided,
        political,
        findings: shown,
    })
}

/// An edit's fields, parsed and checked.
struct Parsed {
    title: ClipTitle,
    caption: Caption,
    category: Category,
    variants: BTreeMap<String, String>,
    hashtags: Vec<String>,
    channels: Vec<String>,
    publish_at: Option<i64>,
    publish_until: Option<i64>,
}

impl Parsed {
    /// Whether the title, caption or a variant differs from the clip's.
    fn text_differs(&self, clip: &Clip) -> bool {
        self.title.as_str() != clip.title
            || self.caption.as_str() != clip.caption
            || self.variants != clip.caption_variants
    }
}

/// The refusal of a save when someone saved the clip since (at `at`).
pub(super) fn edit_conflict(at: i64, tz: &str) -> Error {
    Refusal::new("edit_conflict", "edit-conflict")
        .arg("at", Arg::Time(at, tz.into()))
        .into()
}

/// Parses and checks an edit's fields before anything is read: known
/// platforms, non-empty variants, the publication window in the zone `tz`.
fn parse_edit(edit: &Edit, tz: &str) -> Result<Parsed> {
    let title = ClipTitle::parse(&edit.title)?;
    let caption = Caption::parse(&edit.caption)?;
    let category = Category::parse(&edit.category)?;
    let mut variants = BTreeMap::new();
    for (k, v) in &edit.variants {
        if !crate::domain::outlet::is_target(k) {
            return Err(Invalid::new("variants", "invalid-platform").into());
        }
        let v = Caption::parse(v).map_err(|_| Invalid::new("variants", "invalid-caption"))?;
        if !v.as_str().is_empty() {
            variants.insert(k.clone(), v.as_str().to_string());
        }
    }
    let hashtags = approval::parse_hashtags(&edit.hashtags)?;
    let mut channels: Vec<String> = Vec::new();
    for c in &edit.channels {
        if !crate::domain::outlet::is_target(c) {
            return Err(Invalid::new("channels", "invalid-platform").into());
        }
        if !channels.contains(c) {
            channels.push(c.clone());
        }
    }
    channels.sort();
    let publish_at = parse_time(&edit.publish_at, tz, "publish_at")?;
    let publish_until = parse_time(&edit.publish_until, tz, "publish_until")?;
    if let (Some(a), Some(u)) = (publish_at, publish_until)
        && u <= a
    {
        return Err(Invalid::new("publish_until", "invalid-publish-window").into());
    }
    Ok(Parsed {
        title,
        caption,
        category,
        variants,
        hashtags,
        channels,
        publish_at,
        publish_until,
    })
}

/// The political flag after a save, and its source: a political category or
/// a watch-list term in text that changed raises it, as may anyone who asks;
/// lowering it is enforced (the head's).
fn political_flag<'a>(
    f: &ClipFacts,
    clip: &'a Clip,
    category: Category,
    watch_hit_in_changed_text: bool,
    asked: bool,
    tz: &str,
) -> Result<(bool, &'a str)> {
    let was = clip.political;
    Ok(if category.is_political() {
        (true, "category")
    } else if watch_hit_in_changed_text {
        (true, "watch_list")
    } else if asked && !was {
        (true, "manual")
    } else if !asked && was {
        enforce(f, ClipOp::LowerPolitical, tz)?;
        (false, "lowered")
    } else {
        (was, clip.political_source.as_str())
    })
}

/// Records what an edit of `clip` changed, in the caller's transaction: the
/// audit entry of each field that goes out and changed (with `more`, other
/// changes to note), and the approvals voided when anything that goes out
/// changed. Returns the fields that changed and whether approvals went.
pub(super) async fn record_edit(
    caller: &Caller,
    tx: &mut Tx,
    clip: &Clip,
    before: &Outgoing,
    after: &Outgoing,
    more: serde_json::Map<String, serde_json::Value>,
    now: i64,
) -> Result<(Vec<&'static str>, bool)> {
    let changed = approval::changed_fields(before, after);
    let mut diff = edit_diff(before, after);
    diff.extend(more);
    if !diff.is_empty() {
        caller
            .audit(
                tx,
                now,
                "clip.edit",
                ("clip", clip.id),
                serde_json::Value::Object(diff),
            )
            .await?;
    }
    let mut voided = false;
    if !changed.is_empty() && clip.state.holds_approvals() {
        let reason = format!("changed:{}", changed.join(","));
        voided = void(tx, clip, &reason, &changed, now).await?;
    }
    Ok((changed, voided))
}

/// Each field that goes out and changed, before and after (what the audit
/// entry of an edit records).
fn edit_diff(before: &Outgoing, after: &Outgoing) -> serde_json::Map<String, serde_json::Value> {
    let mut diff = serde_json::Map::new();
    let bj = serde_json::to_value(before).unwrap_or_default();
    let aj = serde_json::to_value(after).unwrap_or_default();
    for f in [
        "title",
        "caption",
        "variants",
        "hashtags",
        "channels",
        "publish_at",
        "publish_until",
        "political",
        "cover_ms",
        "campaign",
        "subtitles",
    ] {
        if bj.get(f) != aj.get(f) {
            diff.insert(f.into(), json!({"before": bj.get(f), "after": aj.get(f)}));
        }
    }
    diff
}

/// A JSON column's text for a value (the columns are written as text).
fn json_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}
