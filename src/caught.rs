//! A library's panic caught where it should have returned an error (sled on some damaged files),
//! kept off the screen. Only the catching thread's panics are kept quiet: swapping the process's
//! panic hook for a silent one while catching hid other threads' panics, and two threads
//! catching at once could leave the silent hook in place for good.

use std::cell::Cell;
use std::sync::Once;

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// `work`'s result, or the message of its panic, which is printed nowhere.
pub fn quietly<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    QUIET_HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !is_catching() {
                report(info);
            }
        }));
    });
    let was = CATCHING.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    CATCHING.with(|c| c.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default()
    })
}

/// Whether a panic on this thread is being caught by `quietly`: a hook set later (the
/// interface's, which restores the terminal) leaves it alone.
pub fn is_catching() -> bool {
    CATCHING.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_other_threads_still_report_theirs() {
        let caught = quietly(|| -> u32 { panic!("damaged segment") });
        assert_eq!(caught, Err("damaged segment".to_string()));
        assert_eq!(quietly(|| 7), Ok(7));
        assert!(!is_catching(), "only while catching");
        // Another thread's panic goes to the hook as before: it is seen as not being caught.
        let other = std::thread::spawn(|| {
            let inside = quietly(is_catching);
            (inside, is_catching())
        });
        assert_eq!(other.join().unwrap(), (Ok(true), false));
    }
}
