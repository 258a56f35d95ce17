// Kernels with deliberate mistakes, for the emulator's own tests (CudaEmulatorTest): each shows one kind of bug
// that the emulator must expose. Never built for a GPU.

// Reverses the 64 values t + offset through shared memory; with synced = 0 the barrier between the writes and
// the reads is missing.
extern "C" __global__ void sf_selftest_reverse(int synced, double offset, double* __restrict__ out) {
  __shared__ double s[64];
  const int t = threadIdx.x;
  s[t] = t + offset;
  if (synced) __syncthreads();
  out[t] = s[63 - t];
}

// Threads of one block at barriers on two different lines.
extern "C" __global__ void sf_selftest_divergent(double* __restrict__ out) {
  if (threadIdx.x % 2) {
    __syncthreads();
  } else {
    __syncthreads();
  }
  out[threadIdx.x] = 1.0;
}

// Block b reads what block b - 1 wrote in the same launch: right only if blocks run in order.
extern "C" __global__ void sf_selftest_chain(double* __restrict__ out) {
  const unsigned b = blockIdx.x;
  if (threadIdx.x == 0) out[b] = b == 0 ? 0.0 : out[b - 1] + 1.0;
}
