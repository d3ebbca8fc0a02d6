//! The one place that runs media subprocesses (`ffprobe`, `ffmpeg`): a deadline on
//! every run with the process killed on expiry, `kill_on_drop` so a cancelled job
//! leaves nothing behind, stdout/stderr read line by line as they arrive, and a
//! typed [`MediaError`] carrying the tail of stderr for the logs.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};

use super::MediaError;

/// Lines kept from stderr for error reports.
const TAIL_LINES: usize = 30;
/// A longer line is cut into pieces of this size (protects memory from a program
/// that never writes a newline).
const MAX_LINE: u64 = 64 * 1024;
/// Captured stdout beyond this is an error (ffprobe JSON is a few kilobytes).
const MAX_CAPTURE: usize = 32 * 1024 * 1024;
/// How long to wait for a killed process to be reaped.
const REAP_WAIT: Duration = Duration::from_secs(5);

/// A subprocess to run: program, arguments, a deadline and a short name for logs.
#[derive(Debug, Clone)]
pub struct Job {
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

impl Job {
    pub fn new(program: impl AsRef<OsStr>, timeout: Duration) -> Job {
        let program = program.as_ref().to_os_string();
        Job {
            what: program.to_string_lossy().into_owned(),
            program,
            args: Vec::new(),
            timeout,
        }
    }

    /// A short description for logs and errors (default: the program name).
    pub fn what(mut self, what: impl Into<String>) -> Job {
        self.what = what.into();
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Job {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Job
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// Runs to completion and returns stdout; a non-zero exit is `Failed`.
    pub async fn output(self) -> Result<Output, MediaError> {
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
            return Err(MediaError::Parse(format!(
                "{what}: more than {MAX_CAPTURE} bytes on stdout"
            )));
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
    ) -> Result<Output, MediaError>
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
        die_with_parent(&mut cmd);
        let mut child = cmd
            .spawn()
            .map_err(|e| MediaError::Spawn(format!("{}: {e}", self.program.to_string_lossy())))?;
        let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(MediaError::Spawn("stdout/stderr not captured".into()));
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
                    tail.push_back(line.to_string());
                }),
            );
            r_out?;
            r_err?;
            child.wait().await
        };
        let finished = tokio::time::timeout(self.timeout, work).await;

        let status = match finished {
            Ok(status) => status?,
            Err(_) => {
                let secs = self.timeout.as_secs_f64().ceil() as u64;
                tracing::warn!(what = %self.what, secs, "deadline passed; killing");
                // SIGKILL, then reap so no zombie is left; kill_on_drop covers
                // the case where even that takes too long.
                let _ = child.start_kill();
                let _ = tokio::time::timeout(REAP_WAIT, child.wait()).await;
                return Err(MediaError::Timeout {
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
            Err(MediaError::Failed {
                what: self.what,
                code: status.code(),
                stderr_tail,
            })
        }
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

/// On Linux, the child gets SIGKILL when Lantoa dies, even by `kill -9`, so no
/// ffmpeg outlives the worker that started it (and writes into a job's work
/// folder while another worker redoes the job).
#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut tokio::process::Command) {
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

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_cmd: &mut tokio::process::Command) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_process_past_its_deadline_is_killed_and_reported_as_timeout() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pidfile = dir.path().join("pid");
        let script = format!("echo $$ > '{}'; exec sleep 30", pidfile.display());
        let started = std::time::Instant::now();
        let res = Job::new("sh", Duration::from_millis(300))
            .what("sleeper")
            .args(["-c", &script])
            .output()
            .await;
        match res {
            Err(MediaError::Timeout { what, secs }) => {
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
    async fn a_failing_process_reports_its_exit_code_and_stderr_tail() {
        let res = Job::new("sh", Duration::from_secs(10))
            .args(["-c", "echo first >&2; echo last words >&2; exit 3"])
            .output()
            .await;
        match res {
            Err(MediaError::Failed {
                code, stderr_tail, ..
            }) => {
                assert_eq!(code, Some(3));
                assert_eq!(stderr_tail, "first\nlast words");
            }
            other => panic!("expected Failed, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn stdout_is_captured_and_lines_are_streamed() {
        let out = Job::new("sh", Duration::from_secs(10))
            .args(["-c", "printf 'a\\r\\nb\\n'; echo oops >&2"])
            .output()
            .await
            .expect("runs");
        assert_eq!(out.stdout, "a\nb\n");
        assert_eq!(out.stderr_tail, "oops");

        let mut seen = vec![];
        Job::new("sh", Duration::from_secs(10))
            .args(["-c", "echo one; echo two"])
            .stream(|l| seen.push(l.to_string()), |_| {})
            .await
            .expect("runs");
        assert_eq!(seen, ["one", "two"]);
    }

    #[tokio::test]
    async fn a_missing_program_is_a_spawn_error() {
        let res = Job::new("/nonexistent/ffmpeg", Duration::from_secs(1))
            .output()
            .await;
        assert!(matches!(res, Err(MediaError::Spawn(_))), "{res:?}");
    }
}
