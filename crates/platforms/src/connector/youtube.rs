//! YouTube's resumable upload, caption tracks, processing status, deletion
//! and figures.

use std::time::Duration;

use super::{Caption, Connector, Handle, Limit, Next, Post, PostMetrics, Visibility, failed, save};
use crate::youtube::{self, YouTube};
use crate::{ErrorClass, PlatformError};

pub struct YouTubeConnector {
    pub(super) api: YouTube,
    pub(super) poll: Duration,
}

/// Why YouTube made a video private, in its own words: the API says nothing
/// beyond `status.privacyStatus` (no failure or rejection reason for this),
/// so this is the `videos.insert` reference's notice, which names the usual
/// cause. A channel's own upload defaults can do it too (YouTube Help 157177).
pub const UNAUDITED_PRIVATE: &str = "YouTube made the video private. \"All videos uploaded via \
the videos.insert endpoint from unverified API projects created after 28 July 2020 will be \
restricted to private viewing mode. To lift this restriction, each API project must undergo an \
audit to verify compliance with the Terms of Service.\" (YouTube Data API, videos.insert)";

/// Who may see the video, as YouTube reports it (`level`), against what the
/// channel asked for.
fn visibility(asked: &str, level: String) -> Visibility {
    let reason = (level == "private" && asked != "private").then(|| UNAUDITED_PRIVATE.to_string());
    Visibility {
        public: level == "public",
        level,
        reason,
    }
}

/// The post's tracks whose language the handle does not have yet.
fn unsent<'a>(p: &'a Post<'_>, h: &Handle) -> Vec<&'a Caption> {
    p.captions
        .iter()
        .filter(|c| !h.captions.iter().any(|l| l.eq_ignore_ascii_case(&c.lang)))
        .collect()
}

impl YouTubeConnector {
    /// Sends the next caption track not yet sent, once the video exists
    /// (YouTube takes tracks while it processes): `None` when there is none
    /// left. One track per step, and the handle saved after each, so a crash
    /// loses at most the answer to the last one sent.
    ///
    /// That track may have arrived. A run resuming an earlier one's handle
    /// first lists the video's tracks and takes a track of the same language
    /// as sent; a resent track of the same language and name is refused by
    /// YouTube (409 `captionExists`) and taken as sent too. A track of the
    /// video's language YouTube made itself (ASR) is not listed as sent.
    async fn caption_step(
        &self,
        p: &Post<'_>,
        h: &mut Handle,
        video: &str,
    ) -> Result<Option<Next>, PlatformError> {
        if unsent(p, h).is_empty() {
            return Ok(None);
        }
        if p.resumed {
            let there = self.api.list_captions(p.token, video).await?;
            for c in unsent(p, h) {
                if there
                    .iter()
                    .any(|(_, l, _)| l.eq_ignore_ascii_case(&c.lang))
                {
                    h.captions.push(c.lang.clone());
                }
            }
        }
        let Some(c) = unsent(p, h).first().copied() else {
            return save(h.clone(), "processing").map(Some);
        };
        let sent = self
            .api
            .insert_caption(p.token, video, &c.lang, &c.name, &c.vtt, "text/vtt")
            .await;
        match sent {
            Ok(_) => {}
            Err(e) if e.code == youtube::CAPTION_EXISTS => {}
            Err(e) => return Err(e),
        }
        h.captions.push(c.lang.clone());
        save(h.clone(), "processing").map(Some)
    }
}

impl Connector for YouTubeConnector {
    fn limit(&self, h: &Handle) -> Option<Limit> {
        (h.session.is_none() && h.restarts == 0).then_some(Limit::YouTubeUpload)
    }

    async fn step(&self, p: &Post<'_>, h: &Handle) -> Result<Next, PlatformError> {
        let mut h = h.clone();
        let Some(session) = h.session.clone() else {
            let meta = youtube::VideoMeta {
                title: p.title.to_string(),
                description: p.description.to_string(),
                tags: p.tags.to_vec(),
                privacy: p.privacy.to_string(),
                category: p.category.map(str::to_string),
                content_type: p.content_type.to_string(),
            };
            h.session = Some(self.api.start(p.token, &meta, p.size).await?);
            return save(h, "uploading");
        };
        let Some(id) = h.video_id.clone() else {
            let size = p.size.max(1) as f64;
            let media = youtube::Media {
                file: p.file,
                size: p.size,
                content_type: p.content_type,
            };
            let r = self
                .api
                .upload(p.token, &session, &media, 8 * youtube::CHUNK_UNIT, |n| {
                    (p.progress)(n as f64 / size)
                })
                .await;
            match r {
                Ok(up) => {
                    h.video_id = Some(up.id);
                    h.privacy = up.privacy;
                    h.uploaded = true;
                    return save(h, "processing");
                }
                // The session expired before completion: nothing was created,
                // so a new session is safe, and it is the same upload.
                Err(e) if e.code == "sessionExpired" => {
                    let restarted = Handle {
                        restarts: h.restarts + 1,
                        ..Handle::default()
                    };
                    return save(restarted, "queued");
                }
                Err(e) => return Err(e),
            }
        };
        if let Some(next) = self.caption_step(p, &mut h, &id).await? {
            return Ok(next);
        }
        let s = self.api.status(p.token, &id).await?;
        match s.upload_status.as_str() {
            "processed" => {
                let level = Some(s.privacy)
                    .filter(|l| !l.is_empty())
                    .or(h.privacy)
                    .unwrap_or_default();
                Ok(Next::Done {
                    url: format!("https://www.youtube.com/shorts/{id}"),
                    id,
                    visibility: visibility(p.privacy, level),
                })
            }
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
                    crate::warn_once(
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
