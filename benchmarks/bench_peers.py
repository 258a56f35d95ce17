#!/usr/bin/env python3
"""The peers of `sparsefeat bench`: the same operation on the same points (the NPY file bench writes), timed the same
way (warm-up runs, then repeats; the setup of each repeat untimed; on a GPU every timed run ends with a synchronisation).
Prints one JSON object: {"impl": "numpy X / scipy Y", "seconds": [...]} or, when the library is missing (or sees no
GPU), {"absent": "why"}.

    python3 benchmarks/bench_peers.py PATH X.npy WARMUPS REPEATS [impl=I] [ridge=R] [h=H] [steps=S]
    python3 benchmarks/bench_peers.py probe - 0 0 impl=I          # {"impl": ...} or {"absent": ...}, nothing timed

impl: numpy (numpy/scipy, the default), torch (PyTorch on the CPU), torch-cuda (PyTorch on the GPU), cupy (CuPy).
PATH: gram | gram_images (K(X, X), the NTK: krr_numpy.gram_ntk's formula), cholesky (the factor of K + ridge I),
krr (fit and prediction at the first n/4 points), gd (gd_numpy.step, h neurons; seconds per step).
y is sin(i), as bench's own rows use.
"""
import argparse
import json
import math
import os
import sys
import time

try:
    import numpy as np
except ImportError as e:  # an absent peer is a row that says so
    print(json.dumps({"absent": f"python3 has no numpy ({e})"}))
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


class Absent(Exception):
    """The library cannot run here: the row says why."""


class NumpyScipy:
    """numpy/scipy: the formulas of krr_numpy.py and gd_numpy.py themselves (written with in-place operations)."""

    def __init__(self):
        try:
            import scipy
            import scipy.linalg
        except ImportError as e:
            raise Absent(f"python3 has no scipy ({e})")
        from krr_numpy import gram_ntk
        from gd_numpy import step
        self.scipy, self.linalg, self.gram_ntk, self.gd_step = scipy, scipy.linalg, gram_ntk, step
        self.name = f"numpy {np.__version__} / scipy {scipy.__version__}"

    def array(self, a):
        return a

    def sync(self):
        pass

    def ntk(self, x, y):
        return self.gram_ntk(x, y)

    def factor(self, k):
        # as krr_numpy.py: the transposed copy is Fortran order, factored in place (the caller's copy is untimed)
        return self.linalg.cho_factor(k.T, lower=True, overwrite_a=True, check_finite=False)

    def solve(self, f, y):
        return self.linalg.cho_solve(f, y, check_finite=False)

    def add_ridge(self, k, ridge):
        k[np.diag_indices_from(k)] += ridge

    def step(self, x, y, w1, w2, lr, lam):
        self.gd_step(x, y, w1, w2, lr, lam)


class Torch:
    """PyTorch float64, on the CPU or a CUDA device."""

    def __init__(self, cuda):
        try:
            import torch
        except ImportError as e:
            raise Absent(f"python3 has no torch ({e})")
        if cuda and not torch.cuda.is_available():
            raise Absent(f"torch {torch.__version__} sees no CUDA device")
        self.t, self.dev = torch, torch.device("cuda" if cuda else "cpu")
        where = torch.cuda.get_device_name() if cuda else f"cpu, {torch.get_num_threads()} threads"
        self.name = f"torch {torch.__version__} ({where})"

    def array(self, a):
        return self.t.from_numpy(np.ascontiguousarray(a)).to(self.dev)

    def sync(self):
        if self.dev.type == "cuda":
            self.t.cuda.synchronize()

    def ntk(self, x, y):
        return ntk(self.t, x, y)

    def factor(self, k):
        return self.t.linalg.cholesky(k)

    def solve(self, lower, y):
        return self.t.cholesky_solve(y[:, None], lower)[:, 0]

    def add_ridge(self, k, ridge):
        k.diagonal().add_(ridge)

    def step(self, x, y, w1, w2, lr, lam):
        gd_step(self.t, x, y, w1, w2, lr, lam)


class CuPy:
    """CuPy float64 on the GPU."""

    def __init__(self):
        try:
            import cupy
            import cupyx.scipy.linalg
            n = cupy.cuda.runtime.getDeviceCount()
        except Exception as e:  # ImportError, or CUDA's own errors when there is no driver or device
            raise Absent(f"cupy cannot run here ({type(e).__name__}: {e})")
        if n == 0:
            raise Absent("cupy sees no CUDA device")
        self.cp, self.linalg = cupy, cupyx.scipy.linalg
        props = cupy.cuda.runtime.getDeviceProperties(0)
        self.name = f"cupy {cupy.__version__} ({props['name'].decode()})"

    def array(self, a):
        return self.cp.asarray(a)

    def sync(self):
        self.cp.cuda.Device().synchronize()

    def ntk(self, x, y):
        return ntk(self.cp, x, y)

    def factor(self, k):
        return self.cp.linalg.cholesky(k)

    def solve(self, lower, y):
        z = self.linalg.solve_triangular(lower, y, lower=True)
        return self.linalg.solve_triangular(lower.T, z, lower=False)

    def add_ridge(self, k, ridge):
        k[self.cp.diag_indices(k.shape[0])] += ridge

    def step(self, x, y, w1, w2, lr, lam):
        gd_step(self.cp, x, y, w1, w2, lr, lam)


def ntk(xp, x, y):
    """krr_numpy.gram_ntk's formula in a numpy-like library (torch, cupy): K = (t k0 + |x||y| k1) / (2 d)."""
    t = x @ y.T
    nn = xp.sqrt((x * x).sum(1))[:, None] * xp.sqrt((y * y).sum(1))[None, :]
    phi = xp.arccos(xp.clip(t / nn, -1.0, 1.0))
    k1 = xp.sin(phi) + (math.pi - phi) * xp.cos(phi)
    return (t * (math.pi - phi) + nn * k1) / (math.pi * 2.0 * x.shape[1])


def gd_step(xp, X, y, W1, w2, lr, lam):
    """gd_numpy.step's update in a numpy-like library (torch, cupy), in place on W1 and w2."""
    n, h = X.shape[0], W1.shape[0]
    eta = lr * h
    Z = X @ W1.T
    on = Z > 0
    A = Z * on
    r = (A @ w2 / h - y) / n
    g2 = A.T @ r / h + lam / h * xp.sign(w2)
    g1 = (on * r[:, None]).T @ X * (w2 / h)[:, None]
    g1 -= (g1 * W1).sum(1)[:, None] * W1
    W1 -= eta * g1
    w2 -= eta * g2
    W1 /= xp.sqrt((W1 * W1).sum(1))[:, None]


def library(impl):
    if impl == "numpy":
        return NumpyScipy()
    if impl in ("torch", "torch-cuda"):
        return Torch(impl == "torch-cuda")
    if impl == "cupy":
        return CuPy()
    sys.exit(f"bench_peers.py: unknown impl {impl!r} (numpy, torch, torch-cuda or cupy)")


def measure(lib, warmups, repeats, prepare, run):
    for _ in range(warmups):
        run(prepare())
        lib.sync()
    out = []
    for _ in range(repeats):
        a = prepare()
        lib.sync()
        t0 = time.perf_counter()
        run(a)
        lib.sync()
        out.append(time.perf_counter() - t0)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("x")
    p.add_argument("warmups", type=int)
    p.add_argument("repeats", type=int)
    p.add_argument("settings", nargs="*", help="key=value: impl (numpy), ridge (1e-6), h (1000), steps (1)")
    a = p.parse_args()
    kv = dict(s.split("=", 1) for s in a.settings)
    ridge, h, steps = float(kv.get("ridge", 1e-6)), int(kv.get("h", 1000)), int(kv.get("steps", 1))
    try:
        lib = library(kv.get("impl", "numpy"))
    except Absent as e:
        print(json.dumps({"absent": str(e)}))
        return
    if a.path == "probe":
        print(json.dumps({"impl": lib.name}))
        return
    x_host = np.load(a.x)
    n = x_host.shape[0]
    x = lib.array(x_host)
    y = lib.array(np.sin(np.arange(n, dtype=np.float64)))
    if a.path in ("gram", "gram_images"):
        s = measure(lib, a.warmups, a.repeats, lambda: None, lambda _: lib.ntk(x, x))
    elif a.path == "cholesky":
        k = lib.ntk(x, x)
        lib.add_ridge(k, ridge)
        s = measure(lib, a.warmups, a.repeats, lambda: k.copy() if hasattr(k, "copy") else k.clone(), lib.factor)
    elif a.path == "krr":
        xt = x[: max(1, n // 4)]

        def krr(_):
            k = lib.ntk(x, x)
            lib.add_ridge(k, ridge)
            coef = lib.solve(lib.factor(k), y)
            return lib.ntk(xt, x) @ coef

        s = measure(lib, a.warmups, a.repeats, lambda: None, krr)
    elif a.path == "gd":
        rng = np.random.default_rng(0)
        w1 = rng.standard_normal((h, x_host.shape[1]))
        w1 /= np.linalg.norm(w1, axis=1, keepdims=True)
        w1, w2 = lib.array(w1), lib.array(1e-3 * rng.standard_normal(h))

        def run_steps(_):
            for _ in range(steps):
                lib.step(x, y, w1, w2, 1.0, 1e-4)

        s = [t / steps for t in measure(lib, a.warmups, a.repeats, lambda: None, run_steps)]
    else:
        sys.exit(f"bench_peers.py: unknown path {a.path!r}")
    print(json.dumps({"impl": lib.name, "seconds": s}))


if __name__ == "__main__":
    main()
