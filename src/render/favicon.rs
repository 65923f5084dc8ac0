//! `favicon.ico` at the site's root: browsers and feed readers ask a host
//! for `/favicon.ico` whatever the pages say, and a 404 there is logged in
//! every page's console. Pages link the theme's `assets/favicon.svg` (with
//! a relative `href`, so it works under any path and from disk); this file
//! is its 16 × 16 fallback, drawn here: the theme's accent colour as a
//! rounded square with a white open ring, the shape of the SVG.

/// The theme's accent colour (`--accent` in `style.css`), as RGB.
const ACCENT: [u8; 3] = [0x0b, 0x53, 0x94];

/// The colour (RGBA) of the pixel at column `x`, row `y` (from the top).
fn pixel(x: u32, y: u32) -> [u8; 4] {
    let (cx, cy) = (x as f32 + 0.5, y as f32 + 0.5);
    // The rounded square: corners of radius 3.
    let corner = |c: f32| {
        if c < 3.0 {
            3.0 - c
        } else if c > 13.0 {
            c - 13.0
        } else {
            0.0
        }
    };
    let (dx, dy) = (corner(cx), corner(cy));
    if dx * dx + dy * dy > 9.0 {
        return [0, 0, 0, 0];
    }
    // The ring: radius 3.8 to 5.8 around the centre, open towards the right.
    let (rx, ry) = (cx - 8.0, cy - 8.0);
    let r = (rx * rx + ry * ry).sqrt();
    let open = rx > 0.0 && ry.abs() < rx * 0.75;
    if (3.8..=5.8).contains(&r) && !open { [0xff, 0xff, 0xff, 0xff] } else { [ACCENT[0], ACCENT[1], ACCENT[2], 0xff] }
}

/// The bytes of `favicon.ico`: one 16 × 16 image, 32 bits a pixel, as a
/// bitmap (ICONDIR, ICONDIRENTRY, BITMAPINFOHEADER, pixels, mask).
pub fn ico() -> Vec<u8> {
    const SIZE: u32 = 16;
    let pixels = SIZE * SIZE * 4;
    let mask = SIZE * 4; // one bit a pixel, rows padded to 32 bits
    let image = 40 + pixels + mask;
    let mut out = Vec::with_capacity((6 + 16 + image) as usize);
    out.extend_from_slice(&[0, 0, 1, 0, 1, 0]); // reserved, type 1 (icon), one image
    out.extend_from_slice(&[SIZE as u8, SIZE as u8, 0, 0, 1, 0, 32, 0]); // size, no palette, 1 plane, 32 bpp
    out.extend_from_slice(&image.to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes()); // the image's offset
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&(SIZE as i32).to_le_bytes());
    out.extend_from_slice(&(2 * SIZE as i32).to_le_bytes()); // height of pixels and mask together
    out.extend_from_slice(&[1, 0, 32, 0]); // 1 plane, 32 bpp
    out.extend_from_slice(&[0; 4]); // no compression
    out.extend_from_slice(&(pixels + mask).to_le_bytes());
    out.extend_from_slice(&[0; 16]); // resolution, palette: unused
    for y in (0..SIZE).rev() {
        for x in 0..SIZE {
            let [r, g, b, a] = pixel(x, y);
            out.extend_from_slice(&[b, g, r, a]);
        }
    }
    for y in (0..SIZE).rev() {
        let mut row = [0u8; 4];
        for x in 0..SIZE {
            if pixel(x, y)[3] == 0 {
                row[(x / 8) as usize] |= 0x80 >> (x % 8);
            }
        }
        out.extend_from_slice(&row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_one_16_pixel_bitmap() {
        let ico = ico();
        assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
        assert_eq!(ico.len(), 6 + 16 + 40 + 16 * 16 * 4 + 16 * 4);
        assert_eq!(u32::from_le_bytes(ico[14..18].try_into().unwrap()) as usize, ico.len() - 22);
        assert_eq!(pixel(0, 0)[3], 0, "rounded corners are transparent");
        assert_eq!(pixel(8, 2), [0xff; 4], "the ring is white");
        assert_eq!(pixel(8, 8), [ACCENT[0], ACCENT[1], ACCENT[2], 0xff]);
    }
}
