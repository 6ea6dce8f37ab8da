//! Parsing the metrics rtrib prints with a real parser: Python's `prometheus_client`, from
//! the virtual environment scripts/test.sh makes under the cache
//! (`${XDG_CACHE_HOME:-~/.cache}/rtrib/python`). A test that needs it fails with one line
//! naming that script when it is missing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// One sample as the parser read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The metric name.
    pub name: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// Its value.
    pub value: f64,
}

/// The parsed exposition: every family's name, type and help, and every sample.
#[derive(Debug, Clone)]
pub struct Exposition {
    /// `(name, type, help)` of every family.
    pub families: Vec<(String, String, String)>,
    /// Every sample.
    pub samples: Vec<Sample>,
}

impl Exposition {
    /// The value of the sample `name` whose labels include all of `labels`; panics when
    /// there is none.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.find(name, labels)
            .unwrap_or_else(|| panic!("no sample {name} {labels:?} in {:#?}", self.samples))
    }

    /// The value of the sample `name` whose labels include all of `labels`, if any.
    pub fn find(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.samples
            .iter()
            .find(|s| {
                s.name == name
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|s| s.value)
    }
}

/// The Python of the environment scripts/test.sh makes.
fn python() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache")
        });
    cache
        .join("rtrib")
        .join("python")
        .join("bin")
        .join("python3")
}

const PARSE: &str = "\
import json, sys
from prometheus_client.parser import text_string_to_metric_families
families, samples = [], []
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    families.append([family.name, family.type, family.documentation])
    for s in family.samples:
        samples.append({'name': s.name, 'labels': s.labels, 'value': s.value})
print(json.dumps({'families': families, 'samples': samples}))
";

/// Parses `text` with `prometheus_client`; panics when it is not the exposition format.
pub fn parse(text: &str) -> Exposition {
    let python = python();
    let missing = || {
        panic!(
            "prometheus_client is missing: run scripts/test.sh (it makes {} with python3 -m venv \
             and pip install prometheus_client)",
            python.display()
        )
    };
    let input = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(input.path(), text).expect("write the metrics");
    let output = Command::new(&python)
        .args(["-c", PARSE])
        .arg(input.path())
        .output()
        .unwrap_or_else(|_| missing());
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named 'prometheus_client'") {
        missing();
    }
    assert!(
        output.status.success(),
        "prometheus_client could not parse the metrics: {stderr}\n{text}"
    );
    let document: Value = serde_json::from_slice(&output.stdout).expect("the parser's JSON");
    let families = document["families"]
        .as_array()
        .expect("families")
        .iter()
        .map(|f| {
            let text = |i: usize| f[i].as_str().unwrap_or_default().to_string();
            (text(0), text(1), text(2))
        })
        .collect();
    let samples = document["samples"]
        .as_array()
        .expect("samples")
        .iter()
        .map(|s| Sample {
            name: s["name"].as_str().unwrap_or_default().to_string(),
            labels: serde_json::from_value(s["labels"].clone()).expect("labels"),
            value: s["value"].as_f64().unwrap_or(f64::NAN),
        })
        .collect();
    Exposition { families, samples }
}
