//! Writes a synthetic store for benchmarks: deterministic (same arguments, same bytes) and shaped
//! like real news (titles of 6-14 words, bodies of about 2 KB in 3-6 paragraphs, dates over 25
//! years, one article in 40 breaking unless `--breaking-every` says otherwise).
//!
//! cargo run --release --example gen-store -- --articles 100000 --format jsonl > big.jsonl

use std::io::{self, BufWriter, Write};

use clap::{Parser, ValueEnum};
use serde_json::json;

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// `{"name": ..., "articles": [...]}`
    Json,
    /// One article per line.
    Jsonl,
    /// JSON Feed 1.1.
    Jsonfeed,
    /// RSS 2.0, the same articles, for comparing with other readers.
    Rss,
}

#[derive(Parser)]
struct Args {
    /// How many articles to write.
    #[arg(long, default_value_t = 10_000)]
    articles: usize,
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Seed for the generator; the same seed gives the same store.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The store's name (native and JSON Feed).
    #[arg(long, default_value = "Generated")]
    name: String,
    /// One article in this many is breaking (on average).
    #[arg(long, default_value_t = 40)]
    breaking_every: usize,
}

/// SplitMix64: tiny, fast and good enough to vary text; no dependency needed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }
}

const WORDS: &[&str] = &[
    "council",
    "minister",
    "harbour",
    "river",
    "election",
    "province",
    "market",
    "report",
    "storm",
    "village",
    "research",
    "university",
    "trade",
    "railway",
    "festival",
    "museum",
    "court",
    "bridge",
    "energy",
    "water",
    "school",
    "hospital",
    "farmers",
    "workers",
    "police",
    "officials",
    "talks",
    "agreement",
    "budget",
    "plan",
    "vote",
    "strike",
    "record",
    "season",
    "survey",
    "library",
    "the",
    "a",
    "of",
    "in",
    "on",
    "with",
    "after",
    "before",
    "says",
    "will",
    "new",
    "old",
    "first",
    "local",
    "national",
    "regional",
    "northern",
    "southern",
    "Zürich",
    "São Paulo",
    "東京",
    "مدينة",
];

const SECTIONS: &[&str] = &[
    "World",
    "Science",
    "Business",
    "Culture",
    "Technology",
    "Sport",
];

fn sentence(random: &mut Random, words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(random.pick(WORDS));
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => text,
    }
}

fn body(random: &mut Random) -> String {
    let paragraphs = 3 + random.below(4);
    let target = 1800 + random.below(500);
    let per_paragraph = target / paragraphs;
    (0..paragraphs)
        .map(|_| {
            let mut paragraph = String::new();
            while paragraph.len() < per_paragraph {
                if !paragraph.is_empty() {
                    paragraph.push(' ');
                }
                let words = 8 + random.below(12);
                paragraph.push_str(&sentence(random, words));
            }
            paragraph
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn article(random: &mut Random, index: usize, breaking_every: usize) -> serde_json::Value {
    let title_words = 6 + random.below(9);
    let title = sentence(random, title_words)
        .trim_end_matches('.')
        .to_owned();
    let year = 2000 + random.below(26);
    let month = 1 + random.below(12);
    let day = 1 + random.below(28);
    let hour = random.below(24);
    let minute = random.below(60);
    json!({
        "id": format!("gen-{index:08}"),
        "title": title,
        "published": format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:00Z"),
        "source": "Generator",
        "section": random.pick(SECTIONS),
        "url": format!("https://example.org/articles/{index}"),
        "breaking": random.below(breaking_every.max(1)) == 0,
        "body": body(random),
    })
}

fn feed_item(article: serde_json::Value) -> serde_json::Value {
    json!({
        "id": article["id"],
        "title": article["title"],
        "content_text": article["body"],
        "date_published": article["published"],
        "url": article["url"],
        "tags": if article["breaking"] == true { json!(["breaking"]) } else { json!([]) },
        "_herald": {"source": article["source"], "section": article["section"]},
    })
}

/// Escapes text for XML character data and attribute values.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2024-07-27T09:05:00Z` as RFC 822 (`27 Jul 2024 09:05:00 +0000`), as RSS wants.
fn rfc822(rfc3339: &str) -> String {
    let month: usize = rfc3339[5..7].parse().unwrap_or(1);
    format!(
        "{} {} {} {} +0000",
        &rfc3339[8..10],
        MONTHS[month - 1],
        &rfc3339[..4],
        &rfc3339[11..19]
    )
}

fn write_rss(out: &mut impl Write, args: &Args, random: &mut Random) -> io::Result<()> {
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<rss version=\"2.0\"><channel><title>{}</title><link>https://example.org/</link><description>Generated</description>",
        xml(&args.name)
    )?;
    for index in 0..args.articles {
        let a = article(random, index, args.breaking_every);
        let text = |key: &str| a[key].as_str().unwrap_or_default().to_owned();
        let body: String = text("body")
            .split("\n\n")
            .map(|p| format!("<p>{}</p>", xml(p)))
            .collect();
        writeln!(
            out,
            "<item><guid isPermaLink=\"false\">{}</guid><title>{}</title><link>{}</link><pubDate>{}</pubDate><description>{}</description></item>",
            xml(&text("id")),
            xml(&text("title")),
            xml(&text("url")),
            rfc822(&text("published")),
            xml(&body)
        )?;
    }
    writeln!(out, "</channel></rss>")
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    let mut random = Random(args.seed);
    let mut out = BufWriter::new(io::stdout().lock());
    if matches!(args.format, Format::Rss) {
        write_rss(&mut out, &args, &mut random)?;
        return out.flush();
    }
    let (open, close) = match args.format {
        Format::Jsonl | Format::Rss => (String::new(), String::new()),
        Format::Json => (
            format!("{{\"name\": {}, \"articles\": [\n", json!(args.name)),
            "\n]}\n".to_owned(),
        ),
        Format::Jsonfeed => (
            format!(
                "{{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": {}, \"items\": [\n",
                json!(args.name)
            ),
            "\n]}\n".to_owned(),
        ),
    };
    out.write_all(open.as_bytes())?;
    for index in 0..args.articles {
        let value = article(&mut random, index, args.breaking_every);
        let value = if matches!(args.format, Format::Jsonfeed) {
            feed_item(value)
        } else {
            value
        };
        match args.format {
            Format::Jsonl => writeln!(out, "{value}")?,
            _ => {
                if index > 0 {
                    out.write_all(b",\n")?;
                }
                write!(out, "{value}")?;
            }
        }
    }
    out.write_all(close.as_bytes())?;
    out.flush()
}
