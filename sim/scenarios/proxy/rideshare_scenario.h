// "rideshare": multipart uploads along rideshare chains, directly and
// through the SS proxy (rideshare_scenario.cc says what is checked).
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

std::unique_ptr<Scenario> make_rideshare_scenario();

}  // namespace ss::sim
