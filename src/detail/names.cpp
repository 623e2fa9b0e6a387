#include <instructor/detail/names.hpp>

#include <cctype>

namespace instructor::detail {
namespace {

bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

}  // namespace

std::string identifier_from_type_name(std::string_view raw) {
    // Split at template punctuation; in each piece keep what follows the last "::" (drops namespaces,
    // enclosing functions such as "main()::" and "{anonymous}::"); then join with '_'.
    std::string result;
    std::size_t start = 0;
    auto flush_piece = [&](std::size_t end) {
        std::string_view piece = raw.substr(start, end - start);
        if (const auto colons = piece.rfind("::"); colons != std::string_view::npos) piece.remove_prefix(colons + 2);
        for (char c : piece) {
            if (is_identifier_char(c))
                result += c;
            else if (!result.empty() && result.back() != '_')
                result += '_';
        }
        if (!result.empty() && result.back() != '_') result += '_';
    };
    int parens = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c == '(') ++parens;
        if (c == ')') --parens;
        if (parens == 0 && (c == '<' || c == '>' || c == ',' || c == ' ')) {
            flush_piece(i);
            start = i + 1;
        }
    }
    flush_piece(raw.size());
    while (!result.empty() && result.back() == '_') result.pop_back();
    if (result.empty() || std::isdigit(static_cast<unsigned char>(result.front())) != 0) result.insert(0, "T_");
    return result;
}

std::vector<std::string> enumerator_names_from_signature(std::string_view signature, std::size_t count) {
    // GCC: "... [with auto ...Values = {Color::red, (Color)1, ns::p_a}]"; clang: "[Values = <Color::red, (Color)1>]".
    std::vector<std::string> names;
    names.reserve(count);
    auto open = signature.find("Values = ");
    if (open == std::string_view::npos) return std::vector<std::string>(count);
    open = signature.find_first_of("{<", open);
    std::size_t i = open + 1;
    while (names.size() < count && i < signature.size()) {
        while (i < signature.size() && signature[i] == ' ') ++i;
        // One entry runs to the next ',' (or the closing bracket) outside any nesting.
        int depth = 0;
        const std::size_t begin = i;
        for (; i < signature.size(); ++i) {
            const char c = signature[i];
            if (c == '(' || c == '<' || c == '[' || c == '{') ++depth;
            if (c == ')' || c == '>' || c == ']' || c == '}') {
                if (depth == 0) break;
                --depth;
            }
            if (c == ',' && depth == 0) break;
        }
        std::string_view entry = signature.substr(begin, i - begin);
        ++i;  // past ',' or the closing bracket
        // A value that is not an enumerator prints as a cast, "(Type)3", or as a bare number.
        if (entry.empty() || entry.front() == '(' || entry.front() == '-' ||
            std::isdigit(static_cast<unsigned char>(entry.front())) != 0) {
            names.emplace_back();
            continue;
        }
        if (const auto colons = entry.rfind("::"); colons != std::string_view::npos) entry.remove_prefix(colons + 2);
        names.emplace_back(entry);
    }
    names.resize(count);
    return names;
}

}  // namespace instructor::detail
