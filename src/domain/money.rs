//! Amounts in euro, kept as whole cents, and hours, kept as hundredths: parsed once at the
//! edge from the decimal text the API takes (`"14.94"`, `"11.25"`), shown as the same text.

/// `"14.94"` → 1494 cents; at most seven whole digits and two decimals, never negative.
pub fn cents(amount: &str) -> Option<i64> {
    hundredths(amount)
}

/// `"11.25"` hours → 1125 hundredths, as `cents` reads euro.
pub fn hundredths(amount: &str) -> Option<i64> {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole)
        || whole.len() > 7
        || fraction.len() > 2
        || (amount.contains('.') && !digits(fraction))
    {
        return None;
    }
    let fraction_cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    Some(whole.parse::<i64>().ok()? * 100 + fraction_cents)
}

/// 1494 cents → `"14.94"`; -150 → `"-1.50"` (an adjustment that pays back).
pub fn eur(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_as_whole_cents() {
        assert_eq!(cents("14.94"), Some(1494));
        assert_eq!(cents("862.68"), Some(86268));
        assert_eq!(cents("29"), Some(2900));
        assert_eq!(cents("3.5"), Some(350));
        assert_eq!(cents("0.05"), Some(5));
        for bad in ["", "1.234", "-1", "1,50", "12345678", ".5", "5.", "abc"] {
            assert_eq!(cents(bad), None, "{bad}");
        }
        assert_eq!(eur(86268), "862.68");
        assert_eq!(eur(2900), "29.00");
        assert_eq!(eur(5), "0.05");
        assert_eq!(eur(-150), "-1.50");
        assert_eq!(eur(-5), "-0.05");
    }
}
