//! `crossqr-switch serve`, as a process: sandbox mode is refused on anything but loopback.

use std::process::Command;

#[test]
fn sandbox_mode_refuses_a_non_loopback_address() {
    let out = Command::new(env!("CARGO_BIN_EXE_crossqr-switch"))
        .args(["serve", "--sandbox", "--addr", "0.0.0.0:0"])
        .output()
        .expect("the switch runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loopback"), "{err}");
    assert!(out.stdout.is_empty(), "it never started listening");
}
