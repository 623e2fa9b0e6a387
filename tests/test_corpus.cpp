// The corpus test: every type in tests/corpus/corpus_types.hpp is checked five ways.
//
//  1. Its schema, in all three forms, equals the golden file tests/golden/corpus/<Name>.<form>.json
//     (order-sensitive). Run with INSTRUCTOR_UPDATE_GOLDEN=1 to rewrite the files instead, then
//     review the diff: a golden file is a claim that the schema is right.
//  2. The schemas obey the rules of their form (closed objects, required lists, identifier-safe
//     $defs names, no $ref when inlined, every property required and constraints moved into the
//     description when OpenAI strict).
//  3. Hand-written JSON instances, each with its intended verdict: the independent validator
//     (tests/support/schema_validator.hpp) on the plain schema and the strict parser both give that
//     verdict; the inlined schema agrees with the plain one; what the OpenAI strict schema allows
//     the lax parser accepts; what the lax parser accepts, it turns into a value the plain schema
//     allows.
//  4. Values built in code survive to_json -> from_json (strict) -> to_json unchanged, and every
//     schema form allows their JSON.

#include "catch.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "corpus/corpus_registry.hpp"
#include "corpus/corpus_types.hpp"

#include "grammar_spelling.hpp"
#include "schema_validator.hpp"

#ifndef INSTRUCTOR_GOLDEN_DIR
#error "INSTRUCTOR_GOLDEN_DIR must name the tests/golden directory"
#endif

namespace {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
using instructor::SchemaForm;
using namespace corpus_test;  // NOLINT: the registry is what this file checks
using namespace corpus;       // NOLINT

// ==== the corpus ======================================================================================

const std::vector<CorpusType>& corpus_types() {
    static const std::vector<CorpusType> types = [] {
        std::vector<CorpusType> t;
        add_corpus_part_1(t);
        add_corpus_part_2(t);
        add_corpus_part_3(t);
        return t;
    }();
    return types;
}

// ==== schema helpers ==================================================================================

constexpr std::pair<SchemaForm, const char*> forms[] = {
    {SchemaForm::plain, "plain"}, {SchemaForm::openai_strict, "openai_strict"}, {SchemaForm::inlined, "inlined"}};

bool is_error(const ojson& schema) { return schema.size() == 1 && schema.contains("error"); }

std::filesystem::path golden_path(const std::string& name, const char* form) {
    return std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "corpus" / (name + "." + form + ".json");
}

bool updating_golden_files() {
    const char* flag = std::getenv("INSTRUCTOR_UPDATE_GOLDEN");
    return flag != nullptr && std::string_view(flag) == "1";
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A "$ref" (whose siblings are only annotations) resolved against its root; other schemas as they are.
const ojson& resolve(const ojson& root, const ojson& schema) {
    if (!schema.is_object() || !schema.contains("$ref")) return schema;
    const auto& ref = schema["$ref"].get_ref<const std::string&>();
    return root.at(ojson::json_pointer(ref.substr(1)));
}

bool is_nullable(const ojson& schema) {
    if (!schema.contains("anyOf")) return false;
    const auto& options = schema["anyOf"];
    return std::any_of(options.begin(), options.end(), [](const ojson& option) {
        return option == ojson{{"type", "null"}};
    });
}

std::string description_of(const ojson& schema) {
    return schema.contains("description") ? schema["description"].get<std::string>() : std::string();
}

/// Checks the rules every schema of `form` obeys, walking every subschema; adds what breaks them.
void check_form_rules(const ojson& schema, SchemaForm form, bool recursive, const std::string& where,
                      std::vector<std::string>& problems) {
    auto problem = [&](const std::string& text) { problems.push_back(where + ": " + text); };
    if (!schema.is_object()) {
        problem("a subschema is not an object");
        return;
    }
    if (schema.contains("$ref")) {
        if (schema["$ref"] == "#") problem("$ref to the root \"#\" (servers resolve only #/$defs/Name)");
        if (form == SchemaForm::inlined && !recursive) problem("$ref in the inlined form of a non-recursive type");
        for (const auto& [key, value] : schema.items())
            if (key != "$ref" && key != "description" && key != "default") problem("$ref next to " + key);
        if (form == SchemaForm::openai_strict && schema.size() != 1) problem("$ref with siblings in strict form");
    }
    if (schema.contains("$defs")) {
        if (form == SchemaForm::inlined && !recursive) problem("$defs in the inlined form of a non-recursive type");
        static const std::regex identifier("^[A-Za-z_][A-Za-z0-9_]*$");
        for (const auto& [name, definition] : schema["$defs"].items()) {
            if (!std::regex_match(name, identifier)) problem("$defs name is not identifier-safe: " + name);
            check_form_rules(definition, form, recursive, where + "/$defs/" + name, problems);
        }
    }
    if (form == SchemaForm::openai_strict) {
        for (const char* key : {"default", "minLength", "maxLength", "uniqueItems"})
            if (schema.contains(key)) problem(std::string("strict form carries ") + key);
    }
    if (schema.contains("properties")) {
        if (schema.value("type", "") != "object") problem("properties without type object");
        if (!schema.contains("additionalProperties") || schema["additionalProperties"] != false)
            problem("object not closed with additionalProperties: false");
        const auto& properties = schema["properties"];
        std::vector<std::string> names;
        for (const auto& [name, property] : properties.items()) {
            names.push_back(name);
            check_form_rules(property, form, recursive, where + "/properties/" + name, problems);
        }
        std::vector<std::string> required;
        if (schema.contains("required"))
            for (const auto& name : schema["required"]) required.push_back(name.get<std::string>());
        // required lists properties in declaration order.
        std::size_t at = 0;
        for (const auto& name : required) {
            while (at < names.size() && names[at] != name) ++at;
            if (at == names.size()) problem("required names a missing or out-of-order property: " + name);
        }
        if (form == SchemaForm::openai_strict && required != names)
            problem("strict form does not require every property");
        if (form == SchemaForm::openai_strict && !schema.contains("required")) problem("strict form without required");
    } else if (schema.value("type", "") == "object") {
        if (form == SchemaForm::openai_strict) problem("strict form with an open object (a map)");
        if (schema.contains("additionalProperties"))
            check_form_rules(schema["additionalProperties"], form, recursive, where + "/additionalProperties",
                             problems);
        else
            problem("a map without additionalProperties");
    }
    if (schema.contains("items")) check_form_rules(schema["items"], form, recursive, where + "/items", problems);
    if (schema.contains("anyOf")) {
        std::size_t i = 0;
        for (const auto& option : schema["anyOf"])
            check_form_rules(option, form, recursive, where + "/anyOf/" + std::to_string(i++), problems);
    }
}

/// Walks the plain and the OpenAI strict schema side by side: an optional property becomes a
/// nullable (or defaulted) required one, and each keyword strict form cannot carry is said in words.
void compare_plain_and_strict(const ojson& plain_root, const ojson& plain_at, const ojson& strict_root,
                              const ojson& strict_at, const std::string& where,
                              std::set<std::pair<const ojson*, const ojson*>>& seen,
                              std::vector<std::string>& problems) {
    auto problem = [&](const std::string& text) { problems.push_back(where + ": " + text); };
    const ojson& p = resolve(plain_root, plain_at);
    const ojson& s = resolve(strict_root, strict_at);
    const std::string words = description_of(strict_at.contains("$ref") ? s : strict_at);
    if (plain_at.contains("default") && words.find("default " + plain_at["default"].dump()) == std::string::npos)
        problem("strict description does not state the default " + plain_at["default"].dump());
    if ((p.contains("minLength") || p.contains("maxLength")) && words.find("character") == std::string::npos)
        problem("strict description does not state the length limit");
    if (p.contains("uniqueItems") && words.find("unique items") == std::string::npos)
        problem("strict description does not state unique items");
    if (!seen.emplace(&p, &s).second) return;
    if (p.value("type", "") != s.value("type", "")) problem("types differ");
    for (const char* key :
         {"enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"})
        if (p.contains(key) && (!s.contains(key) || p[key] != s[key])) problem(std::string("strict form lost ") + key);
    if (p.contains("properties")) {
        const auto& pp = p["properties"];
        if (!s.contains("properties") || s["properties"].size() != pp.size()) {
            problem("properties differ");
            return;
        }
        const ojson plain_required = p.value("required", ojson::array());
        for (const auto& [name, property] : pp.items()) {
            if (!s["properties"].contains(name)) {
                problem("strict form lost property " + name);
                continue;
            }
            const auto& strict_property = s["properties"][name];
            const bool required = std::find(plain_required.begin(), plain_required.end(), name) != plain_required.end();
            if (!required && !is_nullable(strict_property) && !property.contains("default") &&
                !resolve(plain_root, property).contains("default"))
                problem("optional property " + name + " is neither nullable nor defaulted in strict form");
            compare_plain_and_strict(plain_root, property, strict_root, strict_property, where + "/" + name, seen,
                                     problems);
        }
    }
    if (p.contains("items") && s.contains("items"))
        compare_plain_and_strict(plain_root, p["items"], strict_root, s["items"], where + "/items", seen, problems);
    if (p.contains("anyOf")) {
        if (!s.contains("anyOf") || s["anyOf"].size() != p["anyOf"].size()) {
            problem("anyOf differs");
            return;
        }
        for (std::size_t i = 0; i < p["anyOf"].size(); ++i)
            compare_plain_and_strict(plain_root, p["anyOf"][i], strict_root, s["anyOf"][i],
                                     where + "/anyOf/" + std::to_string(i), seen, problems);
    }
}

/// The plain schema with every "$ref" replaced by what it refers to (its siblings kept) and no $defs:
/// what the inlined form should be. Only for non-recursive schemas.
json expand_refs(const json& root, const json& schema) {
    if (schema.is_array()) {
        json out = json::array();
        for (const auto& item : schema) out.push_back(expand_refs(root, item));
        return out;
    }
    if (!schema.is_object()) return schema;
    json out = json::object();
    if (schema.contains("$ref")) {
        const auto& ref = schema["$ref"].get_ref<const std::string&>();
        out = expand_refs(root, root.at(json::json_pointer(ref.substr(1))));
        out.erase("$defs");
    }
    for (const auto& [key, value] : schema.items()) {
        if (key == "$ref" || key == "$defs") continue;
        // Keyword values that hold schemas are expanded; others (enum, default, required) are data.
        const bool holds_schemas = key == "items" || key == "anyOf" || key == "additionalProperties";
        if (key == "properties") {
            json properties = json::object();
            for (const auto& [name, property] : value.items()) properties[name] = expand_refs(root, property);
            out[key] = properties;
        } else {
            out[key] = holds_schemas ? expand_refs(root, value) : value;
        }
    }
    return out;
}

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::allowed: return "allowed";
        case Verdict::forbidden: return "forbidden";
        case Verdict::forbidden_in_words: return "forbidden (strict form says it in words)";
        case Verdict::beyond_type: return "forbidden by the parser only (beyond the C++ type's range)";
    }
    return "?";
}

std::string violations_text(const json& schema, const json& instance) {
    std::string text;
    for (const auto& v : test_support::validate_against_schema(schema, instance))
        text += "\n  " + (v.pointer.empty() ? std::string("(root)") : v.pointer) + " [" + v.keyword + "] " + v.message;
    return text.empty() ? std::string(" none") : text;
}

}  // namespace

// ==== tests =============================================================================================

TEST_CASE("the corpus covers at least 28 types, each with at least 3 allowed and 4 forbidden instances") {
    const auto& types = corpus_types();
    CHECK(types.size() >= 28);
    std::set<std::string> names;
    for (const auto& type : types) {
        INFO(type.name);
        CHECK(names.insert(type.name).second);
        const auto allowed_count = std::count_if(type.instances.begin(), type.instances.end(),
                                                 [](const Instance& i) { return i.verdict == Verdict::allowed; });
        CHECK(allowed_count >= 3);
        CHECK(static_cast<std::ptrdiff_t>(type.instances.size()) - allowed_count >= 4);
        for (const auto& instance : type.instances) {
            INFO(instance.text);
            CHECK_FALSE(json::parse(instance.text, nullptr, false).is_discarded());
        }
    }
}

TEST_CASE("every corpus schema, in every form, equals its golden file") {
    const bool update = updating_golden_files();
    if (update) {
        WARN("INSTRUCTOR_UPDATE_GOLDEN=1: writing golden files under " << INSTRUCTOR_GOLDEN_DIR
                                                                       << "/corpus instead of comparing");
        std::filesystem::create_directories(std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "corpus");
    }
    std::set<std::filesystem::path> expected_files;
    for (const auto& type : corpus_types()) {
        for (const auto& [form, form_name] : forms) {
            const auto path = golden_path(type.name, form_name);
            expected_files.insert(path);
            const ojson actual = type.schema(form);
            INFO(path.string());
            if (update) {
                std::ofstream(path, std::ios::binary) << actual.dump(2) << '\n';
                continue;
            }
            if (!std::filesystem::exists(path)) {
                FAIL_CHECK("missing golden file; run the tests with INSTRUCTOR_UPDATE_GOLDEN=1 and review it");
                continue;
            }
            const ojson golden = ojson::parse(read_text(path), nullptr, false);
            REQUIRE_FALSE(golden.is_discarded());
            INFO("actual:\n" << actual.dump(2) << "\ngolden:\n" << golden.dump(2));
            CHECK(actual == golden);  // ordered_json: key order counts
        }
    }
    // No stale golden file for a type that left the corpus.
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(INSTRUCTOR_GOLDEN_DIR) / "corpus")) {
        INFO(entry.path().string());
        CHECK(expected_files.count(entry.path()) == 1);
    }
}

TEST_CASE("only maps and free-form JSON make the OpenAI strict form throw, the inlined form takes every type") {
    for (const auto& type : corpus_types()) {
        INFO(type.name);
        CHECK_FALSE(is_error(type.schema(SchemaForm::plain)));
        CHECK_FALSE(is_error(type.schema(SchemaForm::inlined)));
    }
    auto strict_error = [](const std::string& name) {
        for (const auto& type : corpus_types())
            if (type.name == name) return type.schema(SchemaForm::openai_strict).value("error", std::string());
        return std::string("no such corpus type");
    };
    CHECK(strict_error("InventorySnapshot").find("a map (std::map / std::unordered_map) at /by_warehouse") == 0);
    CHECK(strict_error("WebhookEvent").find("a free-form value (nlohmann::json) at /payload") == 0);
    for (const auto& type : corpus_types()) {
        if (type.name == "InventorySnapshot" || type.name == "WebhookEvent") continue;
        INFO(type.name);
        CHECK_FALSE(is_error(type.schema(SchemaForm::openai_strict)));
    }
}

TEST_CASE("corpus schemas follow the rules of their form") {
    for (const auto& type : corpus_types()) {
        for (const auto& [form, form_name] : forms) {
            const ojson schema = type.schema(form);
            if (is_error(schema)) continue;
            std::vector<std::string> problems;
            check_form_rules(schema, form, type.recursive, "#", problems);
            INFO(type.name << " (" << form_name << "):\n" << schema.dump(2));
            for (const auto& problem : problems) FAIL_CHECK(problem);
        }
        const ojson plain = type.schema(SchemaForm::plain);
        const ojson strict = type.schema(SchemaForm::openai_strict);
        if (is_error(strict)) continue;
        std::vector<std::string> problems;
        std::set<std::pair<const ojson*, const ojson*>> seen;
        compare_plain_and_strict(plain, plain, strict, strict, "#", seen, problems);
        INFO(type.name << " plain vs strict");
        for (const auto& problem : problems) FAIL_CHECK(problem);
    }
}

TEST_CASE(
    "the inlined schema of a non-recursive corpus type is its plain schema with every $ref expanded "
    "and every pattern spelled for grammars") {
    for (const auto& type : corpus_types()) {
        if (type.recursive) continue;
        const json plain = type.schema(SchemaForm::plain);
        const json inlined = type.schema(SchemaForm::inlined);
        const json expanded = test_support::grammar_spelling(expand_refs(plain, plain));
        INFO(type.name << "\ninlined:\n" << inlined.dump(2) << "\nplain, expanded:\n" << expanded.dump(2));
        CHECK(inlined == expanded);
    }
}

TEST_CASE("same-named structs get distinct $defs names, and name overrides and templates name their $defs") {
    auto defs_of = [](const std::string& name) {
        for (const auto& type : corpus_types())
            if (type.name == name) {
                const ojson schema = type.schema(SchemaForm::plain);
                std::vector<std::string> names;
                for (const auto& [key, value] : schema["$defs"].items()) names.push_back(key);
                return names;
            }
        return std::vector<std::string>{};
    };
    CHECK(defs_of("Invoice") == std::vector<std::string>{"InvoiceLine", "PostalAddress", "PostalAddress_2", "Money"});
    CHECK(defs_of("CalendarEvent") == std::vector<std::string>{"Location", "Attendee"});
    CHECK(defs_of("SearchResults") == std::vector<std::string>{"Paged_Attendee", "Paged_int", "Attendee"});
    CHECK(defs_of("Inbox") == std::vector<std::string>{"Ticket"});
    // A reference back to the root names the root's own $defs entry.
    CHECK(defs_of("Question") == std::vector<std::string>{"Answer", "Question"});
    CHECK(defs_of("Answer") == std::vector<std::string>{"Question", "Answer"});
    CHECK(instructor::schema_name<Paged<Attendee>>() == "Paged_Attendee");
    CHECK(instructor::schema_name<vendor::GeoPoint>() == "Location");
    CHECK(instructor::schema_name<LineItem>() == "InvoiceLine");
    CHECK(instructor::schema_name<SupportTicket>() == "Ticket");
    CHECK(instructor::schema_name<billing::PostalAddress>() == "PostalAddress");
    CHECK(instructor::schema_description<UserProfile>() == "A person mentioned in the text");
    CHECK(instructor::schema_description<vendor::GeoPoint>() == "A point on the Earth (WGS 84)");
    CHECK(instructor::schema_description<Money>().empty());
}

TEST_CASE("the plain schema and the strict parser give every corpus instance its intended verdict") {
    std::size_t checked = 0;
    for (const auto& type : corpus_types()) {
        const json plain = type.schema(SchemaForm::plain);
        for (const auto& instance : type.instances) {
            const json value = json::parse(instance.text);
            const bool intended = instance.verdict == Verdict::allowed;
            const bool schema_says = test_support::schema_allows(plain, value);
            const ParseOutcome strict = type.parse(value, true);
            INFO(type.name << ": " << value.dump() << "\n  intended: " << verdict_name(instance.verdict)
                           << "\n  plain schema: " << (schema_says ? "allows" : "forbids")
                           << "; violations:" << violations_text(plain, value)
                           << "\n  strict parser: " << (strict.accepted ? "accepts" : "rejects: " + strict.errors));
            CHECK(schema_says == (intended || instance.verdict == Verdict::beyond_type));
            CHECK(strict.accepted == intended);
            ++checked;
        }
    }
    CHECK(checked >= 28 * 7);
}

TEST_CASE("the inlined schema of every corpus type gives the same verdicts as the plain one") {
    for (const auto& type : corpus_types()) {
        const json plain = type.schema(SchemaForm::plain);
        const json inlined = type.schema(SchemaForm::inlined);
        for (const auto& instance : type.instances) {
            const json value = json::parse(instance.text);
            INFO(type.name << ": " << value.dump() << "\n  plain violations:" << violations_text(plain, value)
                           << "\n  inlined violations:" << violations_text(inlined, value));
            CHECK(test_support::schema_allows(inlined, value) == test_support::schema_allows(plain, value));
        }
    }
}

TEST_CASE("whatever the OpenAI strict schema allows, the lax parser accepts") {
    for (const auto& type : corpus_types()) {
        const ojson strict_schema = type.schema(SchemaForm::openai_strict);
        if (is_error(strict_schema)) continue;
        const json strict(strict_schema);
        const json plain = type.schema(SchemaForm::plain);
        for (const auto& instance : type.instances) {
            const json value = json::parse(instance.text);
            const bool strict_allows = test_support::schema_allows(strict, value);
            const ParseOutcome lax = type.parse(value, false);
            INFO(type.name << ": " << value.dump() << "\n  intended: " << verdict_name(instance.verdict)
                           << "\n  strict-form violations:" << violations_text(strict, value)
                           << "\n  lax parser: " << (lax.accepted ? "accepts" : "rejects: " + lax.errors));
            if (instance.verdict == Verdict::forbidden_in_words) {
                // The label must be true: the strict form allows it and the plain schema does not.
                CHECK(strict_allows);
                CHECK_FALSE(test_support::schema_allows(plain, value));
            } else if (instance.verdict == Verdict::beyond_type) {
                CHECK_FALSE(lax.accepted);  // no reading makes 32768 an int16_t
            } else if (strict_allows) {
                CHECK(lax.accepted);
            }
        }
    }
}

TEST_CASE("the lax parser accepts what the strict parser accepts, and what it accepts the plain schema allows") {
    for (const auto& type : corpus_types()) {
        const json plain = type.schema(SchemaForm::plain);
        for (const auto& instance : type.instances) {
            const json value = json::parse(instance.text);
            const ParseOutcome strict = type.parse(value, true);
            const ParseOutcome lax = type.parse(value, false);
            INFO(type.name << ": " << value.dump() << "\n  strict parser: "
                           << (strict.accepted ? "accepts" : "rejects: " + strict.errors) << "\n  lax parser: "
                           << (lax.accepted ? "accepts, reads " + lax.written.dump() : "rejects: " + lax.errors));
            if (strict.accepted) {
                CHECK(lax.accepted);
                CHECK(lax.written == strict.written);
            }
            if (lax.accepted) {
                INFO("plain-schema violations of what lax read:" << violations_text(plain, lax.written));
                CHECK(test_support::schema_allows(plain, lax.written));
                CHECK(type.parse(lax.written, true).accepted);
            }
        }
    }
}

TEST_CASE("every corpus value survives to_json, a strict from_json and to_json again unchanged") {
    std::size_t values = 0;
    for (const auto& type : corpus_types()) {
        const auto trips = type.round_trips();
        INFO(type.name);
        CHECK(trips.size() >= 3);
        for (const auto& trip : trips) {
            INFO("to_json: " << trip.first.dump()
                             << "\nread back: " << (trip.reread ? trip.second.dump() : "rejected: " + trip.errors));
            REQUIRE(trip.reread);
            CHECK(trip.second == trip.first);
            CHECK(trip.second.dump() == trip.first.dump());  // same JSON types too (1 vs 1.0)
            ++values;
        }
    }
    CHECK(values >= 150);
}

TEST_CASE("every schema form that exists allows the JSON of every corpus value") {
    for (const auto& type : corpus_types()) {
        const auto trips = type.round_trips();
        for (const auto& [form, form_name] : forms) {
            const ojson schema_ordered = type.schema(form);
            if (is_error(schema_ordered)) continue;
            const json schema(schema_ordered);
            for (const auto& trip : trips) {
                INFO(type.name << " (" << form_name << "): " << trip.first.dump()
                               << "\n  violations:" << violations_text(schema, trip.first));
                CHECK(test_support::schema_allows(schema, trip.first));
            }
        }
    }
}
