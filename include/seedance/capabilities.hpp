// seedance/capabilities.hpp - what each provider offers, as constexpr tables, for compile-time and run-time
// checks. No Asio, no OpenSSL, no Boost.
#pragma once

#include <cstdint>
#include <string_view>

namespace seedance {

/// The providers the library speaks to.
enum class provider_id : std::uint8_t { kinovi, aihubmax, seedance2ink, ark };

}  // namespace seedance
