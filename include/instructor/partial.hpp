#pragma once
// What a create_partial callback is told besides the value so far: which parts have fully arrived.
//
//     client.create_partial<Report>(request, [](const Report& so_far, const instructor::PartialProgress& progress) {
//         if (progress.complete("/title")) show_title(so_far.title);
//     });

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <instructor/error.hpp>

namespace instructor {

namespace detail {
template <class T>
class PartialBuilder;
}

class PartialProgress {
public:
    /// The member at this JSON pointer ("/title", "/items/3", "" for the whole value) has fully
    /// arrived and been checked. A member still arriving (a string being written) is not complete.
    [[nodiscard]] bool complete(std::string_view pointer) const { return complete_.count(std::string(pointer)) != 0; }
    /// Where the latest change happened, as a JSON pointer.
    [[nodiscard]] std::string_view changed() const noexcept { return changed_; }
    /// The whole value has arrived (it is then checked as a whole, and re-asked if it fails).
    [[nodiscard]] bool done() const noexcept { return done_; }
    /// 1 for the first answer, 2 after a re-ask (the value then starts again from empty).
    [[nodiscard]] int attempt() const noexcept { return attempt_; }
    /// How often this answer's stream broke off on one server and started again from the beginning
    /// on another (ClientOptions::servers). The value starts again from empty each time, and the
    /// callback is called at once with it, so that nothing of the broken reply stays mixed in.
    [[nodiscard]] int restarts() const noexcept { return restarts_; }
    /// Members that arrived but failed their checks (they keep their previous value).
    [[nodiscard]] const std::vector<FieldError>& field_errors() const noexcept { return errors_; }

private:
    template <class T>
    friend class detail::PartialBuilder;

    std::unordered_set<std::string> complete_;
    std::string changed_;
    std::vector<FieldError> errors_;
    bool done_ = false;
    int attempt_ = 0;
    int restarts_ = 0;
};

/// What a create_iterable callback may be told besides the item: `on_item(T item, const ItemProgress&)`.
struct ItemProgress {
    std::size_t index = 0;  // the item's place in the answer being streamed (0 for the first)
    int attempt = 1;        // 1 for the first answer, 2 after a re-ask
    /// How often this answer's stream broke off on one server and started again on another
    /// (ClientOptions::servers). After a restart, items come again from index 0, from the new reply:
    /// drop what the broken one handed over (the items before `index` are the new reply's).
    int restarts = 0;
};

}  // namespace instructor
