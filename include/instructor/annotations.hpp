#pragma once
// Annotations: descriptions and constraints carried in a field's type.
//
//     struct UserDetail {
//         instructor::Annotated<std::string, instructor::description("Full name"), instructor::min_length(1)> name;
//         instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
//     };
//
// `user.age` still reads and writes like an int. The same annotation values can be attached from
// outside a struct, through instructor::meta<T> (see meta.hpp). The schema shows every annotation
// to the model, and the parser enforces every one of them.

#include <compare>
#include <concepts>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include <instructor/detail/reflect/constraints.hpp>
#include <instructor/detail/reflect/fixed_string.hpp>

namespace instructor {

/// The annotation value types. Users make them with the functions below, not by name.
namespace annotation {

template <std::size_t N>
struct Description { detail::fixed_string<N> text; };

enum class BoundKind { minimum, maximum, exclusive_minimum, exclusive_maximum };
template <class Number>
struct Bound { BoundKind kind; Number value; };

enum class SizeKind { minimum, maximum };
struct Length { SizeKind kind; std::size_t value; };  // of a string, in code points
struct Items { SizeKind kind; std::size_t value; };   // of an array

struct UniqueItems {};

template <std::size_t N>
struct Pattern { detail::fixed_string<N> regex; };

template <std::size_t Bytes, std::size_t Count>
struct Choices { detail::fixed_string_list<Bytes, Count> list; };

template <class Value>
struct Default { Value value; };
struct DefaultConstructed {};

}  // namespace annotation

/// A description the model sees next to the field (or type).
template <std::size_t N>
consteval annotation::Description<N - 1> description(const char (&text)[N]) {
    return {detail::fixed_string<N - 1>{text}};
}

/// Inclusive and exclusive numeric bounds.
template <class N> requires std::is_arithmetic_v<N>
consteval annotation::Bound<N> minimum(N value) { return {annotation::BoundKind::minimum, value}; }
template <class N> requires std::is_arithmetic_v<N>
consteval annotation::Bound<N> maximum(N value) { return {annotation::BoundKind::maximum, value}; }
template <class N> requires std::is_arithmetic_v<N>
consteval annotation::Bound<N> exclusive_minimum(N value) { return {annotation::BoundKind::exclusive_minimum, value}; }
template <class N> requires std::is_arithmetic_v<N>
consteval annotation::Bound<N> exclusive_maximum(N value) { return {annotation::BoundKind::exclusive_maximum, value}; }

/// String length bounds, in Unicode code points.
consteval annotation::Length min_length(std::size_t n) { return {annotation::SizeKind::minimum, n}; }
consteval annotation::Length max_length(std::size_t n) { return {annotation::SizeKind::maximum, n}; }
/// Array size bounds.
consteval annotation::Items min_items(std::size_t n) { return {annotation::SizeKind::minimum, n}; }
consteval annotation::Items max_items(std::size_t n) { return {annotation::SizeKind::maximum, n}; }
/// No two array items may be equal.
inline constexpr annotation::UniqueItems unique_items{};

/// An ECMAScript regular expression the string must contain a match of (anchor it with ^...$ to match whole).
template <std::size_t N>
consteval annotation::Pattern<N - 1> pattern(const char (&regex)[N]) {
    return {detail::fixed_string<N - 1>{regex}};
}

/// The string must be one of these literal choices.
template <std::size_t... N>
consteval annotation::Choices<(N + ...), sizeof...(N)> choices(const char (&... options)[N]) {
    annotation::Choices<(N + ...), sizeof...(N)> result{};
    std::size_t at = 0;
    auto append = [&](const auto& option, std::size_t size) {
        for (std::size_t i = 0; i < size; ++i) result.list.chars[at++] = option[i];  // copies the '\0' too
    };
    (append(options, N), ...);
    return result;
}

/// A default: the field may be left out, and then takes this value. `default_value()` means T{}.
template <class V> requires std::is_arithmetic_v<V>
consteval annotation::Default<V> default_value(V value) { return {value}; }
template <std::size_t N>
consteval annotation::Default<detail::fixed_string<N - 1>> default_value(const char (&text)[N]) {
    return {detail::fixed_string<N - 1>{text}};
}
consteval annotation::DefaultConstructed default_value() { return {}; }

namespace detail {

// Any conversion to this private type can only come from a "convert to anything" type (such as the
// probe Boost.PFR uses to count fields); Annotated's converting constructor must stay out of its way.
struct unreachable_conversion_target { int unused; };

}  // namespace detail

/// A field of type T with annotations. It converts to and from T, so user code reads it as a T;
/// `->` and `*` reach T's members (`user.name->size()`).
template <class T, auto... Annotations>
class Annotated {
public:
    using value_type = T;
    Annotated() : value_(make_default()) {}
    Annotated(const T& value) : value_(value) {}             // NOLINT: implicit on purpose
    Annotated(T&& value) noexcept(std::is_nothrow_move_constructible_v<T>) : value_(std::move(value)) {}  // NOLINT
    template <class U>
        requires(!std::same_as<std::remove_cvref_t<U>, Annotated> && !std::same_as<std::remove_cvref_t<U>, T> &&
                 std::constructible_from<T, U &&> &&
                 !std::is_convertible_v<U &&, detail::unreachable_conversion_target>)
    Annotated(U&& value) : value_(std::forward<U>(value)) {}  // NOLINT: "Jason" -> Annotated<std::string>

    Annotated& operator=(const T& value) { value_ = value; return *this; }
    Annotated& operator=(T&& value) { value_ = std::move(value); return *this; }
    template <class U>
        requires(!std::same_as<std::remove_cvref_t<U>, Annotated> && !std::same_as<std::remove_cvref_t<U>, T> &&
                 std::is_assignable_v<T&, U &&> && !std::is_convertible_v<U &&, detail::unreachable_conversion_target>)
    Annotated& operator=(U&& value) {
        value_ = std::forward<U>(value);
        return *this;
    }

    [[nodiscard]] T& get() & noexcept { return value_; }
    [[nodiscard]] const T& get() const& noexcept { return value_; }
    [[nodiscard]] T&& get() && noexcept { return std::move(value_); }

    operator T&() & noexcept { return value_; }                 // NOLINT
    operator const T&() const& noexcept { return value_; }     // NOLINT
    T& operator*() noexcept { return value_; }
    const T& operator*() const noexcept { return value_; }
    T* operator->() noexcept { return &value_; }
    const T* operator->() const noexcept { return &value_; }

    template <class U = T> requires requires(U& u) { u.begin(); }
    auto begin() { return value_.begin(); }
    template <class U = T> requires requires(U& u) { u.end(); }
    auto end() { return value_.end(); }
    template <class U = T> requires requires(const U& u) { u.begin(); }
    auto begin() const { return value_.begin(); }
    template <class U = T> requires requires(const U& u) { u.end(); }
    auto end() const { return value_.end(); }
    template <class K, class U = T> requires requires(U& u, K&& k) { u[std::forward<K>(k)]; }
    decltype(auto) operator[](K&& key) { return value_[std::forward<K>(key)]; }
    template <class K, class U = T> requires requires(const U& u, K&& k) { u[std::forward<K>(k)]; }
    decltype(auto) operator[](K&& key) const { return value_[std::forward<K>(key)]; }

    // Comparisons take a T, so that literals convert ("Jason", 30). They are deliberately not
    // templates: a hidden-friend template would join every comparison of types related to T.
    friend bool operator==(const Annotated& a, const T& b) requires std::equality_comparable<T> {
        return a.value_ == b;
    }
    friend auto operator<=>(const Annotated& a, const T& b) requires std::three_way_comparable<T> {
        return a.value_ <=> b;
    }
    // Two Annotated values compare by value (without these, a < b is ambiguous for Clang: each
    // side converts to T). Templates, so that nothing converts into an Annotated to reach them.
    template <class Other>
        requires std::same_as<Other, Annotated> && std::equality_comparable<T>
    friend bool operator==(const Annotated& a, const Other& b) {
        return a.value_ == b.value_;
    }
    template <class Other>
        requires std::same_as<Other, Annotated> && std::three_way_comparable<T>
    friend auto operator<=>(const Annotated& a, const Other& b) {
        return a.value_ <=> b.value_;
    }

    template <class Stream>
        requires requires(Stream& s, const T& v) { s << v; }
    friend Stream& operator<<(Stream& stream, const Annotated& a) {
        stream << a.value_;
        return stream;
    }

private:
    static T make_default();
    T value_;
};

namespace detail {

template <class T>
struct is_annotated : std::false_type {};
template <class T, auto... A>
struct is_annotated<Annotated<T, A...>> : std::true_type {};

template <class A>
struct default_of_annotation {
    static constexpr bool present = false;
};
template <class V>
struct default_of_annotation<annotation::Default<V>> {
    static constexpr bool present = true;
};
template <>
struct default_of_annotation<annotation::DefaultConstructed> {
    static constexpr bool present = true;
};

/// Annotated<T, ...> with a default_value among its annotations.
template <class T>
inline constexpr bool has_default_annotation_v = false;
template <class T, auto... A>
inline constexpr bool has_default_annotation_v<Annotated<T, A...>> =
    (default_of_annotation<std::remove_cvref_t<decltype(A)>>::present || ...);

template <class T, class V>
T make_from_default(const annotation::Default<V>& d) {
    if constexpr (requires { d.value.view(); })
        return T(std::string(d.value.view()));
    else
        return T(d.value);
}
template <class T>
T make_from_default(const annotation::DefaultConstructed&) {
    return T{};
}

}  // namespace detail

template <class T, auto... Annotations>
T Annotated<T, Annotations...>::make_default() {
    T result{};
    auto take = [&result](const auto& a) {
        if constexpr (detail::default_of_annotation<std::remove_cvref_t<decltype(a)>>::present)
            result = detail::make_from_default<T>(a);
    };
    (take(Annotations), ...);
    return result;
}

}  // namespace instructor
