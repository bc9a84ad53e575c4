//! A Strata project: a folder with `strata.toml`, a migrations folder and optionally a seeds
//! folder. Opening a project reads its settings; a bad setting is an error naming the file and
//! the line, never a silent default.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The project settings file at the root of every project.
pub const SETTINGS_FILE: &str = "strata.toml";

/// What `strata.toml` says. Every field is optional; unknown keys are errors so a typo is
/// caught instead of ignored.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProjectSettings {
    #[serde(default)]
    pub project: ProjectSection,
    /// `[seeds]`: the saved Seeds forms (see [`crate::seed_profiles`]).
    pub seeds: Option<crate::seed_profiles::SeedsSection>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ProjectSection {
    /// The name shown in the app; defaults to the folder name.
    pub name: Option<String>,
    /// The migrations folder, relative to the project root; defaults to `migrations`.
    pub migrations: Option<PathBuf>,
    /// The seeds folder, relative to the project root; defaults to `seeds`.
    pub seeds: Option<PathBuf>,
    /// The migrations folder's layout (`strata`, `sqlx`, `golang-migrate`, `dbmate`, `flyway`,
    /// `diesel`); detected from the files when absent.
    pub layout: Option<strata_core::Layout>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    #[error("{} is not a Strata project: it has no {SETTINGS_FILE}. Create one (it may be empty) or open the folder that holds it.", root.display())]
    NoSettings { root: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    Settings { path: PathBuf, message: String },
    #[error("the migrations folder {} does not exist. Create it or set [project] migrations in {SETTINGS_FILE}.", path.display())]
    NoMigrationsFolder { path: PathBuf },
}

/// An opened project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub root: PathBuf,
    pub name: String,
    pub migrations_dir: PathBuf,
    pub seeds_dir: PathBuf,
    pub settings: ProjectSettings,
}

impl Project {
    /// Open the project whose root folder is `root`.
    pub fn open(root: &Path) -> Result<Self, ProjectError> {
        let settings_path = root.join(SETTINGS_FILE);
        let text = match std::fs::read_to_string(&settings_path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProjectError::NoSettings {
                    root: root.to_owned(),
                })
            }
            Err(source) => {
                return Err(ProjectError::Read {
                    path: settings_path,
                    source,
                })
            }
        };
        let settings = parse_settings(&text).map_err(|message| ProjectError::Settings {
            path: settings_path,
            message,
        })?;
        let section = &settings.project;
        let name = section.name.clone().unwrap_or_else(|| {
            root.canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "project".to_owned())
        });
        let migrations_dir = root.join(
            section
                .migrations
                .as_deref()
                .unwrap_or(Path::new("migrations")),
        );
        let seeds_dir = root.join(section.seeds.as_deref().unwrap_or(Path::new("seeds")));
        if !migrations_dir.is_dir() {
            return Err(ProjectError::NoMigrationsFolder {
                path: migrations_dir,
            });
        }
        Ok(Self {
            root: root.to_owned(),
            name,
            migrations_dir,
            seeds_dir,
            settings,
        })
    }

    /// Read the project's migrations folder, in the layout `strata.toml` sets or the one its
    /// files show, through the folder's read cache in [`crate::paths::cache_dir`] (files
    /// unchanged since the last read are not read again).
    pub fn migrations(&self) -> Result<strata_core::MigrationSet, strata_core::SourceError> {
        let (dir, layout) = (&self.migrations_dir, self.settings.project.layout);
        match crate::paths::cache_dir() {
            Some(cache) => {
                let file = strata_core::source::cache_file(&cache, dir);
                strata_core::source::read_dir_cached(dir, layout, &file)
            }
            None => strata_core::source::read_dir(dir, layout),
        }
    }

    /// Create a new migration's up and down files with a fresh version (`strata new`, and the
    /// app's "New migration").
    pub fn new_migration(
        &self,
        name: &str,
        now: std::time::SystemTime,
    ) -> Result<strata_core::source::NewMigration, strata_core::SourceError> {
        strata_core::source::new_migration(
            &self.migrations_dir,
            self.settings.project.layout,
            name,
            now,
        )
    }
}

/// Parse `strata.toml`; the error text carries the line and column.
pub(crate) fn parse_settings(text: &str) -> Result<ProjectSettings, String> {
    toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let line = text[..span.start].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        format!("{at}{}", e.message())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(settings: &str, dirs: &[&str]) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join(SETTINGS_FILE), settings).unwrap();
        for d in dirs {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        root
    }

    #[test]
    fn empty_settings_use_defaults() {
        let root = project("", &["migrations"]);
        let p = Project::open(root.path()).unwrap();
        assert_eq!(p.migrations_dir, root.path().join("migrations"));
        assert_eq!(p.seeds_dir, root.path().join("seeds"));
        let folder = root.path().canonicalize().unwrap();
        assert_eq!(p.name, folder.file_name().unwrap().to_string_lossy());
    }

    #[test]
    fn settings_choose_name_and_folders() {
        let root = project(
            "[project]\nname = \"Shop\"\nmigrations = \"db/migrate\"\n",
            &["db/migrate"],
        );
        let p = Project::open(root.path()).unwrap();
        assert_eq!(p.name, "Shop");
        assert_eq!(p.migrations_dir, root.path().join("db/migrate"));
    }

    #[test]
    fn a_typo_is_reported_with_its_line() {
        let root = project(
            "[project]\nname = \"Shop\"\nmigratoins = \"x\"\n",
            &["migrations"],
        );
        let err = Project::open(root.path()).unwrap_err().to_string();
        assert!(
            err.contains("strata.toml: line 3: unknown field `migratoins`"),
            "{err}"
        );
    }

    #[test]
    fn the_layout_is_read_from_settings() {
        let root = project("[project]\nlayout = \"flyway\"\n", &["migrations"]);
        std::fs::write(root.path().join("migrations/1_a.up.sql"), "select 1;").unwrap();
        let p = Project::open(root.path()).unwrap();
        assert_eq!(p.settings.project.layout, Some(strata_core::Layout::Flyway));
        // Read as Flyway, Strata's file name is an error; detected, it is fine.
        let err = p.migrations().unwrap_err().to_string();
        assert!(
            err.contains("1_a.up.sql") && err.contains("flyway layout"),
            "{err}"
        );
        let root = project("[project]\nlayout = \"golang-migrate\"\n", &["migrations"]);
        let p = Project::open(root.path()).unwrap();
        assert_eq!(
            p.settings.project.layout,
            Some(strata_core::Layout::GolangMigrate)
        );
        assert_eq!(
            p.migrations().unwrap().layout,
            strata_core::Layout::GolangMigrate
        );
        let root = project("", &["migrations"]);
        let p = Project::open(root.path()).unwrap();
        assert_eq!(p.migrations().unwrap().layout, strata_core::Layout::Strata);

        let root = project(
            "[project]\nname = \"Shop\"\nlayout = \"flywya\"\n",
            &["migrations"],
        );
        let err = Project::open(root.path()).unwrap_err().to_string();
        assert!(
            err.contains("strata.toml: line 3: unknown variant `flywya`, expected one of")
                && err.contains("`golang-migrate`"),
            "{err}"
        );
    }

    #[test]
    fn missing_pieces_are_explained() {
        let root = tempfile::tempdir().unwrap();
        let err = Project::open(root.path()).unwrap_err().to_string();
        assert!(err.contains("has no strata.toml"), "{err}");

        let root = project("", &[]);
        let err = Project::open(root.path()).unwrap_err().to_string();
        assert!(
            err.contains("migrations folder") && err.contains("does not exist"),
            "{err}"
        );
    }
}
