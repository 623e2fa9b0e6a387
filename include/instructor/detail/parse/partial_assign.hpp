#pragma once
// Streaming into a T: each event of the incremental parser updates only the member it names, so
// the cost of an event is the depth of its path (plus the size of a value that just completed),
// never the size of the whole object.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/pfr.hpp>

#include <instructor/detail/stream/partial_json.hpp>
#include <instructor/detail/parse/reader.hpp>
#include <instructor/from_json.hpp>
#include <instructor/partial.hpp>

namespace instructor::detail {

template <class T>
void assign_partial(T& out, const PartialEvent& event, std::size_t step, ReadContext& ctx, const Constraints* use);

// The member named by a path step, found by its name in the type tree.
template <class T, std::size_t... I>
void assign_field(T& out, const PartialEvent& event, std::size_t step, ReadContext& ctx, std::index_sequence<I...>) {
    const TypeNode& node = node_of<T>();
    const std::string& key = event.path[step].key;
    auto visit = [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
        const FieldNode& field = node.fields[N];
        if (field.name != key) return false;
        PathGuard at(ctx.path(), field.name);
        assign_partial(boost::pfr::get<N>(out), event, step + 1, ctx,
                       field.constraints.empty() ? nullptr : &field.constraints);
        return true;
    };
    (visit(std::integral_constant<std::size_t, I>{}) || ...);
}

/// Applies `event` (at event.path, from `step` on) to `out`. A value that is complete is read with
/// its checks (errors go to ctx); a string still arriving is extended in place, unchecked.
template <class T>
void assign_partial(T& out, const PartialEvent& event, std::size_t step, ReadContext& ctx, const Constraints* use) {
    if (step == event.path.size()) {
        if (event.kind == PartialEventKind::value_complete) {
            (void)read_value(event.value, out, ctx, use);
        } else if constexpr (annotated_type<T>) {
            assign_partial(annotated_value(out), event, step, ctx, use);
        } else if constexpr (string_type<T>) {
            // The string so far extends what `out` holds: append only the new part. Comparing only
            // the end of what `out` holds keeps a long string streamed in tiny pieces linear.
            const auto& so_far = event.value.template get_ref<const std::string&>();
            const std::size_t tail = std::min<std::size_t>(out.size(), 16);
            if (so_far.size() >= out.size() &&
                so_far.compare(out.size() - tail, tail, out, out.size() - tail, tail) == 0)
                out.append(so_far, out.size());
            else
                out = so_far;
        } else if constexpr (optional_type<T>) {
            using Inner = typename T::value_type;
            if constexpr (string_type<Inner> || annotated_type<Inner>) {
                if (!out) out.emplace();
                assign_partial(*out, event, step, ctx, use);
            }
        }
        return;
    }
    const PathStep& here = event.path[step];
    if constexpr (annotated_type<T>) {
        assign_partial(annotated_value(out), event, step, ctx, nullptr);
    } else if constexpr (optional_type<T>) {
        if (!out) out.emplace();
        assign_partial(*out, event, step, ctx, nullptr);
    } else if constexpr (pointer_type<T>) {
        using Element = typename T::element_type;
        if (!out) {
            if constexpr (is_specialization_of_v<T, std::unique_ptr>)
                out = std::make_unique<Element>();
            else
                out = std::make_shared<Element>();
        }
        assign_partial(*out, event, step, ctx, nullptr);
    } else if constexpr (is_std_array<T>::value) {
        if (!here.is_index || here.index >= out.size()) return;
        PathGuard at(ctx.path(), here.index);
        assign_partial(out[here.index], event, step + 1, ctx, nullptr);
    } else if constexpr (sequence_type<T>) {
        using Item = typename T::value_type;
        if constexpr (!std::is_same_v<Item, bool>) {
            if (!here.is_index || here.index > out.size()) return;
            if (here.index == out.size()) out.emplace_back();  // the next element has begun
            PathGuard at(ctx.path(), here.index);
            assign_partial(out[here.index], event, step + 1, ctx, nullptr);
        }
    } else if constexpr (map_type<T>) {
        if (here.is_index) return;
        PathGuard at(ctx.path(), here.key);
        assign_partial(out[here.key], event, step + 1, ctx, nullptr);
    } else if constexpr (struct_type<T>) {
        if (here.is_index) return;
        assign_field(out, event, step, ctx, std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
    }
    // Anything else (a variant, a set, a JSON value) takes its value once it is complete.
}

// create_partial's state: the value being filled in and what is known about it.
template <class T>
class PartialBuilder {
public:
    explicit PartialBuilder(ParseOptions options) : options_(std::move(options)) {}

    // A new attempt, or the same one's answer beginning again (its text so far was reasoning):
    // the latter keeps the count of restarts.
    void restart(int attempt) {
        const int restarts = attempt == progress_.attempt_ ? progress_.restarts_ : 0;
        value_ = T{};
        progress_ = PartialProgress{};
        progress_.attempt_ = attempt;
        progress_.restarts_ = restarts;
    }

    // The stream of this attempt starts again from the beginning (on another server).
    void restart_stream() {
        restart(progress_.attempt_);
        ++progress_.restarts_;
    }

    // Applies one parser event; then the caller shows the value.
    void apply(const PartialEvent& event) {
        ReadContext ctx(options_, progress_.errors_);
        assign_partial(value_, event, 0, ctx, nullptr);
        progress_.changed_ = to_pointer(event.path);
        if (event.kind == PartialEventKind::value_complete) {
            progress_.complete_.insert(progress_.changed_);
            if (event.path.empty()) progress_.done_ = true;
        }
    }

    [[nodiscard]] const T& value() const noexcept { return value_; }
    [[nodiscard]] T& value() noexcept { return value_; }
    [[nodiscard]] const PartialProgress& progress() const noexcept { return progress_; }

private:
    ParseOptions options_;  // a copy: callers pass options made for the call
    T value_{};
    PartialProgress progress_;
};

// Calls a user callback that may take the progress too, and may return false to stop.
template <class F, class... Args>
bool call_continues(F& callback, Args&&... args) {
    if constexpr (std::is_same_v<std::invoke_result_t<F&, Args&&...>, void>) {
        callback(std::forward<Args>(args)...);
        return true;
    } else {
        return static_cast<bool>(callback(std::forward<Args>(args)...));
    }
}

}  // namespace instructor::detail
