#include <instructor/detail/reflect/names.hpp>

#include <cctype>

namespace instructor::detail {
namespace {

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

}  // namespace

namespace {

// A type spelling as a tree: "ns::Map<std::string, int>" is Map with arguments string and int.
struct TypeExpression {
    std::string name;
    std::vector<TypeExpression> arguments;
};

std::string_view trim(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

// The last component of a qualified name, looking past "::" inside parentheses ("main()::Local").
std::string_view unqualified(std::string_view name) {
    int parens = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i + 1 < name.size(); ++i) {
        if (name[i] == '(') ++parens;
        if (name[i] == ')') --parens;
        if (parens == 0 && name[i] == ':' && name[i + 1] == ':') start = i + 2;
    }
    return name.substr(start);
}

TypeExpression parse_type(std::string_view text, std::size_t& at) {
    TypeExpression expression;
    int parens = 0;
    const std::size_t begin = at;
    for (; at < text.size(); ++at) {
        const char c = text[at];
        if (c == '(') ++parens;
        if (c == ')') --parens;
        if (parens == 0 && (c == '<' || c == '>' || c == ',')) break;
    }
    expression.name = std::string(unqualified(trim(text.substr(begin, at - begin))));
    if (at < text.size() && text[at] == '<') {
        ++at;
        while (at < text.size() && text[at] != '>') {
            expression.arguments.push_back(parse_type(text, at));
            if (at < text.size() && text[at] == ',') ++at;
        }
        ++at;  // '>'
    }
    return expression;
}

// Standard-library defaults that differ between library versions say nothing about the type.
bool is_library_default(const TypeExpression& e) {
    return e.name == "allocator" || e.name == "char_traits" || e.name == "less" || e.name == "hash" ||
           e.name == "equal_to";
}

void append_identifier(const TypeExpression& e, std::string& out) {
    if (!out.empty() && out.back() != '_') out += '_';
    if (e.name == "basic_string" && !e.arguments.empty() && e.arguments.front().name == "char") {
        out += "string";
        return;
    }
    for (char c : e.name) {
        if (is_identifier_char(c))
            out += c;
        else if (!out.empty() && out.back() != '_')
            out += '_';
    }
    for (const auto& argument : e.arguments)
        if (!is_library_default(argument)) append_identifier(argument, out);
}

}  // namespace

std::string identifier_from_type_name(std::string_view raw) {
    std::size_t at = 0;
    const TypeExpression expression = parse_type(raw, at);
    std::string result;
    append_identifier(expression, result);
    while (!result.empty() && result.back() == '_') result.pop_back();
    if (result.empty() || std::isdigit(static_cast<unsigned char>(result.front())) != 0) result.insert(0, "T_");
    return result;
}

std::vector<std::string> enumerator_names_from_signature(std::string_view signature, std::size_t count) {
    std::vector<std::string> names;
    names.reserve(count);
    EnumValueList list(signature);
    for (std::size_t i = 0; i < count; ++i) names.emplace_back(list.next_name());
    return names;
}

}  // namespace instructor::detail
