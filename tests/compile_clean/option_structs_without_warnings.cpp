// A user's program with GCC's -Wall -Wextra (which includes -Wmissing-field-initializers before GCC
// 14) sets a few members of each option struct by designated initializers: it must compile without
// a warning, so every member of the library's option structs has a default member initializer.
#include <instructor/instructor.hpp>

struct UserDetail {
    std::string name;
    int age = 0;
};

int main() {
    // As examples/reliability.cpp writes it: members after others left out, with a call among them.
    const instructor::ClientOptions logged{
        .limits = {.max_depth = 32, .max_bytes = 1 << 20},
        .http_retries = {.max_retries = 4},
        .hooks = instructor::log_hooks([](std::string_view) {}),
    };
    instructor::ClientOptions options{.base_url = "http://127.0.0.1:1/v1", .api_key = "key"};
    options.limits = {.max_depth = 64};
    options.http_retries = {.max_retries = 1};
    options.curl = {.connect_timeout = std::chrono::milliseconds(100)};
    instructor::Request request{.model = "m", .messages = {instructor::user("Jason is 30")}, .max_retries = 1};
    request.headers = {{"X-Trace", "1"}};
    const instructor::ExtractOptions extract{.model = "m", .max_retries = 0};
    const instructor::BatchOptions batch{.max_concurrency = 2};
    const instructor::CassetteOptions cassette{.path = "x.jsonl"};
    const instructor::ParseOptions parse{.limits = {.max_depth = 10}};
    const instructor::HttpRequest http{.url = "http://127.0.0.1:1", .body = "{}"};
    const instructor::HttpResponse response{.status = 200};
    const instructor::Message message{.role = instructor::Role::user, .content = "hi"};
    const instructor::ToolCall call{.id = "c", .name = "f"};
    const instructor::FieldError field{.pointer = "/a"};
    const instructor::HttpErrorDetails details{.provider = "p", .status = 500};
    const instructor::Usage usage{.prompt_tokens = 1};
    const instructor::Completion completion{.text = "{}"};
    const instructor::Extraction<UserDetail> extraction{.value = {.name = "J"}};
    return static_cast<int>(request.messages.size() + extract.model.size() +
                            static_cast<std::size_t>(batch.max_concurrency) + cassette.path.size() +
                            parse.limits.max_depth + http.body.size() + static_cast<std::size_t>(response.status) +
                            message.content.size() + call.id.size() + field.pointer.size() + details.provider.size() +
                            static_cast<std::size_t>(usage.prompt_tokens) + completion.text.size() +
                            extraction.value.name.size() + logged.limits.max_depth) == 0;
}
