#pragma once
// A string usable as a C++20 non-type template argument (a "structural" type), so that annotations
// such as description("...") can live inside a field's type.

#include <cstddef>
#include <string_view>

namespace instructor::detail {

template <std::size_t N>
struct fixed_string {
    char chars[N + 1]{};

    constexpr fixed_string() = default;
    constexpr fixed_string(const char (&text)[N + 1]) {  // NOLINT: implicit on purpose
        for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
    }
    [[nodiscard]] constexpr std::string_view view() const { return {chars, N}; }
    [[nodiscard]] static constexpr std::size_t size() { return N; }
};

template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N - 1>;

// Several strings packed into one structural value, each followed by '\0'.
template <std::size_t Bytes, std::size_t Count>
struct fixed_string_list {
    char chars[Bytes]{};

    template <class Visitor>
    constexpr void for_each(Visitor&& visit) const {
        std::size_t start = 0;
        for (std::size_t i = 0; i < Count; ++i) {
            std::size_t end = start;
            while (chars[end] != '\0') ++end;
            visit(std::string_view{chars + start, end - start});
            start = end + 1;
        }
    }
};

}  // namespace instructor::detail
