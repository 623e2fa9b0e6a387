#pragma once
// Names read from the compiler, without macros: a struct's field names, a type's name, an enum's
// enumerator names. Boost.PFR 1.81 gives field access but no names, so names come from the text of
// __PRETTY_FUNCTION__ for a template instantiated on the right compile-time value. Boost >= 1.84
// has this built in (boost::pfr::get_name) and is used when present.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/pfr.hpp>
#include <boost/version.hpp>

#include <instructor/meta.hpp>

#if BOOST_VERSION >= 108400 && defined(BOOST_PFR_CORE_NAME_ENABLED) && BOOST_PFR_CORE_NAME_ENABLED
#define INSTRUCTOR_USE_PFR_NAMES 1
#else
#define INSTRUCTOR_USE_PFR_NAMES 0
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define INSTRUCTOR_PRETTY_FUNCTION __FUNCSIG__
#else
#define INSTRUCTOR_PRETTY_FUNCTION __PRETTY_FUNCTION__
#endif

namespace instructor::detail {

// ---- field names -------------------------------------------------------------------------------

// Declared, never defined: only its members' addresses are taken, in constant expressions. The
// wrapper gives the variable external linkage even for local types or types in anonymous namespaces.
template <class T>
struct fake_object_wrapper {
    const T value;
};
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-internal"  // local types: still never odr-used
#endif
template <class T>
extern const fake_object_wrapper<T> fake_object;
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

template <class Pointer>
struct pointer_box {  // clang < 16 cannot take a subobject pointer as a template argument directly
    Pointer pointer;
};
template <class Pointer>
pointer_box(Pointer) -> pointer_box<Pointer>;  // clang < 17 has no deduction for aggregates

// The return type stays `auto`: a named return type would add "; std::string_view = ..." to the text.
template <auto Box>
consteval auto pretty_name_of_member() {
    return std::string_view{INSTRUCTOR_PRETTY_FUNCTION};
}

// GCC: "... [with auto Box = pointer_box<const int*>{(& fake_object<S>.fake_object_wrapper<S>::value.S::age)}]"
// clang: "... [Box = pointer_box<const int *>{&fake_object.value.age}]". The name follows the last ':' or '.'.
consteval std::string_view member_name_from_signature(std::string_view signature) {
    while (!signature.empty() &&
           (signature.back() == ']' || signature.back() == '}' || signature.back() == ')' || signature.back() == ' '))
        signature.remove_suffix(1);
    const auto cut = signature.find_last_of(":.");
    return signature.substr(cut + 1);
}

template <auto Box>
consteval auto member_name_storage() {
    constexpr std::string_view name = member_name_from_signature(pretty_name_of_member<Box>());
    std::array<char, name.size() + 1> storage{};
    for (std::size_t i = 0; i < name.size(); ++i) storage[i] = name[i];
    return storage;
}

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wundefined-var-template"  // fake_object is never defined, on purpose
#endif
// The pointer is spelled in place, never kept in a variable: a Debug build emits such a variable for
// a local or unnamed-namespace struct, and with it a reference to the never-defined fake_object.
template <class T, std::size_t I>
inline constexpr auto field_name_storage =
    member_name_storage<pointer_box{&boost::pfr::get<I>(fake_object<T>.value)}>();
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

/// The name of field I of aggregate T, as declared.
template <class T, std::size_t I>
consteval std::string_view field_name() {
#if INSTRUCTOR_USE_PFR_NAMES
    return boost::pfr::get_name<I, T>();
#else
    return {field_name_storage<T, I>.data(), field_name_storage<T, I>.size() - 1};
#endif
}

template <class T, std::size_t... I>
consteval std::array<std::string_view, sizeof...(I)> field_names_impl(std::index_sequence<I...>) {
    return {field_name<T, I>()...};
}

/// Every field name of aggregate T, in declaration order.
template <class T>
inline constexpr auto field_names = field_names_impl<T>(std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});

namespace self_test {
struct probe_type {
    int probe_field_one;
    double second;
};
static_assert(field_name<probe_type, 0>() == "probe_field_one" && field_name<probe_type, 1>() == "second",
              "instructor cannot read field names with this compiler");
}  // namespace self_test

// ---- type names --------------------------------------------------------------------------------

template <class T>
consteval auto pretty_name_of_type() {
    return std::string_view{INSTRUCTOR_PRETTY_FUNCTION};
}

/// The compiler's spelling of T, e.g. "ns::Box<int>" (differs between compilers: not for output).
template <class T>
consteval std::string_view raw_type_name() {
    std::string_view s = pretty_name_of_type<T>();
#if defined(__clang__) || defined(__GNUC__)
    const auto start = s.find("T = ") + 4;
    auto end = s.find_first_of(";]", start);
    return s.substr(start, end - start);
#else
    return s;
#endif
}

/// "ns::Box<std::optional<ns::Item>>" -> "Box_optional_Item": no namespaces, identifier-safe,
/// the same on every compiler. Used for schema, $defs and tool names.
std::string identifier_from_type_name(std::string_view raw);

template <class T>
concept has_meta_name = requires {
    std::string_view{meta<T>::name};
};
template <class T>
concept has_meta_description = requires {
    std::string_view{meta<T>::description};
};
template <class T>
concept has_member_schema_name = requires {
    std::string_view{T::schema_name};
};
template <class T>
concept has_member_schema_description = requires {
    std::string_view{T::schema_description};
};

/// The name a type goes by in schemas and tool calls: meta<T>::name, T::schema_name, or its own name.
template <class T>
std::string type_name() {
    if constexpr (has_meta_name<T>)
        return std::string(std::string_view{meta<T>::name});
    else if constexpr (has_member_schema_name<T>)
        return std::string(std::string_view{T::schema_name});
    else
        return identifier_from_type_name(raw_type_name<T>());
}

template <class T>
std::string type_description() {
    if constexpr (has_meta_description<T>)
        return std::string(std::string_view{meta<T>::description});
    else if constexpr (has_member_schema_description<T>)
        return std::string(std::string_view{T::schema_description});
    else
        return {};
}

// ---- enum names --------------------------------------------------------------------------------

template <auto... Values>
consteval auto pretty_name_of_values() {
    return std::string_view{INSTRUCTOR_PRETTY_FUNCTION};
}

// The printed value list of pretty_name_of_values, read entry by entry. constexpr (not in src/),
// so that an enum with no name to find is refused at compile time.
// GCC: "... [with auto ...Values = {Color::red, (Color)1, ns::p_a}]"; clang: "[Values = <Color::red, (Color)1>]".
class EnumValueList {
public:
    constexpr explicit EnumValueList(std::string_view signature) : text_(signature) {
        at_ = text_.find("Values = ");
        if (at_ != std::string_view::npos) at_ = text_.find_first_of("{<", at_);
        at_ = at_ == std::string_view::npos ? text_.size() : at_ + 1;
    }

    /// The next value's enumerator name without its qualification, or "" when that value is not
    /// an enumerator (printed as a cast, "(Type)3", or as a bare number) or the list has ended.
    constexpr std::string_view next_name() {
        while (at_ < text_.size() && text_[at_] == ' ') ++at_;
        // One entry runs to the next ',' (or the closing bracket) outside any nesting.
        int depth = 0;
        const std::size_t begin = at_;
        for (; at_ < text_.size(); ++at_) {
            const char c = text_[at_];
            if (c == '(' || c == '<' || c == '[' || c == '{') ++depth;
            if (c == ')' || c == '>' || c == ']' || c == '}') {
                if (depth == 0) break;
                --depth;
            }
            if (c == ',' && depth == 0) break;
        }
        std::string_view entry = text_.substr(begin, at_ - begin);
        if (at_ < text_.size()) ++at_;  // past ',' or the closing bracket
        if (entry.empty() || entry.front() == '(' || entry.front() == '-' ||
            (entry.front() >= '0' && entry.front() <= '9'))
            return {};
        if (const auto colons = entry.rfind("::"); colons != std::string_view::npos) entry.remove_prefix(colons + 2);
        return entry;
    }

private:
    std::string_view text_;
    std::size_t at_ = 0;
};

/// How many of the `count` printed values are enumerators.
constexpr std::size_t count_enumerator_names(std::string_view signature, std::size_t count) {
    EnumValueList list(signature);
    std::size_t named = 0;
    for (std::size_t i = 0; i < count; ++i)
        if (!list.next_name().empty()) ++named;
    return named;
}

/// Splits the printed value list of pretty_name_of_values into one name per value, "" where the
/// value is not an enumerator (printed as a cast such as "(Color)3").
std::vector<std::string> enumerator_names_from_signature(std::string_view signature, std::size_t count);

template <class E>
concept has_meta_enumerators = requires {
    std::begin(meta<E>::enumerators);
};

/// The range of values scanned for enumerators: [-128, 127] for a signed underlying type, [0, 255]
/// for an unsigned one, unless meta<E> sets enum_min / enum_max.
template <class E>
consteval std::pair<long long, long long> enum_scan_range() {
    using U = std::underlying_type_t<E>;
    long long lo = std::is_signed_v<U> ? -128 : 0;
    long long hi = std::is_signed_v<U> ? 127 : 255;
    if constexpr (requires { meta<E>::enum_min; }) lo = meta<E>::enum_min;
    if constexpr (requires { meta<E>::enum_max; }) hi = meta<E>::enum_max;
    return {lo, hi};
}

template <class E, long long Low, long long... I>
consteval std::string_view scanned_values_signature(std::integer_sequence<long long, I...>) {
    return pretty_name_of_values<static_cast<E>(Low + I)...>();
}

// Refuses an enum of which no value in the scanned range [Low, High] has a name: it would be
// written and read as nothing at all ("expected one of , got ..."). The enum and the range are
// this template's arguments, which the compiler prints with the message.
template <class E, long long Low, long long High, std::size_t NamesFound>
struct enum_scan_check {
    static_assert(NamesFound > 0,
                  "instructor: no enumerator of this enum has a value in the scanned range (the enum and the "
                  "range are the template arguments of enum_scan_check; by default [-128, 127], or [0, 255] for "
                  "an unsigned underlying type), so it has no names to write or read. Specialise "
                  "instructor::meta<E> with `static constexpr long long enum_min = ..., enum_max = ...;` covering "
                  "its values (at most 4096 values), or list them: `static constexpr std::pair<E, const char*> "
                  "enumerators[] = {{E::a, \"a\"}, ...};`");
    static constexpr bool value = NamesFound > 0;
};

/// Every enumerator of E with its name, in value order (or meta<E>::enumerators' order).
template <class E>
const std::vector<std::pair<E, std::string>>& enum_entries() {
    static const std::vector<std::pair<E, std::string>> entries = [] {
        std::vector<std::pair<E, std::string>> result;
        if constexpr (has_meta_enumerators<E>) {
            for (const auto& [value, name] : meta<E>::enumerators) result.emplace_back(value, std::string(name));
        } else {
            constexpr auto range = enum_scan_range<E>();
            static_assert(range.second >= range.first && range.second - range.first < 4096,
                          "enum scan range too wide: give meta<E>::enumerators instead");
            constexpr std::size_t count = range.second - range.first + 1;
            constexpr std::string_view signature =
                scanned_values_signature<E, range.first>(std::make_integer_sequence<long long, count>{});
            if constexpr (enum_scan_check<E, range.first, range.second,
                                          count_enumerator_names(signature, count)>::value) {
                const auto names = enumerator_names_from_signature(signature, count);
                for (std::size_t i = 0; i < names.size(); ++i)
                    if (!names[i].empty())
                        result.emplace_back(static_cast<E>(range.first + static_cast<long long>(i)), names[i]);
            }
        }
        return result;
    }();
    return entries;
}

}  // namespace instructor::detail
