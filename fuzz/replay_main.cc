// main() for the *_replay tests: runs LLVMFuzzerTestOneInput over every file
// named on the command line (the seed corpus), as libFuzzer would when given
// files. A crash, sanitizer report or abort fails the test; it prints the
// file it was on first, so the failing input is named.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  int ran = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "replay: cannot open %s\n", argv[i]);
      return 2;
    }
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", argv[i], bytes.size());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    ++ran;
  }
  if (ran == 0) {
    std::fprintf(stderr, "replay: no corpus files given\n");
    return 2;
  }
  std::printf("replay: %d inputs ran clean\n", ran);
  return 0;
}
