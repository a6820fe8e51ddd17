//! Values of made-up replies, by the field's name: believable (codes, addresses and
//! figures from their domains) and inert.

/// Country codes (ISO 3166-1 alpha-2) and language codes (ISO 639-1) made-up fields take
/// in turn: a client looks them up in its own lists of codes.
const COUNTRIES: [&str; 6] = ["CZ", "DE", "AT", "SK", "PL", "US"];
const LANGUAGES: [&str; 5] = ["en", "cs", "de", "sk", "pl"];

/// A string that reads like what the field holds: ids from the place's own range
/// (starting at `id_base`), addresses in the documentation ranges (RFC 5737, RFC 7042),
/// country and language codes from their domains, names with a number.
pub(super) fn string(name: &str, n: usize, id_base: u64) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("country") || lower.ends_with("countries") || lower == "countrycode" {
        COUNTRIES[n % COUNTRIES.len()].to_owned()
    } else if lower.ends_with("language") || lower == "lang" || lower.ends_with("languages") {
        LANGUAGES[n % LANGUAGES.len()].to_owned()
    } else if lower == "id" || lower.ends_with("id") {
        format!("{}", id_base + n as u64)
    } else if lower.contains("mac") {
        format!("00:00:5e:00:53:{:02x}", n % 256)
    } else if lower.contains("ip6") || lower.contains("ipv6") {
        format!("2001:db8::{n:x}")
    } else if lower == "ip" || lower.contains("addr") || lower.contains("ip") && lower.len() <= 4 {
        format!("192.0.2.{}", n % 255)
    } else if lower.contains("url") {
        format!("https://www.example.com/{n}")
    } else if lower.contains("hostname") || lower.contains("host") {
        format!("host-{n}.example.com")
    } else {
        format!("{name}-{n}")
    }
}

/// An integer that reads like what the field holds: dates and times in their ranges.
pub(super) fn integer(name: &str, n: usize) -> i64 {
    let n = n as i64;
    match name {
        "year" => 2026,
        "month" => n % 12,
        "day" => n % 28 + 1,
        "hour" => (8 + n) % 24,
        "min" | "minute" | "sec" | "second" => (n * 7) % 60,
        _ => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_from_their_domains_and_ids_from_their_range() {
        for n in 0..12 {
            assert!(COUNTRIES.contains(&string("blockedCountries", n, 0).as_str()));
            assert!(COUNTRIES.contains(&string("countryCode", n, 0).as_str()));
            assert!(LANGUAGES.contains(&string("calculatedLanguage", n, 0).as_str()));
            assert!(LANGUAGES.contains(&string("lang", n, 0).as_str()));
        }
        assert_eq!(string("ruleId", 3, 10_200), "10203");
        assert_eq!(string("name", 1, 0), "name-1");
    }
}
