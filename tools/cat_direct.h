// ss-cat's direct stream: the stream runs on this process's engine
// (a stream::Context, production or simulated).
//
// Besides the stream's callbacks, the session hears what the stream API
// does not carry, from the context's hooks (docs/protocols.md, "Protocol
// facts in the trace"): how each connection ended (trace "ss.end"), the
// HTTP status ("h1.status"), the ws server's Close ("ws.close"), and the
// engine's log lines (protocol errors). CatEngineSink turns those hooks
// into CatSession calls; give its hooks() to the Context.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "runtime/stream/context.h"
#include "tools/cat_session.h"

namespace ss::tools {

// Outlives the Context it gave its hooks to. Until a DirectStream attaches
// a session (and after it detaches), log lines go to `err` as they come.
class CatEngineSink {
 public:
  explicit CatEngineSink(std::FILE* err = stderr) : err_(err) {}
  stream::Hooks hooks();

 private:
  friend class DirectStream;
  void on_trace(std::string_view kind, std::string_view text);
  void on_log(std::string_view text);

  std::FILE* err_;
  CatSession* session_ = nullptr;
  std::string prefix_;  // "ss<id> " of the attached stream
};

class DirectStream final : public CatStream {
 public:
  explicit DirectStream(CatEngineSink& sink) : sink_(sink) {}
  // Destroyed before the session it reports to (declared after it), so the
  // DESTROYING callback still finds the session alive.
  ~DirectStream() override;
  // Creates the stream (CREATING is raised from here) and attaches `s` to
  // it and to the sink.
  Error start(stream::Context& ctx, const std::string& streamtype, CatSession& s);

  Error set_metadata(const std::string& n, const std::string& v) override { return stream_->set_metadata(n, v); }
  void connect() override { stream_->client_connect(); }
  void request_tx() override { stream_->request_tx(); }
  void request_tx_len(std::size_t n) override { stream_->request_tx_len(n); }
  std::string last_error() const override { return stream_ ? stream_->last_error() : std::string(); }

 private:
  CatEngineSink& sink_;
  stream::Stream* stream_ = nullptr;
};

}  // namespace ss::tools
