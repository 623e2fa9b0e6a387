#pragma once
// instructor-cpp: typed, validated structured output from large language models.
// This header brings in everything.

#include <instructor/annotations.hpp>
#include <instructor/batch.hpp>
#include <instructor/batch_dialect.hpp>
#include <instructor/batch_error.hpp>
#include <instructor/batch_job.hpp>
#include <instructor/batch_job_options.hpp>
#include <instructor/cassette.hpp>
#include <instructor/client.hpp>
#include <instructor/completion.hpp>
#include <instructor/error.hpp>
#include <instructor/from_json.hpp>
#include <instructor/gbnf.hpp>
#include <instructor/hooks.hpp>
#include <instructor/http_headers.hpp>
#include <instructor/http_retries.hpp>
#include <instructor/limits.hpp>
#include <instructor/message.hpp>
#include <instructor/meta.hpp>
#include <instructor/mode.hpp>
#include <instructor/provider.hpp>
#include <instructor/request.hpp>
#include <instructor/response_model.hpp>
#include <instructor/result.hpp>
#include <instructor/schema.hpp>
#include <instructor/servers.hpp>
#include <instructor/thinking.hpp>
#include <instructor/to_json.hpp>
#include <instructor/transport.hpp>
#include <instructor/validation_context.hpp>
#include <instructor/validator.hpp>
#include <instructor/version.hpp>
