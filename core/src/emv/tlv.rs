//! EMVCo ID/length/value objects. IDs and lengths are two ASCII digits; the length counts
//! characters (Unicode scalar values), not bytes, so values are sliced by character.

use std::fmt;

/// One data object, borrowing its value from the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataObject<'a> {
    /// The two-digit ID as a number, 0–99.
    pub id: u8,
    /// The value, exactly `length` characters.
    pub value: &'a str,
    /// Where the object starts, in characters from the start of the text that was split.
    pub offset: usize,
}

/// Why a run of text is not a sequence of well-formed data objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlvError {
    /// Character offset of the object that could not be read.
    pub offset: usize,
    /// What was wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for TlvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at character {}", self.reason, self.offset)
    }
}

/// Iterates over the data objects of `text`, yielding an error (and then stopping) at the first
/// object that is not well-formed.
pub fn objects(text: &str) -> Objects<'_> {
    Objects { text, byte_pos: 0, char_pos: 0, failed: false }
}

/// Splits `text` into its data objects.
pub fn parse(text: &str) -> Result<Vec<DataObject<'_>>, TlvError> {
    objects(text).collect()
}

/// Iterator returned by [`objects`].
#[derive(Debug, Clone)]
pub struct Objects<'a> {
    text: &'a str,
    byte_pos: usize,
    char_pos: usize,
    failed: bool,
}

impl<'a> Iterator for Objects<'a> {
    type Item = Result<DataObject<'a>, TlvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.byte_pos >= self.text.len() {
            return None;
        }
        let result = self.read_one();
        self.failed = result.is_err();
        Some(result)
    }
}

impl<'a> Objects<'a> {
    fn read_one(&mut self) -> Result<DataObject<'a>, TlvError> {
        let offset = self.char_pos;
        let fail = |reason| TlvError { offset, reason };
        let header =
            self.text.as_bytes().get(self.byte_pos..self.byte_pos + 4).ok_or(fail("truncated object header"))?;
        let id = two_digits(&header[..2]).ok_or(fail("object ID is not two digits"))?;
        let len = two_digits(&header[2..]).ok_or(fail("object length is not two digits"))?;
        let start = self.byte_pos + 4;
        let end = advance_chars(self.text, start, usize::from(len)).ok_or(fail("object length runs past the end"))?;
        self.byte_pos = end;
        self.char_pos += 4 + usize::from(len);
        Ok(DataObject { id, value: &self.text[start..end], offset })
    }
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

/// Byte index `n` characters after byte index `start` (which must be a char boundary), or `None`
/// if the text ends first.
fn advance_chars(text: &str, start: usize, n: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if let Some(run) = bytes.get(start..start + n)
        && run.is_ascii()
    {
        return Some(start + n);
    }
    let rest = text.get(start..)?;
    let mut indices = rest.char_indices().map(|(i, _)| i).chain(std::iter::once(rest.len()));
    indices.nth(n).map(|i| start + i)
}

/// Number of characters in `text`.
pub fn char_len(text: &str) -> usize {
    if text.is_ascii() { text.len() } else { text.chars().count() }
}

/// Appends one data object. The caller guarantees `id` ≤ 99 and 1 ≤ characters of `value` ≤ 99.
pub(crate) fn write(out: &mut String, id: u8, value: &str) {
    use fmt::Write as _;
    let _ = write!(out, "{id:02}{:02}{value}", char_len(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_characters() {
        let objs = parse("0108ចន ស្មីន0206សៀមរាប").unwrap();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].value, "ចន ស្មីន");
        assert_eq!(objs[1], DataObject { id: 2, value: "សៀមរាប", offset: 12 });
    }

    #[test]
    fn reports_framing_errors() {
        assert_eq!(parse("0000").unwrap()[0].value, "");
        assert_eq!(parse("000").unwrap_err().reason, "truncated object header");
        assert_eq!(parse("0A0201").unwrap_err().reason, "object ID is not two digits");
        assert_eq!(parse("00x201").unwrap_err().reason, "object length is not two digits");
        let e = parse("00020101051").unwrap_err();
        assert_eq!((e.offset, e.reason), (6, "object length runs past the end"));
        assert!(parse("0102ចន").is_ok());
        assert!(parse("0103ចន").is_err());
    }

    #[test]
    fn writes_character_lengths() {
        let mut s = String::new();
        write(&mut s, 1, "メルペイ");
        write(&mut s, 99, "x");
        assert_eq!(s, "0104メルペイ9901x");
    }
}
