#include <instructor/transport.hpp>

#include <algorithm>
#include <cctype>

namespace instructor {

std::string header_value(const HttpHeaders& headers, std::string_view name) {
    const auto same_name = [name](std::string_view key) {
        return key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
               });
    };
    for (const auto& [key, value] : headers)
        if (same_name(key)) return value;
    return {};
}

}  // namespace instructor
