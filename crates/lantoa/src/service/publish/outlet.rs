//! Publishing to the agency's own outlet: once the staged bytes and the
//! approval are checked (as for every channel), the post's public record —
//! the approved text, its media, its public id — is written, and the
//! publication is out. There is no platform to call: nothing can be sent
//! twice, and a rerun rewrites the same record.

use super::job::{Work, done};
use super::staging::Staged;
use crate::db::outlet::{self as odb, Post};
use crate::domain::approval::Outgoing;
use crate::domain::outlet::OUTLET;
use crate::jobs::{JobCtx, JobError};
use crate::platforms::connector::{Caption, Visibility};
use crate::service::outlet;

pub(super) async fn publish(
    ctx: &JobCtx,
    work: Work<'_>,
    staged: &Staged,
    outgoing: &Outgoing,
    captions: &[Caption],
) -> Result<(), JobError> {
    let st = &ctx.st;
    let Work {
        pb, clip, version, ..
    } = work;
    let media = outlet::media(st, clip, version, &staged.path).await?;
    let token = outlet::token_of(st, clip.id);
    let (author, org, settings) = {
        let mut tx = st.db.read().await?;
        let author = crate::db::users::get(&mut tx, clip.author_id)
            .await?
            .map_or_else(String::new, |u| u.display_name);
        let org = crate::db::orgs::get(&mut tx, pb.agency_id)
            .await?
            .ok_or_else(|| JobError::Permanent("agency gone".into()))?;
        (author, org, outlet::settings(&mut tx, pb.agency_id).await?)
    };
    // The outlet's own caption variant when the clip has one.
    let caption = outgoing
        .variants
        .get(OUTLET)
        .filter(|v| !v.trim().is_empty())
        .unwrap_or(&outgoing.caption)
        .clone();
    let (light_key, light_bytes) = media
        .light
        .map_or((None, None), |(k, n)| (Some(k), Some(n)));
    let post = Post {
        publication_id: pb.id,
        agency_id: pb.agency_id,
        token: token.clone(),
        title: outgoing.title.clone(),
        caption,
        category: clip.category.clone(),
        campaign_id: outgoing.campaign,
        author,
        duration_ms: version.duration_s().map(|d| (d * 1000.0).round() as i64),
        width: media.width,
        height: media.height,
        video_key: media.video_key,
        video_bytes: media.video_bytes,
        light_key,
        light_bytes,
        poster_key: media.poster_key,
        published_at: st.now(),
        // The approved subtitle tracks, served beside the player as WebVTT.
        captions: serde_json::to_string(
            &captions
                .iter()
                .map(|c| serde_json::json!({"lang": c.lang, "name": c.name, "vtt": c.vtt}))
                .collect::<Vec<_>>(),
        )
        .unwrap_or_else(|_| "[]".into()),
    };
    {
        let mut tx = st.db.write().await?;
        odb::put_post(&mut tx, &post).await?;
        tx.commit().await?;
    }
    let url = format!("{}/{token}", outlet::base(st, &org.slug, &settings));
    done(ctx, work, &token, &url, &Visibility::public("public")).await
}
