//! Account and organisation values, parsed from user input.

use super::{Invalid, one_line, str_values};
use serde::{Deserialize, Serialize};

/// A login name: 3–40 characters of `a-z 0-9 . _ -`, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username, Invalid> {
        let s = s.trim().to_lowercase();
        let ok_len = (3..=40).contains(&s.chars().count());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if ok_len && ok_chars {
            Ok(Username(s))
        } else {
            Err(Invalid::new("username", "invalid-username"))
        }
    }
}

/// A person's name as shown on screen: 1–100 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(s: &str) -> Result<DisplayName, Invalid> {
        one_line(s, 1..=100, "display_name", "invalid-display-name").map(DisplayName)
    }
}

/// A new password: 10–200 characters, not only spaces.
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 10;

    pub fn parse(field: &'static str, s: &str) -> Result<Password, Invalid> {
        let n = s.chars().count();
        if !(Self::MIN_LEN..=200).contains(&n) || s.trim().is_empty() {
            return Err(Invalid::new(field, "invalid-password"));
        }
        Ok(Password(s.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The interface languages: Vietnamese first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Vi,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Vi, Locale::En];

    pub fn parse(s: &str) -> Result<Locale, Invalid> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Ok(Locale::Vi),
            "en" => Ok(Locale::En),
            _ => Err(Invalid::new("locale", "invalid-locale")),
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }
    pub fn other(self) -> Locale {
        match self {
            Locale::Vi => Locale::En,
            Locale::En => Locale::Vi,
        }
    }
    /// First supported language in an `Accept-Language` header, if any.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .map(|tag| tag.trim().to_ascii_lowercase())
            .find_map(|tag| {
                let primary = tag.split('-').next().unwrap_or("");
                Locale::parse(primary).ok()
            })
    }
}

/// A short identifier for an organisation in URLs and the CLI: 2–40 of `a-z 0-9 -`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Slug, Invalid> {
        let s = s.trim().to_lowercase();
        let ok = (2..=40).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Slug(s))
        } else {
            Err(Invalid::new("slug", "invalid-slug"))
        }
    }
}

/// An organisation's full name: 2–200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(s: &str) -> Result<OrgName, Invalid> {
        one_line(s, 2..=200, "name", "invalid-org-name").map(OrgName)
    }
}

str_values!(Username, DisplayName, Slug, OrgName);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(
            Username::parse(" BaoTinh.BienTap ").unwrap().as_str(),
            "baotinh.bientap"
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("tên có dấu").is_err());
        assert!(Username::parse("a b c").is_err());
        assert!(Username::parse(&"x".repeat(41)).is_err());
    }

    #[test]
    fn display_names_keep_vietnamese() {
        assert_eq!(
            DisplayName::parse("  Nguyễn Thị Hoa ").unwrap().as_str(),
            "Nguyễn Thị Hoa"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(Password::parse("password", "short").is_err());
        assert!(Password::parse("password", "          ").is_err());
        assert!(Password::parse("password", "mật khẩu dài đủ").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("p", "secret-secret").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn accept_language_picks_first_supported() {
        assert_eq!(
            Locale::from_accept_language("fr-FR, en-US;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("vi-VN,vi;q=0.9"),
            Some(Locale::Vi)
        );
        assert_eq!(Locale::from_accept_language("de"), None);
    }

    #[test]
    fn slugs() {
        assert!(Slug::parse("bao-tinh").is_ok());
        assert!(Slug::parse("-x").is_err());
        assert!(Slug::parse("Báo").is_err());
    }
}
