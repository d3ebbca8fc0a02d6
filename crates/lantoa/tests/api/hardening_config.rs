//! Issue 11, points 10 and 13: every setting declared once (so the file, the
//! variables, the defaults, `lantoa config show` and the README cannot
//! drift), and channels bound to the API they were connected through (a demo
//! data folder served without its sandbox never calls a real host).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::{caller_of, spawn_app_with};
use crate::publish::{Env, add_channel, approved_clip, consent, mock, publish_now, pubs, sandbox};
use crate::review::{agency, who};
use lantoa::config::Config;
use lantoa::db::publishing::Publication;
use lantoa::domain::ClipId;

const BIN: &str = env!("CARGO_BIN_EXE_lantoa");

// ---- Point 10 ------------------------------------------------------------------------------

/// `(setting, variable)` of every row of the README's two settings tables
/// ("Settings", and "Platform settings" whose names live under `platforms.`).
fn documented() -> BTreeSet<(String, String)> {
    let readme = include_str!("../../../../README.md");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut out = BTreeSet::new();
    for (heading, prefix) in [
        ("### Settings\n", ""),
        ("### Platform settings\n", "platforms."),
    ] {
        let at = readme.find(heading).expect("the README has the table");
        let section = &readme[at + heading.len()..];
        let section = &section[..section.find("\n#").unwrap_or(section.len())];
        for row in section.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = row.split('|').collect();
            let (names, vars) = (ticked(cells[1]), ticked(cells[2]));
            assert_eq!(
                names.len(),
                vars.len(),
                "each setting of the row has its variable spelled out: {row}"
            );
            for (n, v) in names.into_iter().zip(vars) {
                out.insert((format!("{prefix}{n}"), v));
            }
        }
    }
    out
}

/// `(setting, variable)` of each line of `config show`.
fn shown(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(" = ")?;
            let (_, var) = rest.rsplit_once("# ")?;
            Some((name.trim().to_string(), var.trim().to_string()))
        })
        .collect()
}

/// The command an operator runs prints every documented setting with its
/// variable (it once left out the `s3_*` five, the upload limits, the
/// retention, `max_ffmpeg_processes` and `normalize_loudness`).
#[test]
fn p10_config_show_lists_every_documented_setting() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args(["config", "show"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LANTOA_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let lines = shown(&String::from_utf8_lossy(&o.stdout));
    let missing: Vec<String> = documented()
        .into_iter()
        .filter(|(n, v)| lines.get(n) != Some(v))
        .map(|(n, v)| format!("{n} ({v})"))
        .collect();
    assert!(missing.is_empty(), "`config show` leaves out: {missing:?}");
}

/// The declaration, the README and `config show` list the same settings.
#[test]
fn p10_every_declared_setting_is_documented_and_shown() {
    let declared: BTreeSet<(String, String)> = Config::settings()
        .iter()
        .map(|s| (s.name.to_string(), s.var.to_string()))
        .collect();
    assert_eq!(declared, documented(), "README tables vs declaration");
    let c = Config::from_sources(None, &BTreeMap::new()).unwrap();
    let lines = shown(&c.show());
    assert_eq!(
        declared,
        lines.into_iter().collect::<BTreeSet<_>>(),
        "`config show` vs declaration"
    );
}

/// A file value written as an operator would: numbers and booleans bare.
fn toml_value(text: &str) -> String {
    if text.parse::<i64>().is_ok() || text == "true" || text == "false" {
        text.to_string()
    } else {
        toml::Value::String(text.to_string()).to_string()
    }
}

/// A config file setting `pairs` (`platforms.` names in their table).
fn config_file(dir: &std::path::Path, pairs: &[(&str, &str)]) -> std::path::PathBuf {
    let mut root = String::new();
    let mut platforms = String::from("[platforms]\n");
    for (name, value) in pairs {
        match name.strip_prefix("platforms.") {
            Some(k) => platforms += &format!("{k} = {}\n", toml_value(value)),
            None => root += &format!("{name} = {}\n", toml_value(value)),
        }
    }
    let f = dir.join("lantoa.toml");
    std::fs::write(&f, format!("{root}{platforms}")).unwrap();
    f
}

fn value_of(c: &Config, name: &str) -> String {
    let values = c.values();
    let found = values.into_iter().find(|(s, _)| s.name == name);
    found.unwrap_or_else(|| panic!("{name} has a value")).1
}

/// Each declared setting, set through the file and through its variable,
/// reads back the same; the variable wins over the file; `config show`
/// prints it (masked when secret).
#[test]
fn p10_each_setting_reads_alike_from_the_file_and_its_variable() {
    let all = Config::settings();
    let example = |name: &str| all.iter().find(|s| s.name == name).unwrap().example;
    let defaults = Config::from_sources(None, &BTreeMap::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for s in &all {
        // An endpoint needs its credentials alongside.
        let mut pairs = vec![(s.name, s.example)];
        if s.name == "s3_endpoint" {
            for n in ["s3_access_key_id", "s3_secret_access_key"] {
                pairs.push((n, example(n)));
            }
        }
        let default = value_of(&defaults, s.name);
        assert_ne!(
            s.example, default,
            "{}: the example changes something",
            s.name
        );

        let from_file =
            Config::from_sources(Some(&config_file(dir.path(), &pairs)), &BTreeMap::new())
                .unwrap_or_else(|e| panic!("{} from the file: {e}", s.name));
        assert_eq!(
            value_of(&from_file, s.name),
            s.example,
            "{} from the file",
            s.name
        );

        let vars: BTreeMap<String, String> = pairs
            .iter()
            .map(|(n, v)| {
                let var = all.iter().find(|x| x.name == *n).unwrap().var;
                (var.to_string(), v.to_string())
            })
            .collect();
        let from_env = Config::from_sources(None, &vars)
            .unwrap_or_else(|e| panic!("{} from {}: {e}", s.name, s.var));
        assert_eq!(
            value_of(&from_env, s.name),
            s.example,
            "{} from {}",
            s.name,
            s.var
        );

        // The variable over the file.
        if !default.is_empty() {
            let over = BTreeMap::from([(s.var.to_string(), default.clone())]);
            let both = Config::from_sources(Some(&config_file(dir.path(), &pairs)), &over)
                .unwrap_or_else(|e| panic!("{}: {e}", s.name));
            assert_eq!(value_of(&both, s.name), default, "{} over the file", s.var);
        }

        let show = from_env.show();
        assert!(
            show.lines()
                .any(|l| l.starts_with(&format!("{} ", s.name))
                    && l.ends_with(&format!("# {}", s.var))),
            "{} in `config show`",
            s.name
        );
        if (s.shown)(s.example) != s.example {
            assert!(
                !show.contains(s.example),
                "{} is masked in `config show`",
                s.name
            );
        }
    }
}

// ---- Point 13 ------------------------------------------------------------------------------

/// A listener standing in for hosts that must not be called: it records
/// every request that reaches it and answers 503.
async fn recorder() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let s = s.clone();
        async move {
            s.lock()
                .unwrap()
                .push(format!("{} {}", req.method(), req.uri()));
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await });
    (base, seen)
}

/// An install with real platform apps, every platform host at `hosts`.
fn real_platforms(hosts: &str) -> Vec<(String, String)> {
    let urls = [
        "LANTOA_YOUTUBE_AUTH_URL",
        "LANTOA_YOUTUBE_TOKEN_URL",
        "LANTOA_YOUTUBE_API_URL",
        "LANTOA_YOUTUBE_ANALYTICS_URL",
        "LANTOA_FACEBOOK_AUTH_URL",
        "LANTOA_FACEBOOK_GRAPH_URL",
        "LANTOA_FACEBOOK_RUPLOAD_URL",
        "LANTOA_TIKTOK_AUTH_URL",
        "LANTOA_TIKTOK_API_URL",
        "LANTOA_ZALO_AUTH_URL",
        "LANTOA_ZALO_API_URL",
    ]
    .map(|v| (v, hosts.to_string()));
    let apps = [
        ("LANTOA_YOUTUBE_CLIENT_ID", "real-youtube"),
        ("LANTOA_YOUTUBE_CLIENT_SECRET", "real-secret"),
        ("LANTOA_FACEBOOK_APP_ID", "real-facebook"),
        ("LANTOA_FACEBOOK_APP_SECRET", "real-secret"),
        ("LANTOA_PUBLISH_POLL_MS", "20"),
        ("LANTOA_YOUTUBE_UPLOADS_PER_DAY", "1000"),
    ]
    .map(|(k, v)| (k, v.to_string()));
    urls.into_iter()
        .chain(apps)
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// Waits (real time) until a publication of the clip fails, or a request
/// reaches a host it must not.
async fn failed_or_called(
    e: &Env,
    c: ClipId,
    seen: &[&Arc<Mutex<Vec<String>>>],
) -> Vec<Publication> {
    for _ in 0..600 {
        let ps = pubs(&e.app, e.n.a, c).await;
        let called = seen.iter().any(|s| !s.lock().unwrap().is_empty());
        if called || ps.iter().any(|p| p.state == "failed") {
            return ps;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the publication neither failed nor called anyone");
}

fn calls(seen: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
    seen.lock().unwrap().clone()
}

/// The demo's channel, connected through the sandbox's consent, then the
/// same data folder served with real platform settings and no sandbox:
/// publishing, fetching figures, refreshing the token and taking a post
/// down all stop before any call, and the channel says why.
#[tokio::test]
async fn p13_a_sandbox_channel_served_without_the_sandbox_never_calls_a_real_host() {
    let (url, mock) = mock().await;
    let extra = sandbox(&url);
    let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(&extra).await;
    let n = app.network().await;
    let mut e = Env {
        app,
        mock,
        n,
        channels: Vec::new(),
    };
    let admin = e.app.login("a.admin").await;
    let list = format!("/a/{}/channels", e.n.a);
    admin.refresh_csrf(&list).await;
    let r = consent(&admin, e.n.a, "youtube", "1").await;
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains("connected="), "{back}");
    // A first clip goes out through the sandbox.
    let (first, _) = approved_clip(&e, "Qua sandbox", &["youtube"], 61).await;
    publish_now(&e, first).await;
    crate::publish::settle(&e.app, e.n.a, first, &["published"]).await;

    // Served again with real platform apps and no sandbox.
    let (hosts, seen) = recorder().await;
    e.app.extra = real_platforms(&hosts);
    e.app.restart().await;

    let (second, _) = approved_clip(&e, "Không có sandbox", &["youtube"], 62).await;
    publish_now(&e, second).await;
    let ps = failed_or_called(&e, second, &[&seen]).await;
    assert_eq!(
        calls(&seen),
        Vec::<String>::new(),
        "nothing reaches a real host"
    );
    let p = &ps[0];
    assert_eq!(
        (
            p.state.as_str(),
            p.error_class.as_deref(),
            p.error_code.as_deref()
        ),
        ("failed", Some("binding"), Some("sandbox_absent")),
        "{p:?}"
    );

    // Figures, the token's refresh and a takedown: no call either.
    e.app.clock.advance_ms(2 * 3_600_000);
    let ch = {
        let mut tx = e.app.st.db.read().await.unwrap();
        lantoa::db::publishing::channels(&mut tx, e.n.a)
            .await
            .unwrap()
            .remove(0)
    };
    assert_eq!(
        lantoa::insights::collect::fetch_channel(&e.app.st, ch.id)
            .await
            .unwrap(),
        0
    );
    lantoa::service::channels::refresh_due(&e.app.st)
        .await
        .unwrap();
    let (hp, ha) = who(&e.app, e.n.a_head).await;
    lantoa::service::publish::take_down(
        &caller_of(&e.app.st, &ha, &hp, &agency(&e.app, e.n.a).await),
        first,
        "Thử gỡ khi không có sandbox",
    )
    .await
    .unwrap();
    for _ in 0..600 {
        let called = !calls(&seen).is_empty();
        let done = pubs(&e.app, e.n.a, first)
            .await
            .iter()
            .all(|p| p.removal.as_deref() == Some("failed"));
        if called || done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        calls(&seen),
        Vec::<String>::new(),
        "nothing reaches a real host"
    );
    assert!(
        pubs(&e.app, e.n.a, first)
            .await
            .iter()
            .all(|p| p.removal.as_deref() == Some("failed")),
        "the removal stops before any call"
    );

    // The channel stays as it was, and says why it cannot be used.
    let admin = e.app.login("a.admin").await;
    let html = admin.get_text(&list).await;
    assert!(
        html.contains(
            "được kết nối qua sandbox (nền tảng giả lập), nhưng máy chủ đang chạy không có sandbox"
        ),
        "the channels page gives the reason"
    );
    let clip_page = e
        .app
        .login("a.editor")
        .await
        .get_text(&format!("/a/{}/clips/{}", e.n.a, second.0))
        .await;
    assert!(
        clip_page.contains("được kết nối qua sandbox"),
        "the publication gives the reason"
    );
    let api: serde_json::Value = admin
        .get(&format!("/api/v1/agencies/{}/channels", e.n.a))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api[0]["endpoint"], "sandbox", "{api}");
    assert_eq!(api[0]["status"], "active", "{api}");
}

/// The other way round: a channel connected to the real platform, then the
/// install pointed at a sandbox. Its tokens go to neither.
#[tokio::test]
async fn p13_a_real_channel_never_sends_its_tokens_to_a_sandbox() {
    let (hosts, seen_real) = recorder().await;
    let extra = real_platforms(&hosts);
    let extra: Vec<(&str, &str)> = extra
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let app = spawn_app_with(&extra).await;
    let n = app.network().await;
    let mut e = Env {
        app,
        mock: Arc::new(lantoa_sandbox::Mocks::default()),
        n,
        channels: Vec::new(),
    };
    add_channel(
        &e.app,
        e.n.a,
        e.n.a_admin,
        "facebook",
        "104857600",
        "EAAreal",
    )
    .await;
    let (sandbox_url, seen_sandbox) = recorder().await;
    e.app.extra = sandbox(&sandbox_url)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    e.app.restart().await;
    let (c, _) = approved_clip(&e, "Kênh thật", &["facebook"], 63).await;
    publish_now(&e, c).await;
    let ps = failed_or_called(&e, c, &[&seen_real, &seen_sandbox]).await;
    assert_eq!(
        calls(&seen_sandbox),
        Vec::<String>::new(),
        "no token to the sandbox"
    );
    assert_eq!(calls(&seen_real), Vec::<String>::new());
    assert_eq!(
        ps[0].error_code.as_deref(),
        Some("sandbox_instead"),
        "{ps:?}"
    );
    let html = e
        .app
        .login("a.admin")
        .await
        .get_text(&format!("/a/{}/channels", e.n.a))
        .await;
    assert!(
        html.contains("được kết nối với nền tảng thật"),
        "the reason shows"
    );
}

/// `lantoa demo` binds every channel it makes to the sandbox: the four it
/// connects through the sandbox's consent and the illustration channels of
/// its history.
#[tokio::test]
async fn p13_the_demos_channels_are_bound_to_the_sandbox() {
    let app = crate::helpers::state_with(&[]).await;
    let o = Command::new(BIN)
        .args(["demo", "--no-serve"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(app.env_vars())
        .env("LANTOA_SANDBOX_LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    // The newspaper's own outlet is a channel of Lantoa itself: no API.
    let all = crate::publish::count(
        &app,
        "SELECT COUNT(*) FROM channels WHERE platform <> 'outlet'",
    )
    .await;
    let sandbox = crate::publish::count(
        &app,
        "SELECT COUNT(*) FROM channels WHERE endpoint = 'sandbox'",
    )
    .await;
    assert!(all >= 8, "the demo made its channels ({all})");
    assert_eq!(sandbox, all, "every demo channel is a sandbox one");
}

/// A demo data folder made before channels were bound: the migration binds
/// the sandbox's accounts ("… — Sandbox") and the illustration channels
/// (`demo-…`) to the sandbox, and leaves real channels alone.
#[tokio::test]
async fn p13_an_older_demo_folders_channels_are_bound_by_the_migration() {
    let app = crate::helpers::state_with(&[]).await;
    let n = app.network().await;
    for (p, ext, name) in [
        ("youtube", "UCx", "Báo Tỉnh — Sandbox"),
        ("facebook", "demo-bao-a-facebook", "Báo A (minh hoạ)"),
        ("zalo", "1234567", "Báo A"),
    ] {
        let id = add_channel(&app, n.a, n.a_admin, p, ext, "t").await;
        let mut tx = app.st.db.write().await.unwrap();
        lantoa::db::on_tx!(&mut tx, c => sqlx::query(
            "UPDATE channels SET name = $1, endpoint = 'platform' WHERE id = $2")
            .bind(name).bind(id).execute(c).await.map(|_| ()))
        .unwrap();
        tx.commit().await.unwrap();
    }
    // The migration's data step, as an older folder gets it.
    let script = include_str!("../../migrations/0007_channel_endpoint.sql");
    let update = &script[script.find("UPDATE channels").unwrap()..];
    let mut tx = app.st.db.write().await.unwrap();
    lantoa::db::on_tx!(&mut tx, c => sqlx::raw_sql(sqlx::AssertSqlSafe(update.to_string())).execute(c).await.map(|_| ()))
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = app.st.db.read().await.unwrap();
    let bound: BTreeMap<String, String> = lantoa::db::publishing::channels(&mut tx, n.a)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.platform, c.endpoint))
        .collect();
    assert_eq!(
        bound,
        BTreeMap::from([
            ("facebook".to_string(), "sandbox".to_string()),
            ("youtube".to_string(), "sandbox".to_string()),
            ("zalo".to_string(), "platform".to_string()),
        ])
    );
}
