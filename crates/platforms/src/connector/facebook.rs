//! Facebook Page Reels: start, upload, finish, status, deletion and insights.
//!
//! Subtitles are not sent: [`Post::captions`] is ignored here. What was
//! found (issue 18), for whoever decides to burn them into the picture:
//! - The Reels Publishing API (`/{page-id}/video_reels`: start, upload on
//!   rupload, finish with `video_state=PUBLISHED`) takes no caption file.
//!   The guide (developers.facebook.com/docs/video-api/guides/reels-publishing,
//!   updated 30 July 2026) names none. Meta's own SDK (facebook-business
//!   26.0.3, `Page.create_video_reel`) takes only `description`,
//!   `feed_targeting`, `is_ai_generated`, `place`, `scheduled_publish_time`,
//!   `targeting`, `title`, `upload_phase`, `video_id` and `video_state`; the
//!   part of the edge's reference read (…/docs/graph-api/reference/page/
//!   video_reels, its POST parameters) agrees and has no caption either.
//! - The Video node has a `captions` edge
//!   (…/docs/graph-api/reference/video/captions): `GET` lists tracks, and the
//!   SDK's `AdVideo.create_cap_t_i_on` posts `captions_file` (a file),
//!   `default_locale` and `locales_to_delete`. There is no `locale`
//!   parameter: the file's name carries it (`name.vi_VN.srt`), and the
//!   format is SubRip. Graph answers #385 "the captions file you selected is
//!   in a format that we don't support" to a file not so named (restfb
//!   issues #753 and #871, third-party, 2017–2018). WebVTT is not mentioned.
//! - Neither page says whether a reel's video id takes that edge: nothing
//!   read documents captions on reels. UNCONFIRMED until tried against a
//!   real Page; the sandbox does not serve it. Burning the subtitles into
//!   the reel's picture is the only way documented to work.

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
            // Before the reel counts against the Page's daily 30.
            accepted(p.content_type)?;
            let (id, url) = self.api.start(p.account, p.token).await?;
            h.video_id = Some(id);
            h.upload_url = Some(url);
            return save(h, "uploading");
        };
        if !h.uploaded {
            let url = (h.upload_url.clone()).unwrap_or_else(|| self.api.default_upload_url(&video));
            // Sends from the offset Facebook reports, so a resume repeats nothing.
            self.api
                .upload(&url, &video, p.token, p.file, p.size)
                .await?;
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
            // Finish unless Facebook says publishing has started: a finish
            // that timed out but arrived is never sent twice. Processing
            // says nothing here: Facebook starts it as soon as the bytes are
            // in, before finish.
            if !publishing_started(&s.publishing) {
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
                visibility: visibility(&s),
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

/// Whether the publishing phase has begun (anything but `not_started` or
/// absent).
fn publishing_started(phase: &str) -> bool {
    !(phase.is_empty() || phase == "not_started")
}

/// Containers Facebook takes for video, by MIME type: the formats Meta's
/// own Reels sample lets through (3GP, ASF, AVI, DV, FLV, M2TS/TS, M4V,
/// MKV, MOV, MP4, MPEG, OGG, WMV); Meta recommends MP4. WebM and anything
/// else is refused before a reel is started.
const REEL_CONTAINERS: &[&str] = &[
    "video/mp4",
    "video/quicktime",
    "video/x-m4v",
    "video/3gpp",
    "video/3gpp2",
    "video/x-matroska",
    "video/mpeg",
    "video/mp2t",
    "video/x-msvideo",
    "video/avi",
    "video/x-ms-asf",
    "video/x-ms-wmv",
    "video/x-flv",
    "video/x-f4v",
    "video/ogg",
    "video/dv",
];

/// Refuses a container the Reels API does not take (FixContent: the clip
/// must be exported again), before anything is sent.
fn accepted(content_type: &str) -> Result<(), PlatformError> {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if REEL_CONTAINERS.contains(&mime.as_str()) {
        return Ok(());
    }
    Err(failed(
        "unsupported_container",
        format!(
            "Facebook Reels do not take {}: export the clip as MP4 (H.264, AAC)",
            if mime.is_empty() {
                "a file of unknown type"
            } else {
                &mime
            }
        ),
    ))
}

/// Who may see the reel, from what Graph reports once publishing is over:
/// public only when it says published (`published`, or `publish_status`
/// when the flag is absent) and its privacy is `EVERYONE` (or absent: a
/// Page's reels are public by nature). Otherwise not public, with Graph's
/// words as the reason.
fn visibility(s: &crate::facebook::ReelStatus) -> Visibility {
    let published = s
        .published
        .unwrap_or(s.publish_status.is_empty() || s.publish_status == "published");
    if !published {
        let level = if s.publish_status.is_empty() {
            "unpublished"
        } else {
            &s.publish_status
        };
        return Visibility {
            public: false,
            level: level.to_string(),
            reason: Some(format!(
                "Facebook reports the reel as not published (publish_status: {})",
                if s.publish_status.is_empty() {
                    "none"
                } else {
                    &s.publish_status
                }
            )),
        };
    }
    match s.privacy.as_deref() {
        None | Some("EVERYONE") => Visibility::public(s.privacy.as_deref().unwrap_or("EVERYONE")),
        Some(other) => Visibility {
            public: false,
            level: other.to_string(),
            reason: Some(format!(
                "Facebook reports the reel's audience as {}",
                s.privacy_description.as_deref().unwrap_or(other)
            )),
        },
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
    use crate::facebook::ReelStatus;
    use serde_json::json;

    fn published(privacy: Option<&str>, flag: Option<bool>, publish_status: &str) -> ReelStatus {
        ReelStatus {
            video_status: "ready".into(),
            bytes_transferred: 1,
            processing: "complete".into(),
            publishing: "complete".into(),
            publish_status: publish_status.into(),
            error: None,
            published: flag,
            privacy: privacy.map(str::to_string),
            privacy_description: privacy.map(|p| format!("{p} (described)")),
        }
    }

    #[test]
    fn visibility_is_what_graph_reports_after_publishing() {
        let v = visibility(&published(Some("EVERYONE"), Some(true), "published"));
        assert_eq!(v, Visibility::public("EVERYONE"));
        let v = visibility(&published(None, None, "published"));
        assert_eq!(v, Visibility::public("EVERYONE"));
        let v = visibility(&published(Some("EVERYONE"), Some(false), "draft"));
        assert_eq!((v.public, v.level.as_str()), (false, "draft"));
        assert!(v.reason.unwrap().contains("not published"));
        let v = visibility(&published(Some("SELF"), Some(true), "published"));
        assert_eq!((v.public, v.level.as_str()), (false, "SELF"));
        assert!(v.reason.unwrap().contains("SELF (described)"));
    }

    #[test]
    fn only_containers_the_reels_api_takes_are_accepted() {
        for ok in ["video/mp4", "video/quicktime", "VIDEO/MP4; codecs=avc1"] {
            assert!(accepted(ok).is_ok(), "{ok}");
        }
        for refused in ["video/webm", "image/gif", "audio/mp4", ""] {
            let e = accepted(refused).unwrap_err();
            assert_eq!(
                (e.class, e.code.as_str()),
                (ErrorClass::FixContent, "unsupported_container")
            );
        }
    }

    #[test]
    fn publishing_counts_as_started_from_any_status_but_not_started() {
        assert!(!publishing_started(""));
        assert!(!publishing_started("not_started"));
        assert!(publishing_started("in_progress"));
        assert!(publishing_started("complete"));
    }

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
