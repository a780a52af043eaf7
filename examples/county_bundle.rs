//! Makes a county's busy season and the bundle it sends its city, for measuring imports at any
//! size: `cargo run --release --example county_bundle -- DIR PEOPLE` writes the county's store
//! (DIR/420704), an empty city store that trusts it (DIR/420700) and the bundle (DIR/b.pxb).
//! Each person is four ops: 25,000 people make 100,030 ops, 250,000 about a million.
//! Then: `peixun --data-dir DIR/420700 bundle import DIR/b.pxb` (on a copy, to run it again).

use std::path::{Path, PathBuf};

use color_eyre::eyre::{eyre, Result, WrapErr};

use peixun::store::Store;
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::{trust, Keys};

const COUNTY: &str = "420704";
const CITY: &str = "420700";

struct Office {
    store: Store,
    keys: Keys,
}

fn office(root: &Path, id: &str) -> Result<Office> {
    let store = Store::create(&root.join(id), id, "生成器")?;
    let keys = Keys::create(store.dir(), id)?;
    Ok(Office { store, keys })
}

/// `a` trusts `b`'s key.
fn pin(a: &Office, b: &Office) -> Result<()> {
    let card = b.keys.card()?;
    trust::trust_card(&a.store, &card, &card.fingerprint())?;
    Ok(())
}

fn main() -> Result<()> {
    color_eyre::install()?;
    let mut args = std::env::args().skip(1);
    let usage = || eyre!("usage: county_bundle DIR PEOPLE");
    let root = PathBuf::from(args.next().ok_or_else(usage)?);
    let people: usize = args
        .next()
        .ok_or_else(usage)?
        .parse()
        .wrap_err("PEOPLE is a count of people")?;
    std::fs::create_dir_all(&root).wrap_err_with(|| format!("making {}", root.display()))?;
    let county = office(&root, COUNTY)?;
    for chunk in peixun::demo::county_season(COUNTY, people).chunks(2_000) {
        county.store.commit(chunk.to_vec())?;
    }
    let city = office(&root, CITY)?;
    pin(&county, &city)?;
    pin(&city, &county)?;
    let (bytes, exported) = build(&county.store, &county.keys, CITY, &ExportOptions::default())?;
    let bundle = root.join("b.pxb");
    std::fs::write(&bundle, &bytes).wrap_err_with(|| format!("writing {}", bundle.display()))?;
    println!(
        "{}: {} ops, {} bytes",
        bundle.display(),
        exported.ops,
        bytes.len()
    );
    Ok(())
}
