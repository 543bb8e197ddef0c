//! Character error rate of extracted text against the known text, shared by the OCR tests and
//! `cargo xtask bench ocr` (xtask compiles this same file through `#[path]`, so there is one copy).
//!
//! Whitespace is not scored: both texts are split on whitespace and joined with single spaces
//! before comparing, so line breaks and column spacing chosen by an extractor do not count, while
//! words run together or split apart do.

/// The text as characters with every run of whitespace turned into one space.
pub fn normalise_whitespace(text: &str) -> Vec<char> {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect()
}

/// Edit distance (insertions, deletions, substitutions of one character each).
pub fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Edits needed to turn `got` into `truth`, and the length of `truth`, both after
/// [`normalise_whitespace`]; sum these over pages before dividing.
pub fn errors_and_length(truth: &str, got: &str) -> (usize, usize) {
    let truth = normalise_whitespace(truth);
    (levenshtein(&truth, &normalise_whitespace(got)), truth.len())
}

/// Character error rate of `got` against `truth`: edits per character of the truth (0 = exact).
pub fn character_error_rate(truth: &str, got: &str) -> f64 {
    let (errors, len) = errors_and_length(truth, got);
    errors as f64 / len.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_not_scored_but_order_is() {
        assert_eq!(
            character_error_rate("quyền sử dụng", "quyền\n  sử dụng "),
            0.0
        );
        let swapped = character_error_rate("tại tổ dân phố", "tổ dân phố tại");
        assert!(swapped > 0.4, "{swapped}");
        assert_eq!(levenshtein(&['a', 'b'], &['b']), 1);
        assert_eq!(levenshtein(&[], &['x', 'y']), 2);
    }
}
