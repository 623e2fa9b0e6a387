// Smoke test for the optional component: linked against instructor::llama from an installed
// instructor, it loads llama.cpp and reports a missing model as the error the manual promises.
#include <instructor/llama.hpp>

#include <iostream>
#include <string>

int main() {
    try {
        (void)instructor::from_llama({.model_path = "/nonexistent/model.gguf"});
    } catch (const instructor::ConfigurationError& e) {
        std::cout << e.what() << '\n';
        return std::string(e.what()).find("no model file") != std::string::npos ? 0 : 1;
    }
    std::cerr << "a missing model file was not reported\n";
    return 1;
}
