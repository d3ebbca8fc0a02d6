//! Resumable uploads (tus 1.0): protocol conformance, limits, isolation, restart,
//! and a real client (tuspy) resuming an interrupted upload.

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, b64, send_expect, spawn_app, spawn_network, upload_meta};
use lantoa::db::{clips, jobs};
use lantoa::domain::VersionId;

/// An `Upload-Checksum` value: the algorithm and the digest in base64.
fn checksum(algorithm: &str, digest: &[u8]) -> String {
    format!(
        "{algorithm} {}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

struct Tus<'a> {
    app: &'a TestApp,
    token: String,
}

impl<'a> Tus<'a> {
    /// Uploads as `username`, with a token made for them.
    async fn signed_in(app: &'a TestApp, username: &str) -> Tus<'a> {
        Tus {
            app,
            token: app.token_for(username).await,
        }
    }

    fn req(&self, m: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.app
            .client()
            .request(m, self.app.url(path))
            .bearer_auth(&self.token)
            .header("tus-resumable", "1.0.0")
    }
    async fn create(&self, len: usize, meta: &str) -> reqwest::Response {
        self.req(reqwest::Method::POST, "/api/v1/uploads")
            .header("upload-length", len.to_string())
            .header("upload-metadata", meta)
            .send()
            .await
            .unwrap()
    }
    /// A PATCH of bytes at `offset`, still to be given its body.
    fn patch_at(&self, loc: &str, offset: usize) -> reqwest::RequestBuilder {
        self.req(reqwest::Method::PATCH, loc)
            .header("upload-offset", offset.to_string())
            .header("content-type", "application/offset+octet-stream")
    }
    async fn patch(&self, loc: &str, offset: usize, body: Vec<u8>) -> reqwest::Response {
        self.patch_at(loc, offset).body(body).send().await.unwrap()
    }
    async fn head(&self, loc: &str) -> reqwest::Response {
        self.req(reqwest::Method::HEAD, loc).send().await.unwrap()
    }
}

fn hv(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn options_advertise_the_protocol() {
    let app = spawn_app().await;
    let r = send_expect(
        app.client()
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/uploads")),
        204,
    )
    .await;
    assert_eq!(hv(&r, "tus-version"), "1.0.0");
    let ext = hv(&r, "tus-extension");
    for e in [
        "creation",
        "creation-with-upload",
        "termination",
        "expiration",
        "checksum",
    ] {
        assert!(ext.split(',').any(|x| x == e), "{e} not advertised: {ext}");
    }
    assert_eq!(hv(&r, "tus-checksum-algorithm"), "sha1,sha256");
    assert_eq!(
        hv(&r, "tus-max-size"),
        (4i64 * 1024 * 1024 * 1024).to_string()
    );
}

#[tokio::test]
async fn an_upload_in_chunks_becomes_a_content_addressed_version_with_a_queued_check() {
    let (app, n) = spawn_network().await;
    let t = Tus::signed_in(&app, "a.reporter").await;
    let bytes = data(700_000);
    let r = t.create(bytes.len(), &upload_meta(n.a.0)).await;
    assert_eq!(r.status(), 201);
    assert_eq!(hv(&r, "tus-resumable"), "1.0.0");
    assert!(!hv(&r, "upload-expires").is_empty());
    let loc = hv(&r, "location");
    assert!(loc.starts_with("/api/v1/uploads/"));
    let r = t.patch(&loc, 0, bytes[..300_000].to_vec()).await;
    assert_eq!(r.status(), 204);
    assert_eq!(hv(&r, "upload-offset"), "300000");
    // A wrong offset is refused and changes nothing.
    let r = t.patch(&loc, 10, bytes[10..20].to_vec()).await;
    assert_eq!(r.status(), 409);
    let r = t.head(&loc).await;
    assert_eq!(r.status(), 200);
    assert_eq!(hv(&r, "upload-offset"), "300000");
    assert_eq!(hv(&r, "upload-length"), "700000");
    assert_eq!(hv(&r, "cache-control"), "no-store");
    let r = t.patch(&loc, 300_000, bytes[300_000..].to_vec()).await;
    assert_eq!(r.status(), 204);
    assert_eq!(hv(&r, "upload-offset"), "700000");
    let version = VersionId(hv(&r, "lantoa-version-id").parse().unwrap());
    let mut tx = app.st.db.read().await.unwrap();
    let v = clips::get_version(&mut tx, version).await.unwrap().unwrap();
    let clip = clips::get(&mut tx, n.a, v.clip_id).await.unwrap().unwrap();
    // The server's own worker may already have taken the check: any state will do.
    let queued = jobs::list(&mut tx, None, 10).await.unwrap();
    drop(tx);
    assert_eq!(v.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(v.size_bytes, 700_000);
    assert_eq!(v.status, "processing");
    assert_eq!(clip.title, "Lễ hội đền Hùng");
    assert_eq!(clip.current_version_id, Some(version));
    assert_eq!(
        app.st.store.size(&v.original_key).await.unwrap(),
        Some(700_000)
    );
    assert!(v.original_key.ends_with(&v.sha256), "content-addressed");
    assert!(
        queued
            .iter()
            .any(|j| j.kind == "media.ingest" && j.payload.contains(&version.0.to_string()))
    );
    // The staged bytes are gone; the upload is finished.
    assert!(!staged_bytes(&app, loc.rsplit('/').next().unwrap()).await);
    // A client asking afterwards (tus-js-client does, on success) learns where the clip is.
    let r = t.head(&loc).await;
    assert_eq!(hv(&r, "upload-offset"), "700000");
    assert_eq!(
        hv(&r, "lantoa-clip-id"),
        v.clip_id.to_string(),
        "regression: HEAD after completion named no clip"
    );
    assert_eq!(hv(&r, "lantoa-version-id"), version.to_string());
}

#[tokio::test]
async fn creation_with_upload_and_checksums() {
    let (app, n) = spawn_network().await;
    let t = Tus::signed_in(&app, "a.editor").await;
    let bytes = data(200_000);
    let r = send_expect(
        t.req(reqwest::Method::POST, "/api/v1/uploads")
            .header("upload-length", bytes.len().to_string())
            .header("upload-metadata", upload_meta(n.a.0))
            .header("content-type", "application/offset+octet-stream")
            .header(
                "upload-checksum",
                checksum("sha256", &Sha256::digest(&bytes[..50_000])),
            )
            .body(bytes[..50_000].to_vec()),
        201,
    )
    .await;
    assert_eq!(hv(&r, "upload-offset"), "50000");
    let loc = hv(&r, "location");
    // A corrupted chunk: 460, discarded whole.
    let wrong = checksum("sha1", &sha1::Sha1::digest(b"something else"));
    let r = t
        .patch_at(&loc, 50_000)
        .header("upload-checksum", wrong)
        .body(bytes[50_000..100_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 460);
    assert_eq!(hv(&r, "tus-resumable"), "1.0.0");
    assert_eq!(hv(&t.head(&loc).await, "upload-offset"), "50000");
    let r = send_expect(
        t.patch_at(&loc, 50_000)
            .header(
                "upload-checksum",
                checksum("sha1", &sha1::Sha1::digest(&bytes[50_000..])),
            )
            .body(bytes[50_000..].to_vec()),
        204,
    )
    .await;
    assert!(!hv(&r, "lantoa-clip-id").is_empty());
    // Unknown algorithm: 400.
    let r = t.create(10, &upload_meta(n.a.0)).await;
    let loc = hv(&r, "location");
    send_expect(
        t.patch_at(&loc, 0)
            .header("upload-checksum", "md5 AAAA")
            .body(vec![0u8; 10]),
        400,
    )
    .await;
}

#[tokio::test]
async fn protocol_errors_use_the_protocols_status_codes() {
    let (app, n) = spawn_network().await;
    let t = Tus::signed_in(&app, "a.reporter").await;
    // No Tus-Resumable: 412 with the supported version.
    let r = send_expect(
        app.client()
            .post(app.url("/api/v1/uploads"))
            .bearer_auth(&t.token)
            .header("upload-length", "10"),
        412,
    )
    .await;
    assert_eq!(hv(&r, "tus-version"), "1.0.0");
    // No length: 400 naming the header.
    let r = send_expect(
        t.req(reqwest::Method::POST, "/api/v1/uploads")
            .header("upload-metadata", upload_meta(n.a.0)),
        400,
    )
    .await;
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["field"],
        "Upload-Length"
    );
    // Too large: 413.
    let r = t.create(5 * 1024 * 1024 * 1024, &upload_meta(n.a.0)).await;
    assert_eq!(r.status(), 413);
    // Missing title/category for a new clip: 400 naming the field, before any byte is sent.
    let r = t
        .create(10, &format!("agency_id {}", b64(&n.a.0.to_string())))
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["field"],
        "category"
    );
    // Wrong content type on PATCH: 415.
    let loc = hv(&t.create(10, &upload_meta(n.a.0)).await, "location");
    send_expect(
        t.req(reqwest::Method::PATCH, &loc)
            .header("upload-offset", "0")
            .header("content-type", "application/json")
            .body("{}"),
        415,
    )
    .await;
    // More bytes than announced: 413, nothing kept.
    let r = t.patch(&loc, 0, vec![1u8; 11]).await;
    assert_eq!(r.status(), 413);
    assert_eq!(hv(&t.head(&loc).await, "upload-offset"), "0");
    // Termination: 204, then gone.
    send_expect(t.req(reqwest::Method::DELETE, &loc), 204).await;
    assert_eq!(t.head(&loc).await.status(), 410);
    assert_eq!(t.patch(&loc, 0, vec![1u8; 10]).await.status(), 410);
    // Expiration: an upload left half-way is gone after its expiry.
    let loc = hv(&t.create(10, &upload_meta(n.a.0)).await, "location");
    assert_eq!(t.patch(&loc, 0, vec![1u8; 4]).await.status(), 204);
    app.clock.advance_ms(73 * 3600 * 1000);
    assert_eq!(t.head(&loc).await.status(), 410);
    let id = loc.rsplit('/').next().unwrap();
    assert!(staged_bytes(&app, id).await);
    lantoa::worker::housekeeping(&app.st).await.unwrap();
    assert!(
        !staged_bytes(&app, id).await,
        "housekeeping removed the expired upload's bytes"
    );
}

/// Whether an upload has staged bytes: its staging file with local media,
/// its pieces in object storage.
async fn staged_bytes(app: &TestApp, id: &str) -> bool {
    let file = app
        .data_dir
        .path()
        .join("uploads")
        .join(format!("{id}.part"));
    file.exists()
        || !app
            .st
            .store
            .list(&format!("staging/{id}"))
            .await
            .unwrap()
            .is_empty()
}

#[tokio::test]
async fn uploads_belong_to_their_user_and_agency() {
    let (app, n) = spawn_network().await;
    let a = Tus::signed_in(&app, "a.reporter").await;
    let b = Tus::signed_in(&app, "b.reporter").await;
    let loc = hv(&a.create(100, &upload_meta(n.a.0)).await, "location");
    // Someone else cannot see, feed or cancel it.
    assert_eq!(b.head(&loc).await.status(), 404);
    assert_eq!(b.patch(&loc, 0, vec![0u8; 100]).await.status(), 404);
    assert_eq!(
        b.req(reqwest::Method::DELETE, &loc)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // Nobody uploads into another agency.
    assert_eq!(b.create(100, &upload_meta(n.a.0)).await.status(), 403);
    // An analyst does not upload clips.
    let admin = Tus::signed_in(&app, "a.admin").await;
    assert_eq!(admin.create(100, &upload_meta(n.a.0)).await.status(), 403);
    // Open uploads per user are limited: 429.
    for _ in 0..9 {
        assert_eq!(a.create(100, &upload_meta(n.a.0)).await.status(), 201);
    }
    let r = a.create(100, &upload_meta(n.a.0)).await;
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn offsets_survive_a_server_restart_and_tuspy_resumes_an_interrupted_upload() {
    let mut app = spawn_app().await;
    let n = app.network().await;
    let token = app.token_for("a.reporter").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clip.bin");
    let bytes = data(3 * 1024 * 1024 + 123);
    std::fs::write(&file, &bytes).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/tus/resume.py");
    // tokio's Command: the server runs on this test's runtime and must keep serving.
    let out = tokio::process::Command::new("python3")
        .args([
            script,
            "start",
            &app.url("/api/v1/uploads"),
            &token,
            file.to_str().unwrap(),
            &n.a.0.to_string(),
            "1048576",
        ])
        .output()
        .await
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "tuspy start: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let path = url
        .split_once("/api/")
        .map(|(_, p)| format!("/api/{p}"))
        .unwrap();
    // The server goes away and comes back (new port, same database and files).
    app.restart().await;
    let t = Tus {
        app: &app,
        token: token.clone(),
    };
    let r = t.head(&path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(hv(&r, "upload-offset"), "1048576");
    let out = tokio::process::Command::new("python3")
        .args([
            script,
            "finish",
            &app.url(&path),
            &token,
            file.to_str().unwrap(),
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "tuspy finish: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        bytes.len().to_string()
    );
    let r = t.head(&path).await;
    let version = VersionId(hv(&r, "lantoa-version-id").parse().unwrap());
    let mut tx = app.st.db.read().await.unwrap();
    let v = clips::get_version(&mut tx, version).await.unwrap().unwrap();
    assert_eq!(
        v.sha256,
        hex::encode(Sha256::digest(&bytes)),
        "the hash spans the restart"
    );
    assert_eq!(v.original_name, "phong-su.mp4");
}

/// Behind a load balancer each request may reach another web process: with
/// media in object storage, any process continues any upload from the hash
/// and pieces the others recorded, and of two processes taking the same
/// chunk at once, one keeps it.
#[tokio::test]
async fn any_web_process_continues_an_upload_staged_in_object_storage() {
    let (app, _s3_root) = app_on_s3("two").await;
    let n = app.network().await;
    let other = app.sibling().await;
    let a = Tus::signed_in(&app, "a.reporter").await;
    let b = Tus {
        app: &other,
        token: a.token.clone(),
    };
    let bytes = data(3 * 1024 * 1024 + 5);
    let mib = 1024 * 1024;
    let loc = hv(
        &a.create(bytes.len(), &upload_meta(n.a.0)).await,
        "location",
    );
    // Chunks to one process, then the other.
    assert_eq!(a.patch(&loc, 0, bytes[..mib].to_vec()).await.status(), 204);
    let r = b.patch(&loc, mib, bytes[mib..2 * mib].to_vec()).await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        hv(&a.head(&loc).await, "upload-offset"),
        (2 * mib).to_string()
    );
    // The same chunk to both at once (a client retrying through two
    // routes): one keeps it, the other is told the offset moved.
    let (ra, rb) = tokio::join!(
        a.patch(&loc, 2 * mib, bytes[2 * mib..3 * mib].to_vec()),
        b.patch(&loc, 2 * mib, bytes[2 * mib..3 * mib].to_vec()),
    );
    let mut codes = [ra.status().as_u16(), rb.status().as_u16()];
    codes.sort();
    assert_eq!(codes, [204, 409], "one process keeps the chunk");
    assert_eq!(
        hv(&b.head(&loc).await, "upload-offset"),
        (3 * mib).to_string()
    );
    let r = b.patch(&loc, 3 * mib, bytes[3 * mib..].to_vec()).await;
    assert_eq!(r.status(), 204);
    let version = VersionId(hv(&r, "lantoa-version-id").parse().unwrap());
    let mut tx = app.st.db.read().await.unwrap();
    let v = clips::get_version(&mut tx, version).await.unwrap().unwrap();
    drop(tx);
    // The hash carried from process to process is the file's, and so are
    // the stored bytes.
    assert_eq!(v.sha256, hex::encode(Sha256::digest(&bytes)));
    let out = app.data_dir.path().join("original.bin");
    app.st.store.download(&v.original_key, &out).await.unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    // No staged piece is left: the loser's was deleted, the rest after the finish.
    assert_eq!(
        app.st.store.list("staging").await.unwrap(),
        Vec::<String>::new()
    );
}

/// An upload begun under the version before (bytes in a local staging file,
/// no hash kept with the offset) goes on in its file after an upgrade to
/// object storage staging: the original is the whole file.
#[tokio::test]
async fn an_upload_begun_before_the_upgrade_goes_on_in_its_local_file() {
    let (app, _s3_root) = app_on_s3("legacy").await;
    let n = app.network().await;
    let t = Tus::signed_in(&app, "a.reporter").await;
    let bytes = data(300_000);
    let loc = hv(
        &t.create(bytes.len(), &upload_meta(n.a.0)).await,
        "location",
    );
    let id = loc.rsplit('/').next().unwrap();
    // What the older version left: the first 100,000 bytes in its file, the
    // offset recorded, no hash state.
    let dir = app.data_dir.path().join("uploads");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{id}.part")), &bytes[..100_000]).unwrap();
    let mut tx = app.st.db.write().await.unwrap();
    lantoa::sql!(&mut tx, execute
        "UPDATE uploads SET offset_bytes = 100000, sha_state = NULL WHERE id = $1", id)
    .unwrap();
    tx.commit().await.unwrap();
    let r = t.patch(&loc, 100_000, bytes[100_000..].to_vec()).await;
    assert_eq!(r.status(), 204);
    let version = VersionId(hv(&r, "lantoa-version-id").parse().unwrap());
    let mut tx = app.st.db.read().await.unwrap();
    let v = clips::get_version(&mut tx, version).await.unwrap().unwrap();
    drop(tx);
    assert_eq!(v.sha256, hex::encode(Sha256::digest(&bytes)));
    let out = app.data_dir.path().join("original.bin");
    app.st.store.download(&v.original_key, &out).await.unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    assert!(
        !staged_bytes(&app, id).await,
        "the file went with the finish"
    );
}

/// An application whose media are in an in-process S3 server of its own
/// (whatever storage the run tests), and that server's folder.
async fn app_on_s3(prefix: &str) -> (TestApp, tempfile::TempDir) {
    let root = tempfile::tempdir().unwrap();
    let endpoint = crate::helpers::start_s3(root.path()).await;
    let url = format!("s3://lantoa-media/{prefix}");
    let app = crate::helpers::spawn_app_with(&[
        ("LANTOA_STORAGE_URL", &url),
        ("LANTOA_S3_ENDPOINT", &endpoint),
        ("LANTOA_S3_ACCESS_KEY_ID", "lantoa-test-key"),
        ("LANTOA_S3_SECRET_ACCESS_KEY", "lantoa-test-secret"),
        ("LANTOA_S3_PATH_STYLE", "true"),
    ])
    .await;
    (app, root)
}
