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

namespace {

// A message of one role and its text; each maker below adds what its role carries.
Message text_message(Role role, std::string text) {
    Message message;
    message.role = role;
    message.content = std::move(text);
    return message;
}

}  // namespace

Message system(std::string text) { return text_message(Role::system, std::move(text)); }

Message user(std::string text) { return text_message(Role::user, std::move(text)); }

Message user(std::vector<ContentPart> parts) {
    Message message = text_message(Role::user, {});
    message.parts = std::move(parts);
    return message;
}

Message assistant(std::string text) { return text_message(Role::assistant, std::move(text)); }

Message assistant(std::string text, std::vector<ToolCall> tool_calls) {
    Message message = text_message(Role::assistant, std::move(text));
    message.tool_calls = std::move(tool_calls);
    return message;
}

Message tool_result(std::string tool_call_id, std::string tool_name, std::string content) {
    Message message = text_message(Role::tool, std::move(content));
    message.tool_call_id = std::move(tool_call_id);
    message.name = std::move(tool_name);
    return message;
}

}  // namespace instructor
