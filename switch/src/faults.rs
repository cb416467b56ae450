//! Sandbox fault injection, only in sandbox mode and only for authenticated requests: a fault named
//! in the request's `X-Crossqr-Fault` header, or the first matching rule installed by the same device
//! (`POST /_sandbox/faults`) or configured for every device. Names are validated and bounded.

use std::collections::HashMap;
use std::sync::Mutex;

use crossqr_core::api::wire::FaultRule;

/// Longest injected delay.
pub const MAX_DELAY_MS: u64 = 30_000;
/// Most requests one rule may apply to.
pub const MAX_TIMES: u32 = 1_000;
/// Most rules one device may install.
pub const MAX_RULES: usize = 100;

/// A fault to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long before processing (a client that gives up first cancels nothing: nothing ran).
    Latency(u64),
    /// Process only after this long, even if the client has given up by then: the commit lands late.
    LateCommit(u64),
    /// Answer 503 without processing.
    Http503,
    /// Close the connection without processing.
    DropBeforeCommit,
    /// Process and commit, then close without a usable response.
    DropAfterCommit,
    /// A signed body that is not JSON.
    Malformed,
    /// No response signature.
    Unsigned,
    /// A response signature that does not verify.
    BadSignature,
}

impl Fault {
    /// Reads a fault name: `latency=<ms>`, `late_commit=<ms>` (at most [`MAX_DELAY_MS`]), `http_503`,
    /// `drop_before_commit`, `drop_after_commit`, `malformed`, `unsigned`, `bad_signature`.
    pub fn parse(text: &str) -> Result<Fault, String> {
        let delay = |v: &str| -> Result<u64, String> {
            let ms: u64 = v.parse().map_err(|_| format!("{text:?}: the delay must be whole milliseconds"))?;
            if ms > MAX_DELAY_MS {
                return Err(format!("{text:?}: at most {MAX_DELAY_MS} ms"));
            }
            Ok(ms)
        };
        Ok(match text {
            "http_503" => Fault::Http503,
            "drop_before_commit" => Fault::DropBeforeCommit,
            "drop_after_commit" => Fault::DropAfterCommit,
            "malformed" => Fault::Malformed,
            "unsigned" => Fault::Unsigned,
            "bad_signature" => Fault::BadSignature,
            _ => match text.split_once('=') {
                Some(("latency", v)) => Fault::Latency(delay(v)?),
                Some(("late_commit", v)) => Fault::LateCommit(delay(v)?),
                _ => return Err(format!("{text:?} is not a fault this switch knows")),
            },
        })
    }
}

/// Checks rules before they are installed.
pub fn validate(rules: &[FaultRule]) -> Result<(), String> {
    if rules.len() > MAX_RULES {
        return Err(format!("at most {MAX_RULES} rules"));
    }
    for rule in rules {
        Fault::parse(&rule.fault)?;
        if let Some(times) = rule.times
            && !(1..=MAX_TIMES).contains(&times)
        {
            return Err(format!("times must be 1 to {MAX_TIMES}, not {times}"));
        }
        if rule.path.as_deref().is_some_and(|p| !p.starts_with('/')) {
            return Err("a rule's path must start with /".into());
        }
    }
    Ok(())
}

/// Installed rules: each device's own, and the configured ones for everybody.
#[derive(Debug, Default)]
pub struct Faults {
    everybody: Mutex<Vec<FaultRule>>,
    by_device: Mutex<HashMap<String, Vec<FaultRule>>>,
}

impl Faults {
    /// Rules for every device (from the configuration).
    pub fn new(everybody: Vec<FaultRule>) -> Faults {
        Faults { everybody: Mutex::new(everybody), by_device: Mutex::default() }
    }

    /// Replaces `device`'s rules.
    pub fn install(&self, device: &str, rules: Vec<FaultRule>) {
        let mut map = self.by_device.lock().unwrap_or_else(|e| e.into_inner());
        if rules.is_empty() {
            map.remove(device);
        } else {
            map.insert(device.to_owned(), rules);
        }
    }

    /// The fault for an authenticated request of `device` to `path`: its header's, else the first
    /// matching rule (the device's own first), which is then used up. An unknown header is an error.
    pub fn take(&self, device: &str, path: &str, header: Option<&str>) -> Result<Option<Fault>, String> {
        if let Some(h) = header {
            return Fault::parse(h).map(Some);
        }
        let mut map = self.by_device.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(rules) = map.get_mut(device)
            && let Some(fault) = use_up(rules, path)
        {
            return Ok(Some(fault));
        }
        drop(map);
        Ok(use_up(&mut self.everybody.lock().unwrap_or_else(|e| e.into_inner()), path))
    }
}

fn use_up(rules: &mut Vec<FaultRule>, path: &str) -> Option<Fault> {
    let index = rules.iter().position(|r| r.path.as_deref().is_none_or(|p| path.starts_with(p)))?;
    let fault = Fault::parse(&rules[index].fault).ok();
    match rules[index].times.unwrap_or(1) {
        0 | 1 => {
            rules.remove(index);
        }
        n => rules[index].times = Some(n - 1),
    }
    fault
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(fault: &str, times: Option<u32>) -> FaultRule {
        FaultRule { path: Some("/v1/payments".into()), fault: fault.into(), times }
    }

    #[test]
    fn names_are_validated_and_bounded() {
        assert_eq!(Fault::parse("latency=30000"), Ok(Fault::Latency(30_000)));
        assert_eq!(Fault::parse("late_commit=1200"), Ok(Fault::LateCommit(1200)));
        for bad in
            ["latency=30001", "latency=18446744073709551615", "latency=-1", "latency=1ms", "explode", " http_503"]
        {
            assert!(Fault::parse(bad).is_err(), "{bad}");
        }
        assert!(validate(&[rule("http_503", Some(1000))]).is_ok());
        assert!(validate(&[rule("http_503", Some(1001))]).is_err());
        assert!(validate(&[rule("http_503", Some(0))]).is_err());
        assert!(validate(&vec![rule("http_503", None); MAX_RULES + 1]).is_err());
    }

    #[test]
    fn rules_belong_to_the_device_that_installed_them() {
        let faults = Faults::new(Vec::new());
        faults.install("a", vec![rule("http_503", Some(2))]);
        assert_eq!(faults.take("b", "/v1/payments", None), Ok(None), "another device is untouched");
        assert_eq!(faults.take("a", "/v1/quotes", None), Ok(None), "another path is untouched");
        assert_eq!(faults.take("a", "/v1/payments", None), Ok(Some(Fault::Http503)));
        assert_eq!(faults.take("a", "/v1/payments", None), Ok(Some(Fault::Http503)));
        assert_eq!(faults.take("a", "/v1/payments", None), Ok(None), "used up");
        assert!(faults.take("a", "/v1/payments", Some("nonsense")).is_err());
    }
}
