// The h1 server binding (h1_server_binding.h) in the simulator: this
// project's h1 server streams serving this project's h1 client streams,
// and raw clients writing requests by hand (malformed, oversized, slow,
// never reading). docs/api.md "Serving".
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/bind/h1/h1_binding.h"
#include "runtime/bind/raw/raw_binding.h"
#include "runtime/policy/policy_builder.h"
#include "runtime/stream/context.h"
#include "runtime/stream/server.h"
#include "sim/testing/raw_client.h"
#include "sim/testing/server_bed.h"

namespace ss::proto::h1 {
namespace {

using sim::testing::RawClient;
using sim::testing::ServerBed;
using stream::Ret;
using stream::State;
using stream::Stream;
using stream::StreamInfo;

using enum stream::State;

std::shared_ptr<const policy::Policy> web_policy() {
  policy::PolicyBuilder b(policy::streamtype(policy::Protocol::kH1, "server", 80));
  b.add("web", [](policy::Streamtype& st) {
    st.server = true;
    st.endpoint = "";
    st.metadata = {{"path", ""}, {"method", ""}, {"tag", "x-tag:"}, {"q", ""}, {"mime", "content-type:"}};
  });
  auto client = [&b](const char* name, const char* method, const char* url) {
    b.add(name, [method, url](policy::Streamtype& st) {
      st.opportunistic = true;
      st.http_method = method;
      st.http_url = url;
      st.metadata = {{"tag", "x-tag:"}, {"mime", "content-type:"}};
    });
  };
  client("hello", "GET", "hello?q=two+words&other=1");
  client("missing", "GET", "nobody-acks");
  client("teapot", "GET", "teapot");
  client("chunked", "GET", "chunked");
  client("post", "POST", "echo");
  client("big", "GET", "big");
  b.add("rawc", [](policy::Streamtype& st) {
    st.protocol = policy::Protocol::kRaw;
    st.opportunistic = true;
  });
  return b.build();
}

void register_all(stream::Context& c) {
  register_h1_binding(c);
  raw::register_raw_binding(c);
}

// The server's user: what each request looked like, and its answers by path.
struct WebServer {
  struct Seen {
    std::string path, method, tag, q, body;
    std::uint32_t body_flags = 0;
    Stream* stream = nullptr;
  };
  std::vector<Seen> requests;
  std::map<Stream*, std::vector<stream::State>> states;  // per accepted stream
  std::map<Stream*, std::string> out;          // what is left to send
  std::size_t big_bytes = 4 * 1024 * 1024;

  static std::string md(Stream* s, const char* name) {
    auto v = s->get_metadata(name);
    return v.ok() ? std::string(*v) : "<undeclared>";
  }

  void answer(Stream* s) {
    const std::string path = md(s, "path");
    if (path == "/hello") {
      s->server_ack(0);
      (void)s->set_metadata("mime", "text/plain");
      respond(s, "hello, " + md(s, "q"), true);
    } else if (path == "/teapot") {
      s->server_ack(418);
      respond(s, "short and stout", true);
    } else if (path == "/chunked") {
      s->server_ack(0);
      respond(s, std::string(5000, 'c'), false);
    } else if (path == "/big") {
      s->server_ack(0);
      respond(s, std::string(big_bytes, 'b'), true);
    } else if (path == "/nobody-acks") {
      respond(s, "no such thing", true);  // no server_ack: 404
    }
    // "/echo" answers once its body is in (rx).
  }
  void respond(Stream* s, std::string body, bool with_len) {
    const std::size_t n = body.size();
    out[s] = std::move(body);
    if (with_len) {
      s->request_tx_len(n);
    } else {
      s->request_tx();
    }
  }

  StreamInfo info() {
    StreamInfo i;
    i.make_accepted = [this](StreamInfo& a) {
      auto self = std::make_shared<Stream*>(nullptr);
      a.on_bind = [self](Stream* s) { *self = s; };
      a.callbacks.state = [this, self](stream::State st, std::uint32_t) {
        Stream* s = *self;
        states[s].push_back(st);
        if (st == kServerTxn) {
          requests.push_back({md(s, "path"), md(s, "method"), md(s, "tag"), md(s, "q"), "", 0, s});
          answer(s);
        }
        return Ret::kOk;
      };
      a.callbacks.rx = [this, self](std::span<const std::uint8_t> b, std::uint32_t flags) {
        Stream* s = *self;
        Seen& r = requests.back();
        r.body.append(b.begin(), b.end());
        r.body_flags |= flags;
        if ((flags & stream::kFlagEom) && r.path == "/echo") {
          s->server_ack(0);
          respond(s, "got " + r.body, true);
        }
        return Ret::kOk;
      };
      a.callbacks.tx = [this, self](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len,
                                    std::uint32_t& flags) {
        Stream* s = *self;
        std::string& o = out[s];
        len = std::min(buf.size(), o.size());
        std::copy_n(o.begin(), len, buf.begin());
        o.erase(0, len);
        flags = o.empty() ? std::uint32_t{stream::kFlagEom} : 0u;
        if (!o.empty()) s->request_tx();
        return Ret::kOk;
      };
      return true;
    };
    return i;
  }
};

// One h1 client request of this project's engine.
struct Client {
  std::vector<stream::State> states;
  std::string rx;
  std::string mime;
  std::string body;  // to send (POST)
  Stream* s = nullptr;
  Stream* start(stream::Context& ctx, const char* type, std::string tag = "") {
    StreamInfo info;
    info.streamtype = type;
    info.callbacks.state = [this](stream::State st, std::uint32_t) {
      states.push_back(st);
      if (st == kQosAckRemote || st == kQosNackRemote) {
        auto v = s->get_metadata("mime");
        if (v.ok()) mime = std::string(*v);
      }
      return Ret::kOk;
    };
    info.callbacks.rx = [this](std::span<const std::uint8_t> b, std::uint32_t) {
      rx.append(b.begin(), b.end());
      return Ret::kOk;
    };
    info.callbacks.tx = [this](std::uint32_t, std::span<std::uint8_t> buf, std::size_t& len, std::uint32_t& flags) {
      len = std::min(buf.size(), body.size());
      std::copy_n(body.begin(), len, buf.begin());
      body.erase(0, len);
      flags = body.empty() ? std::uint32_t{stream::kFlagEom} : 0u;
      if (!body.empty()) s->request_tx();
      return Ret::kOk;
    };
    auto r = ctx.create(std::move(info));
    EXPECT_TRUE(r.ok());
    s = *r;
    if (!tag.empty()) (void)s->set_metadata("tag", tag);
    if (body.empty()) {
      s->request_tx();
    } else {
      s->request_tx_len(body.size());
    }
    return s;
  }
  bool saw(State st) const { return std::count(states.begin(), states.end(), st) > 0; }
};

TEST(H1Server, GetWithMetadataUrlArgsAndResponseHeaders) {
  WebServer web;
  Client c;
  ServerBed bed(web_policy(), 21, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "web", web.info()), nullptr);
  c.start(*bed.client, "hello", "t-1");
  bed.run_until_idle();
  ASSERT_EQ(web.requests.size(), 1u);
  const auto& r = web.requests[0];
  EXPECT_EQ(r.path, "/hello");
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.tag, "t-1");         // a mapped request header
  EXPECT_EQ(r.q, "two words");     // a URL argument named like declared metadata
  EXPECT_EQ(r.body_flags, 0u);     // no body: no rx
  EXPECT_EQ(c.rx, "hello, two words");
  EXPECT_EQ(c.mime, "text/plain");  // response metadata -> header -> client metadata
  EXPECT_EQ(c.states, (std::vector<stream::State>{kCreating, State::kPoll, kConnecting, kConnected, kQosAckRemote, kDisconnected}));
  // The accepted stream: CREATING, CONNECTING, CONNECTED, SERVER_TXN; the
  // client closed its connection afterwards (opportunistic, not pooled
  // beyond the context) or keeps it: either way the sequence is legal.
  const auto& ss = web.states[r.stream];
  ASSERT_GE(ss.size(), 4u);
  EXPECT_EQ(std::vector<stream::State>(ss.begin(), ss.begin() + 4), (std::vector<stream::State>{kCreating, kConnecting, kConnected, kServerTxn}));
  EXPECT_TRUE(bed.violations.empty()) << bed.violations.front();
}

TEST(H1Server, NoAckAnswers404AndANonZeroAckIsTheStatus) {
  WebServer web;
  Client missing, teapot;
  ServerBed bed(web_policy(), 22, register_all);
  bed.world.trace().set_keep_events(true);
  ASSERT_NE(ServerBed::create(*bed.server, "web", web.info()), nullptr);
  missing.start(*bed.client, "missing");
  teapot.start(*bed.client, "teapot");
  bed.run_until_idle();
  EXPECT_TRUE(missing.saw(kQosNackRemote));
  EXPECT_FALSE(missing.saw(kQosAckRemote));
  EXPECT_EQ(missing.rx, "no such thing");
  EXPECT_TRUE(teapot.saw(kQosNackRemote));
  EXPECT_EQ(teapot.rx, "short and stout");
  std::vector<std::string> statuses;
  for (const auto& e : bed.world.trace().events()) {
    if (e.kind == "h1.status") statuses.push_back(e.text);
  }
  EXPECT_NE(std::find_if(statuses.begin(), statuses.end(), [](const std::string& t) { return t.ends_with(" 404"); }),
            statuses.end());
  EXPECT_NE(std::find_if(statuses.begin(), statuses.end(), [](const std::string& t) { return t.ends_with(" 418"); }),
            statuses.end());
}

TEST(H1Server, PostBodyArrivesAsRxAndChunkedResponsesWork) {
  WebServer web;
  Client post, chunked;
  post.body = std::string(3000, 'p');
  ServerBed bed(web_policy(), 23, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "web", web.info()), nullptr);
  post.start(*bed.client, "post");
  chunked.start(*bed.client, "chunked");
  bed.run_until_idle();
  auto it = std::find_if(web.requests.begin(), web.requests.end(), [](const auto& r) { return r.path == "/echo"; });
  ASSERT_NE(it, web.requests.end());
  EXPECT_EQ(it->method, "POST");
  EXPECT_EQ(it->body, std::string(3000, 'p'));
  EXPECT_EQ(it->body_flags & (stream::kFlagSom | stream::kFlagEom), stream::kFlagSom | stream::kFlagEom);
  EXPECT_EQ(post.rx, "got " + std::string(3000, 'p'));
  EXPECT_TRUE(post.saw(kQosAckRemote));
  EXPECT_EQ(chunked.rx, std::string(5000, 'c'));  // request_tx without a length: chunked
  EXPECT_TRUE(chunked.saw(kQosAckRemote));
}

TEST(H1Server, KeepAliveServesSeveralRequestsOnOneAcceptedStream) {
  WebServer web;
  Client first, second, third;
  ServerBed bed(web_policy(), 24, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "web", web.info()), nullptr);
  // Within the client pool's 5 s idle limit, each next request goes out on
  // the same wire.
  first.start(*bed.client, "hello");
  bed.run_for(seconds(1));
  second.start(*bed.client, "teapot");
  bed.run_for(seconds(1));
  third.start(*bed.client, "hello");
  bed.run_for(seconds(1));
  ASSERT_EQ(web.requests.size(), 3u);
  EXPECT_EQ(web.requests[0].stream, web.requests[1].stream);
  EXPECT_EQ(web.requests[1].stream, web.requests[2].stream);
  EXPECT_EQ(web.states[web.requests[0].stream], (std::vector<stream::State>{kCreating, kConnecting, kConnected, kServerTxn, kServerTxn, kServerTxn}));
  EXPECT_EQ(first.rx, "hello, two words");
  EXPECT_EQ(second.rx, "short and stout");
  EXPECT_EQ(third.rx, "hello, two words");
}

TEST(H1Server, PipelinedRequestsAreAnsweredInOrder) {
  WebServer web;
  RawClient raw;
  raw.to_send = "GET /hello?q=a HTTP/1.1\r\nHost: s\r\n\r\nGET /teapot HTTP/1.1\r\nHost: s\r\n\r\n"
                "GET /hello?q=b HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n";
  ServerBed bed(web_policy(), 25, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "web", web.info()), nullptr);
  raw.start(*bed.client);
  bed.run_until_idle();
  const std::size_t a = raw.rx.find("hello, a"), t = raw.rx.find("short and stout"), b = raw.rx.find("hello, b");
  ASSERT_NE(a, std::string::npos) << raw.rx;
  ASSERT_NE(t, std::string::npos) << raw.rx;
  ASSERT_NE(b, std::string::npos) << raw.rx;
  EXPECT_LT(a, t);
  EXPECT_LT(t, b);
  EXPECT_NE(raw.rx.find("HTTP/1.1 418"), std::string::npos);
  // request_tx_len -> Content-Length (no chunked framing in this exchange).
  EXPECT_NE(raw.rx.find("Content-Length: 8\r\n"), std::string::npos) << raw.rx;
  EXPECT_EQ(raw.rx.find("chunked"), std::string::npos) << raw.rx;
  EXPECT_NE(raw.rx.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(raw.closed());  // after the last response, asked to close
  EXPECT_EQ(web.states[web.requests[0].stream].back(), kDestroying);
}

// A bad client gets its answer (if any) and is closed with a logged reason;
// a good client at the same time is served.
struct BadClientCase {
  std::string request;
  std::string expect_status;  // "" = closed without an answer
  std::string expect_log;
};

void bad_client(const BadClientCase& bc, stream::ServerLimits limits = {}) {
  WebServer web;
  RawClient bad;
  Client good;
  bad.to_send = bc.request;
  ServerBed bed(web_policy(), 26, register_all, limits);
  ASSERT_NE(ServerBed::create(*bed.server, "web", web.info()), nullptr);
  bad.start(*bed.client);
  good.start(*bed.client, "hello");
  bed.run_until_idle();
  if (!bc.expect_status.empty()) {
    EXPECT_TRUE(bad.rx.starts_with("HTTP/1.1 " + bc.expect_status)) << bad.rx;
  }
  EXPECT_TRUE(bad.closed());
  EXPECT_TRUE(bed.log_has(bed.server_logs, bc.expect_log)) << bc.expect_log;
  EXPECT_EQ(good.rx, "hello, two words");
  EXPECT_TRUE(good.saw(kQosAckRemote));
  EXPECT_TRUE(bed.violations.empty()) << bed.violations.front();
}

TEST(H1ServerBadClients, MalformedRequestLineIs400) {
  bad_client({"GET\x01/ HTTP/1.1\r\n\r\n", "400", "h1 server: bad request"});
}

TEST(H1ServerBadClients, OversizedHeadIs431) {
  bad_client({"GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n", "431", "h1 server: bad request"});
}

TEST(H1ServerBadClients, OversizedBodyIs413) {
  stream::ServerLimits limits;
  limits.max_body = 100;
  bad_client({"POST /echo HTTP/1.1\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'x'), "413",
              "ServerLimits::max_body"},
             limits);
}

TEST(H1ServerBadClients, SlowlorisIsClosedAtTheHeadDeadline) {
  bad_client({"GET / HTTP/1.1\r\nX-Slow: ", "", "no complete request head within 10000 ms"});
}

TEST(H1ServerBadClients, AnUpgradeIsRefusedWith501) {
  bad_client({"GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", "501", "not served"});
}

// A client that asks for a big response and never reads: the server's
// writes back up, nothing moves, and the idle deadline closes it.
TEST(H1ServerBadClients, ANeverReadingClientIsClosedAtTheIdleDeadline) {
  struct Deaf : ConnectionHandler {
    std::unique_ptr<Connection> conn;
    bool ended = false;
    void on_connected() override {
      conn->write("GET /big HTTP/1.1\r\nHost: s\r\n\r\n");
      conn->pause_reading(true);
    }
    void on_data(std::span<const std::uint8_t>) override {}
    void on_end(EndReason) override { ended = true; }
  };
  WebServer web;
  web.big_bytes = 8 * 1024 * 1024;
  Deaf deaf;
  Client good;
  ServerBed bed(web_policy(), 27, register_all);
  ASSERT_NE(ServerBed::create(*bed.server, "web", web.info()), nullptr);
  deaf.conn = bed.world.net_for(bed.client_host).connect(Endpoint::tcp("server", 80), {}, &deaf);
  bed.run_for(seconds(5));
  good.start(*bed.client, "hello");
  bed.run_for(seconds(60));
  EXPECT_EQ(good.rx, "hello, two words");
  EXPECT_TRUE(bed.log_has(bed.server_logs, "no byte in or out for 30000 ms")) << bed.server_logs.size();
  ASSERT_FALSE(web.requests.empty());
  EXPECT_EQ(web.states[web.requests[0].stream].back(), kDestroying);
  deaf.conn.reset();
}

}  // namespace
}  // namespace ss::proto::h1
