//! The real binary, spawned: its resident memory serving a large cloud, and its cold start.

use crate::client::{one_shot, password_auth_body, post_json_request, TOKENS_PATH};
use crate::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Resident memory (VmRSS, MB) of the real binary serving `fixture` (written to a temporary YAML
/// file named after `label`), measured once it prints its ready line.
pub fn resident_mb(exe: &std::path::Path, label: &str, fixture: &fakecloud::Fixture) -> Result<f64, String> {
    let dir = std::env::temp_dir().join(format!("fakecloud-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{label}.yaml"));
    let yaml = serde_yaml_ng::to_string(fixture).map_err(|e| e.to_string())?;
    std::fs::write(&path, yaml).map_err(|e| e.to_string())?;
    let mut child = std::process::Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0", "--fixture"])
        .arg(&path)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().expect("stdout")), &mut line)
        .map_err(|e| e.to_string())?;
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).map_err(|e| e.to_string());
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    if !line.starts_with("fakecloud ready") {
        return Err(format!("no ready line: {line:?}"));
    }
    let kb: f64 = status?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or("no VmRSS in /proc status")?;
    Ok(kb / 1024.0)
}

pub struct ColdSample {
    pub ready: Duration,
    pub first_201: Duration,
}

pub async fn cold_start_once(exe: &std::path::Path) -> Result<ColdSample, String> {
    let t0 = Instant::now();
    let mut child = tokio::process::Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot spawn {}: {e}", exe.display()))?;
    let result = async {
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let line = tokio::time::timeout(Duration::from_secs(10), BufReader::new(stdout).lines().next_line())
            .await
            .map_err(|_| "no ready line within 10 s".to_string())?
            .map_err(|e| format!("reading stdout: {e}"))?
            .ok_or("fakecloud exited before its ready line")?;
        let ready = t0.elapsed();
        let addr: SocketAddr = line
            .split("auth_url=http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("unexpected ready line: {line}"))?;
        let req = post_json_request(addr, TOKENS_PATH, &password_auth_body("admin", "admin-secret", "admin"));
        loop {
            match one_shot(addr, &req, None).await {
                Ok(r) if r.status == 201 => break,
                Ok(_) | Err(_) if t0.elapsed() > Duration::from_secs(10) => return Err("no 201 within 10 s".to_string()),
                _ => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }
        Ok(ColdSample { ready, first_201: t0.elapsed() })
    }
    .await;
    let _ = child.start_kill();
    let _ = child.wait().await;
    result
}

pub fn locate_binary(args: &Args) -> PathBuf {
    args.fakecloud_bin.clone().unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_fakecloud")))
}
