// Patterns as grammar-based servers (llama.cpp's JSON-Schema converter) can use them: anchored, and
// unable to let a raw quote, backslash or control character into a JSON string.

#include "catch.hpp"

#include <regex>
#include <string>

#include <instructor/detail/reflect/grammar_pattern.hpp>

using instructor::detail::grammar_safe_pattern;

namespace {

bool search(const std::string& pattern, const std::string& text) {
    return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
}

}  // namespace

TEST_CASE("an unanchored pattern is anchored with any JSON-safe characters around it") {
    CHECK(grammar_safe_pattern("@") == R"(^[^"\\\x00-\x1F]*@[^"\\\x00-\x1F]*$)");
    CHECK(grammar_safe_pattern("^INV-") == R"(^INV-[^"\\\x00-\x1F]*$)");
    CHECK(grammar_safe_pattern("-[0-9]+$") == R"(^[^"\\\x00-\x1F]*-[0-9]+$)");
    CHECK(grammar_safe_pattern("^[0-9]{5}$") == "^[0-9]{5}$");
}

TEST_CASE("negated classes, dots and shorthand classes cannot produce a quote or a control character") {
    CHECK(grammar_safe_pattern(R"(^[^@\s]+@[^@\s]+\.[a-z]{2,}$)") ==
          R"(^[^@ "\\\x00-\x1F]+@[^@ "\\\x00-\x1F]+\.[a-z]{2,}$)");
    CHECK(grammar_safe_pattern("^a.b$") == R"(^a[^"\\\x00-\x1F]b$)");
    CHECK(grammar_safe_pattern(R"(^\d{3}-\w+\s\S$)") == R"(^[0-9]{3}-[a-zA-Z0-9_]+[ ][^ "\\\x00-\x1F]$)");
    CHECK(grammar_safe_pattern(R"(^[\d.]+$)") == R"(^[0-9.]+$)");
    CHECK(grammar_safe_pattern(R"(^a\.b\$$)") == R"(^a\.b\$$)");  // escapes stay escapes
}

TEST_CASE("alternatives keep their own anchors") {
    CHECK(grammar_safe_pattern("^a$|b") == R"(^(a|[^"\\\x00-\x1F]*(b)[^"\\\x00-\x1F]*)$)");
    CHECK(grammar_safe_pattern("^(a|b)$") == "^(a|b)$");  // a group is not a top-level alternative
}

TEST_CASE("what the rewritten pattern accepts, the original accepts too") {
    const char* patterns[] = {"@", R"(^[^@\s]+@[^@\s]+\.[a-z]{2,}$)", "^a.b$", R"(\d{2})", "^x$|y", "^INV-[0-9]+$"};
    const char* texts[] = {"a@b.io", "@", "x", "axb", "a\"b", "12", "y", "zy", "INV-12", "a b@c.de", "a\nb", ""};
    for (const char* pattern : patterns) {
        const std::string safe = grammar_safe_pattern(pattern);
        INFO(pattern << " -> " << safe);
        REQUIRE_NOTHROW(std::regex(safe, std::regex::ECMAScript));
        for (const char* text : texts) {
            INFO("text " << text);
            if (search(safe, text)) CHECK(search(pattern, text));
            // Nothing a JSON string needs an escape for gets through.
            if (std::string(text).find_first_of("\"\\\n") != std::string::npos) CHECK_FALSE(search(safe, text));
        }
    }
}
