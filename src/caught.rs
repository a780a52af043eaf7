//! A library's panic caught where it should have returned an error (sled on some damaged files,
//! rust_xlsxwriter on a scratch file it cannot write), kept off the screen. Only the catching
//! thread's expected panics are kept quiet: swapping the process's panic hook for a silent one
//! while catching hid other threads' panics and, with two threads catching at once, could leave
//! the silent hook in place for good.

use std::any::Any;
use std::cell::Cell;
use std::panic::PanicHookInfo;
use std::sync::Once;

/// What the panics being caught on this thread say, by their message.
type Expected = fn(&str) -> bool;

thread_local! {
    static CATCHING: Cell<Option<Expected>> = const { Cell::new(None) };
}

static QUIET_HOOK: Once = Once::new();

/// `work`'s result, or the message of any panic in it, which is printed nowhere.
pub fn quietly<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    quietly_if(|_| true, work)
}

/// `quietly` for the panics `expected` knows by their message; any other is reported as always
/// and goes on unwinding (a bug of ours is not made into a refusal).
pub fn quietly_if<T>(expected: Expected, work: impl FnOnce() -> T) -> Result<T, String> {
    QUIET_HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !is_expected(info) {
                report(info);
            }
        }));
    });
    let was = CATCHING.with(|c| c.replace(Some(expected)));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    CATCHING.with(|c| c.set(was));
    match result {
        Ok(done) => Ok(done),
        Err(payload) => {
            let message = message_of(&*payload);
            if expected(&message) {
                Err(message)
            } else {
                std::panic::resume_unwind(payload)
            }
        }
    }
}

/// Whether the panic `info` is one this thread is catching quietly: a hook set later (the
/// interface's, which restores the terminal) leaves it alone.
pub fn is_expected(info: &PanicHookInfo<'_>) -> bool {
    CATCHING
        .with(Cell::get)
        .is_some_and(|expected| expected(&message_of(info.payload())))
}

fn message_of(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expected_panic_becomes_its_message_and_any_other_goes_on() {
        let caught = quietly(|| -> u32 { panic!("damaged segment") });
        assert_eq!(caught, Err("damaged segment".to_string()));
        assert_eq!(quietly(|| 7), Ok(7));
        let disk = |m: &str| m.starts_with("Couldn't write");
        let full = quietly_if(disk, || -> u32 {
            panic!("Couldn't write to xml file: full")
        });
        assert_eq!(full, Err("Couldn't write to xml file: full".to_string()));
        // Ours, not the library's: still a panic, which the caller sees.
        let ours = std::panic::catch_unwind(|| quietly_if(disk, || -> u32 { panic!("a bug") }));
        let payload = ours.expect_err("the bug's panic goes on");
        assert_eq!(message_of(&*payload), "a bug");
    }
}
