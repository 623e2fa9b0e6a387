// from_json / try_from_json on whatever a model writes, for structs of the test corpus (nested,
// recursive through vectors, unique_ptr and optional<unique_ptr>, variants, maps, sets, free-form
// JSON, every integer width): only instructor::Error may come out, and a value that is read
// round-trips: its to_json is read back, strictly, into a value with the same to_json.
//
// Input: [type][options][JSON text...]. options bit 0: strict; bit 1: parsed by the harness and
// handed over as a nlohmann::json rather than as text; bit 2: the throwing from_json.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include <nlohmann/json.hpp>

#include <instructor/from_json.hpp>
#include <instructor/to_json.hpp>

#include "corpus/corpus_types.hpp"
#include "fuzz_support.hpp"

namespace {

using json = nlohmann::json;

struct Options {
    bool strict = false;
    bool as_value = false;
    bool throwing = false;
};

// Reads a T from the text as the options say; false when it was refused (a ValidationError).
template <class T>
bool read(std::string_view text, const Options& options, T& out) {
    const instructor::ParseOptions parse{.strict = options.strict};
    bool accepted = false;
    fuzz::throws_only_instructor_errors(std::string("from_json<") + typeid(T).name() + ">", [&] {
        if (options.as_value) {
            const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
            if (value.is_discarded()) return;
            if (options.throwing) {
                out = instructor::from_json<T>(value, parse);
            } else if (auto result = instructor::try_from_json<T>(value, parse)) {
                out = std::move(*result);
            } else {
                return;
            }
        } else if (options.throwing) {
            out = instructor::from_json<T>(std::string(text), parse);
        } else if (auto result = instructor::try_from_json<T>(text, parse)) {
            out = std::move(*result);
        } else {
            return;
        }
        accepted = true;
    });
    return accepted;
}

template <class T>
void round_trip(std::string_view text, const Options& options, bool comparable) {
    T value{};
    if (!read(text, options, value) || !comparable) return;
    const json first = instructor::to_json(value);
    const std::string written = first.dump();
    auto back = instructor::try_from_json<T>(written, instructor::ParseOptions{.strict = true});
    FUZZ_CHECK(back.has_value(), "to_json wrote " + fuzz::shown(written) +
                                     ", which a strict read refuses: " + fuzz::shown(back.error().what()));
    const json second = instructor::to_json(*back);
    FUZZ_CHECK(second.dump() == written, fuzz::shown(written) + " read back as " + fuzz::shown(second.dump()));
}

using Check = void (*)(std::string_view, const Options&, bool);

// Recursive ones first, so that the most interesting types take the smallest selectors.
constexpr Check kTypes[] = {
    &round_trip<corpus::OrgUnit>,           &round_trip<corpus::ReasoningStep>,
    &round_trip<corpus::EmailMessage>,      &round_trip<corpus::Question>,
    &round_trip<corpus::UserProfile>,       &round_trip<corpus::Invoice>,
    &round_trip<corpus::CalendarEvent>,     &round_trip<corpus::TelemetryFrame>,
    &round_trip<corpus::SpreadsheetCell>,   &round_trip<corpus::Payment>,
    &round_trip<corpus::ToolCallResult>,    &round_trip<corpus::ProfilePatch>,
    &round_trip<corpus::InventorySnapshot>, &round_trip<corpus::ArticleMetadata>,
    &round_trip<corpus::WebhookEvent>,      &round_trip<corpus::Inbox>,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    const Check check = kTypes[input.byte() % std::size(kTypes)];
    const std::uint8_t bits = input.byte();
    const Options options{.strict = (bits & 1u) != 0, .as_value = (bits & 2u) != 0, .throwing = (bits & 4u) != 0};
    const std::string_view text = input.rest();
    check(text, options, fuzz::comparable(text));
    return 0;
}
