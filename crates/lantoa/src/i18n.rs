//! User-facing text: Fluent messages from `locales/{vi,en}/*.ftl`, embedded at
//! compile time. Vietnamese is the default; the locale is chosen per request.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

use crate::domain::Locale;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

/// A translator for one locale, handed to every page.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Tr {
        Tr { locale }
    }

    fn lang(&self) -> &'static LanguageIdentifier {
        match self.locale {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }

    /// The message `id`; the id itself when missing (a test keeps them complete).
    pub fn t(&self, id: &str) -> String {
        LOCALES
            .try_lookup(self.lang(), id)
            .unwrap_or_else(|| id.to_string())
    }

    /// The message `id` with named arguments.
    pub fn t_args(&self, id: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.lang(), id, &map)
            .unwrap_or_else(|| id.to_string())
    }

    /// A media or compliance finding in this language.
    pub fn problem(&self, p: &crate::media::Problem) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = p
            .args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.clone()), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.lang(), &p.code, &map)
            .unwrap_or_else(|| p.code.clone())
    }

    /// The message `id` with a count `n`, as a number, so that the message
    /// can choose its plural form (`{ $n -> [one] … *[other] … }`).
    pub fn count(&self, id: &str, n: impl std::borrow::Borrow<usize>) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            HashMap::from([(Cow::Borrowed("n"), FluentValue::from(*n.borrow()))]);
        LOCALES
            .try_lookup_with_args(self.lang(), id, &map)
            .unwrap_or_else(|| id.to_string())
    }

    /// One-argument shorthand for templates.
    pub fn t1(&self, id: &str, name: &'static str, value: &str) -> String {
        self.t_args(id, &[(name, value.to_string())])
    }

    pub fn lang_code(&self) -> &'static str {
        self.locale.code()
    }
}

/// The parts beside the product (the lint, the platforms' text rules) name
/// their messages; these are their texts.
impl crate::lint::Translate for Tr {
    fn t(&self, id: &str) -> String {
        Tr::t(self, id)
    }

    fn t_args(&self, id: &str, args: &[(&'static str, String)]) -> String {
        Tr::t_args(self, id, args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn counts_choose_the_plural_in_english() {
        let en = Tr::new(Locale::En);
        assert_eq!(en.count("overview-clips", 1usize), "1 clip");
        assert_eq!(en.count("overview-clips", 3usize), "3 clips");
        assert_eq!(
            Tr::new(Locale::Vi).count("overview-clips", 3usize),
            "3 clip"
        );
    }

    /// Every message id defined in a language's files, with repeats.
    fn all_keys(dir: &str) -> Vec<String> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                if let Some((k, _)) = line.split_once(" =")
                    && !k.starts_with(' ')
                    && !k.starts_with('#')
                    && !k.is_empty()
                {
                    out.push(k.trim().to_string());
                }
            }
        }
        out
    }

    fn keys(dir: &str) -> BTreeSet<String> {
        all_keys(dir).into_iter().collect()
    }

    #[test]
    fn no_message_is_defined_twice() {
        // Fluent refuses to load a language with a repeated id, at the first page.
        for dir in ["locales/vi", "locales/en"] {
            let mut seen = BTreeSet::new();
            let twice: Vec<String> = all_keys(dir)
                .into_iter()
                .filter(|k| !seen.insert(k.clone()))
                .collect();
            assert!(twice.is_empty(), "{dir}: defined twice: {twice:?}");
        }
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let vi = keys("locales/vi");
        let en = keys("locales/en");
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(
            only_vi.is_empty() && only_en.is_empty(),
            "vi only: {only_vi:?}; en only: {only_en:?}"
        );
    }

    #[test]
    fn every_message_used_in_code_and_templates_exists() {
        let vi = keys("locales/vi");
        let mut missing = BTreeSet::new();
        let mut files = vec![];
        for dir in [
            "templates",
            "src",
            "../lint/src",
            "../media/src",
            "../platforms/src",
        ] {
            crate::i18n_coverage::collect_files(std::path::Path::new(dir), &mut files);
        }
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for pat in [".t(\"", ".t1(\"", ".t_args(\""] {
                for part in text.split(pat).skip(1) {
                    let id = part.split('"').next().unwrap();
                    if !id.is_empty() && !id.contains('{') && !vi.contains(id) {
                        missing.insert(format!("{}: {id}", f.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "messages missing from locales/vi: {missing:#?}"
        );
    }

    #[test]
    fn vietnamese_is_the_default() {
        assert_eq!(
            Tr::new(Locale::default()).t("nav-dashboard"),
            "Bảng điều khiển"
        );
        assert_eq!(Tr::new(Locale::En).t("nav-dashboard"), "Dashboard");
    }
}
