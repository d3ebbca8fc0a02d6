use super::*;

fn cue(start_ms: i64, end_ms: i64, text: &str) -> Cue {
    Cue {
        start_ms,
        end_ms,
        text: text.into(),
        draft: false,
        confidence: None,
    }
}

/// The tests' seeded generator (xorshift64*): every run sees the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

#[test]
fn srt_with_bom_crlf_markup_and_decomposed_text() {
    let file = "\u{FEFF}1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Xin chào</i>\r\n{\\an8}<font color=\"#ff0\">Ha\u{300} No\u{323}\u{302}i</font>\r\n\r\n2\r\n00:00:03.000 --> 00:00:04,000\r\nA < B và <3\r\n";
    let cues = parse(file.as_bytes()).unwrap();
    assert_eq!(
        cues,
        [
            cue(1000, 2500, "Xin chào\nHà Nội"),
            cue(3000, 4000, "A < B và <3")
        ]
    );
    // The text is NFC: "ộ" is one scalar value.
    assert_eq!(cues[0].text.chars().count(), 15);
}

#[test]
fn old_mac_line_endings_are_read() {
    let cues =
        parse(b"1\r00:00:01,000 --> 00:00:02,000\rMot\r\r2\r00:00:02,000 --> 00:00:03,000\rHai\r")
            .unwrap();
    assert_eq!(cues.len(), 2);
    assert_eq!(cues[1].text, "Hai");
}

#[test]
fn vtt_header_blocks_identifiers_settings_voices_and_references() {
    let file = "WEBVTT - bản tin 18 giờ\nKind: captions\nLanguage: vi\n\n\
        STYLE\n::cue { color: yellow }\n\n\
        REGION\nid:fred width:40%\n\n\
        NOTE biên tập\nkiểm tra lại tên riêng\n\n\
        intro\n00:01.000 --> 00:02.000 align:start line:0\n<v Phóng viên>Chào &amp; <c.hl>hẹn</c> gặp lại&nbsp;&lt;3&gt;</v>\n\n\
        00:00:02.000 --> 00:00:03.500\n<00:00:02.500>Tạm <b>biệt</b>\n";
    assert_eq!(detect(file.as_bytes()), Format::Vtt);
    let cues = parse(file.as_bytes()).unwrap();
    assert_eq!(
        cues,
        [
            cue(1000, 2000, "Chào & hẹn gặp lại\u{A0}<3>"),
            cue(2000, 3500, "Tạm biệt")
        ]
    );
}

#[test]
fn a_webvtt_body_without_its_header_reads_as_subrip() {
    let cues = parse(b"\n00:01.000 --> 00:02.000 align:end\nA\n").unwrap();
    assert_eq!(cues, [cue(1000, 2000, "A")]);
}

#[test]
fn detect_needs_the_webvtt_signature() {
    assert_eq!(detect(b"\xEF\xBB\xBFWEBVTT\n\n"), Format::Vtt);
    assert_eq!(detect(b"WEBVTT"), Format::Vtt);
    assert_eq!(detect(b"WEBVTTX\n"), Format::Srt);
    assert_eq!(detect(b"1\n00:00:01,000 --> 00:00:02,000\n"), Format::Srt);
}

#[test]
fn a_missing_or_garbled_index_is_tolerated_when_the_timing_is_right() {
    let file = "00:00:01,000 --> 00:00:02,000\nKhông số\n\nsố 2?\n00:00:02,000 --> 00:00:03,000\nSố hỏng\n\n7\n00:00:04,000 --> 00:00:05,000\nSố sai thứ tự\n";
    let cues = parse_srt(file).unwrap();
    let texts: Vec<&str> = cues.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["Không số", "Số hỏng", "Số sai thứ tự"]);
}

#[test]
fn cues_without_blank_lines_between_them_are_split_at_their_timing() {
    let file = "1\n00:00:01,000 --> 00:00:02,000\nMột\n2\n00:00:02,000 --> 00:00:03,000\nHai\n";
    let cues = parse_srt(file).unwrap();
    assert_eq!(cues, [cue(1000, 2000, "Một"), cue(2000, 3000, "Hai")]);
}

#[test]
fn cues_keep_the_files_order_and_may_have_no_text() {
    let file = "1\n00:00:05,000 --> 00:00:06,000\nSau\n\n2\n00:00:01,000 --> 00:00:02,000\n\n3\n00:00:03,000 --> 00:00:04,000\n<i></i>\n";
    let cues = parse_srt(file).unwrap();
    assert_eq!(
        cues,
        [
            cue(5000, 6000, "Sau"),
            cue(1000, 2000, ""),
            cue(3000, 4000, "")
        ]
    );
}

/// Each malformed file, with the line and code a person is shown.
#[test]
fn malformed_files_are_refused_with_their_line_and_code() {
    let big_cues: String = (0..=MAX_CUES)
        .map(|i| format!("{}\n00:00:01,000 --> 00:00:02,000\nx\n\n", i + 1))
        .collect();
    let too_long = format!(
        "1\n00:00:01,000 --> 00:00:02,000\n{}\n",
        "x".repeat(MAX_BYTES)
    );
    let table: Vec<(&str, Vec<u8>, usize, &str)> = vec![
        ("empty", b"".to_vec(), 1, "subs-empty"),
        ("blank lines only", b"\r\n \n\t\n".to_vec(), 1, "subs-empty"),
        ("BOM only", b"\xEF\xBB\xBF".to_vec(), 1, "subs-empty"),
        (
            "WebVTT header only",
            b"WEBVTT\n\nNOTE x\n".to_vec(),
            1,
            "subs-empty",
        ),
        (
            "comma for a colon",
            b"1\n00:00,01,000 --> 00:00:02,000\nA\n".to_vec(),
            2,
            "subs-bad-timing",
        ),
        (
            "a single arrow",
            b"1\n00:00:01,000 -> 00:00:02,000\nA\n".to_vec(),
            2,
            "subs-bad-timing",
        ),
        (
            "61 seconds",
            b"1\n00:00:01,000 --> 00:00:61,000\nA\n".to_vec(),
            2,
            "subs-bad-timing",
        ),
        (
            "no fraction",
            b"00:00:01 --> 00:00:02\nA\n".to_vec(),
            1,
            "subs-bad-timing",
        ),
        (
            "index without timing",
            b"1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\nB\n".to_vec(),
            6,
            "subs-bad-timing",
        ),
        (
            "text after a blank line inside a cue",
            b"1\n00:00:01,000 --> 00:00:02,000\nA\n\nB\n".to_vec(),
            5,
            "subs-bad-timing",
        ),
        (
            "end before start",
            b"1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:05,000 --> 00:00:04,999\nB\n"
                .to_vec(),
            6,
            "subs-end-before-start",
        ),
        (
            "NUL",
            b"1\n00:00:01,000 --> 00:00:02,000\nA\0B\n".to_vec(),
            3,
            "subs-control-char",
        ),
        (
            "C1 control from a Latin-1 decode",
            "1\r\n00:00:01,000 --> 00:00:02,000\r\n\r\nA\u{85}\r\n"
                .as_bytes()
                .to_vec(),
            4,
            "subs-control-char",
        ),
        (
            "TCVN3",
            b"1\n00:00:01,000 --> 00:00:02,000\nXin ch\xB5o H\xB5 N\xE9i\n".to_vec(),
            3,
            "subs-not-utf8",
        ),
        (
            "VNI-Windows",
            b"1\r\n00:00:01,000 --> 00:00:02,000\r\nXin cha\xF8o Ha\xF8 No\xE4i\r\n".to_vec(),
            3,
            "subs-not-utf8",
        ),
        (
            "Windows-1258",
            b"1\r00:00:01,000 --> 00:00:02,000\rXin ch\xE0o H\xE0 N\xF4\xF2i\r".to_vec(),
            3,
            "subs-not-utf8",
        ),
        ("UTF-16", b"\xFF\xFE1\0\n\0".to_vec(), 1, "subs-not-utf8"),
        (
            "WebVTT bad timing after an identifier",
            b"WEBVTT\n\nintro\n00:01.000 --> 00:02.00x\nA\n".to_vec(),
            4,
            "subs-bad-timing",
        ),
        ("over 1 MiB", too_long.into_bytes(), 1, "subs-too-large"),
        (
            "over 5,000 cues",
            big_cues.into_bytes(),
            4 * MAX_CUES + 2,
            "subs-too-large",
        ),
    ];
    for (name, bytes, line, code) in table {
        match parse(&bytes) {
            Err(e) => assert_eq!((e.line, e.code), (line, code), "{name}: {e:?}"),
            Ok(c) => panic!("{name}: parsed as {} cues", c.len()),
        }
    }
}

#[test]
fn errors_show_the_offending_text_shortened_and_visible() {
    let long = format!("1\n00:00:01,000 --> 00:00:0{}\n", "9".repeat(100));
    let e = parse_srt(&long).unwrap_err();
    assert_eq!(e.detail.chars().count(), 60);
    assert!(e.detail.starts_with("00:00:01,000 --> ") && e.detail.ends_with('…'));
    let e = parse(b"1\n00:00:01,000 --> 00:00:02,000\nXin ch\xB5o\n").unwrap_err();
    assert_eq!(e.detail, "Xin ch\u{FFFD}o");
    let e = parse_srt("1\n00:00:01,000 --> 00:00:02,000\nA\u{7}\n").unwrap_err();
    assert_eq!(e.detail, "A\\u{7}");
    assert_eq!(
        e.args(),
        [("line", "3".to_string()), ("detail", "A\\u{7}".to_string())]
    );
}

#[test]
fn parse_vtt_called_on_srt_asks_for_the_header() {
    let e = parse_vtt("1\n00:00:01,000 --> 00:00:02,000\nA\n").unwrap_err();
    assert_eq!((e.line, e.code), (1, "subs-bad-header"));
}

#[test]
fn timestamps() {
    assert_eq!(timestamp("00:00:01,000"), Some(1000));
    assert_eq!(timestamp("01:02:03.004"), Some(3_723_004));
    assert_eq!(timestamp("02:03.5"), Some(123_500));
    assert_eq!(timestamp("100:00:00.000"), Some(360_000_000));
    for bad in [
        "",
        "1.000",
        "00:60:00.000",
        "00:00:00.0000",
        "a:00:00.000",
        "-1:00.000",
    ] {
        assert_eq!(timestamp(bad), None, "{bad}");
    }
}

const WORDS: [&str; 16] = [
    "Xin",
    "chào",
    "Hà",
    "Nội",
    "người",
    "dân",
    "đã",
    "được",
    "hỗ",
    "trợ",
    "ngày",
    "15/3",
    "100%",
    "—",
    "\"Tốt\"",
    "(UBND)",
];

/// Cues as a parser gives them: NFC lines without markup, trimmed, none empty.
fn generated_cues(rng: &mut Rng, vtt: bool) -> Vec<Cue> {
    let mut t = rng.below(5_000) as i64;
    (0..1 + rng.below(30))
        .map(|_| {
            let start = t;
            let end = start + rng.below(8_000) as i64;
            t = end + rng.below(2_000) as i64;
            let lines = rng.below(4);
            let text = (0..lines)
                .map(|_| {
                    let mut words: Vec<&str> =
                        (0..1 + rng.below(8)).map(|_| rng.pick(&WORDS)).collect();
                    if vtt && rng.below(4) == 0 {
                        words.push(rng.pick(&["a<b", "R&D", "->", "x > y"]));
                    }
                    words.join(" ")
                })
                .collect::<Vec<_>>()
                .join("\n");
            cue(start, end, &text)
        })
        .collect()
}

#[test]
fn written_cues_read_back_the_same() {
    let mut rng = Rng(0x5EED_0018);
    for _ in 0..300 {
        let cues = generated_cues(&mut rng, false);
        assert_eq!(parse(to_srt(&cues).as_bytes()).unwrap(), cues);
        let cues = generated_cues(&mut rng, true);
        let vtt = to_vtt(&cues);
        assert_eq!(parse(vtt.as_bytes()).unwrap(), cues, "{vtt}");
    }
}

#[test]
fn writers_produce_the_usual_layout() {
    let cues = [cue(1000, 3_723_004, "Xin chào\nHà Nội"), cue(-5, 0, "")];
    assert_eq!(
        to_srt(&cues),
        "1\n00:00:01,000 --> 01:02:03,004\nXin chào\nHà Nội\n\n2\n00:00:00,000 --> 00:00:00,000\n\n"
    );
    assert_eq!(
        to_vtt(&cues[..1]),
        "WEBVTT\n\n00:00:01.000 --> 01:02:03.004\nXin chào\nHà Nội\n\n"
    );
}

/// Whatever the bytes, the parser answers and never panics.
#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(0xBAD_B17E5);
    let good = [
        to_srt(&generated_cues(&mut rng, false)).into_bytes(),
        to_vtt(&generated_cues(&mut rng, true)).into_bytes(),
        "WEBVTT\n\nNOTE a\n\n<v A&#x1F600;&#0;&#xZZ;&amp>x</v>{\\i1}<\n".into(),
    ];
    let alphabet: &[u8] = b"0123456789:,.-> \n\r<>{}\\&;#xWEBVTTNOTE\xC3\xA0\xE1\xBB\x87\xFF\0";
    for round in 0..3000 {
        let base = &good[round % good.len()];
        let mut bytes = base[..rng.below(base.len() as u64 + 1) as usize].to_vec();
        for _ in 0..rng.below(6) {
            let b = alphabet[rng.below(alphabet.len() as u64) as usize];
            if bytes.is_empty() || rng.below(2) == 0 {
                bytes.push(b);
            } else {
                let at = rng.below(bytes.len() as u64) as usize;
                bytes[at] = b;
            }
        }
        let _ = parse(&bytes);
        let random: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
        let _ = parse(&random);
        if let Ok(s) = std::str::from_utf8(&bytes) {
            let _ = parse_srt(s);
            let _ = parse_vtt(s);
        }
    }
}
