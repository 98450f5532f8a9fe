//! `--on`: status words and regime words in one comma-separated list (comma = or).

use bordertrack::{RegimeWord, StatusFilter, StatusWord};

/// The words of `--on`, split into status words and regime words.
#[derive(Debug, Clone, Default)]
pub struct OnWords {
    /// The status words (delimited, not_demarcated, ...).
    pub status: Vec<StatusWord>,
    /// The regime words (fenced, mined, open_crossing, closed_crossing).
    pub regimes: Vec<RegimeWord>,
}

impl OnWords {
    /// The status words as a filter (empty when only regime words were given).
    pub fn status_filter(&self) -> StatusFilter {
        StatusFilter::new(self.status.clone())
    }
}

/// Reads `--on`'s value.
pub fn parse_on(s: &str) -> Result<OnWords, String> {
    let mut on = OnWords::default();
    for word in s.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match word.parse::<StatusWord>() {
            Ok(w) => on.status.push(w),
            Err(status_error) => match word.parse::<RegimeWord>() {
                Ok(w) => on.regimes.push(w),
                Err(_) => {
                    return Err(format!(
                        "{status_error}; or a regime word: fenced, mined, open_crossing, closed_crossing"
                    ))
                }
            },
        }
    }
    Ok(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_and_regime_words_mix() {
        let on = parse_on("not_delimited,mined,closed-crossing").unwrap();
        assert_eq!(on.status.len(), 1);
        assert_eq!(
            on.regimes,
            vec![RegimeWord::Mined, RegimeWord::ClosedCrossing]
        );
        let e = parse_on("minefield").unwrap_err();
        assert!(e.contains("regime word"), "{e}");
    }
}
