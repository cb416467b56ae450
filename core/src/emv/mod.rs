//! EMVCo merchant-presented QR (MPM): the TLV codec, CRC and structural rules, without any
//! payment-scheme knowledge. [`decode`] checks size, CRC, framing, order and duplicates and splits
//! the nested templates; [`fields`] reads the EMVCo root fields; [`Encoder`] writes payloads.

pub mod crc;
pub mod fields;
pub mod tlv;

use crate::error::{CodeError, ErrorCode};
use crate::warning::{Warning, WarningCode};
pub use tlv::DataObject;

/// EMVCo limit on the whole payload, in characters.
pub const MAX_PAYLOAD_CHARS: usize = 512;

/// Root IDs whose value is itself a list of data objects.
pub fn is_template(id: u8) -> bool {
    matches!(id, 26..=51 | 62 | 64 | 80..=99)
}

/// One top-level data object; templates carry their sub-objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node<'a> {
    /// The object itself.
    pub object: DataObject<'a>,
    /// Sub-objects, for templates that split cleanly; empty for primitive objects.
    pub children: Vec<DataObject<'a>>,
}

impl<'a> Node<'a> {
    /// The root ID.
    pub fn id(&self) -> u8 {
        self.object.id
    }

    /// The raw value.
    pub fn value(&self) -> &'a str {
        self.object.value
    }

    /// The first non-empty sub-object value with `id`.
    pub fn sub(&self, id: u8) -> Option<&'a str> {
        self.children.iter().find(|o| o.id == id).map(|o| o.value).filter(|v| !v.is_empty())
    }
}

/// A structurally valid MPM payload, borrowing from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mpm<'a> {
    /// The whole payload.
    pub payload: &'a str,
    /// Top-level objects in payload order, the CRC (63) last.
    pub nodes: Vec<Node<'a>>,
    /// What was tolerated while splitting.
    pub warnings: Vec<Warning>,
}

impl<'a> Mpm<'a> {
    /// The top-level object with `id`.
    pub fn node(&self, id: u8) -> Option<&Node<'a>> {
        self.nodes.iter().find(|n| n.id() == id)
    }

    /// The value of the top-level object `id`, if present and non-empty.
    pub fn value(&self, id: u8) -> Option<&'a str> {
        self.node(id).map(Node::value).filter(|v| !v.is_empty())
    }
}

/// Decodes an MPM payload: at most 512 characters, well-framed objects with character lengths of
/// 1–99 (a zero-length value is malformed), `00` first, `63` last, no duplicate top-level IDs, then a
/// valid CRC, then templates split into sub-objects. The top-level structure is checked before the
/// CRC, so text whose framing is broken is `malformed` whatever its CRC says. Never panics.
pub fn decode(payload: &str) -> Result<Mpm<'_>, CodeError> {
    let chars = tlv::char_len(payload);
    if chars > MAX_PAYLOAD_CHARS {
        return Err(CodeError::malformed(format!(
            "payload is {chars} characters; EMVCo allows at most {MAX_PAYLOAD_CHARS}"
        )));
    }
    let objects = tlv::parse(payload).map_err(|e| CodeError::malformed(format!("EMVCo framing: {e}")))?;
    let crc = check_order(&objects)?;
    for (i, object) in objects.iter().enumerate() {
        if objects[..i].iter().any(|o| o.id == object.id) {
            return Err(CodeError::malformed(format!("duplicate top-level ID {:02}", object.id)));
        }
        if object.value.is_empty() {
            return Err(CodeError::malformed(format!("ID {:02} has length 00; EMVCo lengths are 01–99", object.id)));
        }
    }
    check_crc(payload, crc)?;
    // Inside a CRC-checked payload, templates must split cleanly too.
    let mut warnings = Vec::new();
    let mut nodes: Vec<Node<'_>> = Vec::with_capacity(objects.len());
    for object in objects {
        let children = if is_template(object.id) { split_template(object, &mut warnings)? } else { Vec::new() };
        nodes.push(Node { object, children });
    }
    Ok(Mpm { payload, nodes, warnings })
}

/// Checks that 00 is first and the CRC (63) last; returns the CRC.
fn check_order<'a>(objects: &[DataObject<'a>]) -> Result<DataObject<'a>, CodeError> {
    match objects.first() {
        Some(first) if first.id == 0 => {}
        _ => {
            return Err(CodeError::malformed("payload format indicator (00) must be the first object"));
        }
    }
    match objects.iter().position(|o| o.id == 63) {
        None => Err(CodeError::missing("CRC (63) is missing")),
        Some(pos) if pos + 1 != objects.len() => Err(CodeError::malformed("CRC (63) must be the last object")),
        Some(pos) => Ok(objects[pos]),
    }
}

/// Checks the CRC (63, the payload's last object) against the CRC-16 of everything before its value.
fn check_crc(payload: &str, crc: DataObject<'_>) -> Result<(), CodeError> {
    if crc.value.len() != 4 || !crc.value.is_ascii() {
        return Err(CodeError::malformed(format!("CRC (63) must be 4 characters, not {:?}", crc.value)));
    }
    let split = payload.len() - 4;
    let computed = crc::crc16(&payload.as_bytes()[..split]);
    let written = u16::from_str_radix(crc.value, 16).ok().filter(|_| crc.value.bytes().all(|b| b.is_ascii_hexdigit()));
    if written != Some(computed) {
        return Err(CodeError::new(
            ErrorCode::CrcMismatch,
            format!("CRC is {} but the payload's CRC is {computed:04X}", crc.value),
        ));
    }
    Ok(())
}

fn split_template<'a>(object: DataObject<'a>, warnings: &mut Vec<Warning>) -> Result<Vec<DataObject<'a>>, CodeError> {
    let id = object.id;
    let children = match tlv::parse(object.value) {
        Ok(children) => children,
        // Unreserved templates (80–99) belong to whoever issued the code (DuitNow's 82 is a bare hash,
        // MoMo's 80 a bare number): keep them raw, say nothing.
        Err(_) if id >= 80 => return Ok(Vec::new()),
        Err(e) => return Err(CodeError::malformed(format!("template {id:02}: {e}"))),
    };
    for (i, child) in children.iter().enumerate() {
        if child.value.is_empty() {
            return Err(CodeError::malformed(format!(
                "template {id:02} sub-ID {:02} has length 00; EMVCo lengths are 01–99",
                child.id
            )));
        }
        if children[..i].iter().any(|c| c.id == child.id) {
            warnings.push(Warning::new(
                WarningCode::DuplicateSubId,
                format!("template {id:02} repeats sub-ID {:02}; the first is used", child.id),
            ));
        }
    }
    Ok(children)
}

/// Writes an MPM payload object by object and appends the CRC.
#[derive(Debug, Clone, Default)]
pub struct Encoder {
    out: String,
}

impl Encoder {
    /// An empty payload.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a primitive object. `value` must be 1–99 characters.
    pub fn push(&mut self, id: u8, value: &str) -> Result<&mut Self, CodeError> {
        check_encodable(id, value)?;
        tlv::write(&mut self.out, id, value);
        Ok(self)
    }

    /// Appends a template built from `(sub-ID, value)` pairs, skipping `None` values.
    pub fn push_template(&mut self, id: u8, subs: &[(u8, Option<&str>)]) -> Result<&mut Self, CodeError> {
        let mut inner = String::new();
        for (sub, value) in subs {
            if let Some(value) = value {
                check_encodable(*sub, value)
                    .map_err(|e| CodeError::new(e.code, format!("template {id:02}: {}", e.message)))?;
                tlv::write(&mut inner, *sub, value);
            }
        }
        if inner.is_empty() { Ok(self) } else { self.push(id, &inner) }
    }

    /// Appends `6304` and the CRC and returns the payload.
    pub fn finish(mut self) -> Result<String, CodeError> {
        self.out.push_str("6304");
        let crc = crc::crc16_hex(self.out.as_bytes());
        self.out.push_str(&crc);
        let chars = tlv::char_len(&self.out);
        if chars > MAX_PAYLOAD_CHARS {
            return Err(CodeError::invalid(format!(
                "payload would be {chars} characters; at most {MAX_PAYLOAD_CHARS}"
            )));
        }
        Ok(self.out)
    }
}

fn check_encodable(id: u8, value: &str) -> Result<(), CodeError> {
    let len = tlv::char_len(value);
    if id > 99 {
        return Err(CodeError::invalid(format!("ID {id} is not two digits")));
    }
    if !(1..=99).contains(&len) {
        return Err(CodeError::invalid(format!("ID {id:02} value must be 1 to 99 characters, not {len}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KHQR: &str = "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh6304856B";

    fn err(payload: &str) -> (ErrorCode, String) {
        let e = decode(payload).unwrap_err();
        (e.code, e.message)
    }

    #[test]
    fn decodes_nested_templates() {
        let mpm = decode(KHQR).unwrap();
        let ids: Vec<u8> = mpm.nodes.iter().map(Node::id).collect();
        assert_eq!(ids, [0, 1, 29, 52, 53, 58, 59, 60, 63]);
        assert_eq!(mpm.node(29).unwrap().sub(0), Some("jonhsmith@nbcq"));
        assert_eq!(mpm.value(59), Some("Jonh Smith"));
        assert!(mpm.warnings.is_empty());
    }

    #[test]
    fn checks_crc_in_either_case() {
        assert_eq!(err(&KHQR.replace("856B", "856C")).0, ErrorCode::CrcMismatch);
        assert!(decode(&KHQR.replace("856B", "856b")).is_ok());
        assert_eq!(err(&KHQR.replace("856B", "85 B")).0, ErrorCode::CrcMismatch);
        assert_eq!(err(&KHQR.replace("6304856B", "6305856B1")).0, ErrorCode::Malformed);
        // Broken framing is malformed whatever the CRC says.
        assert_eq!(err(&KHQR.replace("5910Jonh Smith", "5910Jonh  Smith")).0, ErrorCode::Malformed);
    }

    #[test]
    fn enforces_structure() {
        let with_crc = |body: &str| {
            let mut s = body.to_owned() + "6304";
            s += &crc::crc16_hex(s.as_bytes());
            s
        };
        assert!(err(&with_crc("0102110002015802KH")).1.contains("(00) must be the first"));
        assert!(err(&with_crc("0002015802KH5802KH")).1.contains("duplicate top-level ID 58"));
        assert!(err(&with_crc("00020129040012")).1.contains("template 29"));
        assert!(err(&with_crc("0002015899KH")).1.contains("runs past the end"));
        assert_eq!(err("0002015802KH").0, ErrorCode::MissingField);
        assert_eq!(err("00020163041234").0, ErrorCode::CrcMismatch);
        let long = with_crc(&format!(
            "000201{}",
            "5999xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                .repeat(5)
        ));
        assert!(err(&long).1.contains("at most 512"));
        // Zero-length values are malformed, at the top level and inside templates.
        assert!(err(&with_crc("0002019900")).1.contains("length 00"));
        assert!(err(&with_crc("00020162040100")).1.contains("sub-ID 01 has length 00"));
        // Unreserved templates that are not TLV are kept raw, silently.
        let mpm_text = with_crc("0002019903abc");
        let mpm = decode(&mpm_text).unwrap();
        assert!(mpm.warnings.is_empty() && mpm.node(99).unwrap().children.is_empty());
    }

    #[test]
    fn encodes_with_crc() {
        let mut enc = Encoder::new();
        enc.push(0, "01").unwrap().push(1, "11").unwrap();
        enc.push_template(29, &[(0, Some("jonhsmith@nbcq")), (1, None)]).unwrap();
        for (id, v) in [(52, "5999"), (53, "116"), (58, "KH"), (59, "Jonh Smith"), (60, "Phnom Penh")] {
            enc.push(id, v).unwrap();
        }
        assert_eq!(enc.finish().unwrap(), KHQR);
        assert_eq!(Encoder::new().push(59, "").unwrap_err().code, ErrorCode::InvalidField);
        assert!(Encoder::new().push(59, &"x".repeat(100)).is_err());
    }
}
