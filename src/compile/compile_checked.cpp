// Engine::compile(tenant) runs the checker first. It lives in its own file so that hosts which
// check for themselves (and pass the issues) do not pull the checker in through this object.
#include "callplan/check.hpp"
#include "callplan/engine.hpp"

namespace callplan {

std::shared_ptr<const Engine> Engine::compile(const Tenant& tenant) {
  return compile(tenant, check(tenant));
}

}  // namespace callplan
