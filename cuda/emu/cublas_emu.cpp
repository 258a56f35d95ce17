// The few cuBLAS entry points the CUDA backend calls (cublasCreate_v2, cublasDestroy_v2, cublasDtrsm_v2,
// cublasDsyrk_v2, cublasDtrsv_v2, cublasDgemm_v2), with cuBLAS's C signatures and column-major conventions, as plain loops over host memory:
// the emulator exports them so that the tests drive the backend's cuBLAS binding (CudaBlas) and its argument
// conventions (uplo, trans, leading dimensions) exactly as on a GPU. Only the cases the backend uses are
// implemented; any other combination returns CUBLAS_STATUS_NOT_SUPPORTED (15).
#include <cstdlib>

namespace {
constexpr int kSuccess = 0, kNotSupported = 15, kInvalidValue = 7;
constexpr int kLower = 0, kUpper = 1, kOpN = 0, kOpT = 1, kSideLeft = 0, kSideRight = 1, kNonUnit = 0;
int handleToken;

// alpha s + beta c, where beta = 0 does not read c (BLAS's rule, which cuBLAS follows: C need not hold numbers then;
// the emulator's NaN-filled fresh memory shows a caller relying on it)
double scaled(double alpha, double s, double beta, double c) { return beta == 0.0 ? alpha * s : alpha * s + beta * c; }
}  // namespace

extern "C" {

int cublasCreate_v2(void** handle) {
  *handle = &handleToken;
  return kSuccess;
}

int cublasDestroy_v2(void*) { return kSuccess; }

// B := alpha op(A)^{-1} B, A upper triangular (m x m), B m x n (side = left, uplo = upper, op = T: the dense
// Cholesky's panels); or B := alpha B op(A)^{-1}, A lower triangular (n x n) (side = right, uplo = lower, op = T: a
// tile below a diagonal one in the streamed tiled Cholesky).
int cublasDtrsm_v2(void*, int side, int uplo, int trans, int diag, int m, int n, const double* alpha, const double* a,
                   int lda, double* b, int ldb) {
  if (side == kSideRight && uplo == kLower && trans == kOpT && diag == kNonUnit) {
    if (m < 0 || n < 0 || lda < n || ldb < m) return kInvalidValue;
    for (int r = 0; r < m; r++) {  // row r of X solves L x^T = alpha b^T: forward substitution
      for (int j = 0; j < n; j++) {
        double v = *alpha * b[r + (long long)j * ldb];
        for (int k = 0; k < j; k++) v -= a[j + (long long)k * lda] * b[r + (long long)k * ldb];
        b[r + (long long)j * ldb] = v / a[j + (long long)j * lda];
      }
    }
    return kSuccess;
  }
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

// C := alpha A^T A + beta C on C's upper triangle, A k x n (uplo = upper, trans = T); or C := alpha A A^T + beta C on
// C's lower triangle, A n x k (uplo = lower, trans = N).
int cublasDsyrk_v2(void*, int uplo, int trans, int n, int k, const double* alpha, const double* a, int lda,
                   const double* beta, double* c, int ldc) {
  if (uplo == kLower && trans == kOpN) {
    if (n < 0 || k < 0 || lda < n || ldc < n) return kInvalidValue;
    for (int j = 0; j < n; j++)
      for (int i = j; i < n; i++) {
        double s = 0.0;
        for (int l = 0; l < k; l++) s += a[i + (long long)l * lda] * a[j + (long long)l * lda];
        double& cij = c[i + (long long)j * ldc];
        cij = scaled(*alpha, s, *beta, cij);
      }
    return kSuccess;
  }
  if (uplo != kUpper || trans != kOpT) return kNotSupported;
  if (n < 0 || k < 0 || lda < k || ldc < n) return kInvalidValue;
  for (int j = 0; j < n; j++)
    for (int i = 0; i <= j; i++) {
      double s = 0.0;
      for (int l = 0; l < k; l++) s += a[l + (long long)i * lda] * a[l + (long long)j * lda];
      double& cij = c[i + (long long)j * ldc];
      cij = scaled(*alpha, s, *beta, cij);
    }
  return kSuccess;
}

// C := alpha op(A) op(B) + beta C, C m x n, inner dimension k; op = N or T for each.
int cublasDgemm_v2(void*, int transa, int transb, int m, int n, int k, const double* alpha, const double* a, int lda,
                   const double* b, int ldb, const double* beta, double* c, int ldc) {
  if ((transa != kOpN && transa != kOpT) || (transb != kOpN && transb != kOpT)) return kNotSupported;
  if (m < 0 || n < 0 || k < 0 || ldc < m || lda < (transa == kOpN ? m : k) || ldb < (transb == kOpN ? k : n))
    return kInvalidValue;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) {
      double s = 0.0;
      for (int l = 0; l < k; l++) {
        double x = transa == kOpN ? a[i + (long long)l * lda] : a[l + (long long)i * lda];
        double y = transb == kOpN ? b[l + (long long)j * ldb] : b[j + (long long)l * ldb];
        s += x * y;
      }
      double& cij = c[i + (long long)j * ldc];
      cij = scaled(*alpha, s, *beta, cij);
    }
  return kSuccess;
}
}
