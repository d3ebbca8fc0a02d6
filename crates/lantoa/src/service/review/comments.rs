//! Comments on a version (with frame-accurate timecodes), resolving them, and
//! the review checklist.

use serde::Deserialize;
use serde_json::json;

use super::delegations::delegation_of;
use super::notify::notify_users;
use super::outgoing::current_version;
use super::settings::settings;
use super::transitions::{authors_of, enforce, facts_with, load};
use crate::db::clips;
use crate::db::review as rdb;
use crate::domain::policy::ClipOp;
use crate::domain::{ClipId, Drawing, Invalid, UserId};
use crate::error::{Error, Result};
use crate::service::Caller;

/// A new comment: optional timecode (frames of the version), optional reply-to.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewComment {
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
    /// The version commented on; the current one when absent.
    #[serde(default)]
    pub version_id: Option<i64>,
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// Start time: seconds ("5.2"), "m:ss", "m:ss.cc", "mm:ss:ff" or "hh:mm:ss:ff"
    /// (ff = frame number within the second).
    #[serde(default)]
    #[schema(max_length = 20)]
    pub at: Option<String>,
    /// End of a range, same forms.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub until: Option<String>,
    /// Shapes drawn on the frame at `at` (which it needs): rectangles and
    /// arrows, each point a fraction 0..1 of the picture; at most 20. The
    /// same list as JSON text is read too (what the page's form posts).
    #[serde(default)]
    #[schema(value_type = Option<Vec<crate::domain::Shape>>, max_items = 20)]
    pub drawing: Option<serde_json::Value>,
}

/// Parses a timecode into a frame number at `fps`.
pub fn parse_timecode(s: &str, fps: f64) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || fps.is_nan() || fps <= 0.0 {
        return None;
    }
    let parts: Vec<&str> = s.split(':').collect();
    let num = |x: &str| x.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0);
    // With frames (the form the page shows): whole seconds plus a frame number.
    let framed = |secs: f64, f: &str| -> Option<i64> {
        let frames = num(f)?;
        if frames.fract() != 0.0 || frames >= fps.ceil() || secs.fract() != 0.0 {
            return None;
        }
        Some((secs * fps).round() as i64 + frames as i64)
    };
    let secs = match parts.as_slice() {
        [a] => num(a)?,
        [m, s] => num(m)? * 60.0 + num(s)?,
        // mm:ss:ff
        [m, s, f] => return framed(num(m)? * 60.0 + num(s)?, f),
        // hh:mm:ss:ff
        [h, m, s, f] => return framed(num(h)? * 3600.0 + num(m)? * 60.0 + num(s)?, f),
        _ => return None,
    };
    Some((secs * fps + 1e-6).floor() as i64)
}

/// `mm:ss:ff` (or `h:mm:ss:ff`) for a frame at `fps`.
pub fn format_frame(frame: i64, fps: f64) -> String {
    let fps_i = fps.round().max(1.0) as i64;
    let total_s = (frame as f64 / fps).floor() as i64;
    let ff = frame - ((total_s as f64) * fps).round() as i64;
    let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
    let ff = ff.clamp(0, fps_i - 1);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}:{ff:02}")
    } else {
        format!("{m:02}:{s:02}:{ff:02}")
    }
}

/// The frame rate of a version and its length in frames, from its probe.
fn frames_of(v: &clips::Version) -> (Option<f64>, Option<i64>) {
    let probe = v
        .probe
        .as_deref()
        .and_then(|p| serde_json::from_str::<crate::media::probe::Probe>(p).ok());
    let fps = probe
        .as_ref()
        .and_then(|p| p.video.as_ref().map(|v| v.avg_fps))
        .filter(|f| *f > 0.0);
    let duration_frames = probe
        .and_then(|p| p.duration_s)
        .zip(fps)
        .map(|(d, f)| (d * f).ceil() as i64);
    (fps, duration_frames)
}

pub async fn comment(caller: &Caller, id: ClipId, c: NewComment) -> Result<i64> {
    let body = c.body.trim();
    if body.is_empty() || body.chars().count() > 5000 {
        return Err(Invalid::new("body", "invalid-comment").into());
    }
    let drawing = match &c.drawing {
        Some(d) => Drawing::parse(d)?,
        None => None,
    };
    let (mut tx, now, clip, _) = caller.write_clip(id, ClipOp::Comment).await?;
    let vid = c
        .version_id
        .map(crate::domain::VersionId)
        .or(clip.current_version_id)
        .ok_or(Error::NotFound)?;
    let v = clips::version_of(&mut tx, caller.agency.id, clip.id, vid)
        .await?
        .ok_or(Error::NotFound)?;
    let parent = match c.parent_id {
        Some(pid) => Some(
            rdb::comment(&mut tx, clip.id, pid)
                .await?
                .ok_or(Error::NotFound)?,
        ),
        None => None,
    };
    let (fps, duration_frames) = frames_of(&v);
    let frame = |s: &Option<String>, field: &'static str| -> Result<Option<i64>> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(t) => {
                let f = fps.and_then(|fps| parse_timecode(t, fps));
                match f {
                    Some(f) if duration_frames.is_none_or(|d| f <= d) => Ok(Some(f)),
                    _ => Err(Invalid::new(field, "invalid-timecode").into()),
                }
            }
        }
    };
    // Replies inherit their thread's place in the video.
    let (start, end) = match &parent {
        Some(pc) => (pc.start_frame, pc.end_frame),
        None => (frame(&c.at, "at")?, frame(&c.until, "until")?),
    };
    if let (Some(a), Some(b)) = (start, end)
        && b < a
    {
        return Err(Invalid::new("until", "invalid-timecode").into());
    }
    // A drawing marks one frame: without a time it would mark nothing.
    if drawing.is_some() && start.is_none() {
        return Err(Invalid::new("drawing", "drawing-needs-time").into());
    }
    let cid = rdb::insert_comment(
        &mut tx,
        &rdb::NewComment {
            clip_id: clip.id,
            version_id: v.id,
            parent_id: parent.as_ref().map(|p| p.parent_id.unwrap_or(p.id)),
            author_id: caller.principal.user_id,
            body,
            fps,
            start_frame: start,
            end_frame: end,
            drawing: drawing.as_ref(),
            now,
        },
    )
    .await?;
    caller
        .audit(
            &mut tx,
            now,
            "clip.comment",
            ("clip", clip.id),
            json!({"comment": cid, "version": v.number, "start_frame": start, "end_frame": end,
               "reply_to": c.parent_id, "body": body,
               "shapes": drawing.as_ref().map(|d| d.shapes().len())}),
        )
        .await?;
    let at = start
        .zip(fps)
        .map(|(f, fps)| format_frame(f, fps))
        .unwrap_or_default();
    tell_readers(
        &mut tx,
        caller,
        &clip,
        parent.as_ref().map(|p| p.author_id),
        body,
        &at,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(cid)
}

/// Tells the clip's authors and the thread's starter of a new comment, and
/// the people it names with `@`, each once.
async fn tell_readers(
    tx: &mut crate::db::Tx,
    caller: &Caller,
    clip: &clips::Clip,
    thread_starter: Option<UserId>,
    body: &str,
    at: &str,
    now: i64,
) -> Result<()> {
    // Tell the authors (and the thread's starter) about it.
    let mut to = authors_of(tx, clip).await?;
    to.extend(thread_starter);
    to.retain(|u| *u != caller.principal.user_id);
    // People named with @login are told they were: one notice each, which
    // for the clip's author replaces the plain one.
    let members = crate::db::users::members_of(tx, caller.agency.id).await?;
    let mentioned: Vec<UserId> = mentions(body)
        .iter()
        .filter_map(|login| {
            members
                .iter()
                .find(|m| m.user.username == *login && !m.user.disabled)
        })
        .map(|m| m.user.id)
        .filter(|u| *u != caller.principal.user_id)
        .collect();
    to.retain(|u| !mentioned.contains(u));
    // The notice says what was written and where, so it can be read there.
    let excerpt: String = body.chars().take(200).collect();
    let detail = json!({"by": caller.principal.display_name, "at": at, "note": excerpt});
    notify_users(
        tx,
        &to,
        caller.agency.id,
        clip.id,
        "comment",
        detail.clone(),
        now,
    )
    .await?;
    notify_users(
        tx,
        &mentioned,
        caller.agency.id,
        clip.id,
        "mention",
        detail,
        now,
    )
    .await?;
    Ok(())
}

/// The logins named in a comment with `@` (`@a.editor`, lower case as
/// logins are), each once, in order; a sentence's full stop after one is not
/// part of it.
pub fn mentions(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find('@') {
        // An e-mail address (`x@y`) names no one.
        let after_word = rest[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric());
        rest = &rest[i + 1..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .unwrap_or(rest.len());
        let login = rest[..end].trim_end_matches(['.', '_', '-']).to_lowercase();
        if !after_word && !login.is_empty() && !out.contains(&login) {
            out.push(login);
        }
        rest = &rest[end..];
    }
    out
}

pub async fn resolve_comment(
    caller: &Caller,
    id: ClipId,
    comment: i64,
    resolved: bool,
) -> Result<()> {
    let (mut tx, now, clip, _) = caller.write_clip(id, ClipOp::Comment).await?;
    let c = rdb::comment(&mut tx, clip.id, comment)
        .await?
        .ok_or(Error::NotFound)?;
    if c.resolved_at.is_some() == resolved {
        return Ok(());
    }
    if resolved {
        rdb::set_resolved(&mut tx, c.id, Some(caller.principal.user_id), Some(now)).await?;
    } else {
        rdb::set_resolved(&mut tx, c.id, None, None).await?;
    }
    caller
        .audit_and_commit(
            tx,
            now,
            if resolved {
                "clip.comment_resolve"
            } else {
                "clip.comment_reopen"
            },
            ("clip", clip.id),
            json!({"comment": c.id}),
        )
        .await?;
    Ok(())
}

/// The agency's checklist items in order, each with its tick on the version.
pub fn checklist<'a>(
    items: &'a [String],
    ticks: &'a [rdb::Tick],
) -> Vec<(&'a str, Option<&'a rdb::Tick>)> {
    items
        .iter()
        .map(|item| (item.as_str(), ticks.iter().find(|t| &t.item == item)))
        .collect()
}

/// Whether a checklist item's tick carries over to a new version: its line
/// in the settings starts with `+` (a fact checked that recutting the picture
/// does not change, such as the sources).
pub fn carries_over(item: &str) -> bool {
    item.starts_with('+')
}

/// A checklist item as people read it (without the carry-over mark).
pub fn item_label(item: &str) -> &str {
    item.strip_prefix('+').map_or(item, str::trim_start)
}

/// Ticks or unticks a checklist item for the clip's current version.
pub async fn tick(caller: &Caller, id: ClipId, item: &str, done: bool) -> Result<()> {
    set_ticks(caller, id, &[(item, done)]).await
}

/// Ticks or unticks several checklist items at once (the decision form), in
/// one transaction; only the items whose tick changes are written and audited.
pub async fn set_ticks(caller: &Caller, id: ClipId, items: &[(&str, bool)]) -> Result<()> {
    let (mut tx, now) = caller.write().await?;
    let clip = load(&mut tx, caller.agency.id, id).await?;
    let s = settings(&mut tx, caller.agency.id).await?;
    if let Some((bad, _)) = items
        .iter()
        .find(|(i, _)| !s.checklist.iter().any(|c| c == i))
    {
        tracing::debug!(item = *bad, "not a checklist item");
        return Err(Invalid::new("item", "invalid-checklist-item").into());
    }
    let current = current_version(&mut tx, &clip).await?;
    let delegation =
        delegation_of(&mut tx, caller.agency.id, caller.principal.user_id, now).await?;
    let f = facts_with(
        &mut tx,
        &caller.principal,
        &clip,
        current.as_ref(),
        &s,
        delegation,
        now,
    )
    .await?;
    enforce(&f, ClipOp::Tick, &caller.agency.time_zone)?;
    let v = clip.current_version_id.ok_or(Error::NotFound)?;
    for (item, done) in items {
        let by = done.then_some((caller.principal.user_id, now));
        if rdb::set_tick(&mut tx, clip.id, v, item, by).await? {
            let action = if *done {
                "clip.check_tick"
            } else {
                "clip.check_untick"
            };
            let summary = json!({"item": item, "version": v});
            caller
                .audit(&mut tx, now, action, ("clip", clip.id), summary)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Copies to the new version `to` the ticks of `from` whose checklist item
/// carries over, with who ticked them and when (audited as one change).
pub async fn carry_ticks(
    tx: &mut crate::db::Tx,
    actor: &crate::service::Actor,
    clip: &clips::Clip,
    from: crate::domain::VersionId,
    to: crate::domain::VersionId,
    now: i64,
) -> Result<()> {
    let s = settings(tx, clip.agency_id).await?;
    let carried: Vec<rdb::Tick> = rdb::ticks(tx, clip.id, from)
        .await?
        .into_iter()
        .filter(|t| carries_over(&t.item) && s.checklist.contains(&t.item))
        .collect();
    if carried.is_empty() {
        return Ok(());
    }
    for t in &carried {
        rdb::set_tick(tx, clip.id, to, &t.item, Some((t.user_id, t.at))).await?;
    }
    let items: Vec<&str> = carried.iter().map(|t| t.item.as_str()).collect();
    crate::service::audit(
        tx,
        actor,
        Some(clip.agency_id),
        "clip.check_carry",
        "clip",
        clip.id,
        json!({"from": from, "to": to, "items": items}),
        now,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod mention_tests {
    use super::mentions;

    #[test]
    fn logins_after_an_at_sign_are_mentions_once_each() {
        assert_eq!(
            mentions("@A.Head xem giúp, @a.reporter sửa. @a.head again (thu@baotinh.vn) @ alone"),
            ["a.head", "a.reporter"]
        );
        assert!(mentions("no one here, thu@baotinh.vn").is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timecodes_are_frame_accurate() {
        assert_eq!(parse_timecode("5", 25.0), Some(125));
        assert_eq!(parse_timecode("0:05", 25.0), Some(125));
        assert_eq!(parse_timecode("00:00:05:12", 25.0), Some(137));
        assert_eq!(parse_timecode("1:02.5", 30.0), Some(1875));
        assert_eq!(parse_timecode("00:00:01:25", 25.0), None);
        assert_eq!(parse_timecode("-1", 25.0), None);
        assert_eq!(parse_timecode("abc", 25.0), None);
        // 29.97 fps: 10 s is frame 299.
        assert_eq!(parse_timecode("10", 30000.0 / 1001.0), Some(299));
        assert_eq!(format_frame(137, 25.0), "00:05:12");
        assert_eq!(format_frame(125, 25.0), "00:05:00");
        assert_eq!(format_frame(25 * 3725, 25.0), "1:02:05:00");
        assert_eq!(parse_timecode("00:05:00", 25.0), Some(125));
        assert_eq!(parse_timecode("00:05:12", 25.0), Some(137));
        assert_eq!(parse_timecode("00:05:25", 25.0), None);
        assert_eq!(parse_timecode("00:05.5:02", 25.0), None);
        for f in [0, 1, 29, 30, 299, 1799, 1800] {
            let tc = format_frame(f, 30.0);
            assert_eq!(parse_timecode(&tc, 30.0), Some(f), "{tc}");
            assert_eq!(
                parse_timecode(&format!("00:{tc}"), 30.0),
                Some(f),
                "00:{tc}"
            );
        }
    }
}
