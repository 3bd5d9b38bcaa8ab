// The plugin loader (plugin_loader.h) without a plugin: every failure is a
// kTls error naming the file and saying why, never a crash. Loading a real
// plugin is //packaging:install_test's part (it needs the packaged library).
#include "runtime/proto/tls/plugin_loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "runtime/proto/tls/make_provider.h"
#include "runtime/proto/tls/tls_plugin.h"

namespace ss::proto {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string temp_dir() {
  const char* d = std::getenv("TEST_TMPDIR");
  return d != nullptr ? d : "/tmp";
}

TEST(TlsPlugin, FileNameCarriesTheSoversion) {
  EXPECT_EQ(std::string(tls_plugin_file()).rfind("libsecurestreams-tls.so.", 0), 0u) << tls_plugin_file();
}

TEST(TlsPlugin, LookedForBesideTheObjectHoldingTheLoader) {
  const std::string path = tls_plugin_path();
  ASSERT_EQ(path.front(), '/') << path;  // dladdr found this test's own file
  EXPECT_TRUE(path.ends_with(std::string("/") + tls_plugin_file())) << path;
}

TEST(TlsPlugin, MissingFileIsATlsErrorNamingIt) {
  const std::string path = temp_dir() + "/no-such-dir/" + tls_plugin_file();
  auto p = load_tls_plugin(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), ErrorCode::kTls);
  EXPECT_TRUE(contains(p.error().message(), "TLS plugin " + path + ": ")) << p.error().message();
  EXPECT_TRUE(contains(p.error().message(), "No such file")) << p.error().message();
  EXPECT_EQ(p.error().message().find(path), p.error().message().rfind(path)) << "the path said twice";
}

TEST(TlsPlugin, FileThatIsNotASharedObject) {
  const std::string path = temp_dir() + "/not-elf.so";
  std::ofstream(path) << std::string(256, 'x');  // longer than an ELF header, and not one
  auto p = load_tls_plugin(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), ErrorCode::kTls);
  EXPECT_TRUE(contains(p.error().message(), "TLS plugin " + path + ": ")) << p.error().message();
  EXPECT_TRUE(contains(p.error().message(), "ELF")) << p.error().message();
}

TEST(TlsPlugin, SharedObjectWithoutTheEntry) {
  auto p = load_tls_plugin("libm.so.6");  // any real library that is not the plugin
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), ErrorCode::kTls);
  EXPECT_TRUE(contains(p.error().message(), "TLS plugin libm.so.6: ")) << p.error().message();
  EXPECT_TRUE(contains(p.error().message(), kTlsPluginEntry)) << p.error().message();
}

// No plugin beside this test: making the provider succeeds (nothing is
// loaded yet), each session then fails with the loader's error.
TEST(TlsPlugin, ProviderWithoutPluginFailsEachSessionClearly) {
  auto provider = make_tls_provider();
  ASSERT_NE(provider, nullptr);
  TlsClientConfig client;
  client.server_name = "example.com";
  for (int attempt = 0; attempt < 2; ++attempt) {  // a failure is not cached as success
    auto c = provider->client(client);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code(), ErrorCode::kTls);
    EXPECT_TRUE(contains(c.error().message(), "TLS plugin " + tls_plugin_path() + ": ")) << c.error().message();
  }
  auto s = provider->server(TlsServerConfig{});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kTls);
  EXPECT_TRUE(contains(s.error().message(), tls_plugin_file())) << s.error().message();
}

}  // namespace
}  // namespace ss::proto
