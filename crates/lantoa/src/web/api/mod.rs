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

use crate::web::{Routes, Scope};
use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::OpenApi;

/// A string schema whose values are the codes of one of Lantoa's enums,
/// listed from the enum itself so the document cannot drift from it.
macro_rules! codes_schema {
    ($name:ident, $doc:literal, $codes:expr) => {
        #[doc = $doc]
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($doc))
                    .enum_values(Some($codes))
                    .into()
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}

codes_schema!(
    PlatformCode,
    "A platform Lantoa publishes to.",
    crate::platforms::Platform::ALL.map(|p| p.as_str())
);
codes_schema!(
    ChannelCode,
    "A kind of channel a clip can target: a platform's, or the agency's own outlet (`outlet`).",
    crate::domain::outlet::target_codes().collect::<Vec<_>>()
);
codes_schema!(
    ToneStyleCode,
    "A house tone-mark style: old (\"hòa\", the default) or new (\"hoà\").",
    [crate::lint::ToneStyle::Old, crate::lint::ToneStyle::New].map(|s| s.code())
);

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
        review::list, review::get_one, review::put_one, review::put_cover, review::put_campaign, review::post_action, review::post_comment,
        review::put_resolved, review::put_tick, review::post_lock, review::delete_lock,
        review::history, review::get_settings, review::put_settings, review::list_delegations,
        review::post_delegation, review::revoke_delegation, review::notifications,
        review::mark_read, review::lint,
        publishing::list_channels, publishing::connect, publishing::disconnect, publishing::set_visibility,
        publishing::set_categories,
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

/// Answers that follow from how a route is reached, documented once from the
/// route table rather than on each handler:
/// - every route: 401 for a token that is not valid; every signed-in route
///   also without a token or session, and 403 when the role does not allow
///   it (or the password must be changed first);
/// - query parameters: 400 when one is not valid;
/// - a path with parameters: 404 when what it names does not exist (or is
///   another agency's), 400 when a parameter is not of its type;
/// - a body: 400 when it does not parse, 413 over the 1 MiB the API reads;
/// - every route: 503 while the database does not answer.
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
        let routes = super::route_table();
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                ("GET", &mut item.get),
                ("PUT", &mut item.put),
                ("POST", &mut item.post),
                ("DELETE", &mut item.delete),
                ("PATCH", &mut item.patch),
                ("HEAD", &mut item.head),
                ("OPTIONS", &mut item.options),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                let scope = routes
                    .iter()
                    .find(|r| r.method == method && &r.path == path)
                    .map_or(super::Scope::Public, |r| r.scope);
                let r = &mut op.responses.responses;
                let mut add = |code: &str, why: &str| {
                    r.entry(code.into()).or_insert_with(|| answer(why).into());
                };
                // A token that is not valid is refused on every route.
                add("401", "Not signed in, or the token is not valid");
                if scope != super::Scope::Public {
                    add(
                        "403",
                        "Not allowed for the caller's roles here (code `forbidden`), \
                         or the password must be changed first",
                    );
                }
                let has_query = op.parameters.iter().flatten().any(|p| {
                    matches!(
                        p,
                        utoipa::openapi::RefOr::T(p)
                            if matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query)
                    )
                });
                if has_query {
                    add("400", "A query parameter is not valid; `field` names it");
                }
                if path.contains('{') {
                    add(
                        "404",
                        "What the path names does not exist, or is not the caller's",
                    );
                    add("400", "A path parameter is not of its type");
                }
                // tus appends stream their bytes; every other body is read whole.
                if op.request_body.is_some() {
                    add("400", "The body does not parse; `field` names the culprit");
                    add("413", "The body is longer than 1 MiB");
                }
                add("503", "The database does not answer; try again shortly");
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

/// Every API route, area by area.
pub(in crate::web) fn routes(r: Routes) -> Routes {
    r.get("/api/v1/openapi.json", Scope::Public, openapi_json)
        .area(insights::routes)
        .area(me::routes)
        .area(review::routes)
        .area(publishing::routes)
        .area(agencies::routes)
        .area(members::routes)
        .area(audit::routes)
        .area(tus::routes)
        .area(jobs::routes)
}
