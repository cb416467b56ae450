//! The second opinion: rqrr's detector (capstones by flood fill, perspective from them) and decoder,
//! fed our binarisation so it reads light-on-dark and low-contrast codes it would miss on its own.

use rxing::common::BitMatrix;

use super::Point;
use super::rxing_pass::Decoded;
use super::text::decode_bytes;

/// Detects and decodes with rqrr on `matrix`, dark modules being set bits (or clear ones if `inverted`).
pub(crate) fn detect(matrix: &BitMatrix, inverted: bool) -> Vec<Decoded> {
    let (w, h) = (matrix.width() as usize, matrix.height() as usize);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| matrix.get(x as u32, y as u32) != inverted);
    let mut out = Vec::new();
    for grid in prepared.detect_grids() {
        let mut bytes = Vec::new();
        if grid.decode_to(&mut bytes).is_ok() {
            let corner = |i: usize| Point { x: grid.bounds[i].x as f32, y: grid.bounds[i].y as f32 };
            out.push(Decoded { text: decode_bytes(&bytes), corners: [corner(0), corner(1), corner(2), corner(3)] });
        }
    }
    out
}
