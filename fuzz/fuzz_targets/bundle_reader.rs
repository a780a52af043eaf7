//! The bundle reader on hostile files: the outer frame, then (first byte odd) the same bytes as
//! the decrypted inner part of a well-framed bundle to a known key, so the fuzzer reaches the
//! signed header's decoding without having to forge age. Ops are decoded as import would.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use peixun::sync::bundle::{MAGIC, VERSION};
use peixun::sync::incoming::open_bytes;

fn identity() -> &'static age::x25519::Identity {
    static ID: OnceLock<age::x25519::Identity> = OnceLock::new();
    ID.get_or_init(age::x25519::Identity::generate)
}

/// A frame around `inner`, encrypted to `identity()`, from 420704 to 420700.
fn framed(inner: &[u8]) -> Vec<u8> {
    let mut routing = Vec::new();
    for office in ["420704", "420700"] {
        routing.push(office.len() as u8);
        routing.extend_from_slice(office.as_bytes());
        routing.extend_from_slice(&1u32.to_be_bytes());
    }
    routing.extend_from_slice(&[7u8; 16]);
    let body = age::encrypt(&identity().to_public(), inner).expect("encrypting to a fresh key");
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(&(routing.len() as u16).to_be_bytes());
    out.extend_from_slice(&routing);
    out.extend_from_slice(&(body.len() as u64).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

fn sender() -> &'static peixun::sync::Keys {
    static KEYS: OnceLock<peixun::sync::Keys> = OnceLock::new();
    KEYS.get_or_init(|| peixun::sync::Keys::generate("420704"))
}

fn read(bytes: &[u8]) {
    if let Ok((outer, opened)) = open_bytes(bytes, identity()) {
        let _ = opened.verify(&outer, &sender().signing_key().verifying_key());
        let _ = opened.contents();
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = peixun::log::Op::decode(data);
    match data.split_first() {
        Some((first, rest)) if first & 1 == 1 => read(&framed(rest)),
        _ => read(data),
    }
});
