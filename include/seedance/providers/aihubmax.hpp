// seedance/providers/aihubmax.hpp - everything the library knows of this provider: its capability table and rule
// sentences, its price rule, and its wire codec (which reads its webhooks too). The folder providers/aihubmax/
// holds each part; include this header, or only the part you need.
#pragma once

#include <seedance/providers/aihubmax/capabilities.hpp>
#include <seedance/providers/aihubmax/codec.hpp>
#include <seedance/providers/aihubmax/pricing.hpp>
