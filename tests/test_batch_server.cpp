// Batch jobs against the loopback batch server (tests/conformance/batch-server.mjs), which checks
// every request and every uploaded line against the provider's official OpenAPI spec. Run by
// CTest through with-batch-server.sh (tag [batch-server]), which sets INSTRUCTOR_BATCH_SERVER_URL;
// with INSTRUCTOR_LLAMA_SERVER_URL too, the server runs each line on that real llama-server
// (tag [real-engine]).

#include "catch.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <instructor/instructor.hpp>

#include "thrown.hpp"

namespace batch_server_test {

using instructor::Annotated;
using instructor::Mode;
using json = nlohmann::json;
using test_support::thrown;
using namespace std::chrono_literals;

struct UserDetail {
    std::string name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

std::string server_url() {
    const char* url = std::getenv("INSTRUCTOR_BATCH_SERVER_URL");
    if (url == nullptr)
        FAIL("INSTRUCTOR_BATCH_SERVER_URL is not set: run these through with-batch-server.sh (ctest -L batch)");
    return url;
}

json control(const std::string& method, const std::string& what, const json& body = json::object()) {
    static const auto transport = instructor::curl_transport();
    const auto reply = transport({.method = method,
                                  .url = server_url() + "/_control/" + what,
                                  .headers = {{"Content-Type", "application/json"}},
                                  .body = body.dump()});
    REQUIRE(reply.status == 200);
    return json::parse(reply.body);
}

void reset(const json& faults = json::object()) { (void)control("POST", "reset", {{"faults", faults}}); }

// What the server saw since the last reset; fails the test on any spec violation.
json server_state() {
    json state = control("GET", "state");
    for (const auto& violation : state["violations"]) FAIL_CHECK("spec violation: " << violation.get<std::string>());
    return state;
}

struct Dialect {
    const char* provider;
    const char* path;  // where the server speaks it
    Mode mode;
};

const std::vector<Dialect> dialects{
    {"openai", "/v1", Mode::tools},
    {"groq", "/openai/v1", Mode::json_schema},
    {"together", "/together/v1", Mode::tools},
    {"mistral", "/mistral/v1", Mode::mistral_tools},
};

instructor::Client client_for(const Dialect& dialect, Mode mode) {
    return instructor::from_provider(std::string(dialect.provider) + "/test-model",
                                     {.base_url = server_url() + dialect.path,
                                      .api_key = "sk-loopback",
                                      .http_retries = {.max_retries = 3, .initial_delay = 10ms}},
                                     mode);
}
instructor::Client client_for(const Dialect& dialect) { return client_for(dialect, dialect.mode); }

std::vector<instructor::Request> asks(const std::vector<std::string>& texts) {
    std::vector<instructor::Request> requests;
    for (const auto& text : texts)
        requests.push_back(
            {.model = "test-model", .messages = {instructor::user("Extract: " + text)}, .max_retries = 2});
    return requests;
}

instructor::BatchJobOptions fast(instructor::BatchJobOptions options = {}) {
    options.poll_interval = 5ms;
    return options;
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("instructor-batch-server-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

template <class E>
const E* error_of(const instructor::Result<instructor::Extraction<UserDetail>, instructor::AnyError>& result) {
    if (result) return nullptr;
    return instructor::error_cast<E>(result.error());
}

}  // namespace batch_server_test

using namespace batch_server_test;

TEST_CASE("the loopback server refuses what its spec refuses, so the checks below can fail", "[.batch-server]") {
    reset();
    const auto transport = instructor::curl_transport();
    const auto reply =
        transport({.method = "POST",
                   .url = server_url() + "/v1/batches",
                   .headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer k"}},
                   .body = R"({"input_file_id": 5, "endpoint": "/v1/chat/completions", "completion_window": "48h"})"});
    CHECK(reply.status == 400);
    const json state = control("GET", "state");
    REQUIRE(state["violations"].size() == 1);
    CHECK_THAT(state["violations"][0].get<std::string>(), Catch::Matchers::Contains("completion_window"));
    reset();
}

TEST_CASE("each of the four dialects runs a job end to end, every request and line as its spec says",
          "[.batch-server]") {
    for (const auto& dialect : dialects) {
        DYNAMIC_SECTION(dialect.provider) {
            reset();
            const auto client = client_for(dialect);
            const auto requests = asks({"name=Ann age=30", "name=Bo age=41", "name=Cy age=7", "name=Di age=99"});
            std::vector<instructor::BatchJobProgress> progress;
            const auto results = instructor::create_batch<UserDetail>(
                client, requests,
                fast({.metadata = dialect.provider == std::string("together")  // Together's API takes none
                                      ? std::map<std::string, std::string>{}
                                      : std::map<std::string, std::string>{{"job", "loopback"}},
                      .on_progress = [&](const instructor::BatchJobProgress& p) { progress.push_back(p); }}));
            REQUIRE(results.size() == 4);
            for (const auto& result : results) {
                if (!result) FAIL(result.error().what());
                CHECK(result->completions.size() == 1);
            }
            CHECK(results[1]->value.name == "Bo");
            CHECK(results[3]->value.age == 99);
            const json state = server_state();
            CHECK(state["counters"]["uploads"] == 1);
            CHECK(state["counters"]["creates"] == 1);
            CHECK(state["counters"]["downloads"] == 1);  // the output file; there is no error file
            REQUIRE_FALSE(progress.empty());
            CHECK(progress.back().batches_finished == 1);
            CHECK(progress.back().status == instructor::BatchStatus::completed);
        }
    }
}

TEST_CASE("an answer that fails validation is re-asked in a follow-up batch carrying the conversation and the errors",
          "[.batch-server]") {
    for (const auto& dialect : dialects) {
        DYNAMIC_SECTION(dialect.provider) {
            reset();
            const auto client = client_for(dialect);
            // The stand-in model answers age=-5 first, and 41 once it is told what is wrong.
            const auto requests = asks({"name=Ann age=30", "name=Bo age=-5 fix=41", "name=Cy age=200 fix=20"});
            const auto results = instructor::create_batch<UserDetail>(client, requests, fast());
            REQUIRE(results.size() == 3);
            for (const auto& result : results)
                if (!result) FAIL(result.error().what());
            CHECK(results[0]->completions.size() == 1);
            CHECK(results[1]->value.age == 41);
            CHECK(results[1]->completions.size() == 2);   // one per round
            CHECK(results[1]->usage.total_tokens == 30);  // both rounds' tokens
            CHECK(results[2]->value.age == 20);
            const json state = server_state();  // the re-ask lines passed the spec too
            CHECK(state["counters"]["uploads"] == 2);
            CHECK(state["counters"]["creates"] == 2);
            CHECK(state["batches"][1]["lines"] == 2);  // round 2 holds only the re-asks
        }
    }
}

TEST_CASE("re-asks stop at max_retries: the input ends in a RetryError with every round's attempt", "[.batch-server]") {
    reset();
    const auto client = client_for(dialects[0]);
    auto requests = asks({"name=Bo age=-5"});
    requests[0].max_retries = 1;
    const auto results = instructor::create_batch<UserDetail>(client, requests, fast());
    const auto* retry = error_of<instructor::RetryError>(results[0]);
    REQUIRE(retry != nullptr);
    CHECK(retry->attempts().size() == 2);
    CHECK(retry->total_usage().total_tokens == 30);
    CHECK(server_state()["counters"]["creates"] == 2);
}

TEST_CASE("fault: a batch failed at validation gives every input a BatchError with errors.data[]", "[.batch-server]") {
    for (const auto& dialect : {dialects[0], dialects[3]}) {
        DYNAMIC_SECTION(dialect.provider) {
            reset({{"fail_validation", true}});
            const auto results = instructor::create_batch<UserDetail>(client_for(dialect),
                                                                      asks({"name=A age=1", "name=B age=2"}), fast());
            for (const auto& result : results) {
                const auto* error = error_of<instructor::BatchError>(result);
                REQUIRE(error != nullptr);
                CHECK(error->kind() == instructor::BatchErrorKind::batch_failed);
                REQUIRE(error->errors().size() == 1);
                CHECK_THAT(error->what(), Catch::Matchers::Contains("stand-in validation failure"));
            }
            CHECK(server_state()["counters"]["creates"] == 1);
        }
    }
}

TEST_CASE("fault: an expired batch keeps the lines it finished and resubmits only the rest", "[.batch-server]") {
    for (const auto& dialect : {dialects[0], dialects[3]}) {
        DYNAMIC_SECTION(dialect.provider) {
            reset({{"expire_after", 3}});
            const auto requests =
                asks({"name=A age=1", "name=B age=2", "name=C age=3", "name=D age=4", "name=E age=5", "name=F age=6"});
            const auto results = instructor::create_batch<UserDetail>(client_for(dialect), requests, fast());
            for (std::size_t i = 0; i < results.size(); ++i) {
                if (!results[i]) FAIL(results[i].error().what());
                CHECK(results[i]->value.age == static_cast<int>(i + 1));
            }
            const json state = server_state();
            CHECK(state["counters"]["creates"] == 2);
            CHECK(state["batches"][1]["lines"] == 3);  // only the unfinished half went again
        }
    }
}

TEST_CASE("fault: lines in the error file end as the provider's typed errors, a 5xx line is sent again",
          "[.batch-server]") {
    reset({{"error_ids", {{"item-1", 400}, {"item-2", 500}}}});
    const auto results = instructor::create_batch<UserDetail>(
        client_for(dialects[1]), asks({"name=A age=1", "name=B age=2", "name=C age=3"}), fast());
    REQUIRE(results[0]);
    const auto* refused = error_of<instructor::HttpError>(results[1]);
    REQUIRE(refused != nullptr);
    CHECK(refused->status() == 400);
    CHECK_THAT(refused->what(), Catch::Matchers::Contains("stand-in failure 400"));
    REQUIRE(results[2]);  // 500: resubmitted in round 2, answered there
    CHECK(results[2]->value.name == "C");
    CHECK(server_state()["counters"]["creates"] == 2);
}

TEST_CASE("fault: an output file missing one id gives that input a BatchError, or resubmits it by option",
          "[.batch-server]") {
    reset({{"drop_ids", {"item-2"}}});
    const auto client = client_for(dialects[2]);
    const auto requests = asks({"name=A age=1", "name=B age=2", "name=C age=3"});
    auto results = instructor::create_batch<UserDetail>(client, requests, fast());
    REQUIRE(results[0]);
    REQUIRE(results[1]);
    const auto* missing = error_of<instructor::BatchError>(results[2]);
    REQUIRE(missing != nullptr);
    CHECK(missing->kind() == instructor::BatchErrorKind::missing_result);
    CHECK(missing->custom_id() == "item-2");

    reset({{"drop_ids", {"item-2"}}});
    results = instructor::create_batch<UserDetail>(client, requests, fast({.resubmit_missing = true}));
    REQUIRE(results[2]);
    CHECK(results[2]->value.name == "C");
    CHECK(server_state()["counters"]["creates"] == 2);
}

TEST_CASE("fault: a duplicate id is refused before anything is uploaded", "[.batch-server]") {
    reset();
    const auto error = thrown<instructor::ConfigurationError>([&] {
        (void)instructor::create_batch<UserDetail>(client_for(dialects[0]), asks({"name=A age=1", "name=B age=2"}),
                                                   fast({.ids = {"same", "same"}}));
    });
    REQUIRE(error);
    CHECK_THAT(error->what(), Catch::Matchers::Contains("the same id \"same\""));
    CHECK(server_state()["counters"]["uploads"] == 0);
}

TEST_CASE("fault: a 429 on create is waited out and sent again, and the batch is created once", "[.batch-server]") {
    reset({{"create_429", 2}});
    const auto results = instructor::create_batch<UserDetail>(client_for(dialects[0]), asks({"name=A age=1"}),
                                                              fast({.ids = {"only-one"}}));
    REQUIRE(results[0]);
    const json state = server_state();
    CHECK(state["counters"]["create_refusals"] == 2);  // refused twice, sent again after each wait
    CHECK(state["counters"]["creates"] == 1);
    CHECK(state["counters"]["uploads"] == 1);
}

TEST_CASE("fault: a process killed while polling resumes from its state file: one upload and one create per round",
          "[.batch-server]") {
    reset({{"hold_polls", 100000}});
    TempDir dir;
    const auto requests = asks({"name=A age=1", "name=B age=-5 fix=2", "name=C age=3"});
    const auto options = fast({.state_file = dir.file("job.json")});
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            (void)instructor::create_batch<UserDetail>(client_for(dialects[0]), requests, options);
        } catch (...) {}
        ::_exit(3);  // never reached in time: the batch is held
    }
    // Killed once it is polling.
    for (int i = 0; i < 2000 && control("GET", "state")["counters"]["polls"].get<int>() < 3; ++i)
        std::this_thread::sleep_for(5ms);
    REQUIRE(control("GET", "state")["counters"]["polls"].get<int>() >= 3);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
    (void)control("POST", "release");

    const auto results = instructor::create_batch<UserDetail>(client_for(dialects[0]), requests, options);
    for (const auto& result : results)
        if (!result) FAIL(result.error().what());
    CHECK(results[1]->value.age == 2);
    const json state = server_state();
    CHECK(state["counters"]["uploads"] == 2);  // round 1 once (before the kill) and round 2 once
    CHECK(state["counters"]["creates"] == 2);

    // Run again after it ended: everything is read back from the files kept, nothing is sent.
    const auto again = instructor::create_batch<UserDetail>(client_for(dialects[0]), requests, options);
    CHECK(again[1]->value.age == 2);
    CHECK(server_state()["counters"]["creates"] == 2);
}

TEST_CASE("cancelling a job cancels the remote batch, keeps what it finished, and ends the rest as cancelled",
          "[.batch-server]") {
    reset({{"hold_polls", 100000}});
    std::stop_source stop;
    int looks = 0;
    const auto results =
        instructor::create_batch<UserDetail>(client_for(dialects[3]), asks({"name=A age=1", "name=B age=-5 fix=2"}),
                                             fast({.on_progress =
                                                       [&](const instructor::BatchJobProgress&) {
                                                           if (++looks == 3) stop.request_stop();
                                                       },
                                                   .cancel = stop.get_token()}));
    CHECK(server_state()["counters"]["cancels"] == 1);
    REQUIRE(results[0]);                                                 // finished before the cancel: kept
    CHECK(error_of<instructor::CancelledError>(results[1]) != nullptr);  // its re-ask never ran
}

TEST_CASE("inputs over the batch limits are split into several batches", "[.batch-server]") {
    reset();
    const auto results = instructor::create_batch<UserDetail>(
        client_for(dialects[0]), asks({"name=A age=1", "name=B age=2", "name=C age=3", "name=D age=4", "name=E age=5"}),
        fast({.max_lines_per_batch = 2}));
    for (const auto& result : results) REQUIRE(result);
    CHECK(results[4]->value.name == "E");
    const json state = server_state();
    CHECK(state["counters"]["creates"] == 3);
    CHECK(state["counters"]["uploads"] == 3);
}

// ---- the real engine: each line runs on a real llama-server ------------------------------------

namespace batch_server_test {

// A name the tiny model can finish, an age the grammar bounds.
struct Person {
    Annotated<std::string, instructor::max_length(12)> name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

// A check no grammar says, which about half of a tiny model's answers miss: those are re-asked.
std::optional<std::string> validate(const Person& person) {
    if (person.name.find(' ') != std::string::npos)
        return "the name \"" + std::string(person.name) + "\" has a space; give one word, the first name only";
    return std::nullopt;
}

}  // namespace batch_server_test

TEST_CASE("on a real engine, every dialect's lines are answered and the re-ask rounds fix what they can",
          "[.real-engine]") {
    if (std::getenv("INSTRUCTOR_LLAMA_SERVER_URL") == nullptr) FAIL("run through with_llama_server.sh");
    std::vector<std::string> texts;
    for (int i = 0; i < 12; ++i)
        texts.push_back("Person " + std::to_string(i) + ": Ann is " + std::to_string(20 + i) + ".");
    int valid = 0;
    for (const auto& dialect : dialects) {
        reset();
        const auto client = client_for(dialect, Mode::json_schema);
        std::vector<instructor::Request> requests;
        for (std::size_t i = 0; i < texts.size(); ++i)
            requests.push_back({.model = "stories260K",
                                .messages = {instructor::user(texts[i])},
                                .max_retries = 3,
                                .temperature = 0.8,
                                .max_tokens = 200,
                                .seed = static_cast<std::int64_t>(i)});
        const auto results = instructor::create_batch<Person>(client, requests, fast({.poll_interval = 50ms}));
        // Items fixed per round: an input valid after round r took r completions.
        std::vector<int> valid_in_round(5, 0);
        int failed = 0;
        std::string first_failure;
        std::string sample;
        for (const auto& result : results) {
            if (result) {
                if (sample.size() < 120)
                    sample += "\"" + std::string(result->value.name) + "\"/" + std::to_string(result->value.age) + " ";
                ++valid_in_round[std::min<std::size_t>(result->completions.size(), 4)];
            } else {
                if (failed++ == 0) first_failure = result.error().what();
            }
        }
        const json state = server_state();  // every line of every round passed the spec
        std::cout << "real engine, " << dialect.provider << ": " << texts.size()
                  << " inputs; valid after round 1: " << valid_in_round[1]
                  << ", fixed in round 2: " << valid_in_round[2] << ", round 3: " << valid_in_round[3]
                  << ", round 4: " << valid_in_round[4] << "; failed: " << failed
                  << "; batches created: " << state["counters"]["creates"]
                  << ", lines run: " << state["counters"]["lines"] << "; values: " << sample
                  << (failed > 0 ? "; first failure: " + first_failure.substr(0, 160) : std::string()) << "\n";
        CHECK(valid_in_round[1] + valid_in_round[2] + valid_in_round[3] + valid_in_round[4] + failed ==
              static_cast<int>(texts.size()));
        CHECK(state["counters"]["creates"].get<int>() >= 1);
        valid += valid_in_round[1] + valid_in_round[2] + valid_in_round[3] + valid_in_round[4];
    }
    CHECK(valid > 0);  // a real model's answers, through every round's real request lines
}
