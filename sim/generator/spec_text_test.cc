#include "sim/generator/spec_text.h"

#include <gtest/gtest.h>

#include <string>

#include "sim/generator/test_specs.h"

namespace ss::sim::gen {
namespace {

std::string reread(const std::string& text) {
  Result<WorldSpec> back = world_spec_from_text(text);
  EXPECT_TRUE(back.ok()) << (back.ok() ? "" : back.error().message());
  return back.ok() ? world_spec_to_text(*back) : "";
}

TEST(SpecText, RandomSpecsRoundTripExactly) {
  for (std::uint64_t seed = 1; seed <= 500; ++seed) {
    const WorldSpec spec = testing::random_spec(seed);
    ASSERT_EQ(validate(spec), "") << "seed " << seed;
    const std::string text = world_spec_to_text(spec);
    ASSERT_EQ(reread(text), text) << "seed " << seed;
  }
}

TEST(SpecText, EveryEnumValueRoundTrips) {
  const WorldSpec spec = testing::every_enum_spec();
  ASSERT_EQ(validate(spec), "");
  const std::string text = world_spec_to_text(spec);
  EXPECT_EQ(reread(text), text);
  for (const char* name : {"\"raw\"", "\"h1\"", "\"ws\"", "\"echo\"", "\"http\"", "\"ws-echo\"", "\"none\"",
                           "\"refuse\"", "\"blackhole\"", "\"close-early\"", "\"slow\"", "\"url\"", "\"header\"",
                           "\"request_tx\"", "\"request_tx_len\"", "\"fast\"", "\"stall\"", "\"stop\"", "\"rx\"",
                           "\"tx\"", "\"state\"", "\"tcp\"", "\"unix_path\"", "\"unix_abstract\"",
                           "\"dns_nxdomain\"", "\"dns_timeout\"", "\"reset\"", "\"half_close\"", "\"clog\"",
                           "\"partition_one_way\"", "\"partition_two_way\"", "\"listener_restart\""}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
}

// Field by field, the values read are the values written (not only the text).
TEST(SpecText, ValuesSurviveTheTrip) {
  const WorldSpec spec = testing::every_enum_spec();
  Result<WorldSpec> back = world_spec_from_text(world_spec_to_text(spec));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->faults.actions.size(), 11u);
  for (std::size_t i = 0; i < 11; ++i) {
    EXPECT_EQ(back->faults.actions[i].kind, spec.faults.actions[i].kind);
    EXPECT_EQ(back->faults.actions[i].endpoint, spec.faults.actions[i].endpoint);
    EXPECT_EQ(back->faults.actions[i].at, spec.faults.actions[i].at);
  }
  EXPECT_EQ(back->streams[3].reader.kind, ReaderSpec::Kind::kStop);
  EXPECT_EQ(back->streams[3].answers.disconnect_from, AnswerSpec::From::kState);
  EXPECT_EQ(back->streams[1].tx_mode, TxMode::kRequestTxLen);
  EXPECT_EQ(back->servers[3].trouble, ServerTrouble::kCloseEarly);
  EXPECT_EQ(back->streamtypes[1].retry, std::optional<std::size_t>(0));
  EXPECT_EQ(back->streamtypes[0].retry, std::nullopt);
  EXPECT_EQ(back->streamtypes[1].metadata[0].header, "x-tag:");
}

TEST(SpecText, MissingFieldsTakeTheirDefaults) {
  Result<WorldSpec> w = world_spec_from_text(R"({"ss-sim-world": 1, "seed": 9})");
  ASSERT_TRUE(w.ok()) << w.error().message();
  EXPECT_EQ(w->seed, 9u);
  EXPECT_EQ(w->latency, WorldSpec{}.latency);
  EXPECT_TRUE(w->streams.empty());
}

std::string error_of(const std::string& text) {
  Result<WorldSpec> w = world_spec_from_text(text);
  return w.ok() ? "(no error)" : w.error().message();
}

// A small valid world to break one field of.
std::string world_with(const std::string& stream_extra) {
  return R"({"ss-sim-world": 1,
    "servers": [{"host": "srv-1", "port": 80}],
    "streamtypes": [{"name": "st-1", "server": 0}],
    "streams": [{"streamtype": 0}, {"streamtype": 0}, {"streamtype": 0)" +
         stream_extra + "}]}";
}

TEST(SpecText, BadInputNamesTheJsonPath) {
  EXPECT_EQ(error_of(world_with(R"(, "reader": {"kind": "fastt"})")),
            "streams[2].reader.kind: unknown value 'fastt' (expected fast, slow, stall or stop)");
  EXPECT_EQ(error_of(world_with(R"(, "readr": {})")), "streams[2].readr: unknown key");
  EXPECT_EQ(error_of(world_with(R"(, "download": -5)")), "streams[2].download: -5 is negative");
  EXPECT_EQ(error_of(world_with(R"(, "download": 1.5)")), "streams[2].download: expected an integer, got number 1.5");
  EXPECT_EQ(error_of(world_with(R"(, "via_proxy": 1)")), "streams[2].via_proxy: expected true or false, got number 1");
  EXPECT_EQ(error_of(world_with(R"(, "messages": [1, "x"])")),
            "streams[2].messages[1]: expected an integer, got string \"x\"");
  EXPECT_EQ(error_of(world_with(R"(, "answers": {"disconnect_every": 99999999999})")),
            "streams[2].answers.disconnect_every: 99999999999 is above 2147483647");
  EXPECT_EQ(error_of(world_with(R"(, "streamtype": 0)")), "streams[2].streamtype: appears twice");
  EXPECT_EQ(error_of(world_with(R"(, "metadata": [{"at_us": 1, "nme": "x"}])")),
            "streams[2].metadata[0].nme: unknown key");
  EXPECT_EQ(error_of(R"({"ss-sim-world": 1, "faults": [{"kind": "explode"}]})"),
            "faults[0].kind: unknown value 'explode' (expected refuse, blackhole, dns_nxdomain, dns_timeout, reset, "
            "half_close, stall, clog, partition_one_way, partition_two_way or listener_restart)");
  EXPECT_EQ(error_of(R"({"ss-sim-world": 1, "faults": [{"endpoint": {"kind": "tcp", "port": 70000}}]})"),
            "faults[0].endpoint.port: 70000 is above 65535");
  EXPECT_EQ(error_of(R"({"ss-sim-world": 1, "streams": 3})"), "streams: expected an array, got number 3");
  EXPECT_EQ(error_of(R"({"ss-sim-world": 1, "streams": [7]})"), "streams[0]: expected an object, got number 7");
}

TEST(SpecText, TheFormatTagIsRequired) {
  EXPECT_EQ(error_of(R"({"seed": 1})"),
            "ss-sim-world: missing: not an ss-sim world file (expected \"ss-sim-world\": 1)");
  EXPECT_EQ(error_of(R"({"ss-sim-world": 2})"), "ss-sim-world: format 2 is not supported (expected 1)");
  EXPECT_EQ(error_of("[1, 2]"), ": expected an object, got an array of 2");
}

TEST(SpecText, SyntaxErrorsNameTheByte) {
  const std::string e = error_of("{\"ss-sim-world\": 1,, }");
  EXPECT_EQ(e.rfind("JSON syntax error at byte ", 0), 0u) << e;
  EXPECT_EQ(error_of("").rfind("JSON syntax error at byte ", 0), 0u);
}

TEST(SpecText, AParsedSpecIsValidated) {
  EXPECT_EQ(error_of(R"({"ss-sim-world": 1, "servers": [{"host": "srv-1", "port": 80}],
                        "streamtypes": [{"name": "st-1", "server": 4}]})"),
            "streamtypes[0].server: 4 but 1 servers");
  EXPECT_EQ(error_of(world_with(R"(, "via_proxy": true)")), "streams[2].via_proxy: the world has no proxy");
}

// Whatever the bytes, a clear error or a spec; never a crash or an exception.
TEST(SpecText, MangledFilesNeverCrash) {
  const std::string good = world_spec_to_text(testing::every_enum_spec());
  Rng rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string text = good;
    for (auto n = 1 + rng.below(4); n > 0; --n) {
      const auto at = rng.below(text.size());
      switch (rng.below(3)) {
        case 0: text[at] = static_cast<char>(rng.below(256)); break;
        case 1: text.erase(at, 1 + rng.below(20)); break;
        default: text.insert(at, 1, "{}[],:\"0-e9"[rng.below(11)]); break;
      }
    }
    Result<WorldSpec> w = world_spec_from_text(text);
    if (w.ok()) {
      EXPECT_EQ(validate(*w), "");
    } else {
      EXPECT_FALSE(w.error().message().empty());
      EXPECT_EQ(w.error().message().find('\n'), std::string::npos) << w.error().message();
    }
  }
}

TEST(SpecText, FilesRoundTripAndNameThemselvesInErrors) {
  const std::string dir = ::testing::TempDir();
  const WorldSpec spec = testing::random_spec(3);
  ASSERT_TRUE(save_world_spec(dir + "/w.json", spec).ok());
  Result<WorldSpec> back = load_world_spec(dir + "/w.json");
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(world_spec_to_text(*back), world_spec_to_text(spec));
  Result<WorldSpec> missing = load_world_spec(dir + "/nope.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), dir + "/nope.json: cannot read the file");
  EXPECT_FALSE(save_world_spec(dir + "/no/such/dir/w.json", spec).ok());
}

}  // namespace
}  // namespace ss::sim::gen
