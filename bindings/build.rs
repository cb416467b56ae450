//! Link options that shrink the shared library where the linker is LLD (Rust's default on x86_64 Linux
//! since 1.90; the NDK's on Android): safe identical-code folding, and packed relative relocations —
//! the standard ELF form on glibc (2.36+), Android's own form on Android (API 23+).

fn main() {
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let args: &[&str] = match (arch.as_str(), os.as_str(), env.as_str()) {
        ("x86_64", "linux", "gnu") => &["-Wl,--icf=safe", "-Wl,-z,pack-relative-relocs"],
        // Android 15 devices with 16 KB pages load only libraries whose LOAD segments are 16 KB
        // aligned (Play requires it for targetSdk 35); harmless on 4 KB devices.
        (_, "android", _) => &["-Wl,--icf=safe", "-Wl,--pack-dyn-relocs=android", "-Wl,-z,max-page-size=16384"],
        _ => &[],
    };
    for arg in args {
        println!("cargo:rustc-cdylib-link-arg={arg}");
    }
}
