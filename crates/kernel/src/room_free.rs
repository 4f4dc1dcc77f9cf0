//! The kernel names no room: rooms install themselves (see `room`). This test reads the kernel's
//! own files for any room's crate, route prefix or file, so a dependency on a room cannot creep
//! back in.

#[cfg(test)]
mod tests {
    const ROOM_MARKS: &[&str] = &[
        "anjungan_survey",
        "anjungan_innovation",
        "anjungan_festival",
        "anjungan_desk",
        "anjungan_stories",
        "anjungan_auction",
        "\"/ikm",
        "\"/inovasi",
        "\"/festival",
        "\"/layanan",
        "\"/cerita",
        "\"/lelang",
        "kiosk.js",
        "lelang.js",
        "[programme.",
    ];

    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_kernel_names_no_room() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        for dir in ["src", "templates", "locales", "migrations", "static"] {
            files(&root.join(dir), &mut all);
        }
        let mut found = Vec::new();
        for path in &all {
            if path.ends_with("room_free.rs") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for mark in ROOM_MARKS {
                if text.contains(mark) {
                    found.push(format!("{} names {mark}", path.display()));
                }
            }
        }
        assert!(all.len() > 30, "read {} files", all.len());
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}
