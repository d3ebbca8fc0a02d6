//! What a publication sends beside its bytes and text, each read from one
//! place: who may see the post (asked for at publishing, else the channel's
//! choice), YouTube's category (the channel's mapping, else the default),
//! the file's MIME type and length (from its probe), and a public address of
//! its poster (Zalo's thumbnail).

use std::collections::BTreeMap;

use crate::crypto::hmac_hex;
use crate::db::clips::{Clip, Version};
use crate::db::publishing::{Channel, Publication};
use crate::domain::PublicationId;
use crate::domain::clip::Category;
use crate::platforms::Platform;
use crate::state::AppState;

/// The parts of a post that are not its bytes or its text.
pub struct Sending {
    pub privacy: String,
    pub category: Option<String>,
    pub content_type: &'static str,
    pub duration_ms: Option<u64>,
    pub poster_url: Option<String>,
    pub cover_ms: Option<u64>,
}

/// The visibility levels a person may choose for a channel, in the
/// platform's words: YouTube's three; TikTok's as the creator's account
/// offers them (`offered`, from its creator info) or, before that is known,
/// the four TikTok documents; Facebook Reels and Zalo articles are public
/// through these APIs.
pub fn levels(platform: Platform, offered: Option<&[String]>) -> Vec<String> {
    let words: &[&str] = match platform {
        Platform::YouTube => &["public", "unlisted", "private"],
        Platform::TikTok => {
            if let Some(o) = offered.filter(|o| !o.is_empty()) {
                return o.to_vec();
            }
            &[
                "PUBLIC_TO_EVERYONE",
                "MUTUAL_FOLLOW_FRIENDS",
                "FOLLOWER_OF_CREATOR",
                "SELF_ONLY",
            ]
        }
        Platform::Facebook | Platform::Zalo => &["public"],
    };
    words.iter().map(|w| w.to_string()).collect()
}

/// Whether a level lets everyone see the post.
pub fn is_public(level: &str) -> bool {
    matches!(level, "public" | "PUBLIC_TO_EVERYONE" | "show")
}

/// The level a publication goes out with: the one asked for when it was
/// created, else the channel's; a platform with a single level has it. TikTok
/// has no default (its content-sharing rules): `None` until a person chose.
pub fn privacy_of(platform: Platform, asked: Option<&str>, ch: &Channel) -> Option<String> {
    let chosen = asked
        .or(ch.visibility.as_deref())
        .filter(|v| !v.trim().is_empty());
    match (platform, chosen) {
        (_, Some(v)) => Some(v.to_string()),
        (Platform::TikTok, None) => None,
        // YouTube: public unless the channel's admin chose otherwise.
        (p, None) => levels(p, None).into_iter().next(),
    }
}

/// YouTube's assignable video categories (`videoCategories.list`, the ids
/// with `assignable: true`): the only ids a channel's mapping may hold, each
/// with the message id of its name. The one list of them in Lantoa.
pub const YOUTUBE_CATEGORIES: [(&str, &str); 15] = [
    ("1", "yt-category-1"),
    ("2", "yt-category-2"),
    ("10", "yt-category-10"),
    ("15", "yt-category-15"),
    ("17", "yt-category-17"),
    ("19", "yt-category-19"),
    ("20", "yt-category-20"),
    ("22", "yt-category-22"),
    ("23", "yt-category-23"),
    ("24", "yt-category-24"),
    ("25", "yt-category-25"),
    ("26", "yt-category-26"),
    ("27", "yt-category-27"),
    ("28", "yt-category-28"),
    ("29", "yt-category-29"),
];

/// The message id of a YouTube category's name; `None` when `id` is not
/// one of YouTube's assignable ids.
pub fn youtube_category_name(id: &str) -> Option<&'static str> {
    YOUTUBE_CATEGORIES
        .iter()
        .find(|(c, _)| *c == id)
        .map(|(_, name)| *name)
}

/// Whether `id` is one of YouTube's assignable category ids.
pub fn is_youtube_category(id: &str) -> bool {
    youtube_category_name(id).is_some()
}

/// YouTube's categoryId when the channel maps nothing for a topic category:
/// News & Politics for the directive's news categories, People & Blogs for
/// the rest (YouTube's ids, the same in every region that lists them).
pub fn default_youtube_category(category: Category) -> &'static str {
    match category {
        Category::LeadershipMessage | Category::OfficialEvent | Category::CurrentAffairs => "25",
        Category::GoodDeeds | Category::Other => "22",
    }
}

/// The channel's own mapping as stored (topic category code → categoryId;
/// empty when it keeps the defaults).
pub fn youtube_mapping(ch: &Channel) -> BTreeMap<String, String> {
    ch.categories
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// YouTube's categoryId for a topic category: the channel's mapping, else
/// the default.
pub fn youtube_category(ch: &Channel, category: Category) -> String {
    youtube_mapping(ch)
        .remove(category.code())
        .unwrap_or_else(|| default_youtube_category(category).to_string())
}

/// The first of the agency's TikTok channels (among the clip's targets)
/// whose creator may not post a clip this long: its name and the longest it
/// takes, in seconds (TikTok's `max_video_post_duration_sec`, as last read
/// from its creator info). Checked before submission and approval, so no one
/// signs a clip TikTok will refuse.
pub async fn too_long_for_tiktok(
    tx: &mut crate::db::Tx,
    clip: &Clip,
    version: Option<&Version>,
) -> crate::error::Result<Option<(String, u64)>> {
    if !clip
        .target_channels
        .iter()
        .any(|t| t == Platform::TikTok.as_str())
    {
        return Ok(None);
    }
    let Some(duration) = version.and_then(Version::duration_s) else {
        return Ok(None);
    };
    for ch in crate::db::publishing::channels(tx, clip.agency_id).await? {
        let max = ch
            .creator
            .as_deref()
            .and_then(|c| serde_json::from_str::<crate::platforms::tiktok::CreatorInfo>(c).ok())
            .map(|c| c.max_video_post_duration_sec)
            .filter(|m| *m > 0);
        if ch.platform == Platform::TikTok.as_str()
            && let Some(max) = max
            && duration > max as f64
        {
            return Ok(Some((ch.name, max)));
        }
    }
    Ok(None)
}

/// The publication's signature for its public poster address.
pub fn poster_signature(st: &AppState, pid: PublicationId) -> String {
    let mut s = hmac_hex(&st.keys.session, format!("poster:{pid}").as_bytes());
    s.truncate(32);
    s
}

/// The public address of a publication's poster: under the install's
/// public address (`LANTOA_PUBLIC_URL`), else the address it listens on.
fn poster_url(st: &AppState, pid: PublicationId) -> String {
    let base = st.config.public_base();
    format!("{base}/posters/{pid}/{}.jpg", poster_signature(st, pid))
}

#[derive(serde::Deserialize, Default)]
struct Probed {
    #[serde(default)]
    container: String,
}

/// What the publication sends beside its bytes and text. `None` privacy
/// (TikTok with nothing chosen) is for the caller to refuse.
pub fn sending(
    st: &AppState,
    platform: Platform,
    pb: &Publication,
    ch: &Channel,
    clip: &Clip,
    version: &Version,
) -> (Option<String>, Sending) {
    let probed: Probed = version
        .probe
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let privacy = privacy_of(platform, pb.privacy.as_deref(), ch);
    let category = (platform == Platform::YouTube)
        .then(|| Category::parse(&clip.category).ok())
        .flatten()
        .map(|c| youtube_category(ch, c));
    let out = Sending {
        privacy: privacy.clone().unwrap_or_default(),
        category,
        content_type: crate::media::probe::content_type(&probed.container),
        duration_ms: version.duration_s().map(|s| (s * 1000.0).round() as u64),
        // Only a version whose check made posters has one to show.
        poster_url: version
            .outputs
            .as_deref()
            .and_then(|o| serde_json::from_str::<crate::ingest::Outputs>(o).ok())
            .filter(|o| !o.posters.is_empty())
            .map(|_| poster_url(st, pb.id)),
        // A cover is a frame of the version it was chosen on.
        cover_ms: clip
            .cover_ms
            .filter(|_| clip.current_version_id == Some(version.id))
            .and_then(|ms| u64::try_from(ms).ok()),
    };
    (privacy, out)
}
