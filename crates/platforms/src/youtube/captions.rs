//! YouTube caption tracks: `captions.insert` (one multipart request: the
//! `caption` resource, then the file), `captions.list` and `captions.delete`.
//!
//! What they take, from Google's discovery document youtube.v3 (revision
//! 20261104, as shipped in google-api-python-client 2.202.0) and the
//! `captions.insert` reference page (developers.google.com/youtube/v3/docs/
//! captions/insert, read through the search tool):
//! - insert: `POST /upload/youtube/v3/captions?uploadType=multipart&part=snippet`
//!   (resumable also offered, at the same path or `/resumable/upload/…`);
//!   the file may be any type (`accept`: text/xml, application/octet-stream,
//!   `*/*`), at most 100 MB; `snippet.videoId`, `snippet.language` (BCP-47)
//!   and `snippet.name` are required, `snippet.isDraft` may be set; `sync` is
//!   deprecated (March 2024) and never sent. 400 units of quota.
//! - list: `GET /youtube/v3/captions?part=snippet&videoId=…` (50 units).
//! - delete: `DELETE /youtube/v3/captions?id=…` (50 units), 204.
//! - scopes: `youtube.force-ssl` or `youtubepartner` only. `youtube` and
//!   `youtube.upload` are not enough: a channel connected without
//!   force-ssl gets 403 `insufficientPermissions`, which [`classify`] makes
//!   `Reconnect`.
//! - insert errors (reference page's table): 400 `contentRequired` (no file),
//!   409 `captionExists` (the video already has a track with this language
//!   and name: [`insert_caption`](YouTube::insert_caption) answers it as
//!   [`CAPTION_EXISTS`], so a resent track is recognised), 403 `forbidden`,
//!   404 `videoNotFound`; also, recalled from the same table and not re-read
//!   here, 400 `invalidMetadata` and `nameTooLong` (150 characters).
//! - A file YouTube cannot read is not documented as refused at once: the
//!   track's `snippet.status` becomes `failed` with `failureReason`
//!   `unknownFormat`/`unsupportedFormat`/`processingFailed`.

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use super::{YouTube, classify, retry_after};
use crate::PlatformError;

/// The reason YouTube gives when the video already has a track with this
/// language and name (409).
pub const CAPTION_EXISTS: &str = "captionExists";

/// A `multipart/related` body of a JSON part then a media part, as Google's
/// upload protocol takes it; and its Content-Type.
fn related(json: &str, media_type: &str, media: &[u8]) -> (Vec<u8>, String) {
    let boundary = format!("lantoa{}", hex::encode(crate::random_bytes::<12>()));
    let mut body = format!(
        "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{json}\r\n\
         --{boundary}\r\nContent-Type: {media_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(media);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/related; boundary={boundary}"))
}

impl YouTube {
    /// Adds a caption track to a video in one multipart request: `body` is
    /// the SRT or WebVTT text, `format_mime` its type (`text/vtt`,
    /// `application/x-subrip`). Returns the track's id. Published at once
    /// (`isDraft: false`).
    pub async fn insert_caption(
        &self,
        token: &str,
        video_id: &str,
        lang: &str,
        name: &str,
        body: &str,
        format_mime: &str,
    ) -> Result<String, PlatformError> {
        let caption = serde_json::json!({"snippet": {"videoId": video_id, "language": lang,
            "name": name, "isDraft": false}});
        let (bytes, content_type) = related(&caption.to_string(), format_mime, body.as_bytes());
        let (status, headers, answer) = self
            .exchange(
                self.http
                    .post(format!(
                        "{}/upload/youtube/v3/captions?uploadType=multipart&part=snippet",
                        self.base
                    ))
                    .bearer_auth(token)
                    .header(CONTENT_TYPE, content_type)
                    .body(bytes),
            )
            .await?;
        if !status.is_success() {
            return Err(classify(status.as_u16(), &answer, retry_after(&headers)));
        }
        let v: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
        v["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| PlatformError {
                class: crate::ErrorClass::Retry { after: None },
                status: Some(status.as_u16()),
                code: "noId".into(),
                message: "YouTube accepted the caption track without saying its id".into(),
            })
    }

    /// The video's caption tracks the channel made: (id, language, name).
    /// YouTube's automatic tracks (`trackKind: ASR`) are left out: one in
    /// the video's language is not a track Lantoa sent.
    pub async fn list_captions(
        &self,
        token: &str,
        video_id: &str,
    ) -> Result<Vec<(String, String, String)>, PlatformError> {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("part", "snippet"), ("videoId", video_id)])
            .finish();
        let v = self
            .get_json(format!("{}/youtube/v3/captions?{query}", self.base), token)
            .await?;
        Ok(v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| i["snippet"]["trackKind"].as_str() != Some("ASR"))
            .filter_map(|i| {
                let s = &i["snippet"];
                Some((
                    i["id"].as_str()?.to_string(),
                    s["language"].as_str().unwrap_or("").to_string(),
                    s["name"].as_str().unwrap_or("").to_string(),
                ))
            })
            .collect())
    }

    /// Removes a caption track (a track already gone counts as removed).
    pub async fn delete_caption(&self, token: &str, id: &str) -> Result<(), PlatformError> {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("id", id)
            .finish();
        let (status, headers, body) = self
            .exchange(
                self.http
                    .delete(format!("{}/youtube/v3/captions?{query}", self.base))
                    .bearer_auth(token),
            )
            .await?;
        if status.is_success() || status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        Err(classify(status.as_u16(), &body, retry_after(&headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_related_body_holds_the_json_then_the_file() {
        let (body, ct) = related("{\"a\":1}", "text/vtt", b"WEBVTT\n\n");
        let boundary = ct.strip_prefix("multipart/related; boundary=").unwrap();
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("application/json; charset=UTF-8\r\n\r\n{\"a\":1}\r\n"));
        assert!(text.contains("Content-Type: text/vtt\r\n\r\nWEBVTT\n\n\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
