//! Paging through list methods (`start`/`limit` in a search query, `totalItems` in the
//! result) as one stream of items.
//!
//! Generated code builds per-method `*_stream` helpers on [`pages`]; it can also be used
//! directly with any method that pages this way. The helpers send the flags the spec
//! declares `firstPageOnly` (`refresh`) as given with the first page only and as `false`
//! with the others: a refresh with every page makes the appliance recompute the list
//! between pages, so items would be duplicated or skipped. Code calling [`pages`]
//! directly should do the same (the first call of `fetch` has `start == 0`).

use std::future::Future;

use futures_util::{Stream, StreamExt, stream};

use crate::error::Error;

/// Fetches page after page and yields their items.
///
/// `fetch(start, limit)` returns one page of at most `limit` items from offset `start`,
/// with the total number of items (`totalItems`). Paging stops after the page that
/// reaches the total, or at an empty or short page (so a total that grows or lies does
/// not make the stream run forever, nor stop early while full pages keep coming). An
/// error is yielded as the stream's last item. A `page_size` of 0 is taken as 1.
///
/// ```no_run
/// # use futures_util::TryStreamExt;
/// # async fn demo() -> Result<(), kerio_api::Error> {
/// # async fn fetch_hosts(start: i64, limit: i64) -> Result<(Vec<String>, i64), kerio_api::Error> { todo!() }
/// let hosts: Vec<String> = kerio_api::paging::pages(500, fetch_hosts).try_collect().await?;
/// # Ok(()) }
/// ```
pub fn pages<T, F, Fut>(page_size: u32, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(i64, i64) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, i64), Error>>,
{
    let limit = i64::from(page_size.max(1));
    let state = Some(Pager { fetch, start: 0 });
    stream::unfold(state, move |state| async move {
        let mut pager = state?;
        match (pager.fetch)(pager.start, limit).await {
            Ok((items, total)) => {
                let count = items.len() as i64;
                pager.start = pager.start.saturating_add(count);
                let last = count == 0 || count < limit || (total >= 0 && pager.start >= total);
                let next = (!last).then_some(pager);
                Some((Page::Items(items), next))
            }
            Err(e) => Some((Page::Error(e), None)),
        }
    })
    .flat_map(|page| match page {
        Page::Items(items) => stream::iter(items).map(Ok).left_stream(),
        Page::Error(e) => stream::once(std::future::ready(Err(e))).right_stream(),
    })
}

struct Pager<F> {
    fetch: F,
    start: i64,
}

/// What one fetch yields: items, or the error that ends the stream.
enum Page<T> {
    Items(Vec<T>),
    Error(Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::TryStreamExt;
    use std::sync::{Arc, Mutex};

    type Requests = Arc<Mutex<Vec<(i64, i64)>>>;
    type PageResult = Result<(Vec<i64>, i64), Error>;

    /// A list of `total` numbers served page by page; records the requests.
    fn server(
        total: i64,
        claimed_total: i64,
    ) -> (
        Requests,
        impl FnMut(i64, i64) -> std::future::Ready<PageResult>,
    ) {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        let fetch = move |start: i64, limit: i64| {
            log.lock().unwrap().push((start, limit));
            let end = (start + limit).min(total);
            std::future::ready(Ok(((start..end).collect(), claimed_total)))
        };
        (requests, fetch)
    }

    fn collect<T>(s: impl Stream<Item = Result<T, Error>>) -> Vec<Result<T, Error>> {
        block_on(s.collect())
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn pages_until_the_total() {
        let (requests, fetch) = server(25, 25);
        let items: Vec<i64> = block_on(pages(10, fetch).try_collect()).unwrap();
        assert_eq!(items, (0..25).collect::<Vec<_>>());
        assert_eq!(*requests.lock().unwrap(), [(0, 10), (10, 10), (20, 10)]);

        // An exact multiple stops at the total, without fetching an empty page.
        let (requests, fetch) = server(20, 20);
        assert_eq!(collect(pages(10, fetch)).len(), 20);
        assert_eq!(requests.lock().unwrap().len(), 2);
    }

    #[test]
    fn short_and_empty_pages_end_the_stream() {
        // The total claims more than there is.
        let (requests, fetch) = server(15, 1000);
        assert_eq!(collect(pages(10, fetch)).len(), 15);
        assert_eq!(requests.lock().unwrap().len(), 2);
        let (requests, fetch) = server(0, 5);
        assert_eq!(collect(pages(10, fetch)).len(), 0);
        assert_eq!(requests.lock().unwrap().len(), 1);
        // A total of -1 (unknown) relies on short pages.
        let (_, fetch) = server(30, -1);
        assert_eq!(collect(pages(10, fetch)).len(), 30);
        // Zero is taken as one.
        let (requests, fetch) = server(3, 3);
        assert_eq!(collect(pages(0, fetch)).len(), 3);
        assert_eq!(*requests.lock().unwrap(), [(0, 1), (1, 1), (2, 1)]);
    }

    #[test]
    fn an_error_is_the_last_item() {
        let mut calls = 0;
        let fetch = move |start: i64, limit: i64| {
            calls += 1;
            std::future::ready(if calls == 2 {
                Err(Error::Timeout {
                    method: "Users.get",
                })
            } else {
                Ok(((start..start + limit).collect::<Vec<i64>>(), 100))
            })
        };
        let items = collect(pages(5, fetch));
        assert_eq!(items.len(), 6);
        assert!(items[..5].iter().all(Result::is_ok));
        assert!(matches!(items[5], Err(Error::Timeout { .. })));
    }
}
