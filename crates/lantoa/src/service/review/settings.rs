//! An agency's review settings: the house tone style, the approval policy and
//! how long an approval lasts, the checklist, official names, the watch list
//! and who else may take a clip down.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::db::Tx;
use crate::db::review::{self as rdb, SettingsRow};
use crate::domain::approval::ApprovalPolicy;
use crate::domain::policy;
use crate::domain::{Invalid, OrgId, Role};
use crate::error::Result;
use crate::lint::{self, ToneStyle};
use crate::service::Caller;

/// An agency's review settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    /// House tone-mark style: old ("hòa") or new ("hoà").
    #[schema(value_type = String, pattern = "^(old|new)$")]
    pub tone_style: ToneStyle,
    /// Hours an approval stays usable.
    pub approval_ttl_hours: i64,
    pub policy: ApprovalPolicy,
    /// Items a reviewer ticks before approval.
    pub checklist: Vec<String>,
    /// Official names, bodies and titles in their correct form.
    pub official_names: Vec<String>,
    /// Terms that make a clip political.
    pub watch_list: Vec<String>,
    /// Roles that may take a published clip down besides the head and a
    /// deputy holding a delegation.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub takedown_roles: Vec<Role>,
    /// The platforms a new clip targets; `None`: every platform on which the
    /// agency has a connected channel.
    #[serde(default)]
    pub default_platforms: Option<Vec<String>>,
    /// Hours the publish window a new clip starts with lasts.
    #[serde(default = "default_window_hours")]
    #[schema(minimum = 1, maximum = 720)]
    pub window_hours: i64,
    /// Take the agency's copies of a shared clip down by themselves when the
    /// source agency takes its clip down (otherwise the heads are told and
    /// take them down with one click).
    #[serde(default)]
    pub follow_source_takedowns: bool,
}

fn default_window_hours() -> i64 {
    48
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            tone_style: ToneStyle::Old,
            approval_ttl_hours: 72,
            policy: ApprovalPolicy::default(),
            checklist: [
                "Đã xác minh nguồn tin (ít nhất hai nguồn)",
                "Đã kiểm tra họ tên, chức danh của người xuất hiện",
                "Phụ đề và chữ trên hình đúng chính tả",
                "Không có nội dung vi phạm Điều 9 Luật Báo chí",
            ]
            .map(String::from)
            .to_vec(),
            official_names: lint::default_official_names(),
            watch_list: lint::default_watch_list(),
            takedown_roles: Vec::new(),
            default_platforms: None,
            window_hours: default_window_hours(),
            follow_source_takedowns: false,
        }
    }
}

impl Settings {
    pub fn rules(&self) -> lint::Rules {
        lint::Rules {
            style: self.tone_style,
            official_names: self.official_names.clone(),
            watch_list: self.watch_list.clone(),
        }
    }

    fn validate(&self) -> Result<()> {
        self.policy.validate()?;
        if self
            .takedown_roles
            .iter()
            .any(|r| !policy::TAKEDOWN_OPTIONAL.contains(r))
        {
            return Err(Invalid::new("takedown_roles", "invalid-takedown-roles").into());
        }
        if !(1..=24 * 30).contains(&self.window_hours) {
            return Err(Invalid::new("window_hours", "invalid-window-hours").into());
        }
        if let Some(p) = &self.default_platforms
            && p.iter().any(|x| !crate::domain::outlet::is_target(x))
        {
            return Err(Invalid::new("default_platforms", "invalid-platform").into());
        }
        if !(1..=24 * 30).contains(&self.approval_ttl_hours) {
            return Err(Invalid::new("approval_ttl_hours", "invalid-approval-ttl").into());
        }
        let long = |l: &Vec<String>| l.len() > 2000 || l.iter().any(|x| x.chars().count() > 300);
        if long(&self.checklist) || long(&self.official_names) || long(&self.watch_list) {
            return Err(Invalid::new("lists", "invalid-list").into());
        }
        Ok(())
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

pub async fn settings(tx: &mut Tx, agency: OrgId) -> Result<Settings> {
    let Some(r) = rdb::settings(tx, agency).await? else {
        return Ok(Settings::default());
    };
    Ok(Settings {
        tone_style: if r.tone_style == "new" {
            ToneStyle::New
        } else {
            ToneStyle::Old
        },
        approval_ttl_hours: r.approval_ttl_hours,
        policy: serde_json::from_str(&r.approval_policy).unwrap_or_default(),
        checklist: lines(&r.checklist),
        official_names: lines(&r.official_names),
        watch_list: lines(&r.watch_list),
        takedown_roles: serde_json::from_str(&r.takedown_roles).unwrap_or_default(),
        default_platforms: r
            .default_platforms
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok()),
        window_hours: r.window_hours,
        follow_source_takedowns: r.follow_source_takedowns != 0,
    })
}

/// Replaces the agency's review settings (agency admin).
pub async fn save_settings(caller: &Caller, s: Settings) -> Result<()> {
    let mut s = s;
    for l in [&mut s.checklist, &mut s.official_names, &mut s.watch_list] {
        *l = l
            .iter()
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect();
    }
    // No platform chosen: the connected ones.
    if s.default_platforms.as_ref().is_some_and(Vec::is_empty) {
        s.default_platforms = None;
    }
    s.validate()?;
    let (mut tx, now) = caller.write().await?;
    let before = settings(&mut tx, caller.agency.id).await?;
    rdb::put_settings(
        &mut tx,
        caller.agency.id,
        &SettingsRow {
            tone_style: match s.tone_style {
                ToneStyle::Old => "old".into(),
                ToneStyle::New => "new".into(),
            },
            approval_ttl_hours: s.approval_ttl_hours,
            approval_policy: serde_json::to_string(&s.policy).unwrap_or_default(),
            checklist: s.checklist.join("\n"),
            official_names: s.official_names.join("\n"),
            watch_list: s.watch_list.join("\n"),
            takedown_roles: serde_json::to_string(&s.takedown_roles)
                .unwrap_or_else(|_| "[]".into()),
            default_platforms: s
                .default_platforms
                .as_ref()
                .map(|p| serde_json::to_string(p).unwrap_or_else(|_| "[]".into())),
            window_hours: s.window_hours,
            follow_source_takedowns: i64::from(s.follow_source_takedowns),
            updated_at: now,
        },
    )
    .await?;
    let mut changed = serde_json::Map::new();
    let (b, a) = (
        serde_json::to_value(&before).unwrap_or_default(),
        serde_json::to_value(&s).unwrap_or_default(),
    );
    if let (Some(b), Some(a)) = (b.as_object(), a.as_object()) {
        for (k, v) in a {
            if b.get(k) != Some(v) {
                changed.insert(k.clone(), json!({"before": b.get(k), "after": v}));
            }
        }
    }
    caller
        .audit_and_commit(
            tx,
            now,
            "agency.review_settings",
            ("org", caller.agency.id),
            serde_json::Value::Object(changed),
        )
        .await?;
    Ok(())
}
