// The fast request-body writer must write exactly what nlohmann's dump() writes.

#include "catch.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <instructor/detail/json/json_writer.hpp>

using ojson = nlohmann::ordered_json;

TEST_CASE("the body writer writes exactly what dump() writes, for every golden request body") {
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(INSTRUCTOR_GOLDEN_DIR)) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        const ojson value = ojson::parse(text.str(), nullptr, false);
        if (value.is_discarded()) continue;
        CAPTURE(entry.path().string());
        CHECK(instructor::detail::write_json(value) == value.dump());
        ++files;
    }
    CHECK(files > 100);
}

TEST_CASE("the body writer escapes like dump(): quotes, backslashes, control characters, UTF-8 as is") {
    const ojson value = {
        {"quote\"key", "a \"quoted\" \\ back\\slash"},
        {"controls", std::string("\b\f\n\r\t\x01\x1f\x7f end\0z", 14)},
        {"unicode", "Zoë 日本 😀 \xf4\x8f\xbf\xbf"},
        {"numbers", {0, -1, 18446744073709551615ULL, -9223372036854775807LL - 1, 0.1, 1e300, -0.0, 3.0}},
        {"others", {true, false, nullptr, ojson::object(), ojson::array(), ""}},
    };
    CHECK(instructor::detail::write_json(value) == value.dump());
}

TEST_CASE("the body writer rejects invalid UTF-8 as dump() does") {
    for (const std::string& bad : {std::string("\xc3"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                                   std::string("\xf4\x90\x80\x80"), std::string("a\xffz")}) {
        const ojson value = {{"text", bad}};
        CHECK_THROWS_AS(value.dump(), nlohmann::json::type_error);
        CHECK_THROWS_AS(instructor::detail::write_json(value), nlohmann::json::type_error);
    }
}
