#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        #[kerio(nme = "flushAll")]
        async fn flush(&self);

        #[kerio(name = "reset", name = "resetAll")]
        async fn reset(&self);

        #[kerio]
        async fn clear(&self);

        #[kerio(out = "count", lenient = "yes")]
        async fn count(&self) -> i64;
    }

    #[kerio(name = "helper")]
    fn helper() {}
}

fn main() {}
