#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        #[kerio(out = "report")]
        async fn ping(&self, query: &SearchQeury) -> PingReprt;

        async fn trace(&self, hops: &[Hop]);
    }

    pub struct PingReport {
        pub received: Option<i32>,
    }
}

fn main() {}
