//! Latvian personal codes (personas kods): the legacy `DDMMYY-CNNNN` format with a
//! birth date and a check digit, and the date-free `3[2-9]NNNN-NNNNN` format issued since 2017.
//!
//! A personal code is personal data: `Debug` masks it and there is no `Display`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// Weights of the legacy checksum, applied to the first ten digits.
const WEIGHTS: [u32; 10] = [1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonalCodeError {
    #[error("a personal code has 11 digits, optionally with a hyphen after the sixth")]
    Format,
    #[error("the legacy code's date DDMMYY is not a real calendar date")]
    ImpossibleDate,
    #[error("the legacy code's century digit must be 0, 1 or 2")]
    Century,
    #[error("the check digit does not match")]
    Checksum,
    #[error("the birth date does not match the date in the personal code")]
    BirthDateMismatch,
}

impl PersonalCodeError {
    /// Stable snake_case code for API error bodies.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Format => "format",
            Self::ImpossibleDate => "impossible_date",
            Self::Century => "century",
            Self::Checksum => "checksum",
            Self::BirthDateMismatch => "birth_date_mismatch",
        }
    }
    /// The English message (`Display`) in Latvian.
    pub fn lv(&self) -> &'static str {
        match self {
            Self::Format => "personas kodā ir 11 cipari, pēc sestā cipara var būt defise",
            Self::ImpossibleDate => "vecā parauga koda datums DDMMGG nav īsts kalendāra datums",
            Self::Century => "vecā parauga koda gadsimta ciparam jābūt 0, 1 vai 2",
            Self::Checksum => "kontrolcipars neatbilst",
            Self::BirthDateMismatch => {
                "dzimšanas datums neatbilst personas kodā norādītajam datumam"
            }
        }
    }
}

/// A validated personal code, normalised as `DDMMYY-CNNNN` or `3XXXXX-XXXXX`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonalCode {
    normalised: String,
    birth_date: Option<NaiveDate>,
}

impl fmt::Debug for PersonalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonalCode(***)")
    }
}

impl PersonalCode {
    /// Parses 11 digits, optionally with a hyphen after the sixth; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, PersonalCodeError> {
        let digits = split_digits(input).ok_or(PersonalCodeError::Format)?;
        // Days 32–39 do not exist, so `3[2-9]` cannot start a legacy code.
        if digits[0] == 3 && digits[1] >= 2 {
            return Ok(Self::from_digits(&digits, None));
        }
        let birth_date = legacy_birth_date(&digits)?;
        if check_digit(&digits) != Some(digits[10]) {
            return Err(PersonalCodeError::Checksum);
        }
        Ok(Self::from_digits(&digits, Some(birth_date)))
    }

    /// The normalised code, with a hyphen after the sixth digit.
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// The 11 digits without the hyphen (canonical form for hashing).
    pub fn digits(&self) -> String {
        self.normalised.replace('-', "")
    }

    /// The birth date of a legacy code; `None` for the new format.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.birth_date
    }

    pub fn is_legacy(&self) -> bool {
        self.birth_date.is_some()
    }

    /// Checks a declared birth date against the code: `Err(BirthDateMismatch)` if legacy and
    /// different; always `Ok` for the new format.
    pub fn check_birth_date(&self, declared: NaiveDate) -> Result<(), PersonalCodeError> {
        match self.birth_date {
            Some(date) if date != declared => Err(PersonalCodeError::BirthDateMismatch),
            _ => Ok(()),
        }
    }

    fn from_digits(digits: &[u8; 11], birth_date: Option<NaiveDate>) -> Self {
        let text: String = digits.iter().map(|&d| char::from(b'0' + d)).collect();
        Self {
            normalised: format!("{}-{}", &text[..6], &text[6..]),
            birth_date,
        }
    }
}

/// A valid legacy code for `birth_date` (1800–2099) with serial `serial % 1000`; if the serial
/// yields check value 10, the next serials (wrapping within 0..=999) are tried until one is valid.
///
/// # Panics
/// If `birth_date` is outside 1800–2099.
pub fn synthetic_legacy(birth_date: NaiveDate, serial: u16) -> PersonalCode {
    let year = birth_date.year();
    assert!(
        (1800..=2099).contains(&year),
        "legacy personal codes cover 1800–2099"
    );
    let two = |n: u32| [(n / 10) as u8, (n % 10) as u8];
    let [d0, d1] = two(birth_date.day());
    let [m0, m1] = two(birth_date.month());
    let [y0, y1] = two(year.rem_euclid(100).unsigned_abs());
    let century = (year / 100 - 18) as u8;
    let mut serial = serial % 1000;
    // Terminates quickly: within a run of ten serials at most one gives check value 10.
    loop {
        let [s0, s1, s2] = [serial / 100, serial / 10 % 10, serial % 10].map(|d| d as u8);
        let mut digits = [d0, d1, m0, m1, y0, y1, century, s0, s1, s2, 0];
        if let Some(check) = check_digit(&digits) {
            digits[10] = check;
            return PersonalCode::from_digits(&digits, Some(birth_date));
        }
        serial = (serial + 1) % 1000;
    }
}

/// A valid new-format code from `n`: the second digit (2..=9) is `2 + n % 8`, the remaining
/// nine digits are `n / 8` modulo 10⁹.
pub fn synthetic_new(n: u64) -> PersonalCode {
    let mut digits = [0u8; 11];
    digits[0] = 3;
    digits[1] = 2 + (n % 8) as u8;
    let mut rest = n / 8;
    for d in digits[2..].iter_mut().rev() {
        *d = (rest % 10) as u8;
        rest /= 10;
    }
    PersonalCode::from_digits(&digits, None)
}

/// The 11 digit values of a trimmed input of 11 digits, or of 6 digits, a hyphen and 5 digits.
fn split_digits(input: &str) -> Option<[u8; 11]> {
    let bytes = input.trim().as_bytes();
    let compact: Vec<u8> = match bytes.len() {
        11 => bytes.to_vec(),
        12 if bytes[6] == b'-' => [&bytes[..6], &bytes[7..]].concat(),
        _ => return None,
    };
    let mut digits = [0u8; 11];
    for (digit, &byte) in digits.iter_mut().zip(&compact) {
        if !byte.is_ascii_digit() {
            return None;
        }
        *digit = byte - b'0';
    }
    Some(digits)
}

/// The birth date of a legacy code: century digit first, then the calendar date.
fn legacy_birth_date(digits: &[u8; 11]) -> Result<NaiveDate, PersonalCodeError> {
    let pair = |i: usize| u32::from(digits[i]) * 10 + u32::from(digits[i + 1]);
    let century = match digits[6] {
        c @ 0..=2 => i32::from(c),
        _ => return Err(PersonalCodeError::Century),
    };
    let year = 1800 + 100 * century + pair(4) as i32;
    NaiveDate::from_ymd_opt(year, pair(2), pair(0)).ok_or(PersonalCodeError::ImpossibleDate)
}

/// The legacy check digit for the first ten digits, or `None` when the check value is 10.
fn check_digit(digits: &[u8; 11]) -> Option<u8> {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    // The sum is at most 9 × 55 = 495, so the subtraction cannot underflow.
    let check = (1101 - sum) % 11;
    (check < 10).then_some(check as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn parse(s: &str) -> PersonalCode {
        PersonalCode::parse(s).expect("valid test code")
    }

    #[test]
    fn a_valid_legacy_code_parses_with_and_without_hyphen() {
        for input in ["161175-19997", "16117519997"] {
            let code = parse(input);
            assert!(code.is_legacy());
            assert_eq!(code.birth_date(), Some(d("1975-11-16")));
        }
        assert_eq!(parse("300190-12341").birth_date(), Some(d("1990-01-30")));
        assert_eq!(parse("311299-10008").birth_date(), Some(d("1999-12-31")));
        assert_eq!(parse("290200-21239").birth_date(), Some(d("2000-02-29")));
        assert_eq!(parse("010100-00018").birth_date(), Some(d("1800-01-01")));
    }

    #[test]
    fn codes_are_normalised_with_a_hyphen_after_six_digits_and_trimmed() {
        assert_eq!(parse("16117519997").as_str(), "161175-19997");
        assert_eq!(parse("  161175-19997\n").as_str(), "161175-19997");
        assert_eq!(parse("\t32345678901 ").as_str(), "323456-78901");
    }

    #[test]
    fn digits_are_the_code_without_the_hyphen() {
        assert_eq!(parse("161175-19997").digits(), "16117519997");
        assert_eq!(parse("323456-78901").digits(), "32345678901");
    }

    #[test]
    fn a_wrong_check_digit_is_rejected() {
        assert_eq!(
            PersonalCode::parse("161175-19996"),
            Err(PersonalCodeError::Checksum)
        );
    }

    #[test]
    fn a_check_value_of_ten_never_validates() {
        // 161175-1992x has check value 10, so no final digit is valid.
        for last in 0..=9 {
            assert_eq!(
                PersonalCode::parse(&format!("161175-1992{last}")),
                Err(PersonalCodeError::Checksum)
            );
        }
    }

    #[test]
    fn impossible_dates_are_rejected_even_with_a_correct_check_digit() {
        for input in [
            "310299-12348", // 31 February
            "310499-12345", // 31 April
            "290201-21248", // 29 February 2001
            "290200-11233", // 29 February 1900, not a leap year
        ] {
            assert_eq!(
                PersonalCode::parse(input),
                Err(PersonalCodeError::ImpossibleDate),
                "{input}"
            );
        }
    }

    #[test]
    fn a_legacy_century_digit_other_than_0_1_2_is_rejected() {
        for century in 3..=9 {
            assert_eq!(
                PersonalCode::parse(&format!("161175-{century}9990")),
                Err(PersonalCodeError::Century)
            );
        }
    }

    #[test]
    fn codes_starting_with_32_to_39_are_new_format() {
        for second in 2..=9 {
            let code = parse(&format!("3{second}0000-00000"));
            assert!(!code.is_legacy());
            assert_eq!(code.birth_date(), None);
        }
    }

    #[test]
    fn codes_starting_with_30_or_31_are_legacy_dates() {
        assert!(parse("300190-12341").is_legacy());
        assert!(parse("311299-10008").is_legacy());
        // Month 00 does not exist: these are not new-format codes.
        assert_eq!(
            PersonalCode::parse("300000-12341"),
            Err(PersonalCodeError::ImpossibleDate)
        );
        assert_eq!(
            PersonalCode::parse("310000-12346"),
            Err(PersonalCodeError::ImpossibleDate)
        );
    }

    #[test]
    fn new_format_codes_parse_without_date_or_checksum() {
        for input in [
            "323456-78901",
            "39999999999",
            "320000-00000",
            "385555-12345",
        ] {
            let code = parse(input);
            assert!(!code.is_legacy(), "{input}");
            assert_eq!(code.birth_date(), None);
        }
    }

    #[test]
    fn malformed_inputs_are_rejected() {
        for input in [
            "",
            "   ",
            "1611751999",    // 10 digits
            "161175199970",  // 12 digits
            "161175-1999",   // 10 digits with hyphen
            "16117A-19997",  // letter
            "16117-519997",  // hyphen in the wrong place
            "1611751-9997",  // hyphen in the wrong place
            "161175--19997", // two hyphens
            "161175-1999-7", // two hyphens
            "161175 19997",  // inner space
            "１61175-19997", // non-ASCII digit
        ] {
            assert_eq!(
                PersonalCode::parse(input),
                Err(PersonalCodeError::Format),
                "{input:?}"
            );
        }
    }

    #[test]
    fn a_declared_birth_date_must_match_a_legacy_code() {
        let code = parse("161175-19997");
        assert_eq!(code.check_birth_date(d("1975-11-16")), Ok(()));
        assert_eq!(
            code.check_birth_date(d("1975-11-17")),
            Err(PersonalCodeError::BirthDateMismatch)
        );
    }

    #[test]
    fn a_new_format_code_accepts_any_declared_birth_date() {
        assert_eq!(
            parse("323456-78901").check_birth_date(d("2001-02-03")),
            Ok(())
        );
    }

    #[test]
    fn synthetic_legacy_codes_parse_back_with_their_birth_date() {
        let dates = [
            "1800-01-01",
            "1899-12-31",
            "1900-02-28",
            "1975-11-16",
            "2000-02-29",
            "2099-12-31",
        ];
        for date in dates.map(d) {
            for serial in 0..1000 {
                let code = synthetic_legacy(date, serial);
                let parsed = PersonalCode::parse(code.as_str()).expect("synthetic code parses");
                assert_eq!(parsed, code);
                assert_eq!(parsed.birth_date(), Some(date));
            }
        }
    }

    #[test]
    fn synthetic_legacy_uses_the_serial_and_skips_a_check_value_of_ten() {
        assert_eq!(
            synthetic_legacy(d("1975-11-16"), 999).as_str(),
            "161175-19997"
        );
        // Serial 992 gives check value 10, so 993 is used.
        assert_eq!(
            synthetic_legacy(d("1975-11-16"), 992).as_str(),
            "161175-19938"
        );
        // Serial 000 gives check value 10 on 1 January 1800.
        assert_eq!(
            synthetic_legacy(d("1800-01-01"), 0).as_str(),
            "010100-00018"
        );
    }

    #[test]
    fn synthetic_new_codes_parse_back_as_new_format() {
        for n in (0..10_000).chain([u64::MAX, 8_000_000_000, 7_999_999_999]) {
            let code = synthetic_new(n);
            let parsed = PersonalCode::parse(code.as_str()).expect("synthetic code parses");
            assert_eq!(parsed, code);
            assert!(!parsed.is_legacy());
        }
        assert_eq!(synthetic_new(0).as_str(), "320000-00000");
        assert_eq!(synthetic_new(8 * 123_456_789 + 7).as_str(), "391234-56789");
    }

    #[test]
    fn debug_does_not_reveal_the_code() {
        let shown = format!("{:?}", parse("161175-19997"));
        assert_eq!(shown, "PersonalCode(***)");
        assert!(!shown.chars().any(|c| c.is_ascii_digit()));
    }

    #[test]
    fn error_reasons_are_stable_snake_case() {
        let reasons = [
            PersonalCodeError::Format,
            PersonalCodeError::ImpossibleDate,
            PersonalCodeError::Century,
            PersonalCodeError::Checksum,
            PersonalCodeError::BirthDateMismatch,
        ]
        .map(|e| e.reason());
        assert_eq!(
            reasons,
            [
                "format",
                "impossible_date",
                "century",
                "checksum",
                "birth_date_mismatch"
            ]
        );
    }
}
