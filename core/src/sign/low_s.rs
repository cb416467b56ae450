//! Low-s ECDSA P-256 signatures (as Bitcoin's BIP 62 and Ethereum's EIP-2 require): for every signature
//! `(r, s)` the twin `(r, n − s)` verifies too, so a signature is only one encoding of an approval if
//! `s ≤ n/2`. crossqr signs low-s (normalising what ring or a host key store produced) and verifies
//! low-s only, so a replayed request cannot slip past the replay cache as its high-s twin.

/// The order n of the P-256 group, big-endian.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
    0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// n / 2, rounded down, big-endian.
const HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xde, 0x73, 0x7d,
    0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
];

/// `(r, s)` of a DER `SEQUENCE { INTEGER r, INTEGER s }` as 32-byte big-endian numbers; `None` when
/// the bytes are not a minimal DER encoding of two integers below 2^256.
fn split(der: &[u8]) -> Option<([u8; 32], [u8; 32])> {
    let (&[0x30, len], body) = der.split_first_chunk::<2>()? else { return None };
    if usize::from(len) != body.len() || len >= 0x80 {
        return None;
    }
    let (r, rest) = integer(body)?;
    let (s, rest) = integer(rest)?;
    rest.is_empty().then_some((r, s))
}

/// One minimal DER INTEGER that is positive and fits 32 bytes, and the bytes after it.
fn integer(bytes: &[u8]) -> Option<([u8; 32], &[u8])> {
    let (&[0x02, len], rest) = bytes.split_first_chunk::<2>()? else { return None };
    let len = usize::from(len);
    let (value, rest) = (rest.get(..len)?, rest.get(len..)?);
    let minimal = match value {
        [] => false,
        [0x00] => true,
        [0x00, next, ..] => *next >= 0x80,
        [first, ..] => *first < 0x80,
    };
    let digits = value.strip_prefix(&[0x00]).unwrap_or(value);
    if !minimal || digits.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out[32 - digits.len()..].copy_from_slice(digits);
    Some((out, rest))
}

fn encode_integer(value: &[u8; 32], out: &mut Vec<u8>) {
    let start = value.iter().position(|&b| b != 0).unwrap_or(31);
    let digits = &value[start..];
    let pad = digits[0] >= 0x80;
    out.push(0x02);
    out.push((digits.len() + usize::from(pad)) as u8);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(digits);
}

/// `n − s` for `0 < s < n`.
fn negate(s: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(ORDER[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

/// The other signature of the same approval, `(r, n − s)`, in DER; `None` when `der` is not minimal
/// DER. Valid ECDSA either way, which is why only the low one is accepted.
pub fn twin(der: &[u8]) -> Option<Vec<u8>> {
    let (r, s) = split(der)?;
    Some(encode(&r, &negate(&s)))
}

fn encode(r: &[u8; 32], s: &[u8; 32]) -> Vec<u8> {
    let mut body = Vec::with_capacity(72);
    encode_integer(r, &mut body);
    encode_integer(s, &mut body);
    let mut out = vec![0x30, body.len() as u8];
    out.extend_from_slice(&body);
    out
}

/// True when `der` is a minimal DER ECDSA signature whose `s` is at most n/2.
pub fn is_low_s(der: &[u8]) -> bool {
    split(der).is_some_and(|(_, s)| s <= HALF_ORDER)
}

/// The low-s form of a DER ECDSA P-256 signature (unchanged when already low-s); `None` when `der` is
/// not a minimal DER signature.
pub fn normalize(der: &[u8]) -> Option<Vec<u8>> {
    let (r, s) = split(der)?;
    Some(if s <= HALF_ORDER { der.to_vec() } else { encode(&r, &negate(&s)) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::DeviceKey;

    #[test]
    fn twins_verify_but_only_the_low_one_is_accepted() {
        let key = DeviceKey::generate().unwrap();
        let public = key.public_key();
        let mut saw_high = false;
        for i in 0..64 {
            let message = format!("pay {i}");
            let raw = key.sign_raw(message.as_bytes()).unwrap();
            let low = normalize(&raw).unwrap();
            assert!(is_low_s(&low));
            assert!(public.verify(message.as_bytes(), &low).is_ok());
            if !is_low_s(&raw) {
                saw_high = true;
                assert!(public.verify_any_s(message.as_bytes(), &raw).is_ok(), "the high twin is valid ECDSA");
                assert!(public.verify(message.as_bytes(), &raw).is_err(), "but not accepted");
                assert_eq!(twin(&low).unwrap(), raw, "n − (n − s) = s");
            } else {
                assert_eq!(low, raw);
            }
            assert!(public.verify(message.as_bytes(), &key.sign_der(message.as_bytes()).unwrap()).is_ok());
        }
        assert!(saw_high, "about half of raw signatures are high-s");
    }

    #[test]
    fn refuses_what_is_not_minimal_der() {
        assert_eq!(normalize(b""), None);
        assert_eq!(normalize(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00]), None, "trailing byte");
        assert_eq!(normalize(&[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]), None, "negative r");
        assert_eq!(normalize(&[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]), None, "padded r");
        assert!(normalize(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]).is_some());
        assert!(!is_low_s(&[0x30, 0x03, 0x02, 0x01]));
    }
}
