// Internal: the Engine's string-keyed lookups (extensions, device ids, SIP usernames, numbers).
//
// Built once at compile, then read-only and safe to share between threads. Every routed call
// makes a few of these lookups (the dialled number, the caller, each presence entry), so they
// are made cheap on purpose: open addressing with linear probing in one flat array whose slots
// keep the key's full 64-bit hash, keys stored back to back in one buffer. A lookup hashes the
// key once, inline, and almost always touches one slot and compares one string.
// (std::unordered_map with a transparent string_view hasher, used before, does not cache hash
// codes: walking a bucket re-hashed every node it passed, through an out-of-line hash
// function, and chased a pointer per node; that was about a quarter of a routed call.)
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace callplan::detail {

// A 64-bit hash for short strings (numbers, extensions, ids): 8 bytes at a time, each folded
// in with a multiply, then the splitmix64 finaliser so that the low bits (the slot index) depend
// on every byte. Deterministic on every platform; never 0 (0 marks an empty slot).
inline std::uint64_t hash_key(std::string_view s) noexcept {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = kMul ^ (s.size() * 0xFF51AFD7ED558CCDull);
  const char* p = s.data();
  const std::size_t n = s.size();
  const auto load8 = [](const char* q) {
    std::uint64_t w;
    std::memcpy(&w, q, 8);
    return w;
  };
  const auto load4 = [](const char* q) {
    std::uint32_t w;
    std::memcpy(&w, q, 4);
    return std::uint64_t{w};
  };
  std::uint64_t tail = 0;
  if (n >= 8) {
    // Whole words, then the last 8 bytes (overlapping the previous word when n % 8 != 0).
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      h = (h ^ load8(p + i)) * kMul;
      h ^= h >> 29;
    }
    tail = load8(p + n - 8);
  } else if (n >= 4) {
    tail = load4(p) | (load4(p + n - 4) << 32);
  } else if (n > 0) {
    tail = std::uint64_t{static_cast<unsigned char>(p[0])} |
           (std::uint64_t{static_cast<unsigned char>(p[n / 2])} << 8) |
           (std::uint64_t{static_cast<unsigned char>(p[n - 1])} << 16);
  }
  h = (h ^ tail) * kMul;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  h ^= h >> 31;
  return h | (h == 0 ? 1 : 0);
}

// a == b for strings of equal length, without a call to memcmp for the short keys the tables
// hold (word loads, overlapping at the end, as in hash_key).
inline bool equal_keys(const char* a, const char* b, std::size_t n) noexcept {
  const auto load8 = [](const char* q) {
    std::uint64_t w;
    std::memcpy(&w, q, 8);
    return w;
  };
  const auto load4 = [](const char* q) {
    std::uint32_t w;
    std::memcpy(&w, q, 4);
    return w;
  };
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return load8(a) == load8(b) && load8(a + n - 8) == load8(b + n - 8);
  }
  if (n >= 4) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

template <class V>
class StringTable {
 public:
  // Adds key -> value unless the key is there already (then the first value stays, like
  // std::unordered_map::emplace). Returns whether it was added.
  bool emplace(std::string_view key, V value) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    const std::uint64_t h = hash_key(key);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.hash == 0) {
        s.hash = h;
        s.key_begin = keys_.size();
        s.key_size = key.size();
        s.value = value;
        keys_.append(key);
        ++count_;
        return true;
      }
      if (s.hash == h && key_of(s) == key) return false;
    }
  }

  // The value for `key`, or nullptr. Valid as long as the table.
  const V* find(std::string_view key) const noexcept { return find(key, hash_key(key)); }

  // The same with the key's hash_key() already at hand: a key looked up in several tables (a
  // caller among extensions, then device ids) is hashed once.
  const V* find(std::string_view key, std::uint64_t h) const noexcept {
    if (count_ == 0) return nullptr;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == h && s.key_size == key.size() &&
          equal_keys(keys_.data() + s.key_begin, key.data(), key.size())) {
        return &s.value;
      }
    }
  }

  std::size_t size() const noexcept { return count_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;  // 0: empty
    std::size_t key_begin = 0;
    std::size_t key_size = 0;
    V value{};
  };

  std::string_view key_of(const Slot& s) const noexcept {
    return std::string_view(keys_).substr(s.key_begin, s.key_size);
  }

  // Keeps the load at most 1/2, so that probe runs stay short even for keys that differ only in
  // their last digits.
  void grow() {
    const std::size_t capacity = slots_.empty() ? 16 : slots_.size() * 2;
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (s.hash == 0) continue;
      std::size_t i = s.hash & mask_;
      while (slots_[i].hash != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  // size: a power of two (or 0)
  std::size_t mask_ = 0;
  std::size_t count_ = 0;
  std::string keys_;
};

}  // namespace callplan::detail
