//! Pictures for a terminal: the 16384 slots as a strip coloured by owner, and one bar per
//! master. With colour (stdout a terminal, `NO_COLOR` unset) they are drawn with coloured
//! block characters; otherwise with plain ASCII: one letter per master, `#` for bars.

use std::io::{self, Write};

use super::Style;
use crate::cluster::slots::SLOT_COUNT;

/// Cells of the slot strip: 256 slots each.
pub const STRIP_CELLS: usize = 64;
/// Cells of a full bar.
const BAR_CELLS: usize = 40;
/// Foreground colours given to masters in turn.
const PALETTE: [&str; 12] = [
    "34", "33", "32", "35", "36", "31", "94", "93", "92", "95", "96", "91",
];
/// The letters that name masters in pictures, in turn.
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The letter naming the master at `index` (`?` beyond the 62nd).
pub fn letter(index: usize) -> char {
    LETTERS.get(index).map_or('?', |&b| char::from(b))
}

/// `text` in the colour of the master at `index`, when colour is on.
pub fn in_colour(style: Style, index: usize, text: &str) -> String {
    if style.color {
        format!("\x1b[{}m{text}\x1b[0m", PALETTE[index % PALETTE.len()])
    } else {
        text.to_string()
    }
}

/// The slot strip: `owners[slot]` is the index of the master serving the slot (`None`:
/// nobody). Each cell shows the master serving most of its slots, `.` where none does; a cell
/// that also holds other masters' slots is drawn lighter (`▒` instead of `█`; without colour,
/// the master's letter in lower case).
pub fn write_strip(
    out: &mut dyn Write,
    style: Style,
    owners: &[Option<usize>],
    masters: usize,
) -> io::Result<()> {
    let per_cell = SLOT_COUNT / STRIP_CELLS;
    let mut cells: Vec<(Option<usize>, char)> = Vec::with_capacity(STRIP_CELLS);
    for cell in owners.chunks(per_cell) {
        let mut counts = vec![0usize; masters];
        let mut nobody = 0;
        for owner in cell {
            match owner {
                Some(index) if *index < masters => counts[*index] += 1,
                _ => nobody += 1,
            }
        }
        let best = (0..masters).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)));
        cells.push(
            match best.filter(|&i| counts[i] > 0 && counts[i] >= nobody) {
                Some(index) => {
                    let pure = counts[index] == cell.len();
                    let shape = match (style.color, pure) {
                        (true, true) => '█',
                        (true, false) => '▒',
                        (false, true) => letter(index),
                        (false, false) => letter(index).to_ascii_lowercase(),
                    };
                    (Some(index), shape)
                }
                None => (None, '.'),
            },
        );
    }
    let mut line = String::new();
    for run in cells.chunk_by(|a, b| a.0 == b.0) {
        let text: String = run.iter().map(|(_, shape)| *shape).collect();
        match run[0].0 {
            Some(index) => line.push_str(&in_colour(style, index, &text)),
            None => line.push_str(&text),
        }
    }
    writeln!(out, "  |{line}|")?;
    writeln!(
        out,
        "   0{:>width$}",
        SLOT_COUNT - 1,
        width = STRIP_CELLS - 1
    )
}

/// One bar per row: `label`, a bar scaled to the largest value, then `figure`.
pub fn write_bars(
    out: &mut dyn Write,
    style: Style,
    rows: &[(usize, String, u64, String)],
) -> io::Result<()> {
    let largest = rows.iter().map(|r| r.2).max().unwrap_or(0);
    let label_width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    for (index, label, value, figure) in rows {
        let bar = bar(style, *value, largest);
        let bar = in_colour(style, *index, &bar);
        let pad = BAR_CELLS - bar_width(*value, largest);
        writeln!(
            out,
            "  {} {label:<label_width$}  {bar}{:pad$}  {figure}",
            in_colour(style, *index, &letter(*index).to_string()),
            ""
        )?;
    }
    Ok(())
}

/// The length of a bar in eighths of a cell.
fn bar_cells(value: u64, largest: u64) -> usize {
    if largest == 0 {
        return 0;
    }
    let eighths = (u128::from(value) * (BAR_CELLS as u128) * 8 + u128::from(largest) / 2)
        / u128::from(largest);
    usize::try_from(eighths).unwrap_or(BAR_CELLS * 8)
}

/// The columns a bar takes: its cells rounded up, at least one for any value above 0.
fn bar_width(value: u64, largest: u64) -> usize {
    bar_cells(value, largest)
        .div_ceil(8)
        .max(usize::from(value > 0))
}

/// A bar of `value` out of `largest`: block characters to an eighth of a cell with colour,
/// `#` to a whole cell without.
fn bar(style: Style, value: u64, largest: u64) -> String {
    let eighths = bar_cells(value, largest);
    if !style.color {
        return "#".repeat(bar_width(value, largest));
    }
    const PARTS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let mut text = "█".repeat(eighths / 8);
    text.push_str(PARTS[eighths % 8]);
    if text.is_empty() && value > 0 {
        text.push('▏');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_strip_shows_each_cell_owner_by_letter_without_colour() {
        let mut owners: Vec<Option<usize>> = (0..SLOT_COUNT)
            .map(|slot| Some(slot * 3 / SLOT_COUNT))
            .collect();
        for owner in &mut owners[16128..] {
            *owner = None;
        }
        let text = render(|out| write_strip(out, Style::PLAIN, &owners, 3));
        let strip = text.lines().next().unwrap();
        // A cell of 256 slots shared by two masters shows the one serving most, in lower case.
        let expected = format!(
            "  |{}b{}b{}.|",
            "A".repeat(21),
            "B".repeat(20),
            "C".repeat(20)
        );
        assert_eq!(strip, expected);
        assert!(text.lines().nth(1).unwrap().ends_with("16383"));
    }

    #[test]
    fn bars_scale_to_the_largest_and_show_any_nonzero_value() {
        let rows = vec![
            (0, "127.0.0.1:7000".to_string(), 93_300, "93300".to_string()),
            (1, "127.0.0.1:7001".to_string(), 13_300, "13300".to_string()),
            (2, "127.0.0.1:7002".to_string(), 1, "1".to_string()),
            (3, "127.0.0.1:7003".to_string(), 0, "0".to_string()),
        ];
        let text = render(|out| write_bars(out, Style::PLAIN, &rows));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].matches('#').count(), 40, "{text}");
        assert_eq!(lines[1].matches('#').count(), 6, "{text}");
        assert_eq!(lines[2].matches('#').count(), 1, "{text}");
        assert_eq!(lines[3].matches('#').count(), 0, "{text}");
        // The figures line up.
        let column = |line: &str, figure: &str| line.rfind(figure).unwrap() + figure.len();
        assert_eq!(column(lines[0], "93300"), lines[0].len());
        assert_eq!(lines[0].find("93300"), lines[1].find("13300"));
        let coloured = render(|out| write_bars(out, Style { color: true }, &rows));
        assert!(coloured.contains('█') && coloured.contains("\x1b["));
    }
}
