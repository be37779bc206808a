// seedance/seedance.hpp - the whole library: vocabulary, requests, codecs for every provider, the client,
// downloads and webhooks. Include the narrower headers instead where compile time matters.
#pragma once

#include <seedance/capabilities.hpp>
#include <seedance/client.hpp>
#include <seedance/error.hpp>
#include <seedance/limiter.hpp>
#include <seedance/polling.hpp>
#include <seedance/pricing.hpp>
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/any_provider.hpp>
#include <seedance/providers/ark.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/request.hpp>
#include <seedance/retry.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>
#include <seedance/webhook.hpp>
