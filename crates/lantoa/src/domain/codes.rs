//! States stored as fixed codes in the database: each declared once with its
//! code, decoded once from the row (`TryFrom<String>`, for sqlx's `try_from`),
//! compared with the codes rows and requests spell, and serialised as them.

/// Declares an enum of stored codes: `Variant = "code"`. The code must be the
/// variant's name in snake_case: serde and the OpenAPI schema spell it with
/// `rename_all` (a per-variant rename passed through a macro is lost on the
/// schema), and a unit test holds the two spellings together.
macro_rules! code_enum {
    ($(#[$m:meta])* pub enum $name:ident {
        $( $(#[$vm:meta])* $v:ident = $code:literal ),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vm])* $v, )*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// The code stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$v => $code, )*
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|x| x.as_str() == s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(s: String) -> Result<$name, String> {
                $name::parse(&s)
                    .ok_or_else(|| format!(concat!("unknown ", stringify!($name), " {:?}"), s))
            }
        }

        /// A state equals its stored code.
        impl PartialEq<&str> for $name {
            fn eq(&self, code: &&str) -> bool {
                self.as_str() == *code
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use code_enum;
