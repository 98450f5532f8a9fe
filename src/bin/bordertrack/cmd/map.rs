//! `bordertrack map`: the border status at a date, or at each date of a series, as SVG or PNG.
//! Glue around [`bordertrack::map`].

use std::io::Write;
use std::path::{Path, PathBuf};

use bordertrack::map::{draw, MapRequest};
use bordertrack::{Borders, Error, Incident, PartialDate};

use crate::args::{MapArgs, OutArgs};
use crate::output::{say, Output};
use crate::Failure;

/// The picture formats, from `-o`'s extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Picture {
    Svg,
    Png,
}

/// The picture format `target`'s extension names.
fn picture_format(target: &Path) -> Result<Picture, Failure> {
    let ext = target
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("svg") => Ok(Picture::Svg),
        Some("png") => Ok(Picture::Png),
        _ => Err(Failure::Usage(format!(
            "{}: map writes .svg or .png files; give -o a name ending in one of those",
            target.display()
        ))),
    }
}

/// `target` with `-DATE` added before its extension: `m.png` → `m-2002-01-01.png`.
fn frame_path(target: &Path, date: &PartialDate) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = target
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!("{stem}-{date}.{ext}"))
}

/// The incidents to draw: none, the dataset's own, or FILE's good rows (bad rows are reported
/// on stderr and skipped).
fn incidents(borders: &Borders, args: &MapArgs) -> Result<Vec<Incident>, Failure> {
    if args.no_incidents {
        return Ok(Vec::new());
    }
    let Some(path) = &args.incidents else {
        return Ok(borders.dataset().incidents().to_vec());
    };
    let mut reader =
        crate::incident_input::open(path, None, &Default::default()).map_err(|e| match e {
            Error::Invalid(problems) => Failure::BadInput(problems),
            other => Failure::from(other),
        })?;
    let mut good = Vec::new();
    let mut bad = 0usize;
    for row in reader.records() {
        match row {
            Ok(i) => good.push(i),
            Err(p) => {
                bad += 1;
                say!("{p}");
            }
        }
    }
    if reader.stopped_early() {
        return Err(Failure::Incomplete);
    }
    if bad > 0 {
        say!(
            "bordertrack: {bad} bad incident row{} skipped",
            if bad == 1 { "" } else { "s" }
        );
    }
    Ok(good)
}

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &MapArgs) -> Result<(), Failure> {
    let picture = picture_format(&args.output)?;
    let borders = Borders::new(super::load(data_dir)?)?;
    super::check_dyad(borders.dataset(), args.dyad)?;
    let dates: Vec<(PartialDate, PathBuf)> = match (args.from, args.to) {
        (Some(from), Some(to)) => super::stats::series(from, to, args.step)?
            .into_iter()
            .map(|span| {
                let day = PartialDate::Day(span.first);
                (day, frame_path(&args.output, &day))
            })
            .collect(),
        _ => {
            let date = super::date_or_today(args.when.as_of);
            vec![(date, args.output.clone())]
        }
    };
    let incidents = incidents(&borders, args)?;
    let mut inputs = super::inputs(data_dir);
    inputs.extend(args.incidents.clone());
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    for (date, target) in dates {
        let mut request = MapRequest::new(date);
        request.basis = args.when.basis.into();
        request.dyad = args.dyad;
        request.filter = args.on.clone();
        request.incident_reach_m = args.within;
        (request.width_px, request.height_px) = args.size;
        let map = draw(&borders, &request, &incidents)?;
        let bytes = match picture {
            Picture::Svg => map.into_svg().into_bytes(),
            Picture::Png => map.to_png()?,
        };
        let out_args = OutArgs {
            format: None,
            output: Some(target),
        };
        let mut out = Output::open(&out_args, &inputs)?;
        out.write_all(&bytes)?;
        out.commit()?;
        if crate::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Failure::Interrupted);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_named_after_their_dates() {
        let d: PartialDate = "2002-01-01".parse().unwrap();
        assert_eq!(
            frame_path(Path::new("out/m.png"), &d),
            Path::new("out/m-2002-01-01.png")
        );
    }

    #[test]
    fn the_extension_picks_the_format() {
        assert_eq!(picture_format(Path::new("a.SVG")).ok(), Some(Picture::Svg));
        assert_eq!(picture_format(Path::new("a.png")).ok(), Some(Picture::Png));
        assert!(picture_format(Path::new("a.jpg")).is_err());
    }
}
