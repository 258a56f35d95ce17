// A CPU emulator for the kernels of cuda/*.cu, for tests on machines without a GPU (see cuda_emu.h).
// A launch runs its blocks one after the other; within a block every CUDA thread is a fiber with its
// own stack, and __syncthreads() is a yield back to the scheduler. Between two barriers the scheduler resumes
// the block's threads in an order that changes from phase to phase (a fixed pseudo-random permutation), so a
// kernel that reads another thread's shared-memory writes without a barrier between them gives wrong results
// here too; the blocks of a launch run in a shuffled order as well. It also checks what a real launch would refuse (block and grid sizes), barriers reached at
// different lines by threads of one block, and memory: allocations end at a guard page (an access past the end
// faults at once) and start filled with NaN bytes (a read of never-written memory shows up as NaN).
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "../cholesky.cu"
#include "../flow.cu"
#include "../gd.cu"
#include "../gram.cu"
#include "../linalg.cu"
#include "../teacher.cu"
#include "selftest.cu"

sf_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

namespace {

// Calls a kernel with its parameters unpacked from cuLaunchKernel's layout: args[i] points at parameter i.
template <class... A, std::size_t... I>
void invoke(void (*kernel)(A...), void** args, std::index_sequence<I...>) {
  kernel(*static_cast<A*>(args[I])...);
}
template <class... A>
void invoke(void (*kernel)(A...), void** args) {
  invoke(kernel, args, std::index_sequence_for<A...>{});
}

struct Entry {
  const char* name;
  void (*run)(void**);
};

#define SF_EMU_KERNEL(k) {#k, [](void** a) { invoke(k, a); }}
const Entry kKernels[] = {
    SF_EMU_KERNEL(sf_gram),          SF_EMU_KERNEL(sf_gram_f32), SF_EMU_KERNEL(sf_gram_times),SF_EMU_KERNEL(sf_teacher),     
    SF_EMU_KERNEL(sf_potrf_diag),    SF_EMU_KERNEL(sf_trsm_panel),  SF_EMU_KERNEL(sf_syrk_update),
    SF_EMU_KERNEL(sf_potrf_leaf),    SF_EMU_KERNEL(sf_trsm_panel_leaf), SF_EMU_KERNEL(sf_syrk_update_leaf),
    SF_EMU_KERNEL(sf_gd_finish),    SF_EMU_KERNEL(sf_layout_values),
    SF_EMU_KERNEL(sf_gd_reg),        SF_EMU_KERNEL(sf_gd_sum),      SF_EMU_KERNEL(sf_add_diagonal),
    SF_EMU_KERNEL(sf_get_diagonal),  SF_EMU_KERNEL(sf_trsv_diag),   SF_EMU_KERNEL(sf_trsv_update),
    SF_EMU_KERNEL(sf_trsv_diag_t),   SF_EMU_KERNEL(sf_trsv_update_t), SF_EMU_KERNEL(sf_gemv_rows),
    SF_EMU_KERNEL(sf_trmv_lower_t),  SF_EMU_KERNEL(sf_add_slabs),
    SF_EMU_KERNEL(sf_flow_step),     SF_EMU_KERNEL(sf_flow_rows),   SF_EMU_KERNEL(sf_flow_turn),
    SF_EMU_KERNEL(sf_flow_scalars),
    SF_EMU_KERNEL(sf_selftest_reverse), SF_EMU_KERNEL(sf_selftest_divergent), SF_EMU_KERNEL(sf_selftest_chain),
#define SF_EMU_GD(D) SF_EMU_KERNEL(sf_gd_neurons_d##D), SF_EMU_KERNEL(sf_gd_partial_d##D), \
    SF_EMU_KERNEL(sf_gd_neurons2_d##D), SF_EMU_KERNEL(sf_gd_partial2_d##D),
    SF_GD_DIMENSIONS(SF_EMU_GD)
#undef SF_EMU_GD
};
#undef SF_EMU_KERNEL

constexpr std::size_t kStack = 256 * 1024;
constexpr unsigned kMaxThreads = 1024;

struct Fiber {
#if defined(__x86_64__)
  void* sp;  // its saved stack pointer while it is not running
#else
  ucontext_t context;
#endif
  sf_emu_dim3 index;
  bool done;
  int line;  // the line of the barrier it waits at
};

std::mutex launchLock;  // one launch at a time: the fibers share the globals above
std::vector<Fiber> fibers;
std::vector<char*> stacks;
Fiber* current;
void (*body)(void**);
void** bodyArgs;
char error[512];

void fail(const char* format, ...) {
  if (error[0]) return;  // keep the first
  va_list ap;
  va_start(ap, format);
  vsnprintf(error, sizeof error, format, ap);
  va_end(ap);
}

#if defined(__x86_64__)
// Switching fibers with swapcontext costs two system calls (it saves and restores the signal mask), and a launch
// of 256 blocks of 256 threads switches hundreds of thousands of times: the emulated image-net flow spent most of
// its time in the kernel. This switch saves only what the System V ABI asks a callee to keep (rbx, rbp, r12-r15,
// the SSE control word and the x87 control word) on the old stack, stores the old stack pointer in *from and
// continues on the stack `to`, where an earlier switch (or startFiber) left the same layout.
extern "C" void sf_emu_switch(void** from, void* to);
asm(R"(
  .text
  .globl sf_emu_switch
  .hidden sf_emu_switch
  .type sf_emu_switch, @function
sf_emu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size sf_emu_switch, .-sf_emu_switch
)");

void* schedulerSp;

[[noreturn]] void fiberMain() {
  body(bodyArgs);
  current->done = true;
  sf_emu_switch(&current->sp, schedulerSp);  // never resumed
  __builtin_unreachable();
}

// Lays out the fiber's empty stack as sf_emu_switch leaves one, so that the first switch to it "returns" into
// fiberMain with the stack aligned as at a call (rsp + 8 a multiple of 16).
void startFiber(Fiber& f, char* stack) {
  auto* top = reinterpret_cast<std::uint64_t*>(stack + kStack);  // a multiple of 16: stacks are pages
  *--top = 0;  // fiberMain's return address: it never returns
  *--top = reinterpret_cast<std::uint64_t>(&fiberMain);
  for (int r = 0; r < 6; r++) *--top = 0;  // rbp, rbx, r12-r15
  std::uint32_t mxcsr;
  std::uint16_t fpucw;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(fpucw));
  *--top = (std::uint64_t)mxcsr | (std::uint64_t)fpucw << 32;
  f.sp = top;
}

void resume(Fiber& f) { sf_emu_switch(&schedulerSp, f.sp); }

void yieldToScheduler() { sf_emu_switch(&current->sp, schedulerSp); }
#else
ucontext_t scheduler;

void fiberMain() {
  body(bodyArgs);
  current->done = true;  // returns to uc_link, the scheduler
}

void startFiber(Fiber& f, char* stack) {
  getcontext(&f.context);
  f.context.uc_stack.ss_sp = stack;
  f.context.uc_stack.ss_size = kStack;
  f.context.uc_link = &scheduler;
  makecontext(&f.context, fiberMain, 0);
}

void resume(Fiber& f) { swapcontext(&scheduler, &f.context); }

void yieldToScheduler() { swapcontext(&current->context, &scheduler); }
#endif

char* stackAt(std::size_t i) {
  while (stacks.size() <= i) {
    const long page = sysconf(_SC_PAGESIZE);
    void* p = mmap(nullptr, kStack + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    mprotect(p, page, PROT_NONE);  // the stack grows down into this page on overflow
    stacks.push_back(static_cast<char*>(p) + page);
  }
  return stacks[i];
}

// One block: every thread a fiber, run phase by phase, each phase in another order.
bool runBlock(unsigned threads, uint64_t* seed) {
  fibers.resize(threads);
  for (unsigned t = 0; t < threads; t++) {
    Fiber& f = fibers[t];
    f.index = {t % blockDim.x, t / blockDim.x % blockDim.y, t / (blockDim.x * blockDim.y)};
    f.done = false;
    f.line = 0;
    char* stack = stackAt(t);
    if (!stack) {
      fail("cannot map a fiber stack");
      return false;
    }
    startFiber(f, stack);
  }
  std::vector<unsigned> order(threads);
  for (;;) {
    unsigned live = 0;
    for (unsigned t = 0; t < threads; t++)
      if (!fibers[t].done) order[live++] = t;
    if (live == 0) return true;
    for (unsigned i = live; i > 1; i--) {  // Fisher-Yates with a 64-bit LCG
      *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
      std::swap(order[i - 1], order[(*seed >> 33) % i]);
    }
    int line = -1;
    for (unsigned i = 0; i < live; i++) {
      current = &fibers[order[i]];
      threadIdx = current->index;
      resume(*current);
      if (!current->done) {
        if (line < 0) {
          line = current->line;
        } else if (current->line != line) {
          fail("threads of block (%u,%u,%u) wait at barriers on different lines (%d and %d)", blockIdx.x, blockIdx.y,
               blockIdx.z, line, current->line);
        }
      }
    }
    if (error[0]) {  // abandon the other fibers: their stacks are reused by the next launch
      return false;
    }
  }
}

}  // namespace

void sf_emu_syncthreads(int line) {
  current->line = line;
  yieldToScheduler();
}

extern "C" {

// cuLaunchKernel for the emulator: 0 on success, else 1 with a message in err.
int sf_emu_launch(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                  unsigned sharedBytes, void** args, char* err, int errLength) {
  std::lock_guard<std::mutex> guard(launchLock);
  error[0] = 0;
  body = nullptr;
  for (const Entry& e : kKernels)
    if (std::strcmp(e.name, name) == 0) body = e.run;
  const unsigned long long threads = (unsigned long long)bx * by * bz;
  if (!body) {
    fail("no kernel named %s in the emulator (add it to kKernels in cuda/emu/emu.cpp)", name);
  } else if (threads == 0 || threads > kMaxThreads || bz > 64) {
    fail("%s: block %u x %u x %u is not a valid CUDA block (at most 1024 threads, z <= 64)", name, bx, by, bz);
  } else if (gx == 0 || gy == 0 || gz == 0 || gy > 65535 || gz > 65535 || gx > 2147483647u) {
    fail("%s: grid %u x %u x %u is not a valid CUDA grid (y, z <= 65535)", name, gx, gy, gz);
  } else if (sharedBytes > 48 * 1024) {
    fail("%s: %u bytes of dynamic shared memory, more than 48 KiB without an opt-in", name, sharedBytes);
  } else {
    bodyArgs = args;
    blockDim = {bx, by, bz};
    gridDim = {gx, gy, gz};
    uint64_t seed = 0x5eedf00d;
    // blocks in a shuffled order too: a kernel whose blocks depend on one another's writes fails here as it
    // would race on a GPU
    const unsigned long long blocks = (unsigned long long)gx * gy * gz;
    std::vector<unsigned long long> order(blocks);
    for (unsigned long long b = 0; b < blocks; b++) order[b] = b;
    for (unsigned long long i = blocks; i > 1; i--) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      std::swap(order[i - 1], order[(seed >> 33) % i]);
    }
    for (unsigned long long b = 0; b < blocks && !error[0]; b++) {
      const unsigned long long o = order[b];
      blockIdx = {(unsigned)(o % gx), (unsigned)(o / gx % gy), (unsigned)(o / ((unsigned long long)gx * gy))};
      runBlock((unsigned)threads, &seed);
    }
  }
  if (error[0]) {
    snprintf(err, errLength, "%s", error);
    return 1;
  }
  return 0;
}

// Whether the emulator has a kernel of that name.
int sf_emu_has_kernel(const char* name) {
  for (const Entry& e : kKernels)
    if (std::strcmp(e.name, name) == 0) return 1;
  return 0;
}

// sizeof(struct sf_gd_net) as compiled, for the test that the Java side (CudaNetBatch.Field) lays it out alike.
long long sf_emu_sizeof_gd_net() { return (long long)sizeof(sf_gd_net); }

// Device memory: the buffer ends at a guard page and starts filled with 0xff bytes (a NaN as a double). A header
// page before the data holds the mapping's size, so that sf_emu_free needs only the address.
void* sf_emu_alloc(std::size_t bytes) {
  const std::size_t page = (std::size_t)sysconf(_SC_PAGESIZE);
  const std::size_t rounded = (bytes + 7) / 8 * 8;
  const std::size_t span = page + (rounded + page - 1) / page * page + page;
  void* p = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  *static_cast<std::size_t*>(p) = span;
  char* guard = static_cast<char*>(p) + span - page;
  mprotect(guard, page, PROT_NONE);
  char* start = guard - rounded;
  std::memset(start, 0xff, rounded);
  return start;
}

void sf_emu_free(void* ptr) {
  if (!ptr) return;
  const std::size_t page = (std::size_t)sysconf(_SC_PAGESIZE);
  char* header = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(ptr) / page) * page) - page;
  munmap(header, *reinterpret_cast<std::size_t*>(header));
}
}
