//! Where a publication (one clip on one channel) is in its life: the states
//! the `publications` table allows, decoded once from the row.

use serde::{Deserialize, Serialize};

/// A publication's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicationState {
    /// Waiting for its time.
    Scheduled,
    /// Its job is queued.
    Queued,
    /// Bytes are on their way to the platform.
    Uploading,
    /// The platform is processing the upload.
    Processing,
    Published,
    /// Stopped with a reason; can be retried.
    Failed,
    Cancelled,
    /// Replaced by a correction's publication.
    Superseded,
}

impl PublicationState {
    pub const ALL: [PublicationState; 8] = [
        PublicationState::Scheduled,
        PublicationState::Queued,
        PublicationState::Uploading,
        PublicationState::Processing,
        PublicationState::Published,
        PublicationState::Failed,
        PublicationState::Cancelled,
        PublicationState::Superseded,
    ];

    /// The code stored in the database and used in messages (`pub-state-<code>`).
    pub fn as_str(self) -> &'static str {
        match self {
            PublicationState::Scheduled => "scheduled",
            PublicationState::Queued => "queued",
            PublicationState::Uploading => "uploading",
            PublicationState::Processing => "processing",
            PublicationState::Published => "published",
            PublicationState::Failed => "failed",
            PublicationState::Cancelled => "cancelled",
            PublicationState::Superseded => "superseded",
        }
    }

    pub fn parse(s: &str) -> Option<PublicationState> {
        PublicationState::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// On its way: queued, uploading or with the platform.
    pub fn in_flight(self) -> bool {
        matches!(
            self,
            PublicationState::Queued | PublicationState::Uploading | PublicationState::Processing
        )
    }
}

impl TryFrom<String> for PublicationState {
    type Error = String;

    fn try_from(s: String) -> Result<PublicationState, String> {
        PublicationState::parse(&s).ok_or_else(|| format!("unknown publication state {s:?}"))
    }
}

/// A state equals its stored code ("published").
impl PartialEq<&str> for PublicationState {
    fn eq(&self, code: &&str) -> bool {
        self.as_str() == *code
    }
}

impl std::fmt::Display for PublicationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_code_and_nothing_else_does() {
        for s in PublicationState::ALL {
            assert_eq!(PublicationState::try_from(s.as_str().to_string()), Ok(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert!(PublicationState::try_from("posted".to_string()).is_err());
    }
}
