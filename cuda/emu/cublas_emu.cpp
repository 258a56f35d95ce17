// The few cuBLAS entry points the CUDA backend calls (cublasCreate_v2, cublasDestroy_v2, cublasDtrsm_v2,
// cublasDsyrk_v2, cublasDtrsv_v2), with cuBLAS's C signatures and column-major conventions, as plain loops over host memory:
// the emulator exports them so that the tests drive the backend's cuBLAS binding (CudaBlas) and its argument
// conventions (uplo, trans, leading dimensions) exactly as on a GPU. Only the cases the backend uses are
// implemented; any other combination returns CUBLAS_STATUS_NOT_SUPPORTED (15).
#include <cstdlib>

namespace {
constexpr int kSuccess = 0, kNotSupported = 15, kInvalidValue = 7;
constexpr int kLower = 0, kUpper = 1, kOpN = 0, kOpT = 1, kSideLeft = 0, kNonUnit = 0;
int handleToken;
}  // namespace

extern "C" {

int cublasCreate_v2(void** handle) {
  *handle = &handleToken;
  return kSuccess;
}

int cublasDestroy_v2(void*) { return kSuccess; }

// B := alpha op(A)^{-1} B, A upper triangular (m x m), B m x n; only side = left, uplo = upper, op = T.
int cublasDtrsm_v2(void*, int side, int uplo, int trans, int diag, int m, int n, const double* alpha, const double* a,
                   int lda, double* b, int ldb) {
  if (side != kSideLeft || uplo != kUpper || trans != kOpT || diag != kNonUnit) return kNotSupported;
  if (m < 0 || n < 0 || lda < m || ldb < m) return kInvalidValue;
  for (int c = 0; c < n; c++) {
    double* x = b + (long long)c * ldb;
    for (int i = 0; i < m; i++) x[i] *= *alpha;
    for (int i = 0; i < m; i++) {  // A^T is lower: forward substitution
      double v = x[i];
      for (int k = 0; k < i; k++) v -= a[k + (long long)i * lda] * x[k];
      x[i] = v / a[i + (long long)i * lda];
    }
  }
  return kSuccess;
}

// x := op(A)^{-1} x, A upper triangular (n x n, non-unit); op = N or T, incx = 1 only.
int cublasDtrsv_v2(void*, int uplo, int trans, int diag, int n, const double* a, int lda, double* x, int incx) {
  if (uplo != kUpper || (trans != kOpN && trans != kOpT) || diag != kNonUnit || incx != 1) return kNotSupported;
  if (n < 0 || lda < n) return kInvalidValue;
  if (trans == kOpT) {  // A^T is lower: forward substitution
    for (int i = 0; i < n; i++) {
      double v = x[i];
      for (int k = 0; k < i; k++) v -= a[k + (long long)i * lda] * x[k];
      x[i] = v / a[i + (long long)i * lda];
    }
  } else {  // backward substitution
    for (int i = n - 1; i >= 0; i--) {
      double v = x[i];
      for (int k = i + 1; k < n; k++) v -= a[i + (long long)k * lda] * x[k];
      x[i] = v / a[i + (long long)i * lda];
    }
  }
  return kSuccess;
}

// C := alpha A^T A + beta C on C's upper triangle, A k x n; only uplo = upper, trans = T.
int cublasDsyrk_v2(void*, int uplo, int trans, int n, int k, const double* alpha, const double* a, int lda,
                   const double* beta, double* c, int ldc) {
  if (uplo != kUpper || trans != kOpT) return kNotSupported;
  if (n < 0 || k < 0 || lda < k || ldc < n) return kInvalidValue;
  for (int j = 0; j < n; j++)
    for (int i = 0; i <= j; i++) {
      double s = 0.0;
      for (int l = 0; l < k; l++) s += a[l + (long long)i * lda] * a[l + (long long)j * lda];
      double& cij = c[i + (long long)j * ldc];
      cij = *alpha * s + *beta * cij;
    }
  return kSuccess;
}
}
