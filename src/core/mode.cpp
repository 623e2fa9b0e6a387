#include <instructor/mode.hpp>

#include <array>
#include <utility>

namespace instructor {
namespace {

constexpr std::array<std::pair<Mode, std::string_view>, 8> mode_names{{
    {Mode::tools, "tools"},
    {Mode::tools_strict, "tools_strict"},
    {Mode::parallel_tools, "parallel_tools"},
    {Mode::json, "json"},
    {Mode::json_schema, "json_schema"},
    {Mode::md_json, "md_json"},
    {Mode::mistral_tools, "mistral_tools"},
    {Mode::gbnf, "gbnf"},
}};

}  // namespace

bool is_tool_mode(Mode mode) noexcept {
    return mode == Mode::tools || mode == Mode::tools_strict || mode == Mode::mistral_tools ||
           mode == Mode::parallel_tools;
}

std::string_view to_string(Mode mode) noexcept {
    for (const auto& [value, name] : mode_names)
        if (value == mode) return name;
    return "unknown";
}

std::optional<Mode> mode_from_string(std::string_view name) noexcept {
    for (const auto& [value, text] : mode_names)
        if (text == name) return value;
    return std::nullopt;
}

}  // namespace instructor
