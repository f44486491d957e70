//! Personal codes and dates for test data.

/// Weights of the legacy personal-code checksum (independent of the service's own code).
const CODE_WEIGHTS: [u32; 10] = [1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// A valid legacy personal code `DDMMYY-CSSSX` for `birth_date` (1800–2099): serial
/// `serial % 1000`, moving on to the next serial when the check value would be 10.
pub fn legacy_code(birth_date: chrono::NaiveDate, serial: u32) -> String {
    use chrono::Datelike;
    let century = match birth_date.year() {
        1800..=1899 => 0,
        1900..=1999 => 1,
        2000..=2099 => 2,
        other => panic!("no legacy personal code for {other}"),
    };
    let mut serial = serial % 1000;
    loop {
        let first = format!(
            "{:02}{:02}{:02}{century}{serial:03}",
            birth_date.day(),
            birth_date.month(),
            birth_date.year() % 100
        );
        let sum: u32 = first
            .bytes()
            .zip(CODE_WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        let check = (1101 - sum) % 11;
        if check < 10 {
            return format!("{}-{}{check}", &first[..6], &first[6..]);
        }
        serial = (serial + 1) % 1000;
    }
}

/// A new-format personal code `3[2-9]NNNN-NNNNN` (no date, no checksum) from `n`.
pub fn new_code(n: u64) -> String {
    let digits = format!("3{}{:09}", 2 + n % 8, (n / 8) % 1_000_000_000);
    format!("{}-{}", &digits[..6], &digits[6..])
}

/// Today in Latvia, as the service computes it.
pub fn today() -> chrono::NaiveDate {
    kopiena::domain::today()
}

/// `date` moved by `months` (negative: back), clamped to the month's last day.
pub fn months_from(date: chrono::NaiveDate, months: i32) -> chrono::NaiveDate {
    let shifted = if months >= 0 {
        date.checked_add_months(chrono::Months::new(months.unsigned_abs()))
    } else {
        date.checked_sub_months(chrono::Months::new(months.unsigned_abs()))
    };
    shifted.expect("date in range")
}

#[test]
fn legacy_code_helper_reproduces_known_valid_codes() {
    let d = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
    assert_eq!(legacy_code(d("1975-11-16"), 999), "161175-19997");
    assert_eq!(legacy_code(d("1990-01-30"), 234), "300190-12341");
    assert_eq!(legacy_code(d("1999-12-31"), 0), "311299-10008");
    assert_eq!(legacy_code(d("2000-02-29"), 123), "290200-21239");
    assert_eq!(new_code(0), "320000-00000");
    assert_eq!(new_code(8 * 123_456_789 + 7), "391234-56789");
}
