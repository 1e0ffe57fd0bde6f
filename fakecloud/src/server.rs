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
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = server.await {
            tracing::error!("server stopped: {e}");
        }
    });
    Ok(RunningCloud { cloud, addr, shutdown: Some(tx), task: Some(task) })
}
