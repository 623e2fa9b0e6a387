#pragma once
// What a struct's member `validate` takes: nothing, or a validation context (`validate(const C&)
// const`). The type tree records C for each struct, so that a client can check, before anything is
// sent, that the call gives the context its validators need; the reader (parse layer,
// instructor/validator.hpp) builds the rest of the validator rules on these.

#include <concepts>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <instructor/error.hpp>

namespace instructor::detail {

/// What a validator may return.
template <class R>
concept validator_result = std::same_as<R, std::vector<FieldError>> || std::same_as<R, std::vector<std::string>> ||
    std::same_as<R, std::string> || std::same_as<R, std::optional<std::string>>;

/// A pointer to a member function taking one argument: `unary` and, when it is const (callable on a
/// const object), `is_const`, its parameter and its result.
template <class M>
struct unary_member_signature {
    static constexpr bool unary = false;
    static constexpr bool is_const = false;
};
template <class R, class C, class P, bool N>
struct unary_member_signature<R (C::*)(P) noexcept(N)> {
    static constexpr bool unary = true;
    static constexpr bool is_const = false;
};
template <class R, class C, class P, bool N>
struct unary_member_signature<R (C::*)(P)& noexcept(N)> : unary_member_signature<R (C::*)(P)> {};
template <class R, class C, class P, bool N>
struct unary_member_signature<R (C::*)(P) const&& noexcept(N)> : unary_member_signature<R (C::*)(P)> {};
template <class R, class C, class P, bool N>
struct unary_member_signature<R (C::*)(P) const noexcept(N)> {
    static constexpr bool unary = true;
    static constexpr bool is_const = true;
    using parameter = P;
    using result = R;
};
template <class R, class C, class P, bool N>
struct unary_member_signature<R (C::*)(P) const& noexcept(N)> : unary_member_signature<R (C::*)(P) const> {};

/// The signature of T's member `validate` when it names exactly one public member function (not an
/// overload set, not a template) taking one argument.
template <class T>
struct member_validate_signature : unary_member_signature<void> {};
template <class T>
requires std::is_class_v<T> && requires { &T::validate; }
struct member_validate_signature<T> : unary_member_signature<decltype(&T::validate)> {};

/// How a validator may take its context: `const C&` for any C, or by value a C that is no class
/// (an int, an enum, a pointer); copying a class for every object read is refused.
template <class P>
concept context_parameter = std::is_same_v < P,
        const std::remove_cvref_t<P>
& > || (!std::is_reference_v<P> && !std::is_class_v<P> && !std::is_union_v<P>);

/// `validate(const C&) const` returning what a validator returns: the member validator that takes
/// a context.
template <class T>
concept has_context_member_validator =
    member_validate_signature<T>::is_const && context_parameter<typename member_validate_signature<T>::parameter> &&
    validator_result<typename member_validate_signature<T>::result>;

/// The context type that T's validator takes (void when it takes none).
template <class T>
struct validation_context_of {
    using type = void;
};
template <has_context_member_validator T>
struct validation_context_of<T> {
    using type = std::remove_cvref_t<typename member_validate_signature<T>::parameter>;
};
template <class T>
using validation_context_t = typename validation_context_of<T>::type;

}  // namespace instructor::detail
