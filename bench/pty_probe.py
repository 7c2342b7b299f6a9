#!/usr/bin/env python3
"""Drives a terminal program in a real pseudo-terminal and measures what a user feels:
time from start to a usable screen, time from a key press to the frame it causes, and the
bytes written per key and while idle. Standard library only.

  pty_probe.py --ready REGEX [--cols 120 --rows 40] [--keys j,j,SPACE] -- COMMAND...

Prints one JSON object. Timings are wall-clock seconds measured here, around the program;
peak_kib is the program's peak resident memory (VmHWM) once the keys are done."""
import argparse, json, os, re, select, signal, struct, sys, termios, fcntl, time

KEYS = {"SPACE": b" ", "ENTER": b"\r", "PGDN": b"\x1b[6~", "ESC": b"\x1b", "DOWN": b"\x1b[B"}

def read_quiet(fd, quiet, limit, last=None, done=None):
    """Reads until nothing arrives for `quiet` seconds after the first byte (or until
    done(buffer), or `limit` seconds in all); returns (bytes, first_byte_time). `last`, a list,
    receives the time of the last byte."""
    buf, first, end = b"", None, time.monotonic() + limit
    while time.monotonic() < end:
        # Wait as long as it takes for the first byte; after that, until it goes quiet.
        wait = quiet if first is not None else max(0.0, end - time.monotonic())
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        if first is None:
            first = time.monotonic()
        if last is not None:
            last[:] = [time.monotonic()]
        buf += chunk
        if done is not None and done(buf):
            break
    return buf, first

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ready", required=True, help="regex on the output that means the list is usable")
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--keys", default="", help="comma-separated keys to time, e.g. j,j,SPACE")
    ap.add_argument("--idle", type=float, default=2.0, help="seconds of idle to count bytes over")
    ap.add_argument("--quit", default="q")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    # The terminal gets its size before the program starts (no race with its first look), and
    # the program is started with posix_spawn: no copy of this Python process is made first,
    # so the probe's own cost inside the start-up it times is as small as it can be. setsid
    # happens before the file actions, so opening the pty makes it the controlling terminal.
    fd, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", args.rows, args.cols, 0, 0))
    slave_path = os.ttyname(slave)
    actions = [(os.POSIX_SPAWN_OPEN, 0, slave_path, os.O_RDWR, 0),
               (os.POSIX_SPAWN_DUP2, 0, 1),
               (os.POSIX_SPAWN_DUP2, 0, 2)]
    start = time.monotonic()
    pid = os.posix_spawnp(command[0], command, os.environ, file_actions=actions, setsid=True)
    os.close(slave)
    ready = re.compile(args.ready.encode())
    # Until the ready text shows: no quiet gap ends it (a slow start may pause between writes).
    buf, _ = read_quiet(fd, args.timeout, args.timeout, done=lambda b: ready.search(b) is not None)
    result = {"ready": ready.search(buf) is not None}
    result["start_to_usable_s"] = time.monotonic() - start
    rest, _ = read_quiet(fd, 0.3, 0.3)  # let the first screen finish
    idle, _ = read_quiet(fd, args.idle, args.idle)
    result["idle_bytes"] = len(idle)
    per_key = []
    for key in [k for k in args.keys.split(",") if k]:
        sent = time.monotonic()
        os.write(fd, KEYS.get(key, key.encode()))
        last = []
        out, first = read_quiet(fd, 0.15, 60.0, last)
        per_key.append({
            "key": key,
            "bytes": len(out),
            "latency_s": (first - sent) if first else None,
            "done_s": (last[0] - sent) if last else None,
        })
    result["keys"] = per_key
    # Peak resident memory (VmHWM) of the program, read before it is asked to quit. Not the
    # child's ru_maxrss: that counts the Python process it was forked from, since a high-water
    # mark survives exec.
    result["peak_kib"] = vm_hwm_kib(pid)
    for key in args.quit:
        os.write(fd, key.encode())
        read_quiet(fd, 0.2, 2.0)
    # Give it time to exit by itself (a wrapper like /usr/bin/time reports only then).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        read_quiet(fd, 0.05, 0.1)
    else:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    print(json.dumps(result))

def vm_hwm_kib(pid):
    """The VmHWM line of /proc/PID/status, in KiB, or None."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

if __name__ == "__main__":
    main()
