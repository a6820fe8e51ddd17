#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        async fn ping(
            &self,
            host: String,
            count: u32,
            hosts: Vec<String>,
            query: SearchQuery,
            verbose: &bool,
            tags: &Vec<String>,
            options: &HashMap<String, String>,
            callback: fn(),
        );
    }
}

fn main() {}
