//! The JSON API under `/api/v1`: the same operations as the pages, for scripts and
//! other systems. Authenticate with `Authorization: Bearer lt_…` (a personal access
//! token) or a browser session plus the `X-CSRF-Token` header. Errors are
//! `{code, message, field}` with stable codes.

pub mod agencies;
pub mod audit;
pub mod insights;
pub mod jobs;
pub mod me;
pub mod members;
pub mod publishing;
pub mod review;
pub mod tus;

use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::OpenApi;

/// The error body every failing API call returns.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `forbidden`, `invalid_input`.
    pub code: String,
    /// A sentence in the caller's language (Vietnamese unless English is chosen).
    pub message: String,
    /// The request field at fault, when one is.
    pub field: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lantoa API",
        description = "Newsroom desk for short video. Authenticate with a personal access token: `Authorization: Bearer lt_…`. Errors are JSON `{code, message, field}`; codes: unauthenticated, forbidden, not_found, invalid_input, malformed_request, conflict, too_many_attempts, password_change_required, csrf_failed, method_not_allowed, payload_too_large, unsupported_media_type, unavailable, action_not_allowed, approval_refused, edit_conflict, clip_locked, platform_refused, internal. Workflow refusals (409) say in `message` exactly why: the clip's state and who may act, what changed, which delegation ended."
    ),
    paths(
        me::get_me, me::put_locale, me::put_password, me::list_tokens, me::create_token, me::revoke_token,
        agencies::list, agencies::create, agencies::get_one, agencies::dashboard,
        members::list, members::create, members::get_one, members::put_roles, members::reset_password,
        members::put_disabled,
        audit::agency_audit, audit::system_audit,
        jobs::list, jobs::retry, jobs::cancel,
        tus::options, tus::create, tus::head, tus::patch, tus::delete,
        review::list, review::get_one, review::put_one, review::post_action, review::post_comment,
        review::put_resolved, review::put_tick, review::post_lock, review::delete_lock,
        review::history, review::get_settings, review::put_settings, review::list_delegations,
        review::post_delegation, review::revoke_delegation, review::notifications,
        review::mark_read, review::lint,
        publishing::list_channels, publishing::connect, publishing::disconnect,
        publishing::publications, publishing::publish_now, publishing::retry,
        publishing::take_down, publishing::removed_by_hand, publishing::incidents,
        insights::agency, insights::province,
    ),
    components(schemas(ApiError)),
    modifiers(&BearerAuth, &CommonAnswers),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Answers every operation can give, documented once rather than on each
/// handler: 401 without a valid token or session, and 413 for a body over the
/// 1 MiB the JSON API reads.
struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let answer = |why: &str| {
            ResponseBuilder::new()
                .description(why)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ApiError")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
            ];
            for op in ops.into_iter().flatten() {
                let r = &mut op.responses.responses;
                r.entry("401".into())
                    .or_insert_with(|| answer("Not signed in, or the token is not valid").into());
                // tus appends stream their bytes; every other body is read whole.
                if op.request_body.is_some() {
                    r.entry("413".into())
                        .or_insert_with(|| answer("The body is longer than 1 MiB").into());
                }
            }
        }
    }
}

pub async fn openapi_json() -> impl IntoResponse {
    let body = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// Wraps a value as a JSON response.
pub fn json<T: Serialize>(v: T) -> Json<T> {
    Json(v)
}
