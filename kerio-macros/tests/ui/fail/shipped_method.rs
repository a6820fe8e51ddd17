#[kerio_macros::extend(api = "admin")]
mod firmware {
    pub trait ActiveHosts {
        /// Already in the shipped `ActiveHosts` interface.
        #[kerio(out(list: ActiveHostList, total_items: i64))]
        async fn get(&self, query: &SearchQuery, refresh: bool) -> GetResult;

        /// New in newer firmware.
        #[kerio(out = "bandwidth")]
        async fn get_bandwidth(&self, id: &str) -> i64;
    }
}

use firmware::ActiveHostsExt as _;

async fn bandwidth(session: &kerio_api::Session<kerio_api::admin::Admin>) -> i64 {
    session.active_hosts().get_bandwidth("10").await.unwrap().bandwidth
}

fn main() {
    drop(bandwidth);
}
