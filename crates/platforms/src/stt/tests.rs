use super::*;

fn seg(start: f64, end: f64, text: &str) -> Segment {
    Segment {
        start,
        end,
        text: text.into(),
        avg_logprob: Some(-0.2),
        no_speech_prob: Some(0.01),
        compression_ratio: Some(1.3),
    }
}

/// The reason each segment got, in order.
fn reasons(segments: Vec<Segment>, silent: &[(f64, f64)], d: Option<f64>) -> Vec<Option<&str>> {
    guard(segments, silent, d)
        .into_iter()
        .map(|x| x.dropped)
        .collect()
}

#[test]
fn each_kind_of_made_up_segment_is_dropped_with_its_reason() {
    let scored = |no_speech: f64, logprob: f64, ratio: f64| Segment {
        avg_logprob: Some(logprob),
        no_speech_prob: Some(no_speech),
        compression_ratio: Some(ratio),
        ..seg(0.0, 1.0, "Hôm nay trời đẹp")
    };
    let table: Vec<(Segment, Option<&str>)> = vec![
        (seg(0.0, 1.0, "Sáng nay, tỉnh tổ chức lễ ra quân."), None),
        (seg(0.0, 1.0, "   "), Some(why::EMPTY)),
        (seg(0.0, 1.0, "…!"), Some(why::EMPTY)),
        (seg(2.0, 1.0, "ngược"), Some(why::OUTSIDE)),
        // Whisper's no-speech rule needs both signs.
        (scored(0.7, -1.2, 1.0), Some(why::NO_SPEECH)),
        (scored(0.7, -0.5, 1.0), None),
        (scored(0.3, -1.5, 1.0), None),
        (scored(0.1, -0.1, 2.41), Some(why::COMPRESSION)),
        (scored(0.1, -0.1, 2.4), None),
        (
            seg(0.0, 1.0, "Hãy subscribe cho kênh để ủng hộ nhé"),
            Some(why::HALLUCINATION),
        ),
        (
            seg(
                0.0,
                1.0,
                "Hãy subscribe cho kênh La La School Để không bỏ lỡ những video hấp dẫn",
            ),
            Some(why::HALLUCINATION),
        ),
        // Spelled with "kí", capitals and no tones: still the stock outro.
        (
            seg(0.0, 1.0, "HAY DANG KI CHO KENH nhe"),
            Some(why::HALLUCINATION),
        ),
        (
            seg(0.0, 1.0, "Đăng ký kênh để xem video mới nhất"),
            Some(why::HALLUCINATION),
        ),
        (
            seg(0.0, 1.0, "Cảm ơn các bạn đã theo dõi."),
            Some(why::HALLUCINATION),
        ),
        (
            seg(0.0, 1.0, "Hẹn gặp lại các bạn trong những video tiếp theo!"),
            Some(why::HALLUCINATION),
        ),
        (
            seg(0.0, 1.0, "Subtitles by the Amara.org community"),
            Some(why::HALLUCINATION),
        ),
        (
            seg(0.0, 1.0, "Thanks for watching!"),
            Some(why::HALLUCINATION),
        ),
        // A soft phrase inside real speech is speech.
        (
            seg(
                0.0,
                1.0,
                "Người dân phải đăng ký kênh phân phối mới với sở công thương trước ngày mười lăm tháng sau",
            ),
            None,
        ),
        (
            seg(0.0, 1.0, "về nhà về nhà về nhà về nhà"),
            Some(why::LOOP),
        ),
        (seg(0.0, 1.0, "Vâng. Vâng. Vâng. Vâng."), Some(why::LOOP)),
        (
            seg(0.0, 1.0, "a b c d a b c d a b c d a b c d"),
            Some(why::LOOP),
        ),
        // Three times is emphasis, and reduplication is Vietnamese.
        (seg(0.0, 1.0, "nhanh nhanh nhanh lên, từ từ thôi"), None),
    ];
    for (s, want) in table {
        let text = s.text.clone();
        assert_eq!(reasons(vec![s], &[], None), vec![want], "{text:?}");
    }
}

#[test]
fn a_segment_repeating_the_previous_one_is_dropped_however_it_is_written() {
    let got = reasons(
        vec![
            seg(0.0, 1.0, "Xin chào các bạn."),
            seg(1.0, 2.0, "xin chào các bạn"),
            seg(2.0, 3.0, "Xin chào, các bạn!"),
            seg(3.0, 4.0, "Xin chào các bà."),
        ],
        &[],
        None,
    );
    assert_eq!(
        got,
        vec![None, Some(why::DUPLICATE), Some(why::DUPLICATE), None]
    );
}

#[test]
fn a_segment_mostly_over_silence_is_dropped() {
    let silent = [(2.0, 3.0), (2.5, 3.5), (10.0, 12.0)];
    let got = reasons(
        vec![
            // 1.5 of 2 s silent (the stretches overlap: counted once).
            seg(2.0, 4.0, "một"),
            // Exactly half: kept.
            seg(9.0, 11.0, "hai"),
            seg(5.0, 6.0, "ba"),
            seg(10.5, 11.5, "bốn"),
        ],
        &silent,
        None,
    );
    assert_eq!(
        got,
        vec![Some(why::SILENCE), None, None, Some(why::SILENCE)]
    );
}

#[test]
fn times_are_clamped_to_the_clip_and_confidence_comes_from_the_logprob() {
    let mut late = seg(9.5, 12.0, "cuối");
    late.avg_logprob = Some(-0.5);
    let mut unscored = seg(-0.3, 1.0, "đầu");
    unscored.avg_logprob = None;
    let mut over = seg(3.0, 4.0, "giữa");
    over.avg_logprob = Some(0.7);
    let out = guard(
        vec![unscored, over, late, seg(10.0, 11.0, "sau")],
        &[],
        Some(10.0),
    );
    assert_eq!((out[0].start_ms, out[0].end_ms), (0, 1000));
    assert_eq!(out[0].confidence, 0.5);
    assert_eq!(out[1].confidence, 1.0, "clamped");
    assert_eq!((out[2].start_ms, out[2].end_ms), (9500, 10_000));
    assert!((out[2].confidence - (-0.5f64).exp() as f32).abs() < 1e-6);
    assert_eq!(out[2].dropped, None);
    assert_eq!(
        out[3].dropped,
        Some(why::OUTSIDE),
        "wholly after the end of the clip"
    );
    assert_eq!(out[0].text, "đầu");
}

#[test]
fn the_servers_message_is_read_from_whichever_shape_it_uses() {
    let openai = br#"{"error":{"message":"Invalid file format.","type":"invalid_request_error","param":"file","code":null}}"#;
    assert_eq!(message_of(openai), "Invalid file format.");
    assert_eq!(classify(400, openai, None).code, "invalid_request_error");
    assert_eq!(
        message_of(br#"{"error":"failed to read WAV file"}"#),
        "failed to read WAV file"
    );
    assert_eq!(
        message_of(br#"{"detail":"Model not found"}"#),
        "Model not found"
    );
    assert_eq!(
        message_of(br#"{"detail":[{"loc":["body","file"],"msg":"Field required"}]}"#),
        "Field required"
    );
    assert_eq!(message_of(b"  Bad Gateway\n"), "Bad Gateway");
    assert!(matches!(
        classify(503, b"", None).class,
        ErrorClass::Retry { .. }
    ));
    assert!(matches!(
        classify(429, b"", None).class,
        ErrorClass::Retry { .. }
    ));
    assert_eq!(classify(401, b"{}", None).class, ErrorClass::Permanent);
    assert_eq!(classify(400, b"{}", None).code, "http_400");
}

#[test]
fn an_answer_without_segments_is_refused() {
    let ok = br#"{"task":"transcribe","language":"vietnamese","duration":2.0,"text":"a",
        "segments":[{"id":0,"seek":0,"start":0.0,"end":1.5,"text":" a","tokens":[1],
        "temperature":0.0,"avg_logprob":-0.3,"compression_ratio":1.1,"no_speech_prob":0.02},
        {"id":1,"start":1.5,"end":2.0,"text":"b","avg_logprob":null}]}"#;
    let s = segments_of(ok).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].no_speech_prob, Some(0.02));
    assert_eq!((s[1].avg_logprob, s[1].compression_ratio), (None, None));
    let e = segments_of(br#"{"text":"a"}"#).unwrap_err();
    assert_eq!(
        (e.class, e.code.as_str()),
        (ErrorClass::Permanent, "no_segments")
    );
    assert!(segments_of(b"a plain transcript").is_err());
}
