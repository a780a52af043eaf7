//! Placeholder until the demo generator lands; replace this whole file.
pub fn build(
    _dir: &std::path::Path,
    _scale: crate::cli::Scale,
    _seed: u64,
    _progress: &mut dyn FnMut(usize, usize),
) -> color_eyre::Result<crate::store::Store> {
    Err(color_eyre::eyre::eyre!("the demo generator is not built yet"))
}
