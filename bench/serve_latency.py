#!/usr/bin/env python3
"""Edit-to-reload latency of `hubgen serve`: the time from a file write to the `reload` event
on /__hubgen/events, for N one-page edits. Prints min / median / max in milliseconds.

usage: serve_latency.py HUBGEN SITE_ROOT PAGE_REL [N]
  SITE_ROOT is copied to a temporary folder first; PAGE_REL is the Markdown file to edit.
"""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time


def main():
    hubgen, site, page = sys.argv[1], sys.argv[2], sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    work = tempfile.mkdtemp(prefix="hubgen-serve-bench-")
    root = os.path.join(work, "site")
    shutil.copytree(site, root, ignore=shutil.ignore_patterns("public", ".git", "target"))
    proc = subprocess.Popen([hubgen, "serve", "--port", "0", "--root", root],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        addr = line.split("http://")[1].split(" ")[0]
        host, port = addr.split(":")
        sock = socket.create_connection((host, int(port)))
        sock.sendall(f"GET /__hubgen/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n".encode())
        sock.settimeout(600)
        buf = b""
        path = os.path.join(root, page)
        original = open(path, encoding="utf-8").read()
        times = []
        for i in range(n):
            seen = buf.count(b"event: reload")
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(original + f"\n\nEdit number {i}.\n")
            while buf.count(b"event: reload") <= seen:
                buf += sock.recv(65536)
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.3)
        times.sort()
        print(f"{n} edits of {page}: min {times[0]:.0f} ms, median {statistics.median(times):.0f} ms, max {times[-1]:.0f} ms")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
