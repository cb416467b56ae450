//! Regenerates the camera frames `crossqr demo` scans and the FFI benchmark's frame:
//! `cargo run -p crossqr-tests --example demo_assets`. A dynamic JPQR sticker (¥1,200, Japanese name)
//! photographed in Osaka (960×540, and 1280×720 for `scripts/bench-ffi.sh`), and a static KHQR sticker
//! (Khmer name, riel) photographed in Phnom Penh: tilted, slightly blurred, noisy, in uneven light.

use crossqr_core::clock::system_now_ms;
use crossqr_core::money::Currency;
use crossqr_core::schemes::khqr::{KhqrRequest, generate};
use crossqr_tests::synth::{Conditions, frame, jpqr};

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let khqr = KhqrRequest {
        currency: Currency::KHR,
        merchant_city: Some("Phnom Penh".into()),
        alt_language: Some("km".into()),
        alt_name: Some("ហាងកាហ្វេ".into()),
        alt_city: Some("ភ្នំពេញ".into()),
        ..KhqrRequest::individual("cafe@aclb", "Phnom Penh Cafe")
    };
    let jpqr = jpqr(42, "らーめん一番", Some(1200));
    let stickers = [
        ("cli/assets/jpqr-osaka.png", jpqr.clone(), 11, (960, 540)),
        ("cli/assets/khqr-phnom-penh.png", generate(&khqr, system_now_ms()).expect("KHQR").payload, 23, (960, 540)),
        ("tests/fixtures/assets/jpqr-osaka-1280x720.png", jpqr, 11, (1280, 720)),
    ];
    for (name, payload, seed, (width, height)) in stickers {
        let c = Conditions {
            module_px: 4.5,
            rotation_deg: 7.0,
            tilt: 0.12,
            blur: 0.7,
            noise: 5.0,
            shadow: 0.25,
            ..Conditions::default()
        };
        let f = frame(seed, width, height, Some(&payload), c);
        let img = image::GrayImage::from_raw(f.width as u32, f.height as u32, f.luma).expect("frame");
        img.save(root.join(name)).expect("write PNG");
        println!("{name}: {payload}");
    }
}
