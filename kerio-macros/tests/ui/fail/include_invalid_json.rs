mod firmware {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/broken");
}

// Still resolves (an empty trait), so the mistake does not cascade.
#[allow(unused_imports)]
use firmware::AdminExt as _;

fn main() {}
