mod missing_path {
    kerio_macros::include_spec!(api = "admin");
}

mod unknown_argument {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/firmware", folder = "specs");
}

mod duplicate_argument {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/firmware", path = "specs");
}

fn main() {}
