// seedance/providers/kinovi.hpp - everything the library knows of this provider: its capability table and rule
// sentences, its price rule, and its wire codec (which reads its webhooks too). The folder providers/kinovi/
// holds each part; include this header, or only the part you need.
#pragma once

#include <seedance/providers/kinovi/capabilities.hpp>
#include <seedance/providers/kinovi/codec.hpp>
#include <seedance/providers/kinovi/pricing.hpp>
