// "proxy-bulk": bulk transfers through the SS proxy with real-world readers
// (slow, stalling, stopped), small client buffers and dead endpoints.
#pragma once

#include <memory>

#include "sim/scenario.h"

namespace ss::sim {

std::unique_ptr<Scenario> make_proxy_bulk_scenario();

}  // namespace ss::sim
