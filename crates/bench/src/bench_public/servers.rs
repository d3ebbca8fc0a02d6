//! The static file servers `public` measures the outlet's media against,
//! each a process of its own: tower-http's `ServeDir` (this binary's hidden
//! `serve-dir` command) and nginx when it is installed; and how a server's
//! CPU time is read.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncBufReadExt;

use super::READY;

/// tower-http's `ServeDir` on `dir`, its address printed on the first line
/// (the baseline `public` measures, in a process of its own).
pub async fn serve_dir(dir: PathBuf) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?);
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dir));
    axum::serve(listener, app).await?;
    Ok(())
}

/// A server measured: its name, address and process.
pub(super) struct Host {
    pub(super) name: &'static str,
    pub(super) addr: SocketAddr,
    pub(super) pid: u32,
}

impl Host {
    /// CPU time so far of the process and its children (nginx's workers),
    /// user and system, in seconds.
    pub(super) fn cpu(&self) -> f64 {
        let mut pids = vec![self.pid];
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", self.pid)) {
            for t in tasks.flatten() {
                let kids = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
                pids.extend(
                    kids.split_whitespace()
                        .filter_map(|p| p.parse::<u32>().ok()),
                );
            }
        }
        pids.iter()
            .map(|p| crate::bench_publish::cpu_of(&p.to_string()))
            .sum()
    }
}

/// Waits until `path` at `addr` answers 200.
async fn until_ready(addr: SocketAddr, path: &str) -> anyhow::Result<()> {
    let c = reqwest::Client::new();
    for _ in 0..200 {
        if c.get(format!("http://{addr}{path}"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("the server at {addr} never became ready")
}

/// The `serve-dir` child on `www`.
pub(super) async fn start_serve_dir(www: &Path) -> anyhow::Result<(tokio::process::Child, Host)> {
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .arg("serve-dir")
        .arg(www)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().unwrap_or(0);
    let out = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("stdout"))?;
    let mut lines = tokio::io::BufReader::new(out).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await??
        .ok_or_else(|| anyhow::anyhow!("serve-dir stopped before listening"))?;
    let addr: SocketAddr = addr.trim().parse()?;
    until_ready(addr, READY).await?;
    let name = "tower-http ServeDir";
    Ok((child, Host { name, addr, pid }))
}

/// nginx, when installed.
pub(super) struct Nginx {
    pub(super) child: tokio::process::Child,
    pub(super) bin: PathBuf,
    pub(super) dir: PathBuf,
}

impl Nginx {
    fn find() -> Option<PathBuf> {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .chain([PathBuf::from("/usr/sbin")])
            .map(|d| d.join("nginx"))
            .find(|p| p.is_file())
    }

    /// Its prefix, error log and settings, all in `dir`.
    fn args_in(dir: &Path) -> Vec<String> {
        let d = dir.display();
        vec![
            "-p".into(),
            format!("{d}/"),
            "-e".into(),
            format!("{d}/error.log"),
            "-c".into(),
            format!("{d}/nginx.conf"),
        ]
    }

    /// Starts it on `www` with `workers` worker processes; None (and why)
    /// when it is not installed or does not start.
    pub(super) async fn start(
        dir: &Path,
        www: &Path,
        workers: usize,
    ) -> Result<(Nginx, Host), String> {
        let bin = Nginx::find().ok_or("not installed (apt-get install nginx-light)")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let dir = dir.join("nginx");
        let conf = format!(
            "daemon off;\nworker_processes {workers};\npid {d}/nginx.pid;\nerror_log {d}/error.log error;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n\
             \x20 keepalive_requests 100000000;\n  keepalive_timeout 300s;\n\
             \x20 client_body_temp_path {d}/body;\n  types {{ video/mp4 mp4; text/plain txt; }}\n\
             \x20 server {{ listen 127.0.0.1:{port}; root {w}; }}\n}}\n",
            d = dir.display(),
            w = www.display()
        );
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("nginx.conf"), conf).map_err(|e| e.to_string())?;
        let child = tokio::process::Command::new(&bin)
            .args(Nginx::args_in(&dir))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| e.to_string())?;
        let n = Nginx { child, bin, dir };
        let pid = n.child.id().unwrap_or(0);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        if let Err(e) = until_ready(addr, READY).await {
            n.stop().await;
            return Err(e.to_string());
        }
        let name = "nginx (sendfile)";
        Ok((n, Host { name, addr, pid }))
    }

    /// Asks the master to stop (its workers with it), then waits.
    pub(super) async fn stop(mut self) {
        let _ = tokio::process::Command::new(&self.bin)
            .args(Nginx::args_in(&self.dir))
            .args(["-s", "stop"])
            .stderr(Stdio::null())
            .status()
            .await;
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.start_kill();
            let _ = self.child.wait().await;
        }
    }
}
