#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub struct Report {
        pub received: i32,
        pub lines: Option<Vec<&str>>,
        pub extra: Option<Box<Report>>,
    }

    pub struct Pair(Option<i32>, Option<i32>);

    pub struct Wrapper<T> {
        pub value: Option<T>,
    }

    #[derive(Debug)]
    pub struct Derived {
        #[serde(rename = "x")]
        pub x: Option<i32>,
    }
}

fn main() {}
