//! Issue 11, point 10: every setting declared once (so the file, the
//! variables, the defaults, `lantoa config show` and the README cannot
//! drift).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use lantoa::config::Config;

const BIN: &str = env!("CARGO_BIN_EXE_lantoa");

// ---- Point 10 ------------------------------------------------------------------------------

/// `(setting, variable)` of every row of the README's two settings tables
/// ("Settings", and "Platform settings" whose names live under `platforms.`).
fn documented() -> BTreeSet<(String, String)> {
    let readme = include_str!("../../README.md");
    let ticked = |cell: &str| -> Vec<String> {
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut out = BTreeSet::new();
    for (heading, prefix) in [
        ("### Settings\n", ""),
        ("### Platform settings\n", "platforms."),
    ] {
        let at = readme.find(heading).expect("the README has the table");
        let section = &readme[at + heading.len()..];
        let section = &section[..section.find("\n#").unwrap_or(section.len())];
        for row in section.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = row.split('|').collect();
            let (names, vars) = (ticked(cells[1]), ticked(cells[2]));
            assert_eq!(
                names.len(),
                vars.len(),
                "each setting of the row has its variable spelled out: {row}"
            );
            for (n, v) in names.into_iter().zip(vars) {
                out.insert((format!("{prefix}{n}"), v));
            }
        }
    }
    out
}

/// `(setting, variable)` of each line of `config show`.
fn shown(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(" = ")?;
            let (_, var) = rest.rsplit_once("# ")?;
            Some((name.trim().to_string(), var.trim().to_string()))
        })
        .collect()
}

/// The command an operator runs prints every documented setting with its
/// variable (it once left out the `s3_*` five, the upload limits, the
/// retention, `max_ffmpeg_processes` and `normalize_loudness`).
#[test]
fn p10_config_show_lists_every_documented_setting() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args(["config", "show"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LANTOA_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let lines = shown(&String::from_utf8_lossy(&o.stdout));
    let missing: Vec<String> = documented()
        .into_iter()
        .filter(|(n, v)| lines.get(n) != Some(v))
        .map(|(n, v)| format!("{n} ({v})"))
        .collect();
    assert!(missing.is_empty(), "`config show` leaves out: {missing:?}");
}

/// The declaration, the README and `config show` list the same settings.
#[test]
fn p10_every_declared_setting_is_documented_and_shown() {
    let declared: BTreeSet<(String, String)> = Config::settings()
        .iter()
        .map(|s| (s.name.to_string(), s.var.to_string()))
        .collect();
    assert_eq!(declared, documented(), "README tables vs declaration");
    let c = Config::from_sources(None, &BTreeMap::new()).unwrap();
    let lines = shown(&c.show());
    assert_eq!(
        declared,
        lines.into_iter().collect::<BTreeSet<_>>(),
        "`config show` vs declaration"
    );
}

/// A file value written as an operator would: numbers and booleans bare.
fn toml_value(text: &str) -> String {
    if text.parse::<i64>().is_ok() || text == "true" || text == "false" {
        text.to_string()
    } else {
        toml::Value::String(text.to_string()).to_string()
    }
}

/// A config file setting `pairs` (`platforms.` names in their table).
fn config_file(dir: &std::path::Path, pairs: &[(&str, &str)]) -> std::path::PathBuf {
    let mut root = String::new();
    let mut platforms = String::from("[platforms]\n");
    for (name, value) in pairs {
        match name.strip_prefix("platforms.") {
            Some(k) => platforms += &format!("{k} = {}\n", toml_value(value)),
            None => root += &format!("{name} = {}\n", toml_value(value)),
        }
    }
    let f = dir.join("lantoa.toml");
    std::fs::write(&f, format!("{root}{platforms}")).unwrap();
    f
}

fn value_of(c: &Config, name: &str) -> String {
    c.values()
        .into_iter()
        .find(|(s, _)| s.name == name)
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("{name} has a value"))
}

/// Each declared setting, set through the file and through its variable,
/// reads back the same; the variable wins over the file; `config show`
/// prints it (masked when secret).
#[test]
fn p10_each_setting_reads_alike_from_the_file_and_its_variable() {
    let all = Config::settings();
    let example = |name: &str| all.iter().find(|s| s.name == name).unwrap().example;
    let defaults = Config::from_sources(None, &BTreeMap::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for s in &all {
        // An endpoint needs its credentials alongside.
        let mut pairs = vec![(s.name, s.example)];
        if s.name == "s3_endpoint" {
            for n in ["s3_access_key_id", "s3_secret_access_key"] {
                pairs.push((n, example(n)));
            }
        }
        let default = value_of(&defaults, s.name);
        assert_ne!(
            s.example, default,
            "{}: the example changes something",
            s.name
        );

        let from_file =
            Config::from_sources(Some(&config_file(dir.path(), &pairs)), &BTreeMap::new())
                .unwrap_or_else(|e| panic!("{} from the file: {e}", s.name));
        assert_eq!(
            value_of(&from_file, s.name),
            s.example,
            "{} from the file",
            s.name
        );

        let vars: BTreeMap<String, String> = pairs
            .iter()
            .map(|(n, v)| {
                let var = all.iter().find(|x| x.name == *n).unwrap().var;
                (var.to_string(), v.to_string())
            })
            .collect();
        let from_env = Config::from_sources(None, &vars)
            .unwrap_or_else(|e| panic!("{} from {}: {e}", s.name, s.var));
        assert_eq!(
            value_of(&from_env, s.name),
            s.example,
            "{} from {}",
            s.name,
            s.var
        );

        // The variable over the file.
        if !default.is_empty() {
            let over = BTreeMap::from([(s.var.to_string(), default.clone())]);
            let both = Config::from_sources(Some(&config_file(dir.path(), &pairs)), &over)
                .unwrap_or_else(|e| panic!("{}: {e}", s.name));
            assert_eq!(value_of(&both, s.name), default, "{} over the file", s.var);
        }

        let show = from_env.show();
        assert!(
            show.lines()
                .any(|l| l.starts_with(&format!("{} ", s.name))
                    && l.ends_with(&format!("# {}", s.var))),
            "{} in `config show`",
            s.name
        );
        if (s.shown)(s.example) != s.example {
            assert!(
                !show.contains(s.example),
                "{} is masked in `config show`",
                s.name
            );
        }
    }
}
