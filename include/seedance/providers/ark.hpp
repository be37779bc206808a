// seedance/providers/ark.hpp - everything the library knows of this provider: its capability table and rule
// sentences, its price rule, and its wire codec (which reads its webhooks too). The folder providers/ark/
// holds each part; include this header, or only the part you need.
#pragma once

#include <seedance/providers/ark/capabilities.hpp>
#include <seedance/providers/ark/codec.hpp>
#include <seedance/providers/ark/pricing.hpp>
