//! The `lantoa` command line, run as an operator would.

use std::process::{Command, Output, Stdio};

use crate::helpers::{add_body_btg, engine, fresh_database, wait_ready};

const BIN: &str = env!("CARGO_BIN_EXE_lantoa");

struct Cli {
    dir: tempfile::TempDir,
    db_url: String,
    _pg: Option<crate::helpers::PgDatabase>,
}

impl Cli {
    async fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let (db_url, pg) = fresh_database(dir.path()).await;
        Cli {
            dir,
            db_url,
            _pg: pg,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LANTOA_DATA_DIR", self.dir.path())
            .env("LANTOA_DATABASE_URL", &self.db_url)
            .env("LANTOA_LOG", "warn");
        c
    }

    /// `migrate` with one setting changed, which must fail; its output.
    fn migrate_fails_with(&self, name: &str, value: &str) -> String {
        let o = self.cmd(&["migrate"]).env(name, value).output().unwrap();
        assert!(!o.status.success());
        text(&o)
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn help_lists_every_subcommand() {
    let o = Command::new(BIN).arg("--help").output().unwrap();
    assert!(o.status.success());
    let t = text(&o);
    for sub in [
        "serve", "worker", "migrate", "demo", "agency", "user", "token", "audit", "config", "lint",
        "backup", "restore",
    ] {
        assert!(t.contains(sub), "--help lacks {sub}: {t}");
    }
    for (sub, word) in [
        ("user", "passwd"),
        ("audit", "verify"),
        ("token", "create"),
        ("agency", "add"),
        ("backup", "--to"),
        ("restore", "--data-dir"),
    ] {
        let o = Command::new(BIN).args([sub, "--help"]).output().unwrap();
        assert!(text(&o).contains(word), "{sub} --help lacks {word}");
    }
}

#[tokio::test]
async fn a_wrong_setting_stops_startup_with_one_sentence_naming_it() {
    let cli = Cli::new().await;
    let t = cli.migrate_fails_with("LANTOA_LISTEN", "not-an-address");
    assert!(t.contains("`listen`") && t.contains("LANTOA_LISTEN"), "{t}");
    assert_eq!(t.trim().lines().count(), 1, "one sentence: {t}");
    let t = cli.migrate_fails_with("LANTOA_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none");
    assert!(t.contains("cannot be reached"), "{t}");
}

#[tokio::test]
async fn config_show_masks_secrets() {
    let cli = Cli::new().await;
    let key = "cd".repeat(32);
    let o = cli
        .cmd(&["config", "show"])
        .env("LANTOA_SESSION_KEY", &key)
        .env(
            "LANTOA_DATABASE_URL",
            "postgres://lantoa:s3cr3t@db.example:5432/lantoa",
        )
        .output()
        .unwrap();
    assert!(o.status.success());
    let t = text(&o);
    assert!(t.contains("listen") && t.contains("127.0.0.1:8080") && t.contains("Asia/Ho_Chi_Minh"));
    assert!(!t.contains(&key) && !t.contains("s3cr3t"), "{t}");
}

#[tokio::test]
async fn operators_set_up_an_agency_users_and_a_token_from_the_shell() {
    let cli = Cli::new().await;
    assert!(cli.run(&add_body_btg("Ban Tuyên giáo")).status.success());
    let o = cli.run(&[
        "agency",
        "add",
        "--slug",
        "bao-tinh",
        "--name",
        "Báo Tỉnh",
        "--body",
        "btg",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = cli.run(&[
        "user",
        "add",
        "--username",
        "hoa",
        "--name",
        "Nguyễn Hoa",
        "--agency",
        "bao-tinh",
        "--role",
        "editor",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("temporary password"));
    let o = cli.run_stdin(
        &["user", "passwd", "--username", "hoa", "--password-stdin"],
        "mật khẩu rất dài\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = cli.run_stdin(
        &["user", "passwd", "--username", "hoa", "--password-stdin"],
        "short\n",
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("at least 10 characters"), "{}", text(&o));
    let o = cli.run(&["token", "create", "--username", "hoa", "--name", "script"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).trim().starts_with("lt_"));
    let o = cli.run(&["user", "add", "--username", "hoa", "--name", "Again"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("already taken"));
    let o = cli.run(&["audit", "verify"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact"));
}

#[tokio::test]
async fn demo_seeding_is_safe_to_repeat() {
    let cli = Cli::new().await;
    let first = cli.run(&["demo", "--no-serve"]);
    assert!(first.status.success(), "{}", text(&first));
    let t = text(&first);
    for who in [
        "admin",
        "btg.giamsat",
        "baotinh.phongvien",
        "daitinh.lanhdao",
        "binhson.quantri",
    ] {
        assert!(t.contains(who), "demo login {who} not printed");
    }
    let second = cli.run(&["demo", "--no-serve"]);
    assert!(second.status.success(), "{}", text(&second));
    let o = cli.run(&["agency", "list"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.contains("agency"))
            .count(),
        3
    );
}

/// Flipping one byte of an audit row in the SQLite file, or deleting a row, makes
/// `lantoa audit verify` fail and name the entry.
#[tokio::test]
async fn audit_verify_names_a_byte_flipped_in_the_sqlite_file() {
    if engine() != "sqlite" {
        return; // The file-level check is SQLite's; PostgreSQL's is covered by tests/api/audit.rs.
    }
    let cli = Cli::new().await;
    for i in 0..5 {
        let o = cli.run(&[
            "agency",
            "add",
            "--body-only",
            "--slug",
            &format!("org-{i}"),
            "--name",
            &format!("Marker-{i}-zzzz"),
        ]);
        assert!(o.status.success());
    }
    assert!(cli.run(&["audit", "verify"]).status.success());
    let path = cli.dir.path().join("lantoa.db");
    let pristine = std::fs::read(&path).unwrap();
    // The audit summary of entry 3 holds "Marker-2-zzzz"; the orgs table holds it too,
    // but only the audit row's copy is inside a JSON summary: find `"Marker-2-zzzz"`.
    let needle = b"\"name\":\"Marker-2-zzzz\"";
    let at = pristine
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("audit row in file");
    let mut bytes = pristine.clone();
    bytes[at + 12] = b'Q';
    std::fs::write(&path, &bytes).unwrap();
    let o = cli.run(&["audit", "verify"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("#3 was altered"), "{}", text(&o));

    std::fs::write(&path, &pristine).unwrap();
    assert!(cli.run(&["audit", "verify"]).status.success());
    let db = lantoa::db::Db::connect(&cli.db_url).await.unwrap();
    let mut tx = db.write().await.unwrap();
    lantoa::on_tx!(&mut tx, c => sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(c).await.map(|_| ())).unwrap();
    tx.commit().await.unwrap();
    db.close().await;
    let o = cli.run(&["audit", "verify"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("#2..#2 are missing"), "{}", text(&o));
}

#[tokio::test]
async fn serve_stops_cleanly_on_sigterm() {
    let cli = Cli::new().await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = cli
        .cmd(&["serve"])
        .env("LANTOA_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let up = wait_ready(port, 100, std::time::Duration::from_millis(100)).await;
    assert!(up, "server did not become ready");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let status = status.unwrap_or_else(|| {
        let _ = child.kill();
        panic!("serve did not stop within 10 s of SIGTERM")
    });
    assert!(status.success(), "exit status {status:?}");
}
