// One client over several servers (ClientOptions::servers), against loopback servers that
// misbehave: slow, answering 500s, refusing or resetting connections, rate limiting, breaking a
// stream off. Calls spread by the routing strategy, no server holds more than its slots, a failing
// server is cooled down and probed, and a failed send goes to another server.

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "catch.hpp"
#include "provider_streams.hpp"
#include "raw_server.hpp"
#include "test_server.hpp"

namespace {

using json = nlohmann::json;
using test_support::RawConnection;
using test_support::RawServer;
using test_support::RecordedRequest;
using test_support::ScriptedReply;
using test_support::TestServer;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Person {
    std::string name;
    int age;
};

struct Task {
    std::string title;
};

std::string chat_reply(const std::string& content) {
    return json{
        {"id", "chatcmpl-fleet"},
        {"object", "chat.completion"},
        {"model", "m"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 5}, {"total_tokens", 15}}}}
        .dump();
}

int item_of(const std::string& body) {
    const auto request = json::parse(body);
    const std::string text = request["messages"].back()["content"];
    return std::stoi(text.substr(text.find(' ') + 1));
}

std::vector<instructor::Request> items(int count) {
    std::vector<instructor::Request> requests;
    for (int i = 0; i < count; ++i)
        requests.push_back(
            {.model = "m", .messages = {instructor::user("item " + std::to_string(i))}, .max_retries = 0});
    return requests;
}

instructor::Request item(int i) { return items(i + 1).back(); }

bool is_chat(const RecordedRequest& request) { return request.method == "POST"; }

// A model server on loopback: answers chat calls with the person of the item asked for, after
// `delay_ms`, counts how many it holds at once, and answers GET /health (200) and GET /slots
// (404, like a server that is not llama-server, unless `slots` is set).
class FakeServer {
public:
    explicit FakeServer(int delay_ms = 10, int threads = 24) : delay_ms_(delay_ms), server_(threads) {
        server_.respond_with([this](const RecordedRequest& request) { return respond(request); });
    }

    std::string url() const { return server_.base_url() + "/v1"; }
    int most_at_once() const { return most_; }
    int chats() const {
        const auto all = server_.requests();
        return static_cast<int>(std::count_if(all.begin(), all.end(), is_chat));
    }
    std::vector<RecordedRequest> requests() const { return server_.requests(); }

    /// The chat calls' replies, instead of a person: 500, 503, 429 ... (0: a person).
    std::atomic<int> fail_status{0};
    std::atomic<int> health_status{200};
    /// llama-server's /slots: this many slots, of which `busy_slots` are busy (-1: answer 404).
    std::atomic<int> slots{-1};
    std::atomic<int> busy_slots{0};
    std::atomic<int> delay_ms_{0};

private:
    ScriptedReply respond(const RecordedRequest& request) {
        ScriptedReply reply;
        if (request.method == "GET") {
            if (request.path == "/slots" && slots >= 0) {
                json all = json::array();
                for (int i = 0; i < slots; ++i) all.push_back({{"id", i}, {"is_processing", i < busy_slots}});
                reply.body = all.dump();
            } else if (request.path == "/health") {
                reply.status = health_status;
                reply.body = R"({"status":"ok"})";
            } else {
                reply.status = 404;
                reply.body = R"({"error":{"message":"not found"}})";
            }
            return reply;
        }
        const int now = ++in_flight_;
        int seen = most_.load();
        while (now > seen && !most_.compare_exchange_weak(seen, now)) {}
        std::this_thread::sleep_for(milliseconds(delay_ms_.load()));
        --in_flight_;
        if (const int status = fail_status; status != 0) {
            reply.status = status;
            if (status == 429) reply.headers = {{"retry-after-ms", "1500"}};
            reply.body = R"({"error":{"message":"not now","type":"server_error"}})";
            return reply;
        }
        const int i = item_of(request.body);
        reply.body = chat_reply(json{{"name", "n" + std::to_string(i)}, {"age", i}}.dump());
        return reply;
    }

    TestServer server_;
    std::atomic<int> in_flight_{0};
    std::atomic<int> most_{0};
};

// A loopback port where nothing listens: connections are refused.
std::string refusing_url() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    (void)bind(fd, reinterpret_cast<sockaddr*>(&address), size);
    (void)getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    const int port = ntohs(address.sin_port);
    close(fd);
    return "http://127.0.0.1:" + std::to_string(port) + "/v1";
}

instructor::ClientOptions fleet(std::vector<instructor::Server> servers, instructor::Routing routing = {}) {
    instructor::ClientOptions options;
    options.servers = std::move(servers);
    options.http_retries.initial_delay = milliseconds(10);
    options.routing = routing;
    return options;
}

instructor::Routing quick(instructor::RoutingStrategy strategy = instructor::RoutingStrategy::least_busy) {
    return {.strategy = strategy,
            .cooldown = milliseconds(100),
            .max_cooldown = milliseconds(400),
            .probe_timeout = milliseconds(500),
            .slots_interval = milliseconds(0)};
}

instructor::Client client_of(instructor::ClientOptions options) {
    return instructor::from_openai(std::move(options), instructor::Mode::json_schema);
}

// A copy: the list is often client.server_stats() itself, gone at the end of the statement.
instructor::ServerStats stats_of(const std::vector<instructor::ServerStats>& all, const std::string& name) {
    for (const auto& s : all)
        if (s.name == name) return s;
    FAIL("no server named " << name);
    return all.front();
}

// Waits (at most 10 s) until `done` holds.
template <class Done>
bool eventually(Done done) {
    const auto give_up = Clock::now() + std::chrono::seconds(10);
    while (!done()) {
        if (Clock::now() > give_up) return false;
        std::this_thread::sleep_for(milliseconds(10));
    }
    return true;
}

void check_values(const std::vector<instructor::Result<instructor::Extraction<Person>, instructor::AnyError>>& results,
                  int count) {
    REQUIRE(results.size() == static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        INFO("item " << i);
        const auto& result = results[static_cast<std::size_t>(i)];
        if (!result) FAIL(result.error().what());
        CHECK(result->value.age == i);
    }
}

}  // namespace

TEST_CASE("a batch over several servers spreads its calls, none holding more than its max_in_flight") {
    FakeServer a(20), b(20), c(20);
    const auto client = client_of(fleet({{.base_url = a.url(), .max_in_flight = 1, .name = "a"},
                                         {.base_url = b.url(), .max_in_flight = 2, .name = "b"},
                                         {.base_url = c.url(), .max_in_flight = 3, .name = "c"}},
                                        quick()));
    const auto results = client.create_many<Person>(items(60), {.max_concurrency = 12});
    check_values(results, 60);
    CHECK(a.most_at_once() <= 1);
    CHECK(b.most_at_once() <= 2);
    CHECK(c.most_at_once() <= 3);
    const auto stats = client.server_stats();
    REQUIRE(stats.size() == 3);
    std::uint64_t calls = 0;
    for (const auto& s : stats) {
        INFO(s.name);
        CHECK(s.calls >= 1);
        CHECK(s.answered == s.calls);
        CHECK(s.failures == 0);
        CHECK(s.in_flight == 0);
        CHECK(s.capacity == (s.name == "a" ? 1 : s.name == "b" ? 2 : 3));
        CHECK(s.mean_latency >= milliseconds(20));
        calls += s.calls;
    }
    CHECK(calls == 60);
    // Each value says which server answered it.
    std::map<std::string, int> answered_by;
    for (const auto& result : results) ++answered_by[result->completions.back().server];
    CHECK(answered_by["a"] == static_cast<int>(stats_of(stats, "a").answered));
    CHECK(answered_by["c"] == static_cast<int>(stats_of(stats, "c").answered));
}

TEST_CASE("round robin gives each server its weight's share, in turn") {
    FakeServer light(0), heavy(0);
    const auto client = client_of(fleet({{.base_url = light.url(), .weight = 1, .name = "light"},
                                         {.base_url = heavy.url(), .weight = 3, .name = "heavy"}},
                                        quick(instructor::RoutingStrategy::round_robin)));
    std::vector<std::string> order;
    for (int i = 0; i < 40; ++i)
        order.push_back(client.create_with_completion<Person>(item(i)).completions.back().server);
    CHECK(std::count(order.begin(), order.end(), "light") == 10);
    CHECK(std::count(order.begin(), order.end(), "heavy") == 30);
    // Smooth: never three light ones in a row, never more than three heavy ones.
    for (std::size_t i = 0; i + 4 <= order.size(); i += 4)
        CHECK(std::count(order.begin() + static_cast<long>(i), order.begin() + static_cast<long>(i) + 4, "light") == 1);
}

TEST_CASE("fallback sends to the first server while it is up, and to the next one when it is down") {
    FakeServer first(0), second(0);
    const auto client =
        client_of(fleet({{.base_url = first.url(), .name = "first"}, {.base_url = second.url(), .name = "second"}},
                        {.strategy = instructor::RoutingStrategy::fallback,
                         .cooldown = std::chrono::seconds(30),
                         .slots_interval = milliseconds(0)}));
    for (int i = 0; i < 5; ++i)
        CHECK(client.create_with_completion<Person>(item(i)).completions.back().server == "first");
    CHECK(second.chats() == 0);
    first.fail_status = 503;
    const auto moved = client.create_with_completion<Person>(item(5));
    CHECK(moved.completions.back().server == "second");
    CHECK(stats_of(client.server_stats(), "first").state == instructor::ServerState::cooling_down);
}

TEST_CASE("a server that refuses connections is cooled down, and its calls go to the others") {
    FakeServer a(5), b(5);
    std::atomic<int> http_retries{0};
    std::mutex mutex;
    std::set<std::string> sent_to;
    auto options = fleet({{.base_url = refusing_url(), .name = "dead"},
                          {.base_url = a.url(), .name = "a"},
                          {.base_url = b.url(), .name = "b"}},
                         {.cooldown = std::chrono::seconds(30), .slots_interval = milliseconds(0)});
    options.hooks.on_retry = [&](const instructor::RetryScheduled& retry) {
        if (retry.cause == instructor::RetryCause::http) ++http_retries;
    };
    options.hooks.on_request = [&](const instructor::RequestSent& sent) {
        std::lock_guard lock(mutex);
        sent_to.insert(std::string(sent.server));
    };
    const auto client = client_of(options);
    const auto results = client.create_many<Person>(items(30), {.max_concurrency = 6});
    check_values(results, 30);
    const auto stats = client.server_stats();
    const auto& dead = stats_of(stats, "dead");
    CHECK(dead.failures >= 1);
    CHECK(dead.answered == 0);
    CHECK(dead.cooldowns == 1);  // one cooldown of 30 s: no send after it
    CHECK(dead.state == instructor::ServerState::cooling_down);
    CHECK(dead.last_failure.find("Could") != std::string::npos);       // libcurl's "Couldn't connect to server"
    CHECK(static_cast<std::uint64_t>(http_retries) == dead.failures);  // each failed send, sent again elsewhere
    CHECK(stats_of(stats, "a").answered + stats_of(stats, "b").answered == 30);
    CHECK(sent_to == std::set<std::string>{"dead", "a", "b"});
}

TEST_CASE(
    "a server answering 500s is cooled down, probed with GET /health after each cooldown, "
    "and its calls are answered by another") {
    FakeServer good(10), failing(10);
    failing.fail_status = 500;
    const auto client = client_of(
        fleet({{.base_url = good.url(), .name = "good"}, {.base_url = failing.url(), .name = "failing"}},
              {.cooldown = milliseconds(30), .max_cooldown = milliseconds(60), .slots_interval = milliseconds(0)}));
    const auto results = client.create_many<Person>(items(40), {.max_concurrency = 4});
    check_values(results, 40);
    const auto stats = client.server_stats();
    const auto& failing_stats = stats_of(stats, "failing");
    CHECK(failing_stats.failures >= 1);
    CHECK(failing_stats.answered == 0);
    CHECK(failing_stats.last_failure.find("HTTP 500") != std::string::npos);
    for (const auto& result : results) CHECK(result->completions.back().server == "good");
    // Every time its cooldown ended it was probed; the probes it passed let it have calls again.
    const auto requests = failing.requests();
    const auto probes =
        std::count_if(requests.begin(), requests.end(), [](const RecordedRequest& r) { return r.path == "/health"; });
    CHECK(static_cast<std::uint64_t>(probes) == failing_stats.probes);
}

TEST_CASE("a server that resets every connection loses no call") {
    FakeServer good(5);
    RawServer resetting([](RawConnection& c) {
        const std::string request = c.read_request();
        if (request.rfind("GET /health", 0) == 0) {
            (void)c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            return;
        }
        // The request is read; the connection closes without a byte of reply.
    });
    const auto client = client_of(fleet(
        {{.base_url = resetting.base_url() + "/v1", .name = "resetting"}, {.base_url = good.url(), .name = "good"}},
        quick()));
    const auto results = client.create_many<Person>(items(20), {.max_concurrency = 4});
    check_values(results, 20);
    const auto& stats = stats_of(client.server_stats(), "resetting");
    CHECK(stats.failures >= 1);
    CHECK(stats.answered == 0);
}

TEST_CASE("under least_busy a slow server gets fewer calls than a fast one") {
    FakeServer slow(300), fast(5);
    const auto client = client_of(fleet({{.base_url = slow.url(), .max_in_flight = 4, .name = "slow"},
                                         {.base_url = fast.url(), .max_in_flight = 4, .name = "fast"}},
                                        quick()));
    const auto results = client.create_many<Person>(items(60), {.max_concurrency = 8});
    check_values(results, 60);
    const auto stats = client.server_stats();
    CHECK(stats_of(stats, "slow").answered * 3 < stats_of(stats, "fast").answered);
    CHECK(slow.most_at_once() <= 4);
}

TEST_CASE("a 429 from one server holds back that server only") {
    FakeServer limited(10), other(10);
    limited.fail_status = 429;  // with retry-after-ms: 1500
    const auto client =
        client_of(fleet({{.base_url = limited.url(), .name = "limited"}, {.base_url = other.url(), .name = "other"}},
                        quick(instructor::RoutingStrategy::fallback)));
    const auto results = client.create_many<Person>(items(20), {.max_concurrency = 4});
    check_values(results, 20);
    const auto requests = limited.requests();
    REQUIRE(!requests.empty());
    const auto first_429 = requests.front().received;
    // No call reached the limited server during the wait it asked for, while the other went on.
    for (const auto& request : requests)
        if (is_chat(request) && request.received > first_429 + milliseconds(50))
            CHECK(request.received - first_429 >= milliseconds(1400));
    int during_hold = 0;
    for (const auto& request : other.requests())
        if (request.received > first_429 && request.received < first_429 + milliseconds(1400)) ++during_hold;
    CHECK(during_hold >= 16);
    const auto& stats = stats_of(client.server_stats(), "limited");
    CHECK(stats.rate_limited >= 1);
    CHECK(stats.cooldowns == 0);  // held back, not cooled down: a 429 is no failure
}

TEST_CASE("when every server is down a call ends in one AllServersDownError that lists each one's last failure") {
    const std::string secret = "sk-fleet-secret-0123456789";
    auto options = fleet({{.base_url = refusing_url(), .api_key = secret, .name = "east"},
                          {.base_url = "http://user:hunter2@" + refusing_url().substr(7)}},
                         quick());
    options.http_retries.max_retries = 3;
    const auto client = client_of(options);
    const auto result = client.try_create<Person>(item(1));
    REQUIRE(!result);
    const auto* down = result.error().as<instructor::AllServersDownError>();
    REQUIRE(down != nullptr);
    CHECK(result.error().as<instructor::TransportError>() != nullptr);
    REQUIRE(down->failures().size() == 2);
    CHECK(down->failures()[0].server == "east");
    CHECK(down->failures()[1].server.find("REDACTED") == std::string::npos);
    CHECK(down->failures()[1].server.find("hunter2") == std::string::npos);
    for (const auto& failure : down->failures()) CHECK(!failure.failure.empty());
    const std::string what = down->what();
    CHECK(what.find("every server is down") != std::string::npos);
    CHECK(what.find("east (") != std::string::npos);
    CHECK(what.find(secret) == std::string::npos);
    CHECK(what.find("hunter2") == std::string::npos);
    // The last send's own error is nested inside.
    bool nested = false;
    try {
        std::rethrow_if_nested(*down);
    } catch (const instructor::TransportError& e) {
        nested = std::string(e.what()).find("127.0.0.1") != std::string::npos;
    } catch (...) {}
    CHECK(nested);
    SECTION("with no HTTP retry, at once") {
        options.http_retries.max_retries = 0;
        const auto fast = client_of(options);
        CHECK(!fast.try_create<Person>(item(1)));
    }
}

TEST_CASE("a call waits for a server to come back when every one is cooling down, probing it first") {
    FakeServer only(5);
    only.fail_status = 503;
    std::vector<std::string> reasons;
    auto options = fleet({{.base_url = only.url(), .name = "only"}}, quick());
    options.http_retries.max_retries = 4;
    options.hooks.on_retry = [&](const instructor::RetryScheduled& retry) { reasons.emplace_back(retry.reason); };
    options.hooks.on_reply = [&](const instructor::ReplyReceived& reply) {
        if (reply.status == 503) only.fail_status = 0;  // back after this failure
    };
    const auto client = client_of(options);
    const auto value = client.create_with_completion<Person>(item(7));
    CHECK(value.value.age == 7);
    CHECK(value.completions.back().server == "only");
    REQUIRE(!reasons.empty());
    CHECK(reasons.front().find("HTTP 503") != std::string::npos);
    const auto stats = client.server_stats().front();
    CHECK(stats.probes >= 1);
    CHECK(stats.state == instructor::ServerState::up);
    const auto requests = only.requests();
    REQUIRE(requests.size() >= 3);
    CHECK(requests[1].path == "/health");  // probed before the second call
}

TEST_CASE("a stream that breaks off mid-reply starts again on another server, and the callback is told") {
    using namespace test_support::streams;
    // The first server sends part of the answer, then drops the connection.
    RawServer breaking([](RawConnection& c) {
        const std::string request = c.read_request();
        if (request.rfind("GET ", 0) == 0) {
            (void)c.write("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            return;
        }
        const std::string events = text_events(R"({"name":"Broken Reply","age":)", 4);
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", events.size());
        (void)c.write(
            std::string("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n") +
            size + events + "\r\n");
        (void)c.pause(milliseconds(20));
    });
    TestServer whole(4);
    whole.respond_with([](const RecordedRequest& request) {
        if (request.method == "GET") return ScriptedReply{.status = 404, .body = "{}"};
        return streamed(text_stream(R"({"name":"Whole","age":41})"));
    });
    auto options = fleet({{.base_url = breaking.base_url() + "/v1", .name = "breaking"},
                          {.base_url = whole.base_url() + "/v1", .name = "whole"}},
                         quick(instructor::RoutingStrategy::fallback));
    const auto client = client_of(options);

    SECTION("create_partial: the value starts again from empty, with restarts() saying so") {
        std::vector<std::pair<std::string, int>> seen;
        const Person person = client.create_partial<Person>(
            item(1), [&](const Person& so_far, const instructor::PartialProgress& progress) {
                seen.emplace_back(so_far.name, progress.restarts());
            });
        CHECK(person.name == "Whole");
        CHECK(person.age == 41);
        REQUIRE(!seen.empty());
        const auto restart = std::find_if(seen.begin(), seen.end(), [](const auto& s) { return s.second == 1; });
        REQUIRE(restart != seen.end());
        CHECK(restart->first.empty());  // told at once, with the broken reply's value dropped
        CHECK(std::any_of(seen.begin(), restart, [](const auto& s) { return !s.first.empty(); }));
        for (auto it = restart; it != seen.end(); ++it) CHECK(it->first.find("Broken") == std::string::npos);
        const auto& stats = stats_of(client.server_stats(), "breaking");
        CHECK(stats.failures == 1);
    }
}

TEST_CASE("a stream restarted on another server hands on the new reply's reasoning from its beginning") {
    using namespace test_support::streams;
    // The first server thinks, begins its answer, and drops the connection.
    RawServer breaking([](RawConnection& c) {
        const std::string request = c.read_request();
        if (request.rfind("GET ", 0) == 0) {
            (void)c.write("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            return;
        }
        const std::string events = sse({openai_chunk({{"reasoning_content", "Broken thought."}})}, false) +
                                   text_events(R"({"name":"Broken Reply","age":)", 4);
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", events.size());
        (void)c.write(
            std::string("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n") +
            size + events + "\r\n");
        (void)c.pause(milliseconds(20));
    });
    TestServer whole(4);
    whole.respond_with([](const RecordedRequest& request) {
        if (request.method == "GET") return ScriptedReply{.status = 404, .body = "{}"};
        return streamed(sse({openai_chunk({{"reasoning_content", "Whole thought."}})}, false) +
                        text_stream(R"({"name":"Whole","age":41})"));
    });
    auto options = fleet({{.base_url = breaking.base_url() + "/v1", .name = "breaking"},
                          {.base_url = whole.base_url() + "/v1", .name = "whole"}},
                         quick(instructor::RoutingStrategy::fallback));
    const auto client = instructor::from_provider("llama-cpp/m", options, instructor::Mode::json_schema);

    // What the callbacks heard, in order: each reasoning delta, and each restart as it was told.
    std::vector<std::string> heard;
    int restarts = 0;
    const Person person = client.create_partial<Person>(
        item(1),
        [&](const Person&, const instructor::PartialProgress& progress) {
            if (progress.restarts() > restarts)
                heard.push_back("restart " + std::to_string(restarts = progress.restarts()));
        },
        [&](std::string_view delta) { heard.emplace_back(delta); });
    CHECK(person.name == "Whole");
    CHECK(heard == std::vector<std::string>{"Broken thought.", "restart 1", "Whole thought."});
    CHECK(stats_of(client.server_stats(), "breaking").failures == 1);
}

TEST_CASE("a list streamed over a server that breaks off comes whole from the next one") {
    using namespace test_support::streams;
    RawServer breaking([](RawConnection& c) {
        const std::string request = c.read_request();
        if (request.rfind("GET ", 0) == 0) {
            (void)c.write("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            return;
        }
        const std::string events = text_events(R"({"tasks":[{"title":"broken one"},{"title":"bro)", 4);
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", events.size());
        (void)c.write(
            std::string("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n") +
            size + events + "\r\n");
    });
    TestServer whole(4);
    whole.respond_with([](const RecordedRequest& request) {
        if (request.method == "GET") return ScriptedReply{.status = 404, .body = "{}"};
        return streamed(text_stream(R"({"tasks":[{"title":"one"},{"title":"two"},{"title":"three"}]})"));
    });
    const auto client = client_of(fleet({{.base_url = breaking.base_url() + "/v1", .name = "breaking"},
                                         {.base_url = whole.base_url() + "/v1", .name = "whole"}},
                                        quick(instructor::RoutingStrategy::fallback)));
    SECTION("the list returned is the final reply's") {
        const auto tasks = client.create_iterable<Task>(item(1));
        REQUIRE(tasks.size() == 3);
        CHECK(tasks[0].title == "one");
        CHECK(tasks[2].title == "three");
    }
    SECTION("each item's progress says where it stands after the restart") {
        std::vector<std::tuple<std::string, std::size_t, int>> seen;
        client.create_iterable<Task>(item(1), [&](Task task, const instructor::ItemProgress& progress) {
            seen.emplace_back(task.title, progress.index, progress.restarts);
        });
        REQUIRE(seen.size() == 4);
        CHECK(seen[0] == std::tuple<std::string, std::size_t, int>{"broken one", 0, 0});
        CHECK(seen[1] == std::tuple<std::string, std::size_t, int>{"one", 0, 1});
        CHECK(seen[3] == std::tuple<std::string, std::size_t, int>{"three", 2, 1});
    }
}

TEST_CASE("blocking calls on many threads never put more calls on a server than its max_in_flight") {
    FakeServer a(15), b(15);
    const auto client = client_of(fleet({{.base_url = a.url(), .max_in_flight = 1, .name = "a"},
                                         {.base_url = b.url(), .max_in_flight = 2, .name = "b"}},
                                        quick()));
    std::atomic<int> values{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 4; ++i) values += client.create<Person>(item(t * 4 + i)).age == t * 4 + i ? 1 : 0;
        });
    for (auto& thread : threads) thread.join();
    CHECK(values == 32);
    CHECK(a.most_at_once() <= 1);
    CHECK(b.most_at_once() <= 2);
    const auto stats = client.server_stats();
    CHECK(stats[0].calls + stats[1].calls == 32);
}

TEST_CASE("create_async calls spread over the servers too") {
    FakeServer a(10), b(10);
    const auto client = client_of(fleet({{.base_url = a.url(), .max_in_flight = 2, .name = "a"},
                                         {.base_url = b.url(), .max_in_flight = 2, .name = "b"}},
                                        quick()));
    std::vector<std::future<Person>> futures;
    for (int i = 0; i < 16; ++i) futures.push_back(client.create_async<Person>(item(i)));
    for (int i = 0; i < 16; ++i) CHECK(futures[static_cast<std::size_t>(i)].get().age == i);
    CHECK(a.chats() >= 1);
    CHECK(b.chats() >= 1);
    CHECK(a.most_at_once() <= 2);
    CHECK(b.most_at_once() <= 2);
}

TEST_CASE("llama-server's /slots gives a server its capacity, and busy slots steer calls away") {
    FakeServer busy(5), idle(5);
    busy.slots = 2;
    busy.busy_slots = 2;  // both held by another client
    idle.slots = 3;
    const auto client =
        client_of(fleet({{.base_url = busy.url(), .name = "busy"}, {.base_url = idle.url(), .name = "idle"}},
                        {.probe_timeout = milliseconds(500), .slots_interval = milliseconds(20)}));
    REQUIRE(eventually([&] {
        const auto stats = client.server_stats();
        return stats[0].busy_slots == 2 && stats[1].slots == 3;
    }));
    const auto stats = client.server_stats();
    CHECK(stats_of(stats, "busy").capacity == 2);
    CHECK(stats_of(stats, "idle").capacity == 3);
    for (int i = 0; i < 6; ++i)
        CHECK(client.create_with_completion<Person>(item(i)).completions.back().server == "idle");
    const auto results = client.create_many<Person>(items(30), {.max_concurrency = 10});
    check_values(results, 30);
    CHECK(idle.most_at_once() <= 3);
    CHECK(busy.most_at_once() <= 2);
}

TEST_CASE("hooks name the server of each send and reply, never its credentials") {
    FakeServer server(0);
    const std::string url = "http://alice:pa55word@" + server.url().substr(7);
    std::vector<std::string> lines;
    auto options = fleet({{.base_url = url, .api_key = "sk-key-of-this-server"}}, quick());
    options.hooks = instructor::log_hooks([&](std::string_view line) { lines.emplace_back(line); });
    const auto client = client_of(options);
    const auto result = client.create_with_completion<Person>(item(3));
    CHECK(result.value.age == 3);
    REQUIRE(lines.size() >= 2);
    CHECK(lines[1].find(" from http://") != std::string::npos);
    for (const auto& line : lines) {
        CHECK(line.find("pa55word") == std::string::npos);
        CHECK(line.find("sk-key-of-this-server") == std::string::npos);
    }
    CHECK(result.completions.back().server.find("pa55word") == std::string::npos);
    CHECK(server.requests().back().path == "/v1/chat/completions");
}

TEST_CASE("servers are checked when the client is made") {
    using instructor::ConfigurationError;
    CHECK_THROWS_AS(
        client_of({.base_url = "http://127.0.0.1:1/v1", .servers = {{.base_url = "http://127.0.0.1:2/v1"}}}),
        ConfigurationError);
    CHECK_THROWS_AS(client_of(fleet({{.base_url = "127.0.0.1:2/v1"}})), ConfigurationError);
    CHECK_THROWS_AS(client_of(fleet({{.base_url = "http://127.0.0.1:2/v1", .weight = 0}})), ConfigurationError);
    CHECK_THROWS_AS(client_of(fleet({{.base_url = "http://127.0.0.1:2/v1", .max_in_flight = -1}})), ConfigurationError);
    CHECK_THROWS_AS(client_of(fleet({{.base_url = "http://127.0.0.1:2/v1", .api_key = "line\nbreak"}})),
                    ConfigurationError);
    // from_openai with servers and no key is not OpenAI itself: it asks for no OPENAI_API_KEY.
    CHECK_NOTHROW(instructor::from_openai(fleet({{.base_url = "http://127.0.0.1:2/v1"}})));
    CHECK(instructor::from_openai({.base_url = "http://127.0.0.1:2/v1"}).server_stats().empty());
}
