//! Any bytes, read as UTF-8 text, through the whole parser and the EMVCo decoder: must never panic,
//! and every error must carry a code and a message.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match crossqr_core::parse_at(&text, 1_763_769_600_000) {
        Ok(code) => {
            let summary = code.summary();
            assert!(!summary.scheme.is_empty());
        }
        Err(e) => assert!(!e.message.is_empty() && !e.code.as_str().is_empty()),
    }
    let _ = crossqr_core::emv::decode(&text);
});
