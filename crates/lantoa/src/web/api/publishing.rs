//! Publishing over the API: channels (consent address, list, disconnect), a
//! clip's per-channel publications, publish now, retry, takedown, by-hand
//! removal and incidents.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::db::incidents::Incident;
use crate::db::publishing::{Channel, Publication};
use crate::domain::{ChannelId, ClipId, PublicationId};
use crate::error::{Error, Result};
use crate::platforms::Platform;
use crate::service::{channels, publish};
use crate::state::AppState;
use crate::web::extract::{Authz, JsonBody, MaybeJson, act};
use crate::web::{Routes, Scope, api_routes};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ConnectRequest {
    /// The platform's code, one of `PlatformCode`.
    #[schema(value_type = super::PlatformCode)]
    pub platform: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConnectStart {
    /// Send the person's browser here; the platform returns to `/channels/callback`.
    pub authorize_url: String,
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/channels", tag = "publishing",
    params(("aid" = i64, Path)), responses((status = 200, body = Vec<Channel>)))]
pub async fn list_channels(
    State(st): State<AppState>,
    a: Authz<act::ViewChannels>,
) -> Result<Json<Vec<Channel>>> {
    Ok(Json(channels::list(&st, a.agency.id).await?))
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/channels/connect", tag = "publishing",
    params(("aid" = i64, Path)), request_body = ConnectRequest,
    responses((status = 200, body = ConnectStart), (status = 400, body = ApiError)))]
pub async fn connect(
    State(_st): State<AppState>,
    a: Authz<act::ManageChannels>,
    JsonBody(r): JsonBody<ConnectRequest>,
) -> Result<Json<ConnectStart>> {
    let p = Platform::parse(&r.platform).ok_or_else(|| {
        Error::from(crate::domain::Invalid::new(
            "platform",
            "channel-app-not-configured",
        ))
    })?;
    Ok(Json(ConnectStart {
        authorize_url: channels::connect_start(&a.caller, p).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/channels/{chid}/disconnect", tag = "publishing",
    params(("aid" = i64, Path), ("chid" = i64, Path)), responses((status = 204), (status = 404, body = ApiError)))]
pub async fn disconnect(
    State(_st): State<AppState>,
    a: Authz<act::ManageChannels>,
    Path((_, chid)): Path<(i64, i64)>,
) -> Result<axum::http::StatusCode> {
    channels::disconnect(&a.caller, ChannelId(chid)).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisibilityRequest {
    /// Who may see the channel's posts, in the platform's word: YouTube
    /// `public|unlisted|private`; TikTok one of the creator's options
    /// (`PUBLIC_TO_EVERYONE`, `MUTUAL_FOLLOW_FRIENDS`, `FOLLOWER_OF_CREATOR`,
    /// `SELF_ONLY`); Facebook and Zalo `public`.
    pub visibility: String,
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/channels/{chid}/visibility", tag = "publishing",
    params(("aid" = i64, Path), ("chid" = i64, Path)), request_body = VisibilityRequest,
    responses((status = 204), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn set_visibility(
    State(_st): State<AppState>,
    a: Authz<act::ManageChannels>,
    Path((_, chid)): Path<(i64, i64)>,
    JsonBody(body): JsonBody<VisibilityRequest>,
) -> Result<axum::http::StatusCode> {
    channels::set_visibility(&a.caller, ChannelId(chid), &body.visibility).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoriesRequest {
    /// A YouTube channel's categoryId per topic category: each key a topic
    /// category's code (`leadership_message`, `official_event`,
    /// `current_affairs`, `good_deeds`, `other`), each value one of YouTube's
    /// assignable ids (`1`, `2`, `10`, `15`, `17`, `19`, `20`, `22`–`29`). It
    /// replaces the channel's mapping: a category left out takes the default
    /// (`25` News & Politics for the first three, `22` People & Blogs for the
    /// others). Other platforms are refused.
    #[schema(example = json!({"current_affairs": "25", "good_deeds": "29"}))]
    pub categories: std::collections::BTreeMap<String, String>,
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/channels/{chid}/categories", tag = "publishing",
    params(("aid" = i64, Path), ("chid" = i64, Path)), request_body = CategoriesRequest,
    responses((status = 204), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn set_categories(
    State(_st): State<AppState>,
    a: Authz<act::ManageChannels>,
    Path((_, chid)): Path<(i64, i64)>,
    JsonBody(body): JsonBody<CategoriesRequest>,
) -> Result<axum::http::StatusCode> {
    channels::set_categories(&a.caller, ChannelId(chid), &body.categories).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicationView {
    #[serde(flatten)]
    pub publication: Publication,
    #[schema(value_type = super::ChannelCode)]
    pub platform: String,
    pub channel_name: String,
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/clips/{cid}/publications", tag = "publishing",
    params(("aid" = i64, Path), ("cid" = i64, Path)),
    responses((status = 200, body = Vec<PublicationView>), (status = 404, body = ApiError)))]
pub async fn publications(
    State(st): State<AppState>,
    a: Authz<act::ViewChannels>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Json<Vec<PublicationView>>> {
    let list = publish::status(&st, a.agency.id, ClipId(cid)).await?;
    Ok(Json(
        list.into_iter()
            .map(|(p, c)| PublicationView {
                publication: p,
                platform: c.platform,
                channel_name: c.name,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Queued {
    /// One publication per target channel.
    pub publications: Vec<PublicationId>,
}

/// What "publish now" may confirm: who may see the post on each channel, in
/// the platform's word (TikTok: one of the creator's options). A channel left
/// out goes with the visibility chosen for it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    #[serde(default)]
    #[schema(value_type = Object, additional_properties = true)]
    pub privacy: std::collections::BTreeMap<ChannelId, String>,
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/clips/{cid}/publish", tag = "publishing",
    params(("aid" = i64, Path), ("cid" = i64, Path)),
    request_body(content = Option<PublishRequest>, description = "Optional: the visibility confirmed per channel id"),
    responses((status = 202, body = Queued), (status = 400, body = ApiError), (status = 409, body = ApiError)))]
pub async fn publish_now(
    State(_st): State<AppState>,
    a: Authz<act::Publish>,
    Path((_, cid)): Path<(i64, i64)>,
    MaybeJson(body): MaybeJson<PublishRequest>,
) -> Result<(axum::http::StatusCode, Json<Queued>)> {
    let ids = publish::publish_now(&a.caller, ClipId(cid), &body.privacy).await?;
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(Queued { publications: ids }),
    ))
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/publications/{pid}/retry", tag = "publishing",
    params(("aid" = i64, Path), ("pid" = i64, Path)), responses((status = 204), (status = 409, body = ApiError)))]
pub async fn retry(
    State(_st): State<AppState>,
    a: Authz<act::Publish>,
    Path((_, pid)): Path<(i64, i64)>,
) -> Result<axum::http::StatusCode> {
    publish::retry(&a.caller, PublicationId(pid)).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TakedownRequest {
    /// Why the clip comes down (required, kept in the audit trail and the incident).
    #[schema(min_length = 5, max_length = 2000)]
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TakenDown {
    pub incident: i64,
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/clips/{cid}/takedown", tag = "publishing",
    params(("aid" = i64, Path), ("cid" = i64, Path)), request_body = TakedownRequest,
    responses((status = 202, body = TakenDown), (status = 400, body = ApiError), (status = 409, body = ApiError)))]
pub async fn take_down(
    State(_st): State<AppState>,
    a: Authz<act::TakeDown>,
    Path((_, cid)): Path<(i64, i64)>,
    JsonBody(r): JsonBody<TakedownRequest>,
) -> Result<(axum::http::StatusCode, Json<TakenDown>)> {
    let incident = publish::take_down(&a.caller, ClipId(cid), &r.reason).await?;
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(TakenDown { incident }),
    ))
}

#[utoipa::path(post, path = "/api/v1/agencies/{aid}/publications/{pid}/removed", tag = "publishing",
    params(("aid" = i64, Path), ("pid" = i64, Path)), responses((status = 204), (status = 409, body = ApiError)))]
pub async fn removed_by_hand(
    State(_st): State<AppState>,
    a: Authz<act::TakeDown>,
    Path((_, pid)): Path<(i64, i64)>,
) -> Result<axum::http::StatusCode> {
    publish::tick_removed(&a.caller, PublicationId(pid)).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/agencies/{aid}/incidents", tag = "publishing",
    params(("aid" = i64, Path)), responses((status = 200, body = Vec<Incident>)))]
pub async fn incidents(
    State(st): State<AppState>,
    a: Authz<act::ViewIncidents>,
) -> Result<Json<Vec<Incident>>> {
    Ok(Json(
        crate::service::incidents::list(&st, &[a.agency.id]).await?,
    ))
}

/// This area's routes, each with who may reach it.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    api_routes!(r,
        Agency: list_channels, connect, disconnect, set_visibility, set_categories, publications,
            publish_now, take_down, retry, removed_by_hand, incidents;
    )
}
