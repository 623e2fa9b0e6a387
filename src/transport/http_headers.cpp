#include <instructor/transport.hpp>

#include <algorithm>
#include <cctype>

#include <instructor/detail/core/text.hpp>
#include <instructor/error.hpp>

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

void check_request_headers(const HttpHeaders& headers, std::string_view whose) {
    // RFC 9110's token characters: anything else in a name ends it or smuggles another.
    const auto token = [](unsigned char c) {
        return std::isalnum(c) ||
               std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    };
    for (const auto& [name, value] : headers) {
        if (name.empty() ||
            !std::all_of(name.begin(), name.end(), [&](char c) { return token(static_cast<unsigned char>(c)); }))
            throw ConfigurationError(std::string(whose) + ": the header name \"" + detail::printable(name, 100) +
                                     "\" is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~ only)");
        if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
            throw ConfigurationError(std::string(whose) + ": the value of the header \"" + name +
                                     "\" holds a line break or a NUL byte, which would end the header and let the rest "
                                     "be read as other headers or a body (a key read from a file with its newline?); "
                                     "remove it");
        for (const char* framing : {"content-length", "transfer-encoding", "host", "connection", "expect", "te",
                                    "upgrade", "trailer", "keep-alive", "proxy-connection"})
            if (same_name(name, framing))
                throw ConfigurationError(std::string(whose) + ": the header \"" + name +
                                         "\" frames the request, which the transport does itself; leave it out");
    }
}

}  // namespace instructor
