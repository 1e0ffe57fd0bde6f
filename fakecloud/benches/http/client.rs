//! A minimal HTTP/1.1 client: one request, one response, on a keep-alive connection. Written by
//! hand over tokio's `TcpStream` so that as little CPU as possible goes to the client: it shares
//! the machine's cores with the server.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
pub const TOKENS_PATH: &str = "/identity/v3/auth/tokens";

pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

pub struct Reply {
    pub status: u16,
    pub body_len: usize,
    /// The value of the header asked for, if any.
    pub header: Option<String>,
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn { stream, buf: Vec::with_capacity(16 * 1024) })
    }

    /// Reads more bytes into the buffer; EOF is an error (the server closed mid-response).
    async fn fill(&mut self) -> io::Result<()> {
        self.buf.reserve(16 * 1024);
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed by the server"));
        }
        Ok(())
    }

    /// Sends `req` (a complete request) and reads one response, keeping `want_header`'s value.
    pub async fn roundtrip(&mut self, req: &[u8], want_header: Option<&str>) -> io::Result<Reply> {
        self.stream.write_all(req).await?;
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buf[..head_end]).map_err(|_| bad("response head is not UTF-8"))?;
        let mut lines = head.split("\r\n");
        let status =
            lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse::<u16>().ok()).ok_or_else(|| bad("bad status line"))?;
        let (mut content_length, mut chunked, mut close, mut header) = (None, false, false, None);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                content_length = Some(value.parse::<usize>().map_err(|_| bad("bad content-length"))?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            } else if want_header.is_some_and(|w| name.eq_ignore_ascii_case(w)) {
                header = Some(value.to_string());
            }
        }
        let body_len = if chunked {
            self.read_chunked(head_end).await?
        } else {
            let len = content_length.unwrap_or(0);
            while self.buf.len() < head_end + len {
                self.fill().await?;
            }
            len
        };
        if close {
            return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "server asked to close the connection"));
        }
        Ok(Reply { status, body_len, header })
    }

    /// Reads a chunked body starting at `pos`; returns its decoded length.
    async fn read_chunked(&mut self, mut pos: usize) -> io::Result<usize> {
        let mut total = 0;
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buf[pos..], b"\r\n") {
                    break pos + i;
                }
                self.fill().await?;
            };
            let size_text = std::str::from_utf8(&self.buf[pos..line_end]).map_err(|_| bad("bad chunk size"))?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).map_err(|_| bad("bad chunk size"))?;
            pos = line_end + 2;
            if size == 0 {
                // No trailers expected: the terminating empty line.
                while self.buf.len() < pos + 2 {
                    self.fill().await?;
                }
                return Ok(total);
            }
            while self.buf.len() < pos + size + 2 {
                self.fill().await?;
            }
            pos += size + 2;
            total += size;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

pub fn get_request(addr: SocketAddr, path: &str, extra_headers: &[(&str, &str)]) -> Vec<u8> {
    let mut r = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n");
    for (k, v) in extra_headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("\r\n");
    r.into_bytes()
}

pub fn post_json_request(addr: SocketAddr, path: &str, body: &str) -> Vec<u8> {
    post_json_request_with(addr, path, body, &[])
}

pub fn post_json_request_with(addr: SocketAddr, path: &str, body: &str, extra_headers: &[(&str, &str)]) -> Vec<u8> {
    json_request_with("POST", addr, path, body, extra_headers)
}

/// A request with a JSON body and any method (`PUT` for a quota update, `POST` for creates).
pub fn json_request_with(method: &str, addr: SocketAddr, path: &str, body: &str, extra_headers: &[(&str, &str)]) -> Vec<u8> {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Type: application/json\r\n");
    for (k, v) in extra_headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    r.into_bytes()
}

pub fn password_auth_body(user: &str, password: &str, project: &str) -> String {
    serde_json::json!({"auth": {
        "identity": {"methods": ["password"],
            "password": {"user": {"name": user, "domain": {"name": "Default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"name": "Default"}}},
    }})
    .to_string()
}

/// One request on a fresh connection (setup and cold start), with a timeout.
pub async fn one_shot(addr: SocketAddr, req: &[u8], want_header: Option<&str>) -> io::Result<Reply> {
    tokio::time::timeout(REQUEST_TIMEOUT, async {
        let mut c = Conn::connect(addr).await?;
        c.roundtrip(req, want_header).await
    })
    .await
    .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "request timed out"))?
}
