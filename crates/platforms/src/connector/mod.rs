//! One trait over the four platforms' publishing APIs, as a resumable state
//! machine: each call to [`Connector::step`] does the next thing the saved
//! [`Handle`] says is needed and returns what to save before going on. The
//! caller saves every handle before calling again, so a crash or a timeout
//! resumes from the last saved step: sessions and ids are probed, never
//! started twice, and the final create step is never blindly repeated.
//! One module per platform.

mod facebook;
mod tiktok;
mod youtube;
mod zalo;

pub use facebook::FacebookConnector;
pub use tiktok::TikTokConnector;
pub use youtube::YouTubeConnector;
pub use zalo::ZaloConnector;

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::facebook::Facebook;
use super::tiktok::TikTok;
use super::youtube::YouTube;
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
    /// YouTube: how many upload sessions of this publication expired before
    /// their last byte and were started again. Only the first session counts
    /// against the daily upload pacing: a restart is the same upload.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub restarts: u32,
    /// YouTube: the privacy `videos.insert` answered the upload with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<String>,
    /// YouTube: the languages of the caption tracks already sent, one
    /// saved after each track, so a resumed run never sends one twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub captions: Vec<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A subtitle track to send with a post, where the platform takes one
/// (YouTube's caption tracks; the other connectors ignore them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// BCP-47, e.g. "vi". One track per language: a second track of a
    /// language already sent is taken as sent.
    pub lang: String,
    /// The track's name the platform shows.
    pub name: String,
    /// The WebVTT text.
    pub vtt: String,
}

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
    /// Who may see the post, in the platform's own words, as a person chose
    /// it for the channel (and, on TikTok, confirmed it when publishing):
    /// YouTube `public|unlisted|private`; TikTok one of the creator's
    /// `privacy_level_options`; Facebook and Zalo `public` (their reels and
    /// articles have no other level through these APIs).
    pub privacy: &'a str,
    /// YouTube's `categoryId` for the post (the channel's mapping of the
    /// clip's category); `None` sends none.
    pub category: Option<&'a str>,
    /// The file's MIME type, from its container (`video/mp4`,
    /// `video/quicktime`, `video/webm`…).
    pub content_type: &'a str,
    /// A public address of the clip's poster (Zalo's article thumbnail):
    /// the chosen cover's frame, or the first poster.
    pub poster_url: Option<&'a str>,
    /// The chosen cover's time in the clip, milliseconds (TikTok's
    /// `video_cover_timestamp_ms`); `None`: the platform picks.
    pub cover_ms: Option<u64>,
    /// The clip's duration in milliseconds, when known: TikTok refuses a
    /// clip longer than the creator's `max_video_post_duration_sec`, so the
    /// connector checks it before sending anything.
    pub duration_ms: Option<u64>,
    /// Subtitle tracks to send once the video exists (YouTube only).
    pub captions: &'a [Caption],
    /// Upload progress, 0.0–1.0.
    pub progress: &'a (dyn Fn(f64) + Send + Sync),
    /// The handle is what an earlier run left, not what this run's previous
    /// step saved: a call that run sent may have arrived with its answer
    /// lost, so a connector looks before sending it again.
    pub resumed: bool,
}

/// What to do after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Save this handle (with the publication now in `state`), then step again.
    Save { handle: Handle, state: &'static str },
    /// The platform is still working: step again after this long.
    Wait(Duration),
    /// Out: the platform's id of the post, its address, and who may see it
    /// as the platform reports it after publishing.
    Done {
        id: String,
        url: String,
        visibility: Visibility,
    },
}

/// Who may see a published post, read back from the platform, never assumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visibility {
    /// Anyone may see it.
    pub public: bool,
    /// The platform's own word for the level (`public`, `private`,
    /// `SELF_ONLY`, `show`…).
    pub level: String,
    /// Why the platform made it less visible than asked, in its own words
    /// (e.g. YouTube's unaudited-project lock), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Visibility {
    /// Visible to everyone, under the platform's word for it.
    pub fn public(level: &str) -> Visibility {
        Visibility {
            public: true,
            level: level.into(),
            reason: None,
        }
    }
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
    /// TikTok `status/fetch` calls per minute per token (TikTok's limit: 30).
    pub tiktok_status_per_minute: usize,
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
                api: TikTok::new(e.tiktok_api_url)
                    .with_shared_status_pace(e.tiktok_status_per_minute),
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
