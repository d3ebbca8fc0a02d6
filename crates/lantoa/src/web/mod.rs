//! HTTP: server-rendered pages (askama + htmx), the JSON API under `/api/v1`, and
//! the operations endpoints.
//!
//! Every route is registered through [`Routes::add`] with its [`Scope`], so the
//! route table is known at run time: the isolation test walks it and tries every
//! agency-scoped route as a user of another agency. A new route cannot escape it.

pub mod api;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod middleware;
pub mod ops;
pub mod pages;

use axum::Router;
use axum::routing::{MethodRouter, delete, get, head, options, patch, post, put};
use tower_http::catch_panic::CatchPanicLayer;

use crate::state::AppState;

/// Who may reach a route at all (the finer decision is the policy's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user; acts only on the user's own things.
    User,
    /// A user with a role in the agency `{aid}` (or its overseer).
    Agency,
    /// System administrators only.
    System,
}

#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub scope: Scope,
}

struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Routes {
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        scope: Scope,
        handler: MethodRouter<AppState>,
    ) -> Self {
        self.table.push(RouteInfo {
            method,
            path,
            scope,
        });
        self.router = self.router.route(path, handler);
        self
    }
}

fn routes() -> Routes {
    use Scope::*;
    use api::{
        agencies as aa, audit as au, jobs as aj, me, members as am, publishing as ap, review as ar,
        tus,
    };
    use pages::{
        admin, audit as pa, auth, clips as c, dashboard as d, insights as ins, jobs as pj,
        members as m, profile as pr, publishing as pp, review as rv,
    };
    let r = Routes {
        router: Router::new(),
        table: Vec::new(),
    };
    r
        // Operations
        .add("GET", "/healthz", Public, get(ops::healthz))
        .add("GET", "/readyz", Public, get(ops::readyz))
        .add("GET", "/metrics", Public, get(ops::metrics))
        .add("GET", "/static/{file}", Public, get(ops::static_file))
        // Pages
        .add("GET", "/login", Public, get(auth::login_page))
        .add("POST", "/login", Public, post(auth::login_submit))
        .add("POST", "/lang", Public, post(auth::switch_language))
        .add("POST", "/logout", User, post(auth::logout))
        .add("GET", "/", User, get(d::home))
        .add("GET", "/overview", User, get(d::overview))
        .add("GET", "/profile", User, get(pr::page))
        .add("POST", "/profile/password", User, post(pr::change_password))
        .add("POST", "/profile/email", User, post(pr::set_email))
        .add("POST", "/profile/tokens", User, post(pr::create_token))
        .add(
            "POST",
            "/profile/tokens/{tid}/revoke",
            User,
            post(pr::revoke_token),
        )
        .add("GET", "/a/{aid}", Agency, get(d::dashboard))
        .add("GET", "/a/{aid}/members", Agency, get(m::list))
        .add("POST", "/a/{aid}/members", Agency, post(m::create))
        .add("GET", "/a/{aid}/members/{uid}", Agency, get(m::detail))
        .add(
            "POST",
            "/a/{aid}/members/{uid}/roles",
            Agency,
            post(m::set_roles),
        )
        .add(
            "POST",
            "/a/{aid}/members/{uid}/password-reset",
            Agency,
            post(m::reset_password),
        )
        .add(
            "POST",
            "/a/{aid}/members/{uid}/disable",
            Agency,
            post(m::disable),
        )
        .add(
            "POST",
            "/a/{aid}/members/{uid}/enable",
            Agency,
            post(m::enable),
        )
        .add("GET", "/a/{aid}/audit", Agency, get(pa::agency_audit))
        .add("GET", "/a/{aid}/clips", Agency, get(c::list))
        .add("GET", "/a/{aid}/clips/new", Agency, get(c::new_clip))
        .add("GET", "/a/{aid}/clips/{cid}", Agency, get(c::detail))
        .add("GET", "/a/{aid}/clips/{cid}/status", Agency, get(c::status))
        .add(
            "GET",
            "/a/{aid}/clips/{cid}/new-version",
            Agency,
            get(c::new_version),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/versions/{vid}/recheck",
            Agency,
            post(c::retry_check),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/versions/{vid}/delete",
            Agency,
            post(c::delete_version),
        )
        .add(
            "GET",
            "/a/{aid}/clips/{cid}/versions/{vid}/media/{name}",
            Agency,
            get(c::media),
        )
        .add("POST", "/a/{aid}/clips/{cid}/edit", Agency, post(rv::save))
        .add("POST", "/a/{aid}/clips/{cid}/lock", Agency, post(rv::lock))
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/unlock",
            Agency,
            post(rv::unlock),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/act/{action}",
            Agency,
            post(rv::act_on),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/comments",
            Agency,
            post(rv::comment),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/comments/{mid}/resolve",
            Agency,
            post(rv::resolve),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/checklist",
            Agency,
            post(rv::tick),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/lint/apply",
            Agency,
            post(rv::apply_fix),
        )
        .add(
            "GET",
            "/a/{aid}/clips/{cid}/compare",
            Agency,
            get(rv::compare),
        )
        .add("GET", "/a/{aid}/queue", Agency, get(rv::queue))
        .add(
            "GET",
            "/a/{aid}/review-settings",
            Agency,
            get(rv::settings_page),
        )
        .add(
            "POST",
            "/a/{aid}/review-settings",
            Agency,
            post(rv::settings_save),
        )
        .add("GET", "/a/{aid}/channels", Agency, get(pp::channels_page))
        .add(
            "POST",
            "/a/{aid}/channels/connect/{platform}",
            Agency,
            post(pp::connect),
        )
        .add(
            "POST",
            "/a/{aid}/channels/{chid}/disconnect",
            Agency,
            post(pp::disconnect),
        )
        .add("GET", "/channels/callback", User, get(pp::callback))
        .add(
            "GET",
            "/a/{aid}/clips/{cid}/publications",
            Agency,
            get(pp::panel),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/publish",
            Agency,
            post(pp::publish_now),
        )
        .add(
            "POST",
            "/a/{aid}/clips/{cid}/takedown",
            Agency,
            post(pp::take_down),
        )
        .add(
            "POST",
            "/a/{aid}/publications/{pid}/retry",
            Agency,
            post(pp::retry),
        )
        .add(
            "POST",
            "/a/{aid}/publications/{pid}/removed",
            Agency,
            post(pp::removed_by_hand),
        )
        .add("GET", "/a/{aid}/incidents", Agency, get(pp::incidents))
        .add("GET", "/a/{aid}/insights", Agency, get(ins::agency))
        .add(
            "GET",
            "/a/{aid}/insights/export.csv",
            Agency,
            get(ins::agency_csv),
        )
        .add(
            "GET",
            "/a/{aid}/insights/export.xlsx",
            Agency,
            get(ins::agency_xlsx),
        )
        .add(
            "GET",
            "/a/{aid}/insights/report",
            Agency,
            get(ins::agency_report),
        )
        .add(
            "GET",
            "/a/{aid}/clips/{cid}/insights",
            Agency,
            get(ins::clip),
        )
        .add("GET", "/insights", User, get(ins::province))
        .add("GET", "/insights/export.csv", User, get(ins::province_csv))
        .add(
            "GET",
            "/insights/export.xlsx",
            User,
            get(ins::province_xlsx),
        )
        .add("GET", "/insights/report", User, get(ins::province_report))
        .add(
            "GET",
            "/insights/report.pdf",
            User,
            get(ins::province_report_pdf),
        )
        .add(
            "GET",
            "/a/{aid}/insights/report.pdf",
            Agency,
            get(ins::agency_report_pdf),
        )
        .add("GET", "/a/{aid}/delegations", Agency, get(rv::delegations))
        .add("POST", "/a/{aid}/delegations", Agency, post(rv::delegate))
        .add(
            "POST",
            "/a/{aid}/delegations/{did}/revoke",
            Agency,
            post(rv::revoke),
        )
        .add("GET", "/inbox", User, get(rv::inbox))
        .add("POST", "/inbox/read", User, post(rv::read_all))
        .add(
            "POST",
            "/inbox/{nid}/open",
            User,
            post(rv::open_notification),
        )
        .add("GET", "/admin/agencies", System, get(admin::agencies))
        .add(
            "POST",
            "/admin/agencies",
            System,
            post(admin::create_agency),
        )
        .add("POST", "/admin/bodies", System, post(admin::create_body))
        .add("GET", "/admin/audit", System, get(pa::system_audit))
        .add("GET", "/admin/jobs", System, get(pj::list))
        .add("POST", "/admin/jobs/{jid}/retry", System, post(pj::retry))
        .add("POST", "/admin/jobs/{jid}/cancel", System, post(pj::cancel))
        // JSON API
        .add(
            "GET",
            "/api/v1/openapi.json",
            Public,
            get(api::openapi_json),
        )
        .add("GET", "/api/v1/me", User, get(me::get_me))
        .add("PUT", "/api/v1/me/locale", User, put(me::put_locale))
        .add("PUT", "/api/v1/me/password", User, put(me::put_password))
        .add("GET", "/api/v1/me/tokens", User, get(me::list_tokens))
        .add("POST", "/api/v1/me/tokens", User, post(me::create_token))
        .add(
            "DELETE",
            "/api/v1/me/tokens/{tid}",
            User,
            delete(me::revoke_token),
        )
        .add(
            "GET",
            "/api/v1/me/notifications",
            User,
            get(ar::notifications),
        )
        .add(
            "POST",
            "/api/v1/me/notifications/read",
            User,
            post(ar::mark_read),
        )
        .add("POST", "/api/v1/lint", User, post(ar::lint))
        .add("GET", "/api/v1/agencies/{aid}/clips", Agency, get(ar::list))
        .add(
            "GET",
            "/api/v1/agencies/{aid}/clips/{cid}",
            Agency,
            get(ar::get_one),
        )
        .add(
            "PUT",
            "/api/v1/agencies/{aid}/clips/{cid}",
            Agency,
            put(ar::put_one),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/clips/{cid}/actions/{action}",
            Agency,
            post(ar::post_action),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/clips/{cid}/comments",
            Agency,
            post(ar::post_comment),
        )
        .add(
            "PUT",
            "/api/v1/agencies/{aid}/clips/{cid}/comments/{mid}/resolved",
            Agency,
            put(ar::put_resolved),
        )
        .add(
            "PUT",
            "/api/v1/agencies/{aid}/clips/{cid}/checklist",
            Agency,
            put(ar::put_tick),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/clips/{cid}/lock",
            Agency,
            post(ar::post_lock),
        )
        .add(
            "DELETE",
            "/api/v1/agencies/{aid}/clips/{cid}/lock",
            Agency,
            delete(ar::delete_lock),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/clips/{cid}/history",
            Agency,
            get(ar::history),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/review-settings",
            Agency,
            get(ar::get_settings),
        )
        .add(
            "PUT",
            "/api/v1/agencies/{aid}/review-settings",
            Agency,
            put(ar::put_settings),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/delegations",
            Agency,
            get(ar::list_delegations),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/delegations",
            Agency,
            post(ar::post_delegation),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/delegations/{did}/revoke",
            Agency,
            post(ar::revoke_delegation),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/channels",
            Agency,
            get(ap::list_channels),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/channels/connect",
            Agency,
            post(ap::connect),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/channels/{chid}/disconnect",
            Agency,
            post(ap::disconnect),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/clips/{cid}/publications",
            Agency,
            get(ap::publications),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/clips/{cid}/publish",
            Agency,
            post(ap::publish_now),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/clips/{cid}/takedown",
            Agency,
            post(ap::take_down),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/publications/{pid}/retry",
            Agency,
            post(ap::retry),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/publications/{pid}/removed",
            Agency,
            post(ap::removed_by_hand),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/insights",
            Agency,
            get(api::insights::agency),
        )
        .add(
            "GET",
            "/api/v1/insights",
            User,
            get(api::insights::province),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/incidents",
            Agency,
            get(ap::incidents),
        )
        .add("GET", "/api/v1/agencies", User, get(aa::list))
        .add("POST", "/api/v1/agencies", System, post(aa::create))
        .add("GET", "/api/v1/agencies/{aid}", Agency, get(aa::get_one))
        .add(
            "GET",
            "/api/v1/agencies/{aid}/dashboard",
            Agency,
            get(aa::dashboard),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/members",
            Agency,
            get(am::list),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/members",
            Agency,
            post(am::create),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/members/{uid}",
            Agency,
            get(am::get_one),
        )
        .add(
            "PUT",
            "/api/v1/agencies/{aid}/members/{uid}/roles",
            Agency,
            put(am::put_roles),
        )
        .add(
            "POST",
            "/api/v1/agencies/{aid}/members/{uid}/password-reset",
            Agency,
            post(am::reset_password),
        )
        .add(
            "PUT",
            "/api/v1/agencies/{aid}/members/{uid}/disabled",
            Agency,
            put(am::put_disabled),
        )
        .add(
            "GET",
            "/api/v1/agencies/{aid}/audit",
            Agency,
            get(au::agency_audit),
        )
        .add("GET", "/api/v1/audit", System, get(au::system_audit))
        .add("OPTIONS", "/api/v1/uploads", Public, options(tus::options))
        .add("POST", "/api/v1/uploads", User, post(tus::create))
        .add("HEAD", "/api/v1/uploads/{upload_id}", User, head(tus::head))
        .add(
            "PATCH",
            "/api/v1/uploads/{upload_id}",
            User,
            patch(tus::patch),
        )
        .add(
            "DELETE",
            "/api/v1/uploads/{upload_id}",
            User,
            delete(tus::delete),
        )
        .add("GET", "/api/v1/jobs", System, get(aj::list))
        .add("POST", "/api/v1/jobs/{jid}/retry", System, post(aj::retry))
        .add(
            "POST",
            "/api/v1/jobs/{jid}/cancel",
            System,
            post(aj::cancel),
        )
}

/// Every route the application serves, with its scope.
pub fn route_table() -> Vec<RouteInfo> {
    routes().table
}

/// The application, ready to serve.
pub fn app(state: AppState) -> Router {
    routes()
        .router
        .fallback(|| async { crate::error::Error::NotFound })
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::context,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .with_state(state)
}
