#pragma once
// Annotations: descriptions and constraints carried in a field's type.
//
//     struct UserDetail {
//         instructor::Annotated<std::string, instructor::description("Full name"), instructor::min_length(1)> name;
//         instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
//     };
//
// The fields are used as their plain types are (`user.name.size()`, `user.age + 1`). The same
// annotation values can be attached from outside a struct, through instructor::meta<T> (see
// meta.hpp). The schema shows every annotation to the model, and the parser enforces every one of
// them.

#include <compare>
#include <concepts>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <instructor/detail/reflect/constraints.hpp>
#include <instructor/detail/reflect/fixed_string.hpp>

namespace instructor {

/// The annotation value types. Users make them with the functions below, not by name.
namespace annotation {

template <std::size_t N>
struct Description {
    detail::fixed_string<N> text;
};

enum class BoundKind { minimum, maximum, exclusive_minimum, exclusive_maximum };
template <class Number>
struct Bound {
    BoundKind kind;
    Number value;
};

enum class SizeKind { minimum, maximum };
struct Length {
    SizeKind kind;
    std::size_t value;
};  // of a string, in code points
struct Items {
    SizeKind kind;
    std::size_t value;
};  // of an array

struct UniqueItems {};

template <std::size_t N>
struct Pattern {
    detail::fixed_string<N> regex;
};

template <std::size_t Bytes, std::size_t Count>
struct Choices {
    detail::fixed_string_list<Bytes, Count> list;
};

template <class Value>
struct Default {
    Value value;
};
struct DefaultConstructed {};

}  // namespace annotation

/// A description the model sees next to the field (or type).
template <std::size_t N>
consteval annotation::Description<N - 1> description(const char (&text)[N]) {
    return {detail::fixed_string<N - 1>{text}};
}

/// Inclusive and exclusive numeric bounds.
template <class N>
requires std::is_arithmetic_v<N>
consteval annotation::Bound<N> minimum(N value) { return {annotation::BoundKind::minimum, value}; }
template <class N>
requires std::is_arithmetic_v<N>
consteval annotation::Bound<N> maximum(N value) { return {annotation::BoundKind::maximum, value}; }
template <class N>
requires std::is_arithmetic_v<N>
consteval annotation::Bound<N> exclusive_minimum(N value) { return {annotation::BoundKind::exclusive_minimum, value}; }
template <class N>
requires std::is_arithmetic_v<N>
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
template <class V>
requires std::is_arithmetic_v<V>
consteval annotation::Default<V> default_value(V value) { return {value}; }
template <std::size_t N>
consteval annotation::Default<detail::fixed_string<N - 1>> default_value(const char (&text)[N]) {
    return {detail::fixed_string<N - 1>{text}};
}
consteval annotation::DefaultConstructed default_value() { return {}; }

template <class T, auto... Annotations>
class Annotated;

namespace detail {

// Any conversion to this private type can only come from a "convert to anything" type (such as the
// probe Boost.PFR uses to count fields); Annotated's converting constructor must stay out of its way.
struct unreachable_conversion_target {
    int unused;
};

template <class T>
struct is_annotated : std::false_type {};
template <class T, auto... A>
struct is_annotated<Annotated<T, A...>> : std::true_type {
    using value_type = T;
};

/// The T of an Annotated<T, ...>.
template <class A>
using annotated_value_t = typename is_annotated<A>::value_type;

/// The T inside an Annotated<T, ...>, for the library's own code: `get()`, `*` and `->` belong to T
/// when T has them (a std::unique_ptr's get(), a std::optional's `*`).
template <class T, auto... A>
constexpr T& annotated_value(Annotated<T, A...>& a) noexcept {
    return a;
}
template <class T, auto... A>
constexpr const T& annotated_value(const Annotated<T, A...>& a) noexcept {
    return a;
}
template <class T, auto... A>
constexpr T&& annotated_value(Annotated<T, A...>&& a) noexcept {
    return std::move(static_cast<T&>(a));
}

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

/// What a default-constructed Annotated<T, Annotations...> holds: T{}, or its default_value.
template <class T, auto... Annotations>
T annotated_default() {
    T result{};
    auto take = [&result](const auto& a) {
        if constexpr (default_of_annotation<std::remove_cvref_t<decltype(a)>>::present)
            result = make_from_default<T>(a);
    };
    (take(Annotations), ...);
    return result;
}

/// T(args...), or T{args...} for an aggregate (which Clang 14 cannot initialise with parentheses).
template <class T, class... Args>
concept brace_initializable_from = std::is_aggregate_v<T> && requires(Args&&... args) {
    T{std::forward<Args>(args)...};
};
template <class T, class... Args>
concept initializable_from = std::constructible_from<T, Args...> || brace_initializable_from<T, Args...>;

/// std::initializer_list<T::value_type> when T is built from one (a container), else a type nothing
/// converts to, so that `Annotated<std::vector<int>> v{1, 2, 3}` means what it means for the vector.
struct no_initializer_list {
    explicit no_initializer_list() = default;
};
template <class T>
struct initializer_list_of {
    using type = std::initializer_list<no_initializer_list>;
};
template <class T>
requires requires {
    typename T::value_type;
} && std::constructible_from<T, std::initializer_list<typename T::value_type>>
struct initializer_list_of<T> {
    using type = std::initializer_list<typename T::value_type>;
};

// ---- storage -----------------------------------------------------------------------------------
//
// A class type T (std::string, std::vector, std::map, a user struct) is a public base of its
// Annotated. Deriving is what makes it free and exact: every member, operator and conversion of T is
// there as on a plain T (`.size()`, `.push_back(x)`, `address.city`, range-for), an Annotated<T>
// binds to `T&` and `const T&` and deduces as a T, and nothing is added but empty bases (no data,
// nothing virtual, all inline), so sizeof(Annotated<T, ...>) == sizeof(T). Scalars (int, double,
// bool, enums) and final classes cannot be bases: they are held as the only member, with implicit
// conversions to T& and const T&; std::optional is held the same way (see annotated_optional).
//
// Older code reaches the value with `get()`, `*` and `->`. On a class type these are added only when
// T has no member of that name (one declared in the derived class would hide T's own, such as a
// std::unique_ptr's get() or an iterator-like type's `*`), each in its own empty base.

/// Whether T has a member named `get` (any kind, any access): then &probe::get is ambiguous.
struct get_name_probe {
    int get{};
};
template <class T>
struct get_name_detector : T, get_name_probe {};
template <class T>
concept has_member_named_get = !requires {
    &get_name_detector<T>::get;
};

struct star_name_probe {
    void operator*() const;
};
template <class T>
struct star_name_detector : T, star_name_probe {};
template <class T>
concept has_operator_star = !requires {
    &star_name_detector<T>::operator*;
}
|| requires(T& t) { *t; };

struct arrow_name_probe {
    void operator->() const;
};
template <class T>
struct arrow_name_detector : T, arrow_name_probe {};
template <class T>
concept has_operator_arrow = !requires {
    &arrow_name_detector<T>::operator->;
};

/// The base T itself, built in place.
template <class T>
struct annotated_base : T {
    template <class... Args>
    requires std::constructible_from<T, Args...>
    constexpr explicit annotated_base(std::in_place_t, Args&&... args) : T(std::forward<Args>(args)...) {}
    template <class... Args>
    requires(!std::constructible_from<T, Args...> &&
             brace_initializable_from<T, Args...>) constexpr explicit annotated_base(std::in_place_t, Args&&... args)
        : T{std::forward<Args>(args)...} {}
};

template <class T, class Base, bool Add = !has_member_named_get<T>>
struct annotated_get_access : Base {
    using Base::Base;
};
template <class T, class Base>
struct annotated_get_access<T, Base, true> : Base {
    using Base::Base;
    [[nodiscard]] constexpr T& get() & noexcept { return *this; }
    [[nodiscard]] constexpr const T& get() const& noexcept { return *this; }
    [[nodiscard]] constexpr T&& get() && noexcept { return std::move(static_cast<T&>(*this)); }
};

template <class T, class Base, bool Add = !has_operator_star<T>>
struct annotated_star_access : Base {
    using Base::Base;
};
template <class T, class Base>
struct annotated_star_access<T, Base, true> : Base {
    using Base::Base;
    constexpr T& operator*() noexcept { return *this; }
    constexpr const T& operator*() const noexcept { return *this; }
};

template <class T, class Base, bool Add = !has_operator_arrow<T>>
struct annotated_arrow_access : Base {
    using Base::Base;
};
template <class T, class Base>
struct annotated_arrow_access<T, Base, true> : Base {
    using Base::Base;
    constexpr T* operator->() noexcept { return static_cast<T*>(this); }
    constexpr const T* operator->() const noexcept { return static_cast<const T*>(this); }
};

/// A scalar or a final class, held as a member.
template <class T>
class annotated_member {
public:
    using value_type = T;

    template <class... Args>
    requires std::constructible_from<T, Args...>
    constexpr explicit annotated_member(std::in_place_t, Args&&... args) : value_(std::forward<Args>(args)...) {}
    template <class... Args>
    requires(!std::constructible_from<T, Args...> &&
             brace_initializable_from<T, Args...>) constexpr explicit annotated_member(std::in_place_t, Args&&... args)
        : value_{std::forward<Args>(args)...} {}

    [[nodiscard]] constexpr T& get() & noexcept { return value_; }
    [[nodiscard]] constexpr const T& get() const& noexcept { return value_; }
    [[nodiscard]] constexpr T&& get() && noexcept { return std::move(value_); }

    constexpr operator T&() & noexcept { return value_; }             // NOLINT: implicit on purpose
    constexpr operator const T&() const& noexcept { return value_; }  // NOLINT
    constexpr T& operator*() noexcept { return value_; }
    constexpr const T& operator*() const noexcept { return value_; }
    constexpr T* operator->() noexcept { return &value_; }
    constexpr const T* operator->() const noexcept { return &value_; }

    // A final class's container interface.
    template <class U = T>
    requires requires(U& u) { u.begin(); }
    auto begin() { return value_.begin(); }
    template <class U = T>
    requires requires(U& u) { u.end(); }
    auto end() { return value_.end(); }
    template <class U = T>
    requires requires(const U& u) { u.begin(); }
    auto begin() const { return value_.begin(); }
    template <class U = T>
    requires requires(const U& u) { u.end(); }
    auto end() const { return value_.end(); }
    template <class K, class U = T>
    requires requires(U& u, K&& k) { u[std::forward<K>(k)]; }
    decltype(auto) operator[](K&& key) { return value_[std::forward<K>(key)]; }
    template <class K, class U = T>
    requires requires(const U& u, K&& k) { u[std::forward<K>(k)]; }
    decltype(auto) operator[](K&& key) const { return value_[std::forward<K>(key)]; }

private:
    T value_;
};

/// A std::optional, held as a member with the optional's own interface. Not a base: with GCC 12's
/// library, `a < b` on a class derived from std::optional recurses without end inside the
/// constraints of optional's `<=>` (LWG 3566, fixed in later libraries). What is lost is only
/// deduction: a template taking `const std::optional<X>&` needs `.get()` (or the plain type).
template <class X>
class annotated_optional {
public:
    using value_type = X;

    template <class... Args>
    requires std::constructible_from<std::optional<X>, Args...>
    constexpr explicit annotated_optional(std::in_place_t, Args&&... args) : value_(std::forward<Args>(args)...) {}

    [[nodiscard]] constexpr std::optional<X>& get() & noexcept { return value_; }
    [[nodiscard]] constexpr const std::optional<X>& get() const& noexcept { return value_; }
    [[nodiscard]] constexpr std::optional<X>&& get() && noexcept { return std::move(value_); }

    constexpr operator std::optional<X>&() & noexcept { return value_; }               // NOLINT: implicit
    constexpr operator const std::optional<X>&() const& noexcept { return value_; }    // NOLINT
    constexpr operator std::optional<X>&&() && noexcept { return std::move(value_); }  // NOLINT

    constexpr explicit operator bool() const noexcept { return value_.has_value(); }
    [[nodiscard]] constexpr bool has_value() const noexcept { return value_.has_value(); }
    constexpr X& value() & { return value_.value(); }
    constexpr const X& value() const& { return value_.value(); }
    constexpr X&& value() && { return std::move(value_).value(); }
    constexpr const X&& value() const&& { return std::move(value_).value(); }
    template <class U>
    constexpr X value_or(U&& fallback) const& {
        return value_.value_or(std::forward<U>(fallback));
    }
    template <class U>
    constexpr X value_or(U&& fallback) && {
        return std::move(value_).value_or(std::forward<U>(fallback));
    }
    constexpr X& operator*() & noexcept { return *value_; }
    constexpr const X& operator*() const& noexcept { return *value_; }
    constexpr X&& operator*() && noexcept { return *std::move(value_); }
    constexpr const X&& operator*() const&& noexcept { return *std::move(value_); }
    constexpr X* operator->() noexcept { return value_.operator->(); }
    constexpr const X* operator->() const noexcept { return value_.operator->(); }
    constexpr void reset() noexcept { value_.reset(); }
    template <class... Args>
    requires std::constructible_from<X, Args...>
    constexpr X& emplace(Args&&... args) { return value_.emplace(std::forward<Args>(args)...); }
    template <class U, class... Args>
    requires std::constructible_from < X, std::initializer_list<U>
    &, Args... > constexpr X& emplace(std::initializer_list<U> items, Args&&... args) {
        return value_.emplace(items, std::forward<Args>(args)...);
    }
    constexpr void swap(std::optional<X>& other) noexcept(noexcept(value_.swap(other))) { value_.swap(other); }
#if defined(__cpp_lib_optional) && __cpp_lib_optional >= 202110L  // C++23's monadic operations
    template <class F>
    constexpr auto and_then(F&& f) & {
        return value_.and_then(std::forward<F>(f));
    }
    template <class F>
    constexpr auto and_then(F&& f) const& {
        return value_.and_then(std::forward<F>(f));
    }
    template <class F>
    constexpr auto and_then(F&& f) && {
        return std::move(value_).and_then(std::forward<F>(f));
    }
    template <class F>
    constexpr auto transform(F&& f) & {
        return value_.transform(std::forward<F>(f));
    }
    template <class F>
    constexpr auto transform(F&& f) const& {
        return value_.transform(std::forward<F>(f));
    }
    template <class F>
    constexpr auto transform(F&& f) && {
        return std::move(value_).transform(std::forward<F>(f));
    }
    template <class F>
    constexpr auto or_else(F&& f) const& {
        return value_.or_else(std::forward<F>(f));
    }
    template <class F>
    constexpr auto or_else(F&& f) && {
        return std::move(value_).or_else(std::forward<F>(f));
    }
#endif

private:
    std::optional<X> value_;
};

template <class T, bool Derive = std::is_class_v<T> && !std::is_final_v<T>>
struct annotated_storage {
    using type = annotated_member<T>;
};
template <class T>
struct annotated_storage<T, true> {
    using type = annotated_arrow_access<T, annotated_star_access<T, annotated_get_access<T, annotated_base<T>>>>;
};
template <class X>
struct annotated_storage<std::optional<X>, true> {
    using type = annotated_optional<X>;
};
template <class T>
using annotated_storage_t = typename annotated_storage<T>::type;

}  // namespace detail

/// A field of type T with annotations. User code uses it as the T it holds: a class type's own
/// members and operators (`user.name.size()`, `if (item.due)`), a number's arithmetic, and it passes
/// wherever a T, `T&` or `const T&` is expected. sizeof(Annotated<T, ...>) == sizeof(T).
///
/// Annotated declares no member names of its own besides its constructors and assignments, so that
/// none of them hides one of T's.
template <class T, auto... Annotations>
class Annotated : public detail::annotated_storage_t<T> {
public:
    Annotated() : detail::annotated_storage_t<T>(std::in_place, detail::annotated_default<T, Annotations...>()) {}
    Annotated(const T& value) : detail::annotated_storage_t<T>(std::in_place, value) {}  // NOLINT: implicit on purpose
    Annotated(T&& value) noexcept(std::is_nothrow_move_constructible_v<T>)               // NOLINT
        : detail::annotated_storage_t<T>(std::in_place, std::move(value)) {}
    // "Jason" -> Annotated<std::string>. The first condition keeps Boost.PFR's probe out.
    template <class U>
    requires(!std::is_convertible_v<U&&, detail::unreachable_conversion_target> &&
             !std::same_as<std::remove_cvref_t<U>, Annotated> && !std::same_as<std::remove_cvref_t<U>, T> &&
             std::constructible_from<T, U&&>) Annotated(U&& value)
        : detail::annotated_storage_t<T>(std::in_place, std::forward<U>(value)) {}  // NOLINT
    // As T is built: Annotated<std::string> s(3, 'x'); Annotated<Point> p{1, 2}; {.tags = {"a", "b"}}.
    template <class A, class B, class... Rest>
    requires detail::initializable_from<T, A&&, B&&, Rest&&...> Annotated(A&& a, B&& b, Rest&&... rest)  // NOLINT
        : detail::annotated_storage_t<T>(std::in_place, std::forward<A>(a), std::forward<B>(b),
                                         std::forward<Rest>(rest)...) {}
    Annotated(typename detail::initializer_list_of<T>::type items)  // NOLINT
        requires std::constructible_from<T, typename detail::initializer_list_of<T>::type>
        : detail::annotated_storage_t<T>(std::in_place, items) {}

    Annotated& operator=(typename detail::initializer_list_of<T>::type items) requires
        std::is_assignable_v<T&, typename detail::initializer_list_of<T>::type> {
        static_cast<T&>(*this) = items;
        return *this;
    }
    // A scalar takes `= {}` as its T would (0, not the default_value). A class type takes a braced
    // list through its initializer_list assignment or through a new Annotated, as T takes it.
    Annotated& operator=(const T& value) requires(!std::is_class_v<T>) {
        static_cast<T&>(*this) = value;
        return *this;
    }
    Annotated& operator=(T&& value) requires(!std::is_class_v<T>) {
        static_cast<T&>(*this) = std::move(value);
        return *this;
    }
    template <class U>
    requires(!std::is_convertible_v<U&&, detail::unreachable_conversion_target> &&
             !std::same_as<std::remove_cvref_t<U>, Annotated> &&
             (std::is_class_v<T> || !std::same_as<std::remove_cvref_t<U>, T>)&&std::is_assignable_v<T&, U&&>) Annotated&
    operator=(U&& value) {
        static_cast<T&>(*this) = std::forward<U>(value);
        return *this;
    }

    // Comparisons compare the T inside, exactly as the plain values compare. Each is an exact match,
    // so that it wins over T's own (which need a derived-to-base or user conversion) instead of being
    // ambiguous with them, and over catch-all templates such as std::optional's `optional == U`,
    // which would take the Annotated as the U (and then find an empty optional unequal to an empty
    // annotated one). The templates deduce Self, so that nothing converts into an Annotated to reach
    // them, and their constraints stop at `Self` before they look at T.
    //
    // Against a T: not a template, so that it wins over a template of T's taking the same arguments
    // (`plain_optional == annotated_optional`).
    friend bool operator==(const Annotated& a, const T& b) requires std::equality_comparable<T> {
        return static_cast<const T&>(a) == b;
    }
    friend auto operator<=>(const Annotated& a, const T& b) requires std::three_way_comparable<T> {
        return static_cast<const T&>(a) <=> b;
    }
    // Against another annotated value (of the same T or not).
    template <class Self, class Other>
    requires std::same_as<Self, Annotated> && detail::is_annotated<Other>::value &&
        requires(const T& x, const detail::annotated_value_t<Other>& y) {
        { x == y } -> std::convertible_to<bool>;
    }
    friend bool operator==(const Self& a, const Other& b) {
        return static_cast<const T&>(a) == detail::annotated_value(b);
    }
    template <class Self, class Other>
    requires std::same_as<Self, Annotated> && detail::is_annotated<Other>::value &&
        requires(const T& x, const detail::annotated_value_t<Other>& y) {
        x <=> y;
    }
    friend auto operator<=>(const Self& a, const Other& b) {
        return static_cast<const T&>(a) <=> detail::annotated_value(b);
    }
    // Against anything else T compares with: "Jason", 30, std::nullopt.
    template <class Self, class U>
    requires std::same_as<Self, Annotated> &&(!detail::is_annotated<U>::value) && requires(const T& x, const U& y) {
        { x == y } -> std::convertible_to<bool>;
    }
    friend bool operator==(const Self& a, const U& b) { return static_cast<const T&>(a) == b; }
    template <class Self, class U>
    requires std::same_as<Self, Annotated> &&(!detail::is_annotated<U>::value) && requires(const T& x, const U& y) {
        x <=> y;
    }
    friend auto operator<=>(const Self& a, const U& b) { return static_cast<const T&>(a) <=> b; }

    template <class Stream, class Self>
    requires std::same_as<Self, Annotated> && requires(Stream&& s, const T& v) { std::forward<Stream>(s) << v; }
    friend decltype(auto) operator<<(Stream&& stream, const Self& a) {
        return std::forward<Stream>(stream) << static_cast<const T&>(a);
    }
};

}  // namespace instructor

/// An annotated value hashes as its value (a key of a std::unordered_set or std::unordered_map).
template <class T, auto... A>
requires requires(const T& value) { std::hash<T>{}(value); }
struct std::hash<instructor::Annotated<T, A...>> : std::hash<T> {};

/// nlohmann::json takes an annotated value as it takes the plain one (`j["name"] = user.name`). It
/// also keeps `nlohmann::json copy = annotated_json` a copy: json's converting constructor, an exact
/// match for a class derived from json, would otherwise take the Annotated for a string.
template <class T, auto... A>
struct nlohmann::adl_serializer<instructor::Annotated<T, A...>> {
    template <class Json>
    requires requires(Json& j, const T& value) { j = value; }
    static void to_json(Json& j, const instructor::Annotated<T, A...>& value) {
        j = instructor::detail::annotated_value(value);
    }
    template <class Json>
    requires requires(const Json& j, T& value) { j.get_to(value); }
    static void from_json(const Json& j, instructor::Annotated<T, A...>& value) {
        j.get_to(instructor::detail::annotated_value(value));
    }
};
