use super::*;

#[test]
fn scratch_dir() {
    let Ok(dir) = std::env::var("FMT_SCRATCH") else { return };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tf") {
            let src = std::fs::read_to_string(&path).unwrap();
            let out = match format_source(&src) {
                Ok(out) => {
                    let again = format_source(&out);
                    if again.as_ref() != Ok(&out) {
                        eprintln!("NOT IDEMPOTENT: {}: {:?}", path.display(), again);
                    }
                    out
                }
                Err(e) => format!("ERROR: {e}\n"),
            };
            std::fs::write(path.with_extension("ours"), out).unwrap();
        }
    }
}
