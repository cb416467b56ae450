//! Helpers for the host-side integration tests.

pub mod cpu_clock;
pub mod sandbox;
pub mod sim;
pub mod synth;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `node tests/node/khqr_sdk.js ARGS` with `payloads` on stdin and returns its JSON lines.
/// Panics with the fix when the SDK has not been installed (`scripts/setup.sh` installs it).
pub fn bakong_sdk(payloads: &[String], args: &[&str]) -> Vec<Value> {
    let dir = repo_root().join("tests/node");
    assert!(
        dir.join("node_modules/bakong-khqr").is_dir(),
        "the official bakong-khqr SDK is not installed: run scripts/setup.sh (npm ci in tests/node)"
    );
    let mut child = Command::new("node")
        .arg("khqr_sdk.js")
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node is on PATH");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(payloads.join("\n").as_bytes()).expect("write payloads");
    drop(stdin);
    let out = child.wait_with_output().expect("node ran");
    assert!(out.status.success(), "node failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}
