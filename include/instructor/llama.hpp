#pragma once
// A model in the process: llama.cpp linked in, no server and no network. Part of the optional
// component instructor::llama, built when CMake finds llama.cpp (see the README).
//
//     auto client = instructor::from_llama({.model_path = "model.gguf"});
//     UserDetail user = client.create<UserDetail>({
//         .messages = {instructor::user("Jason is 30 years old")},
//     });
//
// In json_schema mode (the default) and gbnf mode, sampling runs under the type's own grammar
// (gbnf<T>()), so the reply has the type's shape token by token; json and md_json ask in the prompt
// and sample freely. Tool modes are not offered: they need a chat template's tool-call parser.
//
// A model that thinks is free to think and strict to answer: when the chat template leaves a
// <think> block open at the end of the prompt, or the model opens one as its first token, the block
// is sampled freely (the turn cannot end inside it) and the grammar starts after </think>; at
// Request::thinking's budget_tokens the closing tag is forced. The reasoning comes back apart from
// the answer (Completion::reasoning, reasoning_content on the wire). Thinking::off() closes a block
// the template opened at once, and lets the model open none.

#include <memory>
#include <string>
#include <string_view>

#include <instructor/client.hpp>

namespace instructor {

struct LlamaOptions {
    std::string model_path{};  // a GGUF file
    /// Tokens one call may hold, prompt and reply together. A longer prompt is an HttpError 400
    /// (exceed_context_size_error), as llama-server answers. 0: the model's training context.
    int context_size = 4096;
    int threads = 0;  // 0: the machine's hardware threads
    /// "" : the template in the model file, else chatml. Otherwise a name llama.cpp knows
    /// ("chatml", "llama3", "mistral-v7", ...) or a template's text that llama.cpp recognises.
    std::string chat_template{};
    /// Calls decoding at once on this model, each with its own context (KV cache: memory grows
    /// with context_size). Further calls wait for a free context. Contexts are kept and reused.
    int max_contexts = 1;
    bool log = false;  // llama.cpp's own log lines to stderr
};

/// A loaded GGUF model, shared by every client and thread that uses it. Load once; it is freed
/// with the last client that holds it.
class LlamaModel {
public:
    /// Loads the model. Throws ConfigurationError when the file is missing or llama.cpp refuses it
    /// (with llama.cpp's reason), or when the chat template is one llama.cpp does not know.
    [[nodiscard]] static std::shared_ptr<LlamaModel> load(LlamaOptions options);

    ~LlamaModel();
    LlamaModel(const LlamaModel&) = delete;
    LlamaModel& operator=(const LlamaModel&) = delete;

    /// Why llama.cpp's grammar parser rejects this GBNF text, or "" when it accepts it.
    [[nodiscard]] std::string grammar_error(std::string_view gbnf) const;

    /// Runs one OpenAI-format chat request (llama-server's dialect: `grammar`, `response_format`,
    /// max_tokens, stop, seed, temperature, top_p, stream, chat_template_kwargs.enable_thinking,
    /// reasoning_budget_tokens) in the process. This is the transport a
    /// from_llama client uses; a streamed reply comes as server-sent events through
    /// request.on_chunk, a token at a time.
    [[nodiscard]] HttpResponse chat(const HttpRequest& request) const;

    [[nodiscard]] const LlamaOptions& options() const noexcept;
    [[nodiscard]] const std::string& chat_template() const noexcept;  // the one in use

    struct Impl;

private:
    explicit LlamaModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// A client whose calls run the model in the process. Modes: json_schema (the default: sampled
/// under gbnf<T>()), gbnf (the same), json and md_json (free sampling). `client` sets retries,
/// hooks, limits and parsing; its transport and URL settings are not used.
[[nodiscard]] Client from_llama(LlamaOptions options, Mode mode = Mode::json_schema, ClientOptions client = {});
/// The same over a model already loaded, so several clients share one copy of its weights.
[[nodiscard]] Client from_llama(std::shared_ptr<const LlamaModel> model, Mode mode = Mode::json_schema,
                                ClientOptions client = {});

}  // namespace instructor
