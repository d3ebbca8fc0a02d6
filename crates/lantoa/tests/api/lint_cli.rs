//! `lantoa lint` run as an editor would: on standard input or a file, human or
//! JSON output, with no settings and no database anywhere in sight.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_lantoa");

/// The command with an empty environment, a config file and data directory that
/// do not exist: the lint must not touch either.
fn lint_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("lint")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LANTOA_CONFIG", "/nonexistent/lantoa.toml")
        .env("LANTOA_DATA_DIR", "/nonexistent/data")
        .env("LANTOA_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none");
    c
}

fn run(args: &[&str], input: &[u8]) -> Output {
    let mut child = lint_cmd(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn correct_text_exits_zero_and_prints_nothing() {
    let o = run(&[], "Ủy ban nhân dân tỉnh tổ chức hội nghị.\n".as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert_eq!(out(&o), "");
}

#[test]
fn an_error_prints_line_column_and_the_vietnamese_message_and_exits_one() {
    let o = run(&[], "Hôm nay trời đẹp.\nSố lựơng lớn.\n".as_bytes());
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let text = out(&o);
    assert_eq!(
        text.trim(),
        "2:4 lỗi tone_placement: Dấu thanh trong “lựơng” đặt sai vị trí; viết đúng là “lượng”. (→ “lượng”)"
    );
}

#[test]
fn warnings_alone_exit_zero() {
    let o = run(&[], "Hà Nội , mùa thu.".as_bytes());
    assert_eq!(o.status.code(), Some(0));
    let text = out(&o);
    assert!(text.starts_with("1:7 cảnh báo punct_space:"), "{text}");
    assert!(text.contains("(→ xóa)"), "{text}");
}

#[test]
fn json_gives_byte_and_char_offsets_and_the_message() {
    let input = "Đà Nẵng  đẹp, số lựơng lớn.";
    let o = run(&["--json"], input.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    let space = arr.iter().find(|f| f["rule"] == "doubled_space").unwrap();
    assert_eq!(space["start"], 11);
    assert_eq!(space["end"], 13);
    assert_eq!(space["char_start"], 7);
    assert_eq!(space["char_end"], 9);
    assert_eq!(space["line"], 1);
    assert_eq!(space["column"], 8);
    assert_eq!(space["severity"], "warning");
    assert_eq!(space["suggestion"], " ");
    assert_eq!(space["political"], false);
    let tone = arr.iter().find(|f| f["rule"] == "tone_placement").unwrap();
    assert_eq!(tone["found"], "lựơng");
    assert_eq!(tone["severity"], "error");
    assert_eq!(
        tone["message"],
        "Dấu thanh trong “lựơng” đặt sai vị trí; viết đúng là “lượng”."
    );
    let (s, e) = (
        tone["start"].as_u64().unwrap() as usize,
        tone["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&input[s..e], "lựơng");
}

#[test]
fn the_style_flag_chooses_the_house_tone_style() {
    let o = run(&["--json"], "Hòa bình.".as_bytes());
    assert_eq!(out(&o).trim(), "[]");
    let o = run(&["--json", "--style", "new"], "Hòa bình.".as_bytes());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["rule"], "tone_style");
    assert_eq!(v[0]["suggestion"], "Hoà");
    let o = run(&["--style", "newest"], b"x");
    assert_eq!(o.status.code(), Some(2), "clap refuses an unknown style");
}

#[test]
fn watch_list_terms_are_reported_as_political() {
    let o = run(
        &["--json"],
        "Tổng Bí thư phát biểu về chủ quyền.".as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let terms: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["political"] == true)
        .map(|f| f["found"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(terms, ["Tổng Bí thư", "chủ quyền"]);
}

#[test]
fn a_file_argument_is_read_and_a_missing_file_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tin.txt");
    std::fs::write(&path, "Céng hoµ x· héi chñ nghÜa ViÖt Nam").unwrap();
    let o = lint_cmd(&[path.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("legacy_tcvn3"), "{}", out(&o));
    assert!(
        out(&o).contains("Cộng hoà xã hội chủ nghĩa Việt"),
        "{}",
        out(&o)
    );

    let o = lint_cmd(&["/nonexistent/tin.txt"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("Không đọc được /nonexistent/tin.txt"),
        "{}",
        err(&o)
    );
}

#[test]
fn a_legacy_byte_file_is_named_and_exits_two() {
    // "Người dân đã đồng tình" saved by a .VnTime document: TCVN3 bytes, not UTF-8.
    let bytes = b"Ng\xad\xeai d\xa9n \xae\xb7 \xae\xe5ng t\xd7nh";
    let o = run(&[], bytes);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(
        e.contains("không phải văn bản UTF-8") && e.contains("TCVN3"),
        "{e}"
    );
    assert!(e.contains("iconv -f TCVN5712-1"), "{e}");

    let o = run(&[], b"\xff\xfe\x00garbage");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("không phải văn bản UTF-8"), "{}", err(&o));
}
