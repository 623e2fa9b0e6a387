#include <instructor/detail/core/url.hpp>

#include <array>
#include <cctype>

namespace instructor::detail {
namespace {

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Where the authority (user:password@host:port) of `url` ends and begins.
struct Authority {
    std::size_t begin = 0;
    std::size_t end = 0;
};

Authority authority_of(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {};
    const std::size_t begin = scheme + 3;
    const auto end = url.find_first_of("/?#", begin);
    return {begin, end == std::string_view::npos ? url.size() : end};
}

}  // namespace

bool credential_name(std::string_view name) {
    const std::string n = lowercase(name);
    // Words found anywhere in the name...
    static constexpr std::array<std::string_view, 11> parts{"auth",    "key",        "token",  "secret",
                                                            "cookie",  "password",   "passwd", "signature",
                                                            "session", "credential", "bearer"};
    for (const auto part : parts)
        if (n.find(part) != std::string::npos) return true;
    // ...and short names that are credentials only as a whole (Azure SAS "sig", OAuth "code").
    static constexpr std::array<std::string_view, 6> whole{"sig", "code", "pwd", "pass", "sas", "jwt"};
    for (const auto word : whole)
        if (n == word) return true;
    return false;
}

std::string redact_url(std::string_view url) {
    std::string out(url);
    const Authority authority = authority_of(out);
    if (const auto at = out.rfind('@', authority.end);
        authority.end > 0 && at != std::string::npos && at >= authority.begin)
        out.erase(authority.begin, at + 1 - authority.begin);
    const auto query = out.find('?');
    if (query == std::string::npos) return out;
    const auto fragment = out.find('#', query);
    std::string redacted = out.substr(0, query + 1);
    std::string_view rest = std::string_view(out).substr(
        query + 1, fragment == std::string::npos ? std::string::npos : fragment - query - 1);
    for (bool first = true;; first = false) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        if (!first) redacted += '&';
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && credential_name(pair.substr(0, eq)))
            redacted.append(pair.substr(0, eq)).append("=REDACTED");
        else
            redacted += pair;
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    if (fragment != std::string::npos) redacted += out.substr(fragment);
    return redacted;
}

std::string append_path(std::string_view base, std::string_view path) {
    const Authority authority = authority_of(base);
    const auto tail = base.find_first_of("?#", authority.end);
    std::string out(base.substr(0, tail));
    while (!out.empty() && out.back() == '/' && out.size() > authority.end) out.pop_back();
    out += path;
    if (tail != std::string_view::npos) out += base.substr(tail);
    return out;
}

std::string origin_of(std::string_view url) {
    const Authority authority = authority_of(url);
    std::string_view host = url.substr(authority.begin, authority.end - authority.begin);
    if (const auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
    return std::string(url.substr(0, authority.begin)).append(host);
}

}  // namespace instructor::detail
