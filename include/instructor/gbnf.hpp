#pragma once
// The GBNF grammar of T: what llama.cpp samples under, so that a model can only write JSON that
// from_json<T> accepts. Generated from the same type tree as the schema, once per type.
//
//     const std::string& grammar = instructor::gbnf<UserDetail>();   // "root ::= t-UserDetail\n..."
//
// The grammar holds every constraint GBNF can say: the members of each struct in declaration order
// (optional ones may be left out), exact integer ranges (the C++ type's and the declared ones),
// string lengths, choices, enums, patterns, item counts, nullability, and whitespace bounded so a
// model cannot pad forever. What only the parser checks (unique items, float bounds other than
// "not negative", a length and a pattern on the same string, validators) is listed in the README.

#include <string>

#include <instructor/detail/reflect/type_tree.hpp>
#include <instructor/error.hpp>

namespace instructor {

namespace detail {
/// Renders a type tree as GBNF; throws SchemaError for what a grammar cannot say and the parser
/// would then reject (a pattern using lookaround or back-references, a range with no value in it).
[[nodiscard]] std::string render_gbnf(const TypeNode& root);

template <class T>
const std::string& cached_gbnf() {
    static const std::string grammar = render_gbnf(node_of<T>());
    return grammar;
}
}  // namespace detail

/// The GBNF grammar of T's JSON, for llama.cpp's `grammar` field or its in-process sampler.
template <class T>
[[nodiscard]] const std::string& gbnf() {
    return detail::cached_gbnf<T>();
}

}  // namespace instructor
