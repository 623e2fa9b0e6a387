#include <instructor/hooks.hpp>

#include <memory>
#include <string>
#include <utility>

namespace instructor {

Hooks log_hooks(std::function<void(std::string_view line)> sink) {
    auto out = std::make_shared<std::function<void(std::string_view)>>(std::move(sink));
    auto attempt_of = [](int attempt, int http_attempt) {
        std::string text = "attempt " + std::to_string(attempt);
        if (http_attempt > 1) text += " (send " + std::to_string(http_attempt) + ")";
        return text;
    };
    Hooks hooks;
    hooks.on_request = [out, attempt_of](const RequestSent& e) {
        (*out)("instructor: " + attempt_of(e.attempt, e.http_attempt) + ": POST " + std::string(e.url) + " (" +
               std::to_string(e.body.size()) + " bytes)");
    };
    hooks.on_reply = [out, attempt_of](const ReplyReceived& e) {
        (*out)("instructor: " + attempt_of(e.attempt, e.http_attempt) + ": HTTP " + std::to_string(e.status) + " (" +
               std::to_string(e.body.size()) + " bytes)" + (e.server.empty() ? "" : " from " + std::string(e.server)));
    };
    hooks.on_completion = [out](const CompletionReceived& e) {
        const auto& u = e.completion.usage;
        (*out)("instructor: attempt " + std::to_string(e.attempt) + ": " + std::to_string(u.prompt_tokens) +
               " prompt + " + std::to_string(u.completion_tokens) + " completion tokens");
    };
    hooks.on_parse_error = [out](const ParseFailed& e) {
        std::string line = "instructor: attempt " + std::to_string(e.attempt) + ": the answer did not validate:";
        for (const auto& error : e.errors) line += " " + to_string(error) + ";";
        if (!e.errors.empty()) line.pop_back();
        (*out)(line);
    };
    hooks.on_retry = [out](const RetryScheduled& e) {
        (*out)("instructor: attempt " + std::to_string(e.attempt) + ": " + std::string(e.reason) + ", " +
               (e.cause == RetryCause::http ? "sending again" : "re-asking") + " in " +
               std::to_string(e.delay.count()) + " ms");
    };
    hooks.on_last_attempt = [out](const LastAttempt& e) {
        (*out)("instructor: attempt " + std::to_string(e.attempt) + " was the last one allowed; giving up");
    };
    return hooks;
}

}  // namespace instructor
