#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait Diagnostics {
        async fn ping(&self, #[kerio(name = "hostID")] host: &str);

        async fn getStatus(&self);
    }

    pub struct HTTPConfig {
        #[kerio(name = "maxConnections")]
        pub max: Option<i32>,
    }

    pub enum Mode {
        #[kerio(name = "3des")]
        TripleDes,
    }
}

fn main() {}
