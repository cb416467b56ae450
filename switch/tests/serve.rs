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

/// A switch process, killed when dropped (also when a test panics).
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `crossqr-switch serve ARGS` on a free port and returns it with its ready line.
fn serve(args: &[&str]) -> (Served, serde_json::Value) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_crossqr-switch"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the switch runs");
    let stdout = child.stdout.take().unwrap();
    let served = Served(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line).unwrap();
    (served, serde_json::from_str(&line).unwrap_or_else(|e| panic!("ready line {line:?}: {e}")))
}

/// The server key over HTTPS, trusting `ca_pem` only.
fn server_key(url: &str, ca_pem: &str) -> Result<String, crossqr_core::api::ApiError> {
    let trust = crossqr_core::api::tls::TlsTrust::from_pem(ca_pem).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(crossqr_core::api::fetch_server_key(url, Some(&trust))).map(|k| k.spki_base64())
}

#[test]
fn serves_https_with_given_or_self_signed_certificates() {
    // Its own test CA, printed for wallets to trust.
    let (child, ready) = serve(&["--tls-self-signed"]);
    let url = ready["url"].as_str().unwrap();
    assert!(url.starts_with("https://127.0.0.1:"), "{ready}");
    let ca = ready["ca_pem"].as_str().unwrap();
    assert_eq!(server_key(url, ca).unwrap(), ready["public_key"].as_str().unwrap());
    drop(child);

    // A certificate and key from files; a wallet trusting another CA is refused.
    let now = crossqr_core::clock::system_now_ms() / 1000;
    let pki =
        crossqr_switch::pki::TestPki::generate("files CA", &crossqr_switch::pki::ServerCert::loopback(now)).unwrap();
    let dir = std::env::temp_dir().join(format!("crossqr-serve-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, &pki.cert_pem).unwrap();
    std::fs::write(&key, &pki.key_pem).unwrap();
    let (_child, ready) = serve(&["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    let url = ready["url"].as_str().unwrap();
    assert!(ready["ca_pem"].is_null());
    assert_eq!(server_key(url, &pki.ca_pem).unwrap(), ready["public_key"].as_str().unwrap());
    let other =
        crossqr_switch::pki::TestPki::generate("other CA", &crossqr_switch::pki::ServerCert::loopback(now)).unwrap();
    assert_eq!(server_key(url, &other.ca_pem).unwrap_err().code, crossqr_core::ErrorCode::TlsUntrusted);
    let _ = std::fs::remove_dir_all(&dir);
}
