// A small, independent JSON Schema (draft 2020-12 subset) validator used only by the tests.
//
// It deliberately shares no code with the library: the tests use it as a second opinion to
// check that the schemas the library generates and the library's JSON parser agree.
//
// Supported keywords: type, enum, const, properties, required, additionalProperties, items,
// prefixItems, minItems, maxItems, uniqueItems, minimum, maximum, exclusiveMinimum,
// exclusiveMaximum, minLength, maxLength, pattern, anyOf, oneOf, allOf, not, $ref ("#..."
// JSON-pointer references into the root schema), $defs, and boolean schemas.
// Ignored annotations: description, title, default, examples, $schema, $id, $comment, format.
// Any other keyword, or a malformed value of a supported keyword, makes validation throw
// std::invalid_argument naming it, so that tests notice schema output this validator does
// not understand.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace test_support {

struct SchemaViolation {
    std::string pointer;  // JSON pointer into the instance ("" is the whole instance)
    std::string keyword;  // the schema keyword that failed, e.g. "required"
    std::string message;  // human-readable explanation
};

// Validates `instance` against `root_schema` and returns every violation (empty = valid).
// "$ref" values are resolved against `root_schema`.
// Throws std::invalid_argument if the schema uses an unsupported keyword or is malformed.
std::vector<SchemaViolation> validate_against_schema(const nlohmann::json& root_schema, const nlohmann::json& instance);

// True when validate_against_schema reports no violations.
bool schema_allows(const nlohmann::json& root_schema, const nlohmann::json& instance);

}  // namespace test_support
