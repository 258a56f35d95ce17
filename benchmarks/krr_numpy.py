#!/usr/bin/env python3
"""The numpy/scipy peer of `sparsefeat krr --kernel ntk`: exact KRR with the reference's NTK Gram.

Reads the NPY files written by `sparsefeat data`, builds K(X, X) and K(X_test, X) in float64 with the
reference's formula, factors K + ridge I with scipy.linalg.cho_factor, solves with cho_solve, predicts and
prints the full test MSE and the seconds of each phase as one JSON object on stdout.

    python3 benchmarks/krr_numpy.py X.npy y.npy X_test.npy y_test.npy [--ridge 0]
"""
import argparse
import json
import time

import numpy as np
import scipy
import scipy.linalg


def gram_ntk(x, y):
    """K[i, j] = (t k0 + |x||y| k1) / (2 d), t = x.y, phi = arccos(clamp(t / (|x||y|), -1, 1)),
    k0 = (pi - phi) / pi, k1 = (sin phi + (pi - phi) cos phi) / pi: the reference's gram_ntk, written with
    in-place operations so that numpy makes few n x m temporaries (a fair, not a naive, peer)."""
    d = x.shape[1]
    t = x @ y.T                                   # BLAS dgemm (threaded)
    nn = np.outer(np.linalg.norm(x, axis=1), np.linalg.norm(y, axis=1))
    c = np.divide(t, nn, out=np.ones_like(t), where=nn > 0)
    np.clip(c, -1.0, 1.0, out=c)
    phi = np.arccos(c, out=c)                     # c is phi from here on
    r = np.subtract(np.pi, phi)                   # pi - phi
    k1 = np.cos(phi)
    k1 *= r
    k1 += np.sin(phi)                             # pi k1 = sin phi + (pi - phi) cos phi
    k1 *= nn                                      # pi |x||y| k1
    r *= t                                        # pi t k0
    r += k1
    r *= 1.0 / (np.pi * 2.0 * d)
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("x_train")
    p.add_argument("y_train")
    p.add_argument("x_test")
    p.add_argument("y_test")
    p.add_argument("--ridge", type=float, default=0.0)
    a = p.parse_args()

    seconds = {}
    t0 = time.perf_counter()

    def phase(name, start):
        now = time.perf_counter()
        seconds[name] = now - start
        return now

    x, y = np.load(a.x_train), np.load(a.y_train)
    xt, yt = np.load(a.x_test), np.load(a.y_test)
    t = phase("load", t0)
    k = gram_ntk(x, x)
    t = phase("gram_train", t)
    if a.ridge:
        k[np.diag_indices_from(k)] += a.ridge
    # k is symmetric: k.T is the same matrix in Fortran order, so LAPACK factors it without a copy
    # (overwrite_a); check_finite=False skips a pass over the n x n matrix. The fastest scipy path.
    cf = scipy.linalg.cho_factor(k.T, lower=True, overwrite_a=True, check_finite=False)
    t = phase("cholesky", t)
    coef = scipy.linalg.cho_solve(cf, y, check_finite=False)
    t = phase("solve", t)
    kt = gram_ntk(xt, x)
    t = phase("gram_test", t)
    f = kt @ coef
    t = phase("predict", t)
    test_mse = float(np.mean((f - yt) ** 2))
    t = phase("mse", t)
    seconds["total"] = t - t0
    print(json.dumps({
        "peer": "numpy %s / scipy %s" % (np.__version__, scipy.__version__),
        "n": int(x.shape[0]), "n_test": int(xt.shape[0]), "d": int(x.shape[1]), "ridge": a.ridge,
        "test_mse": test_mse,
        "seconds": seconds,
    }))


if __name__ == "__main__":
    main()
