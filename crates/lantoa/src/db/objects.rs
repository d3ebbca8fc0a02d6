//! Every object in the media storage that the database names (what a
//! backup must copy, and a restore find).

use super::{DbResult, Tx, sql};
use crate::domain::VersionId;

/// An object in the media storage that a row names: its key, and its size
/// and SHA-256 where the row records them. `deletable`: it belongs to an
/// invalid or failed version, whose files may be deleted at any time.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ObjectRef {
    pub key: String,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    /// The table and column that names it.
    pub source: String,
    pub deletable: bool,
}

/// Every object named by a key column (`*_key`) of the database: originals,
/// burned-in subtitles, the outlets' files, incident and campaign attachments.
/// The versions' derived outputs are named in their `outputs` JSON instead
/// ([`versions_outputs`]).
pub async fn stored_objects(tx: &mut Tx) -> DbResult<Vec<ObjectRef>> {
    Ok(sql!(tx, fetch_all
        "SELECT original_key AS key, size_bytes AS size, sha256, 'clip_versions.original_key' AS source,
                status IN ('invalid', 'failed') AS deletable FROM clip_versions
         UNION ALL SELECT object_key, size_bytes, sha256, 'subtitle_burns.object_key', FALSE
                   FROM subtitle_burns
         UNION ALL SELECT video_key, video_bytes, NULL, 'outlet_posts.video_key', FALSE FROM outlet_posts
         UNION ALL SELECT light_key, light_bytes, NULL, 'outlet_posts.light_key', FALSE
                   FROM outlet_posts WHERE light_key IS NOT NULL
         UNION ALL SELECT poster_key, NULL, NULL, 'outlet_posts.poster_key', FALSE
                   FROM outlet_posts WHERE poster_key IS NOT NULL
         UNION ALL SELECT file_key, file_size, NULL, 'incident_events.file_key', FALSE
                   FROM incident_events WHERE file_key IS NOT NULL
         UNION ALL SELECT file_key, file_size, NULL, 'campaign_files.file_key', FALSE
                   FROM campaign_files")?)
}

/// Each version's id, whether its files may go (invalid or failed), and its
/// `outputs` JSON (posters, storyboard, proxy, renditions), when checked.
pub async fn versions_outputs(tx: &mut Tx) -> DbResult<Vec<(VersionId, bool, String)>> {
    Ok(sql!(tx, fetch_all
        "SELECT id, status IN ('invalid', 'failed'), outputs FROM clip_versions
         WHERE outputs IS NOT NULL ORDER BY id")?)
}
