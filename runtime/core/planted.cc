#include "runtime/core/planted.h"

namespace ss {

// Weak: a test-only binary overrides it with planted_switch.cc. Kept out of
// line (no LTO here), so each site costs one call that returns false.
__attribute__((weak)) bool planted_bug_on(const char*) { return false; }

}  // namespace ss
