//! Arguments that may be left out: a param that was required and is known to be optional
//! since stays an argument of its call (`"positional"` in the spec), which takes the value
//! as before, or `None`.

/// A value for a param the appliance accepts without: the value itself (what a call
/// passed when the param was required) or an `Option` of it, `None` leaving the param out
/// of the request.
///
/// `T` is the param's argument type (`bool`, `i32`, `&str`, `&SearchQuery`, `&[KId]`).
/// Besides `T` and `Option<T>`, the forms that coerce to `T` at a plain argument are
/// accepted too, so that calls written against a required param keep compiling:
/// `&String` for `&str`, and `&Vec<U>` and `&[U; N]` for `&[U]`.
///
/// ```
/// use kerio_api::Omittable;
///
/// fn sort(by_group: impl Omittable<bool>) -> Option<bool> {
///     by_group.into_param()
/// }
/// fn scopes<'a>(ids: impl Omittable<&'a [String]>) -> Option<&'a [String]> {
///     ids.into_param()
/// }
/// assert_eq!(sort(true), Some(true));
/// assert_eq!(sort(None), None);
/// let ids = vec!["1".to_owned()];
/// assert_eq!(scopes(&ids).map(<[String]>::len), Some(1));
/// assert_eq!(scopes(None), None);
/// ```
pub trait Omittable<T> {
    /// The param's value, `None` to leave it out.
    fn into_param(self) -> Option<T>;
}

impl<T> Omittable<T> for T {
    fn into_param(self) -> Option<T> {
        Some(self)
    }
}

impl<T> Omittable<T> for Option<T> {
    fn into_param(self) -> Option<T> {
        self
    }
}

impl<'a> Omittable<&'a str> for &'a String {
    fn into_param(self) -> Option<&'a str> {
        Some(self.as_str())
    }
}

impl<'a, U> Omittable<&'a [U]> for &'a Vec<U> {
    fn into_param(self) -> Option<&'a [U]> {
        Some(self.as_slice())
    }
}

impl<'a, U, const N: usize> Omittable<&'a [U]> for &'a [U; N] {
    fn into_param(self) -> Option<&'a [U]> {
        Some(self.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::Omittable;

    fn int(v: impl Omittable<i32>) -> Option<i32> {
        v.into_param()
    }
    fn long(v: impl Omittable<i64>) -> Option<i64> {
        v.into_param()
    }
    fn text<'a>(v: impl Omittable<&'a str>) -> Option<&'a str> {
        v.into_param()
    }
    fn list<'a>(v: impl Omittable<&'a [u8]>) -> Option<&'a [u8]> {
        v.into_param()
    }

    #[derive(Debug, PartialEq)]
    struct Query(u8);
    fn query<'a>(v: impl Omittable<&'a Query>) -> Option<&'a Query> {
        v.into_param()
    }

    #[test]
    fn every_form_a_required_param_took_still_works_and_none_leaves_it_out() {
        assert_eq!(int(5), Some(5));
        assert_eq!(long(5_000_000_000), Some(5_000_000_000));
        assert_eq!(int(None), None);
        assert_eq!(int(Some(7)), Some(7));
        let owned = String::from("local");
        assert_eq!(text("local"), Some("local"));
        assert_eq!(text(&owned), Some("local"));
        assert_eq!(text(owned.as_str()), Some("local"));
        assert_eq!(text(None), None);
        let v = vec![1u8, 2];
        assert_eq!(list(&v), Some(&[1u8, 2][..]));
        assert_eq!(list(&[3u8]), Some(&[3u8][..]));
        assert_eq!(list(&v[..1]), Some(&[1u8][..]));
        assert_eq!(list(None), None);
        let q = Query(1);
        assert_eq!(query(&q), Some(&Query(1)));
        assert_eq!(query(Some(&q)), Some(&Query(1)));
        assert_eq!(query(None), None);
    }
}
