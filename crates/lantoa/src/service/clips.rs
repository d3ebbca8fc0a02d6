//! Operations on clips beyond uploading (which is `uploads`).

use serde_json::json;

use super::{Caller, review};
use crate::db::clips;
use crate::domain::VersionStatus;
use crate::domain::policy::ClipOp;
use crate::domain::{ClipId, VersionId};
use crate::error::{Error, Result};

/// Queues the media check of a version again (after it failed).
pub async fn retry_check(caller: &Caller, clip: ClipId, version: VersionId) -> Result<()> {
    let (mut tx, now, v) = version_to_manage(caller, clip, version).await?;
    if v.status != VersionStatus::Failed {
        return Err(Error::Conflict("check-not-failed"));
    }
    clips::set_checked(&mut tx, version, clips::Checked::status("processing"), now).await?;
    crate::ingest::queue(&mut tx, version, caller.agency.id, now).await?;
    let summary = json!({"before": {"status": "failed"}, "after": {"status": "processing"}});
    caller
        .audit_and_commit(
            tx,
            now,
            "version.recheck",
            ("clip_version", version),
            summary,
        )
        .await?;
    Ok(())
}

/// What deleting an unusable version left of its clip.
pub enum Deleted {
    /// The clip still has other versions.
    Version,
    /// It was the clip's only version: the clip is gone too.
    Clip,
}

/// Deletes a version that is invalid or whose check failed, with its files; the
/// original goes too unless another version has the same bytes. A clip left
/// without versions is deleted.
pub async fn delete_version(caller: &Caller, clip: ClipId, version: VersionId) -> Result<Deleted> {
    let (mut tx, now, v) = version_to_manage(caller, clip, version).await?;
    if v.status != VersionStatus::Invalid && v.status != VersionStatus::Failed {
        return Err(Error::Conflict("version-not-deletable"));
    }
    clips::delete_version(&mut tx, version).await?;
    let keep_original = clips::versions_with_sha(&mut tx, &v.sha256).await? > 0;
    let outcome = match clips::latest_version(&mut tx, clip).await? {
        Some(latest) => {
            clips::set_current_version(&mut tx, clip, latest, now).await?;
            Deleted::Version
        }
        None => {
            clips::delete_empty_clip(&mut tx, clip).await?;
            Deleted::Clip
        }
    };
    let before = json!({"clip": clip, "number": v.number, "status": v.status, "sha256": v.sha256});
    let after = json!({"clip_deleted": matches!(outcome, Deleted::Clip)});
    let summary = json!({"before": before, "after": after});
    caller
        .audit_and_commit(
            tx,
            now,
            "version.delete",
            ("clip_version", version),
            summary,
        )
        .await?;
    // Files go after the rows: a crash in between leaves unreferenced files, never a
    // row pointing at a missing file.
    for key in caller
        .st
        .store
        .list(&crate::storage::outputs_prefix(version.0))
        .await
        .unwrap_or_default()
    {
        let _ = caller.st.store.delete(&key).await;
    }
    if !keep_original {
        let _ = caller.st.store.delete(&v.original_key).await;
    }
    Ok(outcome)
}

/// Opens a write and loads a version of the agency's clip that the caller
/// may recheck or delete now.
async fn version_to_manage(
    caller: &Caller,
    clip: ClipId,
    version: VersionId,
) -> Result<(crate::db::Tx, i64, clips::Version)> {
    let (mut tx, now) = caller.write().await?;
    let v = clips::version_of(&mut tx, caller.agency.id, clip, version)
        .await?
        .ok_or(Error::NotFound)?;
    let c = review::load(&mut tx, caller.agency.id, clip).await?;
    review::enforce_now(
        &mut tx,
        &caller.principal,
        &c,
        ClipOp::ManageVersions,
        "",
        now,
    )
    .await?;
    Ok((tx, now, v))
}

/// The clip list's question, as the page's form and the API send it: every
/// field optional, an empty one filters nothing.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct ClipQuery {
    /// Words of the title, caption, hashtags or comments, with or without
    /// tone marks ("thai nguyen" finds "Thái Nguyên").
    pub q: Option<String>,
    /// A workflow state, e.g. `in_review`, `spiked`.
    pub state: Option<String>,
    /// A topic category code.
    pub category: Option<String>,
    /// The author's user id.
    pub author: Option<String>,
    /// A target platform code.
    pub platform: Option<String>,
    /// `yes` or `no`.
    pub political: Option<String>,
    /// Changed on or after this day (`YYYY-MM-DD`, the agency's time zone).
    pub from: Option<String>,
    /// Changed on or before this day (`YYYY-MM-DD`, the agency's time zone).
    pub to: Option<String>,
    /// `updated` (default), `created` or `title`.
    pub sort: Option<String>,
    /// From 1.
    pub page: Option<String>,
    /// Clips per page, 1 to 500 (the API's; default 500). The page shows 50.
    pub per_page: Option<String>,
}

/// A clip list's answer: one page of clips and how many match in all.
pub struct Page<T> {
    pub clips: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    /// The number of the last page (1 when nothing matches).
    pub fn last(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// A list query's field as given (trimmed; empty when absent).
pub(crate) fn given(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or("").to_string()
}

/// A list query's field that is not one of its values, named.
pub(crate) fn bad(field: &'static str) -> Error {
    Error::from(crate::domain::Invalid::new(field, "invalid-clip-filter"))
}

/// A list query's number from 1 to `max`; 0 when absent.
pub(crate) fn number(v: &Option<String>, field: &'static str, max: i64) -> Result<i64> {
    match given(v).as_str() {
        "" => Ok(0),
        v => v
            .parse::<i64>()
            .ok()
            .filter(|v| (1..=max).contains(v))
            .ok_or_else(|| bad(field)),
    }
}

/// Search words as the lists compare them (no tone marks, lowercased), at
/// most [`clips::MAX_TERMS`].
pub(crate) fn search_terms(q: &Option<String>) -> Vec<String> {
    crate::lint::search_key(&given(q))
        .split(' ')
        .filter(|t| !t.is_empty())
        .take(clips::MAX_TERMS)
        .map(String::from)
        .collect()
}

/// `q` as the database's filter for `agency`, `per_page` clips a page. A
/// value that is not one of its field's is refused naming the field.
fn filter(
    q: &ClipQuery,
    agency: &crate::db::orgs::Org,
    per_page: i64,
) -> Result<(clips::Filter, i64)> {
    use crate::domain::{Category, ClipState};
    let state = given(&q.state);
    if !state.is_empty() && ClipState::parse(&state).is_none() {
        return Err(bad("state"));
    }
    let category = given(&q.category);
    if !category.is_empty() && Category::parse(&category).is_err() {
        return Err(bad("category"));
    }
    let platform = given(&q.platform);
    if !platform.is_empty() && !crate::domain::outlet::is_target(&platform) {
        return Err(bad("platform"));
    }
    let author = number(&q.author, "author", i64::MAX)?;
    let page = number(&q.page, "page", 100_000)?.max(1);
    let day = |field: &'static str, v: &Option<String>, next: bool| -> Result<i64> {
        match given(v).as_str() {
            "" => Ok(0),
            d => crate::clock::local_date_start_ms(d, &agency.time_zone)
                .map(|ms| if next { ms + 86_400_000 } else { ms })
                .ok_or_else(|| bad(field)),
        }
    };
    let political = match given(&q.political).as_str() {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => return Err(bad("political")),
    };
    let sort = match given(&q.sort).as_str() {
        "" | "updated" => clips::Sort::Updated,
        "created" => clips::Sort::Created,
        "title" => clips::Sort::Title,
        _ => return Err(bad("sort")),
    };
    let f = clips::Filter {
        agency: agency.id,
        terms: search_terms(&q.q),
        state,
        category,
        author,
        platform,
        from: day("from", &q.from, false)?,
        to: day("to", &q.to, true)?,
        political,
        sort,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    Ok((f, page))
}

/// The agency's clips that answer `q`, one page as the list shows them.
pub async fn search(caller: &Caller, q: &ClipQuery, per_page: i64) -> Result<Page<clips::Found>> {
    let (f, page) = filter(q, &caller.agency, per_page)?;
    let mut tx = caller.st.db.read().await?;
    Ok(Page {
        clips: clips::search(&mut tx, &f).await?,
        total: clips::count(&mut tx, &f).await?,
        page,
        per_page,
    })
}

/// The agency's clips that answer `q`, one page of whole clips (the API).
pub async fn search_whole(
    caller: &Caller,
    q: &ClipQuery,
    per_page: i64,
) -> Result<Page<clips::Clip>> {
    let (f, page) = filter(q, &caller.agency, per_page)?;
    let mut tx = caller.st.db.read().await?;
    Ok(Page {
        clips: clips::search_whole(&mut tx, &f).await?,
        total: clips::count(&mut tx, &f).await?,
        page,
        per_page,
    })
}
