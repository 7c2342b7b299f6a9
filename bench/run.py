#!/usr/bin/env python3
"""The body of bench/run.sh: generates stores, runs bench/pty_probe.py on Herald (and newsboat
when installed), and prints a table of medians."""
import datetime, json, os, platform, shutil, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERALD = os.path.join(ROOT, "target/release/herald")
GEN = os.path.join(ROOT, "target/release/examples/gen-store")
PROBE = os.path.join(ROOT, "bench/pty_probe.py")
RUNS = int(os.environ.get("RUNS", "5"))

def probe(ready, keys, command, env=None, cwd=None, quit="q"):
    """Runs the program under the probe, which also reports its peak memory (VmHWM, read by
    the probe so that no wrapper's own start is inside the start-up it times)."""
    out = subprocess.run([sys.executable, PROBE, "--ready", ready, "--keys", ",".join(keys), "--quit", quit, "--"] + command,
                         capture_output=True, text=True, env=env, cwd=cwd, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    if not result["ready"]:
        raise SystemExit(f"never became usable: {command}")
    return result

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def herald_env(home):
    env = dict(os.environ)
    env.update({"XDG_DATA_HOME": f"{home}/data", "XDG_CONFIG_HOME": f"{home}/config",
                "XDG_CACHE_HOME": f"{home}/cache", "TERM": "xterm-256color", "LANG": "C.UTF-8"})
    env.pop("NO_COLOR", None)
    return env

def bench_herald(store, work):
    keys = ["j"] * 10 + ["SPACE"] * 5 + ["ENTER", "SPACE", "ESC"]
    # q leaves the article or closes the prompt first; more q's quit.
    search = ["/", "z", "e", "p", "p", "e", "l", "i", "n", "ENTER", "ESC", "/", "h", "a", "r", "b", "o", "u", "r", "ENTER"]
    first, warm, searches = [], [], []
    for run in range(RUNS):
        home = os.path.join(work, f"herald-home-{run}")
        shutil.rmtree(home, ignore_errors=True)
        env = herald_env(home)
        first.append(probe("headlines", keys, [HERALD, store], env, quit="qq"))
        # Warm: the index cache stays, the reader state does not (a restored selection at the
        # bottom of the page would make every j scroll the list, a different measurement).
        for kept_cache in (warm, searches):
            shutil.rmtree(f"{home}/data", ignore_errors=True)
            kept_cache.append(probe("headlines", keys if kept_cache is warm else search,
                                    [HERALD, store], env, quit="qqq"))
    # Cross-check: the same warm start under `/usr/bin/time -v`, whose maximum resident set
    # size should agree with the probe's.
    time_v_kib = None
    if os.access("/usr/bin/time", os.X_OK):
        with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as report:
            shutil.rmtree(f"{home}/data", ignore_errors=True)
            probe("headlines", [], ["/usr/bin/time", "-v", "-o", report.name, HERALD, store], env, quit="qq")
            line = next((l for l in report.read().splitlines() if "Maximum resident set size" in l), "")
            time_v_kib = int(line.rsplit(":", 1)[1]) if line else None
    def key_stat(results, key, field):
        return median([k[field] for r in results for k in r["keys"] if k["key"] == key])
    enter_rare = [r["keys"][9] for r in searches]
    enter_common = [r["keys"][19] for r in searches]
    return {
        "start_first_s": median([r["start_to_usable_s"] for r in first]),
        "start_warm_s": median([r["start_to_usable_s"] for r in warm]),
        "peak_first_mib": median([r["peak_kib"] for r in first]) / 1024,
        "peak_warm_mib": median([r["peak_kib"] for r in warm]) / 1024,
        "peak_warm_time_v_mib": time_v_kib / 1024 if time_v_kib else None,
        "key_j_s": key_stat(warm, "j", "done_s"),
        "key_page_s": key_stat(warm, "SPACE", "done_s"),
        "key_open_s": key_stat(warm, "ENTER", "done_s"),
        "search_rare_s": median([k["done_s"] for k in enter_rare]),
        "search_common_s": median([k["done_s"] for k in enter_common]),
        "bytes_j": key_stat(warm, "j", "bytes"),
        "bytes_page": median([k["bytes"] for r in warm for k in r["keys"][10:15]]),
        "idle_bytes": max(r["idle_bytes"] for r in first + warm),
    }

def bench_newsboat(rss, work):
    first, again = [], []
    for run in range(RUNS):
        home = os.path.join(work, f"newsboat-{run}")
        shutil.rmtree(home, ignore_errors=True)
        os.makedirs(home)
        with open(f"{home}/urls", "w") as f:
            f.write(f"file://{rss}\n")
        with open(f"{home}/config", "w") as f:
            f.write("auto-reload no\nshow-read-feeds yes\n")
        base = ["newsboat", "-u", f"{home}/urls", "-c", f"{home}/cache.db", "-C", f"{home}/config"]
        # First run: import the feed into newsboat's cache (what Herald's first index does).
        reload = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + base + ["-x", "reload"],
                                capture_output=True, text=True, env={**os.environ, "HOME": home})
        seconds, kib = reload.stderr.strip().splitlines()[-1].split()
        first.append({"reload_s": float(seconds), "peak_kib": int(kib)})
        env = {**os.environ, "HOME": home, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        again.append(probe("Generated", ["ENTER"] + ["j"] * 10 + ["SPACE"] * 5, base, env, quit="qqq"))
    def key_stat(key, field, results=again):
        return median([k[field] for r in results for k in r["keys"] if k["key"] == key])
    start = median([r["start_to_usable_s"] for r in again])
    open_list = key_stat("ENTER", "done_s")
    return {
        "start_first_s": median([r["reload_s"] for r in first]) + start + open_list,
        "start_warm_s": start + open_list,
        "peak_first_mib": median([r["peak_kib"] for r in first]) / 1024,
        "peak_warm_mib": median([r["peak_kib"] for r in again]) / 1024,
        "key_j_s": key_stat("j", "done_s"),
        "key_page_s": key_stat("SPACE", "done_s"),
        "bytes_j": key_stat("j", "bytes"),
        "bytes_page": key_stat("SPACE", "bytes"),
        "idle_bytes": max(r["idle_bytes"] for r in again),
    }

def fmt(value, unit):
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    return f"{value:.0f}"

ROWS = [
    ("start to usable list, first run", "start_first_s", "ms"),
    ("start to usable list, warm index", "start_warm_s", "ms"),
    ("peak memory (max RSS), first run", "peak_first_mib", "MiB"),
    ("peak memory (max RSS), warm", "peak_warm_mib", "MiB"),
    ("peak memory, warm, by /usr/bin/time -v (one run)", "peak_warm_time_v_mib", "MiB"),
    ("key to frame: j", "key_j_s", "ms"),
    ("key to frame: page down", "key_page_s", "ms"),
    ("key to frame: open article", "key_open_s", "ms"),
    ("search, word in no article", "search_rare_s", "ms"),
    ("search, word in nearly every article", "search_common_s", "ms"),
    ("bytes written per j", "bytes_j", "B"),
    ("bytes written per page down", "bytes_page", "B"),
    ("bytes written while idle (2 s)", "idle_bytes", "B"),
]

def main():
    sizes = [10_000, 100_000] + ([1_000_000] if "--with-1m" in sys.argv else [])
    if os.environ.get("SIZES"):  # e.g. SIZES=1000000 for one size only
        sizes = [int(size) for size in os.environ["SIZES"].split(",")]
    work = tempfile.mkdtemp(prefix="herald-bench-")
    newsboat = shutil.which("newsboat") if "--no-newsboat" not in sys.argv else None
    if newsboat and not os.access("/usr/bin/time", os.X_OK):
        print("(newsboat needs /usr/bin/time to time its import: not compared)", file=sys.stderr)
        newsboat = None
    lines = []
    say = lambda text="": (print(text, flush=True), lines.append(text))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    say(f"# Herald benchmarks, {datetime.date.today().isoformat()}")
    say()
    say(f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
        f"medians of {RUNS} runs; warm page cache; 120x40 pseudo-terminal.")
    if newsboat:
        version = subprocess.run(["newsboat", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        say(f"Compared with {version} on the same articles (RSS 2.0 via file://).")
    say()
    for size in sizes:
        store = os.path.join(work, f"{size}.jsonl")
        with open(store, "wb") as f:
            subprocess.run([GEN, "--articles", str(size), "--format", "jsonl"], stdout=f, check=True)
            # Written back to disk before measuring: the page cache stays warm, but no
            # writeback of 2.5 GB competes with the runs.
            os.fsync(f.fileno())
        mb = os.path.getsize(store) / 1e6
        herald = bench_herald(store, work)
        other = None
        # newsboat needs minutes and gigabytes for a million articles: compared up to 100k.
        if newsboat and size <= 100_000:
            rss = os.path.join(work, f"{size}.rss")
            with open(rss, "wb") as f:
                subprocess.run([GEN, "--articles", str(size), "--format", "rss"], stdout=f, check=True)
                os.fsync(f.fileno())
            other = bench_newsboat(rss, work)
        say(f"## {size:,} articles ({mb:.0f} MB JSON Lines)")
        say()
        say("| figure | Herald | newsboat | newsboat / Herald |" if other else "| figure | Herald |")
        say("|---|---|---|---|" if other else "|---|---|")
        for label, key, unit in ROWS:
            mine = herald.get(key)
            if other:
                theirs = other.get(key)
                ratio = f"{theirs / mine:.1f}x" if mine and theirs else "-"
                say(f"| {label} | {fmt(mine, unit)} | {fmt(theirs, unit)} | {ratio} |")
            else:
                say(f"| {label} | {fmt(mine, unit)} |")
        say()
    out = os.path.join(ROOT, "bench", f"results-{datetime.date.today().isoformat()}.md")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"(also written to {os.path.relpath(out, ROOT)})")
    shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
