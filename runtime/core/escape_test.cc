#include "runtime/core/escape.h"

#include <string>

#include "gtest/gtest.h"

namespace ss {
namespace {

TEST(EscapeText, PlainTextIsUnchanged) {
  EXPECT_EQ(escape_text(""), "");
  EXPECT_EQ(escape_text("api.example.com:443/v1?a=b"), "api.example.com:443/v1?a=b");
  EXPECT_EQ(escape_text("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");  // UTF-8 stays
}

TEST(EscapeText, LineBreaksAndTabs) {
  EXPECT_EQ(escape_text("a\nb\rc\td"), "a\\nb\\rc\\td");
  // A forged second log line stays on the first.
  EXPECT_EQ(escape_text("x\nstream 1 (get): connected"), "x\\nstream 1 (get): connected");
}

TEST(EscapeText, OtherControlBytesAsHex) {
  EXPECT_EQ(escape_text(std::string("\0", 1)), "\\x00");
  EXPECT_EQ(escape_text("\x1b[2J"), "\\x1b[2J");  // no terminal escape gets through
  EXPECT_EQ(escape_text("\x07\x7f\x1f"), "\\x07\\x7f\\x1f");
  EXPECT_EQ(escape_text(" ~"), " ~");  // the printable edges
}

TEST(EscapeText, BackslashIsEscapedSoTheOutputIsUnambiguous) {
  EXPECT_EQ(escape_text("\\n"), "\\\\n");
  EXPECT_NE(escape_text("\\n"), escape_text("\n"));
}

TEST(EscapeText, C1ControlsInUtf8) {
  EXPECT_EQ(escape_text("a\xc2\x9b" "31m"), "a\\u009b31m");  // CSI
  EXPECT_EQ(escape_text("\xc2\x80\xc2\x9f"), "\\u0080\\u009f");
  EXPECT_EQ(escape_text("\xc2\xa0"), "\xc2\xa0");  // no-break space: not a control
  EXPECT_EQ(escape_text("\xc2"), "\xc2");          // a lone lead byte is left alone
}

TEST(QuoteText, Quotes) {
  EXPECT_EQ(quote_text("ok"), "'ok'");
  EXPECT_EQ(quote_text("a\nb"), "'a\\nb'");
}

}  // namespace
}  // namespace ss
