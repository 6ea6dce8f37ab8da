//! The Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` lines, then
//! one `name{label="value",...} value` line per sample, for `check -o prometheus` and
//! `info -o prometheus`, on stdout or (with `--textfile`) in a file node_exporter's textfile
//! collector reads.

use std::io::{self, Write};

use crate::cluster::metrics::Family;

/// Writes every family: its `# HELP` and `# TYPE` lines, then its samples.
pub fn write_exposition(out: &mut dyn Write, families: &[Family]) -> io::Result<()> {
    for family in families {
        writeln!(out, "# HELP {} {}", family.name, escape_help(family.help))?;
        writeln!(out, "# TYPE {} {}", family.name, family.kind.name())?;
        for sample in &family.samples {
            write!(out, "{}", family.name)?;
            if !sample.labels.is_empty() {
                let labels: Vec<String> = sample
                    .labels
                    .iter()
                    .map(|(name, value)| format!("{name}=\"{}\"", escape_label(value)))
                    .collect();
                write!(out, "{{{}}}", labels.join(","))?;
            }
            writeln!(out, " {}", number(sample.value))?;
        }
    }
    Ok(())
}

/// The exposition as bytes, for a file.
pub fn exposition(families: &[Family]) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_exposition(&mut bytes, families);
    bytes
}

/// Help text: `\` and line feeds escaped.
fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

/// Label values: `\`, `"` and line feeds escaped.
fn escape_label(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A value as Prometheus writes it: integers without a fraction, `NaN`, `+Inf`, `-Inf`.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::metrics::{MetricType, Sample};

    #[test]
    fn families_are_written_with_help_type_and_escaped_labels() {
        let families = [Family {
            name: "rtrib_node_up",
            help: "1 when up.\nElse 0 \\ never.",
            kind: MetricType::Gauge,
            samples: vec![
                Sample {
                    labels: vec![("id", "ab".into()), ("name", "a\"b\\c\nd".into())],
                    value: 1.0,
                },
                Sample {
                    labels: Vec::new(),
                    value: 0.25,
                },
            ],
        }];
        let text = String::from_utf8(exposition(&families)).unwrap();
        assert_eq!(
            text,
            "# HELP rtrib_node_up 1 when up.\\nElse 0 \\\\ never.\n\
             # TYPE rtrib_node_up gauge\n\
             rtrib_node_up{id=\"ab\",name=\"a\\\"b\\\\c\\nd\"} 1\n\
             rtrib_node_up 0.25\n"
        );
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(16384.0), "16384");
    }
}
