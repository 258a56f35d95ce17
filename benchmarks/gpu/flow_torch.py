"""One trial of the image net's gradient flow in PyTorch autograd, float64 on the GPU: the peer of sparsefeat's flow
(cuBLAS DGEMM + cuda/flow.cu) in benchmarks/gpu/check.sh. The same work as ours per trial (docs/method.md, 'Image
experiments'): the step p - dt grad, the forward pass of the softplus net (h = 1000, D = 784, beta 5, normalised), the
soft hinge (beta_l 20, alpha 1e-6, f0 subtracted), the gradient by autograd, and the scalars the control logic reads
(the outputs' move, the gradient's turn), read back to the host. Prints "torch_flow_trial_<n> seconds" lines."""
import math
import sys
import time

import torch


def trial_seconds(n, h=1000, dim=784, trials=30, alpha=1e-6, beta=5.0, c=1.404383, loss_beta=20.0):
    dev = torch.device("cuda")
    g = torch.Generator(device="cpu").manual_seed(0)
    x = torch.randn(n, dim, generator=g, dtype=torch.float64)
    x = (x * math.sqrt(dim) / x.norm(dim=1, keepdim=True)).to(dev)
    y = torch.where(x[:, 0] > 0, 1.0, -1.0).to(torch.float64)
    w0 = torch.randn(h, dim, generator=g, dtype=torch.float64).to(dev)
    w1 = torch.randn(h, generator=g, dtype=torch.float64).to(dev)

    def f(w0, w1):
        z = x @ w0.T / math.sqrt(dim)
        return c * torch.nn.functional.softplus(beta * z) / beta @ w1 / h

    with torch.no_grad():
        f0 = f(w0, w1)

    def point(w0, w1):
        w0 = w0.detach().requires_grad_()
        w1 = w1.detach().requires_grad_()
        o = f(w0, w1) - f0
        loss = (torch.nn.functional.softplus(loss_beta * (1 - alpha * o * y)) / loss_beta).mean() / alpha
        g0, g1 = torch.autograd.grad(loss, (w0, w1))
        return o.detach(), g0, g1, loss.detach()

    o, g0, g1, _ = point(w0, w1)

    def trial(dt):
        o2, h0, h1, loss = point(w0 - dt * g0, w1 - dt * g1)
        dout = (o2 - o).abs().max()
        d = ((h0 - g0) ** 2).sum() + ((h1 - g1) ** 2).sum()
        na = (g0 ** 2).sum() + (g1 ** 2).sum()
        nb = (h0 ** 2).sum() + (h1 ** 2).sum()
        return torch.stack([loss, dout, d / torch.sqrt(na * nb)]).tolist()  # the host reads the scalars, as ours

    for _ in range(5):  # untimed: kernels, the allocator, autograd's graph
        trial(1e-3)
    torch.cuda.synchronize()
    best = float("inf")
    for _ in range(3):  # the fastest of 3 runs, as GpuCheck times ours
        t0 = time.perf_counter()
        for _ in range(trials):
            trial(1e-3)
        best = min(best, (time.perf_counter() - t0) / trials)
    return best


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1024, 10000]
    for n in sizes:
        s = trial_seconds(n)
        print(f"torch autograd flow trial, n = {n}, h = 1000, D = 784: {s * 1e3:.3f} ms, {1 / s:.0f} trials/s on "
              f"{torch.cuda.get_device_name()}")
        print(f"torch_flow_trial_{n} {s:.9f}")


if __name__ == "__main__":
    main()
