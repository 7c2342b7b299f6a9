#!/usr/bin/env python3
"""Compare `herald import` with feedparser (the reference parser) over a corpus of feeds.

Usage:
    HERALD=/path/to/herald python3 compare.py [--corpus feeds] [--details out.jsonl] [--jobs 2]

For every file under --corpus (sorted, recursively) it runs feedparser.parse(path) and
`$HERALD import FILE --into TMP/store.json` in a fresh temporary directory (HOME and
XDG_DATA_HOME/XDG_CONFIG_HOME/XDG_CACHE_HOME point inside it; 10 s timeout), then compares:

* entry counts: feedparser entries vs articles in Herald's store;
* per matched entry (matched by id, then link, then title, then position):
  - title: whitespace-normalised, exact; title_loose also strips tags and unescapes entities;
  - link: feedparser entry.link vs Herald url (stripped);
  - date_day: UTC calendar day of feedparser published_parsed (else updated_parsed) vs Herald
    `published` (else `updated`): a bare YYYY-MM-DD is compared as it is, an RFC 3339 value
    with a time is converted to its UTC instant first;
  - date_instant: the exact UTC instant (to the second), only where Herald keeps a time;
  - content: non-empty feedparser content/summary vs non-empty Herald body/summary/html;
* enclosures: every feedparser entry.enclosures href must be among Herald's enclosures[].url.

A field counts only where at least one side has it (both absent is left out). "matched"
percentages are over matched entries; "end-to-end" also counts feedparser entries Herald never
stored as misses. The summary goes to stdout; --details gets one JSON object per file.
Output is deterministic for a given binary and corpus (no timings in it).
"""

import argparse
import calendar
import concurrent.futures
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

import feedparser

FIELDS = ("title", "title_loose", "link", "date_day", "date_instant", "content")
TIMEOUT = 10
MAX_TEXT = 2000
MAX_DIFFS = 5

_ws = re.compile(r"\s+")
_tag = re.compile(r"<[^>]*>")
_date = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$"
)


def norm(text):
    return _ws.sub(" ", text or "").strip()


def loose(text):
    return norm(html.unescape(_tag.sub(" ", text or "")))


def clip(text, n=MAX_TEXT):
    return text if len(text) <= n else text[:n] + "…[%d more chars]" % (len(text) - n)


# ---------- feedparser side ----------

def fp_side(path):
    out = {"error": None, "version": "", "bozo": False, "bozo_exception": None, "entries": []}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = feedparser.parse(path)
    except Exception as e:  # feedparser itself crashes on a few sanitizer cases
        out["error"] = "%s: %s" % (type(e).__name__, str(e)[:200])
        return out
    out["version"] = d.get("version", "") or ""
    out["bozo"] = bool(d.get("bozo"))
    if d.get("bozo_exception") is not None:
        out["bozo_exception"] = "%s: %s" % (type(d.bozo_exception).__name__,
                                            str(d.bozo_exception)[:200])
    for e in d.entries:
        when = e.get("published_parsed") or e.get("updated_parsed")
        contents = [c.get("value", "") for c in e.get("content", []) or []]
        contents.append(e.get("summary", "") or "")
        out["entries"].append({
            "id": e.get("id", "") or "",
            "title": e.get("title"),
            "link": (e.get("link") or "").strip() or None,
            "when": calendar.timegm(when) if when else None,
            "content": any(c.strip() for c in contents),
            "enclosures": [x.get("href", "") for x in e.get("enclosures", []) or []
                           if x.get("href")],
        })
        last = out["entries"][-1]
        # Something a reader could be shown: a title, a link, text or a file. feedparser's
        # unit cases often have entries with none (only an author, a licence, a geo point).
        # Text counts once tags are stripped: `<span abbr=""></span>` is no text to read.
        has_text = any(loose(c) for c in contents)
        last["readable"] = bool(loose(last["title"]) or last["link"] or has_text
                                or last["enclosures"])
    return out


# ---------- Herald side ----------

def herald_side(herald, path):
    out = {"exit": None, "timeout": False, "stdout": "", "stderr": "", "articles": None,
           "store_error": None}
    tmp = tempfile.mkdtemp(prefix="herald-cmp-")
    try:
        env = dict(os.environ)
        for k in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            d = os.path.join(tmp, k.lower())
            os.makedirs(d)
            env[k] = d
        env["NO_COLOR"] = "1"
        store = os.path.join(tmp, "store.json")
        try:
            p = subprocess.run([herald, "import", path, "--into", store], cwd=tmp, env=env,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
            out["exit"] = p.returncode
            out["stdout"] = clip(p.stdout.decode("utf-8", "replace").strip())
            out["stderr"] = clip(p.stderr.decode("utf-8", "replace").strip())
        except subprocess.TimeoutExpired as e:
            out["timeout"] = True
            out["stderr"] = clip((e.stderr or b"").decode("utf-8", "replace").strip())
        except OSError as e:
            out["store_error"] = "cannot run herald: %s" % e
            return out
        if os.path.exists(store):
            try:
                with open(store, encoding="utf-8") as f:
                    data = json.load(f)
                arts = data.get("articles") if isinstance(data, dict) else data
                out["articles"] = [a for a in arts or [] if isinstance(a, dict)]
            except Exception as e:
                out["store_error"] = "%s: %s" % (type(e).__name__, str(e)[:200])
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def herald_when(text):
    """(utc_day, instant_or_None) of a Herald date string, or None if it cannot be read."""
    m = _date.match((text or "").strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss, off = m.groups()
    if hh is None:  # a bare calendar date: the day as written
        return ("%s-%s-%s" % (y, mo, d), None)
    t = calendar.timegm((int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0), 0, 0, 0))
    if off and off not in ("Z", "z"):
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
        t -= sign * minutes * 60
    return (time.strftime("%Y-%m-%d", time.gmtime(t)), t)


# ---------- comparison ----------

def match(fp_entries, articles):
    """Pairs (fp_index, herald_index): by id, then link, then title, then position."""
    used, pairs = set(), {}
    keys = [
        (lambda e: e["id"], lambda a: a.get("id")),
        (lambda e: e["link"], lambda a: a.get("url")),
        (lambda e: norm(e["title"]), lambda a: norm(a.get("title"))),
    ]
    for fkey, hkey in keys:
        index = {}
        for j, a in enumerate(articles):
            k = hkey(a)
            if k and j not in used:
                index.setdefault(k, j)
        for i, e in enumerate(fp_entries):
            if i in pairs:
                continue
            k = fkey(e)
            j = index.get(k) if k else None
            if j is not None and j not in used:
                pairs[i] = j
                used.add(j)
    for i in range(len(fp_entries)):
        if i not in pairs and i < len(articles) and i not in used:
            pairs[i] = i
            used.add(i)
    return pairs


def compare_entry(e, a):
    """{field: (fp_value, herald_value, agree)} for fields present on at least one side."""
    res = {}
    # Only where feedparser has a title: Herald gives untitled items one on purpose.
    if (e["title"] or "").strip():
        res["title"] = (norm(e["title"]), norm(a.get("title")),
                        norm(e["title"]) == norm(a.get("title")))
        res["title_loose"] = (loose(e["title"]), loose(a.get("title")),
                              loose(e["title"]) == loose(a.get("title")))
    hl = (a.get("url") or "").strip() or None
    if e["link"] or hl:
        res["link"] = (e["link"], hl, e["link"] == hl)
    hd = a.get("published") or a.get("updated")
    if e["when"] is not None or hd:
        fday = time.strftime("%Y-%m-%d", time.gmtime(e["when"])) if e["when"] is not None else None
        hw = herald_when(hd) if hd else None
        hday = hw[0] if hw else None
        res["date_day"] = (fday, hd, fday is not None and fday == hday)
        if hw and hw[1] is not None:
            res["date_instant"] = (e["when"], hd, e["when"] == hw[1])
    hc = any((a.get(k) or "").strip() for k in ("body", "summary", "html")
             if isinstance(a.get(k), str))
    if e["content"] or hc:
        res["content"] = (e["content"], hc, e["content"] == hc)
    return res


def one_file(job):
    herald, root, rel = job
    path = os.path.join(root, rel)
    fp = fp_side(path)
    h = herald_side(herald, path)
    articles = h["articles"] or []
    fields = {f: [0, 0] for f in FIELDS}  # [agree, counted] over matched entries
    e2e = {f: [0, 0] for f in FIELDS}     # same, with unmatched feedparser entries as misses
    diffs = []
    pairs = match(fp["entries"], articles)
    enc_total = enc_found = 0
    for i, e in enumerate(fp["entries"]):
        a = articles[pairs[i]] if i in pairs else None
        if a is None:
            for f, present in (("title", bool((e["title"] or "").strip())),
                               ("title_loose", bool((e["title"] or "").strip())),
                               ("link", bool(e["link"])), ("date_day", e["when"] is not None),
                               ("content", e["content"])):
                if present:
                    e2e[f][1] += 1
            enc_total += len(e["enclosures"])
            continue
        for f, (fv, hv, ok) in compare_entry(e, a).items():
            fields[f][1] += 1
            e2e[f][1] += 1
            if ok:
                fields[f][0] += 1
                e2e[f][0] += 1
            elif len(diffs) < MAX_DIFFS:
                diffs.append({"entry": i, "field": f, "feedparser": fv, "herald": hv})
        hurls = {(x.get("url") or "").strip() for x in a.get("enclosures") or []
                 if isinstance(x, dict)}
        for href in e["enclosures"]:
            enc_total += 1
            if href.strip() in hurls:
                enc_found += 1
            elif len(diffs) < MAX_DIFFS:
                diffs.append({"entry": i, "field": "enclosure", "feedparser": href,
                              "herald": sorted(hurls)})
    return {
        "file": rel,
        "fp_version": fp["version"],
        "fp_bozo": fp["bozo"],
        "fp_bozo_exception": fp["bozo_exception"],
        "fp_error": fp["error"],
        "fp_entries": len(fp["entries"]),
        "herald_exit": h["exit"],
        "herald_timeout": h["timeout"],
        "herald_stdout": h["stdout"],
        "herald_stderr": h["stderr"],
        "herald_store_error": h["store_error"],
        "herald_articles": len(articles) if h["articles"] is not None else None,
        "matched": len(pairs),
        "fp_readable": sum(1 for e in fp["entries"] if e["readable"]),
        "readable_matched": sum(1 for i, e in enumerate(fp["entries"]) if e["readable"] and i in pairs),
        "fields": fields,
        "fields_e2e": e2e,
        "enclosures": [enc_found, enc_total],
        "diffs": diffs,
    }


def pct(a, b):
    return "%5.1f%% (%d/%d)" % (100.0 * a / b, a, b) if b else "  n/a (0/0)"


def has_warning(stderr):
    return "warning" in (stderr or "").lower()


def summarise(herald, rows):
    lines = []
    fp1 = [r for r in rows if r["fp_entries"] >= 1]
    zero = [r for r in fp1 if not r["herald_articles"]]
    failed = [r for r in zero if r["herald_exit"] != 0]
    warned = [r for r in zero if r["herald_exit"] == 0 and has_warning(r["herald_stderr"])]
    silent = [r for r in zero if r["herald_exit"] == 0 and not has_warning(r["herald_stderr"])]
    crashed = [r for r in rows if r["herald_exit"] is not None and
               (r["herald_exit"] < 0 or "panicked" in r["herald_stderr"])]
    lines.append("herald: %s" % herald)
    lines.append("files: %d" % len(rows))
    lines.append("feedparser found >=1 entry: %d  (feedparser raised on %d; bozo on %d)" % (
        len(fp1), sum(1 for r in rows if r["fp_error"]), sum(1 for r in rows if r["fp_bozo"])))
    lines.append("herald exit != 0: %d of %d files; timeouts: %d; crashes (signal/panic): %d" % (
        sum(1 for r in rows if r["herald_exit"] != 0), len(rows),
        sum(1 for r in rows if r["herald_timeout"]), len(crashed)))
    lines.append("herald stored 0 where feedparser found >=1: %d  (exit != 0: %d; exit 0 with "
                 "warning: %d; SILENT ZERO (exit 0, no warning): %d)" % (
                     len(zero), len(failed), len(warned), len(silent)))
    fpn = sum(r["fp_entries"] for r in fp1)
    hn = sum(r["herald_articles"] or 0 for r in fp1)
    lines.append("entries in those %d files: feedparser %d, herald %d, matched %d; "
                 "files with equal counts: %s" % (
                     len(fp1), fpn, hn, sum(r["matched"] for r in fp1),
                     pct(sum(1 for r in fp1 if r["herald_articles"] == r["fp_entries"]),
                         len(fp1))))
    rn = sum(r["fp_readable"] for r in rows)
    rm = sum(r["readable_matched"] for r in rows)
    rfiles = [r for r in rows if r["fp_readable"] >= 1]
    rzero = [r for r in rfiles if not r["herald_articles"]]
    lines.append("readable entries (a title, link, text or enclosure): feedparser %d in %d files; "
                 "herald stored %s; files with readable entries but 0 stored: %d (exit != 0: %d; "
                 "silent: %d)" % (rn, len(rfiles), pct(rm, rn), len(rzero),
                                  sum(1 for r in rzero if r["herald_exit"] != 0),
                                  sum(1 for r in rzero if r["herald_exit"] == 0
                                      and not has_warning(r["herald_stderr"]))))
    lines.append("herald stored articles where feedparser found none: %d files" % sum(
        1 for r in rows if r["fp_entries"] == 0 and r["herald_articles"]))
    lines.append("field agreement       matched entries         end-to-end (unstored = miss)")
    for f in FIELDS:
        a = sum(r["fields"][f][0] for r in rows)
        b = sum(r["fields"][f][1] for r in rows)
        if f == "date_instant":
            ea, eb = a, b  # only defined where Herald kept a time
        else:
            ea = sum(r["fields_e2e"][f][0] for r in rows)
            eb = sum(r["fields_e2e"][f][1] for r in rows)
        lines.append("  %-13s       %-22s  %s" % (f, pct(a, b), pct(ea, eb)))
    ef = sum(r["enclosures"][0] for r in rows)
    et = sum(r["enclosures"][1] for r in rows)
    lines.append("enclosure recall (feedparser hrefs in herald enclosures[].url): %s" % pct(ef, et))
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=os.path.join(here, "feeds"))
    ap.add_argument("--details", help="write per-file JSON lines here")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--herald", default=os.environ.get("HERALD"),
                    help="binary (default: $HERALD)")
    args = ap.parse_args()
    if not args.herald:
        sys.exit("compare.py: set HERALD to the herald binary (or pass --herald)")
    herald = os.path.abspath(args.herald)
    if not (os.path.isfile(herald) and os.access(herald, os.X_OK)):
        sys.exit("compare.py: %s is not an executable file" % herald)
    root = os.path.abspath(args.corpus)
    files = sorted(os.path.relpath(os.path.join(d, f), root)
                   for d, _, fs in os.walk(root) for f in fs)
    start = time.time()
    jobs = [(herald, root, rel) for rel in files]
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        rows = list(pool.map(one_file, jobs, chunksize=8))
    if args.details:
        with open(args.details, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n")
    print(summarise(herald, rows))
    print("compare.py: %d files in %.1f s" % (len(rows), time.time() - start), file=sys.stderr)


if __name__ == "__main__":
    main()
