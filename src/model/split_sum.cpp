#include "model/split_sum.hpp"

#include <openssl/bn.h>

#include <memory>
#include <numeric>
#include <stdexcept>

namespace reelstat::model {
namespace {

__int128 abs128(__int128 v) {
  return v < 0 ? -v : v;
}

// n / d rounded half away from zero, for d > 0.
__int128 divide_rounded(__int128 n, __int128 d) {
  __int128 q = abs128(n) / d, r = abs128(n) % d;
  if (2 * r >= d) ++q;
  return n < 0 ? -q : q;
}

// OpenSSL's arbitrary-precision integers, owned.
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct BnCtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn new_bn() {
  Bn b(BN_new());
  if (!b) throw std::bad_alloc();
  return b;
}

void check(int ok) {
  if (ok != 1) throw std::runtime_error("OpenSSL BIGNUM arithmetic failed");
}

Bn bn_from(__int128 v) {
  unsigned __int128 magnitude = v < 0 ? static_cast<unsigned __int128>(-(v + 1)) + 1 : v;
  unsigned char bytes[16];
  for (int i = 15; i >= 0; --i, magnitude >>= 8)
    bytes[i] = static_cast<unsigned char>(magnitude & 0xff);
  Bn b(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!b) throw std::bad_alloc();
  BN_set_negative(b.get(), v < 0);
  return b;
}

}  // namespace

template <class F>
void SplitSum::for_each_group(F&& f) const {
  for (uint32_t i = 0; i < inline_count_; ++i)
    f(inline_[i]);
  for (const auto& g : more_)
    f(g);
}

void SplitSum::add(int64_t amount, uint32_t ways) {
  if (ways == 0) throw std::invalid_argument("SplitSum::add: zero ways");
  for (uint32_t i = 0; i < inline_count_; ++i) {
    if (inline_[i].ways == ways) {
      inline_[i].sum += amount;
      return;
    }
  }
  if (inline_count_ < inline_.size()) {
    inline_[inline_count_++] = Group{ways, amount};
    return;
  }
  for (auto& g : more_) {
    if (g.ways == ways) {
      g.sum += amount;
      return;
    }
  }
  more_.push_back(Group{ways, amount});
}

__int128 SplitSum::cents() const {
  // Common denominator: the lcm of the n present. For every real row it is small and the
  // numerator fits in 128 bits; when either would not, arbitrary precision keeps the sum exact.
  int64_t lcm = 1;
  bool fits = true;
  for_each_group([&](const Group& g) {
    if (!fits) return;
    lcm = std::lcm(lcm, static_cast<int64_t>(g.ways));
    if (lcm > 1'000'000'000'000'000) fits = false;
  });
  __int128 numerator = 0;
  for_each_group([&](const Group& g) {
    __int128 term = 0;
    if (fits && (__builtin_mul_overflow(g.sum, static_cast<__int128>(100) * (lcm / g.ways), &term) ||
                 __builtin_add_overflow(numerator, term, &numerator)))
      fits = false;
  });
  return fits ? divide_rounded(numerator, lcm) : cents_by_bignum();
}

__int128 SplitSum::cents_by_bignum() const {
  std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
  if (!ctx) throw std::bad_alloc();
  Bn lcm = bn_from(1), gcd = new_bn(), product = new_bn();
  for_each_group([&](const Group& g) {
    Bn ways = bn_from(g.ways);
    check(BN_gcd(gcd.get(), lcm.get(), ways.get(), ctx.get()));
    check(BN_mul(product.get(), lcm.get(), ways.get(), ctx.get()));
    check(BN_div(lcm.get(), nullptr, product.get(), gcd.get(), ctx.get()));
  });
  Bn numerator = bn_from(0), hundred = bn_from(100), share = new_bn(), term = new_bn();
  for_each_group([&](const Group& g) {
    Bn ways = bn_from(g.ways), sum = bn_from(g.sum);
    check(BN_div(share.get(), nullptr, lcm.get(), ways.get(), ctx.get()));  // lcm / n, exact
    check(BN_mul(term.get(), sum.get(), share.get(), ctx.get()));
    check(BN_mul(term.get(), term.get(), hundred.get(), ctx.get()));
    check(BN_add(numerator.get(), numerator.get(), term.get()));
  });
  // Rounded half away from zero: |numerator| / lcm, plus one when twice the remainder reaches lcm.
  const bool negative = BN_is_negative(numerator.get());
  BN_set_negative(numerator.get(), 0);
  Bn quotient = new_bn(), remainder = new_bn();
  check(BN_div(quotient.get(), remainder.get(), numerator.get(), lcm.get(), ctx.get()));
  check(BN_lshift1(remainder.get(), remainder.get()));
  if (BN_cmp(remainder.get(), lcm.get()) >= 0) check(BN_add_word(quotient.get(), 1));
  // The cents of a row are bounded by its amounts' sum times 100, far inside 128 bits.
  if (BN_num_bytes(quotient.get()) > 15) throw std::overflow_error("split sum beyond 120 bits");
  unsigned char bytes[16] = {};
  BN_bn2binpad(quotient.get(), bytes, sizeof bytes);
  __int128 value = 0;
  for (unsigned char b : bytes)
    value = (value << 8) | b;
  return negative ? -value : value;
}

}  // namespace reelstat::model
