//! TikTok's Content Posting API: creator info, init, upload, status and figures.

use std::time::Duration;

use super::{Connector, Handle, Limit, Next, Post, PostMetrics, Visibility, failed, gone, save};
use crate::tiktok::TikTok;
use crate::{ErrorClass, PlatformError};

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
        let Some(publish_id) = h.publish_id.clone() else {
            let info = self.api.creator_info(p.token).await?;
            // Public when the account may post publicly; otherwise the most
            // open level offered (unaudited apps only get SELF_ONLY).
            let privacy = [
                "PUBLIC_TO_EVERYONE",
                "MUTUAL_FOLLOW_FRIENDS",
                "FOLLOWER_OF_CREATOR",
                "SELF_ONLY",
            ]
            .into_iter()
            .find(|l| info.privacy_level_options.iter().any(|o| o == l))
            .unwrap_or("SELF_ONLY");
            // TikTok's caption is the description (the title when there is
            // nothing else, as `text::build` decided).
            let (id, url) = self
                .api
                .init(p.token, p.description, privacy, p.size)
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
                self.api
                    .upload(&url, p.file, p.size, s.uploaded_bytes)
                    .await?;
                (p.progress)(1.0);
            }
            h.uploaded = true;
            return save(h, "processing");
        }
        match (s.status.as_str(), s.post_ids.first()) {
            ("PUBLISH_COMPLETE", Some(post)) => Ok(Next::Done {
                visibility: Visibility::public(p.privacy),
                id: post.to_string(),
                url: format!("https://www.tiktok.com/@{}/video/{post}", p.account_name),
            }),
            ("PUBLISH_COMPLETE", None) => Ok(Next::Done {
                visibility: Visibility::public(p.privacy),
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
