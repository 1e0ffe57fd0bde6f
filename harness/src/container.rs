//! fakecloud in a container, for Rust tests that want it out of process: starts the image built by
//! `ci/build-image.sh` with testcontainers and hands back the container and its auth URL. The
//! container is removed when the returned handle is dropped.
//!
//! ```ignore
//! let (_cloud, auth_url) = harness::container::start_fakecloud().await?;
//! // auth_url is http://127.0.0.1:<mapped port>/identity/v3
//! ```
//!
//! fakecloud builds the catalog's endpoint URLs from the request's Host header, so a client that
//! reaches it through the mapped port gets endpoints on that same port: no `--public-url` needed.

use anyhow::{anyhow, Context, Result};
use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

/// The image `ci/build-image.sh` builds, as name and tag.
pub const IMAGE_NAME: &str = "fakecloud";
pub const IMAGE_TAG: &str = "local";
/// Overrides the image (`name:tag`); `ci/build-image.sh` honours it too.
pub const IMAGE_ENV: &str = "FAKECLOUD_IMAGE";
/// The port fakecloud listens on inside the container (`EXPOSE 5000` in ci/Dockerfile).
pub const PORT: u16 = 5000;
/// The start of the line fakecloud prints on stdout once it serves.
pub const READY_MESSAGE: &str = "fakecloud ready";

/// The image to start, as (name, tag): `FAKECLOUD_IMAGE` if set, else `fakecloud:local`.
pub fn image() -> (String, String) {
    match std::env::var(IMAGE_ENV) {
        Ok(s) if !s.trim().is_empty() => split_image(s.trim()),
        _ => (IMAGE_NAME.to_string(), IMAGE_TAG.to_string()),
    }
}

/// `name[:tag]` to (name, tag); a `:` inside a registry's `host:port` is not a tag separator.
fn split_image(s: &str) -> (String, String) {
    match s.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name.to_string(), tag.to_string()),
        _ => (s.to_string(), "latest".to_string()),
    }
}

/// Starts fakecloud (the default fixture, real clock) in a container with its port 5000 mapped
/// to a free host port, waits for its ready line, and returns the container with the auth URL
/// `http://127.0.0.1:<port>/identity/v3` (the Docker host's address instead of 127.0.0.1 when
/// `DOCKER_HOST` points elsewhere). The cloud's base URL is the auth URL without
/// `/identity/v3` (what `fakecloud env --url` takes).
pub async fn start_fakecloud() -> Result<(ContainerAsync<GenericImage>, String)> {
    start_fakecloud_with(&[]).await
}

/// As [`start_fakecloud`], with extra `fakecloud serve` arguments (e.g. `["--clock", "manual"]`).
pub async fn start_fakecloud_with(serve_args: &[&str]) -> Result<(ContainerAsync<GenericImage>, String)> {
    start(serve_args, None).await
}

/// As [`start_fakecloud_with`], with the control API behind `token` (the container's
/// `FAKECLOUD_CONTROL_TOKEN`): control calls must send `Authorization: Bearer <token>`, as
/// `fakecloud ctl` does with the same variable set. The OpenStack APIs are unchanged.
pub async fn start_fakecloud_with_token(token: &str, serve_args: &[&str]) -> Result<(ContainerAsync<GenericImage>, String)> {
    start(serve_args, Some(token)).await
}

async fn start(serve_args: &[&str], token: Option<&str>) -> Result<(ContainerAsync<GenericImage>, String)> {
    let (name, tag) = image();
    let descriptor = format!("{name}:{tag}");
    let image = GenericImage::new(name, tag).with_exposed_port(PORT.tcp()).with_wait_for(WaitFor::message_on_stdout(READY_MESSAGE));
    // The image's ENTRYPOINT is `fakecloud serve --listen 0.0.0.0:5000`; the command appends to it.
    let mut request = image.with_cmd(serve_args.iter().map(|s| s.to_string()));
    if let Some(t) = token {
        request = request.with_env_var(fakecloud::control::access::TOKEN_ENV, t);
    }
    let container = request.start().await.map_err(|e| {
        anyhow!("cannot start the fakecloud container from image {descriptor}: {e}. Build the image with ci/build-image.sh (or set {IMAGE_ENV})")
    })?;
    let port = container.get_host_port_ipv4(PORT).await.context("the fakecloud container has no host port for 5000")?;
    // The Docker host: `localhost` for a local engine, which is pinned to IPv4 like the port is.
    let host = container.get_host().await.context("cannot tell the fakecloud container's host")?.to_string();
    let host = if host == "localhost" { "127.0.0.1".to_string() } else { host };
    Ok((container, format!("http://{host}:{port}/identity/v3")))
}

/// The cloud's base URL (what `fakecloud env --url` takes) for an auth URL from [`start_fakecloud`].
pub fn base_url(auth_url: &str) -> &str {
    auth_url.trim_end_matches('/').trim_end_matches("/identity/v3")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_split_on_the_tag_only() {
        assert_eq!(split_image("fakecloud:local"), ("fakecloud".into(), "local".into()));
        assert_eq!(split_image("registry:5000/fakecloud"), ("registry:5000/fakecloud".into(), "latest".into()));
        assert_eq!(split_image("registry:5000/fakecloud:v1"), ("registry:5000/fakecloud".into(), "v1".into()));
        assert_eq!(base_url("http://127.0.0.1:32768/identity/v3"), "http://127.0.0.1:32768");
    }
}
