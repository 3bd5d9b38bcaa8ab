// Parser tests: the interop policy, one table row per error class (docs/policy.md
// "Errors and warnings"; each must give exactly one error naming the JSON path),
// warnings where libwebsockets reads the text differently, overlays, limits.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <openssl/x509.h>

#include "runtime/policy/certs.h"
#include "runtime/policy/parse.h"
#include "runtime/policy/retry.h"
#include "runtime/policy/serialize.h"
#include "runtime/policy/testdata/test_certs.h"

namespace ss::policy {
namespace {

using Severity = Diagnostic::Severity;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string errors_of(const ParseOutput& out) {
  std::string s;
  for (const auto& d : out.diagnostics) s += format_diagnostic(d) + "\n";
  return s;
}

// A valid policy with one of everything that can be referenced.
std::string base_with(const std::string& streamtype_body, const std::string& extra_top = "") {
  return std::string(R"({"release":"1","product":"t","schema-version":1,)") +
         R"("retry":[{"default":{"backoff":[1000,2000],"conceal":3,"jitterpc":20}}],)" +
         R"("certs":[{"ca":")" + testdata::kCertA + R"("},{"key":")" + testdata::kKeyA + R"("}],)" +
         R"("trust_stores":[{"name":"ts","stack":["ca"]}],)" +
         R"("auth":[{"name":"sig","type":"sigv4","streamtype":"x","blob":1}],)" + extra_top +
         R"("s":[{"x":)" + streamtype_body + "}]}";
}

TEST(ParsePolicy, InteropPolicyParsesAsLibwebsocketsMeansIt) {
  const std::string text = read_file("runtime/policy/testdata/interop-policy.json");
  ASSERT_FALSE(text.empty());
  const ParseOutput out = parse_policy(text);
  ASSERT_TRUE(out.ok()) << errors_of(out);
  EXPECT_TRUE(out.diagnostics.empty()) << errors_of(out);
  const Policy& p = *out.policy;
  EXPECT_EQ(p.release, "01234567");
  EXPECT_EQ(p.product, "lwsref-local");
  EXPECT_EQ(p.schema_version, 1);
  ASSERT_EQ(p.retries.size(), 1u);
  EXPECT_EQ(p.retries[0].backoff_ms, (std::vector<std::uint32_t>{1000, 2000, 3000, 5000, 10000}));
  EXPECT_EQ(p.retries[0].conceal, 5);
  EXPECT_EQ(p.retries[0].jitter_percent, 20);
  EXPECT_EQ(p.retries[0].secs_since_valid_ping, 30);
  EXPECT_EQ(p.retries[0].secs_since_valid_hangup, 35);
  ASSERT_EQ(p.streamtypes.size(), 3u);
  const Streamtype& m = p.streamtypes[0];
  EXPECT_EQ(m.name, "mintest");
  EXPECT_EQ(m.endpoint, "127.0.0.1");
  EXPECT_EQ(m.port, 7681);
  EXPECT_EQ(m.protocol, Protocol::kH1);
  EXPECT_EQ(m.http_method, "GET");
  EXPECT_EQ(m.http_url, "index.html?uptag=${uptag}");
  ASSERT_EQ(m.metadata.size(), 2u);
  EXPECT_EQ(m.metadata[0], (MetadataDecl{"uptag", "X-Upload-Tag:"}));
  EXPECT_EQ(m.metadata[1], (MetadataDecl{"ctype", "X-Content-Type:"}));
  EXPECT_FALSE(m.tls);
  EXPECT_TRUE(m.opportunistic);
  EXPECT_EQ(m.retry, 0u);
  EXPECT_EQ(m.timeout_ms, 2000u);
  EXPECT_EQ(m.flags(), kFlagOpportunistic);
  const Streamtype* ws = p.find_streamtype("sx_ws_echo");
  ASSERT_NE(ws, nullptr);
  EXPECT_EQ(ws->protocol, Protocol::kWs);
  EXPECT_EQ(ws->ws_subprotocol, "lws-mirror-protocol");
  EXPECT_TRUE(ws->nailed_up);
  EXPECT_TRUE(ws->ws_binary);
  EXPECT_EQ(p.streamtypes[2].http_method, "POST");
}

TEST(ParsePolicy, ReferencesResolveToIndices) {
  const ParseOutput out = parse_policy(base_with(
      R"({"tls":true,"tls_trust_store":"ts","retry":"default","use_auth":"sig","server":true,)"
      R"("server_cert":"ca","server_key":"key","client_cert":0})"));
  ASSERT_TRUE(out.ok()) << errors_of(out);
  const Streamtype& st = out.policy->streamtypes[0];
  EXPECT_EQ(st.trust_store, 0u);
  EXPECT_EQ(st.retry, 0u);
  EXPECT_EQ(st.use_auth, 0u);
  EXPECT_EQ(st.server_cert, 0u);
  EXPECT_EQ(st.server_key, 1u);
  EXPECT_EQ(st.client_cert, 1);  // stored +1
  EXPECT_TRUE(out.policy->certs[0].is_certificate);
  EXPECT_FALSE(out.policy->certs[1].is_certificate);
  ASSERT_EQ(out.policy->trust_stores[0].certs.size(), 1u);
  // The trust store holds the DER OpenSSL will be given: it reads as one X509.
  const std::vector<std::uint8_t>& der = out.policy->certs[out.policy->trust_stores[0].certs[0]].der;
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  EXPECT_NE(x, nullptr);
  EXPECT_EQ(p, der.data() + der.size());
  X509_free(x);
}

struct ErrorCase {
  const char* what;
  std::string json;
  std::string path;     // expected path of the single error
  std::string message;  // expected substring of its message
};

class ErrorTable : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorTable, OneErrorNamingPathFoundAndExpected) {
  const ErrorCase& c = GetParam();
  const ParseOutput out = parse_policy(c.json);
  EXPECT_FALSE(out.ok()) << c.what;
  EXPECT_EQ(out.error_count(), 1u) << c.what << "\n" << errors_of(out);
  for (const auto& d : out.diagnostics) {
    if (d.severity != Severity::kError) continue;
    EXPECT_EQ(d.path, c.path) << c.what;
    EXPECT_NE(d.message.find(c.message), std::string::npos) << c.what << ": " << d.message;
    EXPECT_NE(d.message.find("expected"), std::string::npos) << c.what << ": " << d.message;
  }
}

std::string bad_stack(int n) {
  std::string s = R"({"s":[],"certs":[{"ca":")" + std::string(testdata::kCertA) +
                  R"("}],"trust_stores":[{"name":"t","stack":[)";
  for (int i = 0; i < n; ++i) s += std::string(i ? "," : "") + "\"ca\"";
  return s + "]}]}";
}

std::string deep(int depth) {
  return std::string(R"({"s":[{"x":{"options":)") + std::string(depth, '[') + std::string(depth, ']') + "}}]}";
}

const ErrorCase kErrors[] = {
    {"wrong type number for string", base_with(R"({"endpoint":12})"), "s[0].x.endpoint", "found number 12, expected a string"},
    {"wrong type float for int", base_with(R"({"port":1.5})"), "s[0].x.port", "found number 1.5"},
    {"wrong type s not array", R"({"s":{}})", "s", "expected an array"},
    {"out of range port", base_with(R"({"port":70000})"), "s[0].x.port", "out of range: found number 70000, expected an integer 0..65535"},
    {"out of range negative", base_with(R"({"timeout_ms":-1})"), "s[0].x.timeout_ms", "out of range"},
    {"out of range priority", base_with(R"({"attr_priority":8})"), "s[0].x.attr_priority", "0..7"},
    {"out of range qos", base_with(R"({"mqtt_qos":3})"), "s[0].x.mqtt_qos", "0..2"},
    {"out of range conceal", R"({"retry":[{"r":{"conceal":65536}}]})", "retry[0].r.conceal", "0..65535"},
    {"out of range blob", R"({"auth":[{"name":"a","blob":4}]})", "auth[0].blob", "0..3"},
    {"nine backoff entries", R"({"retry":[{"r":{"backoff":[1,2,3,4,5,6,7,8,9]}}]})", "retry[0].r.backoff", "at most 8"},
    {"unknown protocol", base_with(R"({"protocol":"h1get"})"), "s[0].x.protocol", "expected one of h1, h2, h3, ws, mqtt, raw"},
    {"undefined retry", base_with(R"({"retry":"fast"})"), "s[0].x.retry", "undefined retry policy: found \"fast\", expected one of \"default\""},
    {"undefined trust store", base_with(R"({"tls_trust_store":"nope"})"), "s[0].x.tls_trust_store", "undefined trust store"},
    {"undefined cert in stack", R"({"trust_stores":[{"name":"t","stack":["nope"]}]})", "trust_stores[0].stack[0]", "undefined cert"},
    {"undefined server_cert", base_with(R"({"server_cert":"nope"})"), "s[0].x.server_cert", "undefined cert"},
    {"undefined auth", base_with(R"({"use_auth":"nope"})"), "s[0].x.use_auth", "undefined auth"},
    {"undefined rideshare", base_with(R"({"rideshare":"nope"})"), "s[0].x.rideshare", "undefined streamtype"},
    {"bad base64", R"({"certs":[{"c":"MII*"}]})", "certs[0].c", "bad base64"},
    {"bad base64 padding", R"({"certs":[{"c":"QUJD=A"}]})", "certs[0].c", "bad base64"},
    {"not a cert", R"({"certs":[{"c":"SGVsbG8gd29ybGQ="}]})", "certs[0].c", "neither a DER X.509 certificate nor a DER private key"},
    {"key used as cert", base_with(R"({"server_cert":"key"})"), "s[0].x.server_cert", "is a private key; expected a certificate"},
    {"cert used as key", base_with(R"({"server_key":"ca"})"), "s[0].x.server_key", "is a certificate; expected a private key"},
    {"duplicate retry name", R"({"retry":[{"r":{}},{"r":{}}]})", "retry[1].r", "duplicate retry policy name \"r\""},
    {"duplicate streamtype", R"({"s":[{"a":{}},{"a":{}}]})", "s[1].a", "duplicate streamtype name"},
    {"duplicate key", base_with(R"({"port":1,"port":2})"), "s[0].x.port", "duplicate key"},
    {"duplicate metadata", base_with(R"({"metadata":[{"a":""},{"a":""}]})"), "s[0].x.metadata[1].a", "duplicate metadata name"},
    {"duplicate trust store", bad_stack(1).replace(bad_stack(1).size() - 2, 2, R"(,{"name":"t","stack":["ca"]}]})"),
     "trust_stores[1].name", "duplicate trust store name"},
    {"undeclared ${md} in url", base_with(R"({"http_url":"a/${nope}","metadata":[{"ok":""}]})"), "s[0].x.http_url", "undefined metadata ${nope}"},
    {"undeclared ${md} in topic", base_with(R"({"protocol":"mqtt","mqtt_topic":"t/${x}"})"), "s[0].x.mqtt_topic", "none are declared"},
    {"unterminated ${", base_with(R"({"endpoint":"${host"})"), "s[0].x.endpoint", "unterminated"},
    {"seven certs in a stack", bad_stack(7), "trust_stores[0].stack", "at most 6"},
    {"empty stack", bad_stack(0), "trust_stores[0].stack", "has no certs"},
    {"rideshare loop", R"({"s":[{"a":{"rideshare":"b"},"b":{"rideshare":"a"}}]})", "s[0].a.rideshare", "loops"},
    {"syntax error", R"({"s":[}")", "", "JSON syntax error at byte"},
    {"not an object", "[1]", "", "expected an object"},
    {"too deep", deep(40), "", "nesting deeper than 32"},
    {"bad resp map status", base_with(R"({"http_resp_map":[{"abc":1000}]})"), "s[0].x.http_resp_map[0].abc", "status 100..599"},
    {"trust store README form", R"({"trust_stores":[{"le":["a"]}]})", "trust_stores[0].le", "outdated"},
    {"auth name wrong type", R"({"auth":[{"name":1}]})", "auth[0].name", "expected a string"},
    {"metrics without name", R"({"metrics":[{"report":"x"}]})", "metrics[0]", "without a \"name\""},
    {"undefined retry, none defined", R"({"s":[{"x":{"retry":"r"}}]})", "s[0].x.retry", "none are defined"},
    {"bad socks5", R"({"via-socks5":"nohost"})", "via-socks5", "host:port"},
};

INSTANTIATE_TEST_SUITE_P(Issue3, ErrorTable, ::testing::ValuesIn(kErrors));

TEST(ParsePolicy, RideshareLoopReportsEachStreamtype) {
  // Both a and b start a loop; the table above checks the first message.
  EXPECT_EQ(parse_policy(R"({"s":[{"a":{"rideshare":"b"}}]})").error_count(), 1u);
}

TEST(ParsePolicy, SizeLimit) {
  std::string big = R"({"release":")" + std::string(1u << 20, 'x') + "\"}";
  const ParseOutput out = parse_policy(big);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.diagnostics[0].message.find("limit is 1048576"), std::string::npos);
}

TEST(ParsePolicy, ValueCountLimit) {
  std::string many = R"({"s":[{"x":{"options":[)";
  for (int i = 0; i < 70000; ++i) many += i ? ",1" : "1";
  many += "]}}]}";
  const ParseOutput out = parse_policy(many);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.diagnostics[0].message.find("65536 JSON values"), std::string::npos);
}

TEST(ParsePolicy, KeyLengthLimit) {
  const ParseOutput out = parse_policy(R"({"s":[{")" + std::string(257, 'k') + R"(":{}}]})");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.diagnostics[0].message.find("expected at most 256"), std::string::npos);
  EXPECT_TRUE(parse_policy(R"({"s":[{")" + std::string(256, 'k') + R"(":{}}]})").ok());
}

TEST(ParsePolicy, DiagnosticsAreCappedWithASummary) {
  std::string body;
  for (int i = 0; i < 500; ++i) body += (i ? "," : "") + std::string("{\"x") + std::to_string(i) + "\":{\"port\":70000}}";
  const ParseOutput out = parse_policy(R"({"s":[)" + body + "]}");
  ASSERT_FALSE(out.ok());
  ASSERT_EQ(out.diagnostics.size(), 201u);
  EXPECT_EQ(out.diagnostics.back().severity, Severity::kError);
  EXPECT_NE(out.diagnostics.back().message.find("300 more error(s)"), std::string::npos)
      << out.diagnostics.back().message;
  // Long names are cut short in messages.
  const ParseOutput ref = parse_policy(R"({"s":[{"x":{"retry":")" + std::string(5000, 'r') + R"("}}]})");
  ASSERT_FALSE(ref.ok());
  EXPECT_LT(ref.diagnostics[0].message.size(), 300u);
}

struct WarningCase {
  const char* what;
  std::string json;
  std::string path;
  std::string message;
};

TEST(ParsePolicy, WarningsWhereLibwebsocketsDiffers) {
  const WarningCase cases[] = {
      {"forward reference to retry", R"({"s":[{"x":{"retry":"r"}}],"retry":[{"r":{}}]})", "s[0].x.retry",
       "forward reference to retry policy \"r\""},
      {"forward reference cert", R"({"trust_stores":[{"name":"t","stack":["c"]}],"certs":[{"c":")" +
                                     std::string(testdata::kCertA) + R"("}],"s":[{"z":{}}]})",
       "trust_stores[0].stack[0]", "forward reference to cert"},
      {"cert over 3072 bytes", R"({"certs":[{"c":")" + std::string(testdata::kCertBig) + R"("}],"s":[{"z":{}}]})",
       "certs[0].c", "libwebsockets rejects more than 3072"},
      {"plugins", R"({"plugins":[],"s":[{"z":{}}]})", "plugins", "deprecated"},
      {"integer as string", R"({"s":[{"x":{"port":"443"}}]})", "s[0].x.port", "write it as a JSON number"},
      {"unused socks5", R"({"s":[{"x":{"via-socks5":"a:1"}}]})", "s[0].x.via-socks5", "no effect"},
      {"unused urgent_tx", R"({"s":[{"x":{"urgent_tx":true}}]})", "s[0].x.urgent_tx", "no effect"},
      {"tls server without cert", R"({"s":[{"x":{"server":true,"tls":true}}]})", "s[0].x", "server_cert"},
      {"unknown streamtype key", base_with(R"({"prot":"h1"})"), "s[0].x.prot", "did you mean \"port\""},
      {"README key name", base_with(R"({"http_multipart_content_type":"a"})"),
       "s[0].x.http_multipart_content_type", "http_mime_content_type"},
      {"unknown top-level key", R"({"streams":[],"s":[{"z":{}}]})", "streams", "unknown top-level key"},
      {"unknown retry key", R"({"retry":[{"r":{"backof":[1]}}],"s":[{"z":{}}]})", "retry[0].r.backof", "unknown retry key"},
      {"wrong type string for bool", base_with(R"({"tls":"true"})"), "s[0].x.tls", "libwebsockets ignores it, so the flag stays off"},
      {"no streamtypes", R"({})", "s", "no streamtypes"},
      {"http scheme turns tls off", base_with(R"({"endpoint":"http://api.example/v1","tls":true})"),
       "s[0].x.endpoint", "the scheme http:// turns TLS off although \"tls\" is true"},
      {"ws scheme turns tls off", base_with(R"({"endpoint":"ws://api.example","tls":true})"), "s[0].x.endpoint",
       "write wss://"},
  };
  for (const auto& c : cases) {
    const ParseOutput out = parse_policy(c.json);
    EXPECT_TRUE(out.ok()) << c.what << "\n" << errors_of(out);
    ASSERT_EQ(out.diagnostics.size(), 1u) << c.what << "\n" << errors_of(out);
    EXPECT_EQ(out.diagnostics[0].severity, Severity::kWarning) << c.what;
    EXPECT_EQ(out.diagnostics[0].path, c.path) << c.what;
    EXPECT_NE(out.diagnostics[0].message.find(c.message), std::string::npos) << c.what << ": " << out.diagnostics[0].message;
  }
}

// Keys and values quoted in diagnostics have their control characters
// escaped (runtime/core/escape.h): a policy cannot forge a line or speak to
// the terminal through ss-policy lint.
TEST(ParsePolicy, ControlCharactersInKeysAndValuesAreEscaped) {
  const ParseOutput out = parse_policy(base_with(R"({"po\nrt\u001b[2J":1,"retry":"r\r1"})"));
  ASSERT_EQ(out.diagnostics.size(), 2u) << errors_of(out);
  const std::string warning = format_diagnostic(out.diagnostics[0]);
  EXPECT_EQ(warning.find_first_of("\n\r\x1b"), std::string::npos) << warning;
  EXPECT_NE(warning.find("s[0].x.po\\nrt\\x1b[2J: unknown streamtype key \"po\\nrt\\x1b[2J\""), std::string::npos)
      << warning;
  const std::string error = format_diagnostic(out.diagnostics[1]);
  EXPECT_EQ(error.find_first_of("\n\r\x1b"), std::string::npos) << error;
  EXPECT_NE(error.find("undefined retry policy: found \"r\\r1\""), std::string::npos) << error;
}

// Only a scheme that turns "tls" off warns (docs/tls.md, "No silent downgrade").
TEST(ParsePolicy, SchemeAgreeingWithTlsDoesNotWarn) {
  for (const char* body : {R"({"endpoint":"https://api.example","tls":true})", R"({"endpoint":"http://api.example"})",
                           R"({"endpoint":"api.example","tls":true})", R"({"endpoint":"wss://api.example","tls":true})"}) {
    const ParseOutput out = parse_policy(base_with(body));
    EXPECT_TRUE(out.ok()) << body;
    EXPECT_EQ(out.warning_count(), 0u) << body << "\n" << errors_of(out);
  }
}

TEST(ParsePolicy, ForwardReferenceStillResolves) {
  const ParseOutput out = parse_policy(R"({"s":[{"x":{"retry":"r"}}],"retry":[{"r":{"conceal":2}}]})");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.policy->retry_of(out.policy->streamtypes[0])->conceal, 2);
}

TEST(ParsePolicy, SeveralStreamtypesInOneElementAndMultipartFlag) {
  const ParseOutput out = parse_policy(
      R"({"s":[{"a":{"http_multipart_name":"f","rideshare":"b"},"b":{"protocol":"raw"}}]})");
  ASSERT_TRUE(out.ok()) << errors_of(out);
  ASSERT_EQ(out.policy->streamtypes.size(), 2u);
  EXPECT_EQ(out.policy->streamtypes[0].rideshare, 1u);
  EXPECT_TRUE(out.policy->streamtypes[0].flags() & kFlagHttpMultipart);
  EXPECT_EQ(out.policy->streamtypes[1].protocol, Protocol::kRaw);
}

TEST(ParsePolicy, RideshareChainInOrder) {
  const ParseOutput out = parse_policy(
      R"({"s":[{"a":{"rideshare":"b"}},{"c":{}},{"b":{"rideshare":"c"}}]})");
  ASSERT_TRUE(out.ok()) << errors_of(out);
  std::vector<std::string> names;
  for (const Streamtype* st : out.policy->rideshare_chain(out.policy->streamtypes[0])) names.push_back(st->name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(out.policy->rideshare_chain(out.policy->streamtypes[1]).size(), 1u);
}

TEST(Overlay, OverridesOnlyGivenKeysAndAddsStreamtypes) {
  const ParseOutput base = parse_policy(base_with(R"({"endpoint":"a.example","port":443,"tls":true})"));
  ASSERT_TRUE(base.ok()) << errors_of(base);
  const ParseOutput out = apply_overlay(
      *base.policy, R"({"s":[{"x":{"port":8443,"retry":"default"}},{"y":{"endpoint":"b"}}]})");
  ASSERT_TRUE(out.ok()) << errors_of(out);
  EXPECT_TRUE(out.diagnostics.empty()) << errors_of(out);
  const Streamtype& x = out.policy->streamtypes[0];
  EXPECT_EQ(x.endpoint, "a.example");
  EXPECT_EQ(x.port, 8443);
  EXPECT_TRUE(x.tls);
  EXPECT_EQ(x.retry, 0u);
  ASSERT_EQ(out.policy->streamtypes.size(), 2u);
  EXPECT_EQ(out.policy->streamtypes[1].endpoint, "b");
  // The base is untouched (immutable).
  EXPECT_EQ(base.policy->streamtypes[0].port, 443);
}

TEST(Overlay, ErrorsNameTheOverlayPath) {
  const ParseOutput base = parse_policy(base_with("{}"));
  ASSERT_TRUE(base.ok());
  const ParseOutput out = apply_overlay(*base.policy, R"({"s":[{"x":{"retry":"nope"}}]})");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.diagnostics[0].path, "s[0].x.retry");
  EXPECT_FALSE(apply_overlay(*base.policy, R"({"retry":[{"default":{}}]})").ok());  // duplicate
  EXPECT_FALSE(apply_overlay(*base.policy, R"({"s":[{"x":{"http_url":"${u}"}}]})").ok());
}

TEST(Load, TextOrFile) {
  EXPECT_TRUE(load_policy_text_or_file(R"({"s":[{"a":{}}]})").ok());
  const ParseOutput file = load_policy_text_or_file("runtime/policy/testdata/interop-policy.json");
  EXPECT_TRUE(file.ok()) << errors_of(file);
  const ParseOutput missing = load_policy_text_or_file("/nonexistent/policy.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.diagnostics[0].message.find("cannot open"), std::string::npos);
}

TEST(Serialize, InteropPolicyRoundTrips) {
  const ParseOutput out = parse_policy(read_file("runtime/policy/testdata/interop-policy.json"));
  ASSERT_TRUE(out.ok());
  for (const std::string& text : {to_json(*out.policy).dump(), to_ordered_json(*out.policy).dump(2)}) {
    const ParseOutput again = parse_policy(text);
    ASSERT_TRUE(again.ok()) << errors_of(again);
    EXPECT_EQ(*again.policy, *out.policy);
  }
  // The ordered form defines names before they are used: no warnings.
  EXPECT_TRUE(parse_policy(to_ordered_json(*out.policy).dump()).diagnostics.empty());
}

TEST(Serialize, AllKeysPolicyRoundTripsWithoutWarnings) {
  // testdata/all-keys.json sets every key of docs/policy.md at least once, except
  // the ones that warn (plugins, urgent_tx/rx, client_buflen_rxflow_*,
  // per-streamtype via-socks5), which the warning test covers.
  const ParseOutput out = parse_policy(read_file("runtime/policy/testdata/all-keys.json"));
  ASSERT_TRUE(out.ok()) << errors_of(out);
  EXPECT_TRUE(out.diagnostics.empty()) << errors_of(out);
  const Policy& p = *out.policy;
  EXPECT_EQ(p.via_socks5, "127.0.0.1:1080");
  EXPECT_EQ(p.metrics.at(0).us_halflife, 3600000000u);
  const Streamtype* up = p.find_streamtype("upload");
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(p.streamtypes[*up->rideshare].name, "upload_tail");
  EXPECT_EQ(p.find_streamtype("http_get")->http_resp_map,
            (std::vector<std::pair<int, int>>{{404, 1000}, {503, 1001}}));
  const ParseOutput again = parse_policy(to_ordered_json(p).dump());
  ASSERT_TRUE(again.ok()) << errors_of(again);
  EXPECT_TRUE(again.diagnostics.empty()) << errors_of(again);
  EXPECT_EQ(*again.policy, p);
  // And every key that show writes is one the parser knows.
  const auto st_json = to_json(p, *up);
  EXPECT_EQ(st_json.at("rideshare"), "upload_tail");
  EXPECT_EQ(st_json.at("port"), 443);
}

TEST(Base64, DecodesAndRejects) {
  auto ok = decode_base64("QUJD\nRA==");
  ASSERT_TRUE(ok);
  EXPECT_EQ(std::string(ok->begin(), ok->end()), "ABCD");
  EXPECT_TRUE(decode_base64("QUJDRA"));  // padding optional
  EXPECT_FALSE(decode_base64("Q"));
  EXPECT_FALSE(decode_base64("QU=J"));
  const std::vector<std::uint8_t> bytes = {0, 1, 2, 250, 251};
  auto back = decode_base64(encode_base64(bytes));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, bytes);
}

}  // namespace
}  // namespace ss::policy
