//! `bordertrack map` (SVG, PNG, series of frames), `completions` and `manpage`.

use resvg::tiny_skia::Pixmap;

use crate::util::{stdout_of, tiny, TestResult, Workdir};

/// The colours of the legend (src/map/legend.rs).
const DELIMITED: &str = "#1a9641";
const DISPUTED: &str = "#d7191c";

#[test]
fn svg_has_the_legend_the_date_and_one_path_per_segment_in_its_status_colour() -> TestResult {
    let w = Workdir::new()?;
    let out = w.join("m.svg");
    let data = tiny();
    w.bordertrack(["map", "--data", &data, "--as-of", "2002-01-01", "-o"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(&out)?;
    for entry in [
        "As of 2002-01-01",
        "basis: in force",
        ">delimited<",
        ">disputed<",
        ">undelimited<",
        ">demarcated<",
        ">in progress<",
        "certain (",
        "possible (",
        "id=\"scale-bar\"",
        "id=\"north-arrow\"",
    ] {
        assert!(svg.contains(entry), "no {entry:?} in the SVG");
    }
    let segments: Vec<&str> = svg
        .lines()
        .filter(|l| l.contains("class=\"segment\""))
        .collect();
    assert_eq!(segments.len(), 2, "{segments:?}");
    // On 2002-01-01, XAA-XBB-1 is delimited (t-1990, signed 2001-11-16) and XAA-XBB-2 disputed.
    let of = |id: &str| {
        segments
            .iter()
            .find(|l| l.contains(&format!("id=\"{id}\"")))
    };
    let one = of("XAA-XBB-1").ok_or("no path for XAA-XBB-1")?;
    let two = of("XAA-XBB-2").ok_or("no path for XAA-XBB-2")?;
    assert!(one.contains(&format!("stroke=\"{DELIMITED}\"")), "{one}");
    assert!(two.contains(&format!("stroke=\"{DISPUTED}\"")), "{two}");
    assert!(one.contains("data-demarcation=\"none\""), "{one}");
    Ok(())
}

#[test]
fn png_has_the_size_asked_for_and_text_drawn_in_the_title() -> TestResult {
    let w = Workdir::new()?;
    let out = w.join("m.PNG");
    w.bordertrack([
        "map",
        "--dyad",
        "KAZ-UZB",
        "--as-of",
        "2024-01-01",
        "--size",
        "900x600",
    ])
    .arg("-o")
    .arg(&out)
    .assert()
    .success();
    let bytes = std::fs::read(&out)?;
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let png = Pixmap::decode_png(&bytes)?;
    assert_eq!((png.width(), png.height()), (900, 600));
    // The title strip at the top left holds only the title's text on the background: without
    // a font, text silently disappears and the strip is blank.
    let background = png.pixel(2, 2).ok_or("no pixel")?;
    let inked = (4..40)
        .flat_map(|y| (10..300).map(move |x| (x, y)))
        .filter(|&(x, y)| png.pixel(x, y).is_some_and(|p| p != background))
        .count();
    assert!(inked > 200, "only {inked} inked pixels in the title strip");
    Ok(())
}

#[test]
fn a_series_writes_one_frame_per_date_named_after_it() -> TestResult {
    let w = Workdir::new()?;
    let data = tiny();
    w.bordertrack([
        "map", "--data", &data, "--from", "2001", "--to", "2003", "-o",
    ])
    .arg(w.join("m.svg"))
    .assert()
    .success();
    for year in ["2001", "2002", "2003"] {
        let frame = std::fs::read_to_string(w.join(format!("m-{year}-01-01.svg")))?;
        assert!(frame.contains(&format!("As of {year}-01-01")));
    }
    assert!(!w.join("m.svg").exists());
    assert!(!w.join("m-2004-01-01.svg").exists());
    Ok(())
}

#[test]
fn map_refuses_other_extensions_and_bad_sizes() -> TestResult {
    let w = Workdir::new()?;
    w.bordertrack(["map", "-o"])
        .arg(w.join("m.jpg"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(".svg or .png"));
    w.bordertrack(["map", "--size", "10x10", "-o"])
        .arg(w.join("m.svg"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("200 to 8000 pixels"));
    w.bordertrack(["map", "--size", "big", "-o"])
        .arg(w.join("m.svg"))
        .assert()
        .code(2);
    assert!(!w.join("m.svg").exists());
    Ok(())
}

#[test]
fn completions_for_every_shell_mention_the_subcommands() -> TestResult {
    let w = Workdir::new()?;
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let text = stdout_of(&mut w.bordertrack(["completions", shell]))?;
        for sub in ["segments", "incidents", "stats", "map", "completions"] {
            assert!(
                text.contains(sub),
                "{shell} completions do not mention {sub}"
            );
        }
    }
    Ok(())
}

#[test]
fn manpage_is_roff_and_lists_the_subcommands() -> TestResult {
    let w = Workdir::new()?;
    let text = stdout_of(&mut w.bordertrack(["manpage"]))?;
    assert!(
        text.starts_with(".ie") || text.contains(".TH bordertrack"),
        "{text}"
    );
    for sub in ["segments", "incidents", "stats", "history", "locate", "map"] {
        assert!(text.contains(sub), "the man page does not mention {sub}");
    }
    Ok(())
}

#[test]
fn kaz_uzb_in_2002_and_in_2024_differ_at_a_glance_on_the_embedded_dataset() -> TestResult {
    // The check: the open sections disputed or undelimited and nothing demarcated in
    // 2002; every segment delimited and demarcated (solid green) in 2024.
    let w = Workdir::new()?;
    let strokes = |year: &str| -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
        let out = w.join(format!("m{year}.svg"));
        w.bordertrack([
            "map",
            "--dyad",
            "KAZ-UZB",
            "--as-of",
            &format!("{year}-01-01"),
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
        let svg = std::fs::read_to_string(&out)?;
        let attribute = |line: &str, name: &str| {
            line.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_string()
        };
        Ok(svg
            .lines()
            .filter(|l| l.contains("class=\"segment\""))
            .map(|l| (attribute(l, "stroke"), attribute(l, "data-demarcation")))
            .collect())
    };
    let before = strokes("2002")?;
    let after = strokes("2024")?;
    assert_eq!(before.len(), after.len());
    assert!(before.iter().any(|(s, _)| s == DISPUTED), "{before:?}");
    assert!(before.iter().all(|(_, d)| d == "none"), "{before:?}");
    assert!(
        after
            .iter()
            .all(|(s, d)| s == DELIMITED && d == "demarcated"),
        "{after:?}"
    );
    Ok(())
}
