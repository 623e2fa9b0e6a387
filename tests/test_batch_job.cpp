// Batch jobs without a server: the four Batch API dialects (lines, replies, statuses, limits), the
// files-only mode (request files written, result files read, re-asks as a new request file), the
// same job run live, and the checks made before anything is sent.

#include "catch.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

#include "chat_replies.hpp"
#include "thrown.hpp"

namespace batch_job_test {

using instructor::Annotated;
using instructor::Mode;
using json = nlohmann::json;
using test_support::thrown;

struct UserDetail {
    std::string name;
    Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

instructor::Request ask(const std::string& text) {
    instructor::Request request{.model = "gpt-4o-mini", .messages = {instructor::user(text)}, .max_retries = 1};
    request.response_models = {instructor::response_model<UserDetail>()};
    return request;
}

// A folder of its own per test, removed at the end.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("instructor-batch-job-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

// An OpenAI output line answering `custom_id` with `content`.
std::string output_line(const std::string& custom_id, const std::string& content) {
    return json{{"id", "batch_req_1"},
                {"custom_id", custom_id},
                {"response",
                 {{"status_code", 200},
                  {"request_id", "req_1"},
                  {"body", json::parse(test_support::chat_text_reply(content))}}},
                {"error", nullptr}}
               .dump() +
           "\n";
}

}  // namespace batch_job_test

using namespace batch_job_test;

TEST_CASE("each dialect's request line carries exactly the body a live call sends") {
    const auto request = ask("name=Ann age=30");
    for (const char* name : {"openai", "groq", "together", "mistral"}) {
        const auto& provider = instructor::provider(name);
        const Mode mode = provider.default_mode();
        const std::string body = provider.write_body(request, mode);
        std::string line;
        instructor::batch_dialect(provider).write_line(line, "contract-7", body);
        REQUIRE(line.back() == '\n');
        const json parsed = json::parse(line);
        CHECK(parsed["custom_id"] == "contract-7");
        json expected = json::parse(body);
        if (std::string(name) == "mistral") {
            expected.erase("model");  // the job names the model
            CHECK(parsed.size() == 2);
        } else if (std::string(name) == "together") {
            CHECK(parsed.size() == 2);
        } else {
            CHECK(parsed["method"] == "POST");
            CHECK(parsed["url"] == "/v1/chat/completions");
        }
        CHECK(parsed["body"] == expected);
    }
}

TEST_CASE("a Mistral line written from a body with extra fields still leaves the model to the job") {
    auto request = ask("name=Ann age=30");
    request.extra = {{"safe_prompt", true}};
    const auto& provider = instructor::provider("mistral");
    std::string line;
    instructor::batch_dialect(provider).write_line(line, "a", provider.write_body(request, Mode::mistral_tools));
    const json body = json::parse(line)["body"];
    CHECK_FALSE(body.contains("model"));
    CHECK(body["safe_prompt"] == true);
}

TEST_CASE("result lines are read without a DOM: the reply body's text, its status, or the line's error") {
    const auto& dialect = instructor::batch_dialect(instructor::provider("openai"));
    const auto ok = dialect.read_line(output_line("x-1", "hello"), {});
    CHECK(ok.custom_id == "x-1");
    CHECK(ok.status_code == 200);
    CHECK(ok.request_id == "req_1");
    CHECK(json::parse(ok.body)["choices"][0]["message"]["content"] == "hello");

    const auto failed = dialect.read_line(
        R"({"id":"b","custom_id":"x-2","response":null,"error":{"code":"batch_expired","message":"too late"}})", {});
    CHECK(failed.status_code == 0);
    CHECK(failed.error_code == "batch_expired");
    CHECK(failed.error_message == "too late");

    CHECK(thrown<instructor::UnexpectedReplyError>([&] { (void)dialect.read_line("not json", {}); }));
    CHECK(thrown<instructor::UnexpectedReplyError>([&] { (void)dialect.read_line(R"({"custom_id":"x"})", {}); }));
    const std::string deep = R"({"custom_id":"x","response":{"status_code":200,"body":)" + std::string(500, '[') +
                             std::string(500, ']') + "}}";
    CHECK(thrown<instructor::LimitError>([&] { (void)dialect.read_line(deep, {}); }));
    CHECK(thrown<instructor::LimitError>([&] { (void)dialect.read_line(output_line("x", "y"), {.max_bytes = 50}); }));
}

TEST_CASE("each provider's statuses, counts and errors are read into one shape") {
    const instructor::Limits limits;
    const auto openai =
        instructor::batch_dialect(instructor::provider("groq"))
            .read_batch(
                R"({"id":"batch_1","object":"batch","status":"failed","request_counts":{"total":3,"completed":1,"failed":2},
            "errors":{"object":"list","data":[{"code":"invalid_json_line","message":"bad","line":2,"param":null}]}})",
                limits);
    CHECK(openai.status == instructor::BatchStatus::failed);
    CHECK(openai.total == 3);
    CHECK(openai.failed == 2);
    REQUIRE(openai.errors.size() == 1);
    CHECK(openai.errors[0].line == 2);
    CHECK(openai.errors[0].code == "invalid_json_line");

    const auto together = instructor::batch_dialect(instructor::provider("together"))
                              .read_batch(R"({"job":{"id":"0b1","status":"IN_PROGRESS","progress":40.0}})", limits);
    CHECK(together.status == instructor::BatchStatus::in_progress);
    CHECK(together.percent == 40.0);

    const auto mistral =
        instructor::batch_dialect(instructor::provider("mistral"))
            .read_batch(
                R"({"id":"7d","status":"TIMEOUT_EXCEEDED","total_requests":4,"succeeded_requests":2,"failed_requests":0,
            "output_file":"f-out","error_file":null,"errors":[{"message":"slow","count":2}]})",
                limits);
    CHECK(mistral.status == instructor::BatchStatus::expired);
    CHECK(mistral.provider_status == "TIMEOUT_EXCEEDED");
    CHECK(mistral.output_file_id == "f-out");
    CHECK(mistral.succeeded == 2);
    REQUIRE(mistral.errors.size() == 1);
    CHECK(mistral.errors[0].message == "slow (2 times)");

    CHECK(thrown<instructor::UnexpectedReplyError>([&] {
        (void)instructor::batch_dialect(instructor::provider("openai"))
            .read_batch(R"({"id":"b","status":"paused"})", limits);
    }));
}

TEST_CASE("ids and batch options are checked against each provider's rules") {
    const auto& together = instructor::batch_dialect(instructor::provider("together"));
    CHECK(together.id_problem("contract-17").empty());
    CHECK_FALSE(together.id_problem(std::string(65, 'a')).empty());
    CHECK_FALSE(together.id_problem("").empty());
    CHECK_FALSE(together.id_problem("two words").empty());
    CHECK_FALSE(together.id_problem("caf\xc3\xa9").empty());

    const auto& openai = instructor::batch_dialect(instructor::provider("openai"));
    CHECK_FALSE(
        openai.options_problem({.model = "m", .completion_window = std::chrono::hours(48), .metadata = {}}).empty());
    CHECK(instructor::batch_dialect(instructor::provider("groq"))
              .options_problem({.model = "m", .completion_window = std::chrono::hours(48), .metadata = {}})
              .empty());
    CHECK_FALSE(instructor::batch_dialect(instructor::provider("mistral"))
                    .options_problem({.model = "", .completion_window = std::chrono::hours(24), .metadata = {}})
                    .empty());
    CHECK_FALSE(
        together.options_problem({.model = "m", .completion_window = std::chrono::hours(24), .metadata = {{"k", "v"}}})
            .empty());
}

TEST_CASE("the upload is a multipart form over any transport, written the same way every time") {
    const auto& together = instructor::batch_dialect(instructor::provider("together"));
    const std::string content = "{\"custom_id\":\"a\",\"body\":{}}\n";
    const auto upload =
        together.upload_request("https://api.together.xyz/v1/", {{"Authorization", "Bearer k"}}, "job.jsonl", content);
    CHECK(upload.method == "POST");
    CHECK(upload.url == "https://api.together.xyz/v1/files/upload");
    const std::string type = instructor::header_value(upload.headers, "content-type");
    REQUIRE(type.rfind("multipart/form-data; boundary=", 0) == 0);
    const std::string boundary = type.substr(type.find('=') + 1);
    CHECK(upload.body.find("--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch-api\r\n") !=
          std::string::npos);
    CHECK(upload.body.find("name=\"file_name\"\r\n\r\njob.jsonl\r\n") != std::string::npos);
    CHECK(upload.body.find("name=\"file\"; filename=\"job.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n" +
                           content + "\r\n") != std::string::npos);
    CHECK(upload.body.ends_with("--" + boundary + "--\r\n"));
    CHECK(together.upload_request("https://api.together.xyz/v1", {}, "job.jsonl", content).body == upload.body);

    const auto status = together.status_request("http://h/v1", {{"Content-Type", "application/json"}}, "a b");
    CHECK(status.method == "GET");
    CHECK(status.url == "http://h/v1/batches/a%20b");
    CHECK(instructor::header_value(status.headers, "content-type").empty());
}

TEST_CASE("a provider without a Batch API says so and names create_many") {
    for (const char* name :
         {"llama-cpp", "ollama", "ollama-native", "anyscale", "llama-cpp-python", "openai-compatible"}) {
        const auto error = thrown<instructor::ConfigurationError>(
            [&] { (void)instructor::batch_dialect(instructor::provider(name)); });
        REQUIRE(error);
        CHECK_THAT(error->what(), Catch::Matchers::Contains("create_many"));
        CHECK_THAT(error->what(), Catch::Matchers::Contains("run_live"));
    }
    const auto client = instructor::from_provider("llama-cpp/m", {.base_url = "http://127.0.0.1:1/v1"});
    const std::vector<instructor::Request> requests{ask("name=Ann age=3")};
    CHECK(
        thrown<instructor::ConfigurationError>([&] { (void)instructor::create_batch<UserDetail>(client, requests); }));
}

TEST_CASE("ids are checked before anything is written: a repeated or invalid id names its inputs") {
    TempDir dir;
    const auto client = instructor::from_provider("together/m", {.base_url = "http://127.0.0.1:1/v1", .api_key = "k"});
    const std::vector<instructor::Request> requests{ask("name=A age=1"), ask("name=B age=2"), ask("name=C age=3")};
    const auto repeated = thrown<instructor::ConfigurationError>([&] {
        (void)instructor::create_batch<UserDetail>(client, requests,
                                                   {.state_file = dir.file("job.json"), .ids = {"a", "b", "a"}});
    });
    REQUIRE(repeated);
    CHECK_THAT(repeated->what(), Catch::Matchers::Contains("requests 0 and 2 have the same id \"a\""));
    const auto too_long = thrown<instructor::ConfigurationError>([&] {
        (void)instructor::create_batch<UserDetail>(
            client, requests, {.state_file = dir.file("job.json"), .ids = {"a", std::string(70, 'x'), "c"}});
    });
    REQUIRE(too_long);
    CHECK_THAT(too_long->what(), Catch::Matchers::Contains("the id of request 1"));
    CHECK(thrown<instructor::ConfigurationError>([&] {
        (void)instructor::create_batch<UserDetail>(client, requests,
                                                   {.state_file = dir.file("job.json"), .ids = {"a"}});
    }));
    CHECK(std::filesystem::is_empty(dir.path));  // nothing written
}

TEST_CASE(
    "files only: each round is a request file, each result file read back, re-asks written as a new request file") {
    TempDir dir;
    // vLLM's run-batch speaks OpenAI's line format: an OpenAI-compatible client writes it.
    const auto client =
        instructor::from_openai({.base_url = "http://127.0.0.1:1/v1", .api_key = "none"}, Mode::json_schema);
    const std::vector<instructor::Request> requests{ask("name=Ann age=30"), ask("name=Bo age=-5")};
    const instructor::BatchJobOptions options{.state_file = dir.file("job.json"), .files_only = true};

    auto waiting =
        thrown<instructor::BatchError>([&] { (void)instructor::create_batch<UserDetail>(client, requests, options); });
    REQUIRE(waiting);
    CHECK(waiting->kind() == instructor::BatchErrorKind::awaiting_results);
    CHECK(waiting->request_file() == dir.file("job.json.r1.p1.requests.jsonl"));
    CHECK(waiting->result_file() == dir.file("job.json.r1.p1.results.jsonl"));
    const auto round1 = lines_of(waiting->request_file());
    REQUIRE(round1.size() == 2);
    CHECK(json::parse(round1[1])["custom_id"] == "item-1");
    CHECK(json::parse(round1[1])["body"] == json::parse(client.provider().write_body(requests[1], Mode::json_schema)));

    // Running again before the results are there changes nothing.
    CHECK(
        thrown<instructor::BatchError>([&] { (void)instructor::create_batch<UserDetail>(client, requests, options); }));
    {
        std::ofstream out(waiting->result_file());
        out << output_line("item-1", R"({"name":"Bo","age":-5})")
            << output_line("item-0", R"({"name":"Ann","age":30})");
    }
    waiting =
        thrown<instructor::BatchError>([&] { (void)instructor::create_batch<UserDetail>(client, requests, options); });
    REQUIRE(waiting);
    CHECK(waiting->request_file() == dir.file("job.json.r2.p1.requests.jsonl"));
    const auto round2 = lines_of(waiting->request_file());
    REQUIRE(round2.size() == 1);  // only the answer that did not validate, with the conversation and its errors
    const json reask = json::parse(round2[0]);
    CHECK(reask["custom_id"] == "item-1");
    const auto& messages = reask["body"]["messages"];
    REQUIRE(messages.size() == 3);
    CHECK(messages[1]["role"] == "assistant");
    CHECK_THAT(messages[2]["content"].get<std::string>(), Catch::Matchers::Contains("/age"));
    {
        std::ofstream out(waiting->result_file());
        out << output_line("item-1", R"({"name":"Bo","age":41})");
    }
    const auto results = instructor::create_batch<UserDetail>(client, requests, options);
    REQUIRE(results.size() == 2);
    REQUIRE(results[0]);
    CHECK(results[0]->value.age == 30);
    CHECK(results[0]->completions.size() == 1);
    REQUIRE(results[1]);
    CHECK(results[1]->value.age == 41);
    CHECK(results[1]->completions.size() == 2);   // one per round
    CHECK(results[1]->usage.total_tokens == 56);  // both rounds' tokens
}

TEST_CASE("a state file of another job is refused, and an unreadable one is named") {
    TempDir dir;
    const auto client =
        instructor::from_openai({.base_url = "http://127.0.0.1:1/v1", .api_key = "none"}, Mode::json_schema);
    const std::vector<instructor::Request> two{ask("name=A age=1"), ask("name=B age=2")};
    const std::vector<instructor::Request> three{ask("name=A age=1"), ask("name=B age=2"), ask("name=C age=3")};
    const instructor::BatchJobOptions options{.state_file = dir.file("job.json"), .files_only = true};
    CHECK(thrown<instructor::BatchError>([&] { (void)instructor::create_batch<UserDetail>(client, two, options); }));
    const auto other = thrown<instructor::ConfigurationError>(
        [&] { (void)instructor::create_batch<UserDetail>(client, three, options); });
    REQUIRE(other);
    CHECK_THAT(other->what(), Catch::Matchers::Contains("belongs to another job"));
    {
        std::ofstream out(dir.file("job.json"), std::ios::trunc);
        out << "[1, 2";
    }
    const auto broken = thrown<instructor::ConfigurationError>(
        [&] { (void)instructor::create_batch<UserDetail>(client, two, options); });
    REQUIRE(broken);
    CHECK_THAT(broken->what(), Catch::Matchers::Contains("is not a batch job's state"));
}

TEST_CASE("run_live runs the same job through create_many, for a server without a Batch API") {
    std::atomic<int> calls{0};
    const auto client = instructor::from_callable(
        [&](const json& body) {
            ++calls;
            const std::string text = body["messages"].back()["content"];
            const std::string name = text.substr(5, text.find(' ') - 5);
            return json::parse(test_support::chat_text_reply(json{{"name", name}, {"age", 7}}.dump()));
        },
        Mode::json_schema, instructor::provider("llama-cpp"));
    const std::vector<instructor::Request> requests{ask("name=Ann age=7"), ask("name=Bo age=7"), ask("name=Cy age=7")};
    const auto results =
        instructor::create_batch<UserDetail>(client, requests, {.run_live = true, .live = {.max_concurrency = 2}});
    REQUIRE(results.size() == 3);
    for (const auto& result : results) REQUIRE(result);
    CHECK(results[1]->value.name == "Bo");
    CHECK(calls == 3);
}
