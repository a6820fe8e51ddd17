mod missing_folder {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/nowhere");
}

mod no_json {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/empty");
}

// Still resolves (an empty trait), so the mistake does not cascade.
#[allow(unused_imports)]
use missing_folder::AdminExt as _;

fn main() {}
