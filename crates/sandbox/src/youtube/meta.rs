//! The `video` resource a `videos.insert` carries: which parts it may set,
//! every writable `snippet` and `status` field checked as YouTube documents
//! it (https://developers.google.com/youtube/v3/docs/videos#resource and the
//! `videos.insert` error table), read-only fields ignored, unknown fields
//! refused as Google's JSON decoder refuses them; and the resource echoed
//! back with only the parts asked for.

// A refusal is the answer itself, built once per refused request.
#![allow(clippy::result_large_err)]

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::error;

/// Parts `videos.insert` and `videos.list` know (discovery document
/// youtube.v3, `Video` properties).
pub const PARTS: &[&str] = &[
    "contentDetails",
    "fileDetails",
    "id",
    "liveStreamingDetails",
    "localizations",
    "paidProductPlacementDetails",
    "player",
    "processingDetails",
    "recordingDetails",
    "snippet",
    "statistics",
    "status",
    "suggestions",
    "topicDetails",
];

/// Video categories a video may be put in: the assignable ids of
/// `videoCategories.list?regionCode=US` (the others, 18 and 30–44, are
/// listed with `assignable: false`).
pub const CATEGORIES: &[&str] = &[
    "1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28", "29",
];

const SNIPPET_WRITABLE: &[&str] = &[
    "title",
    "description",
    "tags",
    "categoryId",
    "defaultLanguage",
    "defaultAudioLanguage",
];
const SNIPPET_READ_ONLY: &[&str] = &[
    "channelId",
    "channelTitle",
    "publishedAt",
    "thumbnails",
    "liveBroadcastContent",
    "localized",
];
const STATUS_WRITABLE: &[&str] = &[
    "privacyStatus",
    "publishAt",
    "license",
    "embeddable",
    "publicStatsViewable",
    "selfDeclaredMadeForKids",
    "containsSyntheticMedia",
];
const STATUS_READ_ONLY: &[&str] = &[
    "uploadStatus",
    "failureReason",
    "rejectionReason",
    "madeForKids",
];
const STATUS_BOOLS: &[&str] = &[
    "embeddable",
    "publicStatsViewable",
    "selfDeclaredMadeForKids",
    "containsSyntheticMedia",
];

/// What a post set, as it was received (only the writable fields of the
/// parts it named).
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub snippet: Map<String, Value>,
    pub status: Map<String, Value>,
}

impl Meta {
    pub fn str(&self, field: &str) -> &str {
        self.snippet
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn tags(&self) -> Vec<String> {
        self.snippet
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect()
    }

    /// The privacy asked for: YouTube's default is `public` (discovery
    /// document, `VideoStatus.privacyStatus`).
    pub fn privacy(&self) -> &str {
        self.status
            .get("privacyStatus")
            .and_then(Value::as_str)
            .unwrap_or("public")
    }
}

fn bad(reason: &str, message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, reason, message)
}

/// Google's answer to a field its JSON decoder does not know.
fn unknown(name: &str, at: &str) -> Response {
    bad(
        "badRequest",
        &format!(
            "Invalid JSON payload received. Unknown name \"{name}\" at '{at}': Cannot find field."
        ),
    )
}

fn wrong_type(at: &str, v: &Value) -> Response {
    bad("badRequest", &format!("Invalid value at '{at}', {v}"))
}

/// The `part` parameter: required, comma-separated, every name known.
pub fn parts(part: Option<&str>) -> Result<Vec<String>, Response> {
    let Some(part) = part.filter(|p| !p.trim().is_empty()) else {
        return Err(super::required("part"));
    };
    let parts: Vec<String> = part.split(',').map(|p| p.trim().to_string()).collect();
    if let Some(p) = parts.iter().find(|p| !PARTS.contains(&p.as_str())) {
        return Err(bad("unknownPart", &format!("'{p}'")));
    }
    Ok(parts)
}

/// Reads and checks the metadata of an insert whose `part` is `parts`. An
/// empty body sets nothing (a media-only upload).
pub fn parse(body: &[u8], parts: &[String]) -> Result<Meta, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Meta::default());
    }
    let Ok(Value::Object(video)) = serde_json::from_slice::<Value>(body) else {
        return Err(bad("parseError", "Parse Error"));
    };
    for k in video.keys() {
        if !PARTS.contains(&k.as_str()) && !["kind", "etag"].contains(&k.as_str()) {
            return Err(unknown(k, "resource"));
        }
    }
    let mut meta = Meta::default();
    // Properties of a part the request did not name are not written.
    let named = |p: &str| parts.iter().any(|x| x == p);
    if named("snippet")
        && let Some(s) = video.get("snippet")
    {
        meta.snippet = object(s, "resource.snippet", SNIPPET_WRITABLE, SNIPPET_READ_ONLY)?;
        check_snippet(&meta.snippet)?;
    }
    if named("status")
        && let Some(s) = video.get("status")
    {
        meta.status = object(s, "resource.status", STATUS_WRITABLE, STATUS_READ_ONLY)?;
        check_status(&meta.status)?;
    }
    Ok(meta)
}

/// The writable fields of one part, refusing unknown names.
fn object(
    v: &Value,
    at: &str,
    writable: &[&str],
    read_only: &[&str],
) -> Result<Map<String, Value>, Response> {
    let Value::Object(o) = v else {
        return Err(wrong_type(at, v));
    };
    let mut out = Map::new();
    for (k, x) in o {
        if writable.contains(&k.as_str()) {
            if !x.is_null() {
                out.insert(k.clone(), x.clone());
            }
        } else if !read_only.contains(&k.as_str()) {
            return Err(unknown(k, at));
        }
    }
    Ok(out)
}

fn check_snippet(s: &Map<String, Value>) -> Result<(), Response> {
    for k in [
        "title",
        "description",
        "categoryId",
        "defaultLanguage",
        "defaultAudioLanguage",
    ] {
        if let Some(v) = s.get(k).filter(|v| !v.is_string()) {
            return Err(wrong_type(&format!("resource.snippet.{k}"), v));
        }
    }
    let title = s.get("title").and_then(Value::as_str).unwrap_or("");
    if title.trim().is_empty() || title.chars().count() > 100 || title.contains(['<', '>']) {
        return Err(bad(
            "invalidTitle",
            "The request metadata specifies an invalid or empty video title.",
        ));
    }
    // At most 5,000 bytes, without < or >.
    let description = s.get("description").and_then(Value::as_str).unwrap_or("");
    if description.len() > 5000 || description.contains(['<', '>']) {
        return Err(bad(
            "invalidDescription",
            "The request metadata specifies an invalid video description.",
        ));
    }
    if let Some(tags) = s.get("tags") {
        let list = tags
            .as_array()
            .filter(|a| a.iter().all(Value::is_string))
            .ok_or_else(|| wrong_type("resource.snippet.tags", tags))?;
        let tags: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        if tags_length(&tags) > 500 || tags.iter().any(|t| t.contains(['<', '>'])) {
            return Err(bad(
                "invalidTags",
                "The request metadata specifies invalid video keywords.",
            ));
        }
    }
    if let Some(c) = s.get("categoryId").and_then(Value::as_str)
        && !CATEGORIES.contains(&c)
    {
        return Err(bad(
            "invalidCategoryId",
            "The snippet.categoryId property specifies an invalid category ID. Use the \
             videoCategories.list method to retrieve supported categories.",
        ));
    }
    Ok(())
}

/// The length YouTube counts for tags: the commas between them count, and a
/// tag with a space counts as if quoted.
pub fn tags_length(tags: &[&str]) -> usize {
    tags.iter()
        .map(|t| t.chars().count() + if t.contains(' ') { 2 } else { 0 })
        .sum::<usize>()
        + tags.len().saturating_sub(1)
}

fn check_status(s: &Map<String, Value>) -> Result<(), Response> {
    for k in STATUS_BOOLS {
        if let Some(v) = s.get(*k).filter(|v| !v.is_boolean()) {
            return Err(wrong_type(&format!("resource.status.{k}"), v));
        }
    }
    let privacy = s.get("privacyStatus");
    if let Some(p) = privacy
        && !matches!(p.as_str(), Some("public" | "unlisted" | "private"))
    {
        return Err(wrong_type("resource.status.privacyStatus", p));
    }
    if let Some(l) = s.get("license")
        && !matches!(l.as_str(), Some("youtube" | "creativeCommon"))
    {
        return Err(wrong_type("resource.status.license", l));
    }
    if let Some(at) = s.get("publishAt") {
        // Only for a private video, at a valid time.
        let valid = at
            .as_str()
            .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok());
        if !valid || privacy.and_then(Value::as_str) != Some("private") {
            return Err(bad(
                "invalidPublishAt",
                "The request metadata specifies an invalid scheduled publishing time.",
            ));
        }
    }
    Ok(())
}
