// Reliability: HTTP retries when the server is busy, hooks that log every step and count tokens,
// errors as values instead of exceptions, and cancelling a call from another thread.
//
// Uses INSTRUCTOR_PROVIDER or OPENAI_API_KEY when set, else replays recorded replies locally: a
// 503, an answer that does not validate, then a valid one; an answer that does not validate with no
// re-ask allowed; and a model that takes too long.

#include <instructor/instructor.hpp>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <stop_token>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/connect.hpp"

struct UserDetail {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

namespace {

// What the replay server answers, in order, when no model is configured.
std::vector<examples::Reply> recorded_replies() {
    using namespace std::chrono_literals;
    return {
        // 1. busy, then an age that breaks `minimum(0)`, then a valid answer
        examples::error_reply(503, "The server is overloaded, please try again"),
        examples::tool_call_reply("UserDetail", R"({"name": "Jason", "age": -30})"),
        examples::tool_call_reply("UserDetail", R"({"name": "Jason", "age": 30})"),
        // 2. the age in words, and no re-ask allowed
        examples::tool_call_reply("UserDetail", R"({"name": "Jason", "age": "thirty"})"),
        // 3. a model that takes 30 s to answer
        examples::delayed(examples::tool_call_reply("UserDetail", R"({"name": "Jason", "age": 30})"), 30s),
    };
}

}  // namespace

int main() {
    using namespace std::chrono_literals;
    std::clog.tie(&std::cout);                     // log lines (std::clog) and results (std::cout) in order
    std::optional<examples::ReplayServer> replay;  // only when no model is configured

    instructor::ClientOptions options{
        // what a server may send: JSON nested at most 32 deep, replies and streams of at most 1 MiB
        .limits = {.max_depth = 32, .max_bytes = 1 << 20},
        // 408, 409, 429, 5xx and broken connections: the same request again, after a growing wait
        .http_retries = {.max_retries = 4, .initial_delay = 200ms},
        // a line on std::clog for every request, reply, failed check and retry
        .hooks = instructor::log_hooks([](std::string_view line) { std::clog << line << '\n'; }),
    };
    // One more thing to do on each reply: keep log_hooks' line, and count the tokens.
    std::int64_t tokens = 0;
    options.hooks.on_completion = [log = options.hooks.on_completion,
                                   &tokens](const instructor::CompletionReceived& reply) {
        log(reply);
        tokens += reply.completion.usage.total_tokens;
    };

    try {
        const auto client = examples::connect(replay, recorded_replies(), options);

        // 1. create<T>: HTTP retries and re-asks happen inside; the hooks show them.
        const UserDetail jason = client.create<UserDetail>({
            .messages = {instructor::user("Extract Jason is 30 years old")},
            .max_retries = 2,
        });
        std::cout << "1. name='" << jason.name << "' age=" << jason.age << "\n";

        // 2. try_create<T>: the error comes back as a value instead of being thrown.
        const auto user = client.try_create<UserDetail>({
            .messages = {instructor::user("Extract Jason is thirty")},
            .max_retries = 0,  // no re-ask: the first answer must do
        });
        if (user) {
            std::cout << "2. name='" << user->name << "' age=" << user->age << "\n";
        } else if (const auto* retry = user.error().as<instructor::RetryError>()) {
            std::cout << "2. no valid answer in " << retry->attempts().size() << " attempt(s):\n";
            for (const auto& error : retry->attempts().back().errors)
                std::cout << "   " << instructor::to_string(error) << "\n";
        } else {
            std::cout << "2. failed: " << user.error().what() << "\n";
        }

        // 3. Cancellation: another thread gives up on the call after 300 ms.
        std::stop_source stop;
        std::jthread deadline([&stop] {
            std::this_thread::sleep_for(300ms);
            stop.request_stop();
        });
        try {
            const auto late = client.create<UserDetail>({
                .messages = {instructor::user("Extract Jason is 30 years old")},
                .cancel = stop.get_token(),
            });
            std::cout << "3. answered within 300 ms: name='" << late.name << "'\n";
        } catch (const instructor::CancelledError& e) {
            std::cout << "3. gave up: " << e.what() << "\n";
        }

        std::cout << "tokens used: " << tokens << "\n";
        return 0;
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
