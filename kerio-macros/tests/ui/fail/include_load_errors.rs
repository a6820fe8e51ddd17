mod firmware {
    kerio_macros::include_spec!(api = "admin", path = "tests/ui/specs/load");
}

fn main() {}
