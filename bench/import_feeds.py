#!/usr/bin/env python3
"""Time to read a feed into a store: `herald import FEED --into NEW.json` (the parse, merge and
atomic write a fetch does) on generated RSS 2.0 and Atom feeds, against newsboat's
`-x reload` of the same feed from a file:// URL (its parse and write into its cache), and,
when HERALD_BEFORE names another build, that build too. Medians of RUNS runs.

    bench/import_feeds.sh                      # ITEMS=1000,10000 RUNS=5
    HERALD_BEFORE=/path/to/old/herald bench/import_feeds.sh
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ITEMS = [int(n) for n in os.environ.get("ITEMS", "1000,10000").split(",")]
RUNS = int(os.environ.get("RUNS", "5"))


def body(n):
    return (f"&lt;p&gt;Paragraph one of story {n}, with &lt;b&gt;bold&lt;/b&gt; words, an "
            f"&lt;a href=\"https://example.org/s/{n}/more\"&gt;inline link&lt;/a&gt; and "
            f"caf&amp;eacute; cr&amp;egrave;me.&lt;/p&gt;&lt;p&gt;A second paragraph that is "
            f"long enough to be a real one: {'word ' * 40}&lt;/p&gt;")


def rss(items):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Generated</title>'
           '<link>https://example.org/</link><description>d</description>']
    for n in range(items):
        out.append(f"<item><title>Story {n}: a headline of ordinary length</title>"
                   f"<link>https://example.org/s/{n}</link><guid>gen-{n}</guid>"
                   f"<pubDate>Mon, {1 + n % 28:02d} Jun 2026 10:{n % 60:02d}:00 +0200</pubDate>"
                   f"<dc:creator>Desk {n % 7}</dc:creator><category>c{n % 5}</category>"
                   f"<description>{body(n)}</description></item>")
    out.append("</channel></rss>\n")
    return "".join(out)


def atom(items):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
           '<title>Generated</title><id>urn:gen</id><updated>2026-06-01T10:00:00Z</updated>']
    for n in range(items):
        out.append(f"<entry><title>Story {n}: a headline of ordinary length</title>"
                   f"<link href=\"https://example.org/s/{n}\"/><id>urn:gen:{n}</id>"
                   f"<updated>2026-06-{1 + n % 28:02d}T10:{n % 60:02d}:00+02:00</updated>"
                   f"<author><name>Desk {n % 7}</name></author>"
                   f"<content type=\"html\">{body(n)}</content></entry>")
    out.append("</feed>\n")
    return "".join(out)


def timed(argv, env):
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{argv[0]} failed: {done.stderr.decode(errors='replace')[:500]}")
    return took


def herald_import(binary, feed, work):
    times = []
    for run in range(RUNS):
        home = os.path.join(work, f"h-{run}")
        shutil.rmtree(home, ignore_errors=True)
        os.makedirs(home)
        env = {"PATH": os.environ["PATH"], "HOME": home, "XDG_DATA_HOME": f"{home}/d",
               "XDG_CONFIG_HOME": f"{home}/c", "XDG_CACHE_HOME": f"{home}/k"}
        times.append(timed([binary, "import", feed, "--into", f"{home}/store.json"], env))
    return statistics.median(times)


def newsboat_reload(feed, work):
    times = []
    for run in range(RUNS):
        home = os.path.join(work, f"n-{run}")
        shutil.rmtree(home, ignore_errors=True)
        os.makedirs(home)
        with open(f"{home}/urls", "w") as f:
            f.write(f"file://{feed}\n")
        with open(f"{home}/config", "w") as f:
            f.write("auto-reload no\n")
        env = {**os.environ, "HOME": home}
        times.append(timed(["newsboat", "-u", f"{home}/urls", "-c", f"{home}/cache.db",
                            "-C", f"{home}/config", "-x", "reload"], env))
    return statistics.median(times)


def main():
    herald = sys.argv[1]
    before = os.environ.get("HERALD_BEFORE")
    newsboat = shutil.which("newsboat")
    work = tempfile.mkdtemp(prefix="herald-import-bench-")
    try:
        head = "| feed | size | herald import |"
        if before:
            head += " before |"
        if newsboat:
            head += " newsboat -x reload |"
        print(f"Medians of {RUNS} runs, seconds.\n")
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        for items in ITEMS:
            for kind, make in (("RSS 2.0", rss), ("Atom 1.0", atom)):
                feed = os.path.join(work, f"{kind.split()[0].lower()}-{items}.xml")
                with open(feed, "w") as f:
                    f.write(make(items))
                size = os.path.getsize(feed) / 1e6
                row = f"| {kind}, {items:,} items | {size:.1f} MB | {herald_import(herald, feed, work):.3f} |"
                if before:
                    row += f" {herald_import(before, feed, work):.3f} |"
                if newsboat:
                    row += f" {newsboat_reload(feed, work):.3f} |"
                print(row, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
