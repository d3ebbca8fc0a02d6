//! Numbers as the charts and tables write them, the reader's way: Vietnamese
//! `1.234,5` and on axes `1,2 N` / `3,4 Tr`; English `1,234.5` and `1.2 K` /
//! `3.4 M` (the units from the language's messages).

use crate::domain::Locale;
use crate::i18n::Tr;

/// The short units of [`fmt_compact`] in one language (`.ftl`:
/// `chart-thousand`, `chart-million`, `chart-billion`).
#[derive(Debug, Clone)]
pub(super) struct Units {
    thousand: String,
    million: String,
    billion: String,
    pub(super) sep: Separators,
}

impl Units {
    pub(super) fn new(tr: &Tr) -> Units {
        Units {
            thousand: tr.t("chart-thousand"),
            million: tr.t("chart-million"),
            billion: tr.t("chart-billion"),
            sep: Separators::of(tr.locale),
        }
    }

    /// A number in full with this language's separators.
    pub(super) fn num(&self, v: f64) -> String {
        decimal(v, 2, self.sep)
    }
}

/// How a language writes a number: the mark between groups of thousands
/// and the decimal mark.
#[derive(Debug, Clone, Copy)]
pub(super) struct Separators {
    group: char,
    decimal: char,
}

impl Separators {
    pub(super) fn of(locale: Locale) -> Separators {
        match locale {
            Locale::Vi => Separators {
                group: '.',
                decimal: ',',
            },
            Locale::En => Separators {
                group: ',',
                decimal: '.',
            },
        }
    }
}

/// A number in full, Vietnamese style: `12.345`, `1.234,5`, `-0,25`
/// (at most two decimals, trailing zeros dropped). Not finite → `–`.
pub fn fmt_num(v: f64) -> String {
    fmt_decimal(v, 2)
}

/// [`fmt_num`] the way `locale` writes numbers: English `12,345.6`.
pub fn fmt_num_in(v: f64, locale: Locale) -> String {
    decimal(v, 2, Separators::of(locale))
}

/// A short number for axes and crowded tables: `999`, `12,5`, `1,2 N`
/// (nghìn), `3,4 Tr` (triệu), `1,5 Tỷ` (tỷ); one decimal at most. In the
/// default language; charts use their reader's units.
pub fn fmt_compact(v: f64) -> String {
    compact(v, &Units::new(&Tr::new(Locale::default())))
}

/// [`fmt_compact`] with these units.
pub(super) fn compact(v: f64, units: &Units) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    for (unit, suffix, lower) in [
        (1e9, &units.billion, 1e6),
        (1e6, &units.million, 1e3),
        (1e3, &units.thousand, 1.0),
    ] {
        // Decide on the value as the smaller unit would show it, so 999.960
        // reads "1 Tr", not "1.000 N".
        if round_to(v.abs() / lower, 1) >= unit / lower {
            return format!("{} {suffix}", decimal(v / unit, 1, units.sep));
        }
    }
    decimal(v, 1, units.sep)
}

/// A share 0..1 as a percentage: `0,125` → `12,5%`.
pub fn fmt_percent(v: f64) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    format!("{}%", fmt_decimal(v * 100.0, 1))
}

pub(super) fn round_to(v: f64, decimals: usize) -> f64 {
    let scale = 10f64.powi(decimals as i32);
    (v * scale).round() / scale
}

pub(super) fn fmt_decimal(v: f64, max_decimals: usize) -> String {
    decimal(v, max_decimals, Separators::of(Locale::Vi))
}

fn decimal(v: f64, max_decimals: usize, sep: Separators) -> String {
    if !v.is_finite() {
        return "–".to_owned();
    }
    // Formatting through the string keeps huge values exact-ish and never
    // overflows an integer conversion.
    let fixed = format!("{:.*}", max_decimals, v.abs());
    let (int_part, frac_part) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let frac = frac_part.trim_end_matches('0');
    let is_zero = int_part.bytes().all(|b| b == b'0') && frac.is_empty();
    let mut out = String::with_capacity(fixed.len() + fixed.len() / 3 + 1);
    if v < 0.0 && !is_zero {
        out.push('-');
    }
    let len = int_part.len();
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push(sep.group);
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push(sep.decimal);
        out.push_str(frac);
    }
    out
}

/// Axis label for a tick, precise enough that neighbouring ticks differ.
pub(super) fn tick_label(v: f64, step: f64, units: &Units) -> String {
    if v.abs() >= 1000.0 {
        return compact(v, units);
    }
    let decimals = (-step.log10().floor()).clamp(0.0, 6.0) as usize;
    decimal(v, decimals, units.sep)
}

pub(super) fn percent_tick_label(v: f64, step: f64, units: &Units) -> String {
    let decimals = (-(step * 100.0).log10().floor()).clamp(0.0, 4.0) as usize;
    format!("{}%", decimal(v * 100.0, decimals, units.sep))
}
