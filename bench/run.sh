#!/usr/bin/env bash
# Benchmark: hubgen against Hugo on generated multilingual corpora (see BENCHMARKS.md).
#
#   bash bench/run.sh                      full run: 1000x1 1000x27 10000x1 10000x27, 3 runs each
#   SIZES="1000x1 1000x27" RUNS=5 bash bench/run.sh
#   SMOKE=1 bash bench/run.sh              CI: one 50x3 corpus, 1 run, hubgen only, no Hugo needed
#
# SIZES are PAGESxLANGUAGES (English pages x languages; total pages = the product).
# For each corpus every tool runs RUNS times under GNU time (-f "%e %M %U %S"); the script
# prints a Markdown table of medians. A tool that fails, runs past TIMEOUT_S or grows past
# MEM_LIMIT_MB (resident memory of its whole process tree) gets a FAILED row and the remaining
# runs of that tool on that corpus are skipped; the script goes on with the next one.
#
# Environment (all optional):
#   SIZES         corpus sizes (default above; SMOKE=1: 50x3)
#   RUNS          timed runs per tool and corpus (default 3; SMOKE=1: 1)
#   TOOLS         "hubgen hugo" (SMOKE=1: hubgen)
#   SMOKE=1       quick check for CI; exits non-zero if hubgen fails
#   WORK          this invocation's folder for logs, results and outputs (default: a new
#                 ${TMPDIR:-/tmp}/hubgen-bench-run.XXXXXX; with SMOKE=1 deleted at the end)
#   CORPORA       where generated corpora are kept and reused while bench/gen_corpus.py and
#                 SEED are unchanged (default ${TMPDIR:-/tmp}/hubgen-bench-corpora; with
#                 SMOKE=1 inside WORK). Invocations running at the same time share it safely
#                 (flock): one generates or refreshes a corpus while the others wait.
#   SEED          corpus seed (default hubgen-bench)
#   HUBGEN        a hubgen binary to time instead of building one with cargo build --release
#   HUBGEN_COMMIT what to call that binary in the report (e.g. the commit it was built from)
#   HUGO          Hugo command (default hugo; installed from Debian with apt-get when missing
#                 and running as root)
#   TIMEOUT_S     per-run wall-time limit in seconds (default 900)
#   MEM_LIMIT_MB  per-run resident-memory limit of the process tree (default 20480)
#   QUIET_BUSY    before each run, wait until other processes use less than this % of the
#                 machine's CPU (default 20) ...
#   QUIET_MAX     ... for at most this many seconds (default 300; 0 = do not wait)
#   KEEP_OUTPUTS=1  keep every run's output in WORK/outputs.* (default: deleted at the end)
#   MIN_FREE_GB   delete earlier outputs before a run when less than this is free (default 15)
#
# Other processes on the machine skew wall time, so each run also records how much CPU time
# everything else used while it ran ("other CPU s").
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SMOKE=${SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
  SIZES=${SIZES:-50x3}; RUNS=${RUNS:-1}; TOOLS=${TOOLS:-hubgen}; QUIET_MAX=${QUIET_MAX:-0}
else
  SIZES=${SIZES:-"1000x1 1000x27 10000x1 10000x27"}; RUNS=${RUNS:-3}; TOOLS=${TOOLS:-"hubgen hugo"}
fi
OWN_WORK=0
if [ -z "${WORK:-}" ]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/hubgen-bench-run.XXXXXX") || exit 1
  OWN_WORK=1
fi
SEED=${SEED:-hubgen-bench}
HUGO=${HUGO:-hugo}
TIMEOUT_S=${TIMEOUT_S:-900}
MEM_LIMIT_MB=${MEM_LIMIT_MB:-20480}
QUIET_BUSY=${QUIET_BUSY:-20}
QUIET_MAX=${QUIET_MAX:-300}
CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)

say() { echo "# $*" >&2; }
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
if [ "$SMOKE" = 1 ]; then CORPORA=${CORPORA:-$WORK/corpora}; else CORPORA=${CORPORA:-${TMPDIR:-/tmp}/hubgen-bench-corpora}; fi
mkdir -p "$CORPORA"
CORPORA=$(cd "$CORPORA" && pwd)

# ---- tools -------------------------------------------------------------------------------
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

TIMEBIN=/usr/bin/time
if [ ! -x "$TIMEBIN" ]; then
  if can_apt; then
    say "installing Debian's time package (GNU time)"
    { apt-get update && apt-get install -y time; } >"$WORK/apt-time.log" 2>&1 || say "apt-get install time failed (see $WORK/apt-time.log)"
  fi
  [ -x "$TIMEBIN" ] || { TIMEBIN=""; say "no GNU time at /usr/bin/time: wall time only, no peak RSS"; }
fi

if [ -n "${HUBGEN:-}" ]; then
  HUBGEN_BIN=$HUBGEN
else
  say "cargo build --release"
  if ! (cd "$REPO" && cargo build --release --quiet); then
    echo "bench: cargo build --release failed" >&2
    exit 1
  fi
  HUBGEN_BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/hubgen
  case $HUBGEN_BIN in /*) ;; *) HUBGEN_BIN=$REPO/$HUBGEN_BIN ;; esac
fi
[ -x "$HUBGEN_BIN" ] || { echo "bench: no hubgen binary at $HUBGEN_BIN" >&2; exit 1; }
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$REPO" status --porcelain -- src Cargo.toml Cargo.lock themes translations 2>/dev/null | wc -l)
[ "$DIRTY" -gt 0 ] && COMMIT="$COMMIT (+$DIRTY uncommitted changes in src/Cargo/themes/translations)"
if [ -n "${HUBGEN:-}" ]; then COMMIT="${HUBGEN_COMMIT:-binary $HUBGEN_BIN} (themes/translations from $REPO)"; fi

HUGO_V="-"
if [[ " $TOOLS " == *" hugo "* ]]; then
  if ! command -v "$HUGO" >/dev/null 2>&1 && [ "$HUGO" = hugo ] && can_apt; then
    say "installing Hugo from Debian"
    { apt-get update && apt-get install -y hugo; } >"$WORK/apt-hugo.log" 2>&1 || say "apt-get install hugo failed (see $WORK/apt-hugo.log)"
  fi
  if command -v "$HUGO" >/dev/null 2>&1; then
    HUGO_V=$("$HUGO" version | awk '{print $2}')
  else
    say "no Hugo ($HUGO): its rows will say FAILED"
  fi
fi

# ---- helpers -----------------------------------------------------------------------------
# median [PRINTF_FORMAT] of numbers on stdin
median() { sort -g | awk -v f="${1:-%.2f}" '{a[NR] = $1} END {if (NR == 0) print "NA"; else printf f "\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
busy_jiffies() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# Percentage of the machine's CPU used over one second.
busy_pct() {
  local a b
  a=$(busy_jiffies); sleep 1; b=$(busy_jiffies)
  echo $(( (b - a) * 100 / (CLK_TCK * NCPU) ))
}

wait_quiet() {
  [ "$QUIET_MAX" -gt 0 ] || return 0
  local waited=0 b
  while b=$(busy_pct); [ "$b" -ge "$QUIET_BUSY" ] && [ "$waited" -lt "$QUIET_MAX" ]; do
    [ $((waited % 30)) = 0 ] && say "machine busy (${b}% CPU used by others), waiting"
    waited=$((waited + 1))
  done
}

# Descendants of a process, one pid a line.
descendants() {
  ps -e -o pid=,ppid= | awk -v root="$1" '{kids[$2] = kids[$2] " " $1}
    END {n = split(kids[root], q, " "); for (i = 1; i <= n; i++) {print q[i]; m = split(kids[q[i]], more, " "); for (j = 1; j <= m; j++) q[++n] = more[j]}}'
}

tree_rss_kb() {
  local pids; pids=$(descendants "$1" | tr '\n' ',')
  if [ -n "$pids" ]; then
    { ps -o rss= -p "${pids%,}" 2>/dev/null || true; } | awk '{s += $1} END {print s + 0}'
  else
    echo 0
  fi
}

# run_once LOG TIMEFILE CMD... -> 0 on success; sets RUN_NOTE on failure, RUN_OTHER (CPU s
# used by other processes during the run) and RUN_MON_RSS (largest tree RSS seen, KB).
run_once() {
  local log=$1 tf=$2; shift 2
  local start_j end_j pid started elapsed rss rc killed=""
  RUN_NOTE=""; RUN_MON_RSS=0
  start_j=$(busy_jiffies); started=$(date +%s.%N)
  if [ -n "$TIMEBIN" ]; then
    "$TIMEBIN" -f '%e %M %U %S' -o "$tf" "$@" >"$log" 2>&1 &
  else
    "$@" >"$log" 2>&1 &
  fi
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    rss=$(tree_rss_kb "$pid")
    [ "$rss" -gt "$RUN_MON_RSS" ] && RUN_MON_RSS=$rss
    elapsed=$(awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN {printf "%d", n - s}')
    if [ -z "$killed" ] && [ "$rss" -gt $((MEM_LIMIT_MB * 1024)) ]; then
      killed="resident memory passed ${MEM_LIMIT_MB} MB after ${elapsed} s"
    elif [ -z "$killed" ] && [ "$elapsed" -ge "$TIMEOUT_S" ]; then
      killed="still running after ${TIMEOUT_S} s (peak RSS so far $((RUN_MON_RSS / 1024)) MB)"
    fi
    if [ -n "$killed" ]; then
      for p in $(descendants "$pid"); do kill -KILL "$p" 2>/dev/null; done
    fi
  done
  wait "$pid"; rc=$?
  end_j=$(busy_jiffies)
  if [ -z "$TIMEBIN" ]; then
    awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN {printf "%.2f 0 0 0\n", n - s}' >"$tf"
  fi
  local u s
  read -r _ _ u s < <(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$tf" | tail -1)
  RUN_OTHER=$(awk -v d=$((end_j - start_j)) -v t="$CLK_TCK" -v u="${u:-0}" -v s="${s:-0}" 'BEGIN {o = d / t - u - s; printf "%.1f", (o < 0 ? 0 : o)}')
  if [ -n "$killed" ]; then RUN_NOTE="stopped: $killed"; return 1; fi
  if [ "$rc" != 0 ]; then
    RUN_NOTE="exit status $rc: $(grep -v -e '^Command ' "$log" | grep -m1 -iE 'error|panic|killed|memory' | cut -c1-160)"
    return 1
  fi
  return 0
}

# ---- corpora -----------------------------------------------------------------------------
GEN=$REPO/bench/gen_corpus.py
GEN_SUM=$(sha256sum "$GEN" | cut -c1-16)

HAVE_FLOCK=0; command -v flock >/dev/null 2>&1 && HAVE_FLOCK=1
LOCK_FD=""

# make_corpus SIZE -> sets CORPUS. Generates the corpus if missing or stale and copies the
# checkout's themes/ and translations/ into it if they differ, under an exclusive lock; then
# keeps a shared lock on it until the next corpus, so no other invocation changes it mid-run.
make_corpus() {
  local n=${1%x*} l=${1#*x}
  CORPUS=$CORPORA/corpus-$1
  local stamp="gen=$GEN_SUM seed=$SEED pages=$n langs=$l"
  if [ -n "$LOCK_FD" ]; then exec {LOCK_FD}>&-; LOCK_FD=""; fi
  if [ "$HAVE_FLOCK" = 1 ]; then exec {LOCK_FD}>"$CORPUS.lock"; flock -x "$LOCK_FD"; fi
  if [ "$(cat "$CORPUS/.stamp" 2>/dev/null)" != "$stamp" ]; then
    say "generating corpus $1 in $CORPUS"
    rm -rf "$CORPUS"
    python3 "$GEN" --pages "$n" --langs "$l" --seed "$SEED" --out "$CORPUS" || return 1
    echo "$stamp" >"$CORPUS/.stamp"
  fi
  local d
  for d in themes translations; do
    if ! diff -rq "$REPO/$d" "$CORPUS/$d" >/dev/null 2>&1; then
      rm -rf "$CORPUS/$d"
      cp -r "$REPO/$d" "$CORPUS/$d"
    fi
  done
  if [ "$HAVE_FLOCK" = 1 ]; then flock -s "$LOCK_FD"; fi
}

# ---- outputs ---------------------------------------------------------------------------
# Every run writes into a fresh folder, and outputs are deleted only when the benchmark ends
# (or when the disk runs short): on ext4 without a journal, creating files soon after a large
# delete is many times slower (the kernel skips recently deleted inodes one by one, see
# BENCHMARKS.md), which would time the file system's clean-up rather than the tools.
OUTS=$(mktemp -d "$WORK/outputs.XXXXXX") || exit 1
MIN_FREE_GB=${MIN_FREE_GB:-15}
make_room() {
  local free_gb
  free_gb=$(df -P -k "$OUTS" | awk 'NR == 2 {printf "%d", $4 / 1048576}')
  if [ "$free_gb" -lt "$MIN_FREE_GB" ]; then
    say "only ${free_gb} GB free: deleting earlier outputs (the next run may be slowed by it)"
    find "$OUTS" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    sync
  fi
}
cleanup() {
  [ "${KEEP_OUTPUTS:-0}" = 1 ] || rm -rf "$OUTS"
  [ "$SMOKE" = 1 ] && [ "$OWN_WORK" = 1 ] && [ "${KEEP_OUTPUTS:-0}" != 1 ] && rm -rf "$WORK"
  return 0
}
trap cleanup EXIT

# ---- main loop ---------------------------------------------------------------------------
RESULTS=$WORK/results.tsv   # one row per tool and corpus (medians)
RUNLOG=$WORK/runs.tsv       # one row per run
printf 'corpus\tpages\ttool\twall_s\trss_mb\tfiles\tcpu_s\tother_cpu_s\tnote\n' >"$RESULTS"
printf 'corpus\ttool\trun\twall_s\trss_mb\tcpu_s\tother_cpu_s\tstages\tnote\n' >"$RUNLOG"
HUBGEN_FAILED=0
STAGES=()

for size in $SIZES; do
  if ! [[ $size =~ ^[0-9]+x[0-9]+$ ]]; then echo "bench: bad size '$size' (want PAGESxLANGS)" >&2; exit 2; fi
  if ! make_corpus "$size"; then
    echo "bench: corpus $size could not be generated" >&2; exit 1
  fi
  pages=$(find "$CORPUS/content" -name '*.md' ! -name '_index*' | wc -l)
  for tool in $TOOLS; do
    case $tool in hubgen|hugo) ;; *) echo "bench: unknown tool $tool" >&2; exit 2 ;; esac
    walls=(); rsss=(); cpus=(); others=(); note=""; files=0
    if [ "$tool" = hugo ] && [ "$HUGO_V" = "-" ]; then
      note="FAILED: Hugo not installed"
    else
      for ((r = 1; r <= RUNS; r++)); do
        out=$OUTS/$tool-$size-run$r
        rm -rf "$out"
        make_room
        case $tool in
          hubgen) cmd=("$HUBGEN_BIN" build --root "$CORPUS" --output "$out") ;;
          hugo) cmd=("$HUGO" --source "$CORPUS" --destination "$out" --quiet) ;;
        esac
        sync
        wait_quiet
        log=$WORK/$tool-$size-run$r.log; tf=$WORK/$tool-$size-run$r.time
        if run_once "$log" "$tf" "${cmd[@]}"; then
          read -r w m u s < <(grep -E '^[0-9.]+ [0-9]+ [0-9.]+ [0-9.]+$' "$tf" | tail -1)
          walls+=("$w"); rsss+=("$((m / 1024))"); cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')"); others+=("$RUN_OTHER")
          stages=""
          [ "$tool" = hubgen ] && stages=$(grep -o '\[config [^]]*\]' "$log" | tail -1)
          [ -n "$stages" ] && STAGES+=("$size run $r: $stages")
          printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n' "$size" "$tool" "$r" "$w" "$((m / 1024))" "${cpus[-1]}" "$RUN_OTHER" "$stages" >>"$RUNLOG"
          say "$size $tool run $r: ${w} s, peak RSS $((m / 1024)) MB, CPU ${cpus[-1]} s, others used ${RUN_OTHER} CPU s ${stages}"
          [ "$r" = "$RUNS" ] && files=$(find "$out" -type f | wc -l)
        else
          note="FAILED (run $r): $RUN_NOTE"
          printf '%s\t%s\t%s\t\t\t\t%s\t\t%s\n' "$size" "$tool" "$r" "$RUN_OTHER" "$RUN_NOTE" >>"$RUNLOG"
          say "$size $tool run $r FAILED: $RUN_NOTE (log: $log)"
          grep -v '^Command ' "$log" | head -40 >&2
          break
        fi
      done
    fi
    if [ -n "$note" ]; then
      [ "$tool" = hubgen ] && HUBGEN_FAILED=1
      printf '%s\t%s\t%s\tFAILED\tFAILED\t-\t-\t-\t%s\n' "$size" "$pages" "$tool" "$note" >>"$RESULTS"
    else
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n' "$size" "$pages" "$tool" \
        "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${rsss[@]}" | median %.0f)" "$files" \
        "$(printf '%s\n' "${cpus[@]}" | median %.1f)" "$(printf '%s\n' "${others[@]}" | sort -g | tail -1)" >>"$RESULTS"
    fi
  done
done

# ---- report ------------------------------------------------------------------------------
echo
echo "Machine: $NCPU CPUs, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); hubgen $COMMIT; Hugo $HUGO_V; runs per cell: $RUNS"
echo
echo "| corpus | pages total | tool | median wall s | median peak RSS MB | output files | hubgen/hugo wall | hubgen/hugo RSS | median CPU s | other CPU s (max) |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"
awk -F'\t' 'NR > 1 {
    key = $1; row[NR] = $0; n = NR
    if ($3 == "hugo" && $4 != "FAILED") { hw[key] = $4; hr[key] = $5 }
  }
  END {
    for (i = 2; i <= n; i++) {
      split(row[i], f, "\t")
      rw = "-"; rr = "-"
      if (f[3] == "hubgen" && f[4] != "FAILED" && (f[1] in hw)) {
        rw = sprintf("%.2f", f[4] / hw[f[1]]); rr = sprintf("%.2f", f[5] / hr[f[1]])
      }
      wall = f[4]; if (f[4] == "FAILED") wall = "FAILED"
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[3], wall, f[5], f[6], rw, rr, f[7], f[8]
    }
    for (i = 2; i <= n; i++) { split(row[i], f, "\t"); if (f[9] != "") printf "\n%s %s: %s", f[1], f[3], f[9] }
    print ""
  }' "$RESULTS"
if [ "${#STAGES[@]}" -gt 0 ]; then
  echo
  echo "hubgen stage timings:"
  printf '  %s\n' "${STAGES[@]}"
fi
echo
[ "$SMOKE" = 1 ] && [ "$OWN_WORK" = 1 ] || echo "(per-run figures: $RUNLOG; logs: $WORK)"
[ "$HUBGEN_FAILED" = 0 ] || { echo "bench: hubgen failed" >&2; exit 1; }
