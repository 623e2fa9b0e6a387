#pragma once
// instructor::ValidationContext: what validators may need besides the object they check (the
// source text, a list of allowed names), given once per call and handed to every
// `validate(const C& context) const` (see validator.hpp).
//
//     Minutes minutes{text};
//     auto meeting = instructor::from_json<Meeting>(reply, {.context = minutes});
//
// A header of its own, in the core layer (it needs only the standard library): ParseOptions (parse
// layer) and the client's Request (core) both carry a context, and neither needs the other for it.

#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace instructor {

namespace detail {
template <class T>
struct is_shared_ptr : std::false_type {};
template <class T>
struct is_shared_ptr<std::shared_ptr<T>> : std::true_type {};

// What a context made from a value of type V keeps: V itself, except that a string literal (an
// array of char) is kept as a std::string.
template <class V>
using context_value_t =
    std::conditional_t<std::is_array_v<std::remove_cvref_t<V>> &&
                           std::is_same_v<std::remove_cv_t<std::remove_extent_t<std::remove_cvref_t<V>>>, char>,
                       std::string, std::remove_cvref_t<V>>;
}  // namespace detail

/// One value of any type, shared and read-only; or nothing. Copying a context copies one
/// shared_ptr, never the value. A validator taking `const C&` receives it when it is exactly a C
/// (no conversions: a context made from a Derived is not a Base).
class ValidationContext {
public:
    /// No context.
    ValidationContext() noexcept = default;
    ValidationContext(const ValidationContext&) = default;
    ValidationContext(ValidationContext&&) noexcept = default;
    ValidationContext& operator=(const ValidationContext&) = default;
    ValidationContext& operator=(ValidationContext&&) noexcept = default;
    // Out of line: inlined into the cleanup of an option struct's designated initialisers, GCC 12
    // takes the empty context for uninitialised (-Wmaybe-uninitialized in the user's own code).
    ~ValidationContext();

    /// A copy of `value` (moved from when it is an rvalue), kept for as long as any copy of the
    /// context lives. A string literal is kept as a std::string.
    template <class V>
    requires(!std::is_same_v<std::remove_cvref_t<V>, ValidationContext> &&
             !detail::is_shared_ptr<std::remove_cvref_t<V>>::value)
        ValidationContext(V&& value)  // NOLINT(google-explicit-constructor): `{.context = minutes}`
        : ValidationContext(std::make_shared<const detail::context_value_t<V>>(std::forward<V>(value))) {}

    /// Shares `value` without copying it; a null pointer is no context.
    template <class C>
    requires(!std::is_void_v<C>) ValidationContext(std::shared_ptr<C> value)
    noexcept  // NOLINT(google-explicit-constructor)
        : value_(std::move(value)), type_(value_ ? &typeid(C) : nullptr) {}

    /// The value, when it is exactly a C; nullptr when it is of another type, or there is none.
    template <class C>
    [[nodiscard]] const C* get_if() const noexcept {
        if (type_ == nullptr || *type_ != typeid(C)) return nullptr;
        return static_cast<const C*>(value_.get());
    }

    [[nodiscard]] bool has_value() const noexcept { return type_ != nullptr; }

    /// The value's type; typeid(void) when there is none.
    [[nodiscard]] const std::type_info& type() const noexcept { return type_ ? *type_ : typeid(void); }

private:
    std::shared_ptr<const void> value_;
    const std::type_info* type_ = nullptr;
};

}  // namespace instructor
