//! The server that puts a cloud on a port, used by the binary and, in-process, by the harness.

use crate::cloud::{Cloud, CloudConfig};
use crate::http::routes::Mount;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A cloud serving on a port, stopped when dropped.
pub struct RunningCloud {
    pub cloud: Arc<Cloud>,
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningCloud {
    /// `http://ADDR`: what clients put in front of the service prefixes.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn auth_url(&self) -> String {
        format!("{}/identity/v3", self.url())
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for RunningCloud {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Accepts connections until `stop` fires, then lets the open ones finish their requests. Each
/// connection speaks HTTP/1.1 or HTTP/2 (as axum::serve does), with the header-read timeout set:
/// hyper runs that clock whenever it waits for a request head, so it bounds a half-sent head
/// (slowloris) and a kept-alive connection that sends nothing alike.
async fn serve(listener: TcpListener, app: axum::Router, limits: crate::cloud::ConnectionLimits, mut stop: oneshot::Receiver<()>) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    // HTTP/2 has no request heads to wait for between requests: an unanswered ping closes it.
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(limits.header_read_timeout).keep_alive_timeout(limits.header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // Tells connections still waiting for their first byte that the server is stopping.
    let (stopping, stopped) = tokio::sync::watch::channel(false);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            // hyper's clock starts once it knows the protocol, which takes the first bytes: a
            // connection that sends none is closed here.
            let mut first = [0u8; 1];
            let first_bytes = tokio::time::timeout(limits.header_read_timeout, stream.peek(&mut first));
            tokio::select! {
                ready = first_bytes => if !matches!(ready, Ok(Ok(1))) { return },
                _ = stopped.changed() => return,
            }
            let connection = watcher.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned());
            if let Err(e) = connection.await {
                tracing::debug!("connection closed: {e}");
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    graceful.shutdown().await;
}

/// Binds `listen` (port 0 picks a free port) and serves the cloud on the current tokio runtime.
pub async fn start(config: CloudConfig, listen: SocketAddr) -> anyhow::Result<RunningCloud> {
    start_with(config, listen, crate::services::mounts()).await
}

/// `start` with the services given instead of the standard set (an embedder adding its own).
pub async fn start_with(config: CloudConfig, listen: SocketAddr, mounts: Vec<Mount>) -> anyhow::Result<RunningCloud> {
    let cloud = Cloud::new(config)?;
    let listener = TcpListener::bind(listen).await.map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    let app = crate::http::service(cloud.clone(), &mounts);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, app, cloud.config.connections, rx));
    Ok(RunningCloud { cloud, addr, shutdown: Some(tx), task: Some(task) })
}
