#include "sip/transport/descriptor_limit.hpp"

#include <algorithm>

#include <sys/resource.h>

namespace callplan::sip {

DescriptorLimit raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  DescriptorLimit out{limit.rlim_cur, limit.rlim_cur, limit.rlim_max};
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) out.soft = raised.rlim_cur;
  }
  return out;
}

std::size_t connections_within(std::uint64_t soft, std::size_t wanted) {
  if (soft == 0 || soft == RLIM_INFINITY) return wanted;
  const std::uint64_t room = soft > kReservedDescriptors + 1 ? soft - kReservedDescriptors : 1;
  return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, room));
}

}  // namespace callplan::sip
