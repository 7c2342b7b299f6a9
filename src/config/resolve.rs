//! The settings the reader runs with, resolved once at start from the command line, the config
//! file and the environment. Pure but for [`Environment::from_process`]: the caller reads the
//! environment and the file and passes them in, so every combination is a table test.

use super::FileConfig;
use crate::app::options::{
    ColorChoice, ColorDepth, Column, DEFAULT_COLUMNS, Options, PaneLayout, Profile, ThemeName,
};

/// The parts of the environment that decide colour and drawing characters.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    pub no_color: Option<String>,
    pub colorterm: Option<String>,
    pub lc_all: Option<String>,
    pub lc_ctype: Option<String>,
    pub lang: Option<String>,
    /// `ACCESSIBLE`: the generic opt-in; here it chooses the screen-reader profile.
    pub accessible: Option<String>,
    pub stdout_is_terminal: bool,
}

impl Environment {
    /// Reads the process environment (the only impure function here).
    pub fn from_process() -> Self {
        use std::io::IsTerminal;
        let var = |name: &str| std::env::var(name).ok();
        Self {
            no_color: var("NO_COLOR"),
            colorterm: var("COLORTERM"),
            lc_all: var("LC_ALL"),
            lc_ctype: var("LC_CTYPE"),
            lang: var("LANG"),
            accessible: var("ACCESSIBLE"),
            stdout_is_terminal: std::io::stdout().is_terminal(),
        }
    }

    /// NO_COLOR counts only when set and non-empty (no-color.org).
    fn no_color(&self) -> bool {
        self.no_color.as_deref().is_some_and(|v| !v.is_empty())
    }

    /// The effective character-type locale: LC_ALL, else LC_CTYPE, else LANG (first non-empty).
    pub fn locale(&self) -> Option<&str> {
        [&self.lc_all, &self.lc_ctype, &self.lang]
            .into_iter()
            .filter_map(|v| v.as_deref())
            .find(|v| !v.is_empty())
    }

    /// True when the locale promises UTF-8, so box-drawing characters and `…` can be shown.
    /// No locale at all is the C locale: ASCII.
    pub fn utf8(&self) -> bool {
        self.locale().is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("utf-8") || l.contains("utf8")
        })
    }
}

/// `--color` against the environment. The explicit flag wins over NO_COLOR (no-color.org:
/// user-level configuration overrides it); truecolor only when COLORTERM says so, since SSH
/// does not forward COLORTERM and guessing wrong prints garbage.
pub fn color_depth(choice: ColorChoice, env: &Environment) -> ColorDepth {
    let colours = match choice {
        ColorChoice::Never => false,
        ColorChoice::Always => true,
        ColorChoice::Auto => !env.no_color() && env.stdout_is_terminal,
    };
    if !colours {
        return ColorDepth::None;
    }
    match env.colorterm.as_deref() {
        Some("truecolor" | "24bit") => ColorDepth::TrueColor,
        _ => ColorDepth::Ansi16,
    }
}

/// What the command line said (None = not given).
#[derive(Clone, Debug, Default)]
pub struct Flags {
    pub theme: Option<ThemeName>,
    pub high_contrast: bool,
    pub color: Option<ColorChoice>,
    pub no_alt_screen: bool,
    pub no_status_bar: bool,
    pub layout: Option<PaneLayout>,
    /// `--screen-reader`: the screen-reader profile.
    pub screen_reader: bool,
}

/// The profile: the flag, else the config file, else `ACCESSIBLE` (set and not empty).
pub fn profile(flags: &Flags, file: &FileConfig, env: &Environment) -> Profile {
    if flags.screen_reader {
        return Profile::ScreenReader;
    }
    let accessible = env.accessible.as_deref().is_some_and(|v| !v.is_empty());
    file.profile.unwrap_or(if accessible {
        Profile::ScreenReader
    } else {
        Profile::Default
    })
}

/// Flags win over the file, the file over the profile, the profile over defaults.
pub fn resolve(flags: &Flags, file: &FileConfig, env: &Environment) -> Options {
    let theme = if flags.high_contrast {
        ThemeName::HighContrast
    } else {
        flags.theme.or(file.theme).unwrap_or_default()
    };
    let choice = flags.color.or(file.color).unwrap_or_default();
    let profile = profile(flags, file, env);
    let screen_reader = profile == Profile::ScreenReader;
    let (layout, columns): (PaneLayout, &[Column]) = if screen_reader {
        // One pane at a time: opening an article speaks the article only; rows of title,
        // state and date (the store would be one more word on every row).
        (PaneLayout::Single, &[Column::State, Column::Date])
    } else {
        (PaneLayout::Auto, &DEFAULT_COLUMNS)
    };
    Options {
        theme,
        depth: color_depth(choice, env),
        status_bar: !flags.no_status_bar && file.status_bar.unwrap_or(true),
        alt_screen: !flags.no_alt_screen && file.alt_screen.unwrap_or(true),
        ascii: !env.utf8(),
        layout: flags.layout.or(file.layout).unwrap_or(layout),
        columns: file.columns.clone().unwrap_or_else(|| columns.to_vec()),
        header_position: !screen_reader,
        focus_line: screen_reader,
        search_lists: screen_reader,
        sort: file.sort.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(no_color: Option<&str>, colorterm: Option<&str>, tty: bool) -> Environment {
        Environment {
            no_color: no_color.map(str::to_owned),
            colorterm: colorterm.map(str::to_owned),
            stdout_is_terminal: tty,
            ..Environment::default()
        }
    }

    #[test]
    fn colour_depth_follows_flag_no_color_and_colorterm() {
        use ColorChoice::*;
        use ColorDepth as D;
        let cases = [
            (Auto, env(None, None, true), D::Ansi16),
            (Auto, env(Some("1"), None, true), D::None),
            // Empty NO_COLOR is the same as unset.
            (Auto, env(Some(""), None, true), D::Ansi16),
            (Auto, env(None, None, false), D::None),
            (Auto, env(None, Some("truecolor"), true), D::TrueColor),
            (Auto, env(None, Some("24bit"), true), D::TrueColor),
            (Auto, env(None, Some("yes"), true), D::Ansi16),
            (Always, env(Some("1"), None, false), D::Ansi16),
            (Never, env(None, Some("truecolor"), true), D::None),
        ];
        for (choice, env, expected) in cases {
            assert_eq!(color_depth(choice, &env), expected, "{choice:?} {env:?}");
        }
    }

    #[test]
    fn locale_precedence_decides_ascii() {
        let with = |all: Option<&str>, ctype: Option<&str>, lang: Option<&str>| Environment {
            lc_all: all.map(str::to_owned),
            lc_ctype: ctype.map(str::to_owned),
            lang: lang.map(str::to_owned),
            ..Environment::default()
        };
        assert!(with(None, None, Some("en_US.UTF-8")).utf8());
        assert!(with(None, Some("C.utf8"), Some("C")).utf8());
        assert!(!with(Some("C"), None, Some("en_US.UTF-8")).utf8());
        assert!(with(Some(""), None, Some("en_US.UTF-8")).utf8());
        assert!(!with(None, None, None).utf8());
    }

    #[test]
    fn flags_win_over_the_file() {
        let file = FileConfig {
            theme: Some(ThemeName::Mono),
            status_bar: Some(false),
            alt_screen: Some(false),
            ..FileConfig::default()
        };
        let env = env(None, None, true);
        let options = resolve(&Flags::default(), &file, &env);
        assert_eq!(options.theme, ThemeName::Mono);
        assert!(!options.status_bar && !options.alt_screen);
        let flags = Flags {
            high_contrast: true,
            ..Flags::default()
        };
        assert_eq!(resolve(&flags, &file, &env).theme, ThemeName::HighContrast);
    }

    #[test]
    fn the_file_colour_applies_unless_a_flag_says_otherwise() {
        let file = FileConfig {
            color: Some(ColorChoice::Never),
            ..FileConfig::default()
        };
        let env = env(None, None, true);
        assert_eq!(
            resolve(&Flags::default(), &file, &env).depth,
            ColorDepth::None
        );
        let flags = Flags {
            color: Some(ColorChoice::Always),
            ..Flags::default()
        };
        assert_eq!(resolve(&flags, &file, &env).depth, ColorDepth::Ansi16);
    }

    #[test]
    fn the_layout_flag_is_taken_and_defaults_to_auto() {
        let env = env(None, None, true);
        let file = FileConfig::default();
        assert_eq!(
            resolve(&Flags::default(), &file, &env).layout,
            PaneLayout::Auto
        );
        let flags = Flags {
            layout: Some(PaneLayout::Stacked),
            ..Flags::default()
        };
        assert_eq!(resolve(&flags, &file, &env).layout, PaneLayout::Stacked);
        for (name, layout) in [
            ("auto", PaneLayout::Auto),
            ("side", PaneLayout::Side),
            ("stacked", PaneLayout::Stacked),
        ] {
            assert_eq!(PaneLayout::parse(name), Some(layout));
        }
        assert_eq!(PaneLayout::parse("sideways"), None);
    }

    #[test]
    fn the_screen_reader_profile_sets_its_defaults_and_settings_still_win() {
        let tty = env(None, None, true);
        let plain = resolve(&Flags::default(), &FileConfig::default(), &tty);
        assert_eq!(plain.layout, PaneLayout::Auto);
        assert_eq!(plain.columns, DEFAULT_COLUMNS.to_vec());
        assert!(plain.header_position && !plain.focus_line);
        let flag = Flags {
            screen_reader: true,
            ..Flags::default()
        };
        let file = FileConfig {
            profile: Some(Profile::ScreenReader),
            ..FileConfig::default()
        };
        let accessible = Environment {
            accessible: Some("1".to_owned()),
            ..tty.clone()
        };
        for options in [
            resolve(&flag, &FileConfig::default(), &tty),
            resolve(&Flags::default(), &file, &tty),
            resolve(&Flags::default(), &FileConfig::default(), &accessible),
        ] {
            assert_eq!(options.layout, PaneLayout::Single);
            assert_eq!(options.columns, vec![Column::State, Column::Date]);
            assert!(!options.header_position && options.focus_line && options.search_lists);
        }
        // An empty ACCESSIBLE is unset; the file's profile wins over ACCESSIBLE.
        let empty = Environment {
            accessible: Some(String::new()),
            ..tty.clone()
        };
        assert_eq!(
            profile(&Flags::default(), &FileConfig::default(), &empty),
            Profile::Default
        );
        let default_file = FileConfig {
            profile: Some(Profile::Default),
            ..FileConfig::default()
        };
        assert_eq!(
            profile(&Flags::default(), &default_file, &accessible),
            Profile::Default
        );
        // Settings win over what the profile chose.
        let chosen = FileConfig {
            profile: Some(Profile::ScreenReader),
            layout: Some(PaneLayout::Stacked),
            columns: Some(vec![Column::Date, Column::Store]),
            ..FileConfig::default()
        };
        let options = resolve(&Flags::default(), &chosen, &tty);
        assert_eq!(options.layout, PaneLayout::Stacked);
        assert_eq!(options.columns, vec![Column::Date, Column::Store]);
        assert_eq!(PaneLayout::parse("single"), Some(PaneLayout::Single));
        assert_eq!(Profile::parse("screen-reader"), Some(Profile::ScreenReader));
    }
}
