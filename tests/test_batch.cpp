// Many calls at once (create_many, extract_many, create_async) through the loopback server, with
// latency and faults injected: results in input order, failures kept to their own call, 429s that
// hold the whole batch back, broken connections, cancellation, and rate limits held.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <unistd.h>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "catch.hpp"
#include "test_server.hpp"

namespace {

using json = nlohmann::json;
using test_support::RecordedRequest;
using test_support::ScriptedReply;
using test_support::TestServer;
using Clock = std::chrono::steady_clock;

struct Person {
    std::string name;
    int age;
};

std::string chat_reply(const std::string& content, int total_tokens = 15) {
    return json{
        {"id", "chatcmpl-batch"},
        {"object", "chat.completion"},
        {"model", "m"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", total_tokens - 5}, {"completion_tokens", 5}, {"total_tokens", total_tokens}}}}
        .dump();
}

// The number in the last user message, "item 7" -> 7.
int item_of(const RecordedRequest& request) {
    const auto body = json::parse(request.body);
    const std::string text = body["messages"].back()["content"];
    return std::stoi(text.substr(text.find(' ') + 1));
}

ScriptedReply person_reply(int item, int delay_ms = 0) {
    ScriptedReply reply;
    reply.body = chat_reply(json{{"name", "n" + std::to_string(item)}, {"age", item}}.dump());
    reply.delay_ms = delay_ms;
    return reply;
}

std::vector<instructor::Request> items(int count) {
    std::vector<instructor::Request> requests;
    for (int i = 0; i < count; ++i)
        requests.push_back(
            {.model = "m", .messages = {instructor::user("item " + std::to_string(i))}, .max_retries = 0});
    return requests;
}

instructor::Client client_for(const TestServer& server, instructor::ClientOptions options = {}) {
    options.base_url = server.base_url() + "/v1";
    options.http_retries.initial_delay = std::chrono::milliseconds(10);
    return instructor::from_openai(std::move(options), instructor::Mode::json_schema);
}

// Requests the server saw in flight at once, at most.
struct InFlight {
    std::atomic<int> now{0}, most{0};
    void enter() {
        const int n = ++now;
        int seen = most.load();
        while (n > seen && !most.compare_exchange_weak(seen, n)) {}
    }
    void leave() { --now; }
};

}  // namespace

TEST_CASE("create_many gives one result per request, in input order, whatever order the replies come in") {
    TestServer server(32);
    InFlight in_flight;
    server.respond_with([&](const RecordedRequest& request) {
        in_flight.enter();
        const int item = item_of(request);
        // Later items answer sooner, so replies arrive in the reverse of input order.
        std::this_thread::sleep_for(std::chrono::milliseconds((40 - item) * 3));
        in_flight.leave();
        return person_reply(item);
    });
    const auto client = client_for(server);
    const auto results = client.create_many<Person>(items(40), {.max_concurrency = 8});
    REQUIRE(results.size() == 40);
    for (int i = 0; i < 40; ++i) {
        INFO("item " << i);
        REQUIRE(results[static_cast<std::size_t>(i)].has_value());
        CHECK(results[static_cast<std::size_t>(i)]->value.name == "n" + std::to_string(i));
        CHECK(results[static_cast<std::size_t>(i)]->usage.total_tokens == 15);
    }
    CHECK(in_flight.most <= 8);
    CHECK(in_flight.most >= 4);  // calls really overlapped
    std::set<int> connections;
    for (const auto& request : server.requests()) connections.insert(request.remote_port);
    CHECK(connections.size() <= 8);  // connections kept and reused, not one per call
}

TEST_CASE("one call's failure is its own: the others still get their values") {
    TestServer server(16);
    server.respond_with([](const RecordedRequest& request) {
        const int item = item_of(request);
        if (item == 3) {
            ScriptedReply reply;
            reply.body = chat_reply("no JSON here");
            return reply;
        }
        if (item == 5) {
            ScriptedReply reply;
            reply.status = 400;
            reply.body = R"({"error":{"message":"bad request for item 5","type":"invalid_request_error"}})";
            return reply;
        }
        return person_reply(item);
    });
    const auto client = client_for(server);
    std::vector<std::size_t> reported;
    const auto results = client.create_many<Person>(items(10), {.max_concurrency = 4});
    REQUIRE(results.size() == 10);
    for (std::size_t i = 0; i < results.size(); ++i) {
        INFO("item " << i);
        if (i == 3) {
            REQUIRE_FALSE(results[i].has_value());
            const auto* retry = results[i].error().as<instructor::RetryError>();
            REQUIRE(retry != nullptr);
            CHECK(retry->attempts().back().completion.text == "no JSON here");  // the reply is kept
        } else if (i == 5) {
            REQUIRE_FALSE(results[i].has_value());
            const auto* http = results[i].error().as<instructor::HttpError>();
            REQUIRE(http != nullptr);
            CHECK(http->status() == 400);
        } else {
            REQUIRE(results[i].has_value());
            CHECK(results[i]->value.age == static_cast<int>(i));
        }
    }
}

TEST_CASE("each result reaches the callback as soon as it ends, with its usage, and nothing is kept") {
    TestServer server(8);
    server.respond_with([](const RecordedRequest& request) {
        const int item = item_of(request);
        return person_reply(item, item == 0 ? 300 : 0);  // the first input ends last
    });
    const auto client = client_for(server);
    std::vector<std::size_t> order;
    std::size_t progress_calls = 0;
    instructor::BatchOptions options{.max_concurrency = 4};
    options.on_progress = [&](const instructor::BatchProgress& p) {
        ++progress_calls;
        CHECK(p.succeeded + p.failed <= p.started);
    };
    client.create_many<Person>(items(6), options, [&](instructor::BatchResult<instructor::Extraction<Person>> done) {
        REQUIRE(done.result.has_value());
        CHECK(done.result->value.age == static_cast<int>(done.index));
        CHECK(done.usage.total_tokens == 15);
        order.push_back(done.index);
    });
    REQUIRE(order.size() == 6);
    CHECK(order.back() == 0);  // handed over when it ended, not in input order
    CHECK(progress_calls == 6);
}

// An input range that makes each request only when it is read, and counts them.
struct LazyRequests {
    int count;
    std::atomic<int>* made;
    struct iterator {
        int at;
        const LazyRequests* owner;
        instructor::Request operator*() const {
            ++*owner->made;
            return {.model = "m", .messages = {instructor::user("item " + std::to_string(at))}, .max_retries = 0};
        }
        iterator& operator++() {
            ++at;
            return *this;
        }
        bool operator==(const iterator& other) const { return at == other.at; }
    };
    [[nodiscard]] iterator begin() const { return {0, this}; }
    [[nodiscard]] iterator end() const { return {count, this}; }
};

TEST_CASE("a lazy input is read as calls start") {
    TestServer server(8);
    server.respond_with([](const RecordedRequest& request) { return person_reply(item_of(request)); });
    const auto client = client_for(server);
    std::atomic<int> made{0};
    int most_ahead = 0;
    int ended = 0;
    client.create_many<Person>(LazyRequests{30, &made}, {.max_concurrency = 3}, [&](auto done) {
        CHECK(done.result.has_value());
        ++ended;
        most_ahead = std::max(most_ahead, made.load() - ended);
    });
    CHECK(ended == 30);
    CHECK(most_ahead <= 3);  // never more made than in flight
}

TEST_CASE("a 429 storm holds the whole batch back and loses nothing") {
    TestServer server(16);
    std::atomic<int> rate_limited{0};
    std::mutex mutex;
    std::optional<Clock::time_point> first_429;
    server.respond_with([&](const RecordedRequest& request) {
        if (rate_limited < 6) {
            ++rate_limited;
            std::lock_guard lock(mutex);
            if (!first_429) first_429 = Clock::now();
            ScriptedReply reply;
            reply.status = 429;
            reply.headers = {{"retry-after-ms", "300"}};
            reply.body = R"({"error":{"message":"slow down","type":"rate_limit_error"}})";
            return reply;
        }
        return person_reply(item_of(request));
    });
    const auto client = client_for(server, {.http_retries = {.max_retries = 5}});
    const auto results = client.create_many<Person>(items(20), {.max_concurrency = 4});
    REQUIRE(results.size() == 20);
    for (const auto& result : results) CHECK(result.has_value());
    const auto requests = server.requests();
    CHECK(requests.size() == 26);  // every call once, and the six that were asked to wait once more
    // After the first 429 no request went out until its wait was over (those already sent aside).
    REQUIRE(first_429);
    int inside_pause = 0;
    for (const auto& request : requests)
        if (request.received > *first_429 + std::chrono::milliseconds(30) &&
            request.received < *first_429 + std::chrono::milliseconds(270))
            ++inside_pause;
    CHECK(inside_pause == 0);
}

TEST_CASE("connections reset mid-batch are sent again and lose nothing") {
    TestServer server(8);
    std::atomic<int> broken{0};
    server.respond_with([&](const RecordedRequest& request) {
        const int item = item_of(request);
        ScriptedReply reply = person_reply(item);
        if ((item == 2 || item == 7) && broken < 2) {
            ++broken;
            reply.close_mid_body = true;  // the reply is cut off and the connection closed
        }
        return reply;
    });
    const auto client = client_for(server);
    const auto results = client.create_many<Person>(items(10), {.max_concurrency = 4});
    for (std::size_t i = 0; i < results.size(); ++i) {
        INFO("item " << i);
        REQUIRE(results[i].has_value());
        CHECK(results[i]->value.age == static_cast<int>(i));
    }
    CHECK(broken == 2);
    CHECK(server.requests().size() == 12);
}

TEST_CASE("cancelling a batch ends every call within 100 ms") {
    TestServer server(16);
    server.respond_with([](const RecordedRequest& request) { return person_reply(item_of(request), 5000); });
    const auto client = client_for(server);
    std::stop_source stop;
    Clock::time_point stopped_at;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        stopped_at = Clock::now();
        stop.request_stop();
    });
    const auto results = client.create_many<Person>(items(30), {.max_concurrency = 10, .cancel = stop.get_token()});
    const auto returned = Clock::now();
    canceller.join();
    CHECK(returned - stopped_at < std::chrono::milliseconds(100));
    REQUIRE(results.size() == 30);  // an answer for every input, started or not
    for (const auto& result : results) {
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().as<instructor::CancelledError>() != nullptr);
    }
    CHECK(server.requests().size() <= 10);  // the ones not started were never sent
}

TEST_CASE("requests per minute are held: no window sees more than the pace allows") {
    TestServer server(8);
    server.respond_with([](const RecordedRequest& request) { return person_reply(item_of(request)); });
    const auto client = client_for(server);
    const auto started = Clock::now();
    // 1200 a minute: 20 a second, bursts of up to 20.
    const auto results = client.create_many<Person>(items(40), {.max_concurrency = 40, .requests_per_minute = 1200});
    const auto took = Clock::now() - started;
    for (const auto& result : results) CHECK(result.has_value());
    CHECK(took >= std::chrono::milliseconds(900));  // (40 - 20) / 20 per second
    const auto requests = server.requests();
    for (const auto& first : requests) {
        int in_window = 0;
        for (const auto& other : requests)
            if (other.received >= first.received && other.received < first.received + std::chrono::milliseconds(500))
                ++in_window;
        CHECK(in_window <= 20 + 10 + 1);  // the burst, and half a second's pace
    }
}

TEST_CASE("tokens per minute are held, each request's estimate corrected by its reported usage") {
    TestServer server(4);
    server.respond_with([](const RecordedRequest& request) {
        ScriptedReply reply = person_reply(item_of(request));
        reply.body = chat_reply(json{{"name", "x"}, {"age", 1}}.dump(), 500);  // each call costs 500 tokens
        return reply;
    });
    const auto client = client_for(server);
    const auto started = Clock::now();
    // 1000 tokens a second, bursts of a second's worth: the last of six calls may go once the first
    // five (2500 tokens) are paid for, less the burst: after 1.5 s.
    const auto results = client.create_many<Person>(items(6), {.max_concurrency = 1, .tokens_per_minute = 60'000});
    const auto took = Clock::now() - started;
    for (const auto& result : results) CHECK(result.has_value());
    CHECK(took >= std::chrono::milliseconds(1350));
    CHECK(took < std::chrono::milliseconds(4000));
}

TEST_CASE("one thread drives every transfer of a batch") {
    TestServer server(16);
    server.respond_with([](const RecordedRequest& request) { return person_reply(item_of(request), 20); });
    std::mutex mutex;
    std::set<std::thread::id> senders;
    instructor::ClientOptions options;
    options.hooks.on_request = [&](const instructor::RequestSent&) {
        std::lock_guard lock(mutex);
        senders.insert(std::this_thread::get_id());
    };
    const auto client = client_for(server, options);
    const auto results = client.create_many<Person>(items(16), {.max_concurrency = 16});
    for (const auto& result : results) CHECK(result.has_value());
    CHECK(senders.size() == 1);
    CHECK(senders.count(std::this_thread::get_id()) == 1);  // the caller's own thread
}

TEST_CASE("a callable transport runs on the batch's pool of threads") {
    std::atomic<int> at_once{0}, most{0};
    const auto client = instructor::from_callable(
        [&](const json& request) {
            const int n = ++at_once;
            int seen = most.load();
            while (n > seen && !most.compare_exchange_weak(seen, n)) {}
            std::this_thread::sleep_for(std::chrono::milliseconds(40));
            --at_once;
            const std::string text = request["messages"].back()["content"];
            const int item = std::stoi(text.substr(5));
            return json::parse(chat_reply(json{{"name", "n"}, {"age", item}}.dump()));
        },
        instructor::Mode::json_schema);
    const auto started = Clock::now();
    const auto results = client.create_many<Person>(items(8), {.max_concurrency = 8, .transport_threads = 4});
    const auto took = Clock::now() - started;
    for (std::size_t i = 0; i < results.size(); ++i) {
        REQUIRE(results[i].has_value());
        CHECK(results[i]->value.age == static_cast<int>(i));
    }
    CHECK(most == 4);
    CHECK(took < std::chrono::milliseconds(300));  // two rounds of 40 ms, not eight
}

TEST_CASE("an exception from a callable transport ends that call only, as an instructor error that keeps it") {
    const auto client = instructor::from_callable(
        [](const json& request) -> json {
            const std::string text = request["messages"].back()["content"];
            if (text == "item 1") throw std::runtime_error("the model crashed");
            return json::parse(chat_reply(R"({"name":"n","age":1})"));
        },
        instructor::Mode::json_schema);
    const auto results = client.create_many<Person>(items(3));
    CHECK(results[0].has_value());
    REQUIRE_FALSE(results[1].has_value());
    CHECK(std::string(results[1].error().what()).find("the model crashed") != std::string::npos);
    try {
        results[1].error().rethrow();
    } catch (const instructor::Error& e) {
        CHECK_THROWS_AS(std::rethrow_if_nested(e), std::runtime_error);  // the original is kept
    }
    CHECK(results[2].has_value());
}

TEST_CASE("a cassette shared by a batch's transport threads records every call, then replays them all") {
    struct Removed {
        std::string path;
        ~Removed() { std::remove(path.c_str()); }
    } file{(std::filesystem::temp_directory_path() / ("batch-cassette-" + std::to_string(::getpid()) + ".jsonl"))
               .string()};
    const std::string& path = file.path;
    TestServer server(8);
    server.respond_with([](const RecordedRequest& request) { return person_reply(item_of(request), 5); });
    auto recording = client_for(
        server, {.transport = instructor::cassette({.path = path, .mode = instructor::CassetteMode::record})});
    const auto recorded = recording.create_many<Person>(items(24), {.max_concurrency = 8, .transport_threads = 4});
    CHECK(server.requests().size() == 24);
    instructor::ClientOptions offline{.base_url = "http://127.0.0.1:1/v1",
                                      .transport = instructor::cassette({.path = path})};
    const auto client = instructor::from_openai(offline, instructor::Mode::json_schema);
    const auto replayed = client.create_many<Person>(items(24), {.max_concurrency = 8, .transport_threads = 4});
    for (int i = 0; i < 24; ++i) {
        REQUIRE(recorded[i].has_value());
        REQUIRE(replayed[i].has_value());
        CHECK(replayed[i]->value.age == i);
    }
}

TEST_CASE("extract_many extracts from each text, in order") {
    TestServer server(8);
    server.respond_with([](const RecordedRequest& request) { return person_reply(item_of(request)); });
    const auto client = client_for(server);
    const std::vector<std::string> texts{"item 0", "item 1", "item 2"};
    const auto people = instructor::extract_many<Person>(client, texts, {.model = "m"});
    REQUIRE(people.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        REQUIRE(people[i].has_value());
        CHECK(people[i]->age == static_cast<int>(i));
    }
}

TEST_CASE("create_async returns at once and its future gets the value") {
    TestServer server(8);
    server.respond_with([](const RecordedRequest& request) { return person_reply(item_of(request), 100); });
    const auto client = client_for(server);
    const auto started = Clock::now();
    std::vector<std::future<Person>> futures;
    for (auto& request : items(5)) futures.push_back(client.create_async<Person>(std::move(request)));
    CHECK(Clock::now() - started < std::chrono::milliseconds(50));
    for (int i = 0; i < 5; ++i) CHECK(futures[static_cast<std::size_t>(i)].get().age == i);
    CHECK(Clock::now() - started < std::chrono::milliseconds(400));  // together, not one after another

    SECTION("cancelled through its request, it ends at once") {
        std::stop_source stop;
        auto request = items(1).front();
        request.cancel = stop.get_token();
        server.respond_with([](const RecordedRequest& r) { return person_reply(item_of(r), 5000); });
        auto future = client.create_async<Person>(std::move(request));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto stopped = Clock::now();
        stop.request_stop();
        CHECK_THROWS_AS(future.get(), instructor::CancelledError);
        CHECK(Clock::now() - stopped < std::chrono::milliseconds(100));
    }
    SECTION("an error reaches the future as create<T> would throw it") {
        server.respond_with([](const RecordedRequest&) {
            ScriptedReply reply;
            reply.status = 401;
            reply.body = R"({"error":{"message":"bad key","type":"invalid_request_error"}})";
            return reply;
        });
        auto future = client.create_async<Person>(items(1).front());
        CHECK_THROWS_AS(future.get(), instructor::HttpError);
    }
}

TEST_CASE("destroying the client cancels its async calls still running") {
    TestServer server(8);
    server.respond_with([](const RecordedRequest& request) { return person_reply(item_of(request), 5000); });
    std::future<Person> future;
    {
        const auto client = client_for(server);
        future = client.create_async<Person>(items(1).front());
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK_THROWS_AS(future.get(), instructor::CancelledError);
}
