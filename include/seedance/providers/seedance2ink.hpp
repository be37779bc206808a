// seedance/providers/seedance2ink.hpp - everything the library knows of this provider: its capability table and rule
// sentences, its price rule, and its wire codec (which reads its webhooks too). The folder providers/seedance2ink/
// holds each part; include this header, or only the part you need.
#pragma once

#include <seedance/providers/seedance2ink/capabilities.hpp>
#include <seedance/providers/seedance2ink/codec.hpp>
#include <seedance/providers/seedance2ink/pricing.hpp>
