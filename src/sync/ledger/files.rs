//! Evidence files kept by content hash in the data folder's `files/`: copied there when attached,
//! read from there for `bundle export --with-files`, written there by an import. A file is only
//! ever read back when its bytes still hash to its name.

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};

use crate::log::Hash;
use crate::store::Store;
use crate::sync::hex;

impl Store {
    pub fn files_dir(&self) -> PathBuf {
        self.dir().join("files")
    }

    fn kept_path(&self, hash: &Hash) -> PathBuf {
        self.files_dir().join(hex(hash))
    }

    /// Keeps `bytes` under their hash (written to a temporary name, flushed, renamed). `false`
    /// when the file was kept already.
    pub fn keep_file(&self, hash: &Hash, bytes: &[u8]) -> Result<bool> {
        self.keep_file_from_reader(hash, &mut std::io::Cursor::new(bytes))
    }

    /// As `keep_file`, copying from `source` (a bundle's spooled file) from its start.
    pub fn keep_file_from_reader(
        &self,
        hash: &Hash,
        source: &mut (impl std::io::Read + std::io::Seek),
    ) -> Result<bool> {
        let path = self.kept_path(hash);
        if path.is_file() {
            return Ok(false);
        }
        let dir = self.files_dir();
        std::fs::create_dir_all(&dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".keep-")
            .tempfile_in(&dir)
            .wrap_err_with(|| format!("writing in {}", dir.display()))?;
        source.rewind()?;
        std::io::copy(source, &mut temp)?;
        temp.as_file().sync_all()?;
        temp.persist(&path)
            .map_err(|e| e.error)
            .wrap_err_with(|| format!("writing {}", path.display()))?;
        Ok(true)
    }

    /// Keeps a copy of the file at `source`, whose content hash (hex) is `blake3`.
    pub fn keep_file_from(&self, source: &Path, blake3: &str) -> Result<()> {
        let Some(hash) = crate::sync::unhex::<32>(blake3) else {
            return Ok(());
        };
        let bytes =
            std::fs::read(source).wrap_err_with(|| format!("reading {}", source.display()))?;
        self.keep_file(&hash, &bytes).map(drop)
    }

    /// The kept file of `hash`, if it is here and still has that hash.
    pub fn kept_file(&self, hash: &Hash) -> Result<Option<Vec<u8>>> {
        let path = self.kept_path(hash);
        match std::fs::read(&path) {
            Ok(bytes) if blake3::hash(&bytes).as_bytes() == hash => Ok(Some(bytes)),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).wrap_err_with(|| format!("reading {}", path.display())),
        }
    }
}
