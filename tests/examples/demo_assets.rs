//! Regenerates the camera frames `crossqr demo` scans: `cargo run -p crossqr-tests --example demo_assets`.
//! A dynamic JPQR sticker (¥1,200, Japanese name) photographed in Osaka, and a static KHQR sticker (Khmer
//! name, riel) photographed in Phnom Penh: tilted, slightly blurred, noisy, in uneven light.

use crossqr_core::clock::system_now_ms;
use crossqr_core::money::Currency;
use crossqr_core::schemes::khqr::{KhqrRequest, generate};
use crossqr_tests::synth::{Conditions, frame, jpqr};

fn main() {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/assets");
    let khqr = KhqrRequest {
        currency: Currency::KHR,
        merchant_city: Some("Phnom Penh".into()),
        alt_language: Some("km".into()),
        alt_name: Some("ហាងកាហ្វេ".into()),
        alt_city: Some("ភ្នំពេញ".into()),
        ..KhqrRequest::individual("cafe@aclb", "Phnom Penh Cafe")
    };
    let stickers = [
        ("jpqr-osaka.png", jpqr(42, "らーめん一番", Some(1200)), 11),
        ("khqr-phnom-penh.png", generate(&khqr, system_now_ms()).expect("KHQR").payload, 23),
    ];
    for (name, payload, seed) in stickers {
        let c = Conditions {
            module_px: 4.5,
            rotation_deg: 7.0,
            tilt: 0.12,
            blur: 0.7,
            noise: 5.0,
            shadow: 0.25,
            ..Conditions::default()
        };
        let f = frame(seed, 960, 540, Some(&payload), c);
        let img = image::GrayImage::from_raw(f.width as u32, f.height as u32, f.luma).expect("frame");
        img.save(out.join(name)).expect("write PNG");
        println!("{name}: {payload}");
    }
}
