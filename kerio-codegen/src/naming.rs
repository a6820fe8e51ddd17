//! Rust names for wire names: case conversion, keyword escaping, serde's rename rules.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];
/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A Rust identifier as text: either plain (`hostname`), raw (`r#type`) or suffixed (`self_`).
pub fn escape(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_OK.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// True when `s` is a name the spec format accepts for an interface, method, parameter,
/// field or type: ASCII letters, digits and `_`, not starting with a digit.
pub fn is_wire_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// True when `ident`, as [`snake`], [`camel`] or [`variant`] give it, is a keyword that
/// cannot be a raw identifier (`self`, `Self`, `super`, `crate`) escaped with a trailing `_`.
pub fn is_escaped_keyword(ident: &str) -> bool {
    ident
        .strip_suffix('_')
        .is_some_and(|keyword| NOT_RAW.contains(&keyword))
}

/// Prefix for names that would start with a digit or be empty.
fn ensure_ident_start(name: String, prefix: &str) -> String {
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => name,
        _ => format!("{prefix}{name}"),
    }
}

/// snake_case name of a field, parameter, method or module.
pub fn snake(wire: &str) -> String {
    escape(ensure_ident_start(wire.to_snake_case(), "n"))
}

/// UpperCamelCase name of a type or a generated struct.
pub fn camel(wire: &str) -> String {
    escape(ensure_ident_start(wire.to_upper_camel_case(), "T"))
}

/// The variant every generated enum keeps values it does not know in (`Unknown(String)`).
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Variant name of an enum value. A value named like the catch-all variant becomes
/// `UnknownValue`, so that the catch-all keeps its name whatever values regen adds.
pub fn variant(value: &str) -> String {
    let name = escape(ensure_ident_start(value.to_upper_camel_case(), "V"));
    if name == UNKNOWN_VARIANT {
        format!("{UNKNOWN_VARIANT}Value")
    } else {
        name
    }
}

/// The wire name serde gives a field named `ident` under `rename_all = "camelCase"`.
pub fn serde_camel(ident: &str) -> String {
    let raw = ident.strip_prefix("r#").unwrap_or(ident);
    let mut pascal = String::with_capacity(raw.len());
    let mut capitalize = true;
    for ch in raw.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => pascal,
    }
}

/// The name without a raw prefix or escape suffix, for comparing names.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_escapes() {
        assert_eq!(snake("ipAddressFromDHCP"), "ip_address_from_dhcp");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("ip6Addresses"), "ip6_addresses");
        assert_eq!(snake("P2pEliminator"), "p2p_eliminator");
        assert_eq!(camel("KId"), "KId");
        assert_eq!(variant("ActiveHostFirevall"), "ActiveHostFirevall");
        assert_eq!(variant("3des"), "V3des");
        assert_eq!(variant("None"), "None");
        assert_eq!(variant("text/plain"), "TextPlain");
        assert_eq!(variant("unknown"), "UnknownValue");
        assert_eq!(variant("UnknownValue"), "UnknownValue");
    }

    #[test]
    fn serde_camel_matches_serde() {
        assert_eq!(serde_camel("total_items"), "totalItems");
        assert_eq!(serde_camel("r#type"), "type");
        assert_eq!(serde_camel("ip6_addresses"), "ip6Addresses");
        assert_eq!(serde_camel("ip_address_from_dhcp"), "ipAddressFromDhcp");
    }
}
