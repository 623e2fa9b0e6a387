#pragma once
// What moves bytes: one HTTP exchange. The libcurl transport is the default (see client issues);
// any callable with this signature works too: a recording, a test double, an in-process backend.

#include <functional>
#include <string>

#include <instructor/provider.hpp>

namespace instructor {

struct HttpRequest {
    std::string url;
    HttpHeaders headers;
    std::string body;
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;
    std::string body;
};

using Transport = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace instructor
