#[kerio_macros::extend(api = "admin", api = "stats")]
mod firmware {
    pub trait Diagnostics {
        async fn flush(&self);
    }
}

fn main() {}
