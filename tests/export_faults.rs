//! A report that cannot be finished on a full disk: the PDF, the workbook and the package's zip
//! are written into their file as they are made, so a disk that fills part way through must
//! still leave no file, whole or partial, say so once in the coordinator's words, and not record
//! the call list's taking of the phones.

use crate::common::disk::{bin, Disk, SmallDisk};
use crate::common::{stdout, text};

#[test]
fn a_call_list_that_does_not_fit_leaves_no_file_and_records_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("city");
    stdout(&bin(&city).args(["demo", "--no-tui"]).output().unwrap());
    let log = || stdout(&bin(&city).args(["log", "--json"]).output().unwrap());
    let before = log();
    let mut stick = SmallDisk::new();
    let folder = stick.path();
    stick.fill(&folder);
    for name in ["电话清单.pdf", "电话清单.xlsx"] {
        let file = folder.join(name);
        let out = stick
            .command(&city)
            .args(["report", "calls", "-o"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name}: {}", text(&out));
        if let Disk::Tmpfs = stick.kind {
            assert!(
                text(&out).contains("无法写入") && text(&out).contains(&file.display().to_string()),
                "{name}: names the file it could not write: {}",
                text(&out)
            );
            assert!(
                text(&out).contains("磁盘已满"),
                "{name}: says why in the coordinator's words: {}",
                text(&out)
            );
            assert!(
                text(&out).trim_start().starts_with("peixun: "),
                "{name}: the refusal is all that is said: {}",
                text(&out)
            );
        } else {
            // A file size limit binds the store's files too: still a named refusal.
            assert!(text(&out).contains("peixun: "), "{}", text(&out));
        }
        let left = stick.left();
        assert!(
            left.is_empty(),
            "{name}: no file, whole or partial: {left:?}"
        );
    }
    assert_eq!(log(), before, "the phones' taking is not recorded");
    if let Disk::Tmpfs = stick.kind {
        for name in ["材料包.zip", "材料包"] {
            let out = stick
                .command(&city)
                .args(["report", "package", "-o"])
                .arg(folder.join(name))
                .output()
                .unwrap();
            assert!(!out.status.success(), "{name}: {}", text(&out));
            let said = text(&out);
            let (progress, refusal): (Vec<&str>, Vec<&str>) =
                said.lines().partition(|l| l.starts_with("正在打包"));
            assert!(!progress.is_empty(), "{said}");
            assert_eq!(
                refusal.len(),
                1,
                "{name}: the refusal is all else said: {said}"
            );
            assert!(
                refusal[0].starts_with("peixun: 无法写入")
                    && refusal[0].contains("磁盘已满")
                    && !refusal[0].contains(".peixun-package-"),
                "{name}: in the coordinator's words, naming the package: {said}"
            );
            assert!(stick.left().is_empty(), "{name}: nothing, whole or partial");
        }
    }
    stick.free();
    let file = folder.join("电话清单.pdf");
    let out = stdout(
        &stick
            .command(&city)
            .args(["report", "calls", "-o"])
            .arg(&file)
            .output()
            .unwrap(),
    );
    assert!(out.contains("已写入"), "{out}");
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF"));
    assert_ne!(log(), before, "once written, the taking is recorded");
}
