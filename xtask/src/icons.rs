//! The app's icons, drawn here (no binary files in the repository): the 2-D game itself —
//! eight teal modes of real data on a ring and eight purple generated samples drifting toward
//! them — on a full-bleed background, so each also serves as a maskable icon.

use std::path::Path;

use crate::Result;

const BACKGROUND: [f32; 3] = [250.0, 250.0, 250.0];
const REAL: [f32; 3] = [31.0, 158.0, 137.0];
const FAKE: [f32; 3] = [142.0, 68.0, 173.0];

fn draw(size: u32) -> Vec<u8> {
    let n = size as usize;
    let mut px: Vec<[f32; 3]> = vec![BACKGROUND; n * n];
    let s = size as f32;
    // (centre x, centre y, radius, colour, opacity), in units of the icon's side.
    let mut blobs = Vec::new();
    for k in 0..8 {
        let a = k as f32 * std::f32::consts::TAU / 8.0;
        blobs.push((0.5 + 0.27 * a.cos(), 0.5 + 0.27 * a.sin(), 0.06, REAL, 1.0));
        let b = a + 0.28;
        blobs.push((
            0.5 + 0.19 * b.cos(),
            0.5 + 0.19 * b.sin(),
            0.035,
            FAKE,
            0.85,
        ));
    }
    for (cx, cy, r, colour, opacity) in blobs {
        for y in 0..n {
            for x in 0..n {
                let dx = (x as f32 + 0.5) / s - cx;
                let dy = (y as f32 + 0.5) / s - cy;
                // A disc with a one-pixel soft edge in four steps: a handful of flat colours,
                // so the PNG is a small indexed one.
                let edge = ((r - (dx * dx + dy * dy).sqrt()) * s + 0.5).clamp(0.0, 1.0);
                let a = opacity * (edge * 3.0).round() / 3.0;
                let p = &mut px[y * n + x];
                for c in 0..3 {
                    p[c] = p[c] * (1.0 - a) + colour[c] * a;
                }
            }
        }
    }
    px.iter()
        .flat_map(|p| [p[0] as u8, p[1] as u8, p[2] as u8])
        .collect()
}

/// Writes `icon-192.png` and `icon-512.png` into `dir`, as palette PNGs (a few colours).
pub fn write(dir: &Path) -> Result {
    for size in [192u32, 512] {
        let rgb = draw(size);
        let mut palette: Vec<[u8; 3]> = Vec::new();
        let mut index = Vec::with_capacity(rgb.len() / 3);
        for p in rgb.chunks(3) {
            let c = [p[0], p[1], p[2]];
            let i = palette.iter().position(|&q| q == c).unwrap_or_else(|| {
                palette.push(c);
                palette.len() - 1
            });
            index.push(i as u8);
        }
        if palette.len() > 256 {
            return Err(format!(
                "icon-{size}: {} colours (at most 256)",
                palette.len()
            ));
        }
        // Up to 16 colours: four bits a pixel, two pixels a byte (each row whole bytes).
        let (depth, data) = if palette.len() <= 16 {
            let data: Vec<u8> = index
                .chunks(size as usize)
                .flat_map(|row| {
                    row.chunks(2)
                        .map(|p| p[0] << 4 | p.get(1).copied().unwrap_or(0))
                })
                .collect();
            (png::BitDepth::Four, data)
        } else {
            (png::BitDepth::Eight, index)
        };
        let path = dir.join(format!("icon-{size}.png"));
        let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), size, size);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(depth);
        encoder.set_palette(palette.concat());
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&data).map_err(|e| e.to_string())?;
    }
    Ok(())
}
