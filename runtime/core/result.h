// Error policy of the runtime (written once, used everywhere):
//
// - No exceptions on the data path. Functions that can fail on untrusted input
//   return Result<T> (a value or an Error) or a plain Error (Error::ok() when
//   it worked). Exceptions are allowed only at start-up edges that wrap a
//   library which throws (nlohmann::json), and never cross a seam.
// - Never assert on network input. An Error says *where* (a JSON path, a byte
//   offset, a field name) and *what was expected*, so a user can act on it.
// - Bugs in our own logic (an illegal state transition, a broken invariant)
//   are reported through the invariant hooks (the simulator turns them into
//   test failures); production logs and carries on.
//
// std::expected is C++23; this is the small subset we need on C++20.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ss {

// What went wrong, for a caller that wants to branch on it.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // caller passed something malformed
  kNotFound,          // named thing does not exist (streamtype, metadata, ...)
  kParse,             // untrusted input did not parse (where says the offset/path)
  kLimit,             // a documented size/count limit was exceeded
  kState,             // call not valid in the current state
  kIo,                // the OS or the (simulated) network said no
  kTls,               // TLS setup or verification failed
  kUnsupported,       // valid request we do not implement
  kInternal,          // our bug
};

const char* error_code_name(ErrorCode code);

class Error {
 public:
  Error() = default;  // ok
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Error ok_value() { return Error(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  explicit operator bool() const { return !ok(); }  // true when it *is* an error
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error(code, std::move(message));
}

// A value or an Error. Accessing the wrong alternative is a bug (asserts).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {         // NOLINT: implicit by design
    assert(!std::get<Error>(v_).ok() && "Result built from an ok Error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace ss
