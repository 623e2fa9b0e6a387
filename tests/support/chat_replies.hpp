#pragma once
// An OpenAI-format chat completion whose message is `content`, for tests that script a server's
// replies: id "chatcmpl-1", model "test", finish reason "stop", 20 + 8 tokens.

#include <string>

#include <nlohmann/json.hpp>

namespace test_support {

inline std::string chat_text_reply(const std::string& content) {
    using json = nlohmann::json;
    return json{
        {"id", "chatcmpl-1"},
        {"model", "test"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", 20}, {"completion_tokens", 8}, {"total_tokens", 28}}}}
        .dump();
}

}  // namespace test_support
