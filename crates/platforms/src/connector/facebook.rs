//! Facebook Page Reels: start, upload, finish, status, deletion and insights.

use std::time::Duration;

use super::{Connector, Handle, Limit, Next, Post, PostMetrics, Visibility, failed, save};
use crate::facebook::Facebook;
use crate::{ErrorClass, PlatformError};

pub struct FacebookConnector {
    pub(super) api: Facebook,
    pub(super) poll: Duration,
    /// The reel insights metrics to ask for (`facebook_reel_metrics`).
    pub(super) metrics: Vec<String>,
}

impl Connector for FacebookConnector {
    fn limit(&self, h: &Handle) -> Option<Limit> {
        h.video_id.is_none().then_some(Limit::FacebookReel)
    }

    async fn step(&self, p: &Post<'_>, h: &Handle) -> Result<Next, PlatformError> {
        // Facebook said the app is near its call budget: slow down first.
        if let Some(wait) = self.api.holdback() {
            return Err(PlatformError {
                class: ErrorClass::Retry { after: Some(wait) },
                status: None,
                code: "usage_high".into(),
                message: "Facebook reports the app near its call limit; waiting".into(),
            });
        }
        let mut h = h.clone();
        let Some(video) = h.video_id.clone() else {
            let (id, url) = self.api.start(p.account, p.token).await?;
            h.video_id = Some(id);
            h.upload_url = Some(url);
            return save(h, "uploading");
        };
        if !h.uploaded {
            // Sends from the offset Facebook reports, so a resume repeats nothing.
            self.api.upload(&video, p.token, p.file, p.size).await?;
            (p.progress)(1.0);
            h.uploaded = true;
            return save(h, "processing");
        }
        if !h.finishing {
            h.finishing = true;
            return save(h, "processing");
        }
        let s = self.api.status(&video, p.token).await?;
        if s.video_status == "error" || s.processing == "error" || s.video_status == "upload_failed"
        {
            return Err(failed(
                "processing_error",
                s.error.unwrap_or_else(|| s.video_status.clone()),
            ));
        }
        if !h.finished {
            // Finish only when Facebook says publishing has not started: a
            // finish that timed out but arrived is never sent twice.
            let untouched = (s.publishing == "not_started" || s.publishing.is_empty())
                && !matches!(s.video_status.as_str(), "processing" | "ready")
                && s.processing != "in_progress";
            if untouched {
                let caption = p.description;
                self.api
                    .finish(p.account, p.token, &video, caption, p.title)
                    .await?;
            }
            h.finished = true;
            return save(h, "processing");
        }
        match s.publishing.as_str() {
            "complete" | "completed" => Ok(Next::Done {
                visibility: Visibility::public("public"),
                url: Facebook::url(&video),
                id: video,
            }),
            "error" => Err(failed(
                "publishing_error",
                s.error.unwrap_or_else(|| "publishing failed".into()),
            )),
            _ => Ok(Next::Wait(self.poll)),
        }
    }

    async fn delete(&self, token: &str, _account: &str, id: &str) -> Result<(), PlatformError> {
        self.api.delete(id, token).await
    }

    async fn metrics(
        &self,
        token: &str,
        _account: &str,
        ids: &[String],
    ) -> Result<Vec<(String, PostMetrics)>, PlatformError> {
        let mut out = Vec::new();
        for id in ids {
            let m = self
                .api
                .insights_available(id, token, &self.metrics)
                .await?;
            out.push((id.clone(), reel_metrics(&m)));
        }
        Ok(out)
    }
}

/// Normalises reel insights (by metric name; names Lantoa does not know are
/// ignored). Reactions are summed over their types; comments and shares come
/// from the social actions (a type missing from a map Graph returned is 0,
/// as Graph leaves out empty types); times are milliseconds.
fn reel_metrics(m: &std::collections::HashMap<String, serde_json::Value>) -> PostMetrics {
    let n = |k: &str| m.get(k).and_then(crate::count);
    let ms = |k: &str| n(k).map(|ms| ms as f64 / 1000.0);
    let sum = |k: &str| {
        m.get(k)
            .and_then(|v| v.as_object())
            .map(|o| o.values().filter_map(crate::count).sum())
    };
    let action = |a: &str| {
        m.get("post_video_social_actions")
            .and_then(|v| v.as_object())
            .map(|o| {
                o.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(a))
                    .and_then(|(_, v)| crate::count(v))
                    .unwrap_or(0)
            })
    };
    PostMetrics {
        views: n("blue_reels_play_count"),
        // The older name, while Graph still answers it.
        reach: n("post_total_media_view_unique").or_else(|| n("post_impressions_unique")),
        watch_time_s: ms("post_video_view_time"),
        avg_view_s: ms("post_video_avg_time_watched"),
        reactions: sum("post_video_likes_by_reaction_type"),
        comments: action("COMMENT"),
        shares: action("SHARE"),
        followers_gained: n("post_video_followers"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reel_insights_are_normalised_and_unknown_names_ignored() {
        let m: std::collections::HashMap<String, serde_json::Value> = [
            ("blue_reels_play_count", json!(1200)),
            ("post_impressions_unique", json!(900)),
            ("post_video_avg_time_watched", json!(12_500)),
            ("post_video_view_time", json!("15000000")),
            (
                "post_video_likes_by_reaction_type",
                json!({"REACTION_LIKE": 40, "REACTION_LOVE": 7, "REACTION_WOW": "3"}),
            ),
            ("post_video_social_actions", json!({"comment": 9})),
            ("some_new_metric", json!(5)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let p = reel_metrics(&m);
        assert_eq!(
            p,
            PostMetrics {
                views: Some(1200),
                reach: Some(900),
                watch_time_s: Some(15_000.0),
                avg_view_s: Some(12.5),
                reactions: Some(50),
                comments: Some(9),
                shares: Some(0),
                followers_gained: None,
            }
        );
        // Nothing returned: everything absent, nothing zero.
        assert_eq!(reel_metrics(&Default::default()), PostMetrics::default());
    }
}
