use super::*;

fn edit(kind: &str, text: &str, options: &str, required: bool) -> QuestionEdit {
    QuestionEdit {
        kind: kind.into(),
        text: text.into(),
        options: options.into(),
        required,
        ..QuestionEdit::default()
    }
}

fn form() -> Form {
    let mut f = Form::default();
    f.apply(
        FormOp::Add(edit("single", "Thiết bị?", "Điện thoại\nMáy tính", true)),
        false,
    )
    .unwrap();
    f.apply(
        FormOp::Add(edit(
            "multiple",
            "Nền tảng?",
            "Facebook\nTikTok\nYouTube",
            false,
        )),
        false,
    )
    .unwrap();
    f.apply(FormOp::Add(edit("rating", "Đánh giá?", "", false)), false)
        .unwrap();
    f.apply(
        FormOp::Add(edit("ranking", "Xếp hạng?", "Nhanh\nĐúng\nNgắn", false)),
        false,
    )
    .unwrap();
    f.apply(FormOp::Add(edit("text", "Góp ý?", "", false)), false)
        .unwrap();
    f
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_full_answer_is_read_by_option_key() {
    let f = form();
    let s = parse_answers(
        &f,
        &fields(&[
            ("q.q1", "o2"),
            ("q.q2", "o3"),
            ("q.q2", "o1"),
            ("q.q3", "4"),
            ("q.q4.o1", "2"),
            ("q.q4.o2", "1"),
            ("q.q4.o3", "3"),
            ("q.q5", "  Thêm tin nông nghiệp  "),
        ]),
    );
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.answers["q1"], Answer::Str("o2".into()));
    assert_eq!(
        s.answers["q2"],
        Answer::List(vec!["o1".into(), "o3".into()])
    );
    assert_eq!(s.answers["q3"], Answer::Num(4));
    assert_eq!(
        s.answers["q4"],
        Answer::List(vec!["o2".into(), "o1".into(), "o3".into()])
    );
    assert_eq!(s.answers["q5"], Answer::Str("Thêm tin nông nghiệp".into()));
}

#[test]
fn each_problem_is_named_by_its_question_and_the_rest_is_kept() {
    let f = form();
    let long = "a".repeat(MAX_TEXT_ANSWER + 1);
    let s = parse_answers(
        &f,
        &fields(&[
            ("q.q2", "o9"),
            ("q.q3", "6"),
            ("q.q4.o1", "1"),
            ("q.q4.o2", "1"),
            ("q.q5", &long),
        ]),
    );
    let errs: Vec<(&str, &str)> = s.errors.iter().map(|(k, m)| (k.as_str(), *m)).collect();
    assert_eq!(
        errs,
        vec![
            ("q1", "survey-err-required"),
            ("q2", "survey-err-choice"),
            ("q3", "survey-err-rating"),
            ("q4", "survey-err-ranking"),
            ("q5", "survey-err-too-long"),
        ]
    );
    // What was sent is kept to fill the form again.
    assert_eq!(s.raw["q.q5"][0], long);
    assert_eq!(s.raw["q.q4.o2"][0], "1");
}

#[test]
fn with_answers_only_the_words_may_change() {
    let mut f = form();
    let fix = edit(
        "single",
        "Thiết bị bạn dùng?",
        "Điện thoại di động\nMáy tính",
        true,
    );
    f.apply(FormOp::Save("q1".into(), fix), true).unwrap();
    assert_eq!(f.questions[0].options[0].label, "Điện thoại di động");
    assert_eq!(f.questions[0].options[0].key, "o1");
    for op in [
        FormOp::Save("q1".into(), edit("multiple", "x", "a\nb", true)),
        FormOp::Save("q1".into(), edit("single", "x", "a\nb\nc", true)),
        FormOp::Save("q1".into(), edit("single", "x", "a\nb", false)),
        FormOp::Add(edit("text", "x", "", false)),
        FormOp::Remove("q1".into()),
        FormOp::Down("q1".into()),
    ] {
        assert_eq!(
            f.clone().apply(op.clone(), true),
            Err(Invalid::new("question", "survey-err-locked")),
            "{op:?}"
        );
        assert!(f.clone().apply(op, false).is_ok());
    }
}

#[test]
fn a_choice_question_needs_two_options_and_a_text() {
    let mut f = Form::default();
    assert!(
        f.apply(FormOp::Add(edit("single", "x", "one", false)), false)
            .is_err()
    );
    assert!(
        f.apply(FormOp::Add(edit("single", " ", "a\nb", false)), false)
            .is_err()
    );
    assert!(
        f.apply(FormOp::Add(edit("sorting", "x", "a\nb", false)), false)
            .is_err()
    );
}

#[test]
fn counts_and_cross_tabulation() {
    let f = form();
    let rs: Vec<Answers> = [
        &[("q.q1", "o1"), ("q.q2", "o1"), ("q.q3", "5")][..],
        &[("q.q1", "o1"), ("q.q2", "o2"), ("q.q3", "3")][..],
        &[("q.q1", "o2"), ("q.q2", "o1"), ("q.q2", "o2")][..],
    ]
    .iter()
    .map(|p| parse_answers(&f, &fields(p)).answers)
    .collect();
    let t = tally(&f, &rs);
    assert_eq!(t[0].counts, vec![2, 1]);
    assert_eq!(t[1].counts, vec![2, 2, 0]);
    assert_eq!(t[2].answered, 2);
    assert_eq!(t[2].mean, Some(4.0));
    let x = crosstab(&f.questions[0], &f.questions[1], &rs);
    assert_eq!(x[0].counts, vec![1, 1, 0]);
    assert_eq!(x[1].counts, vec![1, 1, 0]);
}
