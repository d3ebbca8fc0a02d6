//! Zalo OA: video upload, conversion, article, verification and figures.

use std::time::Duration;

use super::{Connector, Handle, Limit, Next, Post, PostMetrics, Visibility, failed, save};
use crate::PlatformError;
use crate::zalo::Zalo;

/// Listing searches before a Zalo article whose create answer was lost is
/// created again.
const ZALO_LOOKUPS: u32 = 5;

pub struct ZaloConnector {
    pub(super) api: Zalo,
    pub(super) poll: Duration,
}

impl Connector for ZaloConnector {
    fn limit(&self, _h: &Handle) -> Option<Limit> {
        None
    }

    async fn step(&self, p: &Post<'_>, h: &Handle) -> Result<Next, PlatformError> {
        let mut h = h.clone();
        let Some(upload) = h.upload_token.clone() else {
            let name = p
                .file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("clip.mp4");
            h.upload_token = Some(self.api.upload_video(p.token, p.file, name).await?);
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
            if h.finishing {
                // A create was sent and its answer lost: look for the article
                // before ever creating a second one.
                if let Some(id) = self.api.find_article(p.token, &video_id, p.title).await? {
                    return Ok(Next::Done {
                        visibility: Visibility::public("show"),
                        url: zalo_url(p.account, &id),
                        id,
                    });
                }
                // Not listed (yet: the listing may lag behind a create that
                // did arrive): look again a few times before creating.
                if h.lookups < ZALO_LOOKUPS {
                    tokio::time::sleep(self.poll).await;
                    h.lookups += 1;
                    return save(h, "processing");
                }
            } else {
                h.finishing = true;
                return save(h, "processing");
            }
            let token = self
                .api
                .create_article(p.token, p.title, p.description, &video_id, "")
                .await?;
            h.article_token = Some(token);
            h.finished = true;
            return save(h, "processing");
        };
        match self.api.verify_article(p.token, &article).await? {
            Some(id) => Ok(Next::Done {
                visibility: Visibility::public("show"),
                url: zalo_url(p.account, &id),
                id,
            }),
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
