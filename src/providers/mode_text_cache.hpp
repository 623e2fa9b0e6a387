#pragma once
// What a mode adds to a request body, written once per response model and mode. The schema is most
// of every body and the same on every call; writing it from the DOM each time was half of the
// client's own work on a call.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <instructor/mode.hpp>
#include <instructor/request.hpp>

namespace instructor::providers {

struct ModeText {
    std::string fields;       // the mode's members of the body ("tools":...,"tool_choice":...), no braces
    std::string instruction;  // json and md_json modes: the schema instruction of the system message
};

/// Thread-safe; bounded (it starts over when full), since response models may be made per call.
class ModeTextCache {
public:
    /// The entry for these models in `mode`, made by `make` the first time. A throw from `make`
    /// caches nothing.
    [[nodiscard]] std::shared_ptr<const ModeText> find_or_make(const std::vector<ResponseModel>& models, Mode mode,
                                                               const std::function<ModeText()>& make) const;

private:
    struct Entry {
        std::vector<ResponseModel> models;  // held, so the schemas' addresses in the key stay theirs
        std::shared_ptr<const ModeText> text;
    };
    static constexpr std::size_t kMaxEntries = 256;

    mutable std::mutex mutex_;
    mutable std::unordered_map<std::string, Entry> entries_;
};

}  // namespace instructor::providers
