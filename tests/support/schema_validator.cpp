// Independent JSON Schema (draft 2020-12 subset) validator for the test suite.
// See schema_validator.hpp for the supported keywords. Nothing from the library is used here.
#include "schema_validator.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace test_support {
namespace {

using nlohmann::json;
using Violations = std::vector<SchemaViolation>;
using KeywordSet = std::set<std::string, std::less<>>;

// ---------------------------------------------------------------------------------------------
// Exact comparison of JSON numbers.

// An integer as sign and magnitude, so that every int64 and every uint64 value fits exactly.
// Zero is never negative.
struct WideInt {
    bool negative;
    std::uint64_t magnitude;
};

WideInt to_wide(const json& j) {
    if (j.is_number_unsigned()) return {false, j.get<std::uint64_t>()};
    const auto i = j.get<std::int64_t>();
    const auto bits = static_cast<std::uint64_t>(i);  // two's complement, well defined
    return i < 0 ? WideInt{true, std::uint64_t{0} - bits} : WideInt{false, bits};
}

int compare_wide(WideInt a, WideInt b) {
    if (a.negative != b.negative) return a.negative ? -1 : 1;
    if (a.magnitude == b.magnitude) return 0;
    const bool smaller_magnitude = a.magnitude < b.magnitude;
    return smaller_magnitude != a.negative ? -1 : 1;
}

constexpr double two_pow_64 = 18446744073709551616.0;

// Compares an integer with a (finite) double without rounding the integer.
int compare_wide_double(WideInt a, double d) {
    if (d >= two_pow_64) return -1;
    if (d <= -two_pow_64) return 1;
    const double whole = std::floor(d);  // |whole| < 2^64, so it converts exactly
    const WideInt w{whole < 0, static_cast<std::uint64_t>(std::fabs(whole))};
    if (const int c = compare_wide(a, w); c != 0) return c;
    return whole == d ? 0 : -1;  // a == floor(d) <= d
}

// Three-way comparison of two JSON numbers; exact whenever an integer is involved.
int compare_numbers(const json& a, const json& b) {
    const bool a_float = a.is_number_float();
    const bool b_float = b.is_number_float();
    if (a_float && b_float) {
        const double x = a.get<double>(), y = b.get<double>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (!a_float && !b_float) return compare_wide(to_wide(a), to_wide(b));
    if (b_float) return compare_wide_double(to_wide(a), b.get<double>());
    return -compare_wide_double(to_wide(b), a.get<double>());
}

// JSON equality as JSON Schema defines it: numbers compare by mathematical value (1 == 1.0).
bool json_equal(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return compare_numbers(a, b) == 0;
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), json_equal);
    }
    if (a.is_object()) {
        if (a.size() != b.size()) return false;
        for (const auto& [key, value] : a.items()) {
            const auto it = b.find(key);
            if (it == b.end() || !json_equal(value, *it)) return false;
        }
        return true;
    }
    return a == b;
}

bool is_integer_valued(const json& j) {
    if (j.is_number_integer()) return true;  // covers signed and unsigned
    if (!j.is_number_float()) return false;
    const double d = j.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
}

// A non-negative integer usable as a count (minItems, maxLength, ...).
bool is_count(const json& j) {
    if (j.is_number_unsigned()) return true;
    if (j.is_number_integer()) return j.get<std::int64_t>() >= 0;
    return is_integer_valued(j) && j.get<double>() >= 0 && j.get<double>() < two_pow_64;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

std::size_t count_code_points(std::string_view utf8) {
    // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
    return static_cast<std::size_t>(std::count_if(
        utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

std::string pointer_token(std::string_view token) {
    std::string out;
    for (const char c : token) {
        switch (c) {
            case '~': out += "~0"; break;
            case '/': out += "~1"; break;
            default: out += c;
        }
    }
    return out;
}

std::string child(const std::string& pointer, std::string_view token) { return pointer + "/" + pointer_token(token); }

std::string child(const std::string& pointer, std::size_t index) { return pointer + "/" + std::to_string(index); }

std::string percent_decode(std::string_view s) {
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// A value for a message, shortened so that violations stay readable.
std::string brief(const json& j) {
    std::string text = j.dump();
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
}

bool has_type(const std::string& type, const json& instance) {
    if (type == "null") return instance.is_null();
    if (type == "boolean") return instance.is_boolean();
    if (type == "object") return instance.is_object();
    if (type == "array") return instance.is_array();
    if (type == "string") return instance.is_string();
    if (type == "number") return instance.is_number();
    if (type == "integer") return is_integer_valued(instance);
    return false;
}

const KeywordSet type_names = {"null", "boolean", "object", "array", "string", "number", "integer"};

const KeywordSet annotation_keywords = {"description", "title", "default",  "examples",
                                        "$schema",     "$id",   "$comment", "format"};

// Subschema-valued keywords, by the shape of their value.
const KeywordSet single_schema_keywords = {"additionalProperties", "items", "not"};
const KeywordSet schema_array_keywords = {"prefixItems", "anyOf", "oneOf", "allOf"};
const KeywordSet schema_map_keywords = {"properties", "$defs"};
const KeywordSet count_keywords = {"minItems", "maxItems", "minLength", "maxLength"};
const KeywordSet bound_keywords = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"};

// ---------------------------------------------------------------------------------------------
// The validator.

class Validator {
public:
    explicit Validator(const json& root) : root_(root) { check_schema(root, "#"); }

    void validate(const json& schema, const json& instance, const std::string& pointer, Violations& out,
                  int depth) const {
        if (schema.is_boolean()) {
            if (!schema.get<bool>()) out.push_back({pointer, "false", "the schema `false` rejects every value"});
            return;
        }
        // In-place applicators ($ref, allOf, ...) raise the depth; descending into the instance
        // resets it. Only a $ref cycle that never consumes the instance can exceed the limit.
        if (depth > max_in_place_depth) {
            throw std::invalid_argument("$ref cycle that never descends into the instance");
        }
        for (const auto& [key, value] : schema.items()) {
            apply_keyword(key, value, schema, instance, pointer, out, depth);
        }
    }

private:
    static constexpr int max_in_place_depth = 200;

    const json& root_;
    std::set<const json*> checked_;  // schemas already checked (recursive $refs)

    [[noreturn]] static void malformed(const std::string& where, const std::string& what) {
        throw std::invalid_argument("malformed schema at " + where + ": " + what);
    }

    const json& resolve(const json& ref) const {
        const std::string text = ref.get<std::string>();
        if (text.empty() || text.front() != '#') {
            throw std::invalid_argument("unsupported $ref '" + text + "' (only \"#...\" references)");
        }
        try {
            return root_.at(json::json_pointer(percent_decode(text.substr(1))));
        } catch (const json::exception& e) {
            throw std::invalid_argument("$ref '" + text + "' does not resolve: " + e.what());
        }
    }

    // Checks the whole schema up front, so that unsupported keywords are reported even in
    // branches that a particular instance never reaches.
    void check_schema(const json& schema, const std::string& where) {
        if (schema.is_boolean()) return;
        if (!schema.is_object()) malformed(where, "a schema must be an object or a boolean");
        if (!checked_.insert(&schema).second) return;
        for (const auto& [key, value] : schema.items()) {
            const std::string at = child(where, key);
            if (single_schema_keywords.count(key)) {
                check_schema(value, at);
            } else if (schema_array_keywords.count(key)) {
                if (!value.is_array() || value.empty()) malformed(at, "must be a non-empty array");
                for (std::size_t i = 0; i < value.size(); ++i) check_schema(value[i], child(at, i));
            } else if (schema_map_keywords.count(key)) {
                if (!value.is_object()) malformed(at, "must be an object");
                for (const auto& [name, sub] : value.items()) check_schema(sub, child(at, name));
            } else if (key == "type") {
                const json names = value.is_array() ? value : json::array({value});
                if (names.empty()) malformed(at, "must not be empty");
                for (const auto& name : names) {
                    if (!name.is_string() || !type_names.count(name.get<std::string>())) {
                        malformed(at, "unknown type " + name.dump());
                    }
                }
            } else if (key == "required") {
                if (!value.is_array()) malformed(at, "must be an array");
                for (const auto& name : value) {
                    if (!name.is_string()) malformed(at, "must contain only strings");
                }
            } else if (key == "enum") {
                if (!value.is_array()) malformed(at, "must be an array");
            } else if (count_keywords.count(key)) {
                if (!is_count(value)) malformed(at, "must be a non-negative integer");
            } else if (bound_keywords.count(key)) {
                if (!value.is_number()) malformed(at, "must be a number");
            } else if (key == "uniqueItems") {
                if (!value.is_boolean()) malformed(at, "must be a boolean");
            } else if (key == "pattern") {
                if (!value.is_string()) malformed(at, "must be a string");
                try {
                    std::regex{value.get<std::string>(), std::regex::ECMAScript};
                } catch (const std::regex_error& e) {
                    malformed(at, std::string("invalid regular expression: ") + e.what());
                }
            } else if (key == "$ref") {
                if (!value.is_string()) malformed(at, "must be a string");
                check_schema(resolve(value), value.get<std::string>());
            } else if (key != "const" && !annotation_keywords.count(key)) {
                throw std::invalid_argument("unsupported JSON Schema keyword '" + key + "' at " + at);
            }
        }
    }

    bool is_valid(const json& schema, const json& instance, int depth) const {
        Violations scratch;
        validate(schema, instance, "", scratch, depth);
        return scratch.empty();
    }

    // Validates a child instance against a subschema; a `false` subschema gets `message`.
    void apply_child(const json& schema, const json& instance, const std::string& pointer, const std::string& keyword,
                     const std::string& message, Violations& out) const {
        if (schema.is_boolean() && !schema.get<bool>()) {
            out.push_back({pointer, keyword, message});
        } else {
            validate(schema, instance, pointer, out, 0);
        }
    }

    void apply_keyword(const std::string& key, const json& value, const json& schema, const json& instance,
                       const std::string& pointer, Violations& out, int depth) const {
        const auto fail = [&](const std::string& message) { out.push_back({pointer, key, message}); };

        if (key == "type") {
            const json names = value.is_array() ? value : json::array({value});
            const bool ok = std::any_of(names.begin(), names.end(),
                                        [&](const json& name) { return has_type(name.get<std::string>(), instance); });
            if (!ok) fail("expected type " + value.dump() + " but got " + brief(instance));
        } else if (key == "enum") {
            const bool ok = std::any_of(value.begin(), value.end(),
                                        [&](const json& option) { return json_equal(option, instance); });
            if (!ok) fail(brief(instance) + " is not one of " + brief(value));
        } else if (key == "const") {
            if (!json_equal(value, instance)) fail(brief(instance) + " is not " + brief(value));
        } else if (key == "$ref") {
            validate(resolve(value), instance, pointer, out, depth + 1);
        } else if (key == "allOf") {
            for (const auto& sub : value) validate(sub, instance, pointer, out, depth + 1);
        } else if (key == "anyOf") {
            const bool ok = std::any_of(value.begin(), value.end(),
                                        [&](const json& sub) { return is_valid(sub, instance, depth + 1); });
            if (!ok) fail("matches none of the " + std::to_string(value.size()) + " alternatives");
        } else if (key == "oneOf") {
            const auto matches = std::count_if(value.begin(), value.end(),
                                               [&](const json& sub) { return is_valid(sub, instance, depth + 1); });
            if (matches != 1) fail("matches " + std::to_string(matches) + " alternatives instead of exactly 1");
        } else if (key == "not") {
            if (is_valid(value, instance, depth + 1)) fail("matches the schema under `not`");
        } else if (instance.is_object()) {
            apply_object_keyword(key, value, schema, instance, pointer, out);
        } else if (instance.is_array()) {
            apply_array_keyword(key, value, schema, instance, pointer, out);
        } else if (instance.is_string()) {
            const std::string& text = instance.get_ref<const std::string&>();
            const std::size_t length = count_code_points(text);
            if (key == "minLength" && length < value.get<std::uint64_t>()) {
                fail("length " + std::to_string(length) + " is below " + value.dump());
            } else if (key == "maxLength" && length > value.get<std::uint64_t>()) {
                fail("length " + std::to_string(length) + " is above " + value.dump());
            } else if (key == "pattern" &&
                       !std::regex_search(text, std::regex{value.get<std::string>(), std::regex::ECMAScript})) {
                fail(brief(instance) + " does not match " + value.dump());
            }
        } else if (instance.is_number() && bound_keywords.count(key)) {
            const int c = compare_numbers(instance, value);
            if ((key == "minimum" && c < 0) || (key == "maximum" && c > 0) || (key == "exclusiveMinimum" && c <= 0) ||
                (key == "exclusiveMaximum" && c >= 0)) {
                fail(instance.dump() + " violates " + key + " " + value.dump());
            }
        }
        // Everything else is an annotation or does not apply to this instance's type.
    }

    void apply_object_keyword(const std::string& key, const json& value, const json& schema, const json& instance,
                              const std::string& pointer, Violations& out) const {
        if (key == "required") {
            for (const auto& name : value) {
                if (!instance.contains(name.get<std::string>())) {
                    out.push_back({pointer, key, "missing required property " + name.dump()});
                }
            }
        } else if (key == "properties") {
            for (const auto& [name, sub] : value.items()) {
                if (const auto it = instance.find(name); it != instance.end()) {
                    apply_child(sub, *it, child(pointer, name), key, "property \"" + name + "\" is not allowed", out);
                }
            }
        } else if (key == "additionalProperties") {
            const auto declared = schema.find("properties");
            for (const auto& [name, member] : instance.items()) {
                if (declared != schema.end() && declared->contains(name)) continue;
                apply_child(value, member, child(pointer, name), key, "unexpected property \"" + name + "\"", out);
            }
        }
    }

    void apply_array_keyword(const std::string& key, const json& value, const json& schema, const json& instance,
                             const std::string& pointer, Violations& out) const {
        const std::size_t size = instance.size();
        if (key == "prefixItems") {
            for (std::size_t i = 0; i < std::min(size, value.size()); ++i) {
                apply_child(value[i], instance[i], child(pointer, i), key, "no item allowed at this position", out);
            }
        } else if (key == "items") {
            const auto prefix = schema.find("prefixItems");
            for (std::size_t i = prefix == schema.end() ? 0 : prefix->size(); i < size; ++i) {
                apply_child(value, instance[i], child(pointer, i), key, "no item allowed at this position", out);
            }
        } else if (key == "minItems" && size < value.get<std::uint64_t>()) {
            out.push_back({pointer, key, std::to_string(size) + " items, fewer than " + value.dump()});
        } else if (key == "maxItems" && size > value.get<std::uint64_t>()) {
            out.push_back({pointer, key, std::to_string(size) + " items, more than " + value.dump()});
        } else if (key == "uniqueItems" && value.get<bool>()) {
            for (std::size_t i = 0; i < size; ++i) {
                for (std::size_t j = i + 1; j < size; ++j) {
                    if (json_equal(instance[i], instance[j])) {
                        out.push_back(
                            {pointer, key, "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal"});
                        return;
                    }
                }
            }
        }
    }
};

}  // namespace

std::vector<SchemaViolation> validate_against_schema(const nlohmann::json& root_schema,
                                                     const nlohmann::json& instance) {
    const Validator validator(root_schema);
    Violations out;
    validator.validate(root_schema, instance, "", out, 0);
    return out;
}

bool schema_allows(const nlohmann::json& root_schema, const nlohmann::json& instance) {
    return validate_against_schema(root_schema, instance).empty();
}

}  // namespace test_support
