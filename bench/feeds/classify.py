#!/usr/bin/env python3
"""Group a compare.py details file into failure classes, to write failures.md from.

Usage: python3 classify.py baseline.jsonl [--top 15]
Prints: Herald's stderr messages with file paths and numbers blanked, most common first;
zero-article files by feedparser version and by corpus folder; field mismatches by folder.
Each line shows a count and up to two example files.
"""
import argparse, collections, json, re

ap = argparse.ArgumentParser()
ap.add_argument("details")
ap.add_argument("--top", type=int, default=15)
args = ap.parse_args()
rows = [json.loads(l) for l in open(args.details, encoding="utf-8")]


def folder(rel):
    parts = rel.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def show(title, groups):
    print("## " + title)
    for key, files in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:args.top]:
        print("%5d  %s  e.g. %s" % (len(files), key, ", ".join(files[:2])))
    print()


msgs = collections.defaultdict(list)
for r in rows:
    for line in (r["herald_stderr"] or "").splitlines():
        line = re.sub(r"/\S+", "PATH", line)
        line = re.sub(r"\d+", "N", line)
        if r["file"] not in msgs[line[:160]]:
            msgs[line[:160]].append(r["file"])
    if r["herald_timeout"]:
        msgs["(timeout)"].append(r["file"])
show("Herald stderr messages (all files)", msgs)

zero_v, zero_d = collections.defaultdict(list), collections.defaultdict(list)
for r in rows:
    if r["fp_entries"] >= 1 and not r["herald_articles"]:
        how = "exit %s" % r["herald_exit"] if r["herald_exit"] != 0 else (
            "exit 0 + warning" if "warning" in r["herald_stderr"].lower() else "SILENT")
        zero_v["%s (%s)" % (r["fp_version"] or "(no version)", how)].append(r["file"])
        zero_d["%s (%s)" % (folder(r["file"]), how)].append(r["file"])
show("Herald 0 articles where feedparser >=1, by feedparser version", zero_v)
show("Herald 0 articles where feedparser >=1, by folder", zero_d)

counts = collections.defaultdict(list)
for r in rows:
    if r["fp_entries"] and r["herald_articles"] and r["herald_articles"] != r["fp_entries"]:
        sign = "more" if r["herald_articles"] > r["fp_entries"] else "fewer"
        counts["herald %s articles than feedparser entries, %s" % (sign, folder(r["file"]))].append(r["file"])
show("Count mismatches (both non-zero)", counts)

diffs = collections.defaultdict(list)
for r in rows:
    for f, (ok, n) in r["fields"].items():
        if n - ok > 0:
            diffs["%s mismatch, %s" % (f, folder(r["file"]))].append(r["file"])
show("Field mismatches on matched entries, by field and folder", diffs)
