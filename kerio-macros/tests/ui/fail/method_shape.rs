#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        fn flush(&self);

        async fn reset(&self) {}

        async fn clear(&mut self);

        async fn stop(host: &str);

        async fn start<T>(&self, value: &T);

        const TIMEOUT: u32;
    }
}

fn main() {}
