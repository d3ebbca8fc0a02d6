//! A publication's poster at a public, signed address: what a platform that
//! takes a thumbnail by URL (Zalo's article `avatar`) fetches: the chosen
//! cover's frame, or the first poster. Only the address Lantoa gave the
//! platform opens it: the signature is the session key's HMAC of the
//! publication's id, so no other poster can be guessed. The clip page's
//! cover is read here too.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::crypto::constant_time_eq;
use crate::domain::PublicationId;
use crate::error::{Error, Result};
use crate::ingest::Outputs;
use crate::service::publish::sending::poster_signature;
use crate::state::AppState;
use crate::web::{Routes, Scope};

pub async fn poster(
    State(st): State<AppState>,
    Path((pid, file)): Path<(i64, String)>,
) -> Result<Response> {
    let pid = PublicationId(pid);
    let sig = file.strip_suffix(".jpg").ok_or(Error::NotFound)?;
    if !constant_time_eq(sig.as_bytes(), poster_signature(&st, pid).as_bytes()) {
        return Err(Error::NotFound);
    }
    let (v, cover) = {
        let mut tx = st.db.read().await?;
        let pb = crate::db::publishing::publication(&mut tx, pid)
            .await?
            .ok_or(Error::NotFound)?;
        let v = crate::db::clips::version_of(&mut tx, pb.agency_id, pb.clip_id, pb.version_id)
            .await?
            .ok_or(Error::NotFound)?;
        let clip = crate::db::clips::get(&mut tx, pb.agency_id, pb.clip_id)
            .await?
            .ok_or(Error::NotFound)?;
        // The chosen cover is a frame of the version it was chosen on.
        let cover = clip
            .cover_ms
            .filter(|_| clip.current_version_id == Some(v.id));
        (v, cover)
    };
    let key = match cover {
        Some(ms) => crate::service::review::cover_frame(&st, &v, ms).await?,
        None => {
            let outputs: Outputs = v
                .outputs
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok())
                .unwrap_or_default();
            outputs.posters.first().cloned().ok_or(Error::NotFound)?
        }
    };
    let (stream, _, _) = st
        .store
        .read_range(&key, None)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut r = Response::new(Body::from_stream(stream));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(r)
}

/// The storage key of the clip's chosen cover (the frame at `ms` of its
/// current version `v`) for the clip page; only the chosen one is made and
/// shown.
pub(super) async fn chosen_cover(
    st: &AppState,
    agency: crate::domain::OrgId,
    v: &crate::db::clips::Version,
    ms: i64,
) -> Result<String> {
    let clip = {
        let mut tx = st.db.read().await?;
        crate::db::clips::get(&mut tx, agency, v.clip_id).await?
    }
    .ok_or(Error::NotFound)?;
    if clip.cover_ms != Some(ms) || clip.current_version_id != Some(v.id) {
        return Err(Error::NotFound);
    }
    crate::service::review::cover_frame(st, v, ms).await
}

pub(in crate::web) fn routes(r: Routes) -> Routes {
    r.get("/posters/{pid}/{file}", Scope::Public, poster)
}
