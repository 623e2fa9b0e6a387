#pragma once
// A multipart/form-data body (RFC 7578), written into an ordinary HttpRequest body so that it goes
// over any Transport: libcurl, a callable, a cassette. The Files APIs take batch input this way.

#include <string>
#include <string_view>
#include <vector>

namespace instructor::detail {

class MultipartForm {
public:
    /// A boundary that occurs in none of the parts is chosen when the body is written, the same
    /// for the same parts every time (a cassette matches the request again).
    void add_field(std::string_view name, std::string_view value);
    void add_file(std::string_view name, std::string_view file_name, std::string_view content_type,
                  std::string_view content);

    /// The body, and the Content-Type header that names its boundary. Call body() first.
    [[nodiscard]] std::string body();
    [[nodiscard]] const std::string& content_type() const noexcept { return content_type_; }

private:
    struct Part {
        std::string headers;  // Content-Disposition (and Content-Type) lines
        std::string_view content;
        std::string owned;  // a field's value (a file's content is only viewed)
        bool is_file = false;
    };
    std::vector<Part> parts_;
    std::string content_type_;
};

}  // namespace instructor::detail
