#pragma once
// The table of built-in providers. Each provider file defines one accessor declared here.

#include <span>
#include <string_view>

#include <instructor/provider.hpp>

namespace instructor::providers {

struct RegistryEntry {
    std::string_view name;
    const Provider& (*get)();
};

[[nodiscard]] std::span<const RegistryEntry> registry();

const Provider& openai();
const Provider& groq();
const Provider& together();
const Provider& anyscale();
const Provider& ollama();
const Provider& ollama_native();
const Provider& mistral();
const Provider& llama_cpp();
const Provider& llama_cpp_python();
const Provider& openai_compatible();

}  // namespace instructor::providers
