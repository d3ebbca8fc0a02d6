//! Zalo OA: video upload, conversion, article, verification and figures.

use std::time::Duration;

use super::{Connector, Handle, Limit, Next, Post, PostMetrics, Visibility, failed, save};
use crate::PlatformError;
use crate::zalo::{ACCEPTED_TYPES, MAX_BYTES, Zalo};

/// Listing searches before a Zalo article whose create answer was lost is
/// created again.
const ZALO_LOOKUPS: u32 = 5;

pub struct ZaloConnector {
    pub(super) api: Zalo,
    pub(super) poll: Duration,
}

impl ZaloConnector {
    /// The article is made: who may see it is read back from Zalo
    /// (`getdetail`'s `status`), never assumed.
    async fn done(&self, p: &Post<'_>, id: String) -> Result<Next, PlatformError> {
        let d = self.api.article_detail(p.token, &id).await?;
        let visibility = match d.status.as_deref() {
            Some("show") => Visibility::public("show"),
            Some(other) => Visibility {
                public: false,
                level: other.to_string(),
                reason: (other == "hide")
                    .then(|| "Zalo keeps the article hidden (a draft)".to_string()),
            },
            None => Visibility {
                public: false,
                level: "unknown".into(),
                reason: Some("Zalo's article detail gave no status".into()),
            },
        };
        Ok(Next::Done {
            url: zalo_url(p.account, &id),
            id,
            visibility,
        })
    }
}

/// Refuses, before any byte is sent, a file Zalo's upload does not take:
/// another container than mp4/avi, or more than 50 MB.
fn check_file(p: &Post<'_>) -> Result<(), PlatformError> {
    let kind = p.content_type.trim().to_ascii_lowercase();
    if !ACCEPTED_TYPES.contains(&kind.as_str()) {
        return Err(failed(
            "zalo_container_not_accepted",
            format!(
                "Zalo takes mp4 or avi videos only; this file is {}",
                p.content_type
            ),
        ));
    }
    if p.size > MAX_BYTES {
        return Err(failed(
            "zalo_file_too_large",
            format!(
                "Zalo takes videos of at most 50 MB; this file has {:.1} MB",
                p.size as f64 / (1024.0 * 1024.0)
            ),
        ));
    }
    Ok(())
}

impl Connector for ZaloConnector {
    fn limit(&self, _h: &Handle) -> Option<Limit> {
        None
    }

    async fn step(&self, p: &Post<'_>, h: &Handle) -> Result<Next, PlatformError> {
        let mut h = h.clone();
        let Some(upload) = h.upload_token.clone() else {
            check_file(p)?;
            let name = p
                .file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("clip.mp4");
            h.upload_token = Some(
                self.api
                    .upload_video_as(p.token, p.file, name, p.content_type)
                    .await?,
            );
            (p.progress)(1.0);
            h.uploaded = true;
            return save(h, "processing");
        };
        let Some(video_id) = h.video_id.clone() else {
            let v = self.api.verify_video(p.token, &upload).await?;
            return match (v.status, v.video_id) {
                (1, Some(id)) => {
                    h.video_id = Some(id);
                    save(h, "processing")
                }
                (4 | 5, _) => Err(failed(
                    "video_failed",
                    format!("Zalo could not convert the video (status {})", v.status),
                )),
                _ => Ok(Next::Wait(self.poll)),
            };
        };
        let Some(article) = h.article_token.clone() else {
            // Marked before the create is sent: an earlier run that died or
            // failed after marking may have created the article, its answer
            // lost. Look for it before ever creating a second one; a run
            // that marked it itself just sent nothing yet.
            if h.finishing && (p.resumed || h.lookups > 0) {
                if let Some(id) = self.api.find_article(p.token, &video_id, p.title).await? {
                    return self.done(p, id).await;
                }
                // Not listed (yet: the listing may lag behind a create that
                // did arrive): look again a few times before creating.
                if h.lookups < ZALO_LOOKUPS {
                    tokio::time::sleep(self.poll).await;
                    h.lookups += 1;
                    return save(h, "processing");
                }
            } else if !h.finishing {
                h.finishing = true;
                return save(h, "processing");
            }
            let token = self
                .api
                .create_article(
                    p.token,
                    p.title,
                    p.description,
                    &video_id,
                    p.poster_url.unwrap_or(""),
                )
                .await?;
            h.article_token = Some(token);
            h.finished = true;
            return save(h, "processing");
        };
        match self.api.verify_article(p.token, &article).await? {
            Some(id) => self.done(p, id).await,
            None => Ok(Next::Wait(self.poll)),
        }
    }

    async fn delete(&self, token: &str, _account: &str, id: &str) -> Result<(), PlatformError> {
        self.api.remove(token, id).await
    }

    async fn metrics(
        &self,
        token: &str,
        _account: &str,
        ids: &[String],
    ) -> Result<Vec<(String, PostMetrics)>, PlatformError> {
        // Zalo lists articles ten at a time, newest first, with views and
        // shares only; look through the recent ones for ours.
        let mut out = Vec::new();
        let mut offset = 0;
        while out.len() < ids.len() && offset < crate::zalo::FIND_SCAN {
            let page = self
                .api
                .list_articles(token, offset, crate::zalo::SLICE_MAX)
                .await?;
            let n = page.len() as u32;
            for a in page.into_iter().filter(|a| ids.contains(&a.id)) {
                out.push((
                    a.id,
                    PostMetrics {
                        views: a.total_view,
                        shares: a.total_share,
                        ..PostMetrics::default()
                    },
                ));
            }
            if n < crate::zalo::SLICE_MAX {
                break;
            }
            offset += n;
        }
        Ok(out)
    }
}

/// The OA's page (Zalo gives no documented per-article address).
fn zalo_url(oa: &str, _article: &str) -> String {
    format!("https://zalo.me/{oa}")
}
