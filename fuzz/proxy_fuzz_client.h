// A client process of proxy_fuzz: one link to the proxy, driven by the
// plan's steps (proxy_fuzz_plan.h) at their simulated times. It writes
// what a step says (raw bytes or frames from the wire encoder), pauses and
// resumes reading, half-closes or closes; and it records everything it
// wrote (with the time, and whether CREATE_RESULT had come back then) for
// the oracle (proxy_fuzz_oracle.h), and checks what the proxy sends it:
// well-formed proxy->client frames, CREATE_RESULT first and only once,
// nothing after a failed one, no rx before an ok one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/proxy_fuzz_plan.h"
#include "runtime/wire/decoder.h"
#include "runtime/wire/encoder.h"
#include "sim/world.h"

namespace ss::fuzzing::proxy_fuzz {

class FuzzClient final : public ConnectionHandler {
 public:
  struct Mark {
    std::size_t end = 0;        // written.size() after this write
    Micros at = 0;              // when
    bool had_result = false;    // CREATE_RESULT had arrived before it
  };

  // Steps due after `write_end` are dropped; `budget` caps the bytes all
  // clients write (shared).
  FuzzClient(sim::World& world, Net& net, const ClientPlan& plan, std::size_t* budget, Micros write_end)
      : world_(world), net_(net), plan_(plan), budget_(budget), write_end_(write_end) {}

  void start() {
    connect_at = world_.now();
    conn_ = net_.connect(Endpoint::unix_abstract("proxy.ss.lws"), {}, this);
    conn_id = conn_->id();
    schedule(0);
  }

  // The end of the run: the client goes away.
  void close() {
    if (conn_) conn_->close();
    conn_.reset();
  }

  // ConnectionHandler
  void on_data(std::span<const std::uint8_t> bytes) override {
    received += bytes.size();
    p2c_.receive_data(bytes);
    wire::Frame f;
    for (;;) {
      auto st = p2c_.next_event(&f);
      if (st == wire::FrameDecoder::Status::kNeedData) break;
      if (st == wire::FrameDecoder::Status::kError) {
        if (p2c_error.empty()) p2c_error = "undecodable bytes from the proxy: " + p2c_.error().message();
        break;
      }
      on_frame(f);
    }
  }
  void on_end(EndReason reason) override {
    ended = true;
    end_reason = reason;
  }

  // What happened, for the checks.
  std::vector<std::uint8_t> written;
  std::vector<Mark> marks;
  Micros connect_at = 0;
  std::uint64_t conn_id = 0;
  std::uint64_t received = 0;
  bool created_ok = false;
  bool create_failed = false;
  bool paused_ever = false;
  bool self_ended = false;  // a kHalfClose or kClose step ran
  bool ended = false;
  EndReason end_reason = EndReason::kClosedLocally;
  std::string p2c_error;

 private:
  bool have_result() const { return created_ok || create_failed; }

  void on_frame(const wire::Frame& f) {
    auto fail = [&](const std::string& why) {
      if (p2c_error.empty()) p2c_error = why + " (" + wire::describe(f) + ")";
    };
    if (const auto* cr = std::get_if<wire::CreateResultFrame>(&f)) {
      if (have_result()) return fail("a second CREATE_RESULT");
      (cr->result == 0 ? created_ok : create_failed) = true;
      if (waiting_ >= 0) {
        const int next = waiting_;
        waiting_ = -1;
        schedule(static_cast<std::size_t>(next));
      }
      return;
    }
    if (!have_result()) return fail("a frame before CREATE_RESULT");
    if (create_failed) return fail("a frame after CREATE_RESULT failed");
  }

  // Runs step i at its time (or, if gated, once CREATE_RESULT is in).
  void schedule(std::size_t i) {
    if (i >= plan_.steps.size()) return;
    const Step& s = plan_.steps[i];
    if (s.gate && !have_result()) {
      waiting_ = static_cast<int>(i);
      return;
    }
    const Micros at = world_.now() + millis(delay_ms(s.delay));
    if (at > write_end_) return;
    world_.loop().at(at, [this, i] {
      run(plan_.steps[i]);
      schedule(i + 1);
    });
  }

  void run(const Step& s) {
    if (!conn_ || self_ended) return;
    std::vector<std::uint8_t> out;
    switch (static_cast<StepKind>(s.kind)) {
      case StepKind::kRaw:
        out = s.bytes;
        break;
      case StepKind::kStreamType: {
        wire::StreamTypeFrame st;
        st.version = static_cast<std::uint8_t>(s.version_x ^ 1);
        st.client_pid = s.value & 0xffff;
        const std::int32_t credits[] = {wire::kDefaultInitialTxCredit, 0, 1000, static_cast<std::int32_t>(s.value)};
        st.initial_tx_credit = credits[s.flags & 3];
        st.streamtype = kStreamtypeNames[s.index % kStreamtypeCount];
        (void)wire::encode_frame(st, &out);
        break;
      }
      case StepKind::kPayload: {
        wire::PayloadFrame p;
        p.direction = wire::Direction::kClientToProxy;
        p.flags = s.flags;
        p.timestamp_us = static_cast<std::uint64_t>(world_.now());
        if (p.flags & wire::kFlagRideshare) p.rideshare = "minpost-side";
        p.payload.resize(std::min<std::size_t>(s.size, wire::max_payload(p)));
        for (std::size_t k = 0; k < p.payload.size() && !s.bytes.empty(); ++k) p.payload[k] = s.bytes[k % s.bytes.size()];
        std::vector<std::uint8_t> one;
        if (wire::encode_frame(p, &one)) break;
        for (std::uint32_t k = 0; k < s.repeat; ++k) out.insert(out.end(), one.begin(), one.end());
        break;
      }
      case StepKind::kMetadata: {
        const std::string name = s.index < kMetadataNameCount ? kMetadataNames[s.index]
                                                               : std::string(s.name.begin(), s.name.end());
        const std::string value(s.bytes.begin(), s.bytes.end());
        if (wire::encode_frame(wire::MetadataFrame{wire::Direction::kClientToProxy, name, value}, &out)) {
          // Over a limit (a long or empty name): the frame as a careless
          // client would build it.
          const std::size_t body = 1 + name.size() + value.size();
          out = {0xae, static_cast<std::uint8_t>(body >> 8), static_cast<std::uint8_t>(body),
                 static_cast<std::uint8_t>(name.size())};
          out.insert(out.end(), name.begin(), name.end());
          out.insert(out.end(), value.begin(), value.end());
        }
        break;
      }
      case StepKind::kControl: {
        wire::Frame f = wire::OnwardConnectFrame{};
        switch (s.index) {
          case 1: f = wire::DestroyingFrame{}; break;
          case 2: f = wire::TxCreditFrame{wire::Direction::kClientToProxy, static_cast<std::int32_t>(s.value)}; break;
          case 3: f = wire::TimeoutUpdateFrame{s.value}; break;
          case 4: f = wire::PayloadLengthHintFrame{s.value}; break;
          case 5: f = wire::LinkValidityProbeFrame{}; break;
          default: break;
        }
        (void)wire::encode_frame(f, &out);
        break;
      }
      case StepKind::kPauseRead:
        paused_ever = true;
        conn_->pause_reading(true);
        return;
      case StepKind::kResumeRead:
        conn_->pause_reading(false);
        return;
      case StepKind::kHalfClose:
        self_ended = true;
        conn_->shutdown_write();
        return;
      case StepKind::kClose:
        self_ended = true;
        conn_->close();
        return;
    }
    out.resize(std::min(out.size(), *budget_));
    if (out.empty()) return;
    *budget_ -= out.size();
    written.insert(written.end(), out.begin(), out.end());
    marks.push_back(Mark{written.size(), world_.now(), have_result()});
    conn_->write(out);
  }

  sim::World& world_;
  Net& net_;
  const ClientPlan& plan_;
  std::size_t* budget_;
  Micros write_end_;
  std::unique_ptr<Connection> conn_;
  wire::FrameDecoder p2c_{wire::Direction::kProxyToClient};
  int waiting_ = -1;  // a gated step waiting for CREATE_RESULT
};

}  // namespace ss::fuzzing::proxy_fuzz
