//! Every code the module gives has a message in the product's two languages.

use std::path::Path;

use super::*;

/// The messages of `lang`'s subtitles.ftl: id → the variables it uses.
fn messages(lang: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lantoa/locales")
        .join(lang)
        .join("subtitles.ftl");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with(['#', ' ']))
        .filter_map(|l| l.split_once(" = "))
        .map(|(id, body)| {
            let vars = body
                .split("{ $")
                .skip(1)
                .filter_map(|v| v.split_once(' ').map(|(name, _)| name.to_string()))
                .collect();
            (id.to_string(), vars)
        })
        .collect()
}

/// Every code the module gives has a message in both languages, and each
/// message uses only the arguments given with it.
#[test]
fn every_code_has_a_message_that_uses_only_its_arguments() {
    let draft = Cue {
        start_ms: -10,
        end_ms: 9000,
        text: format!("{}\n2\n3", "x".repeat(200)),
        draft: true,
        confidence: Some(0.4),
    };
    let plain = |s, e, t: &str| Cue {
        start_ms: s,
        end_ms: e,
        text: t.into(),
        draft: false,
        confidence: None,
    };
    let cues = [
        draft,
        plain(100, 200, "a"),
        plain(20_000, 300, "b"),
        plain(30_000, 31_000, " "),
    ];
    let mut given: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for p in check(&cues, Some(10_000), &Limits::default()) {
        given.insert(p.code, p.message_args().iter().map(|(k, _)| *k).collect());
    }
    assert_eq!(given.len(), 10, "{:?}", given.keys());
    let bad: [&[u8]; 7] = [
        b"\xB5",
        b"",
        b"1\nx --> y\n",
        b"1\n00:00:02,000 --> 00:00:01,000\n",
        b"\0",
        b"WEBVTT\n\n",
        b"1\n00:00:01,000 --> 00:00:02,000\na\x01\n",
    ];
    for bytes in bad {
        let e = parse(bytes).unwrap_err();
        given.insert(e.code, e.args().iter().map(|(k, _)| *k).collect());
    }
    given.insert("subs-bad-header", vec!["line", "detail"]);
    given.insert("subs-too-large", vec!["line", "detail"]);
    for lang in ["vi", "en"] {
        let msgs = messages(lang);
        for (code, args) in &given {
            let vars = msgs
                .get(*code)
                .unwrap_or_else(|| panic!("{lang}: no message for {code}"));
            for v in vars {
                assert!(
                    args.contains(&v.as_str()),
                    "{lang} {code}: ${v} is not given"
                );
            }
        }
        let extra: Vec<_> = msgs
            .keys()
            .filter(|k| !given.contains_key(k.as_str()))
            .collect();
        assert!(extra.is_empty(), "{lang}: messages for no code: {extra:?}");
    }
}
