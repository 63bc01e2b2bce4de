//! First-load bytes of the built app's pages (`dist/index.html`, the whole app; `dist/launch.html`,
//! the light page of the start page and the EHR launch): raw, gzip -9 and brotli q11.

use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

/// The size of one kind of file a first load fetches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Size {
    /// Files counted.
    pub files: Vec<String>,
    /// Bytes as served.
    pub raw: usize,
    /// Bytes after gzip at level 9.
    pub gzip: usize,
    /// Bytes after brotli at quality 11, window 22.
    pub brotli: usize,
}

impl Size {
    fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), String> {
        self.files.push(name.to_owned());
        self.raw += bytes.len();
        self.gzip += gzip(bytes)?;
        self.brotli += brotli(bytes)?;
        Ok(())
    }

    /// As JSON.
    pub fn to_json(&self) -> Value {
        json!({ "files": self.files, "raw": self.raw, "gzip": self.gzip, "brotli": self.brotli })
    }
}

/// What a first load fetches, by kind: `html`, `js`, `wasm`, `css`.
#[derive(Debug, Clone, Default)]
pub struct FirstLoad {
    /// Each kind with its size.
    pub kinds: Vec<(&'static str, Size)>,
}

impl FirstLoad {
    /// The four kinds together.
    pub fn total(&self) -> Size {
        let mut total = Size::default();
        for (_, size) in &self.kinds {
            total.files.extend(size.files.iter().cloned());
            total.raw += size.raw;
            total.gzip += size.gzip;
            total.brotli += size.brotli;
        }
        total
    }
}

/// The kind a file in `dist/` counts as on a first load, or `None` for what a current browser
/// does not fetch on start (`unsupported.js` is a `nomodule` script) or what is data, not code
/// (`config.json`).
pub fn kind_of(name: &str) -> Option<&'static str> {
    if name == "unsupported.js" {
        return None;
    }
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => Some("html"),
        Some("js") => Some("js"),
        Some("wasm") => Some("wasm"),
        Some("css") => Some("css"),
        _ => None,
    }
}

/// Measures what `page` in `dist` loads: the page and the files it names (scripts, styles, the
/// module and wasm `boot.js` loads), each once. Files only prefetched for the next page are not
/// this page's load.
pub fn measure(dist: &Path, page: &str) -> Result<FirstLoad, String> {
    let html = std::fs::read_to_string(dist.join(page)).map_err(|e| format!("{page}: {e}"))?;
    let mut names = vec![page.to_owned()];
    for name in loaded_files(&html) {
        if !names.contains(&name) && dist.join(&name).is_file() {
            names.push(name);
        }
    }
    let mut load = FirstLoad {
        kinds: ["html", "js", "wasm", "css"]
            .into_iter()
            .map(|kind| (kind, Size::default()))
            .collect(),
    };
    for name in names {
        let Some(kind) = kind_of(&name) else { continue };
        let bytes = std::fs::read(dist.join(&name)).map_err(|e| format!("{name}: {e}"))?;
        let (_, size) = load
            .kinds
            .iter_mut()
            .find(|(k, _)| *k == kind)
            .expect("every kind is listed");
        size.add(&name, &bytes)?;
    }
    Ok(load)
}

/// The file names a page's tags load, in order, leaving out `rel="prefetch"` links.
fn loaded_files(html: &str) -> Vec<String> {
    const ATTRIBUTES: [&str; 4] = [
        " src=\"",
        " href=\"",
        " data-bedside-js=\"",
        " data-bedside-wasm=\"",
    ];
    html.split('<')
        .filter(|tag| !tag.contains("rel=\"prefetch\""))
        .flat_map(|tag| {
            let tag = tag.split('>').next().unwrap_or_default();
            ATTRIBUTES.iter().filter_map(move |attribute| {
                let value = tag.split_once(attribute)?.1.split('"').next()?;
                Some(value.rsplit('/').next().unwrap_or_default().to_owned())
            })
        })
        .filter(|name| !name.is_empty())
        .collect()
}

fn gzip(bytes: &[u8]) -> Result<usize, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(encoder.finish().map_err(|e| e.to_string())?.len())
}

fn brotli(bytes: &[u8]) -> Result<usize, String> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(out.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nomodule_fallback_and_the_configuration_are_not_first_load_code() {
        assert_eq!(kind_of("unsupported.js"), None);
        assert_eq!(kind_of("config.json"), None);
        assert_eq!(kind_of("bedside-0123_bg.wasm"), Some("wasm"));
        assert_eq!(kind_of("boot.js"), Some("js"));
    }

    #[test]
    fn a_page_loads_what_its_tags_name_but_not_what_it_prefetches() {
        let page = r#"<head><base href="/bedside/"><script type="module" src="/bedside/boot.js"
            data-bedside-js="/bedside/light-1.js" data-bedside-wasm="/bedside/light-1_bg.wasm">
            </script><link rel="stylesheet" href="/bedside/main-2.css"/>
            <link rel="prefetch" href="/bedside/app-3_bg.wasm" data-bedside-app="wasm"></head>"#;
        assert_eq!(
            loaded_files(page),
            ["boot.js", "light-1.js", "light-1_bg.wasm", "main-2.css"]
        );
    }
}
