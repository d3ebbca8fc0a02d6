//! Where a publication (one clip on one channel), a clip version's check and a
//! queued job are in their lives: the states their tables allow, decoded once
//! from the row.

use super::codes::code_enum;

code_enum! {
    /// A publication's state.
    pub enum PublicationState {
        /// Waiting for its time.
        Scheduled = "scheduled",
        /// Its job is queued.
        Queued = "queued",
        /// Bytes are on their way to the platform.
        Uploading = "uploading",
        /// The platform is processing the upload.
        Processing = "processing",
        Published = "published",
        /// Stopped with a reason; can be retried.
        Failed = "failed",
        Cancelled = "cancelled",
        /// Replaced by a correction's publication.
        Superseded = "superseded",
    }
}

impl PublicationState {
    /// On its way: queued, uploading or with the platform.
    pub fn in_flight(self) -> bool {
        matches!(
            self,
            PublicationState::Queued | PublicationState::Uploading | PublicationState::Processing
        )
    }
}

code_enum! {
    /// A clip version's media check.
    pub enum VersionStatus {
        /// Being checked.
        Processing = "processing",
        /// Checked; its outputs are there.
        Ready = "ready",
        /// The file cannot be used (kept until someone removes it).
        Invalid = "invalid",
        /// The check itself failed; it can be run again.
        Failed = "failed",
    }
}

code_enum! {
    /// A queued job's state.
    pub enum JobState {
        Queued = "queued",
        Running = "running",
        Succeeded = "succeeded",
        /// Failed this attempt; retried after its backoff.
        Failed = "failed",
        /// Out of attempts.
        Dead = "dead",
        Cancelled = "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes serde writes and the OpenAPI schema lists are the stored ones.
    fn codes_agree<T>(all: &[T], code: fn(&T) -> &'static str)
    where
        T: serde::Serialize + utoipa::ToSchema,
    {
        let schema = serde_json::to_value(T::schema()).unwrap();
        let listed: Vec<String> = serde_json::from_value(schema["enum"].clone()).unwrap();
        let stored: Vec<String> = all.iter().map(|s| code(s).to_string()).collect();
        assert_eq!(listed, stored, "{}", T::name());
        for s in all {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(code(s)));
        }
    }

    #[test]
    fn the_schema_and_serde_spell_every_state_as_stored() {
        codes_agree(PublicationState::ALL, |s| s.as_str());
        codes_agree(VersionStatus::ALL, |s| s.as_str());
        codes_agree(JobState::ALL, |s| s.as_str());
    }

    #[test]
    fn every_state_reads_back_from_its_code_and_nothing_else_does() {
        for s in PublicationState::ALL {
            assert_eq!(PublicationState::try_from(s.as_str().to_string()), Ok(*s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        for s in VersionStatus::ALL {
            assert_eq!(VersionStatus::try_from(s.as_str().to_string()), Ok(*s));
        }
        for s in JobState::ALL {
            assert_eq!(JobState::try_from(s.as_str().to_string()), Ok(*s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert!(PublicationState::try_from("posted".to_string()).is_err());
        assert!(JobState::try_from("".to_string()).is_err());
    }
}
