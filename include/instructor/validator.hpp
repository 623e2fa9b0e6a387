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

#include <concepts>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <instructor/error.hpp>

namespace instructor::detail {

template <class R>
concept validator_result = std::same_as<R, std::vector<FieldError>> || std::same_as<R, std::vector<std::string>> ||
                           std::same_as<R, std::string> || std::same_as<R, std::optional<std::string>>;

template <class T>
concept has_member_validator = requires(const T& value) {
    { value.validate() } -> validator_result;
};

template <class T>
concept has_free_validator = requires(const T& value) {
    { validate(value) } -> validator_result;
};

template <class T>
concept has_validator = has_member_validator<T> || has_free_validator<T>;

// A member named `validate` of any kind (any signature, overloaded, a data member) is found by
// making the name ambiguous: if T declares it, `validate` in a class derived from T and from
// validate_probe names two members and cannot be used.
struct validate_probe {
    void validate();
};
template <class T>
struct validate_name_detector : T, validate_probe {};

template <class T>
concept declares_member_validate = std::is_class_v<T> && (std::is_final_v<T> ? requires { &T::validate; }
                                                                           : !requires {
                                                                                 &validate_name_detector<T>::validate;
                                                                             });

// A data member named `validate` is a field like any other (a JSON property), not a hook.
template <class T>
concept validate_is_field = requires { &T::validate; } && std::is_member_object_pointer_v<decltype(&T::validate)>;

// A free `validate` that ADL finds for T but that cannot be called on a const T, or returns
// something else.
template <class T>
concept declares_free_validate = requires(T& value) { validate(value); } || requires(const T& value) {
    validate(value);
};

/// True when everything named `validate` for T is a validator the library runs. Anything else
/// would compile and never run, so read_struct refuses it.
template <class T>
inline constexpr bool validator_is_callable =
    (!declares_member_validate<T> || validate_is_field<T> || has_member_validator<T>) &&
    (!declares_free_validate<T> || has_free_validator<T> || has_member_validator<T>);

template <class T>
auto run_validator(const T& value) {
    if constexpr (has_member_validator<T>)
        return value.validate();
    else
        return validate(value);
}

}  // namespace instructor::detail
