#!/usr/bin/env python3
"""The benchmark guard's arithmetic (called by benchmarks/guard.sh): JMH results of GuardBench -> a table of
each hot path's time over the yardstick's, against benchmarks/guard/baseline.json. The verdict (a ratio more than
MARGIN times its baseline's) is `sparsefeat bench compare --min-band MARGIN`'s, on the two sets of ratios written
as bench.json files: one regression gate for bench and the guard.

  compare.py check  BASELINE MARGIN RUN.json [RUN2.json ...]   # exit 1 if a hot path regressed
  compare.py update BASELINE MARGIN RUN.json [RUN2.json ...]   # rewrite BASELINE from the runs

A run's score for a benchmark is the 10th percentile of its operations' times (JMH SampleTime mode times every
operation of about a millisecond). On a shared machine another process preempting ours makes single operations
slower, never faster, and the mean of an iteration mostly measures how much of the CPU we were given (3x between
runs at a load of 8 on 2 cores); the fast tail of the operations measures the code. The 10th and not the 0th
percentile, so that one lucky operation does not set the score. With several runs (the guard re-measures a
failing benchmark once) each benchmark keeps its best ratio: a hot path fails only if every run says it is slower
than the baseline by more than MARGIN.
"""
import json
import os
import platform
import subprocess
import sys
import time

PREFIX = "org.sparsefeat.bench.GuardBench."
YARDSTICK = "yardstick"
QUANTILE = 0.10


def quantile(histograms, q):
    """The q-quantile of the operation times in JMH's rawDataHistogram (per iteration: [time, count] pairs)."""
    pairs = sorted((t, c) for iteration in histograms for t, c in iteration)
    total, seen = sum(c for _, c in pairs), 0
    for t, c in pairs:
        seen += c
        if seen >= q * total:
            return t
    raise ValueError("no samples")


def scores_of(path):
    """{benchmark: QUANTILE of its operation times, us/op} of one JMH JSON file, and the JVM it ran on."""
    with open(path) as f:
        results = json.load(f)
    scores, jvm = {}, None
    for r in results:
        name = r["benchmark"].removeprefix(PREFIX)
        histograms = [it for fork in r["primaryMetric"].get("rawDataHistogram", []) for it in fork]
        if any(histograms):
            scores[name] = quantile(histograms, QUANTILE)
        jvm = f'{r.get("vmName", "?")} {r.get("vmVersion", "?")}'
    return scores, jvm


def ratios_of(runs):
    """{benchmark: best hot-path / yardstick ratio over the runs} and, for the table, the scores it came from."""
    best = {}
    for path in runs:
        scores, _ = scores_of(path)
        if YARDSTICK not in scores:
            sys.exit(f"compare.py: {path} has no {YARDSTICK} result (did the JMH run fail?)")
        y = scores[YARDSTICK]
        for name, s in scores.items():
            if name != YARDSTICK and (name not in best or s / y < best[name][0]):
                best[name] = (s / y, s, y)
    return best


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def signature():
    """The CPU model and the native build the engine picks on it by default (native/build.sh's dispatch): ratios
    are comparable only between machines that agree on both (the AVX-512 Gram is ~1.8x the AVX2 one)."""
    model, flags = "?", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "?":
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    isa = "avx512" if {"avx512f", "avx512dq", "avx512vl"} <= flags else "avx2" if {"avx2", "fma"} <= flags else "generic"
    return f"{model}, {isa}"


NOT_COMPARABLE = 4


def commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def update(baseline, runs):
    best = ratios_of(runs)
    _, jvm = scores_of(runs[0])
    doc = {
        "about": "benchmarks/guard.sh: each GuardBench hot path's fastest iteration divided by the yardstick's, "
                 "same JVM; rewrite with benchmarks/guard.sh --update",
        "machine": machine(),
        "signature": signature(),
        "jvm": jvm,
        "commit": commit(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "ratios": {k: round(v[0], 4) for k, v in sorted(best.items())},
        "microseconds": {k: round(v[1], 1) for k, v in sorted(best.items())},
        "yardstick_microseconds": round(min(v[2] for v in best.values()), 1),
    }
    tmp = baseline + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, baseline)
    print(f"benchmark guard: wrote {baseline} ({doc['machine']}, {jvm})")
    for k, v in doc["ratios"].items():
        print(f"  {k:10s} ratio {v:.4f}  ({doc['microseconds'][k]:.1f} us/op)")
    return 0


def bench_json(path, ratios):
    """The ratios as a bench.json of one-repeat rows, for `sparsefeat bench compare` (the same gate as bench's)."""
    doc = {"command": "bench", "suite": "guard", "complete": True, "machine": {"signature": signature()},
           "rows": [{"kind": "guard", "path": name, "impl": "GuardBench", "shape": "ratio-to-yardstick",
                     "seconds": [ratio]} for name, ratio in sorted(ratios.items())]}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def bench_compare(old, new, margin):
    """`sparsefeat bench compare --min-band MARGIN OLD NEW` in the JVM guard.sh built (GUARD_JAVA, target/):
    the guard's verdicts come from the same code as bench's. Returns its output and the rows it found slower."""
    with open("target/classpath.txt") as f:
        cp = "target/classes" + os.pathsep + f.read().strip()
    java = os.environ.get("GUARD_JAVA", "java")
    r = subprocess.run([java, "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true", "-cp", cp,
                        "org.sparsefeat.cli.Main", "bench", "compare", "--min-band", str(margin), old, new],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"compare.py: sparsefeat bench compare failed (exit {r.returncode}): {r.stderr.strip()}")
    slower = [line.split()[1] for line in r.stdout.splitlines() if line.startswith("guard ") and "SLOWER" in line]
    return r.stdout, slower


def check(baseline, margin, runs):
    with open(baseline) as f:
        base = json.load(f)
    if base.get("signature") != signature():
        print(f"benchmark guard: the baseline comes from another kind of machine ({base.get('signature')}; this is "
              f"{signature()}): ratios are not comparable, nothing checked. Run benchmarks/guard.sh --update here "
              f"and commit {baseline} to guard this machine.")
        return NOT_COMPARABLE
    best = ratios_of(runs)
    missing = sorted(set(base["ratios"]) - set(best))
    runs_note = f", best of {len(runs)} runs" if len(runs) > 1 else ""
    print(f"benchmark guard: time / yardstick against {baseline} (from {base['machine']}, commit {base['commit']}"
          f"{runs_note})")
    print(f"{'benchmark':10s} {'us/op':>9s} {'yardstick':>9s} {'ratio':>8s} {'baseline':>8s}")
    for name in sorted(best):
        ratio, score, yard = best[name]
        b = base["ratios"].get(name)
        bs = f"{b:8.4f}" if b is not None else f"{'NEW':>8s}"
        print(f"{name:10s} {score:9.1f} {yard:9.1f} {ratio:8.4f} {bs}")
    work = os.path.dirname(os.path.abspath(runs[-1]))
    old, new = os.path.join(work, "baseline.bench.json"), os.path.join(work, "run.bench.json")
    bench_json(old, base["ratios"])
    bench_json(new, {k: v[0] for k, v in best.items()})
    table, failed = bench_compare(old, new, margin)
    print(f"sparsefeat bench compare --min-band {margin:.2f} (ratio: this run's over the baseline's):")
    print(table, end="")
    for name in missing:
        print(f"{name:10s} missing from this run")
    if failed or missing:
        print(f"benchmark guard: FAILED: {', '.join(failed + missing)}"
              + (f" slower than the baseline by more than {margin:.2f}x" if failed else ""))
        # the names, one line, for guard.sh to re-measure just those
        with open(os.environ.get("GUARD_FAILED_FILE", os.devnull), "w") as f:
            f.write(" ".join(failed + missing) + "\n")
        return 1
    print(f"benchmark guard: ok, every hot path within {margin:.2f}x of its baseline")
    return 0


def main(argv):
    if len(argv) < 5 or argv[1] not in ("check", "update"):
        sys.exit(__doc__)
    baseline, margin, runs = argv[2], float(argv[3]), argv[4:]
    return update(baseline, runs) if argv[1] == "update" else check(baseline, margin, runs)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
