// Compiled WebAssembly kernels that run on the tfjs-backend-wasm heap: the module imports the
// backend's own memory, so every pointer below is a tensor's heap offset and nothing is copied.
// Built by build.sh (clang --target=wasm32 -msimd128) into kernels-wasm.ts. The module must
// never touch memory it was not given: no globals, no data, no arrays on the stack (the stack
// pointer would point into the backend's heap); build.sh checks the binary for all three.
//
// The fused optimizer updates compute, for each element, exactly the float32 operations of the
// op-by-op rules in experiments/optimizers.ts in their order (no contraction, no reassociation),
// so they equal that path to the bit; wasm's f32x4 ops are IEEE binary32 (no flush-to-zero).
//
// The file is grouped by kernel family: shared vector helpers; 1. the fused optimizer updates;
// 2. convolutions (the first layer's forward and filter gradient, then the 3x3 convolutions
// over many channels and their gradients); 3. pooling (the max-pool gradient); 4. batch
// normalisation (training mode, its element passes for the exact engine, inference mode with
// the activation).
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

// The low and high two lanes of 4 floats as 2 doubles (sums kept in float64).
static inline v128_t low_f64(v128_t v) { return wasm_f64x2_promote_low_f32x4(v); }
static inline v128_t high_f64(v128_t v) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)); }

// ==== 1. Fused optimizer updates ====

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

// ==== 2. Convolutions ====

// ---- 3x3, stride 1, 'same' convolution of a 1-channel input (the first layer's forward) ----
// y[n, h, w, co] = sum over kh, kw of x[n, h + kh - 1, w + kw - 1] * k[kh, kw, 0, co], the taps
// added in XNNPACK's order (row-major from 0, a product then a sum, 0 outside the image), so that
// y equals the stock Conv2D's to the bit. XNNPACK's indirect GEMM spends most of its time on the
// 9 pointers per output pixel here; this loads each pixel's 9 inputs once for all output channels.
// Co: a multiple of 4.
#define CONV_TAP(t) acc = ADD(acc, MUL(x##t, wasm_v128_load(k + t * Co + cb)))
EXPORT(conv3x3_same_1ch)
void conv3x3_same_1ch(const f32 *x, const f32 *k, f32 *y, u32 N, u32 H, u32 W, u32 Co) {
  for (u32 n = 0; n < N; n++) {
    const f32 *xn = x + n * H * W;
    for (u32 h = 0; h < H; h++) {
      const f32 *up = h > 0 ? xn + (h - 1) * W : 0, *mid = xn + h * W, *down = h + 1 < H ? xn + (h + 1) * W : 0;
      f32 *yr = y + ((n * H + h) * W) * Co;
      for (u32 w = 0; w < W; w++) {
        const int l = w > 0, r = w + 1 < W;
        const v128_t x0 = SPLAT(up && l ? up[w - 1] : 0.0f), x1 = SPLAT(up ? up[w] : 0.0f), x2 = SPLAT(up && r ? up[w + 1] : 0.0f);
        const v128_t x3 = SPLAT(l ? mid[w - 1] : 0.0f), x4 = SPLAT(mid[w]), x5 = SPLAT(r ? mid[w + 1] : 0.0f);
        const v128_t x6 = SPLAT(down && l ? down[w - 1] : 0.0f), x7 = SPLAT(down ? down[w] : 0.0f), x8 = SPLAT(down && r ? down[w + 1] : 0.0f);
        for (u32 cb = 0; cb + 4 <= Co; cb += 4) {
          v128_t acc = SPLAT(0.0f);
          CONV_TAP(0);
          CONV_TAP(1);
          CONV_TAP(2);
          CONV_TAP(3);
          CONV_TAP(4);
          CONV_TAP(5);
          CONV_TAP(6);
          CONV_TAP(7);
          CONV_TAP(8);
          wasm_v128_store(yr + w * Co + cb, acc);
        }
      }
    }
  }
}

// ---- Filter gradient of a 3x3, stride 1, 'same' convolution of a 1-channel input (the first layer) ----
// dw[kh, kw, 0, co] = sum over n, oh, ow of x[n, oh + kh - 1, ow + kw - 1] * dy[n, oh, ow, co]
// (x is 0 outside the image). Four output channels per pass with the nine taps in registers,
// float32 sums per image added into float64 totals (scratch: 18 * Co floats as 9 * Co doubles).

#define TAP(acc, xv, d) acc = ADD(acc, MUL(SPLAT(xv), d))

// One input row ih against the output row: taps kw = 0, 1, 2 of kernel row kh go to A0, A1, A2.
#define KERNEL_ROW(A0, A1, A2)                                    \
  {                                                               \
    const f32 *xr = x + (n * H + ih) * W;                         \
    v128_t dv = wasm_v128_load(dyr + cb);                         \
    TAP(A1, xr[0], dv);                                           \
    if (W > 1) {                                                  \
      TAP(A2, xr[1], dv);                                         \
      for (u32 ow = 1; ow + 1 < W; ow++) {                        \
        dv = wasm_v128_load(dyr + ow * Co + cb);                  \
        TAP(A0, xr[ow - 1], dv);                                  \
        TAP(A1, xr[ow], dv);                                      \
        TAP(A2, xr[ow + 1], dv);                                  \
      }                                                           \
      dv = wasm_v128_load(dyr + (W - 1) * Co + cb);               \
      TAP(A0, xr[W - 2], dv);                                     \
      TAP(A1, xr[W - 1], dv);                                     \
    }                                                             \
  }

#define ADD_TOTAL(t, acc)                                                                      \
  {                                                                                            \
    double *tp = total + (t) * Co + cb;                                                        \
    wasm_v128_store(tp, wasm_f64x2_add(wasm_v128_load(tp), low_f64(acc)));                     \
    wasm_v128_store(tp + 2, wasm_f64x2_add(wasm_v128_load(tp + 2), high_f64(acc)));            \
  }

EXPORT(conv3x3_same_filter_grad_1ch)
void conv3x3_same_filter_grad_1ch(const f32 *x, const f32 *dy, f32 *dw, u32 N, u32 H, u32 W, u32 Co, f32 *scratch) {
  double *total = (double *)scratch;
  for (u32 i = 0; i < 9 * Co; i++) total[i] = 0;
  for (u32 cb = 0; cb + 4 <= Co; cb += 4) {
    for (u32 n = 0; n < N; n++) {
      v128_t a00 = SPLAT(0), a01 = SPLAT(0), a02 = SPLAT(0), a10 = SPLAT(0), a11 = SPLAT(0), a12 = SPLAT(0);
      v128_t a20 = SPLAT(0), a21 = SPLAT(0), a22 = SPLAT(0);
      for (u32 oh = 0; oh < H; oh++) {
        const f32 *dyr = dy + (n * H + oh) * W * Co;
        u32 ih;
        if (oh >= 1) {
          ih = oh - 1;
          KERNEL_ROW(a00, a01, a02)
        }
        ih = oh;
        KERNEL_ROW(a10, a11, a12)
        if (oh + 1 < H) {
          ih = oh + 1;
          KERNEL_ROW(a20, a21, a22)
        }
      }
      ADD_TOTAL(0, a00) ADD_TOTAL(1, a01) ADD_TOTAL(2, a02)
      ADD_TOTAL(3, a10) ADD_TOTAL(4, a11) ADD_TOTAL(5, a12)
      ADD_TOTAL(6, a20) ADD_TOTAL(7, a21) ADD_TOTAL(8, a22)
    }
  }
  for (u32 i = 0; i < 9 * Co; i++) dw[i] = (f32)total[i];
}

// ---- 3x3, stride 1, 'same' convolutions and their gradients over many channels ----
// tfjs-backend-wasm convolves through XNNPACK's indirect GEMM: each output starts at +0 (no bias)
// and adds one product at a time (float32, a product then a sum), the taps in row order and
// within a tap the input channels in order; the zero padding adds products 0 * w. The kernels
// below add the same products in the same order, so that their outputs equal the stock ones to
// the bit for finite inputs (they leave out the padding's products: a sum that starts at +0 is
// never -0, so adding +-0 leaves it unchanged). They are faster because they take the taps one
// at a time for the whole batch, with that tap's weights in cache, and keep the running sums in
// the output, where XNNPACK streams all of a long reduction's packed weights per output tile.
// The tile: 4 outputs (images, or rows of the filter gradient) x 8 channels, as XNNPACK's 4x8.
#define MAC_LANE(acc0, acc1, s, lane, b0, b1)                                                     \
  {                                                                                                \
    const v128_t s_ = wasm_i32x4_shuffle(s, s, lane, lane, lane, lane);                            \
    acc0 = ADD(acc0, MUL(s_, b0));                                                                 \
    acc1 = ADD(acc1, MUL(s_, b1));                                                                 \
  }
// acc0, acc1 (8 channels of one output) += the 4 inputs in v (4 consecutive reduction channels)
// times the 4 rows of weights b00/b01 .. b30/b31, one product at a time in channel order.
#define MAC4(acc0, acc1, v)                                                                        \
  MAC_LANE(acc0, acc1, v, 0, b00, b01)                                                             \
  MAC_LANE(acc0, acc1, v, 1, b10, b11)                                                             \
  MAC_LANE(acc0, acc1, v, 2, b20, b21) MAC_LANE(acc0, acc1, v, 3, b30, b31)
#define LOAD_B(wq, stride)                                                                         \
  const v128_t b00 = wasm_v128_load(wq), b01 = wasm_v128_load((wq) + 4);                           \
  const v128_t b10 = wasm_v128_load((wq) + (stride)), b11 = wasm_v128_load((wq) + (stride) + 4);   \
  const v128_t b20 = wasm_v128_load((wq) + 2 * (stride)), b21 = wasm_v128_load((wq) + 2 * (stride) + 4); \
  const v128_t b30 = wasm_v128_load((wq) + 3 * (stride)), b31 = wasm_v128_load((wq) + 3 * (stride) + 4);

// out[n, y, x, o] = sum over taps t = (fy, fx) in row order, then c, of
// in[n, y + fy - 1, x + fx - 1, c] * wt[t, c, o]; in: [N, H, W, Cin], wt: [9, Cin, Cout],
// out: [N, H, W, Cout]. Cin % 4 == 0, Cout % 8 == 0. Images go CONV_CHUNK at a time through all
// the taps, so that their inputs and sums stay in cache (a probe's batches of 500 images do not fit).
#define CONV_CHUNK 8
static void conv3x3_taps(const f32 *in, const f32 *wt, f32 *out, u32 N, u32 H, u32 W, u32 Cin, u32 Cout) {
  for (u32 i = 0; i < N * H * W * Cout; i++) out[i] = 0.0f;
  const u32 is = H * W * Cin, os = H * W * Cout;
  for (u32 n0 = 0; n0 < N; n0 += CONV_CHUNK) {
    const u32 n1 = n0 + CONV_CHUNK < N ? n0 + CONV_CHUNK : N;
    for (u32 t = 0; t < 9; t++) {
      const u32 fy = t / 3, fx = t % 3;
      const u32 x0 = fx == 0 ? 1 : 0, x1 = fx == 2 ? W - 1 : W;
      const f32 *wtap = wt + t * Cin * Cout;
      for (u32 y = 0; y < H; y++) {
        if (y + fy < 1 || y + fy - 1 >= H) continue;
        for (u32 x = x0; x < x1; x++) {
          const f32 *ipix = in + ((y + fy - 1) * W + x + fx - 1) * Cin;
          f32 *opix = out + (y * W + x) * Cout;
          u32 n = n0;
          for (; n + 4 <= n1; n += 4) {
            const f32 *i0 = ipix + n * is;
            for (u32 ob = 0; ob < Cout; ob += 8) {
              f32 *o = opix + n * os + ob;
              v128_t p00 = wasm_v128_load(o), p01 = wasm_v128_load(o + 4);
              v128_t p10 = wasm_v128_load(o + os), p11 = wasm_v128_load(o + os + 4);
              v128_t p20 = wasm_v128_load(o + 2 * os), p21 = wasm_v128_load(o + 2 * os + 4);
              v128_t p30 = wasm_v128_load(o + 3 * os), p31 = wasm_v128_load(o + 3 * os + 4);
              for (u32 c = 0; c < Cin; c += 4) {
                LOAD_B(wtap + c * Cout + ob, Cout)
                const v128_t v0 = wasm_v128_load(i0 + c), v1 = wasm_v128_load(i0 + is + c);
                const v128_t v2 = wasm_v128_load(i0 + 2 * is + c), v3 = wasm_v128_load(i0 + 3 * is + c);
                MAC4(p00, p01, v0) MAC4(p10, p11, v1) MAC4(p20, p21, v2) MAC4(p30, p31, v3)
              }
              wasm_v128_store(o, p00), wasm_v128_store(o + 4, p01);
              wasm_v128_store(o + os, p10), wasm_v128_store(o + os + 4, p11);
              wasm_v128_store(o + 2 * os, p20), wasm_v128_store(o + 2 * os + 4, p21);
              wasm_v128_store(o + 3 * os, p30), wasm_v128_store(o + 3 * os + 4, p31);
            }
          }
          for (; n < n1; n++) {
            const f32 *i0 = ipix + n * is;
            for (u32 ob = 0; ob < Cout; ob += 8) {
              f32 *o = opix + n * os + ob;
              v128_t p00 = wasm_v128_load(o), p01 = wasm_v128_load(o + 4);
              for (u32 c = 0; c < Cin; c += 4) {
                LOAD_B(wtap + c * Cout + ob, Cout)
                const v128_t v0 = wasm_v128_load(i0 + c);
                MAC4(p00, p01, v0)
              }
              wasm_v128_store(o, p00), wasm_v128_store(o + 4, p01);
            }
          }
        }
      }
    }
  }
}

// y = conv2d(x, w, 1, 'same'): x [N, H, W, Ci], w [3, 3, Ci, Co] (already tap, input, output), y [N, H, W, Co].
EXPORT(conv3x3_same)
void conv3x3_same(const f32 *x, const f32 *w, f32 *y, u32 N, u32 H, u32 W, u32 Ci, u32 Co) {
  conv3x3_taps(x, w, y, N, H, W, Ci, Co);
}

// dx = the input gradient of conv2d(x, w, 1, 'same'): dy [N, H, W, Co] convolved with w flipped
// in space and with its channels swapped (wasm-kernels.ts conv2dInputGradient hands XNNPACK the
// same), dx [N, H, W, Ci]. wt: scratch for the flipped weights, 9 * Co * Ci floats.
EXPORT(conv3x3_same_input_grad)
void conv3x3_same_input_grad(const f32 *dy, const f32 *w, f32 *dx, u32 N, u32 H, u32 W, u32 Ci, u32 Co, f32 *wt) {
  for (u32 t = 0; t < 9; t++)
    for (u32 co = 0; co < Co; co++)
      for (u32 ci = 0; ci < Ci; ci++) wt[(t * Co + co) * Ci + ci] = w[((8 - t) * Ci + ci) * Co + co];
  conv3x3_taps(dy, wt, dx, N, H, W, Co, Ci);
}

// dw[ky, kx, ci, co] = sum over y, x, n of x[n, y + ky - 1, x + kx - 1, ci] * dy[n, y, x, co]:
// the filter gradient as wasm-kernels.ts conv2dFilterGradient hands it to XNNPACK (x as Ci images
// of N channels, dy as the filter), whose taps are dy's positions (y, x) in row order and whose
// channels are the images n. Row by row of dy, each tap's sums are loaded from dw, advanced over
// the row and stored. Input channels in blocks of 4 (the rest one at a time); Co % 8 == 0.
EXPORT(conv3x3_same_filter_grad)
void conv3x3_same_filter_grad(const f32 *x, const f32 *dy, f32 *dw, u32 N, u32 H, u32 W, u32 Ci, u32 Co) {
  for (u32 i = 0; i < 9 * Ci * Co; i++) dw[i] = 0.0f;
  const u32 xs = H * W * Ci, ds = H * W * Co;
  for (u32 y = 0; y < H; y++) {
    for (u32 ky = 0; ky < 3; ky++) {
      if (y + ky < 1 || y + ky - 1 >= H) continue;
      const u32 iy = y + ky - 1;
      for (u32 kx = 0; kx < 3; kx++) {
        const u32 x0 = kx == 0 ? 1 : 0, x1 = kx == 2 ? W - 1 : W;
        u32 cb = 0;
        for (; cb + 4 <= Ci; cb += 4) {
          for (u32 ob = 0; ob < Co; ob += 8) {
            f32 *o = dw + ((ky * 3 + kx) * Ci + cb) * Co + ob;
            v128_t a00 = wasm_v128_load(o), a01 = wasm_v128_load(o + 4);
            v128_t a10 = wasm_v128_load(o + Co), a11 = wasm_v128_load(o + Co + 4);
            v128_t a20 = wasm_v128_load(o + 2 * Co), a21 = wasm_v128_load(o + 2 * Co + 4);
            v128_t a30 = wasm_v128_load(o + 3 * Co), a31 = wasm_v128_load(o + 3 * Co + 4);
            for (u32 xx = x0; xx < x1; xx++) {
              const f32 *xp = x + (iy * W + xx + kx - 1) * Ci + cb;
              const f32 *dp = dy + (y * W + xx) * Co + ob;
              for (u32 n = 0; n < N; n++) {
                const v128_t v = wasm_v128_load(xp + n * xs);
                const v128_t b0 = wasm_v128_load(dp + n * ds), b1 = wasm_v128_load(dp + n * ds + 4);
                MAC_LANE(a00, a01, v, 0, b0, b1)
                MAC_LANE(a10, a11, v, 1, b0, b1)
                MAC_LANE(a20, a21, v, 2, b0, b1)
                MAC_LANE(a30, a31, v, 3, b0, b1)
              }
            }
            wasm_v128_store(o, a00), wasm_v128_store(o + 4, a01);
            wasm_v128_store(o + Co, a10), wasm_v128_store(o + Co + 4, a11);
            wasm_v128_store(o + 2 * Co, a20), wasm_v128_store(o + 2 * Co + 4, a21);
            wasm_v128_store(o + 3 * Co, a30), wasm_v128_store(o + 3 * Co + 4, a31);
          }
        }
        for (; cb < Ci; cb++) {
          for (u32 ob = 0; ob < Co; ob += 8) {
            f32 *o = dw + ((ky * 3 + kx) * Ci + cb) * Co + ob;
            v128_t a00 = wasm_v128_load(o), a01 = wasm_v128_load(o + 4);
            for (u32 xx = x0; xx < x1; xx++) {
              const f32 *xp = x + (iy * W + xx + kx - 1) * Ci + cb;
              const f32 *dp = dy + (y * W + xx) * Co + ob;
              for (u32 n = 0; n < N; n++) {
                const v128_t s = SPLAT(xp[n * xs]);
                a00 = ADD(a00, MUL(s, wasm_v128_load(dp + n * ds)));
                a01 = ADD(a01, MUL(s, wasm_v128_load(dp + n * ds + 4)));
              }
            }
            wasm_v128_store(o, a00), wasm_v128_store(o + 4, a01);
          }
        }
      }
    }
  }
}

// ==== 3. Pooling ====

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

// ==== 4. Batch normalisation ====

// ---- Batch normalisation in training mode (batch statistics), NHWC as M rows of C channels ----
// Per-channel sums are accumulated in float64 (more exact than the float32 sums they replace) in
// blocks of 4 channels; the per-channel constants go through `scratch` (heap memory the caller
// owns) so that the element passes read them as vectors.

// sum[c] = sum over rows of x[m, c] (mode 0), of (x - mean[c])^2 (mode 1), or with dy given:
// sum[c] = sum of dy and sum2[c] = sum of dy * (x - mean[c]) (mode 2). Results in double, returned
// rounded to float32 after dividing by `divisor`.
static void channel_sums(int mode, const f32 *x, const f32 *dy, const f32 *mean, u32 M, u32 C, double divisor, f32 *sum,
                         f32 *sum2) {
  u32 c = 0;
  for (; c + 4 <= C; c += 4) {
    v128_t a0 = wasm_f64x2_splat(0), a1 = wasm_f64x2_splat(0), b0 = wasm_f64x2_splat(0), b1 = wasm_f64x2_splat(0);
    v128_t m0 = wasm_f64x2_splat(0), m1 = wasm_f64x2_splat(0);
    if (mode != 0) {
      const v128_t mv = wasm_v128_load(mean + c);
      m0 = low_f64(mv);
      m1 = high_f64(mv);
    }
    for (u32 r = 0; r < M; r++) {
      const v128_t xv = wasm_v128_load(x + r * C + c);
      v128_t x0 = low_f64(xv), x1 = high_f64(xv);
      if (mode == 0) {
        a0 = wasm_f64x2_add(a0, x0);
        a1 = wasm_f64x2_add(a1, x1);
      } else if (mode == 1) {
        x0 = wasm_f64x2_sub(x0, m0);
        x1 = wasm_f64x2_sub(x1, m1);
        a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(x0, x0));
        a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(x1, x1));
      } else {
        const v128_t gv = wasm_v128_load(dy + r * C + c);
        const v128_t g0 = low_f64(gv), g1 = high_f64(gv);
        a0 = wasm_f64x2_add(a0, g0);
        a1 = wasm_f64x2_add(a1, g1);
        b0 = wasm_f64x2_add(b0, wasm_f64x2_mul(g0, wasm_f64x2_sub(x0, m0)));
        b1 = wasm_f64x2_add(b1, wasm_f64x2_mul(g1, wasm_f64x2_sub(x1, m1)));
      }
    }
    sum[c] = (f32)(wasm_f64x2_extract_lane(a0, 0) / divisor);
    sum[c + 1] = (f32)(wasm_f64x2_extract_lane(a0, 1) / divisor);
    sum[c + 2] = (f32)(wasm_f64x2_extract_lane(a1, 0) / divisor);
    sum[c + 3] = (f32)(wasm_f64x2_extract_lane(a1, 1) / divisor);
    if (mode == 2) {
      sum2[c] = (f32)(wasm_f64x2_extract_lane(b0, 0) / divisor);
      sum2[c + 1] = (f32)(wasm_f64x2_extract_lane(b0, 1) / divisor);
      sum2[c + 2] = (f32)(wasm_f64x2_extract_lane(b1, 0) / divisor);
      sum2[c + 3] = (f32)(wasm_f64x2_extract_lane(b1, 1) / divisor);
    }
  }
  for (; c < C; c++) {
    double a = 0, b = 0;
    const double m = mode != 0 ? (double)mean[c] : 0.0;
    for (u32 r = 0; r < M; r++) {
      const double xv = (double)x[r * C + c] - m;
      if (mode == 0) a += xv;
      else if (mode == 1) a += xv * xv;
      else {
        const double g = (double)dy[r * C + c];
        a += g;
        b += g * xv;
      }
    }
    sum[c] = (f32)(a / divisor);
    if (mode == 2) sum2[c] = (f32)(b / divisor);
  }
}

// out[r, c] = x[r, c] * k1[c] + k2[c] (n2 == 0), or dy * k1 + (x - mean) * k2 + k3 (the gradient).
static void channel_affine(const f32 *x, const f32 *dy, const f32 *mean, const f32 *k1, const f32 *k2, const f32 *k3, u32 M,
                           u32 C, f32 *out) {
  for (u32 r = 0; r < M; r++) {
    for (u32 c = 0; c < C; c += 4) {
      const u32 left = C - c;
      const v128_t xv = load(x + r * C, c, left);
      v128_t o;
      if (dy) {
        o = ADD(ADD(MUL(load(dy + r * C, c, left), load(k1, c, left)), MUL(SUB(xv, load(mean, c, left)), load(k2, c, left))),
                load(k3, c, left));
      } else {
        o = ADD(MUL(xv, load(k1, c, left)), load(k2, c, left));
      }
      store(out + r * C, c, left, o);
    }
  }
}

// y = gamma (x - mean) / sqrt(var + eps) + beta with the batch's mean and biased variance; writes
// mean, var and invstd = 1 / sqrt(var + eps). scratch: 2C floats.
EXPORT(batch_norm_forward)
void batch_norm_forward(const f32 *x, const f32 *gamma, const f32 *beta, u32 M, u32 C, f32 eps, f32 *y, f32 *mean, f32 *var,
                        f32 *invstd, f32 *scratch) {
  channel_sums(0, x, 0, 0, M, C, (double)M, mean, 0);
  channel_sums(1, x, 0, mean, M, C, (double)M, var, 0);
  f32 *scale = scratch, *shift = scratch + C;
  for (u32 c = 0; c < C; c++) {
    invstd[c] = 1.0f / __builtin_sqrtf(var[c] + eps);
    scale[c] = gamma[c] * invstd[c];
    shift[c] = beta[c] - mean[c] * scale[c];
  }
  channel_affine(x, 0, 0, scale, shift, 0, M, C, y);
}

// dx = gamma invstd / M (M dy - sum(dy) - xhat sum(dy xhat)), dgamma = sum(dy xhat), dbeta = sum(dy),
// with xhat = (x - mean) invstd. scratch: 3C floats.
EXPORT(batch_norm_backward)
void batch_norm_backward(const f32 *dy, const f32 *x, const f32 *gamma, const f32 *mean, const f32 *invstd, u32 M, u32 C,
                         f32 *dx, f32 *dgamma, f32 *dbeta, f32 *scratch) {
  channel_sums(2, x, dy, mean, M, C, 1.0, dbeta, dgamma);
  f32 *k1 = scratch, *k2 = scratch + C, *k3 = scratch + 2 * C;
  const f32 n = (f32)M;
  for (u32 c = 0; c < C; c++) {
    dgamma[c] = dgamma[c] * invstd[c];
    k1[c] = gamma[c] * invstd[c];
    k2[c] = -(k1[c] * invstd[c] * dgamma[c]) / n;
    k3[c] = -(k1[c] * dbeta[c]) / n;
  }
  channel_affine(x, dy, mean, k1, k2, k3, M, C, dx);
}

// ---- The element passes of batch norm in training mode, for the exact engine ----
// The same float32 operations in the same order as the op-by-op path (experiments/backend/
// channel-ops.ts), one pass each instead of two to five: out = x * k1 + k2 (channelAffine),
// out = dy * (x - mean) (the product whose channel sums give dgamma) and
// out = (dy * k1 + (x - mean) * k2) + k3 (the input gradient).
EXPORT(channel_affine_forward)
void channel_affine_forward(const f32 *x, const f32 *k1, const f32 *k2, u32 M, u32 C, f32 *out) {
  channel_affine(x, 0, 0, k1, k2, 0, M, C, out);
}

EXPORT(channel_affine_backward)
void channel_affine_backward(const f32 *x, const f32 *dy, const f32 *mean, const f32 *k1, const f32 *k2, const f32 *k3, u32 M,
                             u32 C, f32 *out) {
  channel_affine(x, dy, mean, k1, k2, k3, M, C, out);
}

EXPORT(centred_product)
void centred_product(const f32 *x, const f32 *dy, const f32 *mean, u32 M, u32 C, f32 *out) {
  for (u32 r = 0; r < M; r++) {
    for (u32 c = 0; c < C; c += 4) {
      const u32 left = C - c;
      store(out + r * C, c, left, MUL(load(dy + r * C, c, left), SUB(load(x + r * C, c, left), load(mean, c, left))));
    }
  }
}

// ---- Batch normalisation in inference mode (running statistics) and the activation ----
// y = act(beta + (x - mean) * gamma / sqrt(var + eps)), computed as tfjs-backend-wasm's
// FusedBatchNorm does it (difference and product in float32, the square root in float32, the
// division and the addition in float64, rounded to float32 once), then its Relu (max(0, y)) or
// LeakyRelu (y < 0 ? slope * y : y): y equals the two stock kernels' output to the bit, in one pass.
// With `responses` nonzero it also measures each of the N images (P positions of C channels):
// active[c] += 1 where the image's largest y is > 0, peak[c] = the largest |y|, and
// responses[n, c] = the spatial mean of max(y, 0), summed in float32 position after position and
// divided by P (the stock Mean's order after its transpose), for experiments/measure.ts.
// scratch: 3 * C4 floats, C4 = C rounded up to a multiple of 4.
EXPORT(batch_norm_activation_inference)
void batch_norm_activation_inference(const f32 *x, const f32 *mean, const f32 *var, const f32 *gamma, const f32 *beta,
                                     u32 N, u32 P, u32 C, f32 eps, int leaky, f32 slope, f32 *y, f32 *active, f32 *peak,
                                     f32 *responses, f32 *scratch) {
  const u32 C4 = (C + 3) & ~3u;
  double *norm = (double *)scratch;
  f32 *imageMax = scratch + 2 * C4;
  const v128_t zero = SPLAT(0.0f), one = SPLAT(1.0f), sl = SPLAT(slope), minusInf = SPLAT(-__builtin_inff());
  for (u32 c = 0; c < C4; c += 4) {
    const v128_t s = SQRT(ADD(load(var, c, C - c), SPLAT(eps)));
    wasm_v128_store(norm + c, low_f64(s));
    wasm_v128_store(norm + c + 2, high_f64(s));
  }
  if (responses) {
    for (u32 c = 0; c < C4; c += 4) {
      store(active, c, C - c, zero);
      store(peak, c, C - c, zero);
    }
  }
  for (u32 n = 0; n < N; n++) {
    const f32 *xn = x + n * P * C;
    f32 *yn = y + n * P * C;
    f32 *rn = responses ? responses + n * C : 0;
    if (responses) {
      for (u32 c = 0; c < C4; c += 4) {
        wasm_v128_store(imageMax + c, minusInf);
        store(rn, c, C - c, zero);
      }
    }
    for (u32 p = 0; p < P; p++) {
      for (u32 c = 0; c < C; c += 4) {
        const u32 left = C - c;
        const v128_t t = MUL(SUB(load(xn + p * C, c, left), load(mean, c, left)), load(gamma, c, left));
        const v128_t b = load(beta, c, left);
        const v128_t d0 = wasm_f64x2_add(low_f64(b), wasm_f64x2_div(low_f64(t), wasm_v128_load(norm + c)));
        const v128_t d1 = wasm_f64x2_add(high_f64(b), wasm_f64x2_div(high_f64(t), wasm_v128_load(norm + c + 2)));
        v128_t o = wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(d0), wasm_f32x4_demote_f64x2_zero(d1), 0, 1, 4, 5);
        o = leaky ? wasm_v128_bitselect(MUL(sl, o), o, wasm_f32x4_lt(o, zero)) : wasm_f32x4_pmax(zero, o);
        store(yn + p * C, c, left, o);
        if (responses) {
          wasm_v128_store(imageMax + c, wasm_f32x4_pmax(wasm_v128_load(imageMax + c), o));
          store(rn, c, left, ADD(load(rn, c, left), wasm_f32x4_pmax(zero, o)));
          store(peak, c, left, wasm_f32x4_pmax(load(peak, c, left), wasm_f32x4_abs(o)));
        }
      }
    }
    if (responses) {
      const v128_t positions = SPLAT((f32)P);
      for (u32 c = 0; c < C; c += 4) {
        const u32 left = C - c;
        const v128_t on = wasm_v128_and(wasm_f32x4_gt(wasm_v128_load(imageMax + c), zero), one);
        store(active, c, left, ADD(load(active, c, left), on));
        store(rn, c, left, DIV(load(rn, c, left), positions));
      }
    }
  }
}
