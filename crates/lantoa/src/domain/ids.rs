//! Typed identifiers, so a user id can never be passed where an agency id belongs.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            sqlx::Type, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An organisation: the overseeing body or one of its agencies.
    OrgId
);
id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A personal access token.
    TokenId
);
id_type!(
    /// A clip.
    ClipId
);
id_type!(
    /// One uploaded version of a clip.
    VersionId
);
id_type!(
    /// A connected platform account (a Page, a channel, an OA).
    ChannelId
);
id_type!(
    /// One clip's post on one channel (per round: corrections add rounds).
    PublicationId
);
id_type!(
    /// An agency's audience survey.
    SurveyId
);
