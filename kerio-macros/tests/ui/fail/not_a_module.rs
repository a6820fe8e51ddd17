#[kerio_macros::extend(api = "admin")]
pub trait Diagnostics {
    async fn flush(&self);
}

fn main() {}
