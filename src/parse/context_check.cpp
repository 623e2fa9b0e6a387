#include <instructor/detail/parse/context_check.hpp>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>

#if __has_include(<cxxabi.h>)
#include <cxxabi.h>
#define INSTRUCTOR_HAS_CXXABI 1
#endif

#include <instructor/error.hpp>

namespace instructor::detail {
namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// The type as a reader writes it: "std::string", "app::Minutes" (type_info::name() is mangled on
// GCC and clang).
std::string readable_name(const std::type_info& type) {
    std::string name = type.name();
#ifdef INSTRUCTOR_HAS_CXXABI
    int status = 0;
    const std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status),
                                                           std::free);
    if (status == 0 && demangled) name = demangled.get();
#endif
    replace_all(name, "std::__cxx11::", "std::");
    replace_all(name, "std::__1::", "std::");
    for (std::string_view spelled : {"std::basic_string<char, std::char_traits<char>, std::allocator<char> >",
                                     "std::basic_string<char, std::char_traits<char>, std::allocator<char>>"})
        replace_all(name, spelled, "std::string");
    for (std::string_view spelled : {"std::basic_string_view<char, std::char_traits<char> >",
                                     "std::basic_string_view<char, std::char_traits<char>>"})
        replace_all(name, spelled, "std::string_view");
    return name;
}

// Every node reachable from root, each once, in the order first reached.
template <class Visit>
void walk(const TypeNode& root, Visit visit) {
    std::unordered_set<const TypeNode*> seen;
    std::vector<const TypeNode*> pending{&root};
    while (!pending.empty()) {
        const TypeNode* node = pending.back();
        pending.pop_back();
        if (!seen.insert(node).second) continue;
        visit(*node);
        // Pushed in reverse, so that fields and alternatives are visited in declaration order.
        for (auto it = node->alternatives.rbegin(); it != node->alternatives.rend(); ++it) pending.push_back(&(*it)());
        for (auto it = node->fields.rbegin(); it != node->fields.rend(); ++it) pending.push_back(&it->type());
        if (node->element != nullptr) pending.push_back(&node->element());
    }
}

// "Action's validator" or "the validators of Action, Meeting and Plan"
std::string whose_validators(const std::vector<std::string>& names) {
    if (names.size() == 1) return names.front() + "'s validator";
    std::string text = "the validators of ";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) text += i + 1 == names.size() ? " and " : ", ";
        text += names[i];
    }
    return text;
}

std::vector<std::string> structs_needing(const TypeNode& root, const std::type_info& context) {
    std::vector<std::string> names;
    walk(root, [&](const TypeNode& node) {
        if (node.validation_context != nullptr && *node.validation_context == context) names.push_back(node.name);
    });
    return names;
}

[[noreturn]] void throw_missing(const std::vector<std::string>& names, const std::type_info& needed,
                                const ValidationContext& given) {
    const std::string type = readable_name(needed);
    std::string message = whose_validators(names) + (names.size() == 1 ? " needs" : " need") +
                          " a validation context of type " + type + ", and the call gave ";
    message += given.has_value() ? "one of type " + readable_name(given.type()) : std::string("none");
    message += ". Give a " + type +
               " as ParseOptions::context for from_json (`{.context = value}`), or as Request::context / "
               "ExtractOptions::context for a client call";
    throw ConfigurationError(message);
}

}  // namespace

std::vector<const std::type_info*> contexts_needed(const TypeNode& root) {
    std::vector<const std::type_info*> needed;
    walk(root, [&](const TypeNode& node) {
        if (node.validation_context == nullptr) return;
        for (const auto* known : needed)
            if (*known == *node.validation_context) return;
        needed.push_back(node.validation_context);
    });
    return needed;
}

void throw_validation_context_error(const TypeNode& root, const std::vector<const std::type_info*>& needed,
                                    const ValidationContext& given) {
    if (needed.size() > 1) {
        // One call gives one context, so no call can give these validators what they need.
        std::string which;
        for (const auto* type : needed) {
            if (!which.empty()) which += "; ";
            which += whose_validators(structs_needing(root, *type)) + " takes " + readable_name(*type);
        }
        throw ConfigurationError("validators in one type need validation contexts of different types (" + which +
                                 "), and a call gives one context. Make them take the same type, e.g. a struct "
                                 "holding what each needs");
    }
    for (const auto* type : needed)
        if (given.type() != *type) throw_missing(structs_needing(root, *type), *type, given);
    throw std::logic_error("throw_validation_context_error: the context given is the one needed");
}

void throw_struct_context_error(const TypeNode& node, const std::type_info& needed, const ValidationContext& given) {
    throw_missing({node.name}, needed, given);
}

}  // namespace instructor::detail
