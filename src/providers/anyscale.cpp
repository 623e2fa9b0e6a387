// Anyscale Endpoints (shut down in 2024): its json_object-with-schema dialect lives on in several
// self-hosted servers, so it stays as a preset.
#include "openai_dialect.hpp"
#include "registry.hpp"

namespace instructor::providers {

const Provider& anyscale() {
    static const OpenAIDialect instance(DialectSettings{
        .name = "anyscale",
        .base_url = "https://api.endpoints.anyscale.com/v1",
        .key_variable = "ANYSCALE_API_KEY",
        .default_mode = Mode::json_schema,
        .modes = {Mode::tools, Mode::parallel_tools, Mode::json, Mode::json_schema, Mode::md_json},
        .json_schema_shape = JsonSchemaShape::json_object_schema,
    });
    return instance;
}

}  // namespace instructor::providers
