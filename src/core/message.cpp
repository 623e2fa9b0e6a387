#include <instructor/message.hpp>

#include <utility>

namespace instructor {

std::string_view to_string(Role role) noexcept {
    switch (role) {
        case Role::system: return "system";
        case Role::user: return "user";
        case Role::assistant: return "assistant";
        case Role::tool: return "tool";
    }
    return "user";
}

ContentPart text_part(std::string text) {
    ContentPart part;
    part.text = std::move(text);
    return part;
}

ContentPart image_url(std::string url) {
    ContentPart part;
    part.kind = ContentPart::Kind::image_url;
    part.url = std::move(url);
    return part;
}

ContentPart image_base64(std::string media_type, std::string base64_data) {
    ContentPart part;
    part.kind = ContentPart::Kind::image_base64;
    part.media_type = std::move(media_type);
    part.data = std::move(base64_data);
    return part;
}

Message system(std::string text) {
    return Message{.role = Role::system,
                   .content = std::move(text),
                   .parts = {},
                   .tool_calls = {},
                   .tool_call_id = {},
                   .name = {},
                   .reasoning = {}};
}

Message user(std::string text) {
    return Message{.role = Role::user,
                   .content = std::move(text),
                   .parts = {},
                   .tool_calls = {},
                   .tool_call_id = {},
                   .name = {},
                   .reasoning = {}};
}

Message user(std::vector<ContentPart> parts) {
    return Message{.role = Role::user,
                   .content = {},
                   .parts = std::move(parts),
                   .tool_calls = {},
                   .tool_call_id = {},
                   .name = {},
                   .reasoning = {}};
}

Message assistant(std::string text) { return assistant(std::move(text), {}); }

Message assistant(std::string text, std::vector<ToolCall> tool_calls) {
    return Message{.role = Role::assistant,
                   .content = std::move(text),
                   .parts = {},
                   .tool_calls = std::move(tool_calls),
                   .tool_call_id = {},
                   .name = {},
                   .reasoning = {}};
}

Message tool_result(std::string tool_call_id, std::string tool_name, std::string content) {
    return Message{.role = Role::tool,
                   .content = std::move(content),
                   .parts = {},
                   .tool_calls = {},
                   .tool_call_id = std::move(tool_call_id),
                   .name = std::move(tool_name),
                   .reasoning = {}};
}

}  // namespace instructor
