//! PNG rendering with `resvg`, the text set in the font compiled into the crate.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::{Error, Result};

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`).
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// A font database holding only the bundled font, built once.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    Arc::clone(DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family(super::FONT_FAMILY);
        Arc::new(db)
    }))
}

/// `svg` rendered to a `width` × `height` pixel PNG.
pub(crate) fn png(svg: &str, width: u32, height: u32) -> Result<Vec<u8>> {
    let options = usvg::Options {
        font_family: super::FONT_FAMILY.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options)
        .map_err(|e| Error::Request(format!("the map's SVG cannot be read back: {e}")))?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or_else(|| {
        Error::Request(format!("a {width} × {height} pixel picture cannot be made"))
    })?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        width as f32 / size.width(),
        height as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| Error::Request(format!("the map cannot be encoded as PNG: {e}")))
}
