//! Units and rectangles: PDF user space is 1/72 inch (ISO 32000-1 §8.3.2.3); the Decree measures
//! in millimetres.

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

/// Points to millimetres.
pub fn to_mm(pt: f32) -> f32 {
    pt / PT_PER_MM
}

/// A rectangle in default user space, lower-left origin, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f32,
    /// Bottom.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// `[llx lly urx ury]` as `/Rect` writes it (ISO 32000-1 §7.9.5).
    pub fn corners(&self) -> [f32; 4] {
        [self.x, self.y, self.x + self.w, self.y + self.h]
    }

    /// Centre point.
    pub fn centre(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// A rectangle of size `w × h` centred on `(cx, cy)`.
    pub fn centred(cx: f32, cy: f32, w: f32, h: f32) -> Self {
        Self {
            x: cx - w / 2.0,
            y: cy - h / 2.0,
            w,
            h,
        }
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        let x0 = self.x.min(o.x);
        let y0 = self.y.min(o.y);
        let x1 = (self.x + self.w).max(o.x + o.w);
        let y1 = (self.y + self.h).max(o.y + o.h);
        Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        }
    }
}
