#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        async fn get_status(&self);

        #[kerio(name = "getSTATUS")]
        async fn get_status(&self);
    }

    pub trait Batch {
        async fn status(&self);
    }

    pub struct Report {
        pub lines: Option<Vec<String>>,
    }

    pub enum Report {
        Full,
    }

    pub struct AdminExt {
        pub value: Option<i32>,
    }
}

fn main() {}
