//! Where things live on this machine, in one place: the store, the settings, the home folder.

use std::path::PathBuf;

fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "peixun", "peixun")
}

/// The platform's data folder for the store (`~/.local/share/peixun` on Linux).
pub fn data_dir() -> Option<PathBuf> {
    project().map(|d| d.data_dir().to_path_buf())
}

/// The platform's settings folder (`~/.config/peixun` on Linux): config.toml, keymap.toml.
pub fn config_dir() -> Option<PathBuf> {
    project().map(|d| d.config_dir().to_path_buf())
}

pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
}

/// The user's own data folder (`~/.local/share` on Linux), where user fonts live too.
pub fn user_data_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.data_dir().to_path_buf())
}
