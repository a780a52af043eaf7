//! Placeholder until the terminal interface lands; replace this whole file.
pub fn run(_store: crate::store::Store, _today: chrono::NaiveDate) -> color_eyre::Result<()> {
    Err(color_eyre::eyre::eyre!("the terminal interface is not built yet"))
}
