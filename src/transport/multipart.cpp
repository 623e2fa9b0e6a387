#include <instructor/detail/transport/multipart.hpp>

#include <cstdint>
#include <cstdio>

#include <instructor/error.hpp>

namespace instructor::detail {
namespace {

// A name or file name inside a quoted header parameter: quotes and line breaks would end it.
std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('"');
    for (const char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        if (c == '\r' || c == '\n') throw ConfigurationError("a multipart field name holds a line break");
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 1469598103934665603ULL) noexcept {
    for (const unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
    return hash;
}

}  // namespace

void MultipartForm::add_field(std::string_view name, std::string_view value) {
    Part part;
    part.headers = "Content-Disposition: form-data; name=" + quoted(name) + "\r\n";
    part.owned = std::string(value);
    parts_.push_back(std::move(part));
}

void MultipartForm::add_file(std::string_view name, std::string_view file_name, std::string_view content_type,
                             std::string_view content) {
    Part part;
    part.headers = "Content-Disposition: form-data; name=" + quoted(name) + "; filename=" + quoted(file_name) +
                   "\r\nContent-Type: " + std::string(content_type) + "\r\n";
    part.content = content;
    part.is_file = true;
    parts_.push_back(std::move(part));
}

std::string MultipartForm::body() {
    const auto content_of = [](const Part& part) -> std::string_view {
        return part.is_file ? part.content : std::string_view(part.owned);
    };
    // The boundary comes from the parts themselves: the same request is written the same way.
    std::uint64_t hash = 1469598103934665603ULL;
    for (const auto& part : parts_) hash = fnv1a(content_of(part), fnv1a(part.headers, hash));
    std::string boundary;
    for (int attempt = 0;; ++attempt) {
        char text[48];
        std::snprintf(text, sizeof text, "instructor-%016llx-%d", static_cast<unsigned long long>(hash), attempt);
        boundary = text;
        bool clash = false;
        for (const auto& part : parts_) clash = clash || content_of(part).find(boundary) != std::string_view::npos;
        if (!clash) break;
    }
    std::size_t size = 0;
    for (const auto& part : parts_) size += boundary.size() + part.headers.size() + content_of(part).size() + 12;
    std::string out;
    out.reserve(size + boundary.size() + 8);
    for (const auto& part : parts_) {
        out.append("--").append(boundary).append("\r\n").append(part.headers).append("\r\n");
        out.append(content_of(part)).append("\r\n");
    }
    out.append("--").append(boundary).append("--\r\n");
    content_type_ = "multipart/form-data; boundary=" + boundary;
    return out;
}

}  // namespace instructor::detail
