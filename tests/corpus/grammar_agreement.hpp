#pragma once
// Whether a reply sampled under gbnf<T>() is one the strict parser accepts: shared by the tests that
// sample through a real server and in the process. The grammar and the parser must agree on every
// finished reply, but for what no grammar can say (distinct items, README).

#include <ostream>
#include <string>

#include <instructor/from_json.hpp>

#include "catch.hpp"

namespace corpus {

struct GrammarTally {
    int sent = 0, finished = 0, parsed = 0, repeated_items = 0, cut_off = 0;
};

inline std::ostream& operator<<(std::ostream& out, const GrammarTally& t) {
    return out << t.sent << " samples, " << t.finished << " finished, " << t.parsed << " parsed, " << t.repeated_items
               << " rejected only for repeated items (unique_items), " << t.cut_off << " cut off at the token limit";
}

/// Counts one sample: cut off by the token limit, or finished and then parsed strictly as a T.
template <class T>
void judge_sample(const std::string& content, bool cut_off, GrammarTally& tally) {
    ++tally.sent;
    if (cut_off) {
        ++tally.cut_off;
        return;
    }
    ++tally.finished;
    INFO("reply: " << content);
    const auto parsed = instructor::try_from_json<T>(content, {.strict = true});
    if (parsed) {
        ++tally.parsed;
        return;
    }
    bool only_unique = true;
    for (const auto& e : parsed.error().errors()) {
        INFO("the grammar let through what the parser rejects: " << e.pointer << ": " << e.message);
        CHECK(e.message.find("unique") != std::string::npos);
        only_unique = only_unique && e.message.find("unique") != std::string::npos;
    }
    if (only_unique) ++tally.repeated_items;
}

}  // namespace corpus
