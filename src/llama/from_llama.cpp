// from_llama: a Client over the in-process model. It speaks llama-server's dialect (the llama-cpp
// provider) with two differences: json_schema mode sends the type's grammar, as gbnf mode does,
// because the process has the grammar sampler and no JSON-Schema converter; and with thinking on,
// the grammar stays the type's own, since the process lets the model think before applying it.
#include <instructor/llama.hpp>

#include <instructor/error.hpp>

namespace instructor {

namespace {

class InProcessDialect final : public Provider {
public:
    [[nodiscard]] std::string_view name() const noexcept override { return "llama-in-process"; }
    [[nodiscard]] std::string_view default_base_url() const noexcept override { return "in-process://llama.cpp"; }
    [[nodiscard]] std::string_view api_key_variable() const noexcept override { return ""; }
    [[nodiscard]] Mode default_mode() const noexcept override { return Mode::json_schema; }
    [[nodiscard]] const std::vector<Mode>& supported_modes() const noexcept override { return modes_; }

    [[nodiscard]] nlohmann::ordered_json build_body(const Request& request, Mode mode) const override {
        check_mode(mode);
        if (!request.thinking) return server_.build_body(request, wire_mode(mode));
        // The type's own grammar, not the server's one with a thinking block: the process samples
        // the block freely itself, and the grammar only after it.
        Request plain = request;
        plain.thinking.reset();
        nlohmann::ordered_json body = server_.build_body(plain, wire_mode(mode));
        add_thinking(body, *request.thinking);
        return body;
    }
    [[nodiscard]] std::string write_body(const Request& request, Mode mode) const override {
        check_mode(mode);
        if (request.thinking) return Provider::write_body(request, mode);
        return server_.write_body(request, wire_mode(mode));
    }
    [[nodiscard]] Completion decode_reply(const nlohmann::json& body, const HttpHeaders& headers) const override {
        return server_.decode_reply(body, headers);
    }
    [[nodiscard]] Completion decode_reply_text(std::string_view body, const HttpHeaders& headers,
                                               const Limits& limits) const override {
        return server_.decode_reply_text(body, headers, limits);
    }
    void decode_stream_event(const nlohmann::json& event, StreamAssembly& into) const override {
        server_.decode_stream_event(event, into);
    }
    [[nodiscard]] bool decode_stream_text(std::string_view event, StreamAssembly& into) const override {
        return server_.decode_stream_text(event, into);
    }
    // Nothing the process answers changes by asking again: a failure is a bug or a bad request.
    [[nodiscard]] bool retryable(const HttpError&) const override { return false; }

protected:
    [[nodiscard]] std::string unsupported_reason(Mode mode) const override {
        return is_tool_mode(mode) ? " (tool calls need a chat template's tool-call parser, which runs in llama-server)"
                                  : "";
    }

private:
    static Mode wire_mode(Mode mode) noexcept { return mode == Mode::json_schema ? Mode::gbnf : mode; }

    // Request::thinking as llama-server takes it, which is what the process reads.
    static void add_thinking(nlohmann::ordered_json& body, const Thinking& thinking) {
        if (thinking.effort)
            throw ConfigurationError(
                "llama-in-process has no thinking effort (Thinking::effort): bound the thinking "
                "with Thinking::budget_tokens");
        if (thinking.budget_tokens && *thinking.budget_tokens < 1)
            throw ConfigurationError("Thinking::budget_tokens must be at least 1 (Thinking::off() turns thinking off)");
        if (!thinking.enabled && thinking.budget_tokens)
            throw ConfigurationError("Thinking::off() with an effort or a budget: thinking is either off or bounded");
        body["chat_template_kwargs"] = {{"enable_thinking", thinking.enabled}};
        if (thinking.budget_tokens) body["reasoning_budget_tokens"] = *thinking.budget_tokens;
    }

    const Provider& server_ = provider("llama-cpp");
    std::vector<Mode> modes_{Mode::json_schema, Mode::gbnf, Mode::json, Mode::md_json};
};

const Provider& in_process_dialect() {
    static const InProcessDialect instance;
    return instance;
}

}  // namespace

Client from_llama(LlamaOptions options, Mode mode, ClientOptions client) {
    return from_llama(std::shared_ptr<const LlamaModel>(LlamaModel::load(std::move(options))), mode, std::move(client));
}

Client from_llama(std::shared_ptr<const LlamaModel> model, Mode mode, ClientOptions client) {
    if (!model) throw ConfigurationError("from_llama: no model");
    Transport in_process = [model = std::move(model)](const HttpRequest& request) { return model->chat(request); };
    client.base_url.clear();
    client.api_key.clear();
    return Client(in_process_dialect(), mode, std::move(client), std::move(in_process));
}

}  // namespace instructor
