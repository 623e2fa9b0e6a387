#include "registry.hpp"

#include <array>

namespace instructor::providers {

std::span<const RegistryEntry> registry() {
    static constexpr std::array<RegistryEntry, 10> entries{{
        {"openai", &openai},
        {"groq", &groq},
        {"together", &together},
        {"anyscale", &anyscale},
        {"ollama", &ollama},
        {"ollama-native", &ollama_native},
        {"mistral", &mistral},
        {"llama-cpp", &llama_cpp},
        {"llama-cpp-python", &llama_cpp_python},
        {"openai-compatible", &openai_compatible},
    }};
    return entries;
}

}  // namespace instructor::providers
