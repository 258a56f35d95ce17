#!/usr/bin/env python3
"""The numpy/scipy peers of `sparsefeat bench`: the same operation on the same points (the NPY file bench writes),
timed the same way (warm-up runs, then repeats; the setup of each repeat untimed). Prints one JSON object:
{"impl": "numpy X / scipy Y", "seconds": [...]} or, when numpy/scipy are missing, {"absent": "why"}.

    python3 benchmarks/bench_peers.py PATH X.npy WARMUPS REPEATS [ridge=R] [h=H] [steps=S]

PATH: gram | gram_images (K(X, X), the NTK: krr_numpy.gram_ntk), cholesky (scipy cho_factor of K + ridge I),
krr (krr_numpy's fit and prediction at the first n/4 points), gd (gd_numpy.step, h neurons; seconds per step).
y is sin(i), as bench's own rows use.
"""
import argparse
import json
import os
import sys
import time

try:
    import numpy as np
    import scipy
    import scipy.linalg
except ImportError as e:  # an absent peer is a row that says so
    print(json.dumps({"absent": f"python3 has no numpy/scipy ({e})"}))
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from krr_numpy import gram_ntk  # noqa: E402
from gd_numpy import step  # noqa: E402


def measure(warmups, repeats, prepare, run):
    for _ in range(warmups):
        run(prepare())
    out = []
    for _ in range(repeats):
        a = prepare()
        t0 = time.perf_counter()
        run(a)
        out.append(time.perf_counter() - t0)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("x")
    p.add_argument("warmups", type=int)
    p.add_argument("repeats", type=int)
    p.add_argument("settings", nargs="*", help="key=value: ridge (1e-6), h (1000), steps (1)")
    a = p.parse_args()
    kv = dict(s.split("=", 1) for s in a.settings)
    a.ridge, a.h, a.steps = float(kv.get("ridge", 1e-6)), int(kv.get("h", 1000)), int(kv.get("steps", 1))
    x = np.load(a.x)
    n = x.shape[0]
    y = np.sin(np.arange(n, dtype=np.float64))
    if a.path in ("gram", "gram_images"):
        s = measure(a.warmups, a.repeats, lambda: None, lambda _: gram_ntk(x, x))
    elif a.path == "cholesky":
        k = gram_ntk(x, x)
        k[np.diag_indices_from(k)] += a.ridge
        # as krr_numpy.py: the transposed copy is Fortran order, factored in place (the copy is untimed)
        s = measure(a.warmups, a.repeats, lambda: k.copy(),
                    lambda c: scipy.linalg.cho_factor(c.T, lower=True, overwrite_a=True, check_finite=False))
    elif a.path == "krr":
        xt = x[: max(1, n // 4)]

        def krr(_):
            k = gram_ntk(x, x)
            k[np.diag_indices_from(k)] += a.ridge
            cf = scipy.linalg.cho_factor(k.T, lower=True, overwrite_a=True, check_finite=False)
            coef = scipy.linalg.cho_solve(cf, y, check_finite=False)
            return gram_ntk(xt, x) @ coef

        s = measure(a.warmups, a.repeats, lambda: None, krr)
    elif a.path == "gd":
        rng = np.random.default_rng(0)
        w1 = rng.standard_normal((a.h, x.shape[1]))
        w1 /= np.linalg.norm(w1, axis=1, keepdims=True)
        w2 = 1e-3 * rng.standard_normal(a.h)

        def steps(_):
            for _ in range(a.steps):
                step(x, y, w1, w2, 1.0, 1e-4)

        s = [t / a.steps for t in measure(a.warmups, a.repeats, lambda: None, steps)]
    else:
        sys.exit(f"bench_peers.py: unknown path {a.path!r}")
    print(json.dumps({"impl": f"numpy {np.__version__} / scipy {scipy.__version__}", "seconds": s}))


if __name__ == "__main__":
    main()
