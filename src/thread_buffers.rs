//! Buffers kept per thread and reused from one call to the next, so that a query repeated
//! millions of times allocates nothing once warm.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Runs `f` with this thread's buffers in `key`, or with fresh ones if they are in use (as in
/// a nested call from inside a callback of the outer one).
pub(crate) fn with_thread_buffers<S: Default, T>(
    key: &'static LocalKey<RefCell<S>>,
    f: impl FnOnce(&mut S) -> T,
) -> T {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut S::default()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static BUF: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    }

    #[test]
    fn reuses_the_thread_s_buffers_and_gives_fresh_ones_when_nested() {
        with_thread_buffers(&BUF, |b| b.push(1));
        let (outer, inner) = with_thread_buffers(&BUF, |b| {
            b.push(2);
            let inner = with_thread_buffers(&BUF, |n| {
                n.push(3);
                n.clone()
            });
            (b.clone(), inner)
        });
        assert_eq!(outer, [1, 2]);
        assert_eq!(inner, [3]);
    }
}
