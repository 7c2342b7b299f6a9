//! Themes as semantic roles. Widgets ask for `theme.style(Role::Selected)`, never for a colour,
//! so high contrast, mono and NO_COLOR are one decision here.
//!
//! Rules every theme follows: every state of an article also has a text marker (`unread`,
//! `*`, `BREAKING`, `Error:`), so styles only reinforce (the selection is reverse video and
//! the cursor: a text marker for it changed two rows per move, and both were spoken); without colour (NO_COLOR, `--color never`, mono,
//! high contrast) styles carry *no* colour at all, because crossterm drops reverse and bold
//! from a style that also carries a colour it was told not to print.

use ratatui::style::{Color, Modifier, Style};

use crate::app::{ColorDepth, ThemeName};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Ordinary text.
    Base,
    /// Secondary text (datelines, dates). Never dark grey: it vanishes on dark terminals.
    Muted,
    Title,
    Unread,
    Selected,
    /// The screen header (store and filter indicator).
    Header,
    /// The `BREAKING` marker in the list.
    Breaking,
    /// The `Breaking News` line at the top of an article.
    Banner,
    /// The `BREAKING: <title>` line above the list. Without colour it is bold and underlined,
    /// never reversed: the selected headline stays the one reversed row, which is how a
    /// screen reader that follows the highlight finds it.
    ListBanner,
    Link,
    Error,
    /// The status bar.
    Status,
    Separator,
}

impl Role {
    pub const ALL: [Role; 13] = [
        Role::Base,
        Role::Muted,
        Role::Title,
        Role::Unread,
        Role::Selected,
        Role::Header,
        Role::Breaking,
        Role::Banner,
        Role::ListBanner,
        Role::Link,
        Role::Error,
        Role::Status,
        Role::Separator,
    ];
}

/// Characters for the UI's own drawing; ASCII when the locale is not UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Glyphs {
    pub vertical: &'static str,
    pub horizontal: &'static str,
    pub ellipsis: &'static str,
}

impl Glyphs {
    pub const UNICODE: Glyphs = Glyphs {
        vertical: "│",
        horizontal: "─",
        ellipsis: "…",
    };
    pub const ASCII: Glyphs = Glyphs {
        vertical: "|",
        horizontal: "-",
        ellipsis: "...",
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    pub depth: ColorDepth,
    pub glyphs: Glyphs,
}

/// White on a dark red: 7.7:1, so it also passes AAA.
const ALERT_FG: (u8, u8, u8) = (0xFF, 0xFF, 0xFF);
const ALERT_BG: (u8, u8, u8) = (0xA4, 0x16, 0x1A);

fn rgb((r, g, b): (u8, u8, u8)) -> Color {
    Color::Rgb(r, g, b)
}

impl Theme {
    pub fn new(name: ThemeName, depth: ColorDepth, ascii: bool) -> Self {
        Self {
            name,
            depth,
            glyphs: if ascii {
                Glyphs::ASCII
            } else {
                Glyphs::UNICODE
            },
        }
    }

    /// Whether this theme may use colour at all.
    pub fn colours(&self) -> bool {
        self.name == ThemeName::Default && self.depth != ColorDepth::None
    }

    pub fn style(&self, role: Role) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let reverse = Style::new().add_modifier(Modifier::REVERSED);
        let underline = Style::new().add_modifier(Modifier::UNDERLINED);
        let style = match self.name {
            ThemeName::HighContrast => match role {
                Role::Base | Role::Muted | Role::Separator => Style::new(),
                Role::Title => bold.add_modifier(Modifier::UNDERLINED),
                Role::Unread | Role::Header => bold,
                Role::Selected | Role::Breaking | Role::Banner | Role::Error => {
                    bold.add_modifier(Modifier::REVERSED)
                }
                Role::Link => underline,
                Role::Status => reverse,
                Role::ListBanner => bold.add_modifier(Modifier::UNDERLINED),
            },
            ThemeName::Default | ThemeName::Mono => match role {
                Role::Base | Role::Muted | Role::Separator => Style::new(),
                Role::Title | Role::Unread | Role::Header => bold,
                Role::Selected | Role::Status => reverse,
                Role::Link => underline,
                Role::Breaking | Role::Banner | Role::Error => self.alert(bold),
                Role::ListBanner if self.colours() => self.alert(bold),
                Role::ListBanner => bold.add_modifier(Modifier::UNDERLINED),
            },
        };
        if self.colours() {
            style
        } else {
            // No colour at all, not even Reset, so attributes survive (see module docs).
            Style {
                fg: None,
                bg: None,
                underline_color: None,
                ..style
            }
        }
    }

    /// Breaking news and errors: an explicit pair when colour is allowed, reverse without.
    fn alert(&self, base: Style) -> Style {
        if !self.colours() {
            return base.add_modifier(Modifier::REVERSED);
        }
        match self.depth {
            ColorDepth::TrueColor => base.fg(rgb(ALERT_FG)).bg(rgb(ALERT_BG)),
            ColorDepth::Ansi16 => base.fg(Color::White).bg(Color::Red),
            ColorDepth::None => base.add_modifier(Modifier::REVERSED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::reader::ui::contrast::contrast_ratio;

    const NAMES: [ThemeName; 3] = [ThemeName::Default, ThemeName::HighContrast, ThemeName::Mono];
    const DEPTHS: [ColorDepth; 3] = [ColorDepth::None, ColorDepth::Ansi16, ColorDepth::TrueColor];

    fn rgb_of(color: Option<Color>) -> Option<(u8, u8, u8)> {
        match color {
            Some(Color::Rgb(r, g, b)) => Some((r, g, b)),
            _ => None,
        }
    }

    #[test]
    fn every_explicit_colour_pair_meets_wcag() {
        for name in NAMES {
            let threshold = if name == ThemeName::HighContrast {
                7.0
            } else {
                4.5
            };
            for role in Role::ALL {
                let style = Theme::new(name, ColorDepth::TrueColor, false).style(role);
                match (rgb_of(style.fg), rgb_of(style.bg)) {
                    (Some(fg), Some(bg)) => {
                        let ratio = contrast_ratio(fg, bg);
                        assert!(ratio >= threshold, "{name:?} {role:?}: {ratio}");
                    }
                    (None, None) => {}
                    // A lone RGB colour on the terminal's unknown background cannot be checked.
                    _ => panic!("{name:?} {role:?} sets only one RGB colour"),
                }
            }
        }
    }

    #[test]
    fn high_contrast_mono_and_no_colour_carry_no_colour_at_all() {
        for name in NAMES {
            for depth in DEPTHS {
                let theme = Theme::new(name, depth, false);
                if theme.colours() {
                    continue;
                }
                for role in Role::ALL {
                    let style = theme.style(role);
                    assert_eq!(
                        (style.fg, style.bg, style.underline_color),
                        (None, None, None),
                        "{name:?} {depth:?} {role:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn selection_and_alerts_are_reverse_or_coloured_in_every_theme() {
        for name in NAMES {
            for depth in DEPTHS {
                let theme = Theme::new(name, depth, false);
                let selected = theme.style(Role::Selected);
                assert!(selected.add_modifier.contains(Modifier::REVERSED));
                for role in [Role::Banner, Role::Breaking, Role::Error] {
                    let style = theme.style(role);
                    assert!(
                        style.add_modifier.contains(Modifier::REVERSED) || style.bg.is_some(),
                        "{name:?} {depth:?} {role:?} does not stand out"
                    );
                    assert!(style.add_modifier.contains(Modifier::BOLD));
                }
            }
        }
    }

    #[test]
    fn the_list_banner_stands_out_without_reverse_video_unless_it_has_colour() {
        for name in NAMES {
            for depth in DEPTHS {
                let theme = Theme::new(name, depth, false);
                let style = theme.style(Role::ListBanner);
                assert!(style.add_modifier.contains(Modifier::BOLD));
                if theme.colours() {
                    assert!(style.bg.is_some(), "{name:?} {depth:?}");
                } else {
                    assert!(!style.add_modifier.contains(Modifier::REVERSED));
                    assert!(style.add_modifier.contains(Modifier::UNDERLINED));
                }
            }
        }
    }

    #[test]
    fn ascii_locale_gets_ascii_glyphs() {
        let glyphs = Theme::new(ThemeName::Default, ColorDepth::None, true).glyphs;
        for text in [glyphs.vertical, glyphs.horizontal, glyphs.ellipsis] {
            assert!(text.is_ascii());
        }
    }
}
