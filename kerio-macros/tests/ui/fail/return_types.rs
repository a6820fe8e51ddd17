#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        async fn uptime(&self) -> i64;

        #[kerio(out = "name")]
        async fn hostname(&self) -> &str;

        #[kerio(out = "done")]
        async fn flush(&self);

        #[kerio(out = "pair")]
        async fn pair(&self) -> (i64, i64);

        #[kerio(out = "load")]
        async fn load(&self) -> f32;
    }
}

fn main() {}
