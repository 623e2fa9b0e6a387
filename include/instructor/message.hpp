#pragma once
// Chat messages, provider-neutral: each provider writes them in its own dialect.
//
//     .messages = {instructor::system("You extract users."), instructor::user("Jason is 30 years old")}

#include <string>
#include <string_view>
#include <vector>

namespace instructor {

enum class Role { system, user, assistant, tool };

[[nodiscard]] std::string_view to_string(Role role) noexcept;

/// A piece of message content: text, an image by URL, or an image as base64 bytes.
struct ContentPart {
    enum class Kind { text, image_url, image_base64 };
    Kind kind = Kind::text;
    std::string text{};        // text
    std::string url{};         // image_url
    std::string media_type{};  // image_base64, e.g. "image/png"
    std::string data{};        // image_base64: the base64 bytes, without a data: prefix
};

[[nodiscard]] ContentPart text_part(std::string text);
[[nodiscard]] ContentPart image_url(std::string url);
[[nodiscard]] ContentPart image_base64(std::string media_type, std::string base64_data);

/// A call the model made to a tool: its id, the tool's name and the arguments as JSON text.
struct ToolCall {
    std::string id{};
    std::string name{};
    std::string arguments{};

    friend bool operator==(const ToolCall&, const ToolCall&) = default;
};

struct Message {
    Role role = Role::user;
    std::string content{};               // the text; used when `parts` is empty
    std::vector<ContentPart> parts{};    // text and images, for multimodal user messages
    std::vector<ToolCall> tool_calls{};  // assistant: the calls it made
    std::string tool_call_id{};          // tool: which call this answers
    std::string name{};                  // tool: the tool's name
    /// assistant: the model's reasoning behind this answer, sent back where the provider wants it
    /// (a re-ask keeps the thread: Groq's `reasoning`, llama.cpp's and DeepSeek's
    /// `reasoning_content`, Mistral's thinking part, Ollama's `thinking`) and left out elsewhere.
    std::string reasoning{};
};

[[nodiscard]] Message system(std::string text);
[[nodiscard]] Message user(std::string text);
[[nodiscard]] Message user(std::vector<ContentPart> parts);
[[nodiscard]] Message assistant(std::string text);
[[nodiscard]] Message assistant(std::string text, std::vector<ToolCall> tool_calls);
/// The result of a tool call, answering the call with that id.
[[nodiscard]] Message tool_result(std::string tool_call_id, std::string tool_name, std::string content);

}  // namespace instructor
