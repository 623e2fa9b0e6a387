#pragma once
// What the fuzz targets share: reading an input (a selector byte, split points, text), reporting a
// finding, and knowing when the harness itself may copy, compare or dump a JSON value.
//
// A finding aborts, after saying what went wrong on stderr: libFuzzer then saves the input as a
// crash, and the regression replay (replay_main.cpp) fails its CTest test.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <instructor/error.hpp>

#if defined(__GNUG__)
#include <cxxabi.h>
#endif

namespace fuzz {

[[noreturn]] inline void finding(const std::string& what) {
    std::fprintf(stderr, "\n==== fuzz finding: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

// The message is built only when the check fails.
#define FUZZ_CHECK(condition, message)                                                 \
    do {                                                                               \
        if (!(condition)) ::fuzz::finding(std::string(#condition) + ": " + (message)); \
    } while (false)

/// The input, read front to back: selector bytes first, then the text.
class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

    /// The next byte, or 0 once the input is used up.
    std::uint8_t byte() {
        if (rest_.empty()) return 0;
        const auto b = static_cast<std::uint8_t>(rest_.front());
        rest_.remove_prefix(1);
        return b;
    }
    /// Everything not read yet.
    [[nodiscard]] std::string_view rest() const { return rest_; }

private:
    std::string_view rest_;
};

/// `text` cut at points derived from `seed`, so that the fuzzer chooses them: 0 cuts after every
/// byte; any other seed gives pseudo-random piece lengths from 0 (an empty feed, which must change
/// nothing) to 2 * (seed % 16) + 1.
inline std::vector<std::string_view> pieces(std::string_view text, std::uint8_t seed) {
    std::vector<std::string_view> out;
    if (seed == 0) {
        for (std::size_t i = 0; i < text.size(); ++i) out.push_back(text.substr(i, 1));
        return out;
    }
    const std::size_t longest = 2 * (seed % 16u) + 1;
    std::uint32_t state = seed * 2654435761u;
    for (std::size_t at = 0; at < text.size();) {
        state = state * 1664525u + 1013904223u;  // a plain LCG: the split only has to be repeatable
        const std::size_t length = std::min<std::size_t>((state >> 16u) % (longest + 1), text.size() - at);
        out.push_back(text.substr(at, length));
        at += length;
    }
    return out;
}

/// nlohmann's copy, comparison and dump recurse once per nesting level, so on a value nested
/// deeply enough they overflow the stack. The library may be asked to survive such input; the
/// harness only compares values when the text has at most this many '[' and '{' in all (an upper
/// bound of the depth of any JSON value inside it, wherever its strings are).
inline constexpr std::size_t kComparableBrackets = 4000;

inline bool comparable(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(),
                                                  [](char c) { return c == '[' || c == '{'; })) <= kComparableBrackets;
}

/// The type of an exception, readable ("nlohmann::json_abi_v3_11_2::detail::out_of_range").
inline std::string type_name(const std::exception& e) {
    const char* mangled = typeid(e).name();
#if defined(__GNUG__)
    int status = 0;
    char* readable = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
    if (status == 0 && readable != nullptr) {
        std::string name = readable;
        std::free(readable);
        return name;
    }
#endif
    return mangled;
}

/// Library code given untrusted bytes may throw only instructor::Error: anything else escaping
/// `run` (a nlohmann exception, std::out_of_range, ...) is a finding. Returns whether an
/// instructor::Error was thrown, after handing it to `on_error`.
template <class Run>
bool throws_only_instructor_errors(std::string_view where, Run&& run,
                                   const std::function<void(const instructor::Error&)>& on_error = {}) {
    try {
        run();
        return false;
    } catch (const instructor::Error& e) {
        if (on_error) on_error(e);
        return true;
    } catch (const std::exception& e) {
        finding(std::string(where) + " threw " + type_name(e) + ", not an instructor::Error: " + e.what());
    } catch (...) {
        finding(std::string(where) + " threw something that is not even a std::exception");
    }
}

/// Short, printable text for a finding's message.
inline std::string shown(std::string_view text, std::size_t limit = 300) {
    std::string out;
    for (const char c : text.substr(0, limit)) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x20 && b < 0x7F && c != '\\') {
            out += c;
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", b);
            out += escaped;
        }
    }
    if (text.size() > limit) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

}  // namespace fuzz
