//! The data files beside this module (`data/*.csv`, `data/*.json`), compiled in and parsed
//! once: the words and names ([`Words`]) and the demo's parameters per catalogue entry
//! ([`Catalogue`]). A file that does not parse, or misses an entry the generator needs, is an
//! error at the start of a load (and in the tests), never a default.

use std::sync::LazyLock;

use anyhow::anyhow;
use serde::de::DeserializeOwned;

use super::catalogue::Catalogue;
use super::words::Words;

pub(super) struct Data {
    pub words: Words,
    pub catalogue: Catalogue,
}

static DATA: LazyLock<Result<Data, String>> = LazyLock::new(|| {
    Ok(Data {
        words: Words::parse()?,
        catalogue: Catalogue::parse()?,
    })
});

impl Data {
    /// The parsed data files.
    pub fn get() -> anyhow::Result<&'static Data> {
        DATA.as_ref()
            .map_err(|e| anyhow!("demo data file is invalid: {e}"))
    }
}

/// The rows of a CSV file with a header line.
pub(super) fn csv_rows<T: DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, String> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| format!("data/{file}: {e}"))
}

/// The rows of a JSON file holding an array.
pub(super) fn json_rows<T: DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, String> {
    serde_json::from_str(text).map_err(|e| format!("data/{file}: {e}"))
}

/// A list the generator picks from must not be empty.
pub(super) fn non_empty<T>(file: &str, what: &str, items: Vec<T>) -> Result<Vec<T>, String> {
    if items.is_empty() {
        return Err(format!("data/{file} has no {what}"));
    }
    Ok(items)
}
