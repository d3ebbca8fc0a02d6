//! An agency's review settings: the approval policy, tone style, approval
//! lifetime, checklist, official names, watch list and who may take down.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::Role;
use crate::domain::approval::Step;
use crate::domain::policy;
use crate::error::{Error, Result};
use crate::service::review as svc;
use crate::state::AppState;
use crate::web::extract::{Authz, act};
use crate::web::pages::{Layout, render, render_status};

pub struct PolicyRow {
    pub path: &'static str,
    pub n: usize,
    pub roles: Vec<(&'static str, String, bool)>,
    pub delegable: bool,
}

#[derive(Template)]
#[template(path = "review_settings.html")]
struct SettingsPage {
    l: Layout,
    aid: i64,
    s: svc::Settings,
    rows: Vec<PolicyRow>,
    notice: Option<String>,
}

impl SettingsPage {
    fn is_new(&self) -> bool {
        self.s.tone_style == crate::lint::ToneStyle::New
    }
    /// The platforms a new clip may target by default: (code, name, chosen).
    fn platform_choices(&self) -> Vec<(&'static str, &'static str, bool)> {
        let chosen = self.s.default_platforms.as_deref().unwrap_or_default();
        crate::platforms::Platform::ALL
            .iter()
            .map(|p| {
                (
                    p.as_str(),
                    p.label(),
                    chosen.iter().any(|c| c == p.as_str()),
                )
            })
            .collect()
    }
    /// The roles the agency may let take clips down: (code, name, chosen).
    fn takedown_choices(&self) -> Vec<(&'static str, String, bool)> {
        policy::TAKEDOWN_OPTIONAL
            .iter()
            .map(|r| {
                (
                    r.code(),
                    self.l.tr.t(r.message_id()),
                    self.s.takedown_roles.contains(r),
                )
            })
            .collect()
    }
}

fn policy_rows(l: &Layout, s: &svc::Settings) -> Vec<PolicyRow> {
    let mut out = Vec::new();
    for (path, steps) in [
        ("political", &s.policy.political),
        ("other", &s.policy.other),
    ] {
        // Existing steps plus empty slots up to three.
        for n in 0..3.max(steps.len()) {
            let st = steps.get(n);
            out.push(PolicyRow {
                path,
                n: n + 1,
                roles: crate::domain::approval::SIGNING_ROLES
                    .iter()
                    .map(|r| {
                        (
                            r.code(),
                            l.tr.t(r.message_id()),
                            st.is_some_and(|s| s.roles.contains(r)),
                        )
                    })
                    .collect(),
                delegable: st.is_some_and(|s| s.delegable),
            });
        }
    }
    out
}

pub async fn settings_page(
    State(st): State<AppState>,
    a: Authz<act::ManageReviewSettings>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let s = {
        let mut tx = st.db.read().await?;
        svc::settings(&mut tx, a.agency.id).await?
    };
    render(&SettingsPage {
        aid: a.agency.id.0,
        rows: policy_rows(&l, &s),
        s,
        notice: None,
        l,
    })
}

/// The settings form: policy as `political_1` = role codes, `political_1_kt`, …
pub async fn settings_save(
    State(st): State<AppState>,
    a: Authz<act::ManageReviewSettings>,
    body: axum::body::Bytes,
) -> Result<Response> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut policy = crate::domain::approval::ApprovalPolicy::default();
    for (path, steps) in [
        ("political", &mut policy.political),
        ("other", &mut policy.other),
    ] {
        steps.clear();
        for n in 1..=5 {
            let key = format!("{path}_{n}");
            let roles: Vec<Role> = pairs
                .iter()
                .filter(|(k, _)| *k == key)
                .filter_map(|(_, v)| Role::parse(v))
                .collect();
            if !roles.is_empty() {
                steps.push(Step {
                    roles,
                    delegable: !get(&format!("{key}_kt")).is_empty(),
                });
            }
        }
    }
    let s = svc::Settings {
        tone_style: if get("tone_style") == "new" {
            crate::lint::ToneStyle::New
        } else {
            crate::lint::ToneStyle::Old
        },
        approval_ttl_hours: get("approval_ttl_hours").trim().parse().unwrap_or(0),
        policy,
        checklist: get("checklist").lines().map(String::from).collect(),
        official_names: get("official_names").lines().map(String::from).collect(),
        watch_list: get("watch_list").lines().map(String::from).collect(),
        takedown_roles: pairs
            .iter()
            .filter(|(k, _)| *k == "takedown_role")
            .filter_map(|(_, v)| Role::parse(v))
            .filter(|r| policy::TAKEDOWN_OPTIONAL.contains(r))
            .collect(),
        default_platforms: if get("default_connected").is_empty() {
            Some(
                pairs
                    .iter()
                    .filter(|(k, _)| *k == "default_platform")
                    .map(|(_, v)| v.clone())
                    .collect(),
            )
        } else {
            None
        },
        window_hours: match get("window_hours").trim() {
            "" => svc::Settings::default().window_hours,
            h => h.parse().unwrap_or(0),
        },
        follow_source_takedowns: !get("follow_source_takedowns").is_empty(),
    };
    match svc::save_settings(&a.caller, s.clone()).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/a/{}/review-settings", a.agency.id.0)).into_response())
        }
        Err(Error::Invalid(i)) => {
            let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
            render_status(
                axum::http::StatusCode::BAD_REQUEST,
                &SettingsPage {
                    aid: a.agency.id.0,
                    rows: policy_rows(&l, &s),
                    notice: Some(l.tr.t(i.message_id)),
                    s,
                    l,
                },
            )
        }
        Err(e) => Err(e),
    }
}
