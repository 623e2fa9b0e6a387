// Streaming a struct: create_partial<Report> calls back each time a member changes, so a report can
// be shown while the model is still writing it. Strings grow as they arrive; everything else (list
// items, the nested author) appears once it is complete and checked. The final value is checked as
// a whole, like create<Report>'s.
//
// Uses INSTRUCTOR_PROVIDER or OPENAI_API_KEY when set, else replays a recorded stream locally.

#include <instructor/instructor.hpp>

#include <unistd.h>

#include <cstddef>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/connect.hpp"

struct Author {
    std::string name;
    std::string team;
};

struct Report {
    std::string title;
    std::string summary;
    std::vector<std::string> key_points;
    Author author;
};

namespace {

const std::string notes = R"(Post-mortem by Priya Nair, SRE team. On 12 March the checkout service was down
for 47 minutes: a configuration push removed the payment provider's address. The alert fired after 3
minutes but paged an empty rotation. Rolled back by hand. Config pushes now need a second reviewer, and
the on-call rotation is checked weekly.)";

// An answer a model gave, streamed back when none is configured.
const std::string recorded = R"({"title": "Checkout outage, 12 March",
 "summary": "A configuration push removed the payment provider's address and took checkout down for 47 minutes; the alert paged an empty rotation, so the rollback was late.",
 "key_points": ["47 minutes of checkout downtime", "The alert paged an empty on-call rotation", "Config pushes now need a second reviewer", "The rotation is checked weekly"],
 "author": {"name": "Priya Nair", "team": "SRE"}})";

// The last `n` bytes of `text`, starting on a whole UTF-8 character.
std::string tail(const std::string& text, std::size_t n) {
    if (text.size() <= n) return text;
    std::size_t at = text.size() - n;
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
    return "…" + text.substr(at);
}

// One line about the value so far: each member, ✓ once complete, then the text being written.
std::string status(const Report& report, const instructor::PartialProgress& progress) {
    std::string line;
    for (const char* member : {"/title", "/summary", "/key_points", "/author"})
        line += std::string(member + 1) + (progress.complete(member) ? " ✓  " : " …  ");
    const std::string where(progress.changed());
    const auto value = instructor::to_json(report).at(nlohmann::json::json_pointer(where));
    if (value.is_string() && !progress.complete(where)) line += "| " + tail(value.get<std::string>(), 40);
    return line;
}

// "/summary" is a member of the report; "/key_points/2" and "" (the whole report) are not.
bool is_member(std::string_view pointer) {
    return pointer.size() > 1 && pointer.find('/', 1) == std::string_view::npos;
}

}  // namespace

int main() {
    std::optional<examples::ReplayServer> replay;  // only when no model is configured
    try {
        const auto client = examples::connect(replay, {examples::streamed_tool_call("Report", recorded)});
        // On a terminal, a status line is redrawn on every update; each member is printed once complete.
        const bool terminal = ::isatty(STDOUT_FILENO) != 0;

        const Report report = client.create_partial<Report>(
            {.messages = {instructor::user("Write a short report on these notes:\n" + notes)}, .max_retries = 2},
            [&](const Report& so_far, const instructor::PartialProgress& progress) {
                if (terminal) std::cout << "\r\033[K";  // clear the status line
                // progress.changed() is where this update happened: "/title", "/key_points/1", ...
                const std::string member(progress.changed());
                if (is_member(member) && progress.complete(member))
                    std::cout << "✓ " << member << " = "
                              << instructor::to_json(so_far).at(nlohmann::json::json_pointer(member)) << "\n";
                if (terminal) std::cout << status(so_far, progress) << std::flush;
            });
        if (terminal) std::cout << "\r\033[K";

        std::cout << "\n" << report.title << "\n\n" << report.summary << "\n\n";
        for (const auto& point : report.key_points) std::cout << "  - " << point << "\n";
        std::cout << "\n(" << report.author.name << ", " << report.author.team << ")\n";
        return 0;
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
