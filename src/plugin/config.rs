//! The plugin's `init_config`: a handful of integer limits, all optional.
//!
//! One table ([`KEYS`]) drives the JSON schema Falco validates against, the parser and the
//! range checks, so they cannot drift apart. `null`, `{}` and an absent config are the same
//! empty config: Falco turns `init_config: {}` into the string `null`, and libsinsp turns an
//! absent one into `{}` (falco-plugin-facts §1). Errors name the offending key.

use crate::facts::DecodeLimits;
use falco_plugin::schemars::{JsonSchema, Schema, SchemaGenerator};
use falco_plugin::serde::de::Error as _;
use falco_plugin::serde::{Deserialize, Deserializer};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One configuration key: its range, default and what it does.
#[derive(Debug)]
pub struct ConfigKey {
    pub name: &'static str,
    pub min: u64,
    pub max: u64,
    pub default: u64,
    pub description: &'static str,
}

/// Every key the plugin accepts.
pub const KEYS: &[ConfigKey] = &[
    ConfigKey {
        name: "max_args",
        min: 1,
        max: 65536,
        default: 256,
        description: "Most argv entries kept per exec (argv[0] included); more are dropped and the cut is marked.",
    },
    ConfigKey {
        name: "max_args_bytes",
        min: 64,
        max: 1 << 20,
        default: 16 * 1024,
        description: "Most argv bytes kept per exec.",
    },
    ConfigKey {
        name: "max_env",
        min: 0,
        max: 65536,
        default: 256,
        description: "Most environment entries kept per exec (0: ignore the environment).",
    },
    ConfigKey {
        name: "max_env_bytes",
        min: 0,
        max: 1 << 20,
        default: 16 * 1024,
        description: "Most environment bytes kept per exec.",
    },
    ConfigKey {
        name: "lineage_depth",
        min: 0,
        max: 16,
        default: 5,
        description: "Most ancestors read from the thread table per exec (0: no lineage).",
    },
];

/// The parsed `init_config`: only the keys the user set.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Config {
    values: BTreeMap<&'static str, u64>,
}

/// The checked configuration the plugin runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub limits: DecodeLimits,
    pub lineage_depth: usize,
}

impl Config {
    /// Range-check every key and fill in defaults.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let get = |name: &str| -> anyhow::Result<usize> {
            let key = KEYS
                .iter()
                .find(|k| k.name == name)
                .ok_or_else(|| anyhow::anyhow!("internal: unknown config key {name}"))?;
            let value = self.values.get(name).copied().unwrap_or(key.default);
            if !(key.min..=key.max).contains(&value) {
                anyhow::bail!(
                    "init_config key `{}` is {value}; it must be between {} and {}",
                    key.name,
                    key.min,
                    key.max
                );
            }
            Ok(usize::try_from(value)?)
        };
        Ok(Settings {
            limits: DecodeLimits {
                max_args: get("max_args")?,
                max_args_bytes: get("max_args_bytes")?,
                max_env: get("max_env")?,
                max_env_bytes: get("max_env_bytes")?,
            },
            lineage_depth: get("lineage_depth")?,
        })
    }

    fn from_map(map: Map<String, Value>) -> Result<Self, String> {
        let mut values = BTreeMap::new();
        for (name, value) in map {
            let Some(key) = KEYS.iter().find(|k| k.name == name) else {
                let known: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
                return Err(format!(
                    "unknown init_config key `{}`; known keys: {}",
                    crate::report::escape(&name, 64),
                    known.join(", ")
                ));
            };
            let Some(n) = value.as_u64() else {
                return Err(format!(
                    "init_config key `{}` must be an integer between {} and {}, got {}",
                    key.name,
                    key.min,
                    key.max,
                    crate::report::escape(&value.to_string(), 64)
                ));
            };
            values.insert(key.name, n);
        }
        Ok(Config { values })
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Option::<Value>::deserialize(deserializer)? {
            None => Ok(Config::default()),
            Some(Value::Object(map)) => Config::from_map(map).map_err(D::Error::custom),
            Some(other) => Err(D::Error::custom(format!(
                "init_config must be a JSON object or null, got {}",
                crate::report::escape(&other.to_string(), 64)
            ))),
        }
    }
}

impl JsonSchema for Config {
    fn schema_name() -> Cow<'static, str> {
        "TriageConfig".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let properties: Map<String, Value> = KEYS
            .iter()
            .map(|k| {
                let schema = json!({
                    "type": "integer",
                    "minimum": k.min,
                    "maximum": k.max,
                    "default": k.default,
                    "description": k.description,
                });
                (k.name.to_string(), schema)
            })
            .collect();
        let schema = json!({
            "title": "triage plugin configuration",
            // null: Falco's rendering of `init_config: {}`.
            "type": ["object", "null"],
            "properties": properties,
            "additionalProperties": false,
        });
        match schema {
            Value::Object(map) => Schema::from(map),
            _ => Schema::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Settings, String> {
        let config: Config = serde_json::from_str(s).map_err(|e| e.to_string())?;
        config.settings().map_err(|e| e.to_string())
    }

    #[test]
    fn empty_forms_give_defaults() {
        let defaults = Settings {
            limits: DecodeLimits::default(),
            lineage_depth: 5,
        };
        assert_eq!(parse("null"), Ok(defaults));
        assert_eq!(parse("{}"), Ok(defaults));
        assert_eq!(parse(" { } "), Ok(defaults));
        // The table's defaults are the core's defaults.
        let d = DecodeLimits::default();
        let default_of = |n: &str| {
            KEYS.iter()
                .find(|k| k.name == n)
                .map(|k| k.default as usize)
        };
        assert_eq!(default_of("max_args"), Some(d.max_args));
        assert_eq!(default_of("max_args_bytes"), Some(d.max_args_bytes));
        assert_eq!(default_of("max_env"), Some(d.max_env));
        assert_eq!(default_of("max_env_bytes"), Some(d.max_env_bytes));
    }

    #[test]
    fn keys_are_applied() {
        let s = parse(r#"{"max_args": 10, "lineage_depth": 0, "max_env": 0}"#).unwrap();
        assert_eq!(s.limits.max_args, 10);
        assert_eq!(s.limits.max_env, 0);
        assert_eq!(s.lineage_depth, 0);
        assert_eq!(s.limits.max_args_bytes, 16 * 1024);
    }

    #[test]
    fn bad_configs_name_the_key() {
        let err = parse(r#"{"max_argz": 10}"#).unwrap_err();
        assert!(
            err.contains("`max_argz`") && err.contains("max_args"),
            "{err}"
        );
        let err = parse(r#"{"max_args": "10"}"#).unwrap_err();
        assert!(err.contains("`max_args`"), "{err}");
        let err = parse(r#"{"max_env": -1}"#).unwrap_err();
        assert!(err.contains("`max_env`"), "{err}");
        let err = parse(r#"{"lineage_depth": 17}"#).unwrap_err();
        assert!(
            err.contains("`lineage_depth`") && err.contains("16"),
            "{err}"
        );
        let err = parse(r#"{"max_args": 0}"#).unwrap_err();
        assert!(err.contains("`max_args`"), "{err}");
        let err = parse(r#"[1]"#).unwrap_err();
        assert!(err.contains("object or null"), "{err}");
    }

    #[test]
    fn every_bad_value_of_every_key_is_refused_naming_the_key() {
        for key in KEYS {
            let mut bad: Vec<String> = [
                "\"10\"",
                "true",
                "1.5",
                "1e3",
                "null",
                "[]",
                "[1]",
                "{}",
                "-1",
                "18446744073709551616",
                "\"\\u001b[2J\"",
            ]
            .iter()
            .map(|v| v.to_string())
            .collect();
            bad.push((key.max + 1).to_string());
            bad.push(u64::MAX.to_string());
            if key.min > 0 {
                bad.push((key.min - 1).to_string());
            }
            for value in bad {
                let config = format!("{{\"{}\": {value}}}", key.name);
                let err = parse(&config).expect_err(&config);
                assert!(err.contains(&format!("`{}`", key.name)), "{config}: {err}");
                assert!(!err.chars().any(char::is_control), "{config}: {err:?}");
            }
            // The bounds themselves are accepted, alone and with every other key.
            for value in [key.min, key.max] {
                let config = format!("{{\"{}\": {value}}}", key.name);
                assert!(parse(&config).is_ok(), "{config}");
            }
        }
        let all: Vec<String> = KEYS
            .iter()
            .map(|k| format!("\"{}\": {}", k.name, k.max))
            .collect();
        assert!(parse(&format!("{{{}}}", all.join(", "))).is_ok());
    }

    #[test]
    fn bad_roots_and_hostile_keys_are_refused_readably() {
        for root in ["\"{}\"", "1", "true", "\"\"", "[]"] {
            let err = parse(root).expect_err(root);
            assert!(err.contains("object or null"), "{root}: {err}");
        }
        for not_json in ["", "{", "{\"max_args\": 1,}", "nul", "{} {}"] {
            assert!(parse(not_json).is_err(), "{not_json:?}");
        }
        // An unknown key is echoed escaped and bounded, never raw.
        let hostile = format!("{{\"\\u001b[31m{}\\n\": 1}}", "k".repeat(500));
        let err = parse(&hostile).expect_err("unknown key");
        assert!(!err.chars().any(char::is_control), "{err:?}");
        assert!(err.contains("\\x1b[31m") && err.len() < 400, "{err}");
        assert!(err.contains("known keys: max_args"), "{err}");
    }

    #[test]
    fn schema_accepts_null_and_lists_every_key_with_its_range() {
        let schema = serde_json::to_value(falco_plugin::schemars::schema_for!(Config)).unwrap();
        assert_eq!(schema["type"], json!(["object", "null"]));
        assert_eq!(schema["additionalProperties"], json!(false));
        for key in KEYS {
            let prop = &schema["properties"][key.name];
            assert_eq!(prop["minimum"], json!(key.min), "{}", key.name);
            assert_eq!(prop["maximum"], json!(key.max), "{}", key.name);
            assert!((key.min..=key.max).contains(&key.default), "{}", key.name);
        }
        assert_eq!(
            schema["properties"].as_object().map(|p| p.len()),
            Some(KEYS.len())
        );
    }
}
