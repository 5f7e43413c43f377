// Compiled WebAssembly kernels that run on the tfjs-backend-wasm heap: the module imports the
// backend's own memory, so every pointer below is a tensor's heap offset and nothing is copied.
// Built by build.sh (clang --target=wasm32 -msimd128) into kernels-wasm.ts. The module must
// never touch memory it was not given: no globals, no data, no arrays on the stack (the stack
// pointer would point into the backend's heap); build.sh checks the binary for all three.
//
// The fused optimizer updates compute, for each element, exactly the float32 operations of the
// op-by-op rules in experiments/optimizers.ts in their order (no contraction, no reassociation),
// so they equal that path to the bit; wasm's f32x4 ops are IEEE binary32 (no flush-to-zero).
#include <wasm_simd128.h>

typedef float f32;
typedef unsigned int u32;

#define EXPORT(name) __attribute__((export_name(#name)))

// A float32 with a zero exponent and a nonzero mantissa (subnormal) becomes +0; -0 stays -0.
static inline v128_t flush(v128_t x) {
  v128_t zeroExponent = wasm_i32x4_eq(wasm_v128_and(x, wasm_i32x4_splat(0x7f800000)), wasm_i32x4_splat(0));
  v128_t mantissa = wasm_i32x4_ne(wasm_v128_and(x, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0));
  return wasm_v128_andnot(x, wasm_v128_and(zeroExponent, mantissa));
}

// Loads 4 floats at p[i..i+3], or the first `left` of them (the rest 0) at the end of an array.
static inline v128_t load(const f32 *p, u32 i, u32 left) {
  if (left >= 4) return wasm_v128_load(p + i);
  return wasm_f32x4_make(p[i], left > 1 ? p[i + 1] : 0.0f, left > 2 ? p[i + 2] : 0.0f, 0.0f);
}

static inline void store(f32 *p, u32 i, u32 left, v128_t v) {
  if (left >= 4) {
    wasm_v128_store(p + i, v);
    return;
  }
  p[i] = wasm_f32x4_extract_lane(v, 0);
  if (left > 1) p[i + 1] = wasm_f32x4_extract_lane(v, 1);
  if (left > 2) p[i + 2] = wasm_f32x4_extract_lane(v, 2);
}

static inline void put(f32 *p, u32 i, u32 left, v128_t v, int doFlush) {
  store(p, i, left, doFlush ? flush(v) : v);
}

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define DIV wasm_f32x4_div
#define SQRT wasm_f32x4_sqrt
#define SPLAT wasm_f32x4_splat

// The arguments every rule takes. reg: 0 none, 1 coupled L2 (g + w * kreg), 2 decoupled decay
// (w * kreg, kreg = 1 - lr * strength). a..e, lr and corr are the rule's float32 constants
// (experiments/backend/fused-updates.ts, `constants`); slots a rule does not use may be 0.
#define RULE_ARGS                                                                                   \
  u32 n, const f32 *w, const f32 *g, const f32 *s0, const f32 *s1, f32 *ow, f32 *os0, f32 *os1,      \
      int reg, f32 kreg, f32 ka, f32 kb, f32 kc, f32 kd, f32 ke, f32 klr, f32 kcorr, int doFlush

// Starts the element loop: gi is the regularized gradient, wi the (decayed) parameter.
#define BEGIN                                                                                       \
  const v128_t reg_ = SPLAT(kreg), a = SPLAT(ka), b = SPLAT(kb), c = SPLAT(kc), d = SPLAT(kd);      \
  const v128_t e = SPLAT(ke), lr = SPLAT(klr), corr = SPLAT(kcorr);                                \
  (void)a; (void)b; (void)c; (void)d; (void)e; (void)corr; (void)s0; (void)s1; (void)os0; (void)os1; \
  for (u32 i = 0; i < n; i += 4) {                                                                  \
    const u32 left = n - i;                                                                         \
    const v128_t wv = load(w, i, left);                                                             \
    const v128_t gv = load(g, i, left);                                                             \
    const v128_t gi = reg == 1 ? ADD(gv, MUL(wv, reg_)) : gv;                                       \
    const v128_t wi = reg == 2 ? MUL(wv, reg_) : wv;

#define END }

EXPORT(update_sgd) void update_sgd(RULE_ARGS) {
  BEGIN
  put(ow, i, left, SUB(wi, MUL(gi, lr)), doFlush);
  END
}

EXPORT(update_momentum) void update_momentum(RULE_ARGS) {
  BEGIN
  const v128_t vi = ADD(MUL(load(s0, i, left), a), gi);
  put(ow, i, left, SUB(wi, MUL(vi, lr)), doFlush);
  put(os0, i, left, vi, doFlush);
  END
}

// Adam and AdamW: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr' m / (sqrt(v)/corr + eps).
EXPORT(update_adam) void update_adam(RULE_ARGS) {
  BEGIN
  const v128_t mi = ADD(MUL(load(s0, i, left), a), MUL(gi, b));
  const v128_t vi = ADD(MUL(load(s1, i, left), c), MUL(MUL(gi, gi), d));
  const v128_t denom = ADD(DIV(SQRT(vi), corr), e);
  put(ow, i, left, SUB(wi, MUL(DIV(mi, denom), lr)), doFlush);
  put(os0, i, left, mi, doFlush);
  put(os1, i, left, vi, doFlush);
  END
}

// f32x4.max propagates NaN and orders -0 below +0, as Math.max and tf.maximum do.
EXPORT(update_adamax) void update_adamax(RULE_ARGS) {
  BEGIN
  const v128_t mi = ADD(MUL(load(s0, i, left), a), MUL(gi, b));
  const v128_t ui = wasm_f32x4_max(MUL(load(s1, i, left), c), ADD(wasm_f32x4_abs(gi), e));
  put(ow, i, left, SUB(wi, MUL(DIV(mi, ui), lr)), doFlush);
  put(os0, i, left, mi, doFlush);
  put(os1, i, left, ui, doFlush);
  END
}

EXPORT(update_adagrad) void update_adagrad(RULE_ARGS) {
  BEGIN
  const v128_t si = ADD(load(s0, i, left), MUL(gi, gi));
  put(ow, i, left, SUB(wi, MUL(DIV(gi, ADD(SQRT(si), e)), lr)), doFlush);
  put(os0, i, left, si, doFlush);
  END
}

EXPORT(update_adadelta) void update_adadelta(RULE_ARGS) {
  BEGIN
  const v128_t delta = load(s1, i, left);
  const v128_t si = ADD(MUL(load(s0, i, left), a), MUL(MUL(gi, gi), b));
  const v128_t di = MUL(DIV(SQRT(ADD(delta, e)), SQRT(ADD(si, e))), gi);
  const v128_t ni = ADD(MUL(delta, a), MUL(MUL(di, di), b));
  put(ow, i, left, SUB(wi, MUL(di, lr)), doFlush);
  put(os0, i, left, si, doFlush);
  put(os1, i, left, ni, doFlush);
  END
}

// Without momentum (kc = 0) the velocity slot is kept as it was, as in the op path.
EXPORT(update_rmsprop) void update_rmsprop(RULE_ARGS) {
  BEGIN
  const v128_t si = ADD(MUL(load(s0, i, left), a), MUL(MUL(gi, gi), b));
  const v128_t step = DIV(gi, ADD(SQRT(si), e));
  const v128_t v = load(s1, i, left);
  const v128_t vi = kc != 0.0f ? ADD(MUL(v, c), step) : v;
  put(ow, i, left, SUB(wi, MUL(kc != 0.0f ? vi : step, lr)), doFlush);
  put(os0, i, left, si, doFlush);
  put(os1, i, left, vi, doFlush);
  END
}

// out = x with subnormal values flushed to +0.
EXPORT(flush_subnormals) void flush_subnormals(u32 n, const f32 *x, f32 *out) {
  for (u32 i = 0; i < n; i += 4) {
    const u32 left = n - i;
    store(out, i, left, flush(load(x, i, left)));
  }
}

// Max-pool gradient for windows that tile the input (window = stride, no padding), NHWC: each
// window's gradient goes to the first maximum of the window in row-major order (strict >, from
// -inf, so a window of NaNs gets none), as the cpu backend does; the rest of dx is 0.
EXPORT(max_pool_grad_tiled)
void max_pool_grad_tiled(const f32 *x, const f32 *dy, f32 *dx, u32 batch, u32 H, u32 W, u32 C, u32 OH, u32 OW, u32 fh,
                         u32 fw) {
  const u32 total = batch * H * W * C;
  for (u32 i = 0; i < total; i += 4) store(dx, i, total - i, wasm_f32x4_splat(0.0f));
  const u32 rowStride = W * C;
  for (u32 bi = 0; bi < batch; bi++) {
    for (u32 yr = 0; yr < OH; yr++) {
      for (u32 yc = 0; yc < OW; yc++) {
        const u32 corner = ((bi * H + yr * fh) * W + yc * fw) * C;
        const u32 gBase = ((bi * OH + yr) * OW + yc) * C;
        u32 ch = 0;
        for (; ch + 4 <= C; ch += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t at = wasm_i32x4_splat(-1);
          for (u32 r = 0; r < fh; r++) {
            for (u32 cc = 0; cc < fw; cc++) {
              const v128_t v = wasm_v128_load(x + corner + r * rowStride + cc * C + ch);
              const v128_t more = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, more);
              at = wasm_v128_bitselect(wasm_i32x4_splat((int)(r * fw + cc)), at, more);
            }
          }
          const v128_t gv = wasm_v128_load(dy + gBase + ch);
          for (u32 r = 0; r < fh; r++) {
            for (u32 cc = 0; cc < fw; cc++) {
              const v128_t here = wasm_i32x4_eq(at, wasm_i32x4_splat((int)(r * fw + cc)));
              wasm_v128_store(dx + corner + r * rowStride + cc * C + ch, wasm_v128_and(gv, here));
            }
          }
        }
        for (; ch < C; ch++) {
          f32 best = -__builtin_inff();
          int at = -1;
          for (u32 r = 0; r < fh; r++) {
            for (u32 cc = 0; cc < fw; cc++) {
              const f32 v = x[corner + r * rowStride + cc * C + ch];
              if (v > best) {
                best = v;
                at = (int)(corner + r * rowStride + cc * C + ch);
              }
            }
          }
          if (at >= 0) dx[at] = dy[gBase + ch];
        }
      }
    }
  }
}
