#pragma once
// A string pattern as grammar-based servers can use it. llama.cpp's JSON-Schema converter (and the
// copies of it inside other servers) turns `pattern` into grammar rules for the characters between
// a JSON string's quotes, and it reads patterns differently from JSON Schema:
//   - it refuses a pattern that does not start with ^ and end with $ (JSON Schema searches);
//   - it copies character classes into the grammar as they are, so `[^@]` and `.` let the model
//     write a raw `"` or a control character (the reply is no longer JSON), and `\s` inside a class
//     is a grammar syntax error (the Jul 2026 server answers 400, the Feb 2025 one drops the grammar
//     and samples unconstrained text).
// The rewritten pattern matches a subset of what the original matches (the parser still checks the
// original), written only with what the converter understands.

#include <string>
#include <string_view>

namespace instructor::detail {

/// `pattern` anchored at both ends (an unanchored part may be surrounded by any characters), with
/// `.`, negated classes and `\d \w \s` (and their negations) spelled as explicit character sets
/// that exclude `"`, `\` and control characters.
[[nodiscard]] std::string grammar_safe_pattern(std::string_view pattern);

}  // namespace instructor::detail
