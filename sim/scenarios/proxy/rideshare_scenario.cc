// "rideshare": uploads whose one POST carries a part per streamtype of a
// rideshare chain (docs/api.md "Rideshare"), directly and through the SS
// proxy, over the faulty network.
//
// World (drawn from the seed, printed by describe()): host "box" runs the
// clients and the proxy (ProxyServer + the stream engine with h1, as
// ss-proxy does); host "web" runs an HTTP/1.1 server. 1-3 uploaders, each
// with its own chain of 1-4 streamtypes (multipart parts with drawn names,
// filenames and content types; one chain in five is a plain body, the parts
// simply following each other), a payload of 1..20,000 bytes per part, a
// tx chunk size, 1-3 transactions one after another, and either a direct
// stream or a ProxyClient. Half of the seeds add a fault plan on "web".
// The server refuses one uploader in four (500 or 413 to each of its
// POSTs; drawn from a fork of its own, so the rest of a seed is as before).
//
// Each uploader's tx() sends the part lws_ss_rideshare() names; a
// CONNECTING (a new transaction) starts the upload again from the first
// part.
//
// Invariants:
//   - [rideshare-tx] in tx(), rideshare() names the first part not yet
//     sent whole (chain order, each part until its EOM), directly and
//     through the proxy;
//   - [rideshare-rx] in rx(), it names the chain's last part (the response
//     follows the whole body);
//   - [rideshare-body] every request the server received whole is one
//     body with exactly the chain's parts in order, each with its
//     streamtype's name, filename, content type and payload (a plain chain:
//     the payloads one after another);
//   - [rideshare-ack] QOS_ACK_REMOTE only once the whole upload was sent,
//     and never for a refused uploader; in a calm run (no faults, no
//     buggify) every transaction asked for is acknowledged (a refused
//     uploader's: QOS_NACK_REMOTE);
//   - stream states are legal and return codes honoured (EngineChecker, for
//     the direct streams and the proxy's onward streams); nothing is left
//     at the end.
#include "sim/scenarios/proxy/rideshare_scenario.h"

#include <memory>
#include <string>
#include <vector>

#include "runtime/proto/http/multipart_splitter.h"
#include "runtime/proxy/proxy_client.h"
#include "sim/peers/bulk_source.h"
#include "sim/peers/http_server.h"
#include "sim/scenarios/proxy/sim_proxy_process.h"
#include "sim/testing/rideshare_upload.h"

namespace ss::sim {
namespace {

using stream::Ret;
using stream::State;

constexpr Micros kEndAt = seconds(30);  // every uploader is destroyed by then

struct Part {
  std::string streamtype;
  std::string name, filename, content_type;  // multipart framing ("" = none)
  std::string payload;
};

struct Spec {
  std::vector<Part> chain;
  bool multipart = true;
  bool proxied = false;
  std::size_t chunk = 700;
  int transactions = 1;
  Micros start_at = 0;
  Micros gap = 0;  // between a transaction's end and the next ask
  int status = 200;  // the server's answer to each of its POSTs
};

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string make_policy(const std::vector<Spec>& specs) {
  std::string s;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const Spec& spec = specs[i];
    for (std::size_t k = 0; k < spec.chain.size(); ++k) {
      const Part& p = spec.chain[k];
      std::string st = R"("endpoint": "web", "port": 80, "protocol": "h1")";
      if (k == 0)
        st += R"(, "http_method": "POST", "http_url": "up)" + std::to_string(i) +
              R"(", "retry": "r", "opportunistic": true)";
      if (k + 1 < spec.chain.size()) st += R"(, "rideshare": )" + quoted(spec.chain[k + 1].streamtype);
      if (!p.name.empty()) st += R"(, "http_multipart_name": )" + quoted(p.name);
      if (!p.filename.empty()) st += R"(, "http_multipart_filename": )" + quoted(p.filename);
      if (!p.content_type.empty()) st += R"(, "http_mime_content_type": )" + quoted(p.content_type);
      s += (s.empty() ? "" : ",\n    ") + std::string("{") + quoted(p.streamtype) + ": {" + st + "}}";
    }
  }
  return R"({
  "release": "sim", "product": "ss-sim rideshare scenario", "schema-version": 1,
  "retry": [{"r": {"backoff": [200, 500, 1000], "conceal": 5, "jitterpc": 20}}],
  "s": [
    )" + s + R"(
  ]
})";
}

// One uploader: a direct stream or a ProxyClient, and the user's side.
class Uploader {
 public:
  Uploader(World& world, std::size_t index, const Spec& spec)
      : world_(world), index_(index), spec_(spec), who_("uploader" + std::to_string(index + 1)) {
    for (const auto& p : spec.chain) up_.parts.emplace_back(p.streamtype, p.payload);
    up_.chunk = spec.chunk;
    up_.restart();
  }

  void start_direct(stream::Context& ctx) {
    stream::StreamInfo info;
    info.streamtype = spec_.chain[0].streamtype;
    info.callbacks.state = [this](stream::State state, std::uint32_t) { return on_state(state); };
    info.callbacks.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      return on_tx(buf, len, flags);
    };
    info.callbacks.rx = [this](std::span<const std::uint8_t>, std::uint32_t) { return on_rx(); };
    info.on_bind = [this](stream::Stream* s) { stream_ = s; };
    if (!ctx.create(std::move(info)).ok()) world_.violation(who_ + ": create failed");
  }

  void start_proxied(Loop& loop, Net& net) {
    proxy::ProxyClientOptions o;
    o.link.streamtype = spec_.chain[0].streamtype;
    proxy::ProxyClientCallbacks cb;
    cb.state = [this](stream::State state, std::uint32_t) { return on_state(state); };
    cb.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      return on_tx(buf, len, flags);
    };
    cb.rx = [this](std::span<const std::uint8_t>, std::uint32_t) { return on_rx(); };
    client_ = std::make_unique<proxy::ProxyClient>(loop, net, std::move(o), std::move(cb));
    client_->start();
  }

  void destroy() {
    if (stream_ && !stream_->destroyed()) stream_->destroy();
    if (client_ && !client_->destroyed()) client_->destroy();
  }

  int asked() const { return asked_; }
  int acks() const { return acks_; }
  int nacks() const { return nacks_; }
  const std::string& who() const { return who_; }

 private:
  const char* rideshare() const { return stream_ ? stream_->rideshare() : client_->rideshare().c_str(); }
  void request_tx_len(std::size_t n) {
    if (stream_) stream_->request_tx_len(n);
    if (client_) client_->request_tx_len(static_cast<std::uint32_t>(n));
  }
  void request_tx() {
    if (stream_) stream_->request_tx();
    if (client_) client_->request_tx();
  }

  void ask() {
    ++asked_;
    in_txn_ = true;
    up_.restart();
    request_tx_len(up_.total());
  }

  Ret on_state(State state) {
    if (state == State::kCreating) {
      ask();
    } else if (state == State::kConnecting) {
      up_.restart();  // a new transaction: the whole upload again
    } else if (state == State::kQosAckRemote) {
      ++acks_;
      if (!up_.done()) world_.violation("[rideshare-ack] " + who_ + ": QOS_ACK_REMOTE before the upload was sent whole");
      if (spec_.status != 200)
        world_.violation("[rideshare-ack] " + who_ + ": QOS_ACK_REMOTE, but the server answers its POSTs " +
                         std::to_string(spec_.status));
    } else if (state == State::kQosNackRemote) {
      ++nacks_;
    } else if ((state == State::kDisconnected || state == State::kAllRetriesFailed) && in_txn_) {
      in_txn_ = false;
      if (asked_ < spec_.transactions)
        world_.loop().at(world_.now() + spec_.gap, [this] { if (!gone_) ask(); }, {"rideshare", index_, "ask"});
    } else if (state == State::kDestroying) {
      gone_ = true;
    }
    return Ret::kOk;
  }

  Ret on_tx(std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
    const std::string named = rideshare();
    const std::size_t due = up_.due();
    if (due < up_.parts.size() && named != up_.parts[due].first)
      world_.violation("[rideshare-tx] " + who_ + ": tx() while part " + std::to_string(due) + " (" +
                       up_.parts[due].first + ") is due, but rideshare() names " + named);
    if (!up_.fill(named, buf, len, flags)) return Ret::kTxDontSend;
    if (!up_.done()) request_tx();
    return Ret::kOk;
  }

  Ret on_rx() {
    const std::string named = rideshare();
    if (named != up_.parts.back().first)
      world_.violation("[rideshare-rx] " + who_ + ": rx() named " + named + ", expected the last part " +
                       up_.parts.back().first);
    return Ret::kOk;
  }

  World& world_;
  std::size_t index_;
  const Spec& spec_;
  std::string who_;
  testing::RideshareUpload up_;
  stream::Stream* stream_ = nullptr;
  std::unique_ptr<proxy::ProxyClient> client_;
  int asked_ = 0, acks_ = 0, nacks_ = 0;
  bool in_txn_ = false, gone_ = false;
};

class RideshareRun final : public ScenarioRun {
 public:
  explicit RideshareRun(std::uint64_t seed) {
    Rng rng(seed);
    Rng draw = rng.fork(0x72696465);  // "ride"
    options_ = draw_world_options(seed, draw, 4, 65536);
    const int n = static_cast<int>(draw.between(1, 3));
    static const char* kTypes[] = {"", "application/json", "application/octet-stream", "text/plain"};
    for (int i = 0; i < n; ++i) {
      Spec s;
      s.multipart = !draw.chance(1, 5);
      s.proxied = draw.chance(1, 2);
      s.chunk = static_cast<std::size_t>(draw.between(1, 4000));
      s.transactions = static_cast<int>(draw.between(1, 3));
      s.start_at = draw.between(0, millis(500));
      s.gap = draw.between(0, millis(500));
      const int parts = static_cast<int>(draw.between(1, 4));
      for (int k = 0; k < parts; ++k) {
        Part p;
        p.streamtype = "u" + std::to_string(i) + "-p" + std::to_string(k);
        if (s.multipart) {
          p.name = "f" + std::to_string(k);
          if (draw.chance(1, 2)) p.filename = "part" + std::to_string(k) + ".bin";
          p.content_type = kTypes[draw.below(4)];
        }
        p.payload = peers::bulk_pattern(static_cast<std::size_t>(draw.between(1, 20000)),
                                        static_cast<std::uint32_t>(i * 8 + k + 1));
        s.chain.push_back(std::move(p));
      }
      specs_.push_back(std::move(s));
    }
    if (draw.chance(1, 2)) plan_ = random_fault_plan(draw, server_fault_space("web", {Endpoint::tcp("0.0.0.0", 80)}));
    Rng refuse = rng.fork(0x72667573);  // "rfus": the draws above stay as they were
    for (auto& s : specs_)
      if (refuse.chance(1, 4)) s.status = refuse.chance(1, 2) ? 500 : 413;
  }

  WorldOptions world_options() const override { return options_; }

  std::string describe() const override {
    std::string out = describe_world(options_) + "uploaders:\n";
    for (std::size_t i = 0; i < specs_.size(); ++i) {
      const Spec& s = specs_[i];
      out += "  uploader" + std::to_string(i + 1) + (s.proxied ? " via proxy" : " direct") +
             (s.multipart ? " multipart" : " plain") + " chunk=" + std::to_string(s.chunk) +
             " transactions=" + std::to_string(s.transactions) +
             (s.status != 200 ? " refused=" + std::to_string(s.status) : "") + " start=" + std::to_string(s.start_at) +
             "us gap=" + std::to_string(s.gap) + "us chain:";
      for (const auto& p : s.chain)
        out += " " + p.streamtype + "(" + std::to_string(p.payload.size()) + " bytes" +
               (p.filename.empty() ? "" : " " + p.filename) + (p.content_type.empty() ? "" : " " + p.content_type) + ")";
      out += "\n";
    }
    return out + "fault plan:\n" + plan_.to_string();
  }

  void start(World& world) override {
    const int box = world.add_host("box", "10.1.0.1");
    const int web = world.add_host("web", "10.2.0.1");
    http_ = std::make_unique<peers::HttpServer>(world.loop(), world.net_for(web), Endpoint::tcp("0.0.0.0", 80));
    for (std::size_t i = 0; i < specs_.size(); ++i)
      http_->route({.path = "/up" + std::to_string(i), .status = specs_[i].status,
                    .reason = specs_[i].status == 200 ? "OK" : "Refused", .body = "ok"});
    if (Error e = http_->start()) world.violation("http server: " + e.message());
    const std::string policy = make_policy(specs_);
    if (!proxy_.start(world, box, policy, options_.seed ^ 0x51de, /*with_h1=*/true)) return;

    // The direct streams' own context, as an application's.
    stream::Context::Config cfg =
        testing::context_config(world, box, policy::parse_policy(policy).policy, options_.seed ^ 0xd1ec7);
    cfg.hooks.buggify = [&world](std::string_view site) { return world.buggify_site(site); };
    checker_ = std::make_unique<EngineChecker>(world);
    checker_->attach(cfg);
    ctx_ = std::make_unique<stream::Context>(std::move(cfg));
    proto::h1::register_h1_binding(*ctx_);

    for (std::size_t i = 0; i < specs_.size(); ++i) {
      uploaders_.push_back(std::make_unique<Uploader>(world, i, specs_[i]));
      world.loop().at(specs_[i].start_at, [this, &world, box, i] {
        if (specs_[i].proxied) {
          uploaders_[i]->start_proxied(world.loop(), world.net_for(box));
        } else {
          uploaders_[i]->start_direct(*ctx_);
        }
      }, {"rideshare", i + 1, "start"});
    }
    world.loop().at(kEndAt, [this] {
      for (auto& u : uploaders_) u->destroy();
    }, {"rideshare", 0, "end"});
    world.install(plan_);
  }

  void check(World& world) override {
    const bool calm = plan_.actions.empty() && !options_.buggify;
    for (std::size_t i = 0; i < uploaders_.size(); ++i) {
      const Uploader& u = *uploaders_[i];
      const bool refused = specs_[i].status != 200;
      const int answered = refused ? u.nacks() : u.acks();
      if (calm && answered != specs_[i].transactions)
        world.violation("[rideshare-ack] " + u.who() + ": calm run, " + std::to_string(answered) + " of " +
                        std::to_string(specs_[i].transactions) + " transactions " +
                        (refused ? "refused with QOS_NACK_REMOTE" : "acknowledged") + " (asked " +
                        std::to_string(u.asked()) + ")");
    }
    for (std::size_t r = 0; r < http_->requests().size(); ++r) check_body(world, r);
    if (ctx_) checker_->finish(*ctx_);
    if (proxy_.server) proxy_.check_empty(world);
  }

 private:
  void check_body(World& world, std::size_t r) {
    const auto& head = http_->requests()[r];
    const std::string& body = http_->request_bodies()[r];
    const std::size_t i = static_cast<std::size_t>(std::stoul(head.target.substr(3)));  // "/upN"
    const Spec& spec = specs_[i];
    const std::string who = "[rideshare-body] request " + std::to_string(r) + " (uploader" + std::to_string(i + 1) + ")";
    if (!spec.multipart) {
      std::string all;
      for (const auto& p : spec.chain) all += p.payload;
      if (body != all) world.violation(who + ": the plain body is not the parts one after another");
      return;
    }
    auto parts = proto::http::split_multipart(proto::h1::find_header(head.headers, "content-type").value_or(""), body);
    if (!parts) return world.violation(who + ": " + parts.error().message());
    if (parts->size() != spec.chain.size())
      return world.violation(who + ": " + std::to_string(parts->size()) + " parts, expected " +
                             std::to_string(spec.chain.size()));
    for (std::size_t k = 0; k < parts->size(); ++k) {
      const Part& want = spec.chain[k];
      std::string disposition = "form-data; name=\"" + want.name + "\"";
      if (!want.filename.empty()) disposition += "; filename=\"" + want.filename + "\"";
      const auto& got = (*parts)[k];
      if (proto::h1::find_header(got.headers, "content-disposition").value_or("") != disposition ||
          proto::h1::find_header(got.headers, "content-type").value_or("") != want.content_type ||
          got.data != want.payload)
        world.violation(who + ": part " + std::to_string(k) + " is not " + want.streamtype + "'s (" + disposition +
                        ", " + std::to_string(want.payload.size()) + " bytes; got " +
                        std::to_string(got.data.size()) + " bytes)");
    }
  }

  WorldOptions options_;
  std::vector<Spec> specs_;
  FaultPlan plan_;
  std::unique_ptr<peers::HttpServer> http_;
  SimProxyProcess proxy_;
  std::unique_ptr<EngineChecker> checker_;
  std::unique_ptr<stream::Context> ctx_;
  std::vector<std::unique_ptr<Uploader>> uploaders_;
};

}  // namespace

std::unique_ptr<Scenario> make_rideshare_scenario() {
  return std::make_unique<SimpleScenario<RideshareRun>>(
      "rideshare",
      "uploads whose one multipart POST carries a part per streamtype of a rideshare chain, directly and through "
      "the SS proxy, with lws_ss_rideshare() checked in tx and rx and every body parsed at the server");
}

}  // namespace ss::sim
