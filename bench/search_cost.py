#!/usr/bin/env python3
"""What the search index adds to `hubgen build` (issue 5, part 6: at most 20% at 10k pages).

Builds one generated corpus twice per round, as it is (search on) and with `search = false`
in its config.toml, in a new random order each round, and prints the medians and the ratio
of each round's two builds. Stdlib only. Usage (paths are examples):

  python3 bench/search_cost.py                      # 10,000 pages, 7 rounds
  python3 bench/search_cost.py --pages 1000 --rounds 11 --hubgen target/release/hubgen
  python3 bench/search_cost.py --smoke --hubgen target/debug/hubgen   # CI: 50 pages, 1 round

Why it runs this way (BENCHMARKS.md, "Update: word bounds 64 bytes at a time"): on a shared
two-core VM the same binary's wall time moves by 10% or more between runs.
- Both copies of the corpus go to a RAM-backed folder (/dev/shm when there is one, else
  --work), with the output: memory reclaim can page an on-disk corpus out between runs.
- The order of the two builds is shuffled each round, so a slow spell of the host does not
  always land on the same build.
- A run during which the host stole more than --max-steal clock ticks of CPU (the `steal`
  column of /proc/stat) is run again, up to 8 times; the last try counts.
- The ratio is taken within each round (on / off of the same round) and its median
  reported with its range, beside the ratio of the medians and that of the fastest builds.
"""

import argparse
import hashlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "bench", "gen_corpus.py")


def steal_ticks():
    """Clock ticks the host has stolen from this VM so far (0 where not reported)."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
        return int(fields[8]) if len(fields) > 8 else 0
    except OSError:
        return 0


def corpus(pages, seed, corpora):
    """The generated corpus of `pages` English pages, generated when missing or stale (the
    same cache and stamp as bench/run.sh, so the two share corpora)."""
    with open(GEN, "rb") as f:
        gen_sum = hashlib.sha256(f.read()).hexdigest()[:16]
    path = os.path.join(corpora, f"corpus-{pages}x1")
    stamp = f"gen={gen_sum} seed={seed} pages={pages} langs=1"
    try:
        with open(os.path.join(path, ".stamp")) as f:
            fresh = f.read().strip() == stamp
    except OSError:
        fresh = False
    if not fresh:
        print(f"# generating corpus {pages}x1 in {path}", file=sys.stderr)
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(
            [sys.executable, GEN, "--pages", str(pages), "--langs", "1", "--seed", seed,
             "--out", path],
            check=True,
        )
        with open(os.path.join(path, ".stamp"), "w") as f:
            f.write(stamp + "\n")
    return path


def copy_site(src, dest, search):
    """`src` with this checkout's themes and translations, search on or off."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("themes", "translations", "public"))
    for d in ("themes", "translations"):
        shutil.copytree(os.path.join(REPO, d), os.path.join(dest, d))
    cfg = os.path.join(dest, "config.toml")
    with open(cfg) as f:
        text = f.read()
    text = re.sub(r"(?m)^search\s*=.*\n", "", text)
    if not search:
        # Top-level keys come before the first table.
        first_table = re.search(r"(?m)^\[", text)
        at = first_table.start() if first_table else len(text)
        text = text[:at] + "search = false\n\n" + text[at:]
    with open(cfg, "w") as f:
        f.write(text)


def build(hubgen, root, out, max_steal, env=None):
    """One timed build: (wall s, user+sys s, peak RSS MB, steal ticks, stages line). `env`
    adds to or overrides this process's environment for the build (bench/stage_diff.py)."""
    log = out + ".log"
    full_env = dict(os.environ, **(env or {}))
    for attempt in range(8):
        shutil.rmtree(out, ignore_errors=True)
        before = steal_ticks()
        start = time.monotonic()
        # stderr to a file, not a pipe: a build with many warnings could fill a pipe and
        # wait for a reader that is itself waiting for the build.
        with open(log, "w") as err:
            proc = subprocess.Popen([hubgen, "build", "--root", root, "--output", out],
                                    stdout=subprocess.DEVNULL, stderr=err, env=full_env)
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        stolen = steal_ticks() - before
        with open(log) as f:
            stderr = f.read()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{os.path.basename(sys.argv[0])}: {hubgen} build --root {root} failed:\n{stderr}")
        if stolen <= max_steal or attempt == 7:
            stages = next((l for l in stderr.splitlines() if l.startswith("Built ")), "")
            shutil.rmtree(out, ignore_errors=True)
            return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stolen, stages
    raise AssertionError("unreachable")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--hubgen", help="binary to time (default: cargo build --release)")
    ap.add_argument("--seed", default="hubgen-bench")
    ap.add_argument("--corpora", default=os.path.join(tempfile.gettempdir(),
                                                      "hubgen-bench-corpora"))
    ap.add_argument("--work", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                    help="RAM-backed folder for the two copies and the outputs")
    ap.add_argument("--max-steal", type=int, default=3)
    ap.add_argument("--smoke", action="store_true", help="50 pages, 1 round (CI)")
    args = ap.parse_args()
    if args.smoke:
        args.pages, args.rounds = 50, 1
    hubgen = args.hubgen
    if not hubgen:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
        hubgen = os.path.join(target, "release", "hubgen")
    hubgen = os.path.abspath(hubgen)
    os.makedirs(args.corpora, exist_ok=True)
    src = corpus(args.pages, args.seed, args.corpora)
    # Two copies of the corpus and one output at a time, each about the corpus's size or
    # less (a container's /dev/shm is often 64 MB): fall back to the temporary folder.
    size = sum(os.path.getsize(os.path.join(d, f))
               for d, _, files in os.walk(src) for f in files)
    where = args.work
    if where and not os.path.isdir(where):
        sys.exit(f"search_cost: --work {where} is not a folder")
    if where and shutil.disk_usage(where).free < 4 * size:
        print(f"# {where} has too little room for {4 * size / 1e6:.1f} MB; using "
              f"{tempfile.gettempdir()} (runs may be noisier)", file=sys.stderr)
        where = None
    work = tempfile.mkdtemp(prefix="hubgen-search-cost-", dir=where)
    try:
        sites = {"on": os.path.join(work, "on"), "off": os.path.join(work, "off")}
        copy_site(src, sites["on"], True)
        copy_site(src, sites["off"], False)
        runs = {"on": [], "off": []}
        ratios = []
        for r in range(args.rounds):
            order = list(sites)
            random.shuffle(order)
            got = {}
            for label in order:
                got[label] = build(hubgen, sites[label], os.path.join(work, "out"),
                                   args.max_steal)
                runs[label].append(got[label])
                wall, cpu, rss, stolen, _ = got[label]
                print(f"# round {r + 1} {label}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                      f"{rss:.0f} MB, steal {stolen}", file=sys.stderr)
            # Each copy must build what it is named for, or the ratio means nothing.
            for label, want in (("on", True), ("off", False)):
                if (", search index " in got[label][4]) != want:
                    sys.exit(f"search_cost: the search-{label} build did not build the index "
                             f"as it should: {got[label][4]!r}")
            ratios.append(got["on"][0] / got["off"][0] - 1)
        print(f"search cost, corpus {args.pages}x1, {args.rounds} rounds, {hubgen}")
        print("| build | wall (median) | CPU user+sys (median) | peak RSS (median) |")
        print("|---|---:|---:|---:|")
        med = {}
        for label in ("on", "off"):
            rows = runs[label]
            med[label] = statistics.median(x[0] for x in rows)
            print(f"| search {label} | {med[label]:.2f} s | "
                  f"{statistics.median(x[1] for x in rows):.2f} s | "
                  f"{statistics.median(x[2] for x in rows):.0f} MB |")
        print(f"added by search: {100 * (med['on'] / med['off'] - 1):+.1f}% (ratio of the "
              f"medians); per round {100 * statistics.median(ratios):+.1f}% median, from "
              f"{100 * min(ratios):+.1f}% to {100 * max(ratios):+.1f}%")
        # The host only ever adds time (steal, another tenant's cache and memory traffic), so
        # the fastest build of each kind is the one it disturbed least: a figure to read beside
        # the medians, not instead of them.
        fastest = {label: min(x[0] for x in runs[label]) for label in runs}
        print(f"fastest builds: {fastest['on']:.2f} s on, {fastest['off']:.2f} s off, "
              f"{100 * (fastest['on'] / fastest['off'] - 1):+.1f}%")
        print("last search-on build's stages: " + runs["on"][-1][4])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
