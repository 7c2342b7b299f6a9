#!/usr/bin/env python3
"""A feed server for bench/fetch.sh: N RSS 2.0 feeds of M items, each response delayed by
LATENCY seconds (as a far-away server would be), with an ETag and Last-Modified that a
conditional request matches (304).

Real subscriptions are spread over many servers, and a polite client asks each server one
thing at a time; so the feeds are served by HOSTS loopback addresses (127.0.0.1,
127.0.0.2, ...: all of 127/8 is loopback on Linux), feed n by address n % HOSTS, every one on
the same port. Prints the port on the first line of stdout.

    feed_server.py FEEDS ITEMS LATENCY [HOSTS]
"""
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FEEDS, ITEMS, LATENCY = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
HOSTS = int(sys.argv[4]) if len(sys.argv) > 4 else 1
MODIFIED = formatdate(1_700_000_000, usegmt=True)


def feed(n):
    items = "".join(
        f"<item><title>Feed {n} story {i}</title>"
        f"<link>http://example.org/{n}/{i}</link><guid>feed-{n}-item-{i}</guid>"
        f"<pubDate>{formatdate(1_700_000_000 - i * 3600, usegmt=True)}</pubDate>"
        f"<description>Paragraph {i} of feed {n}: words enough for a short story, "
        f"as a real feed's summary would have them.</description></item>"
        for i in range(ITEMS)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {n}</title><link>http://example.org/{n}</link>"
        f"<description>Feed {n}</description>{items}</channel></rss>"
    ).encode()


BODIES = {f"/feed/{n}.xml": feed(n) for n in range(FEEDS)}
COUNT = {"requests": 0, "not_modified": 0}
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        time.sleep(LATENCY)
        body = BODIES.get(self.path)
        with LOCK:
            COUNT["requests"] += 1
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = f'"v1-{self.path}"'
        if self.headers.get("If-None-Match") == etag:
            with LOCK:
                COUNT["not_modified"] += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", MODIFIED)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


first = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
port = first.server_address[1]
servers = [first] + [ThreadingHTTPServer((f"127.0.0.{h + 1}", port), Handler) for h in range(1, HOSTS)]
for server in servers:
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
print(port, flush=True)
threading.Event().wait()
