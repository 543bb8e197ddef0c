//! ICC profiles generated in code, so the dossier carries a correct, freely usable profile
//! without shipping third-party files.
//!
//! - [`srgb_profile`]: an ICC v2 display-class matrix/TRC profile for sRGB (IEC 61966-2-1), used
//!   as the PDF/A OutputIntent (ISO 19005-2 §6.2.3) and for nothing else.
//! - [`cmyk_profile`]: an ICC v2 colour-space-class profile with a simple, documented CMYK ↔ XYZ
//!   conversion (lut16 tables), used as `/ICCBased` colour space for CMYK JPEG scans and as
//!   `/DefaultCMYK` for imported pages, because PDF/A-2 forbids DeviceCMYK next to an RGB
//!   OutputIntent (ISO 19005-2 §6.2.4.3). It is a faithful *naive* separation model
//!   (C,M,Y,K → sRGB as `(1−C)(1−K)`…), not a press characterisation.
//!
//! Layout per ICC.1:2001-04 (version 2.1): 128-byte header, tag table, tag data (4-byte aligned).

/// D50 illuminant of the profile connection space (ICC.1 §6.3.4.3).
const D50: [f64; 3] = [0.9642, 1.0, 0.8249];

/// sRGB primaries adapted to D50 with the Bradford transform (the values every sRGB v2 profile
/// carries): columns are the XYZ of red, green and blue.
const SRGB_D50: [[f64; 3]; 3] = [
    [0.436_074_7, 0.222_504_5, 0.013_932_2],
    [0.385_064_9, 0.716_878_6, 0.097_104_5],
    [0.143_080_4, 0.060_616_9, 0.714_173_3],
];

/// The sRGB profile bytes.
pub fn srgb_profile() -> Vec<u8> {
    let curve: Vec<u16> = (0..1024)
        .map(|i| to_u16(srgb_to_linear(f64::from(i) / 1023.0)))
        .collect();
    let trc = curv(&curve);
    let tags: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"desc", desc("hoso sRGB IEC61966-2.1")),
        (
            *b"cprt",
            text("No copyright, use freely (hoso, generated in code)"),
        ),
        (*b"wtpt", xyz(D50)),
        (*b"rXYZ", xyz(SRGB_D50[0])),
        (*b"gXYZ", xyz(SRGB_D50[1])),
        (*b"bXYZ", xyz(SRGB_D50[2])),
        (*b"rTRC", trc.clone()),
        (*b"gTRC", trc.clone()),
        (*b"bTRC", trc),
    ];
    assemble(*b"mntr", *b"RGB ", &tags)
}

/// The CMYK profile bytes.
pub fn cmyk_profile() -> Vec<u8> {
    let tags: Vec<([u8; 4], Vec<u8>)> = vec![
        (
            *b"desc",
            desc("hoso naive CMYK (uncalibrated separation model)"),
        ),
        (
            *b"cprt",
            text("No copyright, use freely (hoso, generated in code)"),
        ),
        (*b"wtpt", xyz(D50)),
        (*b"A2B0", cmyk_to_xyz_lut()),
        (*b"B2A0", xyz_to_cmyk_lut()),
    ];
    assemble(*b"spac", *b"CMYK", &tags)
}

fn srgb_to_linear(v: f64) -> f64 {
    if v <= 0.040_45 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

fn linear_to_srgb(v: f64) -> f64 {
    let v = v.clamp(0.0, 1.0);
    if v <= 0.003_130_8 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}

fn to_u16(v: f64) -> u16 {
    (v.clamp(0.0, 1.0) * 65535.0).round() as u16
}

/// s15Fixed16Number (ICC.1 §5.3.6).
fn s15f16(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

/// XYZ encoded for lut16Type with an XYZ PCS: u1Fixed15, 1.0 = 0x8000 (ICC.1 §6.5.7).
fn pcs_xyz_u16(v: f64) -> u16 {
    (v.clamp(0.0, 65535.0 / 32768.0) * 32768.0).round() as u16
}

fn linear_rgb_to_xyz(rgb: [f64; 3]) -> [f64; 3] {
    let mut out = [0.0; 3];
    for (c, v) in rgb.iter().enumerate() {
        for (k, o) in out.iter_mut().enumerate() {
            *o += SRGB_D50[c][k] * v;
        }
    }
    out
}

fn xyz_to_linear_rgb(xyz: [f64; 3]) -> [f64; 3] {
    let m = SRGB_D50;
    // Columns of m are primaries: solve m^T-style system [r g b] · m = xyz by Cramer's rule.
    let a = [
        [m[0][0], m[1][0], m[2][0]],
        [m[0][1], m[1][1], m[2][1]],
        [m[0][2], m[1][2], m[2][2]],
    ];
    let det = |a: [[f64; 3]; 3]| {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    };
    let d = det(a);
    let mut out = [0.0; 3];
    for (i, o) in out.iter_mut().enumerate() {
        let mut ai = a;
        for (r, row) in ai.iter_mut().enumerate() {
            row[i] = xyz[r];
        }
        *o = det(ai) / d;
    }
    out
}

/// A2B0: CMYK → PCS XYZ, lut16Type with a 9-point grid.
fn cmyk_to_xyz_lut() -> Vec<u8> {
    const GRID: usize = 9;
    let mut clut = Vec::with_capacity(GRID.pow(4) * 3);
    let g = |i: usize| i as f64 / (GRID - 1) as f64;
    for c in 0..GRID {
        for m in 0..GRID {
            for y in 0..GRID {
                for k in 0..GRID {
                    let rgb = [
                        (1.0 - g(c)) * (1.0 - g(k)),
                        (1.0 - g(m)) * (1.0 - g(k)),
                        (1.0 - g(y)) * (1.0 - g(k)),
                    ];
                    let xyz = linear_rgb_to_xyz(rgb.map(srgb_to_linear));
                    clut.extend(xyz.map(pcs_xyz_u16));
                }
            }
        }
    }
    lut16(4, 3, GRID, &identity_matrix(), &clut)
}

/// B2A0: PCS XYZ → CMYK, lut16Type with a 17-point grid (grey component replacement: K = 1 − max).
fn xyz_to_cmyk_lut() -> Vec<u8> {
    const GRID: usize = 17;
    let mut clut = Vec::with_capacity(GRID.pow(3) * 4);
    // Grid input is the u1Fixed15 XYZ encoding: index i covers 0 ..= 65535/32768.
    let g = |i: usize| i as f64 / (GRID - 1) as f64 * (65535.0 / 32768.0);
    for x in 0..GRID {
        for yy in 0..GRID {
            for z in 0..GRID {
                let rgb = xyz_to_linear_rgb([g(x), g(yy), g(z)]).map(linear_to_srgb);
                let max = rgb.iter().cloned().fold(0.0_f64, f64::max);
                let k = 1.0 - max;
                let cmy = if max <= 0.0 {
                    [0.0; 3]
                } else {
                    rgb.map(|v| (max - v) / max)
                };
                clut.extend([cmy[0], cmy[1], cmy[2], k].map(to_u16));
            }
        }
    }
    lut16(3, 4, GRID, &identity_matrix(), &clut)
}

fn identity_matrix() -> [f64; 9] {
    [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
}

/// lut16Type (ICC.1 §6.5.7) with identity input and output tables of two entries.
fn lut16(inputs: u8, outputs: u8, grid: usize, matrix: &[f64; 9], clut: &[u16]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(b"mft2");
    t.extend([0; 4]);
    t.extend([inputs, outputs, grid as u8, 0]);
    for v in matrix {
        t.extend(s15f16(*v));
    }
    t.extend(2u16.to_be_bytes()); // input table entries
    t.extend(2u16.to_be_bytes()); // output table entries
    for _ in 0..inputs {
        t.extend([0u8, 0, 0xff, 0xff]);
    }
    for v in clut {
        t.extend(v.to_be_bytes());
    }
    for _ in 0..outputs {
        t.extend([0u8, 0, 0xff, 0xff]);
    }
    t
}

/// curveType (ICC.1 §6.5.3).
fn curv(points: &[u16]) -> Vec<u8> {
    let mut t = Vec::with_capacity(12 + points.len() * 2);
    t.extend(b"curv");
    t.extend([0; 4]);
    t.extend((points.len() as u32).to_be_bytes());
    for p in points {
        t.extend(p.to_be_bytes());
    }
    t
}

/// XYZType (ICC.1 §6.5.26).
fn xyz(v: [f64; 3]) -> Vec<u8> {
    let mut t = Vec::with_capacity(20);
    t.extend(b"XYZ ");
    t.extend([0; 4]);
    for c in v {
        t.extend(s15f16(c));
    }
    t
}

/// textType (ICC.1 §6.5.18).
fn text(s: &str) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(b"text");
    t.extend([0; 4]);
    t.extend(s.as_bytes());
    t.push(0);
    t
}

/// textDescriptionType (ICC.1:2001 §6.5.17): ASCII, empty Unicode and ScriptCode parts.
fn desc(s: &str) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(b"desc");
    t.extend([0; 4]);
    t.extend(((s.len() + 1) as u32).to_be_bytes());
    t.extend(s.as_bytes());
    t.push(0);
    t.extend([0; 4]); // Unicode language code
    t.extend([0; 4]); // Unicode count
    t.extend([0; 2]); // ScriptCode code
    t.push(0); // ScriptCode count
    t.extend([0; 67]);
    t
}

/// Header (ICC.1 §6.1) + tag table (§6.2) + 4-byte aligned tag data.
fn assemble(class: [u8; 4], space: [u8; 4], tags: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let table_len = 4 + 12 * tags.len();
    let mut offset = 128 + table_len;
    let mut table = Vec::with_capacity(table_len);
    let mut data = Vec::new();
    table.extend((tags.len() as u32).to_be_bytes());
    for (sig, body) in tags {
        while !offset.is_multiple_of(4) {
            data.push(0);
            offset += 1;
        }
        table.extend(sig);
        table.extend((offset as u32).to_be_bytes());
        table.extend((body.len() as u32).to_be_bytes());
        data.extend(body);
        offset += body.len();
    }
    while !data.len().is_multiple_of(4) {
        data.push(0);
    }
    let size = 128 + table.len() + data.len();
    let mut h = Vec::with_capacity(size);
    h.extend((size as u32).to_be_bytes());
    h.extend([0; 4]); // preferred CMM
    h.extend([0x02, 0x10, 0, 0]); // version 2.1.0
    h.extend(class);
    h.extend(space);
    h.extend(b"XYZ ");
    // Creation date: fixed so the profile is byte-for-byte reproducible.
    for v in [2026u16, 1, 1, 0, 0, 0] {
        h.extend(v.to_be_bytes());
    }
    h.extend(b"acsp");
    h.extend([0; 4]); // platform
    h.extend([0; 4]); // flags
    h.extend([0; 4]); // manufacturer
    h.extend([0; 4]); // model
    h.extend([0; 8]); // attributes
    h.extend([0; 4]); // rendering intent: perceptual
    for c in D50 {
        h.extend(s15f16(c));
    }
    h.extend([0; 4]); // creator
    h.resize(128, 0);
    h.extend(table);
    h.extend(data);
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be32(b: &[u8], at: usize) -> u32 {
        u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    fn check_structure(p: &[u8], class: &[u8; 4], space: &[u8; 4], n_tags: u32) {
        assert_eq!(be32(p, 0) as usize, p.len(), "header size field");
        assert_eq!(&p[36..40], b"acsp");
        assert_eq!(&p[12..16], class);
        assert_eq!(&p[16..20], space);
        assert_eq!(be32(p, 128), n_tags);
        for i in 0..n_tags as usize {
            let off = be32(p, 132 + 12 * i + 4) as usize;
            let len = be32(p, 132 + 12 * i + 8) as usize;
            assert_eq!(off % 4, 0, "tag {i} aligned");
            assert!(off + len <= p.len(), "tag {i} inside the profile");
        }
    }

    #[test]
    fn srgb_structure() {
        check_structure(&srgb_profile(), b"mntr", b"RGB ", 9);
    }

    #[test]
    fn cmyk_structure() {
        check_structure(&cmyk_profile(), b"spac", b"CMYK", 5);
    }

    #[test]
    fn srgb_curve_matches_the_standard_at_mid_grey() {
        // IEC 61966-2-1: 0.5 encoded ↦ 0.214 linear.
        let v = to_u16(srgb_to_linear(0.5)) as f64 / 65535.0;
        assert!((v - 0.214_04).abs() < 1e-4, "{v}");
    }

    #[test]
    fn cmyk_round_trip_through_xyz() {
        for rgb in [
            [1.0, 1.0, 1.0],
            [0.2, 0.5, 0.9],
            [0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0],
        ] {
            let xyz = linear_rgb_to_xyz(rgb);
            let back = xyz_to_linear_rgb(xyz);
            for c in 0..3 {
                assert!((back[c] - rgb[c]).abs() < 1e-9, "{rgb:?} -> {back:?}");
            }
        }
        // White in sRGB maps to the D50 white point.
        let w = linear_rgb_to_xyz([1.0; 3]);
        for c in 0..3 {
            assert!((w[c] - D50[c]).abs() < 2e-3, "{w:?}");
        }
    }
}
