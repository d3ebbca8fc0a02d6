//! Settings read alike from defaults, the file and the variables; wrong ones
//! named in one sentence.

use super::*;

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn value(c: &Config, name: &str) -> String {
    c.values()
        .into_iter()
        .find(|(s, _)| s.name == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("{name} is declared"))
}

#[test]
fn platform_settings_default_point_at_a_sandbox_and_are_checked() {
    let c = Config::from_sources(None, &env(&[])).unwrap();
    assert_eq!(
        c.platforms.youtube_api_url.as_str(),
        "https://www.googleapis.com"
    );
    assert_eq!(c.platforms.tiktok_inits_per_minute, 6);
    // A sandbox URL moves every platform URL not set on its own.
    let c = Config::from_sources(
        None,
        &env(&[
            ("LANTOA_SANDBOX_URL", "http://127.0.0.1:9100/"),
            ("LANTOA_ZALO_API_URL", "https://openapi.zalo.me"),
            ("LANTOA_TIKTOK_CLIENT_SECRET", "s3cr3t"),
        ]),
    )
    .unwrap();
    assert_eq!(
        c.platforms.facebook_graph_url.as_str(),
        "http://127.0.0.1:9100"
    );
    assert_eq!(c.platforms.zalo_api_url.as_str(), "https://openapi.zalo.me");
    let shown = c.show();
    assert!(shown.contains("platforms.tiktok_client_secret") && !shown.contains("s3cr3t"));
    // Bad values say which setting.
    let e = Config::from_sources(None, &env(&[("LANTOA_YOUTUBE_API_URL", "ftp://x")])).unwrap_err();
    assert!(e.0.contains("platforms.youtube_api_url"), "{}", e.0);
    let e =
        Config::from_sources(None, &env(&[("LANTOA_FACEBOOK_REELS_PER_DAY", "0")])).unwrap_err();
    assert!(e.0.contains("facebook_reels_per_day"), "{}", e.0);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("l.toml");
    std::fs::write(&f, "[platforms]\nyoutube_clientid = \"x\"\n").unwrap();
    let e = Config::from_sources(Some(&f), &env(&[])).unwrap_err();
    assert!(e.0.contains("platforms.youtube_clientid"), "{}", e.0);
    std::fs::write(&f, "[platforms]\nyoutube_uploads_per_day = 50\n").unwrap();
    let c = Config::from_sources(Some(&f), &env(&[])).unwrap();
    assert_eq!(c.platforms.youtube_uploads_per_day, 50);
    // The Analytics host follows the sandbox too; the reel metrics are a
    // list, reach under its current name by default.
    let c = Config::from_sources(
        None,
        &env(&[("LANTOA_SANDBOX_URL", "http://127.0.0.1:9100")]),
    )
    .unwrap();
    assert_eq!(
        c.platforms.youtube_analytics_url.as_str(),
        "http://127.0.0.1:9100"
    );
    assert!(
        c.platforms
            .facebook_reel_metrics
            .iter()
            .any(|m| m == "post_total_media_view_unique")
    );
    std::fs::write(
        &f,
        "[platforms]\nfacebook_reel_metrics = [\"blue_reels_play_count\", \"post_video_followers\"]\n",
    )
    .unwrap();
    let c = Config::from_sources(Some(&f), &env(&[])).unwrap();
    assert_eq!(
        c.platforms.facebook_reel_metrics,
        ["blue_reels_play_count", "post_video_followers"]
    );
    let e = Config::from_sources(
        None,
        &env(&[("LANTOA_FACEBOOK_REEL_METRICS", "views;reach")]),
    )
    .unwrap_err();
    assert!(e.0.contains("facebook_reel_metrics"), "{}", e.0);
}

#[test]
fn defaults_need_nothing() {
    let c = Config::from_sources(None, &env(&[])).unwrap();
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.data_dir, PathBuf::from("./lantoa-data"));
    assert!(c.database_url.starts_with("sqlite://"));
    assert_eq!(c.time_zone, "Asia/Ho_Chi_Minh");
    assert_eq!(
        c.storage_url,
        StorageUrl::Local(PathBuf::from("./lantoa-data/media"))
    );
    assert_eq!(c.max_upload_bytes, 4 * 1024 * 1024 * 1024);
    assert!(c.s3_path_style && !c.normalize_loudness);
    // The defaults of the platform table alone are the same.
    let texts = |p: &Platforms| -> Vec<String> { p.values().into_iter().map(|v| v.1).collect() };
    assert_eq!(
        texts(&Platforms::default()),
        texts(&c.platforms),
        "one set of defaults"
    );
}

#[test]
fn environment_overrides_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("l.toml");
    std::fs::write(&f, "listen = \"0.0.0.0:9000\"\ntime_zone = \"UTC\"\n").unwrap();
    let c = Config::from_sources(Some(&f), &env(&[("LANTOA_LISTEN", "127.0.0.1:7000")])).unwrap();
    assert_eq!(c.listen.to_string(), "127.0.0.1:7000");
    assert_eq!(c.time_zone, "UTC");
}

#[test]
fn wrong_settings_name_themselves() {
    let e = Config::from_sources(None, &env(&[("LANTOA_LISTEN", "nowhere")])).unwrap_err();
    assert!(
        e.0.contains("`listen`") && e.0.contains("LANTOA_LISTEN"),
        "{e}"
    );
    let e = Config::from_sources(None, &env(&[("LANTOA_DATABASE_URL", "mysql://x")])).unwrap_err();
    assert!(e.0.contains("database_url"), "{e}");
    let e = Config::from_sources(None, &env(&[("LANTOA_TIME_ZONE", "Mars/Base")])).unwrap_err();
    assert!(e.0.contains("time_zone"), "{e}");
    let e = Config::from_sources(None, &env(&[("LANTOA_SESSION_KEY", "abc")])).unwrap_err();
    assert!(e.0.contains("session_key") && !e.0.contains("abc"), "{e}");
    let e = Config::from_sources(None, &env(&[("LANTOA_STORAGE_URL", "ftp://x")])).unwrap_err();
    assert!(e.0.contains("storage_url"), "{e}");
    let e = Config::from_sources(
        None,
        &env(&[("LANTOA_DATABASE_URL", "mysql://u:hunter2@db/x")]),
    )
    .unwrap_err();
    assert!(!e.0.contains("hunter2"), "{e}");
}

#[test]
fn unknown_file_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("l.toml");
    std::fs::write(&f, "lisen = \"x\"\n").unwrap();
    let e = Config::from_sources(Some(&f), &env(&[])).unwrap_err();
    assert!(e.0.contains("lisen"), "{e}");
    std::fs::write(&f, "platforms = 3\n").unwrap();
    let e = Config::from_sources(Some(&f), &env(&[])).unwrap_err();
    assert!(e.0.contains("platforms"), "{e}");
}

#[test]
fn show_masks_secrets() {
    let key = "ab".repeat(32);
    let c = Config::from_sources(
        None,
        &env(&[
            ("LANTOA_SESSION_KEY", &key),
            (
                "LANTOA_DATABASE_URL",
                "postgres://lantoa:hunter2@db:5432/lantoa",
            ),
        ]),
    )
    .unwrap();
    let shown = c.show();
    assert!(!shown.contains(&key));
    assert!(!shown.contains("hunter2"));
    assert!(shown.contains("postgres://lantoa:********@db:5432/lantoa"));
    assert!(shown.contains("(from configuration)") && shown.contains("(generated"));
}

#[test]
fn s3_credentials_are_read() {
    let c = Config::from_sources(
        None,
        &env(&[
            ("LANTOA_STORAGE_URL", "s3://media/x"),
            ("LANTOA_S3_ENDPOINT", "http://127.0.0.1:9000"),
            ("LANTOA_S3_ACCESS_KEY_ID", "key"),
            ("LANTOA_S3_SECRET_ACCESS_KEY", "s3cr3t-value"),
        ]),
    )
    .unwrap();
    assert_eq!(c.s3_access_key_id.as_deref(), Some("key"));
    assert_eq!(c.s3_secret_access_key.as_deref(), Some("s3cr3t-value"));
    assert!(!c.show().contains("s3cr3t-value"));
    let e = Config::from_sources(
        None,
        &env(&[("LANTOA_S3_ENDPOINT", "http://127.0.0.1:9000")]),
    )
    .unwrap_err();
    assert!(e.0.contains("LANTOA_S3_ACCESS_KEY_ID"), "{e}");
}

#[test]
fn s3_storage_parses() {
    let c = Config::from_sources(
        None,
        &env(&[("LANTOA_STORAGE_URL", "s3://lantoa-media/prod")]),
    )
    .unwrap();
    assert_eq!(
        c.storage_url,
        StorageUrl::S3 {
            bucket: "lantoa-media".into(),
            prefix: "prod".into()
        }
    );
    assert_eq!(value(&c, "storage_url"), "s3://lantoa-media/prod");
}

/// Every URL setting of the platforms belongs to a platform, so the
/// sandbox binding of a channel sees every host its calls may reach.
#[test]
fn p13_every_platform_url_belongs_to_a_platform() {
    let mut p = Platforms::default();
    let n = p.base_urls_mut().len();
    let listed: usize = Platform::ALL.iter().map(|x| p.urls(*x).len()).sum();
    assert_eq!(n, listed, "a URL setting missing from Platforms::urls");
    p.point_at_sandbox("http://127.0.0.1:9100/").unwrap();
    for x in Platform::ALL {
        assert_eq!(p.endpoint(x), Endpoint::Sandbox);
        assert!(p.reaches(x, Endpoint::Sandbox) && !p.reaches(x, Endpoint::Platform));
    }
    // One URL of a platform set on its own to the real host: channels
    // connected through the sandbox may no longer be used there.
    let c = Config::from_sources(
        None,
        &env(&[
            ("LANTOA_SANDBOX_URL", "http://127.0.0.1:9100"),
            ("LANTOA_YOUTUBE_TOKEN_URL", "https://oauth2.googleapis.com"),
        ]),
    )
    .unwrap();
    let p = &c.platforms;
    assert_eq!(p.endpoint(Platform::YouTube), Endpoint::Sandbox);
    assert!(!p.reaches(Platform::YouTube, Endpoint::Sandbox));
    assert!(!p.reaches(Platform::YouTube, Endpoint::Platform));
    assert!(p.reaches(Platform::Zalo, Endpoint::Sandbox));
    let real = Platforms::default();
    assert_eq!(real.endpoint(Platform::Zalo), Endpoint::Platform);
    assert!(real.reaches(Platform::Zalo, Endpoint::Platform));
    assert!(!real.reaches(Platform::Zalo, Endpoint::Sandbox));
}
