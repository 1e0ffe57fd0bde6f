//! Connection timeouts: a client that opens a connection and sends nothing, one that sends half a
//! request head (slowloris), and a kept-alive connection left idle are all closed by the server,
//! while a client that sends its request answers as usual. The timeout here is a tenth of a
//! second, so the test waits that long for each close; the upper bound only stops a hang.

use fakecloud::cloud::ConnectionLimits;
use fakecloud::{CloudConfig, RunningCloud};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn cloud() -> RunningCloud {
    let connections = ConnectionLimits { header_read_timeout: Duration::from_millis(100) };
    let config = CloudConfig { clock: fakecloud::sim::ClockMode::Manual, connections, ..Default::default() };
    fakecloud::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// Reads until the server closes the connection; everything it sent meanwhile.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut got)).await;
    assert!(read.is_ok(), "the server kept the connection open; it sent: {}", String::from_utf8_lossy(&got));
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let c = cloud().await;
    let mut stream = TcpStream::connect(c.addr).await.unwrap();
    assert_eq!(until_closed(&mut stream).await, "");
}

#[tokio::test]
async fn a_half_sent_request_head_is_closed_unanswered() {
    let c = cloud().await;
    let mut stream = TcpStream::connect(c.addr).await.unwrap();
    stream.write_all(b"GET /identity/v3 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
    let sent = until_closed(&mut stream).await;
    assert!(!sent.contains("200 OK"), "{sent}");
}

#[tokio::test]
async fn a_kept_alive_connection_is_answered_then_closed_once_idle() {
    let c = cloud().await;
    let mut stream = TcpStream::connect(c.addr).await.unwrap();
    stream.write_all(b"GET /identity/v3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();
    let sent = until_closed(&mut stream).await;
    assert!(sent.starts_with("HTTP/1.1 200 OK"), "{sent}");
    assert_eq!(sent.matches("HTTP/1.1 ").count(), 1, "one answer, then the idle connection closed: {sent}");
}
