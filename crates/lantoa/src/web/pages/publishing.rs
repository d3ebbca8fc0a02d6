//! Publishing pages: the agency's channels (connect through the platform's
//! consent, reconnect, disconnect), the clip's per-channel status (live while
//! anything is on its way), publish now, retry, takedown with its manual
//! checklist, and the incidents takedowns open.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::review::{back, back_done, refused};
use super::{Layout, render};
use crate::db::clips::Clip;
use crate::db::publishing as pdb;
use crate::domain::PublicationState;
use crate::domain::workflow::{ClipAction, ClipState};
use crate::domain::{Action, ChannelId, ClipId, PublicationId, Role};
use crate::error::{Error, Result};
use crate::platforms::Platform;
use crate::service::{channels, publish};
use crate::state::AppState;
use crate::web::extract::{Authz, CurrentUser, FormData, act};
use crate::web::{Routes, Scope};

/// One channel's line in a clip's publishing panel.
pub struct PubRow {
    pub id: i64,
    pub round: i64,
    pub platform: String,
    pub channel: String,
    pub state: String,
    /// What the tag shows: the publication's state, or once a takedown has
    /// touched the post, where its removal stands.
    pub tag: String,
    pub state_label: String,
    pub progress: Option<String>,
    pub url: Option<String>,
    pub error: Option<String>,
    pub late: Option<String>,
    pub at: String,
    pub removal: Option<String>,
    /// Who may see the post, when not everyone (as the platform reports it).
    pub seen_by: Option<String>,
}

/// The publishing panel of a clip page.
pub struct PublishView {
    pub cid: i64,
    pub rows: Vec<PubRow>,
    /// Something is on its way: the panel refreshes itself.
    pub live: bool,
    pub can_publish_now: bool,
    pub can_take_down: bool,
    pub can_retry: bool,
    pub can_tick: bool,
    pub taken_down: bool,
    /// The question "publish now" asks first, naming the channels.
    pub confirm_publish: String,
    /// Channels whose visibility is confirmed when publishing now (TikTok's
    /// rules: the person chooses, from the creator's own options).
    pub confirm: Vec<PrivacyChoice>,
    /// Channels whose posts a takedown cannot remove until they are
    /// reconnected (YouTube without the delete scope).
    pub reconnect_first: Vec<String>,
}

/// One channel's visibility choice on the publish form.
pub struct PrivacyChoice {
    pub channel_id: i64,
    pub channel: String,
    /// (value, label), in the platform's order.
    pub options: Vec<(String, String)>,
    /// The channel's own choice, offered first (none: the person must choose).
    pub chosen: Option<String>,
}

/// The label of a visibility level, in the reader's language.
pub(crate) fn level_label(l: &Layout, level: &str) -> String {
    l.tr.t(&format!(
        "visibility-{}",
        level.to_ascii_lowercase().replace('_', "-")
    ))
}

/// One publication's line, in the reader's language and the agency's time.
fn pub_row(l: &Layout, tz: &str, p: pdb::Publication, ch: &pdb::Channel) -> PubRow {
    PubRow {
        id: p.id.0,
        round: p.round,
        platform: l.tr.t(&format!("platform-{}", ch.platform)),
        channel: ch.name.clone(),
        tag: match p.removal.as_deref() {
            Some(r) => format!("removal-{r}"),
            None => p.state.to_string(),
        },
        state_label: match p.removal.as_deref() {
            Some(r) => l.tr.t(&format!("pub-removal-{r}")),
            // Out, but the platform reports it is not public.
            None if p.state == PublicationState::Published && p.visible_to_all == Some(false) => {
                l.tr.t("pub-state-published-private")
            }
            None => l.tr.t(&format!("pub-state-{}", p.state)),
        },
        progress: (p.state == PublicationState::Uploading)
            .then(|| format!("{:.0}", p.progress.unwrap_or(0.0) * 100.0)),
        // A removed post has no address left to open.
        url: p
            .url
            .clone()
            .filter(|_| !matches!(p.removal.as_deref(), Some("removed" | "manual_done"))),
        error: match (p.error_class.as_deref(), p.error_message.as_deref()) {
            // The channel's binding: our own sentence, in the reader's language.
            (Some("binding"), _) if p.state != PublicationState::Published => {
                Some(l.tr.t(&format!(
            "channel-{}",
            p.error_code.as_deref().unwrap_or_default().replace('_', "-")
        )))
            }
            (Some(c), Some(m)) if p.state != PublicationState::Published => {
                Some(format!("{} — {m}", l.tr.t(&format!("pub-error-{c}"))))
            }
            // Why the platform made it less visible than asked, in its words.
            _ if p.visible_to_all == Some(false) && p.visibility_reason.is_some() => {
                Some(l.tr.t_args(
                    "pub-visibility-reason",
                    &[("reason", p.visibility_reason.clone().unwrap_or_default())],
                ))
            }
            _ => None,
        },
        late: p.late_ms.map(|ms| {
            l.tr.t_args("pub-late", &[("minutes", (ms / 60_000).to_string())])
        }),
        at: l.time(&p.published_at.unwrap_or(p.run_at), tz),
        removal: p.removal.clone(),
        seen_by: (p.visible_to_all == Some(false))
            .then(|| p.visibility.as_deref().map(|v| level_label(l, v)))
            .flatten()
            .map(|v| l.tr.t1("pub-seen-by", "level", &v)),
        state: p.state.to_string(),
    }
}

pub(crate) async fn publish_view<A>(
    st: &AppState,
    a: &Authz<A>,
    l: &Layout,
    clip: &Clip,
) -> Result<PublishView> {
    let tz = &a.agency.time_zone;
    let list = publish::status(st, a.agency.id, clip.id).await?;
    let state = clip.state;
    let rows: Vec<PubRow> = list
        .into_iter()
        .map(|(p, ch)| pub_row(l, tz, p, &ch))
        .collect();
    let live = rows.iter().any(|r| {
        matches!(r.state.as_str(), "queued" | "uploading" | "processing")
            || r.removal.as_deref() == Some("removing")
    });
    let may = {
        let mut tx = st.db.read().await?;
        let current = crate::service::review::current_version(&mut tx, clip).await?;
        crate::service::review::rights(&mut tx, &a.principal, clip, current.as_ref(), st.now())
            .await?
    };
    let chans = {
        let mut tx = st.db.read().await?;
        crate::db::publishing::channels(&mut tx, a.agency.id).await?
    };
    let targets: Vec<&crate::db::publishing::Channel> = chans
        .iter()
        .filter(|c| clip.target_channels.contains(&c.platform))
        .collect();
    let confirm = targets
        .iter()
        .filter(|c| c.platform == Platform::TikTok.as_str())
        .map(|c| PrivacyChoice {
            channel_id: c.id.0,
            channel: c.name.clone(),
            options: publish::sending::levels(Platform::TikTok, publish::offered(c).as_deref())
                .into_iter()
                .map(|v| (v.clone(), level_label(l, &v)))
                .collect(),
            chosen: c.visibility.clone(),
        })
        .collect();
    let reconnect_first = targets
        .iter()
        .filter(|c| channels::needs_reconnect_for_takedown(c))
        .map(|c| c.name.clone())
        .collect();
    let names: Vec<&str> = targets.iter().map(|c| c.name.as_str()).collect();
    let confirm_publish = l.tr.t1("confirm-publish", "channels", &names.join(", "));
    Ok(PublishView {
        cid: clip.id.0,
        confirm_publish,
        confirm,
        reconnect_first,
        live,
        can_publish_now: may.actions.contains(&ClipAction::Publish),
        can_take_down: may.actions.contains(&ClipAction::TakeDown),
        can_retry: may.retry,
        can_tick: may.confirm_removed,
        taken_down: state == ClipState::TakenDown,
        rows,
    })
}

#[derive(Template)]
#[template(path = "publications.html")]
struct PanelFragment {
    l: Layout,
    aid: i64,
    pb: PublishView,
}

/// The panel alone, polled while something is on its way.
pub async fn panel(
    State(st): State<AppState>,
    a: Authz<act::ViewChannels>,
    Path((aid, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let clip = {
        let mut tx = st.db.read().await?;
        crate::db::clips::get(&mut tx, a.agency.id, ClipId(cid))
            .await?
            .ok_or(Error::NotFound)?
    };
    let pb = publish_view(&st, &a, &l, &clip).await?;
    render(&PanelFragment { l, aid, pb })
}

pub async fn publish_now(
    State(st): State<AppState>,
    a: Authz<act::Publish>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<std::collections::HashMap<String, String>>,
) -> Result<Response> {
    // `privacy_<channel id>`: the visibility confirmed for that channel.
    let privacy = f
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("privacy_")?.parse::<i64>().ok()?;
            (!v.trim().is_empty()).then(|| (crate::domain::ChannelId(id), v.trim().to_string()))
        })
        .collect();
    match publish::publish_now(&a.caller, ClipId(cid), &privacy).await {
        Ok(_) => Ok(back_done(aid, cid, "publish", "#publishing")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

pub async fn retry(
    State(st): State<AppState>,
    a: Authz<act::Publish>,
    Path((aid, pid)): Path<(i64, i64)>,
) -> Result<Response> {
    let cid = clip_of(&st, &a, pid).await?;
    match publish::retry(&a.caller, PublicationId(pid)).await {
        Ok(()) => Ok(back(aid, cid, "#publishing")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

async fn clip_of<A>(st: &AppState, a: &Authz<A>, pid: i64) -> Result<i64> {
    let mut tx = st.db.read().await?;
    pdb::publication(&mut tx, PublicationId(pid))
        .await?
        .filter(|p| p.agency_id == a.agency.id)
        .map(|p| p.clip_id.0)
        .ok_or(Error::NotFound)
}

#[derive(Debug, Deserialize)]
pub struct TakedownForm {
    #[serde(default)]
    pub reason: String,
}

pub async fn take_down(
    State(st): State<AppState>,
    a: Authz<act::TakeDown>,
    Path((aid, cid)): Path<(i64, i64)>,
    FormData(f): FormData<TakedownForm>,
) -> Result<Response> {
    match publish::take_down(&a.caller, ClipId(cid), &f.reason).await {
        Ok(_) => Ok(back_done(aid, cid, "takedown", "#publishing")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

pub async fn removed_by_hand(
    State(st): State<AppState>,
    a: Authz<act::TakeDown>,
    Path((aid, pid)): Path<(i64, i64)>,
) -> Result<Response> {
    let cid = clip_of(&st, &a, pid).await?;
    match publish::tick_removed(&a.caller, PublicationId(pid)).await {
        Ok(()) => Ok(back(aid, cid, "#publishing")),
        Err(e) => refused(&st, &a, cid, e, None).await,
    }
}

// ---- Channels ----------------------------------------------------------------------

pub struct ChannelRow {
    pub id: i64,
    /// The agency's own outlet: set up on its own page, not connected here.
    pub outlet: bool,
    pub platform: String,
    pub name: String,
    pub external_id: String,
    pub status: String,
    pub status_label: String,
    pub reason: Option<String>,
    pub since: String,
    /// How fetching the channel's figures goes (insights).
    pub metrics: String,
    pub metrics_failing: bool,
    /// Why the channel cannot be used with these settings (bound to the
    /// sandbox or to the platform).
    pub binding: Option<String>,
    /// Who may see its posts: (value, label) choices and the one chosen.
    pub levels: Vec<(String, String)>,
    pub visibility: Option<String>,
    /// A YouTube channel connected without the delete scope.
    pub reconnect_for_takedown: bool,
    /// YouTube: the categoryId each topic category goes out with (empty on
    /// other platforms).
    pub categories: Vec<CategoryRow>,
    /// How it receives subtitles (`domain::subtitles::Delivery`).
    pub subtitles: String,
}

/// A topic category and the YouTube category its posts go out in.
pub struct CategoryRow {
    pub code: &'static str,
    pub label: String,
    pub youtube: String,
    pub youtube_label: String,
}

/// A YouTube channel's mapping as it applies now (the channel's, else the
/// defaults), one row per topic category.
fn category_rows(l: &Layout, c: &pdb::Channel) -> Vec<CategoryRow> {
    if c.platform != Platform::YouTube.as_str() {
        return Vec::new();
    }
    crate::domain::Category::ALL
        .into_iter()
        .map(|cat| {
            let youtube = publish::sending::youtube_category(c, cat);
            CategoryRow {
                code: cat.code(),
                label: l.tr.t(cat.message_id()),
                // An id outside YouTube's list (set by hand) shows as it is.
                youtube_label: publish::sending::youtube_category_name(&youtube)
                    .map_or_else(|| youtube.clone(), |key| l.tr.t(key)),
                youtube,
            }
        })
        .collect()
}

pub struct ConnectButton {
    pub code: &'static str,
    pub label: &'static str,
    pub configured: bool,
}

#[derive(Template)]
#[template(path = "channels.html")]
struct ChannelsPage {
    l: Layout,
    aid: i64,
    rows: Vec<ChannelRow>,
    connect: Vec<ConnectButton>,
    can_manage: bool,
    /// YouTube's assignable categories: (id, name).
    youtube_categories: Vec<(String, String)>,
    sandbox: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    pub connected: Option<usize>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub saved: Option<u8>,
}

pub async fn channels_page(
    State(st): State<AppState>,
    a: Authz<act::ViewChannels>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let tz = &a.agency.time_zone;
    let list = channels::list(&st, a.agency.id).await?;
    let mut health = std::collections::HashMap::new();
    {
        let mut tx = st.db.read().await?;
        for c in &list {
            if let Some(h) = crate::db::insights::channel_health(&mut tx, c.id).await? {
                health.insert(c.id, h);
            }
        }
    }
    let rows = list
        .into_iter()
        .map(|c| ChannelRow {
            metrics: match health.get(&c.id) {
                Some((_, n, Some(e), at)) if *n > 0 => l.tr.t_args(
                    "channels-metrics-failing",
                    &[
                        ("n", n.to_string()),
                        ("error", e.clone()),
                        ("at", at.map(|t| l.time(&t, tz)).unwrap_or_default()),
                    ],
                ),
                Some((Some(ok), ..)) => l.tr.t1("channels-metrics-ok", "at", &l.time(ok, tz)),
                _ => l.tr.t("channels-metrics-none"),
            },
            metrics_failing: health.get(&c.id).is_some_and(|h| h.1 > 0),
            levels: Platform::parse(&c.platform)
                .map(|p| publish::sending::levels(p, publish::offered(&c).as_deref()))
                .unwrap_or_default()
                .into_iter()
                .map(|v| (v.clone(), level_label(&l, &v)))
                .collect(),
            // What goes out now: the choice made, else the platform's only
            // or first level (TikTok: none until someone chooses).
            visibility: Platform::parse(&c.platform)
                .and_then(|p| publish::sending::privacy_of(p, None, &c)),
            reconnect_for_takedown: channels::needs_reconnect_for_takedown(&c),
            categories: category_rows(&l, &c),
            subtitles: c.subtitles.clone(),
            binding: channels::binding(&st, &c)
                .err()
                .map(|u| l.tr.t(u.message_id())),
            id: c.id.0,
            outlet: c.platform == crate::domain::outlet::OUTLET,
            platform: l.tr.t(&format!("platform-{}", c.platform)),
            status_label: l
                .tr
                .t(&format!("channel-status-{}", c.status.replace('_', "-"))),
            since: l.time(&c.updated_at, tz),
            reason: c.status_reason,
            name: c.name,
            external_id: c.external_id,
            status: c.status,
        })
        .collect();
    let notice = match (q.connected, q.error) {
        _ if q.saved == Some(SAVED_CATEGORIES) => Some(l.tr.t("channel-categories-saved")),
        _ if q.saved.is_some() => Some(l.tr.t("channel-visibility-saved")),
        (Some(n), _) => Some(l.tr.t_args("channels-connected", &[("count", n.to_string())])),
        // Only a known case is shown; any other text in the address is not.
        (_, Some(e)) => ConsentError::parse(&e).map(|e| l.tr.t(e.message_id())),
        _ => None,
    };
    let sandbox = st
        .config
        .platforms
        .sandbox_url
        .as_ref()
        .map(|u| u.to_string());
    render(&ChannelsPage {
        aid: a.agency.id.0,
        rows,
        connect: Platform::ALL
            .into_iter()
            .map(|p| ConnectButton {
                code: p.as_str(),
                label: p.label(),
                configured: channels::configured(&st, p),
            })
            .collect(),
        can_manage: a.may(Action::ManageChannels),
        youtube_categories: publish::sending::YOUTUBE_CATEGORIES
            .iter()
            .map(|(id, key)| (id.to_string(), l.tr.t(key)))
            .collect(),
        sandbox,
        notice,
        l,
    })
}

/// Sends the browser to the platform's consent page.
pub async fn connect(
    State(_st): State<AppState>,
    a: Authz<act::ManageChannels>,
    Path((_, platform)): Path<(i64, String)>,
) -> Result<Response> {
    let p = Platform::parse(&platform).ok_or(Error::NotFound)?;
    let url = channels::connect_start(&a.caller, p).await?;
    Ok(Redirect::to(&url).into_response())
}

#[derive(Debug, Deserialize)]
pub struct Callback {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// Where the platform sends the browser back after consent.
pub async fn callback(
    State(st): State<AppState>,
    u: CurrentUser,
    Query(q): Query<Callback>,
) -> Result<Response> {
    let actor = u.p.actor(&u.ctx.client_addr);
    let tr = u.ctx.tr();
    let state = q.state.unwrap_or_default();
    let Some(code) = q.code.filter(|_| q.error.is_none()) else {
        // Refused on the platform's side: find the agency to go back to.
        let agency = {
            let mut tx = st.db.write().await?;
            let r = pdb::take_oauth_state(&mut tx, &state).await?;
            tx.commit().await?;
            r.map(|r| r.0)
        };
        // The platform's own words stay in the log: the page only says which
        // known case this is, so no one can put text in front of an admin.
        tracing::info!(error = ?q.error, description = ?q.error_description,
            "a platform's consent was refused");
        return Ok(match agency {
            Some(ag) => Redirect::to(&format!(
                "/a/{ag}/channels?error={}",
                ConsentError::Denied.code()
            ))
            .into_response(),
            None => return Err(Error::NotFound),
        });
    };
    match channels::connect_finish(&st, &actor, &state, &code).await {
        Ok((ag, ids)) => {
            Ok(Redirect::to(&format!("/a/{ag}/channels?connected={}", ids.len())).into_response())
        }
        Err(Error::Refused(r)) => {
            // Back to the first agency the person manages channels of, with the
            // kind of failure; the platform's words go to the log.
            tracing::warn!(message = %r.message(&tr), "connecting a channel failed");
            let code = match r.message_id {
                "channel-no-accounts" => ConsentError::NoAccounts,
                _ => ConsentError::Failed,
            };
            let ag =
                u.p.memberships
                    .iter()
                    .find(|(_, r)| matches!(r, Role::AgencyAdmin | Role::Head))
                    .map(|m| m.0);
            match ag {
                Some(ag) => Ok(
                    Redirect::to(&format!("/a/{ag}/channels?error={}", code.code()))
                        .into_response(),
                ),
                None => Err(Error::Refused(r)),
            }
        }
        Err(e) => Err(e),
    }
}

/// Why connecting a channel failed, as the channels page's `?error=` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentError {
    /// The person or the platform refused consent.
    Denied,
    /// The platform refused the code or the token exchange.
    Failed,
    /// The account manages no page or channel.
    NoAccounts,
}

impl ConsentError {
    const ALL: [ConsentError; 3] = [
        ConsentError::Denied,
        ConsentError::Failed,
        ConsentError::NoAccounts,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ConsentError::Denied => "denied",
            ConsentError::Failed => "failed",
            ConsentError::NoAccounts => "no_accounts",
        }
    }

    pub fn parse(s: &str) -> Option<ConsentError> {
        ConsentError::ALL.into_iter().find(|e| e.code() == s)
    }

    fn message_id(self) -> &'static str {
        match self {
            ConsentError::Denied => "channels-consent-denied",
            ConsentError::Failed => "channels-consent-failed",
            ConsentError::NoAccounts => "channel-no-accounts",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct VisibilityForm {
    #[serde(default)]
    pub visibility: String,
}

pub async fn set_visibility(
    State(_st): State<AppState>,
    a: Authz<act::ManageChannels>,
    Path((aid, chid)): Path<(i64, i64)>,
    FormData(f): FormData<VisibilityForm>,
) -> Result<Response> {
    channels::set_visibility(&a.caller, ChannelId(chid), &f.visibility).await?;
    Ok(Redirect::to(&format!("/a/{aid}/channels?saved=1#channels")).into_response())
}

/// `?saved=` after a YouTube channel's categories were saved (visibility: 1).
const SAVED_CATEGORIES: u8 = 2;

/// Saves a YouTube channel's categories: one field per topic category (its
/// code), each YouTube's categoryId.
pub async fn set_categories(
    State(_st): State<AppState>,
    a: Authz<act::ManageChannels>,
    Path((aid, chid)): Path<(i64, i64)>,
    FormData(mut f): FormData<std::collections::BTreeMap<String, String>>,
) -> Result<Response> {
    f.remove(crate::web::middleware::CSRF_FIELD);
    channels::set_categories(&a.caller, ChannelId(chid), &f).await?;
    Ok(Redirect::to(&format!(
        "/a/{aid}/channels?saved={SAVED_CATEGORIES}#channels"
    ))
    .into_response())
}

pub async fn disconnect(
    State(_st): State<AppState>,
    a: Authz<act::ManageChannels>,
    Path((aid, chid)): Path<(i64, i64)>,
) -> Result<Response> {
    channels::disconnect(&a.caller, ChannelId(chid)).await?;
    Ok(Redirect::to(&format!("/a/{aid}/channels")).into_response())
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    use Scope::*;
    r.get("/a/{aid}/channels", Agency, channels_page)
        .post("/a/{aid}/channels/connect/{platform}", Agency, connect)
        .post("/a/{aid}/channels/{chid}/disconnect", Agency, disconnect)
        .post(
            "/a/{aid}/channels/{chid}/visibility",
            Agency,
            set_visibility,
        )
        .post(
            "/a/{aid}/channels/{chid}/categories",
            Agency,
            set_categories,
        )
        .get("/channels/callback", User, callback)
        .get("/a/{aid}/clips/{cid}/publications", Agency, panel)
        .post("/a/{aid}/clips/{cid}/publish", Agency, publish_now)
        .post("/a/{aid}/clips/{cid}/takedown", Agency, take_down)
        .post("/a/{aid}/publications/{pid}/retry", Agency, retry)
        .post(
            "/a/{aid}/publications/{pid}/removed",
            Agency,
            removed_by_hand,
        )
}
