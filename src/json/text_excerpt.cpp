#include <instructor/detail/json/text_excerpt.hpp>

#include <utility>
#include <vector>

namespace instructor::detail {
namespace {

using json = nlohmann::json;

// The longest prefix of at most `max_bytes` that does not end inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
    return text.substr(0, cut);
}

}  // namespace

std::string text_excerpt(std::string_view text, std::size_t max_bytes) {
    const std::string_view kept = utf8_prefix(text, max_bytes);
    std::string out(kept);
    if (kept.size() < text.size()) out += "... (" + std::to_string(text.size()) + " bytes in all)";
    return out;
}

std::string json_excerpt(const json& value, std::size_t max_bytes) {
    std::string out;
    // Each open container with the position of its next member or element.
    struct Open {
        const json* container;
        std::size_t next = 0;
        json::const_iterator at;
    };
    std::vector<Open> open;
    const json* current = &value;
    const auto full = [&] { return out.size() >= max_bytes; };
    for (;;) {
        if (full()) break;
        if (current != nullptr) {
            if (current->is_object() || current->is_array()) {
                const bool object = current->is_object();
                out += object ? '{' : '[';
                open.push_back({current, 0, current->cbegin()});
            } else if (current->is_string()) {
                const auto& text = current->get_ref<const std::string&>();
                const std::string_view kept = utf8_prefix(text, max_bytes - out.size());
                out += json(std::string(kept)).dump(-1, ' ', false, json::error_handler_t::replace);
            } else {
                out += current->dump(-1, ' ', false, json::error_handler_t::replace);
            }
            current = nullptr;
            continue;
        }
        if (open.empty()) return out;
        Open& top = open.back();
        if (top.at == top.container->cend()) {
            out += top.container->is_object() ? '}' : ']';
            open.pop_back();
            continue;
        }
        if (top.next++ > 0) out += ',';
        if (top.container->is_object()) {
            out += json(top.at.key()).dump(-1, ' ', false, json::error_handler_t::replace);
            out += ':';
        }
        current = &*top.at;
        ++top.at;
    }
    out += "...";
    return out;
}

bool nests_deeper_than(const json& value, std::size_t max_depth) {
    std::vector<std::pair<const json*, std::size_t>> pending{{&value, 0}};
    while (!pending.empty()) {
        const auto [node, depth] = pending.back();
        pending.pop_back();
        if (!node->is_object() && !node->is_array()) continue;
        if (depth + 1 > max_depth) return true;
        for (const auto& child : *node)
            if (child.is_object() || child.is_array()) pending.emplace_back(&child, depth + 1);
    }
    return false;
}

}  // namespace instructor::detail
