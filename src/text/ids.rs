//! The pieces ids are made of when a feed gives none: a readable slug of the title, and a
//! hash of the text that never changes between Herald versions (std's hasher may).

/// A readable, stable id part from a title: lowercase letters and digits (any script) joined by
/// single hyphens, so `Russian Foreign Minister Arrives` becomes `russian-foreign-minister-arrives`.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.extend(word.chars().flat_map(char::to_lowercase));
    }
    slug
}

/// 64-bit FNV-1a over texts, each followed by a byte no UTF-8 text holds, so ("ab", "c") and
/// ("a", "bc") differ. Ids are made from it: it must never change.
#[derive(Clone, Copy, Debug)]
pub struct StableHash(u64);

impl Default for StableHash {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl StableHash {
    pub fn part(mut self, text: &str) -> Self {
        for byte in text.bytes().chain([0xff]) {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a_and_parts_are_kept_apart() {
        // FNV-1a of "a" then 0xff: fixed for good, since stored ids depend on it.
        assert_eq!(
            StableHash::default().part("a").finish(),
            0x089b_c907_b544_c769
        );
        assert_ne!(
            StableHash::default().part("ab").part("c").finish(),
            StableHash::default().part("a").part("bc").finish()
        );
    }
}
