#pragma once
// URLs as they may be shown or stored: without the credentials a user may have put in them.

#include <string>
#include <string_view>

namespace instructor::detail {

/// Whether a header or query parameter of this name may carry a credential (authorization, api-key,
/// x-auth, token, secret, password, session, signature, sig, code, ...), compared case-insensitively.
[[nodiscard]] bool credential_name(std::string_view name);

/// `url` without user:password@, and with the value of every query parameter whose name may carry a
/// credential replaced by REDACTED: what hooks, errors and cassettes may show.
[[nodiscard]] std::string redact_url(std::string_view url);

/// `base` with `path` appended to its path, before any query or fragment it has
/// ("http://h/v1?api-version=2" + "/chat/completions" = "http://h/v1/chat/completions?api-version=2").
[[nodiscard]] std::string append_path(std::string_view base, std::string_view path);

/// scheme://host[:port] of a URL, without credentials.
[[nodiscard]] std::string origin_of(std::string_view url);

}  // namespace instructor::detail
