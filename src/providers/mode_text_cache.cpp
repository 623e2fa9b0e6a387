#include "mode_text_cache.hpp"

#include <cstdint>

namespace instructor::providers {
namespace {

void append_pointer(std::string& key, const void* pointer) {
    const auto value = reinterpret_cast<std::uintptr_t>(pointer);
    key.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// A model is known by its schemas' addresses (the entry keeps them alive, so no other schema can
// take an address while the entry stands) and by the names and description written beside them.
std::string key_of(const std::vector<ResponseModel>& models, Mode mode) {
    std::string key(1, static_cast<char>(mode));
    for (const auto& model : models) {
        append_pointer(key, model.schema.get());
        append_pointer(key, model.strict_schema.get());
        append_pointer(key, model.inlined_schema.get());
        key.append(model.name).push_back('\0');
        key.append(model.description).push_back('\0');
        key.append(model.strict_unavailable).push_back('\0');
        append_pointer(key, model.grammar.get());
    }
    return key;
}

}  // namespace

std::shared_ptr<const ModeText> ModeTextCache::find_or_make(const std::vector<ResponseModel>& models, Mode mode,
                                                            const std::function<ModeText()>& make) const {
    std::string key = key_of(models, mode);
    {
        std::lock_guard lock(mutex_);
        if (const auto found = entries_.find(key); found != entries_.end()) return found->second.text;
    }
    auto text = std::make_shared<const ModeText>(make());  // outside the lock: it may be slow, or throw
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.try_emplace(std::move(key), Entry{models, text});
    return text;
}

}  // namespace instructor::providers
