//! The landing page, an agency's dashboard, and the overseer's overview.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Layout, render};
use crate::db::clips::Clip;
use crate::domain::policy::REVIEWERS;
use crate::domain::{Action, Role};
use crate::error::{Error, Result};
use crate::service::dashboard::{AgencyWeek, DashboardCounts, agency_week, counts};
use crate::service::orgs::visible_agencies;
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, act};
use crate::web::pages::review::queue_clips;
use crate::web::{Routes, Scope};

/// Sends the user to the first agency they can open, or to the overview.
pub async fn home(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    let overseer = u.p.memberships.iter().any(|(_, r)| *r == Role::Overseer);
    if overseer || u.p.is_system_admin {
        return Ok(Redirect::to("/overview").into_response());
    }
    let agencies = visible_agencies(&st, &u.p).await?;
    match agencies.first() {
        Some(a) => Ok(Redirect::to(&format!("/a/{}", a.id)).into_response()),
        None => Ok(Redirect::to("/profile").into_response()),
    }
}

/// A clip on the person's home page.
pub struct HomeRow {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub state_label: String,
    pub political: bool,
    /// How long it has waited, or when it was last changed.
    pub age: String,
    /// When it goes out, for what is approved.
    pub when: Option<String>,
}

/// One list of the home page, with a link to all of it.
pub struct HomeList {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<HomeRow>,
    pub total: usize,
    /// The review queue tab that holds all of it.
    pub tab: &'static str,
}

/// The rows a home list shows; the queue has the rest.
const HOME_ROWS: usize = 8;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Layout,
    aid: i64,
    agency_name: String,
    lists: Vec<HomeList>,
    /// The agency's numbers, for its administrators.
    admin: Option<DashboardCounts>,
    read_only: bool,
    can_upload: bool,
    /// The body's campaigns running now that the agency takes part in:
    /// (id, name, dates, published, expected).
    campaigns: Vec<(i64, String, String, i64, i64)>,
}

impl DashboardPage {
    /// Nothing waits for the person and nothing of theirs is recent.
    fn nothing(&self) -> bool {
        self.lists.iter().all(|l| l.rows.is_empty())
    }
}

/// "5 phút", "3 giờ", "2 ngày": how long ago `at` was.
fn age(l: &Layout, now: i64, at: i64) -> String {
    let min = ((now - at) / 60_000).max(0);
    let (key, n) = match min {
        0..60 => ("age-minutes", min),
        60..2880 => ("age-hours", min / 60),
        _ => ("age-days", min / 1440),
    };
    l.tr.t1(key, "n", &n.to_string())
}

/// The agency's home for this person: what waits for their signature or
/// review, their own drafts and clips sent back, what is about to go out,
/// and the week's results. An administrator also sees the agency's numbers.
pub async fn dashboard(
    State(st): State<AppState>,
    a: Authz<act::ViewDashboard>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let (agency, tz, now) = (a.agency.id, a.agency.time_zone.clone(), st.now());
    let roles = crate::service::review::roles_in(&a.principal, agency);
    let reviewer = roles.iter().any(|r| REVIEWERS.contains(r));
    let mut lists = Vec::new();
    {
        let mut tx = st.db.read().await?;
        let p = &a.principal;
        let mut take = |id, tab, clips: Vec<Clip>, waiting: bool| {
            let total = clips.len();
            let rows = clips
                .into_iter()
                .take(HOME_ROWS)
                .map(|c| HomeRow {
                    id: c.id.0,
                    state: c.state.code().into(),
                    state_label: l.tr.t(&c.state.message_id()),
                    political: c.political,
                    age: if waiting {
                        l.tr.t1("home-waiting", "age", &age(&l, now, c.updated_at))
                    } else {
                        l.tr.t1("home-changed", "age", &age(&l, now, c.updated_at))
                    },
                    when: c
                        .scheduled_at
                        .or(c.publish_at)
                        .filter(|_| tab == "approved")
                        .map(|t| l.time(&t, &tz)),
                    title: c.title,
                })
                .collect();
            lists.push(HomeList {
                id,
                title: l.tr.t(&format!("home-{id}")),
                rows,
                total,
                tab,
            });
        };
        let to_sign = queue_clips(&st, &mut tx, p, agency, "approve").await?;
        let signing: Vec<_> = to_sign.iter().map(|c| c.id).collect();
        take("to-sign", "approve", to_sign, true);
        if reviewer {
            let review = queue_clips(&st, &mut tx, p, agency, "review").await?;
            let rest = review.into_iter().filter(|c| !signing.contains(&c.id));
            take("to-review", "review", rest.collect(), true);
        }
        let mine = queue_clips(&st, &mut tx, p, agency, "mine").await?;
        take("mine", "mine", mine, false);
        if reviewer || a.may(Action::Publish) {
            let out = queue_clips(&st, &mut tx, p, agency, "approved").await?;
            take("going-out", "approved", out, false);
        }
        // The week's results: the person's own, or the agency's for reviewers.
        let week = now - 7 * 24 * 3600 * 1000;
        let published: Vec<Clip> = queue_clips(&st, &mut tx, p, agency, "published")
            .await?
            .into_iter()
            .filter(|c| c.updated_at >= week && (reviewer || c.author_id == p.user_id))
            .collect();
        take("results", "published", published, false);
    }
    let admin = if a.may(Action::ManageMembers) {
        Some(counts(&st, agency, &tz).await?)
    } else {
        None
    };
    let member_here = a.principal.memberships.iter().any(|(o, _)| *o == agency);
    let campaigns = if a.may(Action::ViewCampaigns) {
        crate::service::campaigns::for_agency(&st, &a.agency, |c| c.running(now))
            .await?
            .into_iter()
            .map(|(c, p)| {
                let dates = crate::clock::days_in(c.starts_at, c.ends_at, &tz, l.tr.locale);
                (c.id, c.name, dates, p.stages.published, p.expected)
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&DashboardPage {
        campaigns,
        aid: agency.0,
        agency_name: a.agency.name.clone(),
        read_only: !member_here,
        can_upload: a.may(Action::UploadClip),
        lists,
        admin,
        l,
    })
}

pub struct OverviewRow {
    pub id: i64,
    pub name: String,
    pub w: AgencyWeek,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    l: Layout,
    rows: Vec<OverviewRow>,
}

/// Every agency the user can open, side by side: what waits for a decision
/// (political clips first), open incidents, and the week's posts.
pub async fn overview(State(st): State<AppState>, u: CurrentUser) -> Result<Response> {
    let agencies = visible_agencies(&st, &u.p).await?;
    let mut rows = Vec::new();
    for a in agencies {
        let target = crate::domain::policy::Target {
            agency: a.id,
            body: a.parent_id,
        };
        if !crate::domain::policy::allows(&u.p.subject(), target, Action::ViewDashboard) {
            return Err(Error::Forbidden);
        }
        rows.push(OverviewRow {
            id: a.id.0,
            w: agency_week(&st, a.id).await?,
            name: a.name,
        });
    }
    let l = Layout::build(&st, &u.ctx, None).await?;
    render(&OverviewPage { l, rows })
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/", User, home)
        .get("/overview", User, overview)
        .get("/a/{aid}", Agency, dashboard)
}
