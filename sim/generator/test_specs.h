// TEST ONLY: WorldSpecs for the tests of spec_text.h and shrink.h, made
// without the generator: a random valid spec per seed (every field drawn,
// extreme integers included) and a hand-built one that holds every enum
// value.
#pragma once

#include <cstdint>

#include "sim/generator/world_spec.h"

namespace ss::sim::gen::testing {

// Valid (validate() == ""), deterministic in `seed`.
WorldSpec random_spec(std::uint64_t seed);

// Every value of every enum (Proto, ServerKind, ServerTrouble, MetadataSpec::Use,
// TxMode, ReaderSpec::Kind, AnswerSpec::From, FaultKind, Endpoint::Kind) at
// least once. Valid.
WorldSpec every_enum_spec();

}  // namespace ss::sim::gen::testing
