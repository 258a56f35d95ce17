// The CUDA driver API entry points the FFM binding of the backend calls (FfmDriverDevice), with the driver's C
// signatures and exported (versioned) names, over the emulator: one emulated device whose memory is host memory
// and whose modules are the kernels compiled into this library. It lets the tests drive that binding as they
// drive JCuda's on a GPU. Status codes are the driver's: 0 success, 1 invalid value, 2 out of memory,
// 500 not found, 719 launch failure.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <set>

extern "C" int sf_emu_launch(const char* name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by,
                             unsigned bz, unsigned sharedBytes, void** args, char* err, int errLength);
extern "C" void* sf_emu_alloc(std::size_t bytes);
extern "C" void sf_emu_free(void* ptr);
extern "C" int sf_emu_has_kernel(const char* name);

namespace {
constexpr int kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2, kNotFound = 500, kLaunchFailed = 719;
int contextToken, moduleToken;
char lastError[512];

// A function handle: the kernel's name, kept alive for the process.
struct Function {
  char name[128];
};

// A stream made by cuStreamCreate (the copy stream beside the legacy one, which runs everything at once). Its
// copies are deferred as long as CUDA allows: until an event recorded after them is waited for (by the legacy
// stream or the host) or the stream is synchronised. So a copy the work does not wait for arrives late, and a host
// buffer reused before its copy has run is read late: both show up as wrong results in the tests.
struct PendingCopy {
  void* dst;
  const void* src;
  std::size_t bytes;
};
struct Stream {
  std::deque<PendingCopy> pending;
  long long done = 0, enqueued = 0;  // copies [done, enqueued) are pending
};
struct Event {
  Stream* stream = nullptr;  // null: recorded on the legacy stream, which has always finished
  long long upTo = 0;
};
std::set<Stream*> streams;

void flush(Stream* s, long long upTo) {
  while (s && s->done < upTo && !s->pending.empty()) {
    const PendingCopy& c = s->pending.front();
    std::memcpy(c.dst, c.src, c.bytes);
    s->pending.pop_front();
    s->done++;
  }
}
void flushAll() {
  for (Stream* s : streams) flush(s, s->enqueued);
}

}  // namespace

extern "C" {

int cuInit(unsigned) { return kSuccess; }
int cuDeviceGetCount(int* count) { *count = 1; return kSuccess; }
int cuDeviceGet(int* device, int ordinal) {
  if (ordinal != 0) return kInvalidValue;
  *device = 0;
  return kSuccess;
}
int cuDeviceGetName(char* name, int length, int) {
  std::snprintf(name, length, "CUDA emulator (CPU)");
  return kSuccess;
}
int cuDevicePrimaryCtxRetain(void** context, int) { *context = &contextToken; return kSuccess; }
int cuDevicePrimaryCtxRelease_v2(int) { return kSuccess; }
int cuCtxSetCurrent(void*) { return kSuccess; }
int cuCtxSynchronize() {
  flushAll();
  return kSuccess;
}

int cuStreamCreate(void** stream, unsigned) {
  Stream* s = new Stream();
  streams.insert(s);
  *stream = s;
  return kSuccess;
}
int cuStreamDestroy_v2(void* stream) {
  Stream* s = static_cast<Stream*>(stream);
  flush(s, s->enqueued);
  streams.erase(s);
  delete s;
  return kSuccess;
}
int cuStreamSynchronize(void* stream) {
  if (stream) flush(static_cast<Stream*>(stream), static_cast<Stream*>(stream)->enqueued);
  return kSuccess;
}
int cuEventCreate(void** event, unsigned) {
  *event = new Event();
  return kSuccess;
}
int cuEventDestroy_v2(void* event) {
  delete static_cast<Event*>(event);
  return kSuccess;
}
int cuEventRecord(void* event, void* stream) {
  Event* e = static_cast<Event*>(event);
  e->stream = static_cast<Stream*>(stream);
  e->upTo = e->stream ? e->stream->enqueued : 0;
  return kSuccess;
}
int cuEventSynchronize(void* event) {
  Event* e = static_cast<Event*>(event);
  flush(e->stream, e->upTo);
  return kSuccess;
}
// The legacy stream waiting for a copy stream's event: the copies before it arrive now. A copy stream waiting for
// the legacy stream's event has nothing to wait for (the legacy stream's work is done when it is enqueued).
int cuStreamWaitEvent(void* stream, void* event, unsigned) {
  Event* e = static_cast<Event*>(event);
  if (!stream) flush(e->stream, e->upTo);
  return kSuccess;
}
int cuMemcpyHtoDAsync_v2(unsigned long long dst, const void* src, std::size_t bytes, void* stream) {
  if (!stream) {
    std::memcpy((void*)dst, src, bytes);
    return kSuccess;
  }
  Stream* s = static_cast<Stream*>(stream);
  s->pending.push_back({(void*)dst, src, bytes});
  s->enqueued++;
  return kSuccess;
}
int cuMemHostAlloc(void** p, std::size_t bytes, unsigned) {
  *p = std::malloc(bytes ? bytes : 1);
  return *p ? kSuccess : kOutOfMemory;
}
int cuMemFreeHost(void* p) {
  std::free(p);
  return kSuccess;
}

int cuMemAlloc_v2(unsigned long long* dptr, std::size_t bytes) {
  void* p = sf_emu_alloc(bytes);
  if (!p) return kOutOfMemory;
  *dptr = (unsigned long long)p;
  return kSuccess;
}
int cuMemFree_v2(unsigned long long dptr) {
  sf_emu_free((void*)dptr);
  return kSuccess;
}
int cuMemGetInfo_v2(std::size_t* free, std::size_t* total) {
  *free = (std::size_t)8 << 30;
  *total = (std::size_t)16 << 30;
  return kSuccess;
}
int cuMemcpyHtoD_v2(unsigned long long dst, const void* src, std::size_t bytes) {
  std::memcpy((void*)dst, src, bytes);
  return kSuccess;
}
int cuMemcpyDtoH_v2(void* dst, unsigned long long src, std::size_t bytes) {
  std::memcpy(dst, (const void*)src, bytes);
  return kSuccess;
}
int cuMemcpyDtoD_v2(unsigned long long dst, unsigned long long src, std::size_t bytes) {
  std::memmove((void*)dst, (const void*)src, bytes);
  return kSuccess;
}
int cuMemsetD8_v2(unsigned long long dst, unsigned char value, std::size_t bytes) {
  std::memset((void*)dst, value, bytes);
  return kSuccess;
}

// Every image loads: the kernels are those compiled into this library.
int cuModuleLoadData(void** module, const void*) { *module = &moduleToken; return kSuccess; }
int cuModuleGetFunction(void** function, void*, const char* name) {
  if (!sf_emu_has_kernel(name)) return kNotFound;
  Function* f = new Function();
  std::snprintf(f->name, sizeof f->name, "%s", name);
  *function = f;
  return kSuccess;
}

int cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned sharedBytes, void*, void** params, void**) {
  const int rc = sf_emu_launch(static_cast<Function*>(function)->name, gx, gy, gz, bx, by, bz, sharedBytes, params,
                               lastError, sizeof lastError);
  return rc == 0 ? kSuccess : kLaunchFailed;
}

int cuGetErrorString(int status, const char** text) {
  switch (status) {
    case kSuccess: *text = "no error"; break;
    case kInvalidValue: *text = "invalid argument"; break;
    case kOutOfMemory: *text = "out of memory"; break;
    case kNotFound: *text = "named symbol not found"; break;
    case kLaunchFailed: *text = lastError; break;
    default: *text = "unknown error"; break;
  }
  return kSuccess;
}
}
