//! Generated enums compare, hash and sort by their wire strings, so that an `Unknown`
//! holding a known value cannot differ from its variant and regen cannot reorder them.

use std::collections::{BTreeSet, HashSet};

use kerio_api::admin::{ActiveHostType, SortDirection};

#[test]
fn an_unknown_known_value_is_that_value() {
    let forged = SortDirection::Unknown("Asc".into());
    assert_eq!(forged, SortDirection::Asc);
    assert_ne!(forged, SortDirection::Desc);
    let set: HashSet<SortDirection> = [forged.clone(), SortDirection::Asc].into();
    assert_eq!(set.len(), 1);
    // From a wire string, the variant itself.
    assert!(matches!(SortDirection::from("Asc"), SortDirection::Asc));
    assert!(matches!(
        SortDirection::from(String::from("Sideways")),
        SortDirection::Unknown(ref v) if v == "Sideways"
    ));
    let decoded: SortDirection = serde_json::from_str(r#""Desc""#).expect("decodes");
    assert!(matches!(decoded, SortDirection::Desc));
}

#[test]
fn order_is_by_wire_string_whatever_the_spec_order() {
    // The spec lists Firevall, VpnClient, Host, Guest; the order is the wire strings', so
    // a value a newer spec inserts, or one only newer firmware sends, moves no other.
    let set: BTreeSet<ActiveHostType> = [
        ActiveHostType::Unknown("ActiveHostSatellite".into()),
        ActiveHostType::ActiveHostVpnClient,
        ActiveHostType::ActiveHostHost,
        ActiveHostType::ActiveHostFirevall,
        ActiveHostType::Unknown("ActiveHostAaa".into()),
        ActiveHostType::ActiveHostGuest,
    ]
    .into();
    let sorted: Vec<&str> = set.iter().map(ActiveHostType::as_str).collect();
    assert_eq!(
        sorted,
        [
            "ActiveHostAaa",
            "ActiveHostFirevall",
            "ActiveHostGuest",
            "ActiveHostHost",
            "ActiveHostSatellite",
            "ActiveHostVpnClient"
        ]
    );
    assert!(SortDirection::Asc < SortDirection::Desc);
    assert!(SortDirection::Unknown("Ascending".into()) > SortDirection::Asc);
}
