#pragma once
// JSON -> T. Reads straight into the object, keeps going after an error so that every error is
// reported, and leaves messages and constraint checks to the compiled helpers in read_context.hpp.

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>

#include <boost/pfr.hpp>
#include <nlohmann/json.hpp>

#include <instructor/detail/parse/context_check.hpp>
#include <instructor/detail/parse/read_context.hpp>
#include <instructor/detail/reflect/type_traits.hpp>
#include <instructor/detail/reflect/type_tree.hpp>
#include <instructor/validator.hpp>

namespace instructor::detail {

// Returns true when the value was read without adding an error.
template <class T>
bool read_value(const nlohmann::json& j, T& out, ReadContext& ctx, const Constraints* use);

template <class T>
bool read_integer(const nlohmann::json& j, T& out, ReadContext& ctx, const Constraints* use) {
    const TypeNode& node = node_of<T>();
    const auto number = read_integer_json(j, ctx.strict());
    if (!number) {
        fail_expected(ctx, node, use, j);
        return false;
    }
    // The type's own range first (it decides whether the cast below is safe), then the annotations.
    if (number->is_number_float() /* beyond 64 bits */ || compare_numbers(*number, *node.type_minimum) < 0 ||
        compare_numbers(*number, *node.type_maximum) > 0 || (use && !number_satisfies(*use, *number))) {
        fail_expected(ctx, node, use, j, &*number);
        return false;
    }
    if constexpr (std::is_signed_v<T>)
        out = static_cast<T>(number->template get<std::int64_t>());
    else
        out = static_cast<T>(number->template get<std::uint64_t>());
    return true;
}

template <class T>
bool read_floating(const nlohmann::json& j, T& out, ReadContext& ctx, const Constraints* use) {
    const TypeNode& node = node_of<T>();
    const auto number = read_number_json(j, ctx.strict());
    if (!number) {
        fail_expected(ctx, node, use, j);
        return false;
    }
    const nlohmann::json value(*number);
    // The type's own range (a float's) is not in the schema, so it is checked here.
    const bool beyond_type = (node.type_minimum && compare_numbers(value, *node.type_minimum) < 0) ||
                             (node.type_maximum && compare_numbers(value, *node.type_maximum) > 0);
    if (beyond_type || (use && !number_satisfies(*use, value))) {
        fail_expected(ctx, node, use, j, &value);
        return false;
    }
    out = static_cast<T>(*number);
    return true;
}

template <class T>
bool read_sequence(const nlohmann::json& j, T& out, ReadContext& ctx, const Constraints* use) {
    const TypeNode& node = node_of<T>();
    if (!check_array(ctx, node, use, j)) return false;
    const auto before = ctx.error_count();
    const auto& items = j.get_ref<const nlohmann::json::array_t&>();
    using Item = typename T::value_type;
    // unique_items compares what was read (lax mode reads [1, "1"] as a repeat); strict compares the JSON.
    UniqueItems unique(ctx, use && use->unique_items);
    auto check_unique_item = [&](std::size_t i, const Item& item) {
        if (unique.active()) unique.check(i, ctx.strict() ? items[i] : json_of(item));
    };
    if constexpr (is_std_array<T>::value) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            PathGuard at(ctx.path(), i);
            if (read_value(items[i], out[i], ctx, nullptr)) check_unique_item(i, out[i]);
        }
    } else {
        out.clear();
        out.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i) {
            PathGuard at(ctx.path(), i);
            if constexpr (std::is_same_v<Item, bool>) {  // std::vector<bool> has no bool& to read into
                bool item{};
                if (read_value(items[i], item, ctx, nullptr)) check_unique_item(i, item);
                out.push_back(item);
            } else {
                if (read_value(items[i], out.emplace_back(), ctx, nullptr)) check_unique_item(i, out.back());
            }
        }
    }
    return ctx.error_count() == before;
}

template <class T>
bool read_set(const nlohmann::json& j, T& out, ReadContext& ctx, const Constraints* use) {
    const TypeNode& node = node_of<T>();
    if (!check_array(ctx, node, use, j)) return false;
    const auto before = ctx.error_count();
    const auto& items = j.get_ref<const nlohmann::json::array_t&>();
    // A set is unique by nature: strict mode (exactly the schema) reports repeats, lax mode drops them.
    UniqueItems unique(ctx, ctx.strict());
    out.clear();
    for (std::size_t i = 0; i < items.size(); ++i) {
        PathGuard at(ctx.path(), i);
        typename T::value_type item{};
        if (!read_value(items[i], item, ctx, nullptr)) continue;
        if (unique.active()) unique.check(i, items[i]);
        out.insert(std::move(item));
    }
    // Dropping repeats must not leave fewer items than min_items asks for.
    if (ctx.error_count() == before && out.size() < items.size() &&
        !(item_count_satisfies(node.constraints, out.size()) && (!use || item_count_satisfies(*use, out.size())))) {
        fail_expected(ctx, node, use, json_of(out));
        return false;
    }
    return ctx.error_count() == before;
}

template <class T>
bool read_map(const nlohmann::json& j, T& out, ReadContext& ctx, const Constraints* use) {
    if (!j.is_object()) {
        fail_expected(ctx, node_of<T>(), use, j);
        return false;
    }
    const auto before = ctx.error_count();
    out.clear();
    for (const auto& [key, item] : j.items()) {
        PathGuard at(ctx.path(), key);
        read_value(item, out[key], ctx, nullptr);
    }
    return ctx.error_count() == before;
}

template <class T, std::size_t I>
void read_field(const nlohmann::json& object, T& out, ReadContext& ctx, const TypeNode& node) {
    using FieldType = std::remove_cvref_t<decltype(boost::pfr::get<I>(out))>;
    if constexpr (is_supported_type<FieldType>()) {  // else node_of<T> has said which field, once
        const FieldNode& field = node.fields[I];
        auto& target = boost::pfr::get<I>(out);
        PathGuard at(ctx.path(), field.name);
        const auto found = object.find(field.name);
        if (found != object.end()) {
            read_value(*found, target, ctx, field.constraints.empty() ? nullptr : &field.constraints);
        } else if (field.constraints.default_value) {
            read_value(*field.constraints.default_value, target, ctx, nullptr);
        } else if constexpr (has_default_annotation_v<FieldType> || is_nullable_v<FieldType>) {
            target = FieldType{};
        } else {
            ctx.fail("required field is missing");
        }
    }
}

template <class T>
void run_validator_into(const T& value, ReadContext& ctx, [[maybe_unused]] const void* context) {
    try {
        if constexpr (has_context_member_validator<T>)
            add_validator_errors(ctx, value.validate(*static_cast<const validation_context_t<T>*>(context)));
        else
            add_validator_errors(ctx, run_validator(value));
    } catch (const std::exception& e) {
        add_validator_errors(ctx, std::string(e.what()));
    }
}

// One static_assert per refused form (validator_form names exactly one), each saying what to write.
template <class T>
constexpr bool check_validator_form() {
    constexpr ValidatorForm form = validator_form<T>();
    static_assert(form != ValidatorForm::free_with_context,
                  "instructor: a free validate(const T&, const C&) is never called: the library passes a context "
                  "only to a member. Make it a const member function of the struct, e.g. "
                  "`std::optional<std::string> validate(const C& context) const`");
    static_assert(form != ValidatorForm::not_one_function,
                  "instructor: this struct's member `validate` is overloaded, a template or not public. A struct "
                  "has one validator, a public const member function: either `validate() const` or "
                  "`validate(const C& context) const` (C the type of ParseOptions::context / Request::context)");
    static_assert(form != ValidatorForm::context_not_const_reference,
                  "instructor: this struct's validator takes its context by non-const or rvalue reference. The "
                  "context is shared and read-only: take it as `const C&`, e.g. "
                  "`std::optional<std::string> validate(const C& context) const`");
    static_assert(form != ValidatorForm::context_class_by_value,
                  "instructor: this struct's validator takes its context, a class, by value, which would copy it "
                  "for every object read. Take it as `const C&`, e.g. "
                  "`std::optional<std::string> validate(const C& context) const`");
    static_assert(form != ValidatorForm::not_a_validator,
                  "instructor: this struct's `validate` is never called, because its signature is not one a "
                  "validator has. Write a const member function taking no arguments (or a context as `const C&`), "
                  "or a free function validate(const T&), returning std::vector<instructor::FieldError>, "
                  "std::vector<std::string>, std::string or std::optional<std::string> (empty means valid), e.g. "
                  "`std::optional<std::string> validate() const`");
    return true;
}

template <class T, std::size_t... I>
bool read_struct(const nlohmann::json& j, T& out, ReadContext& ctx, const Constraints* use, std::index_sequence<I...>) {
    static_assert(check_validator_form<T>());
    const TypeNode& node = node_of<T>();
    // The context first, whatever the JSON: a missing one is the program's mistake, not the model's.
    const void* context = nullptr;
    if constexpr (has_context_member_validator<T>) {
        using C = validation_context_t<T>;
        context = ctx.options().context.template get_if<C>();
        if (context == nullptr) throw_struct_context_error(node, typeid(C), ctx.options().context);
    }
    if (!j.is_object()) {
        fail_expected(ctx, node, use, j);
        return false;
    }
    const auto before = ctx.error_count();
    (read_field<T, I>(j, out, ctx, node), ...);
    check_unknown_keys(ctx, node, j);
    if constexpr (has_validator<T>) {
        if (ctx.error_count() == before) run_validator_into(out, ctx, context);
    }
    return ctx.error_count() == before;
}

template <class... A>
bool read_variant(const nlohmann::json& j, std::variant<A...>& out, ReadContext& ctx) {
    // Alternatives are tried in declaration order. A strict match wins at once (with closed objects,
    // that tells struct alternatives apart by their keys); otherwise, in lax mode, the alternative
    // that ignored the fewest unknown keys.
    std::vector<std::vector<FieldError>> errors(sizeof...(A));
    std::vector<std::size_t> ignored(sizeof...(A), 0);
    auto attempt = [&](const ParseOptions& options) {
        bool found = false;
        std::size_t best_ignored = std::numeric_limits<std::size_t>::max();
        std::size_t index = 0;
        auto try_one = [&]<class Alternative>(std::type_identity<Alternative>) {
            auto& alternative_errors = errors[index];
            alternative_errors.clear();
            ReadContext sub(options, alternative_errors);
            sub.path() = ctx.path();
            Alternative candidate{};
            const bool read = read_value(j, candidate, sub, nullptr);
            ignored[index++] = sub.ignored_keys;
            if (read && sub.ignored_keys < best_ignored) {
                best_ignored = sub.ignored_keys;
                out = std::move(candidate);
                found = true;
            }
            return found && best_ignored == 0;
        };
        (try_one(std::type_identity<A>{}) || ...);
        if (found) ctx.ignored_keys += best_ignored;
        return found;
    };
    // The strict attempt reads with the same validation context (copied only when there is one).
    static const ParseOptions plain_strict_options{.strict = true};
    std::optional<ParseOptions> strict_with_context;
    if (ctx.options().context.has_value()) {
        strict_with_context.emplace(ctx.options());
        strict_with_context->strict = true;
    }
    if (attempt(strict_with_context ? *strict_with_context : plain_strict_options)) return true;
    if (!ctx.strict() && attempt(ctx.options())) return true;
    report_variant_mismatch(ctx, node_of<std::variant<A...>>(), j, std::move(errors), ignored);
    return false;
}

template <class T>
bool read_value(const nlohmann::json& j, T& out, ReadContext& ctx, const Constraints* use) {
    if constexpr (annotated_type<T>) {
        const Constraints& own = node_of<T>().constraints;
        if (use == nullptr || use->empty()) return read_value(j, annotated_value(out), ctx, &own);
        Constraints merged = own;
        merge_constraints(merged, *use);
        return read_value(j, annotated_value(out), ctx, &merged);
    } else if constexpr (json_type<T>) {
        out = j;
        return true;
    } else if constexpr (null_type<T>) {
        if (j.is_null()) return true;
        fail_expected(ctx, node_of<T>(), use, j);
        return false;
    } else if constexpr (boolean_type<T>) {
        const auto value = read_boolean_json(j, ctx.strict());
        if (!value) {
            fail_expected(ctx, node_of<T>(), use, j);
            return false;
        }
        out = *value;
        return true;
    } else if constexpr (integer_type<T>) {
        return read_integer(j, out, ctx, use);
    } else if constexpr (number_type<T>) {
        return read_floating(j, out, ctx, use);
    } else if constexpr (string_type<T>) {
        if (!j.is_string()) {
            fail_expected(ctx, node_of<T>(), use, j);
            return false;
        }
        if (use && use->has_value_checks() && !check_string(ctx, node_of<T>(), use, j)) return false;
        out = j.get_ref<const std::string&>();
        return true;
    } else if constexpr (enum_type<T>) {
        const auto& entries = enum_entries<T>();
        const TypeNode& node = node_of<T>();
        const auto index = j.is_string()
                               ? match_enumerator(node.enumerators, j.get_ref<const std::string&>(), ctx.strict())
                               : std::nullopt;
        if (!index) {
            fail_expected(ctx, node, use, j);
            return false;
        }
        out = entries[*index].first;
        return true;
    } else if constexpr (optional_type<T>) {
        if (j.is_null()) {
            out.reset();
            return true;
        }
        const NullableUse nullable(use);  // so that a wrong value is told "expected ... or null"
        return read_value(j, out.emplace(), ctx, nullable.get());
    } else if constexpr (pointer_type<T>) {
        if (j.is_null()) {
            out.reset();
            return true;
        }
        using Element = typename T::element_type;
        if constexpr (is_specialization_of_v<T, std::unique_ptr>)
            out = std::make_unique<Element>();
        else
            out = std::make_shared<Element>();
        const NullableUse nullable(use);
        return read_value(j, *out, ctx, nullable.get());
    } else if constexpr (variant_type<T>) {
        return read_variant(j, out, ctx);
    } else if constexpr (sequence_type<T>) {
        return read_sequence(j, out, ctx, use);
    } else if constexpr (set_type<T>) {
        return read_set(j, out, ctx, use);
    } else if constexpr (map_type<T>) {
        return read_map(j, out, ctx, use);
    } else if constexpr (struct_type<T>) {
        return read_struct(j, out, ctx, use, std::make_index_sequence<boost::pfr::tuple_size_v<T>>{});
    } else {
        refuse_unsupported_type<T>();
    }
}

}  // namespace instructor::detail
