//! Calls per second the mock appliance (`kerio_api::mock`) serves to the typed client of
//! the calls benchmark, on one thread that runs both ends (the CPU time of a call on
//! client and server together).
//!
//! Run with `cargo bench -p kerio-api --bench mock -- --warm-up-time 1 --measurement-time 3`;
//! criterion prints each figure as elements per second, one element being one call.
//!
//! - `made_up`: `ProductInfo.get`, a reply made up from the spec (and the appliance state);
//! - `listing`: `ActiveHosts.get`, the six hosts of the mock listed through the search
//!   query by the state of a listing interface;
//! - `strict`: the same listing with strict param checks.

use std::future::IntoFuture;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kerio_api::Session;
use kerio_api::admin::{Admin, ApiApplication, SearchQuery};
use kerio_api::mock::{MockAppliance, MockBuilder};

struct Setup {
    runtime: tokio::runtime::Runtime,
    _mock: MockAppliance,
    session: Session<Admin>,
}

fn setup(builder: MockBuilder) -> Setup {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (mock, session) = runtime.block_on(async {
        let mock = builder.forget_requests().start().await.expect("mock");
        let client = mock.client_builder().build().expect("client");
        let app = ApiApplication::default();
        let session = Admin::login(&client, mock.user(), mock.password(), &app)
            .await
            .expect("login");
        (mock, session)
    });
    Setup {
        runtime,
        _mock: mock,
        session,
    }
}

impl Setup {
    /// One `ActiveHosts.get` with the default search query.
    fn list_hosts(&self, query: &SearchQuery) {
        black_box(
            self.runtime
                .block_on(
                    self.session
                        .active_hosts()
                        .get(black_box(query), false)
                        .into_future(),
                )
                .expect("call"),
        );
    }
}

fn mock(c: &mut Criterion) {
    let mut group = c.benchmark_group("mock");
    group.throughput(Throughput::Elements(1));
    let query = SearchQuery::default();

    let s = setup(MockAppliance::builder());
    group.bench_function("made_up", |b| {
        b.iter(|| {
            black_box(
                s.runtime
                    .block_on(s.session.product_info().get().into_future())
                    .expect("call"),
            )
        })
    });
    group.bench_function("listing", |b| b.iter(|| s.list_hosts(&query)));
    drop(s);

    let s = setup(MockAppliance::builder().strict(true));
    group.bench_function("strict", |b| b.iter(|| s.list_hosts(&query)));
    group.finish();
}

criterion_group!(benches, mock);
criterion_main!(benches);
