#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        #[kerio(out(hosts: Vec<String>, total_items: i64))]
        async fn list(&self) -> Page;

        #[kerio(out(hosts: Vec<String>, total_items: i64))]
        async fn search(&self, text: &str);

        #[kerio(out())]
        async fn first(&self) -> FirstResult;

        #[kerio(out(bytes: i64, packets: i64), lenient)]
        async fn counters(&self) -> CountersResult;
    }
}

fn main() {}
