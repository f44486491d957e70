//! Phone numbers: one pattern, which both validates a number and documents it in the API
//! schema, so the two cannot disagree.

use std::sync::LazyLock;

use regex::Regex;

/// An optional `+`, then 6 to 15 digits; between digits, up to three spaces, brackets or
/// hyphens (`+371 63322000`, `+371 (63) 322-000`). It starts and ends with a digit, so
/// `(371) 6332200` is refused. Written in the common subset of Rust's `regex` and ECMA-262,
/// since OpenAPI clients read it as the latter.
pub const PHONE_PATTERN: &str = r"^\+?[0-9](?:[ ()-]{0,3}[0-9]){5,14}$";

static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(PHONE_PATTERN).expect("PHONE_PATTERN is a valid regular expression")
});

/// Whether `phone` matches [`PHONE_PATTERN`].
pub fn is_phone(phone: &str) -> bool {
    PHONE.is_match(phone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_and_international_numbers_with_separators_are_phones() {
        for phone in [
            "+371 63322000",
            "63322000",
            "+371 (63) 322-000",
            "371 - 6332200",
            "200000",
            "+123456789012345",
        ] {
            assert!(is_phone(phone), "{phone}");
        }
    }

    #[test]
    fn a_phone_starts_and_ends_with_a_digit_and_has_6_to_15_of_them() {
        for phone in [
            "(371) 6332200",
            "+ 371 63322000",
            "6332200-",
            "12345",
            "1234567890123456",
            "1    2",
            "call me",
            "",
            "+371 63322000\n",
        ] {
            assert!(!is_phone(phone), "{phone:?}");
        }
    }
}
