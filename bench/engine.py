#!/usr/bin/env python3
"""The engine's figures, through the real binary (the body of bench/engine.sh):

- key to frame while a search over a big store runs, and while a big store reloads (its file
  touched, so it is read again whole): each `j` sent during the work, timed to the first byte
  of its frame;
- key to frame while another process appends a line to a 200k-article JSON Lines store 50
  times a second;
- a reload of 100k articles, 10% breaking: from appending one breaking article to the store to
  its announcement on screen (this includes the watcher's 150 ms debounce);
- `herald check` of a 50k- and a 200k-article native store (linear: four times the articles,
  four times the time), and `herald import` of one item into a
  60k-article native store;
- the binary's size.

HERALD=path measures another build: the same figures before a change. SIZE=1000000 is the
store size for the first two (default 1M); RUNS=3 runs each (medians); RELOAD_WINDOW=10
seconds of keys after the big store is touched; LIMIT=120 seconds before a command counts as
not finishing; BENCH_WORK=folder keeps the generated stores there between runs."""
import json, os, re, select, shutil, statistics, struct, subprocess, sys, tempfile, termios, fcntl, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERALD = os.environ.get("HERALD", os.path.join(ROOT, "target/release/herald"))
GEN = os.path.join(ROOT, "target/release/examples/gen-store")
RUNS = int(os.environ.get("RUNS", "3"))
# A command that takes longer is stopped and reported as not finishing (builds before the
# change took minutes where the targets are a second or two).
LIMIT = float(os.environ.get("LIMIT", "120"))
SIZE = int(os.environ.get("SIZE", "1000000"))
# Keys are sent for this long after the big store is touched: the reload, and applying it,
# must fall inside (builds before the change applied a 1M reload tens of seconds later).
RELOAD_WINDOW = float(os.environ.get("RELOAD_WINDOW", "10"))


def generate(path, articles, fmt, breaking_every=40):
    if os.path.exists(path):
        return path
    with open(path, "wb") as f:
        subprocess.run([GEN, "--articles", str(articles), "--format", fmt,
                        "--breaking-every", str(breaking_every)], stdout=f, check=True)
        os.fsync(f.fileno())
    return path


def env_for(home):
    env = dict(os.environ)
    env.update({"XDG_DATA_HOME": f"{home}/data", "XDG_CONFIG_HOME": f"{home}/config",
                "XDG_CACHE_HOME": f"{home}/cache", "TERM": "xterm-256color", "LANG": "C.UTF-8"})
    for name in ("NO_COLOR", "HERALD_PLAIN", "ACCESSIBLE"):
        env.pop(name, None)
    return env


class Terminal:
    """The program on a 120x40 pty. One thread does everything: output is read the moment
    `select` says it is there, so a timestamp is when the bytes arrived, not when a reader
    thread got the GIL back (a harness thread starved while Herald used both cores made 2 s
    "stalls" out of 1 ms frames)."""

    def __init__(self, command, env):
        self.fd, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.ttyname(slave), os.O_RDWR, 0),
                   (os.POSIX_SPAWN_DUP2, 0, 1), (os.POSIX_SPAWN_DUP2, 0, 2)]
        self.pid = os.posix_spawnp(command[0], command, env, file_actions=actions, setsid=True)
        os.close(slave)
        self.seen = b""

    def _read(self, timeout):
        """Waits up to `timeout` for output; the time it came, or None."""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        came = time.monotonic()
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            raise SystemExit("the program closed its terminal")
        # Only the recent output is searched; frames are small.
        self.seen = (self.seen + chunk)[-1_000_000:]
        return came

    def drain(self, seconds):
        """Reads whatever comes for `seconds`."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._read(end - time.monotonic())

    def wait_for(self, pattern, limit=300):
        end = time.monotonic() + limit
        regex = re.compile(pattern.encode())
        while not regex.search(self.seen):
            if time.monotonic() > end:
                raise SystemExit(f"never saw {pattern!r}")
            self._read(end - time.monotonic())
        return time.monotonic()

    def first_byte_after(self, limit=60):
        """The time the next output arrives (output already waiting was drained before)."""
        return self._read(limit)

    def send(self, text):
        os.write(self.fd, text.encode())
        return time.monotonic()

    def close(self):
        for key in "qqq":
            try:
                os.write(self.fd, key.encode())
            except OSError:
                break
            try:
                self.drain(0.2)
            except SystemExit:
                break
        end = time.monotonic() + 10
        while time.monotonic() < end:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, 15)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def keys_while(term, start_work, keys=20, spacing=0.05, settle=0.03):
    """Starts some work, then sends `keys` j's `spacing` apart; the latency of each."""
    start_work()
    term.drain(settle)
    latencies = []
    for _ in range(keys):
        sent = term.send("j")
        first = term.first_byte_after()
        latencies.append(first - sent if first else None)
        # The rest of the frame, and anything else drawn, before the next key.
        term.drain(max(0.0, spacing - (time.monotonic() - sent)))
    return [l for l in latencies if l is not None]


def warm(store, home):
    """One start that builds the index cache, so the runs measure the work, not the first index."""
    term = Terminal([HERALD, store], env_for(home))
    term.wait_for("headlines")
    term.close()


def during_search(store, work):
    results = []
    for run in range(RUNS):
        home = os.path.join(work, f"search-{run}")
        warm(store, home)
        shutil.rmtree(f"{home}/data", ignore_errors=True)
        term = Terminal([HERALD, store], env_for(home))
        term.wait_for("headlines")
        term.drain(0.3)
        results += keys_while(term, lambda: term.send("/zeppelin\r"), keys=100)
        term.close()
    return results


def during_reload(store, work):
    results = []
    for run in range(RUNS):
        home = os.path.join(work, f"reload-{run}")
        warm(store, home)
        shutil.rmtree(f"{home}/data", ignore_errors=True)
        term = Terminal([HERALD, store], env_for(home))
        term.wait_for("headlines")
        term.drain(0.3)
        # A new modification time: the file must be read again whole (the watcher waits 150 ms
        # for quiet before it says so).
        results += keys_while(term, lambda: os.utime(store), keys=int(RELOAD_WINDOW / 0.05),
                              settle=0.2)
        term.close()
    return results


APPENDER = """
import json, sys, time
path, seconds, every = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
end = time.monotonic() + seconds
n = 0
while time.monotonic() < end:
    with open(path, "a") as f:
        f.write(json.dumps({"id": f"appended-{n}", "title": f"Appended {n}",
                            "published": "2031-01-01", "body": "More."}) + "\\n")
    n += 1
    time.sleep(every)
"""


def during_appends(store, work, seconds=5.0, every=0.02):
    """Keys while another process appends a line to a JSON Lines store 50 times a second."""
    results = []
    for run in range(RUNS):
        copy = os.path.join(work, f"appended-{run}.jsonl")
        shutil.copyfile(store, copy)
        home = os.path.join(work, f"appends-{run}")
        warm(copy, home)
        term = Terminal([HERALD, copy], env_for(home))
        term.wait_for("headlines")
        term.drain(0.3)
        appender = subprocess.Popen([sys.executable, "-c", APPENDER, copy, str(seconds), str(every)])
        results += keys_while(term, lambda: None, keys=int(seconds / 0.05))
        appender.wait()
        term.close()
        os.remove(copy)
    return results


def reload_announced(store, work):
    """Appends a breaking article; the time until the reader announces it."""
    results = []
    for run in range(RUNS):
        copy = os.path.join(work, f"announce-{run}.jsonl")
        shutil.copyfile(store, copy)
        home = os.path.join(work, f"announce-home-{run}")
        term = Terminal([HERALD, copy], env_for(home))
        term.wait_for("headlines")
        term.drain(0.5)
        title = f"Levee Breaks Upstream {run}"
        line = json.dumps({"id": f"levee-{run}", "title": title, "published": "2031-01-01",
                           "breaking": True, "body": "The levee broke."})
        start = time.monotonic()
        with open(copy, "a") as f:
            f.write(line + "\n")
        shown = term.wait_for(re.escape(title), limit=120)
        results.append(shown - start)
        term.close()
    return results


class TooLong(Exception):
    pass


def timed(command, env, runs=RUNS):
    times = []
    for _ in range(runs):
        # Write-back left by an earlier step (a copied store, an index cache) would otherwise
        # be waited on by this command's reads and fsyncs.
        os.sync()
        start = time.monotonic()
        try:
            done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, timeout=LIMIT)
        except subprocess.TimeoutExpired:
            raise TooLong()
        times.append(time.monotonic() - start)
        if done.returncode != 0:
            raise SystemExit(f"{command} failed: {done.stderr.decode()[-500:]}")
    return times


def measured(work):
    """`work()`'s figures, or the time limit it went past."""
    try:
        return ms(work())
    except TooLong:
        return f"did not finish in {LIMIT:.0f} s"


def check_store(store, work):
    return timed([HERALD, "check", store], env_for(os.path.join(work, "check-home")))


def import_one(store, work):
    item = os.path.join(work, "one.json")
    with open(item, "w") as f:
        json.dump({"version": "https://jsonfeed.org/version/1.1", "title": "One",
                   "items": [{"id": "one-new", "title": "One New Item", "content_text": "Text."}]}, f)
    times = []
    for run in range(RUNS):
        target = os.path.join(work, f"import-{run}.json")
        shutil.copyfile(store, target)
        times += timed([HERALD, "import", item, "--into", target],
                       env_for(os.path.join(work, "import-home")), runs=1)
    return times


def ms(values):
    if not values:
        return "-"
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {values[-1] * 1000:.1f} ms ({len(values)})"


def main():
    if not os.access(HERALD, os.X_OK):
        raise SystemExit(f"no binary at {HERALD}")
    work = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="herald-engine-")
    os.makedirs(work, exist_ok=True)
    print(f"# {HERALD} ({os.path.getsize(HERALD) / 2**20:.1f} MiB)", flush=True)
    big = generate(os.path.join(work, f"{SIZE}.jsonl"), SIZE, "jsonl")
    print(f"key to frame during a search of {SIZE:,}: {ms(during_search(big, work))}", flush=True)
    print(f"key to frame during a reload of {SIZE:,}: {ms(during_reload(big, work))}", flush=True)
    lines = generate(os.path.join(work, "200000.jsonl"), 200_000, "jsonl")
    print(f"key to frame while 200,000 (JSON Lines) get 50 appends a second: {ms(during_appends(lines, work))}", flush=True)
    breaking = generate(os.path.join(work, "100000-breaking.jsonl"), 100_000, "jsonl", 10)
    print(f"reload of 100,000 (10% breaking), change to announcement: {ms(reload_announced(breaking, work))}", flush=True)
    quarter = generate(os.path.join(work, "50000.json"), 50_000, "json")
    print(f"check of 50,000 (native JSON): {measured(lambda: check_store(quarter, work))}", flush=True)
    native = generate(os.path.join(work, "200000.json"), 200_000, "json")
    print(f"check of 200,000 (native JSON): {measured(lambda: check_store(native, work))}", flush=True)
    target = generate(os.path.join(work, "60000.json"), 60_000, "json")
    print(f"import of one item into 60,000: {measured(lambda: import_one(target, work))}", flush=True)
    if not os.environ.get("BENCH_WORK"):
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
