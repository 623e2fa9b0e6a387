#pragma once
// Whether a call gives the validation context its type's validators need. A missing context, or
// one of another type, is a programming error (a ConfigurationError), never a model error: no
// re-ask can fix it. The reader checks each struct as it runs its validator; a client checks the
// whole type once, before anything is sent. The walk and the messages are compiled once in src/.

#include <typeinfo>
#include <vector>

#include <instructor/detail/reflect/type_tree.hpp>
#include <instructor/validation_context.hpp>

namespace instructor::detail {

/// Every context type the validators of `root` and of everything it holds need (fields, elements,
/// alternatives, annotated values; recursive types included), each once, in the order found.
/// Empty when no validator takes a context.
[[nodiscard]] std::vector<const std::type_info*> contexts_needed(const TypeNode& root);

/// contexts_needed(node_of<T>()), computed once per T.
template <class T>
[[nodiscard]] const std::vector<const std::type_info*>& contexts_needed_of() {
    static const std::vector<const std::type_info*> needed = contexts_needed(node_of<T>());
    return needed;
}

/// Throws the ConfigurationError for a `given` context that is not what `needed` (contexts_needed(root))
/// asks for, naming the structs whose validators need which context type and how to give it.
[[noreturn]] void throw_validation_context_error(const TypeNode& root, const std::vector<const std::type_info*>& needed,
                                                 const ValidationContext& given);

/// The check a client makes once per call, before sending: `needed` is contexts_needed(root),
/// cached per type (contexts_needed_of<T>()). Costs one emptiness test when no validator needs a
/// context.
inline void check_validation_context(const TypeNode& root, const std::vector<const std::type_info*>& needed,
                                     const ValidationContext& given) {
    if (needed.empty()) return;
    if (needed.size() == 1 && given.type() == *needed.front()) return;
    throw_validation_context_error(root, needed, given);
}

/// check_validation_context for T, with its needed contexts cached.
template <class T>
void check_validation_context_of(const ValidationContext& given) {
    check_validation_context(node_of<T>(), contexts_needed_of<T>(), given);
}

/// The reader's check, for one struct (`node`) whose validator needs a `needed`: throws the same
/// ConfigurationError.
[[noreturn]] void throw_struct_context_error(const TypeNode& node, const std::type_info& needed,
                                             const ValidationContext& given);

}  // namespace instructor::detail
