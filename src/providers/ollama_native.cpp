// Ollama's own API, /api/chat: sampling goes in `options` (max tokens is num_predict), `stream`
// defaults to true so it is always sent, the schema goes bare in `format`, images are base64 in
// `images`, tool arguments are JSON objects, and there is no tool_choice at all. Thinking is `think`
// (true, false or a level); the reasoning comes in message.thinking and goes back there.
#include <string>

#include <instructor/detail/core/think_blocks.hpp>

#include "common.hpp"
#include "registry.hpp"
#include "thinking.hpp"

namespace instructor::providers {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

class OllamaNative final : public Provider {
public:
    [[nodiscard]] std::string_view name() const noexcept override { return "ollama-native"; }
    [[nodiscard]] std::string_view default_base_url() const noexcept override { return "http://localhost:11434"; }
    [[nodiscard]] std::string_view api_key_variable() const noexcept override { return ""; }
    [[nodiscard]] std::string_view chat_path() const noexcept override { return "/api/chat"; }
    [[nodiscard]] Mode default_mode() const noexcept override { return Mode::json_schema; }
    [[nodiscard]] const std::vector<Mode>& supported_modes() const noexcept override {
        static const std::vector<Mode> modes{Mode::json, Mode::json_schema, Mode::md_json};
        return modes;
    }

    [[nodiscard]] ojson build_body(const Request& request, Mode mode) const override {
        check_mode(mode);
        ojson messages = ojson::array();
        for (const auto& message : request.messages) messages.push_back(message_json(message));
        const ResponseModel& model = single_model(request, name());
        ojson format;
        switch (mode) {
            case Mode::json:
                add_schema_instruction(messages, inlined_or_plain(model));
                format = "json";
                break;
            case Mode::json_schema: format = inlined_or_plain(model); break;
            case Mode::md_json:
                add_schema_instruction(messages, inlined_or_plain(model));
                messages.push_back({{"role", "user"}, {"content", md_json_instruction}});
                break;
            default: break;  // check_mode refused the rest
        }
        ojson body{{"model", request.model}, {"messages", std::move(messages)}, {"stream", request.stream}};
        if (!format.is_null()) body["format"] = std::move(format);
        ojson options = ojson::object();
        if (request.temperature) options["temperature"] = *request.temperature;
        if (request.top_p) options["top_p"] = *request.top_p;
        if (request.max_tokens) options["num_predict"] = *request.max_tokens;
        if (request.seed) options["seed"] = *request.seed;
        if (!request.stop.empty()) options["stop"] = request.stop;
        if (!options.empty()) body["options"] = std::move(options);
        if (request.thinking) {
            ojson thinking = thinking_fields(name(), thinking_, *request.thinking);
            for (auto& [key, value] : thinking.items()) body[key] = std::move(value);
        }
        merge_extra(body, request.extra);
        return body;
    }

    [[nodiscard]] Completion decode_reply(const json& body, const HttpHeaders& headers) const override {
        return decode_guarded(name(), body, [&] { return decode_checked(body, headers); });
    }

    [[nodiscard]] StreamFraming stream_framing() const noexcept override { return StreamFraming::ndjson; }

    // Each line is a partial message; the last has "done": true and the token counts.
    void decode_stream_event(const json& event, StreamAssembly& into) const override {
        if (const auto error = event.find("error"); error != event.end() && !error->is_null())
            throw_error(200, {}, dump_text(event));
        if (!event.is_object()) throw_malformed_reply(name(), event, "a stream line that is not an object");
        if (const auto message = event.find("message"); message != event.end() && message->is_object()) {
            into.add_reasoning(string_field(*message, "thinking"));
            into.add_text(string_field(*message, "content"));
            if (const auto calls = message->find("tool_calls"); calls != message->end() && calls->is_array()) {
                // Whole calls, each in one line; numbered in order of arrival.
                for (const auto& call : *calls) {
                    const json function = member_object(call, "function");
                    into.add_tool_call(into.completion().tool_calls.size(), string_field(call, "id"),
                                       string_field(function, "name"), arguments_text(member(function, "arguments")));
                }
            }
        }
        if (into.completion().model.empty()) into.set_model(string_field(event, "model"));
        if (member(event, "done") == true) {
            into.set_finish_reason(finish_reason_from(member(event, "done_reason")));
            Usage usage;
            usage.prompt_tokens = count_field(event, "prompt_eval_count");
            usage.completion_tokens = count_field(event, "eval_count");
            usage.total_tokens = saturating_sum(usage.prompt_tokens, usage.completion_tokens);
            into.set_usage(usage);
            into.mark_done();
        }
    }

protected:
    [[nodiscard]] std::string unsupported_reason(Mode) const override {
        return " (Ollama has no tool_choice, so it cannot be made to call the tool; use json_schema, which "
               "constrains the output instead)";
    }

private:
    [[nodiscard]] Completion decode_checked(const json& body, const HttpHeaders& headers) const {
        if (const auto error = body.find("error"); error != body.end() && !error->is_null())
            throw_error(200, headers, dump_text(body));
        if (!body.is_object()) throw_malformed_reply(name(), body, "not an object");
        if (const auto m = body.find("message"); m != body.end() && !m->is_object())
            throw_malformed_reply(name(), body, "\"message\" is not an object");
        Completion c;
        const json message = body.value("message", json::object());
        c.reasoning = string_field(message, "thinking");
        c.text = detail::split_thinking(string_field(message, "content"), c.reasoning);
        if (const auto calls = message.find("tool_calls"); calls != message.end() && calls->is_array()) {
            for (const auto& call : *calls) {
                const json function = call.value("function", json::object());
                c.tool_calls.push_back({string_field(call, "id"), string_field(function, "name"),
                                        arguments_text(function.value("arguments", json()))});
            }
        }
        c.finish_reason = finish_reason_from(body.value("done_reason", json()));
        c.usage.prompt_tokens = count_field(body, "prompt_eval_count");
        c.usage.completion_tokens = count_field(body, "eval_count");
        c.usage.total_tokens = saturating_sum(c.usage.prompt_tokens, c.usage.completion_tokens);
        c.model = string_field(body, "model");
        c.request_id = header_value(headers, "x-request-id");
        return c;
    }

    static ojson message_json(const Message& message) {
        std::string text = message.content;
        ojson images = ojson::array();
        for (const auto& part : message.parts) {
            switch (part.kind) {
                case ContentPart::Kind::text: text += (text.empty() ? "" : "\n") + part.text; break;
                case ContentPart::Kind::image_base64: images.push_back(part.data); break;
                case ContentPart::Kind::image_url:
                    throw ConfigurationError(
                        "ollama-native takes images as base64 data only (instructor::image_base64), not as URLs");
            }
        }
        ojson m{{"role", std::string(to_string(message.role))}, {"content", text}};
        if (!images.empty()) m["images"] = std::move(images);
        if (!message.tool_calls.empty()) {
            ojson calls = ojson::array();
            for (const auto& call : message.tool_calls) {
                ojson arguments = ojson::parse(call.arguments, nullptr, false);  // keeps the model's key order
                if (arguments.is_discarded()) arguments = call.arguments;        // keep what the model wrote
                calls.push_back({{"function", {{"name", call.name}, {"arguments", arguments}}}});
            }
            m["tool_calls"] = std::move(calls);
        }
        if (message.role == Role::tool) m["tool_name"] = message.name;
        if (message.role == Role::assistant && !message.reasoning.empty()) m["thinking"] = message.reasoning;
        return m;
    }

    const ThinkingDialect thinking_{
        .control = ThinkingControl::ollama_native,
        .efforts = {ThinkingEffort::low, ThinkingEffort::medium, ThinkingEffort::high, ThinkingEffort::max}};
};

}  // namespace

const Provider& ollama_native() {
    static const OllamaNative instance;
    return instance;
}

}  // namespace instructor::providers
