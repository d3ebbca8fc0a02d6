//! The one place Lantoa runs other programs (`ffprobe`, `ffmpeg`, the browser
//! that prints reports to PDF).
//!
//! Every run has a deadline: past it the process and everything it started are
//! killed (SIGKILL to its process group) and reaped. A run whose future is
//! dropped (a cancelled job, a client that went away) kills them too. On Linux
//! the child also gets SIGKILL when Lantoa dies, even by `kill -9`, so nothing
//! outlives the process that started it. stdout and stderr are read line by
//! line as they arrive; only a bounded tail of stderr is kept, for the typed
//! [`SubprocessError`] and the logs.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};

/// Lines kept from stderr for error reports.
const TAIL_LINES: usize = 30;
/// Bytes kept of each of those lines: the tail stays small whatever a program
/// prints (Chromium writes long lines).
const TAIL_LINE_BYTES: usize = 1024;
/// A longer line is cut into pieces of this size (protects memory from a program
/// that never writes a newline).
const MAX_LINE: u64 = 64 * 1024;
/// Captured stdout beyond this is an error (ffprobe JSON is a few kilobytes).
const MAX_CAPTURE: usize = 32 * 1024 * 1024;
/// How long to wait for a killed process to be reaped.
const REAP_WAIT: Duration = Duration::from_secs(5);

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum SubprocessError {
    /// The process ran past its deadline and was killed.
    #[error("{what} timed out after {secs} s and was killed")]
    Timeout { what: String, secs: u64 },
    /// The program could not be started (not installed, not executable…).
    #[error("could not start: {0}")]
    Spawn(String),
    /// The process ran and exited unsuccessfully.
    #[error("{what} failed (exit code {code:?}): {stderr_tail}")]
    Failed {
        what: String,
        code: Option<i32>,
        stderr_tail: String,
    },
    /// More on stdout than a capture keeps.
    #[error("{what}: more than {limit} bytes on stdout")]
    TooMuchOutput { what: String, limit: usize },
    /// Reading the process's output failed.
    #[error("i/o: {0}")]
    Io(String),
}

impl From<std::io::Error> for SubprocessError {
    fn from(e: std::io::Error) -> Self {
        SubprocessError::Io(e.to_string())
    }
}

/// A subprocess to run: program, arguments, a deadline and a short name for logs.
#[derive(Debug, Clone)]
pub struct Subprocess {
    what: String,
    program: OsString,
    args: Vec<OsString>,
    timeout: Duration,
}

/// What a finished process left: captured stdout (empty when streamed) and the
/// last lines of stderr.
#[derive(Debug, Clone)]
pub struct Output {
    pub stdout: String,
    pub stderr_tail: String,
}

impl Subprocess {
    pub fn new(program: impl AsRef<OsStr>, timeout: Duration) -> Subprocess {
        let program = program.as_ref().to_os_string();
        Subprocess {
            what: program.to_string_lossy().into_owned(),
            program,
            args: Vec::new(),
            timeout,
        }
    }

    /// A short description for logs and errors (default: the program name).
    pub fn what(mut self, what: impl Into<String>) -> Subprocess {
        self.what = what.into();
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Subprocess {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Subprocess
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// Runs to completion and returns stdout; a non-zero exit is `Failed`.
    pub async fn output(self) -> Result<Output, SubprocessError> {
        let mut stdout = String::new();
        let mut overflow = false;
        let what = self.what.clone();
        let mut out = self
            .stream(
                |line| {
                    if stdout.len() + line.len() < MAX_CAPTURE {
                        stdout.push_str(line);
                        stdout.push('\n');
                    } else {
                        overflow = true;
                    }
                },
                |_| {},
            )
            .await?;
        if overflow {
            return Err(SubprocessError::TooMuchOutput {
                what,
                limit: MAX_CAPTURE,
            });
        }
        out.stdout = stdout;
        Ok(out)
    }

    /// Runs to completion, handing each stdout and stderr line (without its line
    /// ending) to the callbacks as it arrives; a non-zero exit is `Failed`.
    pub async fn stream<O, E>(
        self,
        mut on_stdout: O,
        mut on_stderr: E,
    ) -> Result<Output, SubprocessError>
    where
        O: FnMut(&str) + Send,
        E: FnMut(&str) + Send,
    {
        tracing::debug!(what = %self.what, program = ?self.program, args = ?self.args, "spawning");
        let mut cmd = tokio::process::Command::new(&self.program);
        cmd.args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        own_group_and_die_with_parent(&mut cmd);
        let mut child = cmd.spawn().map_err(|e| {
            SubprocessError::Spawn(format!("{}: {e}", self.program.to_string_lossy()))
        })?;
        // Until the child is reaped, dropping this kills its whole group.
        let mut group = GroupGuard(child.id());
        let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(SubprocessError::Spawn("stdout/stderr not captured".into()));
        };

        let mut tail: VecDeque<String> = VecDeque::with_capacity(TAIL_LINES);
        let work = async {
            let (r_out, r_err) = tokio::join!(
                lines(out, &mut on_stdout),
                lines(err, |line: &str| {
                    on_stderr(line);
                    if tail.len() == TAIL_LINES {
                        tail.pop_front();
                    }
                    tail.push_back(clip(line, TAIL_LINE_BYTES).to_string());
                }),
            );
            r_out?;
            r_err?;
            child.wait().await
        };
        let finished = tokio::time::timeout(self.timeout, work).await;

        let status = match finished {
            Ok(status) => {
                // Reaped: its id may be reused, the group must not be signalled.
                group.0 = None;
                status?
            }
            Err(_) => {
                let secs = self.timeout.as_secs_f64().ceil() as u64;
                tracing::warn!(what = %self.what, secs, "deadline passed; killing");
                // SIGKILL to the group while the leader is unreaped (so its id
                // cannot have been reused), then reap so no zombie is left;
                // kill_on_drop covers the case where even that takes too long.
                group.kill();
                let _ = child.start_kill();
                let _ = tokio::time::timeout(REAP_WAIT, child.wait()).await;
                return Err(SubprocessError::Timeout {
                    what: self.what,
                    secs,
                });
            }
        };

        let stderr_tail = Vec::from(tail).join("\n");
        if status.success() {
            Ok(Output {
                stdout: String::new(),
                stderr_tail,
            })
        } else {
            Err(SubprocessError::Failed {
                what: self.what,
                code: status.code(),
                stderr_tail,
            })
        }
    }
}

/// The first `max` bytes of `s`, cut at a character boundary.
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Kills the process group of a child that has not been reaped.
struct GroupGuard(Option<u32>);

impl GroupGuard {
    fn kill(&mut self) {
        #[cfg(unix)]
        if let Some(pid) = self.0.take().and_then(|p| i32::try_from(p).ok()) {
            // SAFETY: kill(2) with a negative pid signals that process group;
            // the group is the child's own (see `own_group_and_die_with_parent`).
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Reads `r` to its end, calling `f` for each line (lossy UTF-8, without "\n" or
/// "\r\n").
async fn lines<R, F>(r: R, mut f: F) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    F: FnMut(&str),
{
    let mut reader = BufReader::new(r);
    let mut buf = Vec::with_capacity(256);
    loop {
        buf.clear();
        let n = (&mut reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut buf)
            .await?;
        if n == 0 {
            return Ok(());
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        f(&String::from_utf8_lossy(&buf));
    }
}

/// The child leads its own process group, so a deadline or a drop kills what
/// it started too (Chromium's renderers, for one). On Linux it also gets
/// SIGKILL when Lantoa dies, even by `kill -9`, so no ffmpeg outlives the
/// worker that started it (and writes into a job's work folder while another
/// worker redoes the job).
#[cfg(target_os = "linux")]
fn own_group_and_die_with_parent(cmd: &mut tokio::process::Command) {
    cmd.process_group(0);
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
fn own_group_and_die_with_parent(cmd: &mut tokio::process::Command) {
    cmd.process_group(0);
}

#[cfg(not(unix))]
fn own_group_and_die_with_parent(_cmd: &mut tokio::process::Command) {}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sh -c script`.
    fn sh(script: &str, timeout: Duration) -> Subprocess {
        Subprocess::new("sh", timeout).args(["-c", script])
    }

    /// Asserts that the process whose pid is in `pidfile` is gone within
    /// five seconds.
    async fn assert_gone_soon(pidfile: &std::path::Path, what: &str) {
        let pid = std::fs::read_to_string(pidfile).expect("pid written");
        for _ in 0..100 {
            if !alive(&pid) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{what} (pid {}) outlived its deadline", pid.trim());
    }

    fn alive(pid: &str) -> bool {
        // A zombie still has /proc/<pid>; its state is Z.
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).is_ok_and(|s| {
            s.rsplit(')')
                .next()
                .is_some_and(|r| !r.trim_start().starts_with('Z'))
        })
    }

    #[tokio::test]
    async fn a_process_past_its_deadline_is_killed_and_reported_as_timeout() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pidfile = dir.path().join("pid");
        let script = format!("echo $$ > '{}'; exec sleep 30", pidfile.display());
        let started = std::time::Instant::now();
        let res = sh(&script, Duration::from_millis(300))
            .what("sleeper")
            .output()
            .await;
        match res {
            Err(SubprocessError::Timeout { what, secs }) => {
                assert_eq!(what, "sleeper");
                assert_eq!(secs, 1);
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "did not stop early"
        );
        let pid = std::fs::read_to_string(&pidfile).expect("pid written");
        let proc_dir = format!("/proc/{}", pid.trim());
        assert!(
            !std::path::Path::new(&proc_dir).exists(),
            "process {proc_dir} still exists after the timeout"
        );
    }

    #[tokio::test]
    async fn p03_what_a_hung_process_started_dies_with_it_at_the_deadline() {
        // A browser's helpers are its children: they must not outlive it.
        let dir = tempfile::tempdir().expect("tempdir");
        let pidfile = dir.path().join("grandchild");
        let script = format!("sleep 30 & echo $! > '{}'; wait", pidfile.display());
        let res = sh(&script, Duration::from_millis(500)).output().await;
        assert!(
            matches!(res, Err(SubprocessError::Timeout { .. })),
            "{res:?}"
        );
        // The grandchild was killed; its parent is gone, so init reaps it.
        assert_gone_soon(&pidfile, "the grandchild, past the deadline,").await;
    }

    #[tokio::test]
    async fn a_dropped_run_kills_its_process() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pidfile = dir.path().join("pid");
        let script = format!("echo $$ > '{}'; exec sleep 30", pidfile.display());
        let run = sh(&script, Duration::from_secs(60)).output();
        // Let it start, then give up on it as a cancelled request does.
        let _ = tokio::time::timeout(Duration::from_millis(500), run).await;
        assert_gone_soon(&pidfile, "the process of a dropped run").await;
    }

    #[tokio::test]
    async fn a_failing_process_reports_its_exit_code_and_a_bounded_stderr_tail() {
        let script = "echo first >&2; head -c 5000 /dev/zero | tr '\\0' x >&2; echo >&2; echo last words >&2; exit 3";
        let res = sh(script, Duration::from_secs(10)).output().await;
        match res {
            Err(SubprocessError::Failed {
                code, stderr_tail, ..
            }) => {
                assert_eq!(code, Some(3));
                let lines: Vec<&str> = stderr_tail.lines().collect();
                assert_eq!(lines.first(), Some(&"first"));
                assert_eq!(lines.get(1).map(|l| l.len()), Some(TAIL_LINE_BYTES));
                assert_eq!(lines.last(), Some(&"last words"));
            }
            other => panic!("expected Failed, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn stdout_is_captured_and_lines_are_streamed() {
        let out = sh(
            "printf 'a\\r\\nb\\n'; echo oops >&2",
            Duration::from_secs(10),
        )
        .output()
        .await
        .expect("runs");
        assert_eq!(out.stdout, "a\nb\n");
        assert_eq!(out.stderr_tail, "oops");

        let mut seen = vec![];
        sh("echo one; echo two", Duration::from_secs(10))
            .stream(|l| seen.push(l.to_string()), |_| {})
            .await
            .expect("runs");
        assert_eq!(seen, ["one", "two"]);
    }

    #[tokio::test]
    async fn a_missing_program_is_a_spawn_error() {
        let res = Subprocess::new("/nonexistent/ffmpeg", Duration::from_secs(1))
            .output()
            .await;
        assert!(matches!(res, Err(SubprocessError::Spawn(_))), "{res:?}");
    }
}
