//! TikTok's Content Posting API: creator info, init, upload, status and figures.

use std::time::Duration;

use super::{Connector, Handle, Limit, Next, Post, PostMetrics, Visibility, failed, gone, save};
use crate::tiktok::{CreatorInfo, TikTok};
use crate::{ErrorClass, PlatformError};

/// Refuses, before anything is sent, a privacy level the creator is not
/// offered now (TikTok's guidelines: the person chooses among the creator's
/// current options, never a default) and a clip longer than the creator may
/// post, when its duration is known.
fn check_choice(
    info: &CreatorInfo,
    privacy: &str,
    duration_ms: Option<u64>,
) -> Result<(), PlatformError> {
    if !info.privacy_level_options.iter().any(|o| o == privacy) {
        return Err(failed(
            "privacy_level_not_offered",
            format!(
                "TikTok does not offer this account the privacy level {privacy:?} now; \
                 choose one of: {}",
                info.privacy_level_options.join(", ")
            ),
        ));
    }
    let max_s = info.max_video_post_duration_sec;
    if let Some(ms) = duration_ms
        && max_s > 0
        && ms > max_s * 1000
    {
        return Err(failed(
            "video_too_long_for_creator",
            format!(
                "the clip lasts {:.1} s; this TikTok account may post at most {max_s} s",
                ms as f64 / 1000.0
            ),
        ));
    }
    Ok(())
}

pub struct TikTokConnector {
    pub(super) api: TikTok,
    pub(super) poll: Duration,
}

impl Connector for TikTokConnector {
    fn limit(&self, h: &Handle) -> Option<Limit> {
        h.publish_id.is_none().then_some(Limit::TikTokInit)
    }

    async fn step(&self, p: &Post<'_>, h: &Handle) -> Result<Next, PlatformError> {
        let mut h = h.clone();
        // The level a person chose, in TikTok's own words; nothing is picked
        // for them.
        let privacy = p.privacy;
        let Some(publish_id) = h.publish_id.clone() else {
            let info = self.api.creator_info(p.token).await?;
            check_choice(&info, privacy, p.duration_ms)?;
            // TikTok's caption is the description (the title when there is
            // nothing else, as `text::build` decided).
            let (id, url) = self
                .api
                .init_with(p.token, p.description, privacy, p.size, p.cover_ms)
                .await?;
            h.publish_id = Some(id);
            h.upload_url = Some(url);
            return save(h, "uploading");
        };
        let s = self.api.status(p.token, &publish_id).await?;
        if s.status == "FAILED" {
            if !h.uploaded {
                // Nothing was posted: a fresh init is safe.
                return Err(gone("TikTok"));
            }
            return Err(failed("FAILED", s.fail_reason.unwrap_or_default()));
        }
        if !h.uploaded {
            if s.status == "PROCESSING_UPLOAD" && s.uploaded_bytes < p.size {
                let url = h.upload_url.clone().unwrap_or_default();
                let sent = self
                    .api
                    .upload_as(&url, p.file, p.size, s.uploaded_bytes, p.content_type)
                    .await;
                match sent {
                    Err(e) if e.code == "upload_url_expired" => {
                        // The URL lives an hour; nothing was posted (TikTok
                        // posts once the last chunk is in): start again.
                        return save(Handle::default(), "uploading");
                    }
                    r => r?,
                }
                (p.progress)(1.0);
            }
            h.uploaded = true;
            return save(h, "processing");
        }
        let visibility = Visibility {
            public: privacy == "PUBLIC_TO_EVERYONE",
            level: privacy.to_string(),
            reason: None,
        };
        match (s.status.as_str(), s.post_ids.first()) {
            ("PUBLISH_COMPLETE", Some(post)) => Ok(Next::Done {
                visibility,
                id: post.to_string(),
                url: format!("https://www.tiktok.com/@{}/video/{post}", p.account_name),
            }),
            ("PUBLISH_COMPLETE", None) => Ok(Next::Done {
                visibility,
                id: publish_id,
                url: format!("https://www.tiktok.com/@{}", p.account_name),
            }),
            _ => Ok(Next::Wait(self.poll)),
        }
    }

    async fn delete(&self, _token: &str, _account: &str, _id: &str) -> Result<(), PlatformError> {
        Err(PlatformError {
            class: ErrorClass::Permanent,
            status: None,
            code: "no_delete_api".into(),
            message: "TikTok's API cannot delete a post: remove it in the TikTok app".into(),
        })
    }

    async fn metrics(
        &self,
        token: &str,
        _account: &str,
        ids: &[String],
    ) -> Result<Vec<(String, PostMetrics)>, PlatformError> {
        let mut out = Vec::new();
        for batch in ids.chunks(20) {
            for (id, views, likes, comments, shares) in self.api.query(token, batch).await? {
                out.push((
                    id,
                    PostMetrics {
                        views,
                        reactions: likes,
                        comments,
                        shares,
                        ..PostMetrics::default()
                    },
                ));
            }
        }
        Ok(out)
    }
}
