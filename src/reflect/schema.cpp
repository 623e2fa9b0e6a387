#include <instructor/schema.hpp>

#include <instructor/detail/reflect/grammar_pattern.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace instructor::detail {
namespace {

using ojson = nlohmann::ordered_json;

std::string plural(std::size_t n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); }

class SchemaRenderer {
public:
    SchemaRenderer(const TypeNode& root, SchemaForm form) : root_(root), form_(form) {}

    ojson run() {
        if (root_.kind == Kind::object) inline_stack_.push_back(&root_);
        ojson schema = root_.kind == Kind::object ? object_body(root_, nullptr) : render(root_, nullptr);
        if (!def_order_.empty()) {
            ojson defs = ojson::object();
            // Rendering a definition may discover more; the list grows while we walk it.
            for (std::size_t i = 0; i < def_order_.size(); ++i) {
                const TypeNode& node = *def_order_[i];
                inline_stack_.assign(1, &node);  // inlined form: inside its definition, the type is a $ref
                defs[def_names_.at(&node)] = object_body(node, nullptr);
            }
            schema["$defs"] = std::move(defs);
        }
        return schema;
    }

private:
    bool strict() const { return form_ == SchemaForm::openai_strict; }

    std::string where() const {
        std::string text;
        for (const auto& step : where_) text += "/" + step;
        return text.empty() ? std::string("the root") : text;
    }

    [[noreturn]] void cannot(const std::string& what, const std::string& advice) const {
        throw SchemaError(what + " at " + where() + " cannot be expressed in the OpenAI strict schema form: " + advice);
    }

    // description, value keywords and default, in that order, after the type part already in `s`.
    void finish(ojson& s, const std::string& own_description, Kind kind, const Constraints& c) {
        std::string description = c.description.empty() ? own_description : c.description;
        std::vector<std::string> notes;  // strict mode: constraints it rejects, told in words instead
        ojson keywords = ojson::object();
        auto bound = [&](const char* key, const std::optional<nlohmann::json>& value) {
            if (value) keywords[key] = *value;
        };
        if (kind == Kind::integer || kind == Kind::number) {
            bound("minimum", c.minimum);
            bound("exclusiveMinimum", c.exclusive_minimum);
            bound("maximum", c.maximum);
            bound("exclusiveMaximum", c.exclusive_maximum);
        } else if (kind == Kind::string) {
            if (!c.choices.empty()) keywords["enum"] = c.choices;
            if (strict()) {
                if (c.min_length && c.max_length)
                    notes.push_back(*c.min_length == *c.max_length
                                        ? "exactly " + plural(*c.min_length, "character")
                                        : std::to_string(*c.min_length) + " to " + plural(*c.max_length, "character"));
                else if (c.min_length)
                    notes.push_back("at least " + plural(*c.min_length, "character"));
                else if (c.max_length)
                    notes.push_back("at most " + plural(*c.max_length, "character"));
            } else {
                if (c.min_length) keywords["minLength"] = *c.min_length;
                if (c.max_length) keywords["maxLength"] = *c.max_length;
            }
            // The inlined form is the grammar servers' form: their converters read a pattern their own way.
            if (!c.pattern.empty())
                keywords["pattern"] = form_ == SchemaForm::inlined ? grammar_safe_pattern(c.pattern) : c.pattern;
        } else if (kind == Kind::array) {
            if (c.min_items) keywords["minItems"] = *c.min_items;
            if (c.max_items) keywords["maxItems"] = *c.max_items;
            if (c.unique_items) {
                if (strict())
                    notes.emplace_back("unique items");
                else
                    keywords["uniqueItems"] = true;
            }
        }
        if (strict() && c.default_value) notes.push_back("default " + c.default_value->dump());
        if (!notes.empty()) {
            std::string joined;
            for (const auto& note : notes) joined += (joined.empty() ? "" : "; ") + note;
            description += (description.empty() ? "(" : " (") + joined + ")";
        }
        if (!description.empty()) s["description"] = description;
        for (auto& [key, value] : keywords.items()) s[key] = std::move(value);
        if (!strict() && c.default_value) s["default"] = *c.default_value;
    }

    static Constraints value_part(const Constraints* use) {
        Constraints value = use ? *use : Constraints{};
        value.description.clear();
        value.default_value.reset();
        return value;
    }

    static Constraints use_part(const Constraints* use) {
        Constraints outer;
        if (use) {
            outer.description = use->description;
            outer.default_value = use->default_value;
        }
        return outer;
    }

    const std::string& def_name(const TypeNode& node) {
        if (const auto found = def_names_.find(&node); found != def_names_.end()) return found->second;
        std::string name = node.name;
        for (int n = 2; used_names_.count(name) != 0; ++n) name = node.name + "_" + std::to_string(n);
        used_names_.insert(name);
        def_order_.push_back(&node);
        return def_names_.emplace(&node, std::move(name)).first->second;
    }

    ojson object_body(const TypeNode& node, const Constraints* use) {
        ojson s = {{"type", "object"}};
        finish(s, node.description, Kind::object, use ? *use : Constraints{});
        ojson properties = ojson::object();
        ojson required = ojson::array();
        for (const auto& field : node.fields) {
            where_.push_back(field.name);
            properties[field.name] = render(field.type(), field.constraints.empty() ? nullptr : &field.constraints);
            where_.pop_back();
            if (field.required || strict()) required.push_back(field.name);
        }
        s["properties"] = std::move(properties);
        if (!required.empty() || strict()) s["required"] = std::move(required);
        s["additionalProperties"] = false;
        return s;
    }

    // A reference is always to "#/$defs/Name", never "#": servers' grammar converters (llama.cpp)
    // resolve only the former. A reference to the root therefore puts the root's body in $defs too.
    ojson reference(const TypeNode& node, const Constraints* use) {
        ojson s = {{"$ref", "#/$defs/" + def_name(node)}};
        if (use && !use->empty()) finish(s, {}, Kind::object, *use);
        return s;
    }

    ojson render_object(const TypeNode& node, const Constraints* use) {
        if (form_ == SchemaForm::inlined) {
            // Everything is written in place, except a type inside itself: that needs a $ref.
            if (std::find(inline_stack_.begin(), inline_stack_.end(), &node) != inline_stack_.end())
                return reference(node, use);
            inline_stack_.push_back(&node);
            ojson s = object_body(node, use);
            inline_stack_.pop_back();
            return s;
        }
        const bool has_use = use && !use->empty();
        if (strict() && has_use && &node != &root_) return object_body(node, use);  // strict rejects $ref with siblings
        return reference(node, use);
    }

    ojson render(const TypeNode& node, const Constraints* use) {
        switch (node.kind) {
            case Kind::annotated: {
                Constraints merged = node.constraints;
                if (use) merge_constraints(merged, *use);
                return render(node.element(), &merged);
            }
            case Kind::nullable: {
                const Constraints value = value_part(use);
                ojson s = {{"anyOf", {render(node.element(), value.empty() ? nullptr : &value), {{"type", "null"}}}}};
                finish(s, {}, Kind::nullable, use_part(use));
                return s;
            }
            case Kind::variant: {
                ojson alternatives = ojson::array();
                for (const auto alternative : node.alternatives) alternatives.push_back(render(alternative(), nullptr));
                ojson s = {{"anyOf", std::move(alternatives)}};
                finish(s, {}, Kind::variant, use_part(use));
                return s;
            }
            case Kind::object: return render_object(node, use);
            default: break;
        }
        Constraints effective = node.constraints;
        if (use) merge_constraints(effective, *use);
        ojson s;
        switch (node.kind) {
            case Kind::null: s = {{"type", "null"}}; break;
            case Kind::boolean: s = {{"type", "boolean"}}; break;
            case Kind::integer: s = {{"type", "integer"}}; break;
            case Kind::number: s = {{"type", "number"}}; break;
            case Kind::string: s = {{"type", "string"}}; break;
            case Kind::enumeration:
                // Written like a string with choices, so both read: type, description, enum, default.
                s = {{"type", "string"}};
                effective.choices = node.enumerators;
                finish(s, node.description, Kind::string, effective);
                return s;
            case Kind::array:
                s = {{"type", "array"}};
                where_.emplace_back("items");
                s["items"] = render(node.element(), nullptr);
                where_.pop_back();
                break;
            case Kind::map:
                if (strict())
                    cannot("a map (std::map / std::unordered_map)",
                           "strict mode needs every object closed with fixed properties; use a std::vector of "
                           "key/value structs, or a non-strict mode");
                s = {{"type", "object"}};
                where_.emplace_back("additionalProperties");
                s["additionalProperties"] = render(node.element(), nullptr);
                where_.pop_back();
                break;
            case Kind::any:
                if (strict())
                    cannot("a free-form value (nlohmann::json)",
                           "strict mode needs a type for every value; use a concrete type, or a non-strict mode");
                s = ojson::object();
                break;
            default: break;
        }
        // Keywords follow the type, and arrays keep "items" before their size limits.
        finish(s, {}, node.kind, effective);
        // {"description": ...} means any value, but converters before mid-2025 (llama.cpp's, and the
        // copies in other servers) accept only a bare {} as that: the grammar form lists the types.
        if (node.kind == Kind::any && form_ == SchemaForm::inlined && !s.empty())
            s["anyOf"] = ojson::array({{{"type", "object"}, {"additionalProperties", ojson::object()}},
                                       {{"type", "array"}},
                                       {{"type", "string"}},
                                       {{"type", "number"}},
                                       {{"type", "boolean"}},
                                       {{"type", "null"}}});
        return s;
    }

    const TypeNode& root_;
    SchemaForm form_;
    std::vector<const TypeNode*> def_order_;
    std::map<const TypeNode*, std::string> def_names_;
    std::set<std::string> used_names_;
    std::vector<const TypeNode*> inline_stack_;
    std::vector<std::string> where_;
};

}  // namespace

nlohmann::ordered_json render_schema(const TypeNode& root, SchemaForm form) { return SchemaRenderer(root, form).run(); }

}  // namespace instructor::detail
