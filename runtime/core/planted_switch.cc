// The strong planted_bug_on (runtime/core/planted.h), linked only into
// test-only binaries: reads SS_PLANTED_BUG once per process.
#include <cstdlib>
#include <cstring>

#include "runtime/core/planted.h"

namespace ss {

bool planted_bug_on(const char* name) {
  static const char* const on = std::getenv("SS_PLANTED_BUG");
  return on != nullptr && std::strcmp(on, name) == 0;
}

}  // namespace ss
