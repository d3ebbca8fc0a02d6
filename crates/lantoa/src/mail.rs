//! Notification e-mail through an SMTP relay: plain SMTP (RFC 5321) to a relay
//! the operator runs (typically the machine's own MTA), no authentication, one
//! message per connection. Optional and off unless `smtp_url` is set.

use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One message to send.
pub struct Mail<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

const TIMEOUT: Duration = Duration::from_secs(30);

/// An RFC 2047 encoded-word for a UTF-8 header value.
fn encode_header(s: &str) -> String {
    if s.is_ascii() && !s.contains(['\r', '\n']) {
        return s.to_string();
    }
    format!(
        "=?UTF-8?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(s.replace(['\r', '\n'], " "))
    )
}

/// The message as sent after DATA: headers, a base64 UTF-8 text body, CRLF line ends.
pub fn render(m: &Mail<'_>, date: &str, message_id: &str) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(m.body);
    let mut out = format!(
        "From: Lantoa <{}>\r\nTo: <{}>\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: <{message_id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n",
        m.from,
        m.to,
        encode_header(m.subject)
    );
    for chunk in body.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push_str("\r\n");
    }
    out
}

/// Whether an address is safe to put in an SMTP command.
pub fn valid_address(a: &str) -> bool {
    let a = a.trim();
    a.len() <= 254
        && a.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c))
}

async fn reply(r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Result<u16, String> {
    loop {
        let mut line = String::new();
        let n = tokio::time::timeout(TIMEOUT, r.read_line(&mut line))
            .await
            .map_err(|_| "smtp: timed out".to_string())?
            .map_err(|e| format!("smtp: {e}"))?;
        if n == 0 {
            return Err("smtp: connection closed".into());
        }
        let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(code);
        }
    }
}

/// Sends one message through the relay at `host:port`. Errors carry the step
/// and the relay's reply code, for the job's retry and the logs.
pub async fn send(relay: &str, hostname: &str, m: &Mail<'_>) -> Result<(), String> {
    if !valid_address(m.from) || !valid_address(m.to) {
        return Err("smtp: invalid address".into());
    }
    let stream = tokio::time::timeout(TIMEOUT, TcpStream::connect(relay))
        .await
        .map_err(|_| "smtp: connect timed out".to_string())?
        .map_err(|e| format!("smtp: connect: {e}"))?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let expect = |step: &str, got: u16, want: u16| {
        if got / 100 == want / 100 {
            Ok(())
        } else {
            Err(format!("smtp: {step} answered {got}"))
        }
    };
    expect("greeting", reply(&mut r).await?, 220)?;
    let now = jiff::Timestamp::now();
    let message_id = format!(
        "{}.{}@{hostname}",
        now.as_millisecond(),
        hex::encode(crate::crypto::random_bytes::<6>())
    );
    let date = now
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string();
    let data = render(m, &date, &message_id);
    // Dot-stuffing: a line starting with "." gets another.
    let data = data.replace("\r\n.", "\r\n..");
    let steps: [(&str, String, u16); 4] = [
        ("EHLO", format!("EHLO {hostname}\r\n"), 250),
        ("MAIL", format!("MAIL FROM:<{}>\r\n", m.from), 250),
        ("RCPT", format!("RCPT TO:<{}>\r\n", m.to), 250),
        ("DATA", "DATA\r\n".into(), 354),
    ];
    for (step, cmd, want) in steps {
        w.write_all(cmd.as_bytes())
            .await
            .map_err(|e| format!("smtp: {e}"))?;
        expect(step, reply(&mut r).await?, want)?;
    }
    w.write_all(data.as_bytes())
        .await
        .map_err(|e| format!("smtp: {e}"))?;
    w.write_all(b".\r\n")
        .await
        .map_err(|e| format!("smtp: {e}"))?;
    expect("message", reply(&mut r).await?, 250)?;
    let _ = w.write_all(b"QUIT\r\n").await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_encoded_and_bodies_are_base64() {
        let m = Mail {
            from: "lantoa@baotinh.vn",
            to: "bientap@baotinh.vn",
            subject: "Clip “Lễ ra quân” chờ bạn duyệt",
            body: "Xin chào\n.\nhết",
        };
        let s = render(&m, "Thu, 26 Nov 2026 10:00:00 +0000", "1@x");
        assert!(s.contains("Subject: =?UTF-8?B?"));
        assert!(s.contains("Content-Transfer-Encoding: base64"));
        let body = s.split("\r\n\r\n").nth(1).unwrap().replace("\r\n", "");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "Xin chào\n.\nhết");
    }

    #[test]
    fn addresses_are_checked() {
        assert!(valid_address("a.b@baotinh.vn"));
        assert!(!valid_address("a@b"));
        assert!(!valid_address("a@b.vn>\r\nRCPT TO:<x@y.vn"));
        assert!(!valid_address("nobody"));
    }
}
