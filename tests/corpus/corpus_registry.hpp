#pragma once
// The corpus registry: each corpus type (tests/corpus/corpus_types.hpp) with its hand-written JSON
// instances and their intended verdicts, its values built in code, and type-erased ways to get its
// schema, parse it and round-trip it. The types are registered in three parts
// (corpus_registry_*.cpp), compiled apart: their templates are most of the test suite's build.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "corpus_types.hpp"

namespace corpus_test {

using nlohmann::json;
using ojson = nlohmann::ordered_json;
using instructor::SchemaForm;

// ---- instances -----------------------------------------------------------------------------------

enum class Verdict {
    allowed,
    forbidden,
    // Forbidden by the plain schema and the parser, but the OpenAI strict form can only say the broken
    // constraint (minLength, maxLength, uniqueItems) in words, so that schema allows the instance.
    forbidden_in_words,
    // Allowed by every schema form but refused by the parser: a number outside its C++ type's range
    // (32768 for an int16_t, 1e39 for a float). Schemas do not state type ranges, which servers'
    // grammar converters mistake (llama.cpp reads int32's bounds as "no bound" and fails).
    beyond_type,
};

struct Instance {
    std::string text;
    Verdict verdict;
};

inline Instance allowed(std::string text) { return {std::move(text), Verdict::allowed}; }
inline Instance forbidden(std::string text) { return {std::move(text), Verdict::forbidden}; }
inline Instance forbidden_in_words(std::string text) { return {std::move(text), Verdict::forbidden_in_words}; }
inline Instance beyond_type(std::string text) { return {std::move(text), Verdict::beyond_type}; }

/// `base` with the value at `pointer` set to `value` (JSON text); builds instances from a base.
inline std::string with(std::string_view base, const std::string& pointer, std::string_view value) {
    json j = json::parse(base);
    j[json::json_pointer(pointer)] = json::parse(value);
    return j.dump();
}

/// `base` without the member at `pointer`.
inline std::string without(std::string_view base, const std::string& pointer) {
    json j = json::parse(base);
    const json::json_pointer at(pointer);
    j[at.parent_pointer()].erase(at.back());
    return j.dump();
}

inline std::string repeat(std::string_view piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += piece;
    return out;
}

/// A JSON array text of `count` strings "<prefix>0", "<prefix>1", ...
inline std::string string_array(std::string_view prefix, std::size_t count) {
    json j = json::array();
    for (std::size_t i = 0; i < count; ++i) j.push_back(std::string(prefix) + std::to_string(i));
    return j.dump();
}

// ---- a small deterministic generator (splitmix64), the same on every platform ---------------------

class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    /// An integer in [lo, hi].
    long long between(long long lo, long long hi) {
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1U;
        return lo + static_cast<long long>(span == 0 ? next() : next() % span);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    bool coin() { return (next() & 1U) != 0; }
    /// A multiple of 1/64 in [lo, hi]: exact in binary, readable in JSON.
    double real(double lo, double hi) {
        const auto steps = static_cast<long long>((hi - lo) * 64);
        return lo + static_cast<double>(between(0, steps)) / 64.0;
    }
    std::string word(std::size_t min_size = 3, std::size_t max_size = 9) {
        static constexpr std::string_view letters = "abcdefghijklmnopqrstuvwxyz";
        std::string out(min_size + below(max_size - min_size + 1), 'a');
        for (auto& c : out) c = letters[below(letters.size())];
        return out;
    }
    std::string digits(std::size_t count) {
        std::string out(count, '0');
        for (auto& c : out) c = static_cast<char>('0' + below(10));
        return out;
    }
    template <class T, std::size_t N>
    const T& pick(const T (&options)[N]) {
        return options[below(N)];
    }

private:
    std::uint64_t state_;
};

// ---- the registry --------------------------------------------------------------------------------

struct ParseOutcome {
    bool accepted = false;
    std::string errors;  // what() of the ValidationError
    json written;        // to_json of the value read, when accepted
};

struct RoundTrip {
    json first;           // to_json(v)
    bool reread = false;  // from_json<T>(first.dump(), strict) succeeded
    std::string errors;
    json second;  // to_json of the value read back
};

struct CorpusType {
    std::string name;  // golden file stem
    bool recursive = false;
    std::vector<Instance> instances;
    std::function<ojson(SchemaForm)> schema;  // the schema, or {"error": what()} when the form throws
    std::function<ParseOutcome(const json&, bool strict)> parse;
    std::function<std::vector<RoundTrip>()> round_trips;
};

template <class T>
ojson schema_or_error(SchemaForm form) {
    try {
        return instructor::json_schema<T>(form);
    } catch (const instructor::SchemaError& e) {
        return ojson{{"error", e.what()}};
    }
}

template <class T>
ParseOutcome parse_as(const json& instance, bool strict) {
    auto result = instructor::try_from_json<T>(instance, instructor::ParseOptions{.strict = strict});
    ParseOutcome outcome;
    outcome.accepted = result.has_value();
    if (outcome.accepted)
        outcome.written = instructor::to_json(*result);
    else
        outcome.errors = result.error().what();
    return outcome;
}

template <class T>
CorpusType make_type(std::string name, bool recursive, std::vector<Instance> instances, std::vector<T> (*values)()) {
    CorpusType type;
    type.name = std::move(name);
    type.recursive = recursive;
    type.instances = std::move(instances);
    type.schema = &schema_or_error<T>;
    type.parse = &parse_as<T>;
    type.round_trips = [values] {
        std::vector<RoundTrip> trips;
        for (const T& value : values()) {
            RoundTrip trip;
            trip.first = instructor::to_json(value);
            auto back = instructor::try_from_json<T>(trip.first.dump(), instructor::ParseOptions{.strict = true});
            trip.reread = back.has_value();
            if (trip.reread)
                trip.second = instructor::to_json(*back);
            else
                trip.errors = back.error().what();
            trips.push_back(std::move(trip));
        }
        return trips;
    };
    return type;
}

/// Values of corpus types that others are built from (defined in corpus_registry_1.cpp).
corpus::UserProfile make_user(Rng& rng);
corpus::Money make_money(Rng& rng);
corpus::Attendee make_attendee(Rng& rng);

/// The corpus, in three parts (one per corpus_registry_<n>.cpp).
void add_corpus_part_1(std::vector<CorpusType>& types);
void add_corpus_part_2(std::vector<CorpusType>& types);
void add_corpus_part_3(std::vector<CorpusType>& types);

}  // namespace corpus_test
