#pragma once
// Validators: checks that belong to a type, run after it has been read from JSON.
//
// Give the struct a `validate() const` member, or write a free `validate(const T&)` beside the type
// (found by argument-dependent lookup, so it works for types you cannot change). It returns what is
// wrong, as any of:
//   std::vector<instructor::FieldError>   errors with pointers relative to the object ("/end", or "")
//   std::vector<std::string>              messages about the whole object
//   std::string / std::optional<std::string>   one message; empty / nullopt means valid
// An exception derived from std::exception thrown by a validator counts as one message.
//
//     struct Meeting {
//         std::string title;
//         int start_hour, end_hour;
//         std::vector<instructor::FieldError> validate() const {
//             if (end_hour <= start_hour) return {{"/end_hour", "must be after start_hour"}};
//             return {};
//         }
//     };
//
// A validator runs only when its object parsed without errors, and its errors join the parse
// errors in the same ValidationError, so the re-ask loop feeds them back to the model.
//
// A validator that needs more than the object (the text the answer was drawn from, a list of
// allowed names) takes a context: a member `validate(const C& context) const`, with C the type of
// what the call gives as ParseOptions::context (from_json) or Request::context (a client call):
//
//     struct Minutes { std::string text; };
//     struct Action {
//         std::string owner;
//         std::optional<std::string> validate(const Minutes& minutes) const {
//             if (minutes.text.find(owner) == std::string::npos) return "the owner must be named in the minutes";
//             return std::nullopt;
//         }
//     };
//     auto action = instructor::from_json<Action>(reply, {.context = Minutes{text}});
//
// A call without that context, or with one of another type, is a programming error: it throws
// instructor::ConfigurationError naming the type and the context it needs (a client, before it
// sends anything), and the model is never re-asked for it. A validator has one form: an
// overloaded or template `validate`, a context taken by non-const reference or (a class) by value,
// and a free `validate(const T&, const C&)` (never called: make it a member) do not compile.

#include <concepts>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <instructor/detail/reflect/validator_signature.hpp>
#include <instructor/error.hpp>

namespace instructor::detail {

template <class T>
concept has_member_validator = requires(const T& value) {
    { value.validate() } -> validator_result;
};

template <class T>
concept has_free_validator = requires(const T& value) {
    { validate(value) } -> validator_result;
};

template <class T>
concept has_validator = has_member_validator<T> || has_context_member_validator<T> || has_free_validator<T>;

// A member named `validate` of any kind (any signature, overloaded, a data member) is found by
// making the name ambiguous: if T declares it, `validate` in a class derived from T and from
// validate_probe names two members and cannot be used.
struct validate_probe {
    void validate();
};
template <class T>
struct validate_name_detector : T, validate_probe {};

template <class T>
concept declares_member_validate = std::is_class_v<T> &&
    (std::is_final_v<T> ? requires { &T::validate; } : !requires { &validate_name_detector<T>::validate; });

// A data member named `validate` is a field like any other (a JSON property), not a hook.
template <class T>
concept validate_is_field = requires {
    &T::validate;
}
&&std::is_member_object_pointer_v<decltype(&T::validate)>;

// A free `validate` that ADL finds for T but that cannot be called on a const T, or returns
// something else.
template <class T>
concept declares_free_validate = requires(T& value) {
    validate(value);
}
|| requires(const T& value) { validate(value); };

/// True when everything named `validate` for T is a validator the library runs (with a context or not).
/// Anything else would compile and never run, so read_struct refuses it.
template <class T>
inline constexpr bool validator_is_callable =
    (!declares_member_validate<T> || validate_is_field<T> || has_member_validator<T> ||
     has_context_member_validator<T>)&&(!declares_free_validate<T> || has_free_validator<T> ||
                                        has_member_validator<T> || has_context_member_validator<T>);

// An argument that converts to anything: finds a free `validate(const T&, const C&)` for any C.
struct any_context_probe {
    template <class C>
    operator C&() const;  // NOLINT(google-explicit-constructor): never defined, only asked about
};

// A member `validate` that is not one function: an overload set, a template, or (the name lookup
// cannot tell) one that is not public. (A final class cannot be probed for these.)
template <class T>
concept member_validate_not_one_function = declares_member_validate<T> && !std::is_final_v<T> && !requires {
    &T::validate;
};

// `validate(P) const` returning what a validator returns, with a P that no context may be (see
// context_parameter): a non-const or rvalue reference, or a class by value.
template <class T>
concept context_member_validator_in_other_form =
    member_validate_signature<T>::is_const && validator_result<typename member_validate_signature<T>::result> &&
    !context_parameter<typename member_validate_signature<T>::parameter>;

/// Every form a struct's `validate` may take, and those refused at compile time.
enum class ValidatorForm : unsigned char {
    none,                 // no validator
    member,               // std::optional<std::string> validate() const
    member_with_context,  // std::optional<std::string> validate(const C& context) const
    free,                 // std::optional<std::string> validate(const T&), found by ADL
    // refused:
    free_with_context,            // validate(const T&, const C&): the library never passes a context to one
    not_one_function,             // overloaded, a template, or not public
    context_not_const_reference,  // validate(C& context) const, validate(C&& context) const
    context_class_by_value,       // validate(C context) const for a class C: a copy for every object read
    not_a_validator,              // any other signature: never called
};

template <class T>
consteval ValidatorForm validator_form() {
    if constexpr (requires(const T& value, const any_context_probe& probe) { validate(value, probe); })
        return ValidatorForm::free_with_context;
    else if constexpr (member_validate_not_one_function<T>)
        return ValidatorForm::not_one_function;
    else if constexpr (has_context_member_validator<T>)
        return ValidatorForm::member_with_context;
    else if constexpr (context_member_validator_in_other_form<T>) {
        using P = typename member_validate_signature<T>::parameter;
        if constexpr (std::is_reference_v<P>)
            return ValidatorForm::context_not_const_reference;
        else
            return ValidatorForm::context_class_by_value;
    } else if constexpr (!validator_is_callable<T>)
        return ValidatorForm::not_a_validator;
    else if constexpr (has_member_validator<T>)
        return ValidatorForm::member;
    else if constexpr (has_free_validator<T>)
        return ValidatorForm::free;
    else
        return ValidatorForm::none;
}

/// Runs T's validator taking no context.
template <class T>
auto run_validator(const T& value) {
    if constexpr (has_member_validator<T>)
        return value.validate();
    else
        return validate(value);
}

}  // namespace instructor::detail
