// Tokens per second and time to the first token of a model run in the process, beside a bare
// llama.cpp loop (the floor) and, when a server is named, llama-server over HTTP.
//
//     ./build/release/tests/bench_llama MODEL.gguf [tokens] [runs]      (default 400 tokens, 5 runs)
//     INSTRUCTOR_LLAMA_SERVER_URL=http://127.0.0.1:PORT ./build/release/tests/bench_llama MODEL.gguf
//
// Every row samples the same prompt with the same seed and sampler settings (llama-server's
// defaults, temperature 1) on one thread, streaming, and runs until `tokens` tokens or the end:
//   floor            llama_decode + llama_sampler_sample in a loop; no template, JSON or events
//   in-process free  LlamaModel::chat, no grammar (json / md_json modes)
//   in-process gbnf  LlamaModel::chat under gbnf<Story>() (json_schema / gbnf modes)
//   server ...       the same two through llama-server's /v1/chat/completions (json_schema: the
//                    server's own converter; gbnf: our grammar in its `grammar` field)
// Story's grammar lets the model write lines until the token limit, so each row decodes about as
// many tokens. Figures are medians over the runs; the first token includes the prompt's decoding.

#include <llama.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <instructor/gbnf.hpp>
#include <instructor/instructor.hpp>
#include <instructor/llama.hpp>

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Story {
    std::vector<std::string> lines;
};

const char* const kPrompt = "Tell me a story, one line at a time.";
constexpr std::uint32_t kSeed = 1234;

struct Run {
    double first_token_ms = 0;
    int tokens = 0;
    double seconds = 0;
};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// The floor: llama.cpp's own loop with the same sampler chain, the prompt as chatml text.
Run bare_llama(const char* path, int max_tokens) {
    static llama_model* model = [&] {
        llama_log_set([](ggml_log_level, const char*, void*) {}, nullptr);
        llama_backend_init();
        return llama_model_load_from_file(path, llama_model_default_params());
    }();
    const llama_vocab* vocab = llama_model_get_vocab(model);
    auto params = llama_context_default_params();
    params.n_ctx = 4096;
    params.n_threads = params.n_threads_batch = 1;
    llama_context* ctx = llama_init_from_model(model, params);
    llama_sampler* chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
    llama_sampler_chain_add(chain, llama_sampler_init_top_k(40));
    llama_sampler_chain_add(chain, llama_sampler_init_top_p(0.95f, 1));
    llama_sampler_chain_add(chain, llama_sampler_init_min_p(0.05f, 1));
    llama_sampler_chain_add(chain, llama_sampler_init_temp(1.0f));
    llama_sampler_chain_add(chain, llama_sampler_init_dist(kSeed));

    const std::string prompt = std::string("<|im_start|>user\n") + kPrompt + "<|im_end|>\n<|im_start|>assistant\n";
    Run run;
    const auto start = Clock::now();
    std::vector<llama_token> tokens(prompt.size() + 8);
    tokens.resize(static_cast<std::size_t>(llama_tokenize(vocab, prompt.data(), static_cast<int>(prompt.size()),
                                                          tokens.data(), static_cast<int>(tokens.size()), true, true)));
    llama_decode(ctx, llama_batch_get_one(tokens.data(), static_cast<int>(tokens.size())));
    char piece[128];
    for (; run.tokens < max_tokens; ++run.tokens) {
        llama_token token = llama_sampler_sample(chain, ctx, -1);
        if (run.tokens == 0) run.first_token_ms = ms_since(start);
        if (llama_vocab_is_eog(vocab, token)) break;
        (void)llama_token_to_piece(vocab, token, piece, sizeof piece, 0, false);
        llama_decode(ctx, llama_batch_get_one(&token, 1));
    }
    run.seconds = ms_since(start) / 1000.0;
    llama_sampler_free(chain);
    llama_free(ctx);
    return run;
}

json chat_body(int max_tokens) {
    return {{"model", "stories260K"},
            {"messages", {{{"role", "user"}, {"content", kPrompt}}}},
            {"seed", kSeed},
            {"temperature", 1.0},
            {"max_tokens", max_tokens},
            {"stream", true},
            {"stream_options", {{"include_usage", true}}},
            {"cache_prompt", false}};
}

// One streamed call through a transport: the first content event's time, and the usage reported.
Run streamed(const instructor::Transport& transport, const std::string& url, const json& body) {
    Run run;
    const auto start = Clock::now();
    std::string pending;
    const auto reply = transport({.url = url,
                                  .headers = {{"Content-Type", "application/json"}},
                                  .body = body.dump(),
                                  .on_chunk = [&](std::string_view chunk) {
                                      pending += chunk;
                                      std::size_t end;
                                      while ((end = pending.find("\n\n")) != std::string::npos) {
                                          const std::string event = pending.substr(0, end);
                                          pending.erase(0, end + 2);
                                          if (event.rfind("data: {", 0) != 0) continue;
                                          const auto chunk_json = json::parse(event.substr(6));
                                          const auto& choices = chunk_json["choices"];
                                          if (run.first_token_ms == 0 && !choices.empty() &&
                                              choices[0]["delta"].value("content", json()).is_string())
                                              run.first_token_ms = ms_since(start);
                                          if (chunk_json.contains("usage") && chunk_json["usage"].is_object())
                                              run.tokens = chunk_json["usage"].value("completion_tokens", 0);
                                      }
                                      return true;
                                  }});
    run.seconds = ms_since(start) / 1000.0;
    if (reply.status != 200) {
        std::fprintf(stderr, "bench_llama: HTTP %d: %s\n", reply.status, reply.body.substr(0, 300).c_str());
        std::exit(1);
    }
    return run;
}

template <class F>
void row(const char* name, int runs, F&& once) {
    std::vector<Run> all;
    (void)once();  // warm up: the first context's buffers, the server's first request
    for (int i = 0; i < runs; ++i) all.push_back(once());
    auto median = [&](auto key) {
        std::vector<double> values;
        for (const auto& r : all) values.push_back(key(r));
        std::sort(values.begin(), values.end());
        return values[values.size() / 2];
    };
    const double ttft = median([](const Run& r) { return r.first_token_ms; });
    const double rate = median([](const Run& r) { return r.tokens / r.seconds; });
    const double tokens = median([](const Run& r) { return static_cast<double>(r.tokens); });
    std::printf("%-34s %9.0f %10.2f %12.0f\n", name, tokens, ttft, rate);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_llama MODEL.gguf [tokens] [runs]\n");
        return 2;
    }
    const char* path = argv[1];
    const int max_tokens = argc > 2 ? std::atoi(argv[2]) : 400;
    const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
    const auto model = instructor::LlamaModel::load({.model_path = path, .threads = 1, .chat_template = "chatml"});
    const instructor::Transport in_process = [&](const instructor::HttpRequest& r) { return model->chat(r); };

    json free_body = chat_body(max_tokens);
    json gbnf_body = chat_body(max_tokens);
    gbnf_body["grammar"] = instructor::gbnf<Story>();

    std::printf("%d tokens at most, median of %d runs, one thread\n", max_tokens, runs);
    std::printf("%-34s %9s %10s %12s\n", "", "tokens", "first ms", "tokens/s");
    row("floor: bare llama.cpp loop", runs, [&] { return bare_llama(path, max_tokens); });
    row("in-process, free (json, md_json)", runs, [&] { return streamed(in_process, "", free_body); });
    row("in-process, gbnf<T>() (json_schema)", runs, [&] { return streamed(in_process, "", gbnf_body); });

    if (const char* server = std::getenv("INSTRUCTOR_LLAMA_SERVER_URL")) {
        const auto http = instructor::curl_transport();
        const std::string url = std::string(server) + "/v1/chat/completions";
        json schema_body = chat_body(max_tokens);
        schema_body["response_format"] = {
            {"type", "json_schema"},
            {"json_schema", {{"name", "Story"}, {"schema", *instructor::response_model<Story>().schema}}}};
        row("llama-server HTTP, free", runs, [&] { return streamed(http, url, free_body); });
        row("llama-server HTTP, json_schema", runs, [&] { return streamed(http, url, schema_body); });
        row("llama-server HTTP, gbnf<T>() field", runs, [&] { return streamed(http, url, gbnf_body); });
    } else {
        std::printf("(no INSTRUCTOR_LLAMA_SERVER_URL: the llama-server rows are skipped)\n");
    }
}
