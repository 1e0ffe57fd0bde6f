//! What a shell command answers: its two streams, its exit status and, for `docker export -o FILE`,
//! a file written on the caller's side. Every command file builds its answer from here, and
//! `POST /_fakecloud/shell` returns it as JSON.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
    /// A file the command writes on the caller's side (`docker export -o FILE`), base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<OutputFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputFile {
    pub path: String,
    pub base64: String,
}

impl Output {
    pub fn ok(stdout: impl Into<String>) -> Output {
        Output { stdout: stdout.into(), ..Default::default() }
    }

    pub fn fail(status: i32, stderr: impl Into<String>) -> Output {
        Output { stderr: stderr.into(), status, ..Default::default() }
    }

    /// Both streams, for tests and snapshots.
    pub fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}
