// The "overloaded lambdas" helper for std::visit over Step::Body.
#pragma once

namespace callplan::detail {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
// clang 14 (the fuzz preset) has no implicit deduction guides for aggregates.
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace callplan::detail
