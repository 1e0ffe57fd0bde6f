//! The real binary: `fakecloud serve` as a child process on a free port, killed when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_fakecloud");

pub struct Served {
    pub child: Child,
    /// `http://ADDR`, from the ready line.
    pub base: String,
    pub ready_line: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `fakecloud serve --listen 127.0.0.1:0 EXTRA...` and reads its ready line.
pub fn serve(extra: &[&str]) -> Served {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let auth_url = line.trim().strip_prefix("fakecloud ready: auth_url=").unwrap_or_else(|| panic!("unexpected ready line: {line}"));
    let base = auth_url.strip_suffix("/identity/v3").unwrap().to_string();
    Served { child, base, ready_line: line }
}
