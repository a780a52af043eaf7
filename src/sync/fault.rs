//! What checks input from outside (a bundle, a card, a roster, a rotation) ends one of three
//! ways: done, refused (the input's fault: said in words, nothing written), or failed (the
//! machine's: a disk, the store). `Fault` keeps the last two apart in the type, so callers match
//! on them instead of downcasting a report.

use color_eyre::Report;

#[derive(Debug)]
pub enum Fault<E> {
    /// The input was refused; the store is unchanged.
    Refused(E),
    /// The machine failed.
    Failed(Report),
}

impl<E> Fault<E> {
    /// The same fault with its refusal said another way.
    pub fn map<F>(self, said: impl FnOnce(E) -> F) -> Fault<F> {
        match self {
            Fault::Refused(e) => Fault::Refused(said(e)),
            Fault::Failed(report) => Fault::Failed(report),
        }
    }
}

impl<E> From<Report> for Fault<E> {
    fn from(report: Report) -> Fault<E> {
        Fault::Failed(report)
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<Fault<E>> for Report {
    /// For a caller that only reports: a refusal becomes its message.
    fn from(fault: Fault<E>) -> Report {
        match fault {
            Fault::Refused(e) => Report::new(e),
            Fault::Failed(report) => report,
        }
    }
}

/// Refusals that `?` lifts into their `Fault`.
macro_rules! refusal {
    ($($e:ty),*) => {$(
        impl From<$e> for Fault<$e> {
            fn from(e: $e) -> Fault<$e> {
                Fault::Refused(e)
            }
        }
    )*};
}

refusal!(
    super::Rejection,
    super::trust::TrustError,
    super::rotation::RotationError
);
