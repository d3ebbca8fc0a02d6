//! The agency's clip list: search by words with or without tone marks,
//! filters, sorting and paging, each clip with its poster and state.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use super::clips::{CategoryOption, categories, category_label, parse_json};
use super::{Layout, render};
use crate::db::clips;
use crate::domain::Action;
use crate::domain::workflow::ClipState;
use crate::error::{Error, Result};
use crate::ingest::Outputs;
use crate::platforms::Platform;
use crate::service::clips::ClipQuery;
use crate::state::AppState;
use crate::web::extract::{Authz, act};

/// One clip in the list: its poster, title, state and who changed it when.
pub struct ClipRow {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub state: String,
    pub state_label: String,
    /// The current version's check status (`none` without a version).
    pub status: String,
    pub political: bool,
    pub author: String,
    pub updated: String,
    pub poster: Option<String>,
}

/// A choice of one of the list's filters: (value, label).
type Choice = (String, String);

#[derive(Template)]
#[template(path = "clips.html")]
struct ClipsPage {
    l: Layout,
    aid: i64,
    q: ClipQuery,
    rows: Vec<ClipRow>,
    found: String,
    /// Query strings of the previous and next pages.
    prev: Option<String>,
    next: Option<String>,
    /// Any filter beyond the words is set: the filters start open.
    filtered: bool,
    /// Why the filter was refused, in the reader's language.
    refused: Option<String>,
    states: Vec<Choice>,
    categories: Vec<CategoryOption>,
    authors: Vec<Choice>,
    platforms: Vec<Choice>,
    can_upload: bool,
}

impl ClipsPage {
    /// The value the filter `field` was given (empty: none).
    fn val(&self, field: &str) -> String {
        let q = &self.q;
        let v = match field {
            "q" => &q.q,
            "state" => &q.state,
            "category" => &q.category,
            "author" => &q.author,
            "platform" => &q.platform,
            "political" => &q.political,
            "from" => &q.from,
            "to" => &q.to,
            "sort" => &q.sort,
            _ => &None,
        };
        v.as_deref().unwrap_or("").trim().to_string()
    }

    /// The query string of page `page` of the same question.
    fn page_query(&self, page: i64) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for f in std::iter::once("q").chain(FILTERS).chain(["sort"]) {
            let v = self.val(f);
            if !v.is_empty() {
                s.append_pair(f, &v);
            }
        }
        if page > 1 {
            s.append_pair("page", &page.to_string());
        }
        s.finish()
    }
}

/// The list's filters beyond the words (set: the filters start open).
const FILTERS: [&str; 7] = [
    "state",
    "category",
    "author",
    "platform",
    "political",
    "from",
    "to",
];

/// The clips a list page shows.
const PER_PAGE: i64 = 50;

pub async fn list(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Query(q): Query<ClipQuery>,
) -> Result<Response> {
    let l = Layout::build(&st, &a.ctx, Some(&a.agency)).await?;
    let (found, refused) = match crate::service::clips::search(&a.caller, &q, PER_PAGE).await {
        Ok(p) => (Some(p), None),
        Err(Error::Invalid(e)) => (None, Some(l.tr.t(e.message_id))),
        Err(e) => return Err(e),
    };
    let members = {
        let mut tx = st.db.read().await?;
        crate::db::users::members_of(&mut tx, a.agency.id).await?
    };
    let aid = a.agency.id.0;
    let tz = &a.agency.time_zone;
    let rows = found.as_ref().map_or(vec![], |p| {
        p.clips.iter().map(|c| row(&l, aid, tz, c)).collect()
    });
    let mut page = ClipsPage {
        aid,
        filtered: false,
        q,
        found: found.as_ref().map_or(String::new(), |p| {
            l.tr.t1("clips-found", "n", &p.total.to_string())
        }),
        prev: None,
        next: None,
        refused,
        states: ClipState::ALL
            .iter()
            .map(|s| (s.code().to_string(), l.tr.t(&s.message_id())))
            .collect(),
        categories: categories(&l),
        authors: members
            .into_iter()
            .map(|m| (m.user.id.0.to_string(), m.user.display_name))
            .collect(),
        platforms: Platform::ALL
            .iter()
            .map(|p| (p.as_str().to_string(), p.label().to_string()))
            .collect(),
        can_upload: a.may(Action::UploadClip),
        rows,
        l,
    };
    page.filtered = FILTERS.iter().any(|f| !page.val(f).is_empty());
    if let Some(p) = &found {
        page.prev = (p.page > 1).then(|| page.page_query(p.page - 1));
        page.next = (p.page < p.last()).then(|| page.page_query(p.page + 1));
    }
    render(&page)
}

/// A found clip as the list shows it.
fn row(l: &Layout, aid: i64, tz: &str, c: &clips::Found) -> ClipRow {
    let outputs: Option<Outputs> = parse_json(&c.outputs);
    let poster = match (c.current_version_id, outputs) {
        (Some(v), Some(o)) if !o.posters.is_empty() => Some(format!(
            "/a/{aid}/clips/{}/versions/{}/media/poster-1",
            c.id.0, v.0
        )),
        _ => None,
    };
    ClipRow {
        id: c.id.0,
        title: c.title.clone(),
        category: category_label(l, &c.category),
        state_label: ClipState::parse(&c.state)
            .map_or(c.state.clone(), |s| l.tr.t(&s.message_id())),
        state: c.state.clone(),
        status: c.status.clone().unwrap_or_else(|| "none".into()),
        political: c.political != 0,
        author: c.author_name.clone(),
        updated: l.time(&c.updated_at, tz),
        poster,
    }
}
