//! Payload bytes to text: UTF-8 first (Khmer and Japanese merchant names), an ECI the code declares
//! honoured, Shift_JIS then ISO-8859-1 only for bytes that are not UTF-8.

/// Text of a byte-mode payload with no ECI: UTF-8 when valid, else Shift_JIS when it decodes cleanly,
/// else ISO-8859-1 (QR's default character set).
pub(crate) fn decode_bytes(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if !errors {
        return text.into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// True when an AIM symbology identifier (`]Q1`, `]Q2`…) says the symbol declared an ECI: QR's
/// modifiers 2, 4 and 6 are 1, 3 and 5 with an ECI.
pub(crate) fn declares_eci(symbology: &str) -> bool {
    symbology.strip_prefix("]Q").and_then(|m| m.chars().next()).is_some_and(|m| matches!(m, '2' | '4' | '6'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_first_then_shift_jis_then_latin1() {
        assert_eq!(decode_bytes("ចន ស្មីន メルペイ".as_bytes()), "ចន ស្មីន メルペイ");
        assert_eq!(decode_bytes(&[0x83, 0x81, 0x83, 0x8B]), "メル");
        assert_eq!(decode_bytes(&[0x63, 0x61, 0x66, 0xE9]), "caf\u{e9}");
        assert!(declares_eci("]Q2") && !declares_eci("]Q1") && declares_eci("]Q4") && !declares_eci(""));
    }
}
