// Runs a provider example against a local server that speaks that provider's dialect, and checks
// what the example sent and printed. The examples are user documentation; this keeps them working.
//
//     example_server_runner <dialect> <example binary> [--reask]
//
// <dialect> is one of ollama, llama-cpp, anyscale, groq, together, mistral. The runner starts a
// TestServer, scripts a reply in that dialect (with --reask: first an invalid one, age "thirty",
// then a valid one), points the example at the server through its environment variables (base
// URL, a fake key), runs it, and checks: exit code 0, `name='Jason' age=30` on stdout, one request
// (two with --reask) at the provider's path, the Authorization header, and the marks of the mode
// in the body. Every failed check is printed, with the example's output and the bodies received.

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_server.hpp"

extern char** environ;

namespace {

using json = nlohmann::json;

constexpr const char* kFakeKey = "sk-example-key";
constexpr const char* kExpected = "name='Jason' age=30";

// What one provider example expects of its server, and what the server answers.
struct Dialect {
    std::string name;
    std::string base_url_variable;                                   // the example's base URL variable
    std::string base_path;                                           // appended to the server's URL in that variable
    std::string key_variable;                                        // "" when the example needs no key
    std::string authorization;                                       // expected Authorization header ("" = none)
    std::string path;                                                // expected request path
    std::string model;                                               // expected "model" in the body
    std::function<std::string(const std::string& arguments)> reply;  // a reply carrying these arguments
    std::function<void(const json& body, std::vector<std::string>& failures)> check_mode;
    std::vector<std::string> environment = {};  // more NAME=value settings for the example
};

json usage(int prompt, int completion) {
    return {{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
}

// An OpenAI-format reply whose message content is `content`, plus the dialect's own fields.
std::string content_reply(const std::string& content, json extra = json::object()) {
    json body{{"id", "chatcmpl-example"},
              {"object", "chat.completion"},
              {"created", 1730000000},
              {"model", "example-model"},
              {"choices",
               {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
              {"usage", usage(40, 12)}};
    body.update(extra);
    return body.dump();
}

// An OpenAI-format reply that calls the UserDetail tool with these arguments.
std::string tool_reply(const std::string& call_id, const std::string& arguments, json content) {
    return json{{"id", "chatcmpl-example"},
                {"object", "chat.completion"},
                {"created", 1730000000},
                {"model", "example-model"},
                {"choices",
                 {{{"index", 0},
                   {"message",
                    {{"role", "assistant"},
                     {"content", std::move(content)},
                     {"tool_calls",
                      {{{"id", call_id},
                        {"type", "function"},
                        {"function", {{"name", "UserDetail"}, {"arguments", arguments}}}}}}}},
                   {"finish_reason", "tool_calls"}}}},
                {"usage", usage(90, 22)}}
        .dump();
}

void expect(bool ok, std::vector<std::string>& failures, const std::string& what) {
    if (!ok) failures.push_back(what);
}

bool has_age_property(const json& schema) {
    return schema.is_object() && schema.contains("properties") && schema["properties"].contains("age") &&
           schema["properties"].contains("name");
}

// Some message's text contains `needle`.
bool some_message_contains(const json& body, const std::string& role, const std::string& needle) {
    for (const auto& message : body.value("messages", json::array()))
        if (message.value("role", "") == role && message.contains("content") && message["content"].is_string() &&
            message["content"].get<std::string>().find(needle) != std::string::npos)
            return true;
    return false;
}

void check_json_mode(const json& body, std::vector<std::string>& failures) {
    expect(body.value("response_format", json()) == json{{"type", "json_object"}}, failures,
           "json mode: response_format should be {\"type\":\"json_object\"}, got " +
               body.value("response_format", json()).dump());
    expect(some_message_contains(body, "system", "JSON Schema"), failures,
           "json mode: no system message carries the schema");
    expect(!body.contains("tools"), failures, "json mode: the body should have no tools");
}

void check_json_schema_mode(const json& body, std::vector<std::string>& failures) {
    const json format = body.value("response_format", json());
    expect(format.value("type", "") == "json_schema", failures,
           "json_schema mode: response_format.type should be json_schema, got " + format.dump());
    expect(has_age_property(format.value("json_schema", json::object()).value("schema", json())), failures,
           "json_schema mode: response_format.json_schema.schema should be UserDetail's schema");
}

// llama.cpp's own grammar field: the type's GBNF, no response_format.
void check_gbnf_mode(const json& body, std::vector<std::string>& failures) {
    const std::string grammar = body.value("grammar", "");
    expect(grammar.find("root ::=") != std::string::npos && grammar.find("age") != std::string::npos, failures,
           "gbnf mode: the body's grammar should be UserDetail's GBNF, got " + body.value("grammar", json()).dump());
    expect(!body.contains("response_format"), failures, "gbnf mode: the body should have no response_format");
}

void check_json_object_schema_mode(const json& body, std::vector<std::string>& failures) {
    const json format = body.value("response_format", json());
    expect(format.value("type", "") == "json_object", failures,
           "json_schema mode (Anyscale): response_format.type should be json_object, got " + format.dump());
    expect(has_age_property(format.value("schema", json())), failures,
           "json_schema mode (Anyscale): response_format.schema should be UserDetail's schema");
}

void check_md_json_mode(const json& body, std::vector<std::string>& failures) {
    expect(some_message_contains(body, "system", "JSON Schema"), failures,
           "md_json mode: no system message carries the schema");
    expect(some_message_contains(body, "user", "```json"), failures,
           "md_json mode: no user message asks for a ```json block");
    expect(!body.contains("response_format") && !body.contains("tools"), failures,
           "md_json mode: the body should have neither response_format nor tools");
}

void check_tools(const json& body, const json& tool_choice, std::vector<std::string>& failures) {
    const json tools = body.value("tools", json::array());
    expect(tools.size() == 1 && tools[0].value("type", "") == "function", failures,
           "tools mode: the body should have one function tool, got " + tools.dump());
    if (tools.size() == 1) {
        const json function = tools[0].value("function", json::object());
        expect(function.value("name", "") == "UserDetail", failures, "tools mode: the tool should be named UserDetail");
        expect(has_age_property(function.value("parameters", json())), failures,
               "tools mode: the tool's parameters should be UserDetail's schema");
    }
    expect(body.value("tool_choice", json()) == tool_choice, failures,
           "tools mode: tool_choice should be " + tool_choice.dump() + ", got " +
               body.value("tool_choice", json()).dump());
}

std::vector<Dialect> dialects() {
    const auto json_content = [](const std::string& arguments) { return content_reply(arguments); };
    return {
        {.name = "ollama",
         .base_url_variable = "OLLAMA_HOST",
         .base_path = "",
         .key_variable = "",
         .authorization = "Bearer ollama",
         .path = "/v1/chat/completions",
         .model = "llama2",
         .reply =
             [](const std::string& a) {
                 return content_reply(a, {{"system_fingerprint", "fp_ollama"}});
             },
         .check_mode = check_json_mode},
        {.name = "llama-cpp",
         .base_url_variable = "LLAMA_CPP_BASE_URL",
         .base_path = "/v1",
         .key_variable = "",
         .authorization = "",
         .path = "/v1/chat/completions",
         .model = "openhermes-2.5-mistral-7b",
         .reply =
             [](const std::string& a) {
                 return content_reply(a, {{"timings", {{"predicted_n", 12}}}});
             },
         .check_mode = check_json_schema_mode},
        // The quickstart with INSTRUCTOR_PROVIDER naming llama.cpp and INSTRUCTOR_BASE_URL where it runs.
        {.name = "quickstart",
         .base_url_variable = "INSTRUCTOR_BASE_URL",
         .base_path = "/v1",
         .key_variable = "",
         .authorization = "",
         .path = "/v1/chat/completions",
         .model = "openhermes-2.5-mistral-7b",
         .reply =
             [](const std::string& a) {
                 return content_reply(a, {{"timings", {{"predicted_n", 12}}}});
             },
         .check_mode = check_gbnf_mode,  // the llama-cpp preset's default mode
         .environment = {"INSTRUCTOR_PROVIDER=llama-cpp/openhermes-2.5-mistral-7b"}},
        {.name = "anyscale",
         .base_url_variable = "ANYSCALE_BASE_URL",
         .base_path = "/v1",
         .key_variable = "ANYSCALE_API_KEY",
         .authorization = std::string("Bearer ") + kFakeKey,
         .path = "/v1/chat/completions",
         .model = "mistralai/Mixtral-8x7B-Instruct-v0.1",
         .reply = json_content,
         .check_mode = check_json_object_schema_mode},
        {.name = "groq",
         .base_url_variable = "GROQ_BASE_URL",
         .base_path = "/openai/v1",
         .key_variable = "GROQ_API_KEY",
         .authorization = std::string("Bearer ") + kFakeKey,
         .path = "/openai/v1/chat/completions",
         .model = "llama-3.3-70b-versatile",
         .reply =
             [](const std::string& a) {
                 return content_reply("```json\n" + a + "\n```", {{"x_groq", {{"id", "req_example"}}}});
             },
         .check_mode = check_md_json_mode},
        {.name = "together",
         .base_url_variable = "TOGETHER_BASE_URL",
         .base_path = "/v1",
         .key_variable = "TOGETHER_API_KEY",
         .authorization = std::string("Bearer ") + kFakeKey,
         .path = "/v1/chat/completions",
         .model = "mistralai/Mixtral-8x7B-Instruct-v0.1",
         .reply = [](const std::string& a) { return tool_reply("call_k2j4h6g8f0d1s3a5", a, nullptr); },
         .check_mode =
             [](const json& body, std::vector<std::string>& failures) {
                 check_tools(body, "required", failures);  // Together forces its one tool so
             }},
        {.name = "mistral",
         .base_url_variable = "MISTRAL_BASE_URL",
         .base_path = "/v1",
         .key_variable = "MISTRAL_API_KEY",
         .authorization = std::string("Bearer ") + kFakeKey,
         .path = "/v1/chat/completions",
         .model = "mistral-large-latest",
         .reply = [](const std::string& a) { return tool_reply("D681PevKs", a, ""); },
         .check_mode = [](const json& body,
                          std::vector<std::string>& failures) { check_tools(body, "any", failures); }},
    };
}

// After an invalid first answer, the second request must carry it back with the errors.
void check_reask(const Dialect& dialect, const json& first, const json& second, std::vector<std::string>& failures) {
    const auto sent = first.value("messages", json::array()).size();
    const json messages = second.value("messages", json::array());
    expect(messages.size() > sent, failures, "re-ask: the second request should have more messages than the first");
    const bool tool_mode = dialect.name == "together" || dialect.name == "mistral";
    if (tool_mode) {
        bool found = false;
        for (std::size_t i = 0; i + 1 < messages.size(); ++i) {
            const json& call = messages[i];
            const json& answer = messages[i + 1];
            if (call.value("role", "") != "assistant" || !call.contains("tool_calls") ||
                answer.value("role", "") != "tool")
                continue;
            found = true;
            const std::string call_id = call["tool_calls"][0].value("id", "");
            expect(call["tool_calls"][0]["function"].value("arguments", "").find("thirty") != std::string::npos,
                   failures, "re-ask: the echoed tool call should hold the invalid arguments");
            expect(answer.value("tool_call_id", "") == call_id, failures,
                   "re-ask: the tool message should answer the echoed call's id " + call_id);
            expect(answer.value("content", "").find("/age") != std::string::npos, failures,
                   "re-ask: the tool message should name the error at /age");
            if (dialect.name == "mistral")
                expect(call_id.size() == 9, failures, "re-ask: Mistral tool call ids are 9 characters, got " + call_id);
        }
        expect(found, failures, "re-ask: no assistant tool call followed by a tool message in the second request");
    } else {
        expect(some_message_contains(second, "assistant", "thirty"), failures,
               "re-ask: the invalid answer should be echoed as an assistant message");
        expect(some_message_contains(second, "user", "/age"), failures,
               "re-ask: a user message should name the error at /age");
    }
}

// Runs `program` with `environment`; returns its exit status (-1 if it did not exit normally) and
// fills `out` with its stdout. Its stderr goes to ours. Killed after `limit`.
int run(const std::string& program, const std::vector<std::string>& environment, std::string& out,
        std::chrono::seconds limit) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);

    std::vector<char*> argv{const_cast<char*>(program.c_str()), nullptr};
    std::vector<char*> envp;
    for (const auto& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);

    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (spawned != 0) {
        close(pipe_fds[0]);
        throw std::runtime_error("cannot run " + program + ": " + std::strerror(spawned));
    }

    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool timed_out = false;
    char buffer[4096];
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd fd{.fd = pipe_fds[0], .events = POLLIN, .revents = 0};
        const int ready = poll(&fd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;  // the deadline is checked above
        const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EOF: the example closed its stdout (normally by exiting)
        out.append(buffer, static_cast<std::size_t>(n));
    }
    close(pipe_fds[0]);
    if (timed_out) {
        kill(pid, SIGKILL);
        std::cerr << "the example did not finish within " << limit.count() << " s; killed\n";
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (timed_out || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

// The environment without the variables the example reads, then those set for the test.
std::vector<std::string> environment_for(const Dialect& dialect, const std::string& base_url) {
    std::vector<std::string> names{dialect.base_url_variable};
    if (!dialect.key_variable.empty()) names.push_back(dialect.key_variable);
    for (const auto& setting : dialect.environment) names.push_back(setting.substr(0, setting.find('=')));
    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text = *entry;
        bool replaced = false;
        for (const auto& name : names) replaced = replaced || text.rfind(name + "=", 0) == 0;
        if (!replaced) environment.push_back(text);
    }
    environment.push_back(dialect.base_url_variable + "=" + base_url + dialect.base_path);
    if (!dialect.key_variable.empty()) environment.push_back(dialect.key_variable + "=" + kFakeKey);
    environment.insert(environment.end(), dialect.environment.begin(), dialect.environment.end());
    return environment;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const bool reask = args.size() == 3 && args[2] == "--reask";
    if (args.size() < 2 || args.size() > 3 || (args.size() == 3 && !reask)) {
        std::cerr << "usage: example_server_runner <dialect> <example binary> [--reask]\n";
        return 2;
    }
    const auto all = dialects();
    const Dialect* dialect = nullptr;
    for (const auto& d : all)
        if (d.name == args[0]) dialect = &d;
    if (dialect == nullptr) {
        std::cerr << "unknown dialect \"" << args[0] << "\"; known: ";
        for (const auto& d : all) std::cerr << d.name << " ";
        std::cerr << "\n";
        return 2;
    }

    try {
        test_support::TestServer server;
        if (reask) server.enqueue({.body = dialect->reply(R"({"name": "Jason", "age": "thirty"})")});
        server.enqueue({.body = dialect->reply(R"({"name": "Jason", "age": 30})")});

        std::string out;
        const int status = run(args[1], environment_for(*dialect, server.base_url()), out, std::chrono::seconds(30));
        const auto requests = server.requests();
        const std::size_t expected_requests = reask ? 2 : 1;

        std::vector<std::string> failures;
        expect(status == 0, failures, "exit status " + std::to_string(status) + ", expected 0");
        expect(out.find(kExpected) != std::string::npos, failures, std::string("stdout lacks ") + kExpected);
        expect(requests.size() == expected_requests, failures,
               std::to_string(requests.size()) + " requests, expected " + std::to_string(expected_requests));
        std::vector<json> bodies;
        for (std::size_t i = 0; i < requests.size(); ++i) {
            const auto& request = requests[i];
            const std::string at = "request " + std::to_string(i + 1) + ": ";
            expect(request.method == "POST", failures, at + "method " + request.method + ", expected POST");
            expect(request.path == dialect->path, failures,
                   at + "path " + request.path + ", expected " + dialect->path);
            const std::string authorization = server.header(i, "authorization");
            expect(authorization == dialect->authorization, failures,
                   at + "Authorization \"" + authorization + "\", expected \"" + dialect->authorization + "\"");
            json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
            if (body.is_discarded()) {
                failures.push_back(at + "the body is not JSON");
                continue;
            }
            expect(body.value("model", "") == dialect->model, failures,
                   at + "model \"" + body.value("model", "") + "\", expected \"" + dialect->model + "\"");
            std::vector<std::string> mode_failures;
            dialect->check_mode(body, mode_failures);
            for (const auto& failure : mode_failures) failures.push_back(at + failure);
            bodies.push_back(std::move(body));
        }
        if (reask && bodies.size() == 2) check_reask(*dialect, bodies[0], bodies[1], failures);

        if (failures.empty()) {
            std::cout << "ok: " << args[1] << " against a local " << dialect->name << " server (" << requests.size()
                      << (requests.size() == 1 ? " request" : " requests") << ")\n";
            return 0;
        }
        std::cerr << "FAILED: " << args[1] << " against a local " << dialect->name << " server\n";
        for (const auto& failure : failures) std::cerr << "  - " << failure << "\n";
        std::cerr << "stdout of the example:\n" << (out.empty() ? "(nothing)\n" : out);
        for (std::size_t i = 0; i < requests.size(); ++i)
            std::cerr << "request " << i + 1 << " body:\n" << requests[i].body << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "example_server_runner: " << e.what() << "\n";
        return 1;
    }
}
