#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub enum State {
        Up(String),
        Down = 2,
        #[kerio(name = "unknown", lenient)]
        Unknown,
    }
}

fn main() {}
