//! One trait over the four platforms' publishing APIs, as a resumable state
//! machine: each call to [`Connector::step`] does the next thing the saved
//! [`Handle`] says is needed and returns what to save before going on. The
//! caller saves every handle before calling again, so a crash or a timeout
//! resumes from the last saved step: sessions and ids are probed, never
//! started twice, and the final create step is never blindly repeated.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::facebook::Facebook;
use super::tiktok::TikTok;
use super::youtube::{self, YouTube};
use super::zalo::Zalo;
use super::{ErrorClass, Platform, PlatformError};

/// What a publication has obtained from its platform so far. Saved (as JSON)
/// before the bytes or the call it announces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handle {
    /// YouTube: the resumable session URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// YouTube, Facebook, Zalo: the video's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_id: Option<String>,
    /// Facebook, TikTok: where the bytes go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_url: Option<String>,
    /// TikTok: the publish id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_id: Option<String>,
    /// Zalo: the upload's token (verify it for the video id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_token: Option<String>,
    /// Zalo: the article's token (verify it for the article id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_token: Option<String>,
    /// Every byte is with the platform.
    #[serde(default)]
    pub uploaded: bool,
    /// The final create/publish call is about to be (or was) sent: on resume,
    /// ask the platform before sending it again.
    #[serde(default)]
    pub finishing: bool,
    /// The platform accepted the final call.
    #[serde(default)]
    pub finished: bool,
    /// Zalo: how many times the article listing was searched, after a lost
    /// create answer, before creating again (the listing may lag).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lookups: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Listing searches before a Zalo article whose create answer was lost is
/// created again.
const ZALO_LOOKUPS: u32 = 5;

/// What one upload carries. The text is sent as given, never cut: it is what
/// `text::build` made and the platform's rules were checked on.
pub struct Post<'a> {
    /// The Page id, YouTube channel id, TikTok open_id or OA id.
    pub account: &'a str,
    /// The account's name (used in TikTok links).
    pub account_name: &'a str,
    pub token: &'a str,
    pub file: &'a Path,
    pub size: u64,
    pub title: &'a str,
    pub description: &'a str,
    /// YouTube's keyword tags, without "#".
    pub tags: &'a [String],
    /// Upload progress, 0.0–1.0.
    pub progress: &'a (dyn Fn(f64) + Send + Sync),
}

/// What to do after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Save this handle (with the publication now in `state`), then step again.
    Save { handle: Handle, state: &'static str },
    /// The platform is still working: step again after this long.
    Wait(Duration),
    /// Out: the platform's id of the post and its public address.
    Done { id: String, url: String },
}

/// A platform limit the next step's call counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// TikTok: 6 `video/init` per minute per token.
    TikTokInit,
    /// Facebook: 30 reels per Page per 24 hours.
    FacebookReel,
    /// YouTube: uploads per day the project's quota allows.
    YouTubeUpload,
}

/// A post's counters as one platform reports them, normalised. `None` means
/// the platform does not give that figure (shown as "không có"), never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PostMetrics {
    pub views: Option<u64>,
    pub reach: Option<u64>,
    pub watch_time_s: Option<f64>,
    pub avg_view_s: Option<f64>,
    pub reactions: Option<u64>,
    pub comments: Option<u64>,
    pub shares: Option<u64>,
    pub followers_gained: Option<u64>,
}

pub trait Connector: Send + Sync {
    /// The limit the next step counts against, if it does.
    fn limit(&self, h: &Handle) -> Option<Limit>;

    /// Does the next thing the handle says is needed.
    fn step(
        &self,
        post: &Post<'_>,
        h: &Handle,
    ) -> impl Future<Output = Result<Next, PlatformError>> + Send;

    /// Lifetime counters of the account's posts with these ids (batched as
    /// the platform allows); a post the platform does not list is left out.
    fn metrics(
        &self,
        token: &str,
        account: &str,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<(String, PostMetrics)>, PlatformError>> + Send;

    /// Removes a post (takedown, correction). Platforms whose API cannot
    /// delete answer `Permanent` with code `no_delete_api`.
    fn delete(
        &self,
        token: &str,
        account: &str,
        id: &str,
    ) -> impl Future<Output = Result<(), PlatformError>> + Send;
}

/// Save this handle, with the publication now in `state`, then step again.
fn save(handle: Handle, state: &'static str) -> Result<Next, PlatformError> {
    Ok(Next::Save { handle, state })
}

fn gone(platform: &str) -> PlatformError {
    PlatformError {
        class: ErrorClass::Retry { after: None },
        status: None,
        code: "restart".into(),
        message: format!("{platform}: the upload was lost before completion; starting a new one"),
    }
}

fn failed(code: &str, message: String) -> PlatformError {
    PlatformError {
        class: ErrorClass::FixContent,
        status: None,
        code: code.into(),
        message,
    }
}

// ---- YouTube ---------------------------------------------------------------------

pub struct YouTubeConnector {
    api: YouTube,
    poll: Duration,
}

impl Connector for YouTubeConnector {
    fn limit(&self, h: &Handle) -> Option<Limit> {
        h.session.is_none().then_some(Limit::YouTubeUpload)
    }

    async fn step(&self, p: &Post<'_>, h: &Handle) -> Result<Next, PlatformError> {
        let mut h = h.clone();
        let Some(session) = h.session.clone() else {
            let meta = youtube::VideoMeta {
                title: p.title.to_string(),
                description: p.description.to_string(),
                tags: p.tags.to_vec(),
                privacy: "public".into(),
            };
            h.session = Some(self.api.start(p.token, &meta, p.size).await?);
            return save(h, "uploading");
        };
        let Some(id) = h.video_id.clone() else {
            let size = p.size.max(1) as f64;
            let r = self
                .api
                .upload(
                    p.token,
                    &session,
                    p.file,
                    p.size,
                    8 * youtube::CHUNK_UNIT,
                    |n| (p.progress)(n as f64 / size),
                )
                .await;
            match r {
                Ok(id) => {
                    h.video_id = Some(id);
                    h.uploaded = true;
                    return save(h, "processing");
                }
                // The session expired before completion: nothing was created,
                // so a new session is safe.
                Err(e) if e.code == "sessionExpired" => {
                    return save(Handle::default(), "queued");
                }
                Err(e) => return Err(e),
            }
        };
        let s = self.api.status(p.token, &id).await?;
        match s.upload_status.as_str() {
            "processed" => Ok(Next::Done {
                url: format!("https://www.youtube.com/shorts/{id}"),
                id,
            }),
            "failed" | "rejected" => Err(failed(&s.upload_status, s.reason.unwrap_or_default())),
            "deleted" => Err(PlatformError {
                class: ErrorClass::Permanent,
                status: None,
                code: "deleted".into(),
                message: "the video was deleted on YouTube before it was processed".into(),
            }),
            _ => Ok(Next::Wait(self.poll)),
        }
    }

    async fn delete(&self, token: &str, _account: &str, id: &str) -> Result<(), PlatformError> {
        self.api.delete(token, id).await
    }

    async fn metrics(
        &self,
        token: &str,
        _account: &str,
        ids: &[String],
    ) -> Result<Vec<(String, PostMetrics)>, PlatformError> {
        let mut out = Vec::new();
        for batch in ids.chunks(50) {
            for (id, views, likes, comments) in self.api.statistics(token, batch).await? {
                out.push((
                    id,
                    PostMetrics {
                        views,
                        reactions: likes,
                        comments,
                        ..PostMetrics::default()
                    },
                ));
            }
        }
        // Watch time, shares and subscribers are the Analytics API's. Its
        // failure (scope not granted, quota, outage) keeps the Data API's
        // figures and leaves those absent; YouTube gives no reach.
        let listed: Vec<String> = out.iter().map(|(id, _)| id.clone()).collect();
        let today = jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date();
        for batch in listed.chunks(youtube::ANALYTICS_BATCH) {
            let table = match self.api.analytics(token, batch, today).await {
                Ok(t) => t,
                Err(e) => {
                    super::warn_once(
                        &format!("youtube-analytics|{}|{}", e.status.unwrap_or(0), e.code),
                        &format!(
                            "YouTube Analytics failed ({e}); watch time, average view, shares \
                             and subscribers gained stay empty, the Data API's figures are kept"
                        ),
                    );
                    break;
                }
            };
            for (id, m) in &mut out {
                if let Some(a) = table.get(id.as_str()) {
                    m.watch_time_s = a.minutes_watched.map(|min| min * 60.0);
                    m.avg_view_s = a.average_view_duration;
                    m.shares = a.shares;
                    m.followers_gained = a.subscribers_gained;
                }
            }
        }
        Ok(out)
    }
}

// ---- Facebook --------------------------------------------------------------------

pub struct FacebookConnector {
    api: Facebook,
    poll: Duration,
    /// The reel insights metrics to ask for (`facebook_reel_metrics`).
    metrics: Vec<String>,
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
    let n = |k: &str| m.get(k).and_then(super::count);
    let ms = |k: &str| n(k).map(|ms| ms as f64 / 1000.0);
    let sum = |k: &str| {
        m.get(k)
            .and_then(|v| v.as_object())
            .map(|o| o.values().filter_map(super::count).sum())
    };
    let action = |a: &str| {
        m.get("post_video_social_actions")
            .and_then(|v| v.as_object())
            .map(|o| {
                o.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(a))
                    .and_then(|(_, v)| super::count(v))
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

// ---- TikTok ----------------------------------------------------------------------

pub struct TikTokConnector {
    api: TikTok,
    poll: Duration,
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
                id: post.to_string(),
                url: format!("https://www.tiktok.com/@{}/video/{post}", p.account_name),
            }),
            ("PUBLISH_COMPLETE", None) => Ok(Next::Done {
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

// ---- Zalo ------------------------------------------------------------------------

pub struct ZaloConnector {
    api: Zalo,
    poll: Duration,
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
        while out.len() < ids.len() && offset < super::zalo::FIND_SCAN {
            let page = self
                .api
                .list_articles(token, offset, super::zalo::SLICE_MAX)
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
            if n < super::zalo::SLICE_MAX {
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

// ---- Construction ------------------------------------------------------------------

/// The four connectors, built from the configured base URLs.
pub struct Connectors {
    pub youtube: YouTubeConnector,
    pub facebook: FacebookConnector,
    pub tiktok: TikTokConnector,
    pub zalo: ZaloConnector,
}

/// Where each platform's API is and how often to ask after a post in
/// processing: the application fills it from its settings.
#[derive(Debug, Clone)]
pub struct Endpoints<'a> {
    pub youtube_api_url: &'a str,
    pub youtube_analytics_url: &'a str,
    pub facebook_graph_url: &'a str,
    pub facebook_rupload_url: &'a str,
    pub facebook_graph_version: &'a str,
    /// The Reels insights metrics asked for.
    pub facebook_reel_metrics: &'a [String],
    pub tiktok_api_url: &'a str,
    pub zalo_api_url: &'a str,
    pub poll: Duration,
}

impl Connectors {
    pub fn new(e: &Endpoints<'_>) -> Connectors {
        let poll = e.poll.max(Duration::from_millis(1));
        Connectors {
            youtube: YouTubeConnector {
                api: YouTube::new(e.youtube_api_url).with_analytics(e.youtube_analytics_url),
                poll,
            },
            facebook: FacebookConnector {
                api: Facebook::new(
                    e.facebook_graph_url,
                    e.facebook_rupload_url,
                    e.facebook_graph_version,
                ),
                poll,
                metrics: e.facebook_reel_metrics.to_vec(),
            },
            tiktok: TikTokConnector {
                api: TikTok::new(e.tiktok_api_url),
                poll,
            },
            zalo: ZaloConnector {
                api: Zalo::new(e.zalo_api_url),
                poll,
            },
        }
    }
}

/// Calls `$body` with `$c` bound to the platform's connector.
#[macro_export]
macro_rules! with_connector {
    ($cs:expr, $platform:expr, $c:ident => $body:expr) => {
        match $platform {
            $crate::Platform::YouTube => {
                let $c = &$cs.youtube;
                $body
            }
            $crate::Platform::Facebook => {
                let $c = &$cs.facebook;
                $body
            }
            $crate::Platform::TikTok => {
                let $c = &$cs.tiktok;
                $body
            }
            $crate::Platform::Zalo => {
                let $c = &$cs.zalo;
                $body
            }
        }
    };
}

/// Platform of a stored name (unknown names count as permanent errors upstream).
pub fn platform_of(name: &str) -> Option<Platform> {
    Platform::parse(name)
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
