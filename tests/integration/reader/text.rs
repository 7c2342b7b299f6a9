//! Article text from real feeds on the screen: preformatted text kept as it is, a table a row
//! per line with its header ruled off, empty markup leaving nothing behind, URLs moved whole
//! to a line of their own (and cut only when longer than the pane, each piece a hyperlink to
//! the whole), and an article's files listed, numbered and linked with its links.

use std::borrow::Cow;

use herald::app::options::PaneLayout;
use herald::app::{Action, App, OpenArticle, TerminalCaps};
use herald::engine::article::{ArticleText, Flavor, layout::lay_out};
use herald::engine::state::{ArticleKey, Marks};
use herald::engine::store::model::Enclosure;
use herald::engine::store::{Article, ArticleDetail, Headline, StoreId, StoreInfo, StoreSource};
use herald::engine::{Library, Stores};
use herald::present::reader::ui::article::ArticlePane;
use herald::present::reader::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::reader::flow::{TestHost, run};
use crate::reader::support::{act_with, inline, options, typed};

/// Long enough to be cut in a 60-column pane, short enough to fit a 120-column one (stacked).
pub const LONG_URL: &str =
    "https://example.org/harbour/timetables/2024/spring/night-ferry.html?lang=en&ref=feed";

/// An article as a feed wrote it: empty markup, code, a table, a long URL.
pub fn html() -> String {
    format!(
        "<p>The harbour office published <b></b>the new <em> </em>timetable<strong><img \
         src=x></strong>.</p><pre>\n  departs  arrives\n  06:10\t   07:45\n</pre>\
         <table><thead><tr><th>Day</th><th>Sailings</th></tr></thead><tbody><tr><td>Monday\
         </td><td>4</td></tr><tr><td>Saturday</td><td>2 (<em>night</em>)</td></tr></tbody>\
         </table><p>Details: <a href=\"{url}\">{url}</a></p>",
        url = LONG_URL.replace('&', "&amp;")
    )
}

/// A store of one such article, in a temporary folder kept as long as the stores are used.
pub fn store() -> (tempfile::TempDir, Stores) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("harbour.json");
    let store = serde_json::json!({
        "name": "Harbour",
        "articles": [{
            "id": "timetable",
            "title": "Spring Timetable",
            "published": "2024-03-02",
            "html": html(),
        }],
    });
    std::fs::write(&path, store.to_string()).expect("write the store");
    let stores = Stores::new(vec![StoreSource::Path(path)]).with_cache(None);
    (dir, stores)
}

fn opened(stores: &Stores, size: (u16, u16), layout: PaneLayout) -> App {
    let library: Library = stores.open();
    let options = herald::app::Options {
        layout,
        ..options()
    };
    let mut app = App::new(library, Marks::default(), options, size, Vec::new());
    act_with(&mut inline(stores.clone()), &mut app, Action::Open);
    app
}

fn snapshot(name: &str, text: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn code_tables_and_long_urls_on_screen() {
    let (_dir, stores) = store();
    for (size, layout) in [
        ((60, 40), PaneLayout::Auto),
        ((120, 40), PaneLayout::Stacked),
    ] {
        let app = opened(&stores, size, layout);
        let terminal = crate::reader::render::render(&app);
        snapshot(
            &format!("article_text_{}x{}", size.0, size.1),
            format!("{}", terminal.backend()),
        );
        let screen = format!("{}", terminal.backend());
        // Nothing of the empty markup is left, and the table is never one run of words.
        assert!(screen.contains("published the new timetable."), "{screen}");
        assert!(!screen.contains('*'), "{screen}");
        assert!(screen.contains("  06:10    07:45"), "{screen}");
        assert!(screen.contains("Day      \u{2502} Sailings"), "{screen}");
        if size.0 == 120 {
            // Wide enough: the URL is whole on a line of its own, in the text and the list.
            assert!(screen.contains(&format!(" {LONG_URL} [1]")), "{screen}");
            assert!(screen.contains(&format!(" [1] {LONG_URL} ")), "{screen}");
        }
    }
}

#[test]
fn every_piece_of_a_cut_url_is_a_hyperlink_to_the_whole() {
    let (_dir, stores) = store();
    let caps = TerminalCaps {
        hyperlinks: true,
        clipboard: true,
        ..TerminalCaps::default()
    };
    let library = stores.open();
    let app = App::new(library, Marks::default(), options(), (60, 40), Vec::new()).with_caps(caps);
    let run = run(app, typed("\n"), TestHost::over(stores.clone()));
    let written = String::from_utf8(run.host.written.clone()).expect("UTF-8");
    let opened = format!("\x1b]8;;{LONG_URL}\x1b\\");
    // In the text and in the list the URL is longer than the pane: at least two pieces each.
    assert!(written.matches(&opened).count() >= 4, "{written:?}");
    assert!(!written.contains("\x1b]8;;https://example.org/harbour/\x1b"));
}

fn podcast() -> ArticleText {
    let store = StoreInfo {
        name: "Pods".to_owned(),
        origins: Vec::new(),
    };
    let detail = ArticleDetail {
        url: Some("https://pods.example/episodes/1".to_owned()),
        html: Some(
            "<p>Notes: the <a href=\"https://pods.example/guest\">guest's page</a>.</p>".to_owned(),
        ),
        enclosures: vec![
            Enclosure {
                url: "https://cdn.pods.example/audio/episode-0001-the-harbour-at-night.mp3"
                    .to_owned(),
                mime_type: Some("audio/mpeg".to_owned()),
                length: Some(12_345_678),
                title: None,
            },
            Enclosure {
                url: "https://cdn.pods.example/cover.jpg".to_owned(),
                mime_type: None,
                length: None,
                title: Some("Cover art".to_owned()),
            },
        ],
        ..ArticleDetail::default()
    };
    ArticleText::from_article(&Article {
        headline: Headline {
            store: StoreId(0),
            id: "ep1",
            title: "Episode 1: The Harbour at Night",
            published: herald::text::Published::parse("2024-03-02"),
            breaking: false,
            source: Some("Pods"),
        },
        detail: Cow::Owned(detail),
        store: &store,
    })
}

#[test]
fn an_articles_files_are_numbered_labelled_and_linked_with_its_links() {
    let text = podcast();
    let (width, height) = (50, 16);
    let theme = Theme::new(
        herald::app::ThemeName::Default,
        herald::app::ColorDepth::None,
        false,
    );
    let lines = lay_out(&text, 48, Flavor::Screen { ascii: false });
    let mut article = OpenArticle::new(0, ArticleKey::new("Pods", "ep1"), 1);
    article.text = Some(std::sync::Arc::new(text));
    article.lines = Some(std::sync::Arc::new(lines));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    let mut links = Vec::new();
    terminal
        .draw(|frame| {
            let pane = ArticlePane {
                article: Some(&article),
                placeholder: "",
                opening: "",
                theme: &theme,
            };
            links = pane.render_links(frame.area(), frame.buffer_mut());
        })
        .expect("test backend");
    snapshot("article_files_50x16", format!("{}", terminal.backend()));
    // The numbers the list shows are the numbers that open: the files come after the text's
    // link and before the article's own.
    let audio = "https://cdn.pods.example/audio/episode-0001-the-harbour-at-night.mp3";
    assert_eq!(article.link(1), Some("https://pods.example/guest"));
    assert_eq!(article.link(2), Some(audio));
    assert_eq!(article.link(3), Some("https://cdn.pods.example/cover.jpg"));
    assert_eq!(article.link(4), Some("https://pods.example/episodes/1"));
    // And each file's cells are hyperlinks to it, the cut audio URL in every piece.
    let screen = terminal.backend().buffer().clone();
    let mut audio_cells = String::new();
    for link in links.iter().filter(|l| l.url == audio) {
        for x in link.x..link.x + link.width {
            audio_cells.push_str(screen[(x, link.y)].symbol());
        }
    }
    assert_eq!(audio_cells, audio);
    assert!(
        links
            .iter()
            .any(|l| l.url == "https://cdn.pods.example/cover.jpg")
    );
}
