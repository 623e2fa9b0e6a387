// HTTP methods other than POST: the libcurl transport and cassettes send and match GET, DELETE and
// custom verbs (a batch's status, a file's content), and a reused handle goes back to POST.

#include "catch.hpp"

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

#include "test_server.hpp"
#include "thrown.hpp"

namespace http_methods_test {

using test_support::ScriptedReply;
using test_support::TestServer;
using test_support::thrown;

instructor::HttpRequest request(std::string method, const std::string& url, std::string body = {}) {
    return {.method = std::move(method),
            .url = url,
            .headers = {{"Content-Type", "application/json"}},
            .body = std::move(body)};
}

struct TempFile {
    std::filesystem::path path;
    TempFile() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("instructor-methods-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".jsonl");
        std::filesystem::remove(path);
    }
    ~TempFile() { std::filesystem::remove(path); }
};

}  // namespace http_methods_test

using namespace http_methods_test;

TEST_CASE("a request without a method is a POST, as every chat call was") {
    const instructor::HttpRequest plain{.url = "http://127.0.0.1:1/v1/chat/completions"};
    CHECK(plain.method == "POST");
}

TEST_CASE("the libcurl transport sends GET without a body, other verbs as asked, and POST again on the same handle") {
    TestServer server;
    for (int i = 0; i < 5; ++i) server.enqueue(ScriptedReply{.body = R"({"n":)" + std::to_string(i) + "}"});
    const instructor::Transport transport = instructor::curl_transport();
    const std::string url = server.base_url() + "/v1/batches/b1";

    CHECK(transport(request("POST", url, R"({"a":1})")).body == R"({"n":0})");
    CHECK(transport(request("GET", url, "ignored by GET")).body == R"({"n":1})");
    CHECK(transport(request("DELETE", url)).body == R"({"n":2})");
    CHECK(transport(request("PATCH", url, R"({"b":2})")).body == R"({"n":3})");
    CHECK(transport(request("POST", url, R"({"c":3})")).body == R"({"n":4})");

    const auto seen = server.requests();
    REQUIRE(seen.size() == 5);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].body == R"({"a":1})");
    CHECK(seen[1].method == "GET");
    CHECK(seen[1].body.empty());
    CHECK(seen[2].method == "DELETE");
    CHECK(seen[3].method == "PATCH");
    CHECK(seen[3].body == R"({"b":2})");
    CHECK(seen[4].method == "POST");  // the handle forgot GET and PATCH
    CHECK(seen[4].body == R"({"c":3})");
    CHECK(seen[4].remote_port == seen[0].remote_port);  // one connection, kept alive throughout
}

TEST_CASE("a GET streams a large body chunk by chunk through on_chunk") {
    TestServer server;
    std::string lines;
    for (int i = 0; i < 2000; ++i) lines += R"({"custom_id":"r)" + std::to_string(i) + "\"}\n";
    server.enqueue(ScriptedReply{
        .body = {}, .content_type = "application/octet-stream", .chunks = ScriptedReply::split_every(lines, 1000)});
    const instructor::Transport transport = instructor::curl_transport();
    instructor::HttpRequest get = request("GET", server.base_url() + "/v1/files/f1/content");
    std::string received;
    std::size_t pieces = 0;
    get.on_chunk = [&](std::string_view chunk) {
        received.append(chunk);
        ++pieces;
        return true;
    };
    const auto response = transport(get);
    CHECK(response.status == 200);
    CHECK(response.body.empty());  // it went to on_chunk instead
    CHECK(received == lines);
    CHECK(pieces > 1);
}

TEST_CASE("a method that is not an HTTP token is a ConfigurationError and nothing is sent") {
    TestServer server;
    const instructor::Transport transport = instructor::curl_transport();
    const auto error = thrown<instructor::ConfigurationError>(
        [&] { (void)transport(request("GET /x HTTP/1.1\r\n", server.base_url())); });
    REQUIRE(error);
    CHECK_THAT(error->what(), Catch::Matchers::Contains("is not an HTTP method"));
    CHECK(thrown<instructor::ConfigurationError>([&] { (void)transport(request("", server.base_url())); }));
    CHECK(server.requests().empty());
}

TEST_CASE("a cassette records the method and matches on it: a GET and a POST to one path are two recordings") {
    TestServer server;
    server.enqueue(ScriptedReply{.body = R"({"status":"in_progress"})"});
    server.enqueue(ScriptedReply{.body = R"({"status":"cancelling"})"});
    TempFile file;
    const std::string url = server.base_url() + "/v1/batches/b1";
    {
        const auto recorder = instructor::cassette({.path = file.path.string(),
                                                    .mode = instructor::CassetteMode::record,
                                                    .upstream = instructor::curl_transport()});
        CHECK(recorder(request("GET", url)).body == R"({"status":"in_progress"})");
        CHECK(recorder(request("POST", url)).body == R"({"status":"cancelling"})");
    }
    const auto player = instructor::cassette({.path = file.path.string()});
    CHECK(player(request("POST", "http://127.0.0.1:1/v1/batches/b1")).body == R"({"status":"cancelling"})");
    CHECK(player(request("GET", "http://127.0.0.1:1/v1/batches/b1")).body == R"({"status":"in_progress"})");
    const auto miss =
        thrown<instructor::CassetteError>([&] { (void)player(request("DELETE", "http://127.0.0.1:1/v1/batches/b1")); });
    REQUIRE(miss);
    CHECK_THAT(miss->what(), Catch::Matchers::Contains("DELETE"));
}
