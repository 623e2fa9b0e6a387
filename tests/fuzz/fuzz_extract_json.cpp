// extract_json, the first JSON value in a model's text (inside a ``` fence, among prose, after
// <think> blocks): throws nothing but LimitError (a value nested beyond Limits::max_depth), finds only objects and
// arrays, and finds a JSON value that is there: the input, when it is an object or array, is found again inside prose,
// a fence or after a think block.
//
// Input: [selector][text...]; the selector picks how the text is wrapped.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

#include <nlohmann/json.hpp>

#include <instructor/detail/client/extraction.hpp>
#include <instructor/detail/json/text_excerpt.hpp>
#include <instructor/limits.hpp>

#include "fuzz_support.hpp"

namespace {

using json = nlohmann::json;

std::optional<json> extract(std::string_view text) {
    try {
        return instructor::detail::extract_json(text);
    } catch (const instructor::LimitError&) {
        return std::nullopt;  // a candidate nested beyond max_depth: the typed error a client reports
    } catch (const std::exception& e) {
        fuzz::finding(std::string("extract_json threw ") + typeid(e).name() + ": " + e.what());
    }
}

// How a model may say it; none of the added text holds '{', '[', "```" or "<think>" of its own.
std::string wrapped(std::string_view text, unsigned how) {
    switch (how % 4) {
        case 1: return "Sure! Here is the data you asked for: " + std::string(text) + "\nAnything else?";
        case 2: return "Here you go:\n```json\n" + std::string(text) + "\n```\nHope this helps.";
        case 3:
            return "<think>The user wants {\"name\": ...}; maybe [1, 2]? ``` no fence here.</think>\n" +
                   std::string(text);
        default: return std::string(text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    const unsigned how = input.byte();
    const std::string_view text = input.rest();

    const std::string reply = wrapped(text, how);
    const std::optional<json> found = extract(reply);
    if (found) FUZZ_CHECK(found->is_object() || found->is_array(), found->type_name());

    // The text itself is a JSON object or array: that is what must be found. Text with its own
    // "```" or "<think>" is left out: extract_json reads those as fences and think blocks, by design.
    if (!fuzz::comparable(text) || text.find("```") != std::string_view::npos ||
        text.find("<think>") != std::string_view::npos)
        return 0;
    const json expected = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (expected.is_discarded() || !(expected.is_object() || expected.is_array())) return 0;
    // Deeper than the default bound, it is a LimitError to say, not a value to find.
    if (instructor::detail::nests_deeper_than(expected, instructor::Limits{}.max_depth)) return 0;
    FUZZ_CHECK(found.has_value(), "nothing found in \"" + fuzz::shown(reply) + "\"");
    FUZZ_CHECK(*found == expected, fuzz::shown(found->dump()) + " found in \"" + fuzz::shown(reply) + "\"");
    return 0;
}
