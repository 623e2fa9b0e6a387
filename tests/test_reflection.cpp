// Reflection: field names, type names and enum names read from plain declarations, with no macro.

#include "catch.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

namespace reflection_test {

struct Address {
    std::string street_name;
    int house_number;
    std::optional<std::string> postcode;
};

template <class T>
struct Page {
    std::vector<T> items;
    int next_cursor;
};

enum class Priority { low, medium, high };
enum Weekday { monday = 1, tuesday, wednesday };
enum class Offset : std::int16_t { back = -100, here = 0, ahead = 100 };
enum class Wide : int { small = 1, huge = 1000 };
enum class Status { ok, failed };
enum class Bits : std::uint8_t { none = 0, top = 255 };

struct Named {
    static constexpr std::string_view schema_name = "PersonRecord";
    static constexpr std::string_view schema_description = "A person mentioned in the text";
    std::string name;
};

struct Overridden {
    static constexpr std::string_view schema_name = "IgnoredBecauseMetaWins";
    int value;
};

}  // namespace reflection_test

namespace {
struct InAnonymousNamespace {
    int first_field;
    double second_field;
};
}  // namespace

template <>
struct instructor::meta<reflection_test::Overridden> {
    static constexpr std::string_view name = "Measurement";
};

template <>
struct instructor::meta<reflection_test::Wide> {
    static constexpr int enum_min = 0;
    static constexpr int enum_max = 1000;
};

template <>
struct instructor::meta<reflection_test::Status> {
    static constexpr std::pair<reflection_test::Status, const char*> enumerators[] = {
        {reflection_test::Status::ok, "OK"}, {reflection_test::Status::failed, "FAILED"}};
};

using namespace reflection_test;
using instructor::detail::enum_entries;
using instructor::detail::field_names;

TEST_CASE("field names are read from the declaration, in order, with no macro") {
    CHECK(field_names<Address>.size() == 3);
    CHECK(field_names<Address>[0] == "street_name");
    CHECK(field_names<Address>[1] == "house_number");
    CHECK(field_names<Address>[2] == "postcode");
}

TEST_CASE("field names work for templates, local types and types in anonymous namespaces") {
    struct Local {
        bool is_local;
    };
    CHECK(field_names<Page<Address>>[0] == "items");
    CHECK(field_names<Page<Address>>[1] == "next_cursor");
    CHECK(field_names<Local>[0] == "is_local");
    CHECK(field_names<InAnonymousNamespace>[1] == "second_field");
}

TEST_CASE("a type's schema name drops namespaces and is identifier-safe on every compiler") {
    CHECK(instructor::schema_name<Address>() == "Address");
    CHECK(instructor::schema_name<Page<Address>>() == "Page_Address");
    CHECK(instructor::schema_name<Page<std::optional<int>>>() == "Page_optional_int");
    CHECK(instructor::schema_name<InAnonymousNamespace>() == "InAnonymousNamespace");
    struct Local {
        int x;
    };
    CHECK(instructor::schema_name<Local>() == "Local");
}

TEST_CASE("a type's name and description can be set by members or by meta<T>, and meta<T> wins") {
    CHECK(instructor::schema_name<Named>() == "PersonRecord");
    CHECK(instructor::schema_description<Named>() == "A person mentioned in the text");
    CHECK(instructor::schema_name<Overridden>() == "Measurement");
    CHECK(instructor::schema_description<Address>().empty());
}

TEST_CASE("enumerator names come from the enum's declaration") {
    SECTION("a scoped enum") {
        const auto& entries = enum_entries<Priority>();
        REQUIRE(entries.size() == 3);
        CHECK(entries[0] == std::pair{Priority::low, std::string("low")});
        CHECK(entries[2] == std::pair{Priority::high, std::string("high")});
    }
    SECTION("an unscoped enum with values that do not start at zero") {
        const auto& entries = enum_entries<Weekday>();
        REQUIRE(entries.size() == 3);
        CHECK(entries[0] == std::pair{monday, std::string("monday")});
        CHECK(entries[2] == std::pair{wednesday, std::string("wednesday")});
    }
    SECTION("negative values within the default range [-128, 127]") {
        const auto& entries = enum_entries<Offset>();
        REQUIRE(entries.size() == 3);
        CHECK(entries[0].second == "back");
        CHECK(entries[1].second == "here");
        CHECK(entries[2].second == "ahead");
    }
    SECTION("an unsigned underlying type scans [0, 255]") {
        const auto& entries = enum_entries<Bits>();
        REQUIRE(entries.size() == 2);
        CHECK(entries[1] == std::pair{Bits::top, std::string("top")});
    }
}

TEST_CASE("meta<E> widens the scanned range or replaces the names") {
    const auto& wide = enum_entries<Wide>();
    REQUIRE(wide.size() == 2);
    CHECK(wide[1] == std::pair{Wide::huge, std::string("huge")});

    const auto& status = enum_entries<Status>();
    REQUIRE(status.size() == 2);
    CHECK(status[0].second == "OK");
    CHECK(instructor::to_json(Status::failed) == "FAILED");
    CHECK(instructor::from_json<Status>(R"("FAILED")") == Status::failed);
}

TEST_CASE("an enum is written and read as its enumerator's name") {
    CHECK(instructor::to_json(Priority::medium) == "medium");
    CHECK(instructor::from_json<Priority>(R"("high")") == Priority::high);
    const auto schema = instructor::json_schema<Priority>();
    CHECK(schema == nlohmann::ordered_json::parse(R"({"type":"string","enum":["low","medium","high"]})"));
}
