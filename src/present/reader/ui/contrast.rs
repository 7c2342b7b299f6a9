//! WCAG 2 contrast ratio, used to check every explicit colour pair a theme sets. No rounding:
//! 4.499 fails a 4.5 threshold.

/// Relative luminance of an sRGB colour (WCAG 2, "relative luminance").
pub fn relative_luminance((r, g, b): (u8, u8, u8)) -> f64 {
    fn linear(channel: u8) -> f64 {
        let c = f64::from(channel) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// (L1 + 0.05) / (L2 + 0.05), lighter over darker: 1.0 to 21.0.
pub fn contrast_ratio(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (light, dark) = if la >= lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: (u8, u8, u8) = (255, 255, 255);

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 0.005,
            "{actual} is not {expected}"
        );
    }

    #[test]
    fn known_pairs() {
        close(contrast_ratio(WHITE, (0, 0, 0)), 21.0);
        close(contrast_ratio((0, 0, 0), WHITE), 21.0);
        close(contrast_ratio((0x76, 0x76, 0x76), WHITE), 4.54);
        close(contrast_ratio((0x77, 0x77, 0x77), WHITE), 4.48);
        close(contrast_ratio((0x59, 0x59, 0x59), WHITE), 7.0);
        close(contrast_ratio((0, 0, 0xFF), WHITE), 8.59);
        close(contrast_ratio(WHITE, WHITE), 1.0);
    }

    #[test]
    fn thresholds_are_not_rounded() {
        // #767676 passes AA, #777777 fails it, although both round to 4.5.
        assert!(contrast_ratio((0x76, 0x76, 0x76), WHITE) >= 4.5);
        assert!(contrast_ratio((0x77, 0x77, 0x77), WHITE) < 4.5);
        assert!(contrast_ratio((0x59, 0x59, 0x59), WHITE) >= 7.0);
    }
}
