#include <instructor/transport.hpp>

#include <algorithm>
#include <cctype>

namespace instructor {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::string header_value(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (same_name(key, name)) return value;
    return {};
}

void set_headers(HttpHeaders& headers, const HttpHeaders& extra) {
    for (const auto& header : extra) {
        std::erase_if(headers, [&header](const auto& old) { return same_name(old.first, header.first); });
        headers.push_back(header);
    }
}

}  // namespace instructor
