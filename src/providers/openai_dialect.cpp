#include "openai_dialect.hpp"

#include <algorithm>

#include <instructor/detail/core/think_blocks.hpp>
#include <instructor/detail/json/json_writer.hpp>

#include "common.hpp"

namespace instructor::providers {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

ojson tool_choice(ToolForcing forcing, const std::string& name) {
    switch (forcing) {
        case ToolForcing::required: return "required";
        case ToolForcing::any: return "any";
        case ToolForcing::named_function: break;
    }
    return ojson{{"type", "function"}, {"function", {{"name", name}}}};
}

}  // namespace

ojson openai_content(const Message& message) {
    if (message.parts.empty()) return message.content;
    ojson parts = ojson::array();
    for (const auto& part : message.parts) {
        switch (part.kind) {
            case ContentPart::Kind::text: parts.push_back({{"type", "text"}, {"text", part.text}}); break;
            case ContentPart::Kind::image_url:
                parts.push_back({{"type", "image_url"}, {"image_url", {{"url", part.url}}}});
                break;
            case ContentPart::Kind::image_base64:
                parts.push_back({{"type", "image_url"},
                                 {"image_url", {{"url", "data:" + part.media_type + ";base64," + part.data}}}});
                break;
        }
    }
    return parts;
}

ojson OpenAIDialect::message_json(const Message& message) const {
    ojson m{{"role", std::string(to_string(message.role))}, {"content", openai_content(message)}};
    if (!message.tool_calls.empty()) {
        ojson calls = ojson::array();
        for (const auto& call : message.tool_calls) {
            ojson echoed{{"id", call.id},
                         {"type", "function"},
                         {"function", {{"name", call.name}, {"arguments", call.arguments}}}};
            if (settings_.tool_call_index) echoed["index"] = calls.size();
            calls.push_back(std::move(echoed));
        }
        m["tool_calls"] = std::move(calls);
    }
    if (message.role == Role::tool) m["tool_call_id"] = message.tool_call_id;
    if (message.role == Role::assistant && !message.reasoning.empty() && !settings_.reasoning_echo.empty())
        m[std::string(settings_.reasoning_echo)] = message.reasoning;
    return m;
}

const ojson& OpenAIDialect::prompt_schema(const ResponseModel& model) const {
    return settings_.inline_schemas ? inlined_or_plain(model) : *model.schema;
}

ojson OpenAIDialect::tool_json(const ResponseModel& model, bool strict) const {
    ojson function{{"name", model.name}, {"description", tool_description(model)}};
    function["parameters"] = strict ? strict_schema_of(model) : prompt_schema(model);
    if (strict) function["strict"] = true;
    return ojson{{"type", "function"}, {"function", std::move(function)}};
}

ojson OpenAIDialect::json_schema_format(const ResponseModel& model) const {
    if (settings_.json_schema_shape == JsonSchemaShape::json_object_schema)
        return ojson{{"type", "json_object"}, {"schema", prompt_schema(model)}};
    ojson inner{{"name", model.name}};
    if (!model.description.empty()) inner["description"] = model.description;
    const bool strict = settings_.json_schema_strict == JsonSchemaStrict::always ||
                        (settings_.json_schema_strict == JsonSchemaStrict::when_strict_schema && model.strict_schema);
    inner["schema"] = settings_.json_schema_strict == JsonSchemaStrict::when_strict_schema && model.strict_schema
                          ? *model.strict_schema
                          : prompt_schema(model);
    if (strict) inner["strict"] = true;
    return ojson{{"type", "json_schema"}, {"json_schema", std::move(inner)}};
}

std::string OpenAIDialect::unsupported_reason(Mode mode) const {
    if (is_tool_mode(mode) && !settings_.unsupported_tools_reason.empty())
        return " (" + settings_.unsupported_tools_reason + ")";
    return {};
}

ojson OpenAIDialect::messages_json(const Request& request, Mode mode, const std::string* instruction) const {
    ojson messages = ojson::array();
    for (const auto& message : request.messages) messages.push_back(message_json(message));
    if (mode == Mode::json || mode == Mode::md_json) {
        if (instruction != nullptr)
            add_schema_instruction(messages, *instruction);
        else
            add_schema_instruction(messages, schema_instruction(prompt_schema(single_model(request, name()))));
    }
    if (mode == Mode::md_json) messages.push_back({{"role", "user"}, {"content", md_json_instruction}});
    return messages;
}

ojson OpenAIDialect::mode_fields(const std::vector<ResponseModel>& models, Mode mode) const {
    const auto one_model = [&]() -> const ResponseModel& {
        if (models.empty())
            throw ConfigurationError(std::string(name()) +
                                     ": the request has no response model (the shape to extract)");
        return models.front();
    };
    ojson fields = ojson::object();
    switch (mode) {
        case Mode::tools:
        case Mode::tools_strict:
        case Mode::mistral_tools: {
            const auto& model = one_model();
            fields["tools"] = ojson::array({tool_json(model, mode == Mode::tools_strict)});
            fields["tool_choice"] = tool_choice(settings_.forcing, model.name);
            if (settings_.one_tool_call) fields["parallel_tool_calls"] = false;
            break;
        }
        case Mode::parallel_tools: {
            (void)one_model();  // at least one
            ojson tools = ojson::array();
            for (const auto& model : models) tools.push_back(tool_json(model, false));
            fields["tools"] = std::move(tools);
            fields["tool_choice"] = "auto";
            break;
        }
        case Mode::json:
            (void)one_model();
            fields["response_format"] = {{"type", "json_object"}};
            break;
        case Mode::json_schema: fields["response_format"] = json_schema_format(one_model()); break;
        case Mode::gbnf: {
            const auto& model = one_model();
            if (!model.grammar)
                throw ConfigurationError(std::string(name()) + ": " + model.name + " has no grammar for mode gbnf" +
                                         (model.grammar_unavailable.empty() ? "" : ": " + model.grammar_unavailable));
            fields["grammar"] = *model.grammar;
            break;
        }
        case Mode::md_json: (void)one_model(); break;
    }
    return fields;
}

ojson OpenAIDialect::sampling_fields(const Request& request) const {
    ojson fields = ojson::object();
    if (request.temperature) fields["temperature"] = *request.temperature;
    if (request.top_p) fields["top_p"] = *request.top_p;
    if (request.max_tokens) fields[std::string(settings_.max_tokens_field)] = *request.max_tokens;
    if (request.seed) fields[std::string(settings_.seed_field)] = *request.seed;
    if (!request.stop.empty()) fields["stop"] = request.stop;
    if (request.stream) {
        fields["stream"] = true;
        if (settings_.stream_usage) fields["stream_options"] = {{"include_usage", true}};
    }
    if (request.thinking) {
        ojson thinking = thinking_fields(name(), settings_.thinking, *request.thinking);
        for (auto& [key, value] : thinking.items()) fields[key] = std::move(value);
    }
    return fields;
}

bool OpenAIDialect::grammar_thinks(const Request& request, Mode mode) const {
    return settings_.thinking_grammar && mode == Mode::gbnf && request.thinking && request.thinking->enabled;
}

ojson OpenAIDialect::build_body(const Request& request, Mode mode) const {
    check_mode(mode);
    ojson fields = mode_fields(request.response_models, mode);
    if (grammar_thinks(request, mode))
        fields["grammar"] = thinking_grammar(fields["grammar"].get<std::string>(), request.thinking->budget_tokens);
    ojson body{{"model", request.model}, {"messages", messages_json(request, mode, nullptr)}};
    ojson sampling = sampling_fields(request);
    for (auto& [key, value] : fields.items()) body[key] = std::move(value);
    for (auto& [key, value] : sampling.items()) body[key] = std::move(value);
    merge_extra(body, request.extra);
    return body;
}

namespace {

void write_plain_message(std::string_view role, std::string_view content, std::string& out) {
    out += R"({"role":)";
    detail::write_json_string(role, out);
    out += R"(,"content":)";
    detail::write_json_string(content, out);
    out += '}';
}

bool plain(const Message& message) {
    return message.parts.empty() && message.tool_calls.empty() && message.role != Role::tool &&
           message.reasoning.empty();
}

}  // namespace

bool OpenAIDialect::write_plain_messages(const Request& request, Mode mode, const std::string& instruction,
                                         std::string& out) const {
    const auto& messages = request.messages;
    if (!std::all_of(messages.begin(), messages.end(), plain)) return false;
    out += '[';
    std::size_t next = 0;
    if (mode == Mode::json || mode == Mode::md_json) {  // as add_schema_instruction
        if (!messages.empty() && messages.front().role == Role::system) {
            write_plain_message("system", with_instruction(messages.front().content, instruction), out);
            next = 1;
        } else {
            write_plain_message("system", instruction, out);
        }
    }
    for (std::size_t i = next; i < messages.size(); ++i) {
        if (out.back() != '[') out += ',';
        write_plain_message(to_string(messages[i].role), messages[i].content, out);
    }
    if (mode == Mode::md_json) {
        if (out.back() != '[') out += ',';
        write_plain_message("user", md_json_instruction, out);
    }
    out += ']';
    return true;
}

// The body in three pieces of text: model and messages, the mode's fields from the cache, the
// sampling fields. The keys of the three never overlap, so the pieces join as build_body's members.
std::string OpenAIDialect::write_body(const Request& request, Mode mode) const {
    // `extra` may replace any member: the DOM merges it. A grammar with a thinking block is made
    // for the request's budget, not once per type.
    if ((request.extra.is_object() && !request.extra.empty()) || grammar_thinks(request, mode))
        return Provider::write_body(request, mode);
    check_mode(mode);
    const auto text = mode_text_.find_or_make(request.response_models, mode, [&] {
        ModeText made;
        made.fields = detail::write_json(mode_fields(request.response_models, mode));
        made.fields = made.fields.substr(1, made.fields.size() - 2);  // the members, without the braces
        if (mode == Mode::json || mode == Mode::md_json)
            made.instruction = schema_instruction(prompt_schema(request.response_models.front()));
        return made;
    });
    std::string body;
    body.reserve(256 + text->fields.size() + text->instruction.size());
    body += R"({"model":)";
    detail::write_json_string(request.model, body);
    body += R"(,"messages":)";
    if (!write_plain_messages(request, mode, text->instruction, body))
        detail::write_json(messages_json(request, mode, &text->instruction), body);
    if (!text->fields.empty()) body.append(",").append(text->fields);
    const std::string sampling = detail::write_json(sampling_fields(request));
    if (sampling.size() > 2) body.append(",").append(sampling, 1, sampling.size() - 2);
    body.push_back('}');
    return body;
}

bool OpenAIDialect::retryable(const HttpError& error) const {
    const auto& d = error.details();
    for (const auto& refused : settings_.refused_errors)
        if (d.status == refused.status && d.type == refused.type) return false;
    return Provider::retryable(error);
}

bool OpenAIDialect::refuses_tool_streaming(const HttpErrorDetails& details) const {
    return !settings_.tool_stream_refusal.empty() && details.message == settings_.tool_stream_refusal;
}

Completion OpenAIDialect::decode_reply(const json& body, const HttpHeaders& headers) const {
    return decode_guarded(name(), body, [&] { return decode_checked(body, headers); });
}

void OpenAIDialect::decode_stream_event(const json& event, StreamAssembly& into) const {
    // An error can arrive inside a 200 stream in several shapes (wire-formats 0.1).
    if (const auto error = event.find("error"); error != event.end() && !error->is_null() && *error != false)
        throw_error(200, {}, dump_text(event));
    if (string_field(event, "object") == "error") throw_error(200, {}, dump_text(event));
    if (const auto groq = event.find("x_groq"); groq != event.end() && groq->is_object()) {
        if (const auto error = groq->find("error"); error != groq->end() && !error->is_null()) {
            HttpErrorDetails d;
            d.provider = name();
            d.status = 200;
            d.message = error->is_string() ? error->get<std::string>() : dump_text(*error);
            d.body = dump_text(event);
            throw_http_error(std::move(d));
        }
        if (const auto usage = groq->find("usage"); usage != groq->end() && usage->is_object())
            into.set_usage(usage_from(*usage));
    }
    if (const auto usage = event.find("usage"); usage != event.end() && usage->is_object())
        into.set_usage(usage_from(*usage));
    if (const auto id = event.find("id"); id != event.end() && id->is_string() && into.completion().request_id.empty())
        into.set_request_id(id->get<std::string>());
    if (const auto model = event.find("model");
        model != event.end() && model->is_string() && into.completion().model.empty())
        into.set_model(model->get<std::string>());

    const auto choices = event.find("choices");
    if (choices == event.end() || !choices->is_array() || choices->empty()) return;  // e.g. the usage chunk
    const json& choice = choices->front();
    if (const auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
        into.add_reasoning(reasoning_field(*delta));
        if (const auto content = delta->find("content"); content != delta->end()) {
            if (content->is_string()) {
                into.add_text(content->get_ref<const std::string&>());
            } else if (content->is_array()) {  // Mistral: content chunks, text and thinking
                for (const auto& chunk : *content) {
                    const std::string type = string_field(chunk, "type");
                    if (type == "text") into.add_text(string_field(chunk, "text"));
                    if (type == "thinking") into.add_reasoning(thinking_text(chunk));
                }
            }
        }
        if (const auto refusal = delta->find("refusal"); refusal != delta->end() && refusal->is_string())
            into.add_refusal(refusal->get_ref<const std::string&>());
        if (const auto calls = delta->find("tool_calls"); calls != delta->end() && calls->is_array()) {
            std::size_t position = 0;
            for (const auto& call : *calls) {
                const auto index = call.find("index");
                const std::size_t at =
                    index != call.end() && index->is_number_unsigned() ? index->get<std::size_t>() : position;
                ++position;
                static const json no_function = json::object();
                const auto found = call.find("function");
                const json& function = found != call.end() && found->is_object() ? *found : no_function;
                const auto arguments = function.find("arguments");
                std::string whole;  // only for arguments sent as an object, as some servers do
                std::string_view text;
                if (arguments != function.end()) {
                    if (arguments->is_string())
                        text = arguments->get_ref<const std::string&>();
                    else if (!arguments->is_null())
                        text = whole = dump_text(*arguments);
                }
                const auto name = function.find("name");
                into.add_tool_call(at, string_field(call, "id"),
                                   name != function.end() && name->is_string() ? name->get_ref<const std::string&>()
                                                                               : std::string_view(),
                                   text);
            }
        }
    }
    if (const auto finish = choice.find("finish_reason"); finish != choice.end() && !finish->is_null()) {
        if (finish->is_string() && finish->get_ref<const std::string&>() == "error") {
            HttpErrorDetails d;
            d.provider = name();
            d.status = 200;
            d.message = "the provider ended the stream with finish_reason \"error\"";
            d.body = dump_text(event);
            throw_http_error(std::move(d));
        }
        into.set_finish_reason(finish_reason_from(*finish));
    }
}

Completion OpenAIDialect::decode_checked(const json& body, const HttpHeaders& headers) const {
    Completion c;
    if (const auto error = body.find("error"); error != body.end() && !error->is_null())
        throw_error(200, headers, dump_text(body));  // an error sent with status 200
    if (string_field(body, "object") == "error") throw_error(200, headers, dump_text(body));  // vLLM's error shape
    const auto choices = body.find("choices");
    if (choices == body.end() || !choices->is_array() || choices->empty())
        throw_unexpected_reply(name(), 200, headers, dump_text(body), "JSON without \"choices\"");
    const json& choice = choices->front();
    const json message = choice.value("message", json::object());
    c.reasoning = reasoning_field(message);
    if (const auto content = message.find("content"); content != message.end()) {
        if (content->is_string()) {
            c.text = content->get<std::string>();
        } else if (content->is_array()) {  // Mistral: content chunks, text and thinking
            for (const auto& chunk : *content) {
                const std::string type = string_field(chunk, "type");
                if (type == "text") c.text += string_field(chunk, "text");
                if (type == "thinking") c.reasoning += thinking_text(chunk);
            }
        }
    }
    c.text = detail::split_thinking(c.text, c.reasoning);
    if (const auto refusal = message.find("refusal"); refusal != message.end() && refusal->is_string())
        c.refusal = refusal->get<std::string>();
    if (const auto calls = message.find("tool_calls"); calls != message.end() && calls->is_array()) {
        for (const auto& call : *calls) {
            const json function = call.value("function", json::object());
            c.tool_calls.push_back({string_field(call, "id"), string_field(function, "name"),
                                    arguments_text(function.value("arguments", json()))});
        }
    }
    c.finish_reason = finish_reason_from(choice.value("finish_reason", json()));
    if (const auto usage = body.find("usage"); usage != body.end() && usage->is_object()) c.usage = usage_from(*usage);
    c.model = string_field(body, "model");
    c.request_id = header_value(headers, "x-request-id");
    if (c.request_id.empty()) c.request_id = string_field(body.value("x_groq", json()), "id");
    if (c.request_id.empty()) c.request_id = string_field(body, "id");
    return c;
}

std::string OpenAIDialect::retry_advice(Mode mode) const {
    if (settings_.unenforced_constraints.empty() || mode == Mode::gbnf) return {};
    return std::string(settings_.unenforced_constraints);
}

}  // namespace instructor::providers
