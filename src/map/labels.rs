//! Placing text labels on a map without overlaps: each label tries a few positions around its
//! anchor and takes the first that overlaps no label or marker already placed; a label that
//! fits nowhere is left out.

/// A box `[x0, y0, x1, y1]` in pixels.
type Box2 = [f64; 4];

/// The boxes taken so far, and the area labels must stay in.
pub(crate) struct Labels {
    taken: Vec<Box2>,
    bounds: Box2,
}

/// Where a label went: its text's start and baseline, and its `text-anchor`.
pub(crate) struct Placed {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) anchor: &'static str,
}

impl Labels {
    /// No label yet; labels must stay inside `bounds` (`[x0, y0, x1, y1]`).
    pub(crate) fn new(bounds: Box2) -> Labels {
        Labels {
            taken: Vec::new(),
            bounds,
        }
    }

    /// Marks a square of half-size `r` around (`x`, `y`) as taken (a marker or a dot).
    pub(crate) fn block(&mut self, x: f64, y: f64, r: f64) {
        self.taken.push([x - r, y - r, x + r, y + r]);
    }

    /// Places `text` set at `size` pixels beside the point (`x`, `y`), `gap` pixels away:
    /// right, left, above or below, whichever is free first.
    pub(crate) fn place(
        &mut self,
        text: &str,
        size: f64,
        x: f64,
        y: f64,
        gap: f64,
    ) -> Option<Placed> {
        // DejaVu Sans averages a little under 0.6 em per character.
        let w = size * 0.6 * text.chars().count() as f64;
        let h = size;
        let candidates = [
            (
                x + gap,
                y + h * 0.35,
                "start",
                [x + gap, y - h * 0.65, x + gap + w, y + h * 0.35],
            ),
            (
                x - gap,
                y + h * 0.35,
                "end",
                [x - gap - w, y - h * 0.65, x - gap, y + h * 0.35],
            ),
            (
                x,
                y - gap,
                "middle",
                [x - w / 2.0, y - gap - h, x + w / 2.0, y - gap],
            ),
            (
                x,
                y + gap + h * 0.8,
                "middle",
                [x - w / 2.0, y + gap, x + w / 2.0, y + gap + h],
            ),
        ];
        for (tx, ty, anchor, b) in candidates {
            let inside = b[0] >= self.bounds[0]
                && b[1] >= self.bounds[1]
                && b[2] <= self.bounds[2]
                && b[3] <= self.bounds[3];
            if inside && !self.taken.iter().any(|t| overlaps(t, &b)) {
                self.taken.push(b);
                return Some(Placed {
                    x: tx,
                    y: ty,
                    anchor,
                });
            }
        }
        None
    }
}

fn overlaps(a: &Box2, b: &Box2) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_label_at_the_same_point_goes_elsewhere() {
        let mut l = Labels::new([0.0, 0.0, 1000.0, 1000.0]);
        let a = l
            .place("Tashkent", 12.0, 500.0, 500.0, 6.0)
            .map(|p| p.anchor);
        let b = l
            .place("Tashkent", 12.0, 500.0, 500.0, 6.0)
            .map(|p| p.anchor);
        assert_eq!(a, Some("start"));
        assert_eq!(b, Some("end"));
    }

    #[test]
    fn a_label_that_fits_nowhere_is_left_out() {
        let mut l = Labels::new([0.0, 0.0, 1000.0, 1000.0]);
        l.block(500.0, 500.0, 200.0);
        assert!(l.place("Tashkent", 12.0, 500.0, 500.0, 6.0).is_none());
    }
}
