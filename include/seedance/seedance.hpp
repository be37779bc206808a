// seedance/seedance.hpp - the whole library: vocabulary, requests, every provider's folder, the client,
// downloads, webhooks and media checks (sources, formats). Include the narrower headers instead where compile
// time matters. Uploads (media/uploader.hpp, media/s3.hpp), the job stores with dependencies of their own
// (jobs/sqlite.hpp, jobs/postgres.hpp) and the engine facade (engine.hpp) are included on their own.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/client.hpp>
#include <seedance/create_outcome.hpp>
#include <seedance/download.hpp>
#include <seedance/error.hpp>
#include <seedance/limiter.hpp>
#include <seedance/media/sniff.hpp>
#include <seedance/media/source.hpp>
#include <seedance/media_format.hpp>
#include <seedance/polling.hpp>
#include <seedance/pricing.hpp>
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/any_provider.hpp>
#include <seedance/providers/ark.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/provider.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/request.hpp>
#include <seedance/retry.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>
#include <seedance/webhook.hpp>
