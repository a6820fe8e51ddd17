#[kerio_macros::extend]
mod firmware {
    pub trait Diagnostics {
        async fn flush(&self);
    }
}

#[kerio_macros::extend(ext_trait = "FirmwareExt")]
mod other {
    pub struct Report {
        pub lines: Option<Vec<String>>,
    }
}

fn main() {
    let _ = other::Report { lines: None };
}
