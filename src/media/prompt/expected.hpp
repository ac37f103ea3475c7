// media/prompt/expected.hpp — a value or the reason there is none (std::expected is C++23).
// Shared by the prompt, voicemail and mail libraries: their failures are values that a host
// turns into a warning, a log line or a SIP status, never exceptions across the boundary.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

namespace callplan::media {

// The error of an Expected, spelled out where the value and error types are the same
// (Expected<std::string, std::string>): `return Unexpected{std::string("why")};`.
template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

template <class T, class E>
class Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Expected(E error) requires(!std::is_same_v<T, E>)                    // NOLINT
      : v_(std::in_place_index<1>, std::move(error)) {}
  Expected(Unexpected<E> failure) : v_(std::in_place_index<1>, std::move(failure.error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const E& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

}  // namespace callplan::media
