//! Serde helpers used by generated code: forward-compatible enums, nullable fields and
//! numbers that may arrive as JSON strings.
//!
//! Not part of the public API: code generated in other crates (kerio-macros) reaches
//! them through the hidden `kerio_api::__private::codec`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// A string enum of the wire format that keeps values it does not know.
pub trait WireEnum: Sized {
    /// Name of the type, for error messages.
    const TYPE_NAME: &'static str;
    /// The enum value for a wire string; unknown strings become the `Unknown` variant.
    fn from_wire(value: &str) -> Self;
    /// Like [`WireEnum::from_wire`] but reuses an owned string for unknown values.
    fn from_wire_owned(value: String) -> Self {
        Self::from_wire(&value)
    }
    /// The wire string of this value.
    fn as_wire(&self) -> &str;
}

/// Serializes a [`WireEnum`] as its wire string.
pub fn serialize_enum<E: WireEnum, S: Serializer>(
    value: &E,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_wire())
}

/// Deserializes a [`WireEnum`] from a JSON string without allocating for known values.
pub fn deserialize_enum<'de, E: WireEnum, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<E, D::Error> {
    struct EnumVisitor<E>(PhantomData<E>);
    impl<E: WireEnum> Visitor<'_> for EnumVisitor<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a string value of {}", E::TYPE_NAME)
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
            Ok(E::from_wire(v))
        }
        fn visit_string<Er: de::Error>(self, v: String) -> Result<E, Er> {
            Ok(E::from_wire_owned(v))
        }
    }
    deserializer.deserialize_str(EnumVisitor(PhantomData))
}

/// `Option<Option<T>>` for fields that may be absent (outer `None`) or JSON `null`
/// (`Some(None)`). Use with `#[serde(default, with = "codec::nullable")]`.
pub mod nullable {
    use super::*;

    /// Deserializes a present field: `null` becomes `Some(None)`.
    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }

    /// Serializes `Some(None)` as `null`; pair with `skip_serializing_if = "Option::is_none"`.
    pub fn serialize<T, S>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
    where
        T: Serialize,
        S: Serializer,
    {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// A number type that may also be read from a JSON string (`"1024"`).
pub trait LenientNumber: Sized {
    /// Name of the type, for error messages.
    const EXPECTING: &'static str;
    /// From a JSON integer.
    fn from_i64(v: i64) -> Option<Self>;
    /// From a JSON unsigned integer.
    fn from_u64(v: u64) -> Option<Self>;
    /// From a JSON fractional number.
    fn from_f64(v: f64) -> Option<Self>;
    /// From the text of a JSON string.
    fn parse(v: &str) -> Option<Self>;
}

macro_rules! lenient_int {
    ($($t:ty),*) => {$(
        impl LenientNumber for $t {
            const EXPECTING: &'static str = concat!("an integer (", stringify!($t), "), as a number or a string");
            fn from_i64(v: i64) -> Option<Self> { <$t>::try_from(v).ok() }
            fn from_u64(v: u64) -> Option<Self> { <$t>::try_from(v).ok() }
            fn from_f64(v: f64) -> Option<Self> {
                (v.fract() == 0.0 && v >= <$t>::MIN as f64 && v <= <$t>::MAX as f64).then_some(v as $t)
            }
            fn parse(v: &str) -> Option<Self> {
                let v = v.trim();
                v.parse().ok().or_else(|| v.parse::<f64>().ok().and_then(Self::from_f64))
            }
        }
    )*};
}
lenient_int!(i32, i64);

impl LenientNumber for f64 {
    const EXPECTING: &'static str = "a number, or a string holding one";
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
    fn parse(v: &str) -> Option<Self> {
        v.trim().parse().ok()
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<T: LenientNumber> Visitor<'_> for LenientVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// Reads a number given either as a JSON number or a JSON string.
/// Use with `#[serde(deserialize_with = "codec::lenient")]`.
pub fn lenient<'de, T: LenientNumber, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(LenientVisitor(PhantomData))
}

/// Like [`lenient`] for an optional field; `null` reads as `None`.
/// Use with `#[serde(default, deserialize_with = "codec::lenient_option")]`.
pub fn lenient_option<'de, T: LenientNumber, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    struct OptVisitor<T>(PhantomData<T>);
    impl<'de, T: LenientNumber> Visitor<'de> for OptVisitor<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            lenient(d).map(Some)
        }
    }
    deserializer.deserialize_option(OptVisitor(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Quota {
        #[serde(default, deserialize_with = "lenient_option")]
        used: Option<i64>,
        #[serde(deserialize_with = "lenient")]
        limit: f64,
    }

    #[test]
    fn lenient_numbers_accept_numbers_and_strings() {
        let q: Quota = serde_json::from_str(r#"{"used":"30000000000","limit":"1.5"}"#).unwrap();
        assert_eq!(
            q,
            Quota {
                used: Some(30_000_000_000),
                limit: 1.5
            }
        );
        let q: Quota = serde_json::from_str(r#"{"used":12,"limit":2}"#).unwrap();
        assert_eq!(
            q,
            Quota {
                used: Some(12),
                limit: 2.0
            }
        );
        let q: Quota = serde_json::from_str(r#"{"used":null,"limit":0}"#).unwrap();
        assert_eq!(q.used, None);
        let q: Quota = serde_json::from_str(r#"{"limit":0}"#).unwrap();
        assert_eq!(q.used, None);
        let err = serde_json::from_str::<Quota>(r#"{"used":"lots","limit":0}"#).unwrap_err();
        assert!(err.to_string().contains("integer"), "{err}");
    }
}
