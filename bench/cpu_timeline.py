#!/usr/bin/env python3
"""How many cores a `hubgen build` keeps busy, moment by moment, with its stage line beside it.

A stage's time says how long it took, not whether it used the machine: a stage that leaves a
core idle looks the same in the stage line as one that does not. This samples the build with
`perf record` (every thread, a fixed rate) and prints one row per time slice: the cores busy
on average and a bar, so a stretch where only one of two cores works stands out. That is how
the idle stretches at both ends of the render stage were found (BENCHMARKS.md, "Idle cores in
the render stage").

  python3 bench/cpu_timeline.py --root SITE [--hubgen target/release/hubgen] [--slice-ms 50]

Needs Linux `perf` (Debian's linux-perf) and permission to sample (root, or
kernel.perf_event_paranoid <= 1). Stdlib only. Writes the build into a temporary folder that
it deletes; the corpus itself is not touched.
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile

RATE = 1000  # samples per second per busy thread


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", required=True, help="site to build")
    ap.add_argument("--hubgen", default="target/release/hubgen")
    ap.add_argument("--slice-ms", type=int, default=50)
    args = ap.parse_args()
    if not shutil.which("perf"):
        sys.exit("cpu_timeline: perf is not installed (Debian: apt-get install linux-perf)")
    work = tempfile.mkdtemp(prefix="hubgen-timeline-")
    try:
        data = os.path.join(work, "perf.data")
        out = os.path.join(work, "out")
        build = subprocess.run(
            ["perf", "record", "-q", "-F", str(RATE), "-o", data, "--",
             os.path.abspath(args.hubgen), "build", "--root", args.root, "--output", out],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stages = next((l for l in build.stderr.splitlines() if l.startswith("Built ")), "")
        if build.returncode != 0 or not stages:
            sys.exit(f"cpu_timeline: the build failed:\n{build.stderr}")
        script = subprocess.run(["perf", "script", "-i", data, "-F", "time"],
                                capture_output=True, text=True, check=True)
        times = [float(l.strip().rstrip(":")) for l in script.stdout.splitlines() if l.strip()]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not times:
        sys.exit("cpu_timeline: perf recorded no samples")
    start = min(times)
    width = args.slice_ms / 1000
    per_slice = collections.Counter(int((t - start) / width) for t in times)
    full = RATE * width  # samples from one core busy for a whole slice
    cores = os.cpu_count() or 1
    print(stages)
    print(f"cores busy per {args.slice_ms} ms ({cores} on this machine)")
    for k in range(max(per_slice) + 1):
        busy = per_slice[k] / full
        print(f"{k * args.slice_ms:6d} ms {busy:4.1f} {'#' * round(busy * 20)}")


if __name__ == "__main__":
    main()
