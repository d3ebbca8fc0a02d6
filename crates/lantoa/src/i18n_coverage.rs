//! Every message the parts beside the product name (lint rules, media problems,
//! rendition fixes) exists in both languages and reads as it should. The texts
//! are the product's (`locales/`); the parts only name them.

use std::collections::BTreeSet;

use crate::domain::Locale;
use crate::i18n::Tr;
use crate::lint::{Finding, RULES, Severity};
use crate::media::renditions::Fix;
use crate::platforms::text::{Breach, Kind, Part, Unit};

#[test]
fn every_rule_has_a_message_in_both_languages() {
    let f = Finding {
        rule: String::new(),
        severity: Severity::Warning,
        start: 0,
        end: 3,
        char_start: 0,
        char_end: 3,
        found: "abc\u{200B}".into(),
        suggestion: Some("xyz".into()),
        political: false,
    };
    for rule in RULES {
        for locale in Locale::ALL {
            let tr = Tr::new(locale);
            let f = Finding {
                rule: rule.into(),
                ..f.clone()
            };
            let m = f.message(&tr);
            assert_ne!(
                m,
                format!("lint-{rule}"),
                "{rule} has no {locale:?} message"
            );
            assert!(!m.contains('{') && !m.contains('$'), "{rule}: {m}");
        }
    }
    let vi = Tr::new(Locale::Vi);
    let f = Finding {
        rule: "tone_placement".into(),
        found: "lựơng".into(),
        suggestion: Some("lượng".into()),
        ..f
    };
    assert_eq!(
        f.message(&vi),
        "Dấu thanh trong “lựơng” đặt sai vị trí; viết đúng là “lượng”."
    );
}

/// The message ids of every `.ftl` file of a language.
fn ftl_keys(dir: &str) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("locale folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("locale file");
        keys.extend(
            text.lines()
                .filter(|l| !l.starts_with([' ', '#']))
                .filter_map(|l| l.split_once(" ="))
                .map(|(k, _)| k.trim().to_string()),
        );
    }
    keys
}

/// Every file under `dir`, in every subfolder.
pub(crate) fn collect_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every `"media-…"` / `"spec-…"` code written in this module's sources must be a
/// message in both languages, or users would see a bare code; so must the
/// `"advice-…"` twin of every `spec-…` code (any rule may be a recommendation).
#[test]
fn every_problem_code_has_a_message_in_both_languages() {
    let vi = ftl_keys("locales/vi");
    let en = ftl_keys("locales/en");
    let mut codes = BTreeSet::new();
    // Every source file below media/src, modules' own folders included.
    let mut files = Vec::new();
    collect_files(std::path::Path::new("../media/src"), &mut files);
    files.retain(|p| p.file_name().is_some_and(|n| n != "testutil.rs"));
    for path in files {
        let text = std::fs::read_to_string(&path).expect("source");
        for prefix in ["\"media-", "\"spec-"] {
            for part in text.split(prefix).skip(1) {
                let rest = part.split('"').next().unwrap_or_default();
                if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                    codes.insert(format!("{}{rest}", &prefix[1..]));
                }
            }
        }
    }
    assert!(codes.len() > 30, "found only {codes:?}");
    let advice: Vec<String> = codes
        .iter()
        .filter_map(|c| c.strip_prefix("spec-"))
        .map(|rest| format!("advice-{rest}"))
        .collect();
    codes.extend(advice);
    let missing: Vec<_> = codes
        .iter()
        .filter(|c| !vi.contains(*c) || !en.contains(*c))
        .collect();
    assert!(missing.is_empty(), "codes without messages: {missing:?}");
}

/// Advice must read as advice: for every rule, the `advice-…` message
/// recommends where the `spec-…` one refuses, in both languages.
#[test]
fn p16_advice_recommends_where_a_refusal_refuses() {
    let codes: BTreeSet<String> = ftl_keys("locales/vi")
        .into_iter()
        .filter(|k| k.starts_with("spec-"))
        .collect();
    assert!(codes.len() > 15, "{codes:?}");
    let args = [
        "actual",
        "allowed",
        "limit",
        "limit_kbps",
        "actual_kbps",
        "limit_mb",
        "actual_mb",
        "width",
        "height",
        "min_width",
        "min_height",
        "required",
    ]
    .map(|k| (k, "1".to_string()));
    for (locale, word) in [(Locale::Vi, "khuyên"), (Locale::En, "recommend")] {
        let tr = Tr::new(locale);
        for code in &codes {
            let advice_code = code.replacen("spec-", "advice-", 1);
            let refusal = tr.t_args(code, &args);
            let advice = tr.t_args(&advice_code, &args);
            assert_ne!(advice, advice_code, "{locale:?}: no message {advice_code}");
            assert_ne!(advice, refusal, "{locale:?} {code}");
            assert!(advice.contains(word), "{locale:?} {advice_code}: {advice}");
        }
    }
}

#[test]
fn problems_render_in_both_languages_with_their_arguments() {
    let args = [
        ("actual", "landscape".to_string()),
        ("allowed", "portrait-square".to_string()),
    ];
    let vi = Tr::new(Locale::Vi).t_args("spec-orientation", &args);
    assert_eq!(
        vi,
        "Nền tảng chỉ nhận video dọc hoặc vuông; video này là video ngang."
    );
    let en = Tr::new(Locale::En).t_args("spec-orientation", &args);
    assert_eq!(
        en,
        "The platform accepts only vertical or square videos; this video is horizontal."
    );
    let long = [("actual", "200".to_string()), ("limit", "180".to_string())];
    assert_eq!(
        Tr::new(Locale::Vi).t_args("spec-duration-too-long", &long),
        "Video dài 200 giây; nền tảng chỉ nhận tối đa 180 giây."
    );
}

/// Every fix has a label in both languages.
#[test]
fn p16_every_fix_has_a_label_in_both_languages() {
    for locale in [Locale::Vi, Locale::En] {
        let tr = Tr::new(locale);
        for f in Fix::ALL {
            assert_ne!(tr.t(f.message_id()), f.message_id(), "{locale:?} {f:?}");
        }
    }
}

#[test]
fn p12_every_rule_speaks_both_languages_with_its_numbers() {
    for locale in Locale::ALL {
        let tr = Tr::new(locale);
        for kind in [Kind::Length, Kind::Forbidden, Kind::Required] {
            for part in Part::ALL {
                for unit in [Unit::Chars, Unit::Utf16, Unit::Bytes] {
                    let b = Breach {
                        platform: "youtube".into(),
                        part,
                        kind,
                        limit: 100,
                        measured: 104,
                        unit,
                    };
                    let m = b.message("<", &tr);
                    let r = crate::service::review::platform_refusal(&b, "<").message(&tr);
                    for s in [&m, &r] {
                        assert!(s.contains("YouTube"), "{s}");
                        assert!(!s.contains('{') && !s.contains("platform-"), "{s}");
                    }
                    if kind == Kind::Length {
                        assert!(m.contains("100") && m.contains("104"), "{m}");
                    }
                    if kind == Kind::Forbidden {
                        assert!(r.contains("“<”"), "{r}");
                    }
                }
            }
        }
    }
    let vi = Tr::new(Locale::Vi);
    let b = Breach {
        platform: "youtube".into(),
        part: Part::Title,
        kind: Kind::Forbidden,
        limit: 0,
        measured: 0,
        unit: Unit::Utf16,
    };
    assert_eq!(
        b.message("<", &vi),
        "YouTube không nhận ký tự “<” trong tiêu đề; nền tảng sẽ từ chối khi đăng."
    );
}
