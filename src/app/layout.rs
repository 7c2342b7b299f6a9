//! Where each pane goes, in plain numbers. `update` needs the sizes (page length, wrap width)
//! and `ui` needs the rectangles; both call this one function so they always agree.

use super::options::PaneLayout;

/// Below this the reader shows only "terminal too small".
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;
/// From this width the list and the article sit side by side. Below it, side by side left
/// titles about 22 columns at 120 (the list had half the width), and every line a screen
/// reader read held a headline and a line of the article.
pub const WIDE_FROM: u16 = 140;
/// The side-by-side list's share of the width, in fifths, and its widest.
const LIST_FIFTHS: u16 = 3;
const LIST_MAX_WIDTH: u16 = 100;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Area {
    pub const fn new(x: u16, y: u16, width: u16, height: u16) -> Self {
        Self {
            x,
            y,
            width,
            height,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panes {
    /// One line: which store and which filters are showing.
    pub header: Area,
    pub list: Area,
    /// The breaking-news banner's row, taken from the top of the list pane while it shows
    /// (see `App::panes`); the layout itself never places one.
    pub banner: Option<Area>,
    /// A vertical line (wide) or horizontal line (stacked) between list and article.
    pub separator: Area,
    pub article: Area,
    /// The status bar, prompt or message line, when there is one.
    pub bottom: Option<Area>,
    pub wide: bool,
    /// One pane at a time: `list` and `article` are the same area, and the focus says which
    /// is drawn; `separator` is empty.
    pub single: bool,
}

/// Columns the article text keeps free on each side.
pub const ARTICLE_MARGIN: u16 = 1;

impl Panes {
    /// Width article text wraps to.
    pub fn article_text_width(&self) -> usize {
        usize::from(self.article.width.saturating_sub(2 * ARTICLE_MARGIN).max(1))
    }
}

/// The most rows a message may take at the bottom: a long one wraps rather than being cut
/// (at 40 columns a cut message lost its end, and showing it again showed the same cut).
pub const MAX_BOTTOM_ROWS: u16 = 3;

/// The panes for a `width` x `height` screen in the automatic layout, or None when it is too
/// small to be useful.
pub fn panes(width: u16, height: u16, bottom_line: bool) -> Option<Panes> {
    panes_in(PaneLayout::Auto, width, height, u16::from(bottom_line))
}

/// The panes for a `width` x `height` screen in `layout` with `bottom_rows` rows at the bottom
/// (status bar, prompt or message; at most [`MAX_BOTTOM_ROWS`]), or None when it is too small.
pub fn panes_in(layout: PaneLayout, width: u16, height: u16, bottom_rows: u16) -> Option<Panes> {
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return None;
    }
    let bottom_rows = bottom_rows.min(MAX_BOTTOM_ROWS);
    let header = Area::new(0, 0, width, 1);
    let bottom = (bottom_rows > 0).then(|| Area::new(0, height - bottom_rows, width, bottom_rows));
    let body_top = 1;
    let body_height = height - 1 - bottom_rows;
    let side_by_side = match layout {
        PaneLayout::Auto => width >= WIDE_FROM,
        PaneLayout::Side => true,
        PaneLayout::Stacked | PaneLayout::Single => false,
    };
    if layout == PaneLayout::Single {
        let body = Area::new(0, body_top, width, body_height);
        return Some(Panes {
            banner: None,
            header,
            list: body,
            separator: Area::new(0, body_top, 0, 0),
            article: body,
            bottom,
            wide: false,
            single: true,
        });
    }
    if side_by_side {
        // The list gets three fifths: its titles are what is read and chosen from; the
        // article keeps at least MIN_WIDTH / 2 columns on any screen.
        let list_width = (width * LIST_FIFTHS / 5).min(LIST_MAX_WIDTH);
        Some(Panes {
            banner: None,
            header,
            list: Area::new(0, body_top, list_width, body_height),
            separator: Area::new(list_width, body_top, 1, body_height),
            article: Area::new(
                list_width + 1,
                body_top,
                width - list_width - 1,
                body_height,
            ),
            bottom,
            wide: true,
            single: false,
        })
    } else {
        // The separator line takes one row; the list gets two fifths of the rest.
        let rest = body_height - 1;
        let list_height = (rest * 2 / 5).max(3);
        Some(Panes {
            banner: None,
            header,
            list: Area::new(0, body_top, width, list_height),
            separator: Area::new(0, body_top + list_height, width, 1),
            article: Area::new(0, body_top + list_height + 1, width, rest - list_height),
            bottom,
            wide: false,
            single: false,
        })
    }
}

/// The first list row to show so that row `selected` of `len` is inside a window of `height`
/// rows, moving `offset` as little as possible and never leaving empty rows at the bottom
/// while there are rows above. The app keeps its offset with this, and drawing applies it
/// again to the frame's own list height, so the selection is on screen whatever moved it.
pub fn scroll_into_view(selected: usize, offset: usize, len: usize, height: usize) -> usize {
    let height = height.max(1);
    let selected = selected.min(len.saturating_sub(1));
    let mut offset = offset;
    if selected < offset {
        offset = selected;
    } else if selected >= offset + height {
        offset = selected + 1 - height;
    }
    offset.min(len.saturating_sub(height))
}

/// Whether a divider row before list position `divider` shows in a window of `height` rows
/// from `offset`: only between two rows on screen (at the top it would divide nothing shown).
pub fn divider_shows(divider: usize, offset: usize, height: usize) -> bool {
    offset < divider && divider < offset + height
}

/// [`scroll_into_view`] for a list with a divider row before position `divider`: where the
/// divider shows, the rows have one line fewer, and the selection must still be on screen.
pub fn scroll_around_divider(
    selected: usize,
    offset: usize,
    len: usize,
    height: usize,
    divider: Option<usize>,
) -> usize {
    let offset = scroll_into_view(selected, offset, len, height);
    match divider {
        Some(divider) if divider_shows(divider, offset, height) => {
            scroll_into_view(selected, offset, len, height.saturating_sub(1).max(1))
        }
        _ => offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the selection, list length, height and divider, the selected row is on
    /// screen: among the rows drawn, which are one fewer where the divider shows.
    #[test]
    fn the_selection_stays_on_screen_around_a_divider() {
        for len in 1..12 {
            for height in 1..8 {
                for divider in 1..len {
                    let mut offset = 0;
                    let path: Vec<usize> = (0..len).chain((0..len).rev()).collect();
                    for selected in path {
                        offset =
                            scroll_around_divider(selected, offset, len, height, Some(divider));
                        let rows = if divider_shows(divider, offset, height) {
                            height - 1
                        } else {
                            height
                        };
                        assert!(
                            selected >= offset && selected < offset + rows.max(1),
                            "len {len} height {height} divider {divider} selected {selected} \
                             offset {offset}"
                        );
                    }
                }
            }
        }
    }

    fn inside(area: Area, width: u16, height: u16) -> bool {
        area.x + area.width <= width && area.y + area.height <= height
    }

    const LAYOUTS: [PaneLayout; 4] = [
        PaneLayout::Auto,
        PaneLayout::Side,
        PaneLayout::Stacked,
        PaneLayout::Single,
    ];

    #[test]
    fn panes_fit_every_supported_size_and_never_overlap() {
        for (width, layout) in (MIN_WIDTH..=300).flat_map(|w| LAYOUTS.map(|l| (w, l))) {
            for height in [MIN_HEIGHT, 13, 24, 40, 100] {
                for bottom in 0..=MAX_BOTTOM_ROWS + 1 {
                    let p = panes_in(layout, width, height, bottom).expect("supported size");
                    for area in [p.header, p.list, p.separator, p.article] {
                        assert!(inside(area, width, height), "{width}x{height} {area:?}");
                        let empty = area.width == 0 || area.height == 0;
                        assert_eq!(empty, p.single && area == p.separator, "{p:?}");
                    }
                    if p.single {
                        assert_eq!(p.list, p.article);
                        assert_eq!(p.list.width, width);
                    } else if p.wide {
                        assert_eq!(p.list.x + p.list.width, p.separator.x);
                        assert_eq!(p.separator.x + 1, p.article.x);
                    } else {
                        assert_eq!(p.list.y + p.list.height, p.separator.y);
                        assert_eq!(p.separator.y + 1, p.article.y);
                    }
                    let bottom_row = p.bottom.map_or(height, |b| b.y);
                    assert!(p.article.y + p.article.height <= bottom_row);
                }
            }
        }
    }

    #[test]
    fn wide_screens_go_side_by_side_and_tiny_ones_get_nothing() {
        assert!(panes(140, 40, true).expect("fits").wide);
        assert!(!panes(120, 40, true).expect("fits").wide);
        assert!(!panes(80, 24, true).expect("fits").wide);
        assert_eq!(panes(39, 24, true), None);
        assert_eq!(panes(80, 11, true), None);
    }

    #[test]
    fn the_layout_can_be_forced_either_way() {
        use PaneLayout::*;
        for (layout, width, wide) in [
            (Auto, 139, false),
            (Auto, 140, true),
            (Stacked, 140, false),
            (Single, 300, false),
            (Stacked, 300, false),
            (Side, 80, true),
            (Side, 40, true),
        ] {
            let p = panes_in(layout, width, 30, 1).expect("fits");
            assert_eq!(p.wide, wide, "{layout:?} {width}");
        }
        // Auto is today's layout at every width.
        for width in MIN_WIDTH..=300 {
            assert_eq!(panes_in(Auto, width, 30, 1), panes(width, 30, true));
        }
        assert_eq!(panes_in(Stacked, 39, 30, 1), None);
    }

    #[test]
    fn scrolling_into_view_shows_the_selection_and_moves_the_least() {
        // (selected, offset, len, height) -> offset
        let cases = [
            (0, 0, 0, 10, 0),
            (5, 0, 47, 10, 0),
            (10, 0, 47, 10, 1),
            (46, 0, 47, 28, 19),
            (3, 20, 47, 10, 3),
            (46, 40, 47, 10, 37),
            (46, 44, 47, 1, 46),
            (99, 0, 47, 10, 37),
            (2, 2, 5, 0, 2),
        ];
        for (selected, offset, len, height, expected) in cases {
            let got = scroll_into_view(selected, offset, len, height);
            assert_eq!(got, expected, "{selected} {offset} {len} {height}");
            if len > 0 {
                let shown = got..got + height.max(1);
                assert!(shown.contains(&selected.min(len - 1)));
            }
        }
    }
}
