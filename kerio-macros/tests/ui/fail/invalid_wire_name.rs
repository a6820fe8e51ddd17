#[kerio_macros::extend(api = "admin")]
mod firmware {
    #[kerio(name = "Network Tools")]
    pub trait NetworkTools {
        #[kerio(name = "get-status")]
        async fn get_status(&self, #[kerio(name = "1st")] first: &str);
    }

    pub enum Mode {
        #[kerio(name = "")]
        Empty,
    }
}

fn main() {}
