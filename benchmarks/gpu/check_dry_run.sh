#!/usr/bin/env bash
# The device check's dry run, as a test (CI runs it after benchmarks/gpu/prepare.sh): check.sh --emulated with one
# section of GpuCheck forced to fail must finish within its deadline, write its files, and show the ERROR row and
# the rows after it; with a deadline too short for everything, the steps it cannot start are skipped, saying so,
# and the script still ends in time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
full=$(mktemp -d) short=$(mktemp -d)
# the full run has the device's deadline (480 s) with one core kept busy, as when CI or a user's machine does
# something else at the same time
( while :; do :; done ) &
busy=$!
trap 'kill $busy 2>/dev/null || true' EXIT
t0=$(date +%s)
SPARSEFEAT_CHECK_FAIL=krr OUT=$full benchmarks/gpu/check.sh --emulated >/dev/null 2>&1 && {
  echo "check_dry_run: check.sh --emulated exited 0 although a section was forced to fail" >&2; exit 1; }
t1=$(date +%s)
kill $busy
SPARSEFEAT_CHECK_DEADLINE=30 OUT=$short benchmarks/gpu/check.sh --emulated >/dev/null 2>&1 || true
t2=$(date +%s)
python3 - "$full" $((t1 - t0)) "$short" $((t2 - t1)) <<'PY'
import os, re, sys
full, full_s, short, short_s = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def read(d, f):
    return open(os.path.join(d, f), encoding="utf-8").read()
problems = []
def expect(ok, what):
    if not ok:
        problems.append(what)

names = set(os.listdir(full))
want = {"check.log", "machine.txt", "smoke-jcuda.log", "smoke-ffm.log", "peers.txt", "gpucheck.md", "bench.tgz",
        "junit.log"}
expect(names == want, f"files {sorted(names)}, expected {sorted(want)}")
expect(len(names) <= 8 and all(re.fullmatch(r"[A-Za-z0-9._-]+", n) for n in names), "at most 8 plain-named files")
expect(full_s < 480 + 15, f"the full dry run took {full_s} s, over its 480 s deadline")
table = read(full, "gpucheck.md").splitlines()
err = [i for i, r in enumerate(table) if r.startswith("| krr | ERROR") and "SPARSEFEAT_CHECK_FAIL=krr" in r]
expect(len(err) == 1, "one ERROR row for the forced section krr")
after = table[err[0] + 1:] if err else []
for row in ("GD steps/s, one net", "GD net-steps/s", "image net flow trials/s", "Cholesky solve", "cuBLAS alone",
            "NTK Gram", "parity: GD 130 steps", "parity: image net flow"):
    expect(any(r.startswith("| " + row) for r in after), f"a row '{row}' after the ERROR row")
expect(any(r.startswith("| GD step, one net against PyTorch autograd") and "no time in peers.txt" in r for r in after),
       "the peers' rows, with ours and no peer time (no peers in a dry run)")
expect(not any("| FAIL |" in r for r in after), "no failing row after the forced error: " + str([r for r in after if "FAIL" in r]))
for f in ("smoke-jcuda.log", "smoke-ffm.log"):
    text = read(full, f)
    oks = len(re.findall(r"\| ok \|$", text, re.M))
    expect(oks >= 15 and "| FAIL |" not in text and "launch cost" in text, f"{f}: {oks} ok rows, no FAIL, a launch cost")
import json, tarfile
with tarfile.open(os.path.join(full, "bench.tgz")) as t:
    members = {m.name for m in t.getmembers()}
    bench = json.load(t.extractfile("bench/bench.json")) if "bench/bench.json" in members else {}
expect({"bench/bench.json", "bench/bench.csv", "bench/report.html"} <= members, f"bench.tgz holds the report: {sorted(members)}")
rows = bench.get("rows", [])
expect(any(r.get("impl") == "sparsefeat cuda" and (r.get("min_seconds") or 0) > 0 for r in rows),
       "bench.json has timed rows on the (emulated) CUDA backend")
expect({"device_gemm", "host_to_device", "device_to_host"} <= {r.get("path") for r in rows if (r.get("rate") or 0) > 0},
       "bench.json has the device's ceilings (cuBLAS GEMM, copies each way)")
junit = read(full, "junit.log")
m = re.search(r"\[\s*(\d+) tests successful", junit)
expect(m and int(m.group(1)) > 0 and re.search(r"\[\s*0 tests failed", junit), "junit.log: tests ran and none failed")
log = read(full, "check.log")
expect("END GpuCheck: timings and parity: exit 1" in log and "done in" in log, "check.log records GpuCheck's exit 1 and the end")
expect("java:" in read(full, "machine.txt"), "machine.txt names the Java runtime")

expect(short_s <= 30 + 15, f"with a 30 s deadline the dry run took {short_s} s")
slog = read(short, "check.log")
expect("SKIPPED" in slog and "done in" in slog, "with a 30 s deadline, later steps are SKIPPED and the script ends")
for line in slog.splitlines():
    m = re.search(r"START .*\((limit (\d+) s), (\d+) s left\)", line)
    if m:
        expect(int(m.group(3)) >= 20 and int(m.group(2)) <= int(m.group(3)) - 5,
               f"a step started with too little time or a limit beyond the deadline: {line}")
if problems:
    print("check_dry_run: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
    print(f"  (files kept in {full} and {short})", file=sys.stderr)
    sys.exit(1)
print(f"check_dry_run: ok (full dry run {full_s} s with krr forced to fail; 30 s deadline run {short_s} s)")
PY
rm -rf "$full" "$short"
