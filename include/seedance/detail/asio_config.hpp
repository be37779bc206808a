// seedance/detail/asio_config.hpp - included before any Asio header by every seedance header that uses Asio.
//
// Asio 1.22 recognises Clang's coroutine support only through the Coroutines TS macro (__cpp_coroutines),
// which Clang does not define in C++20 mode with libstdc++. Without this, asio::awaitable does not exist
// under Clang. The CMake/meson targets also pass the definition, for users who include Asio first.
//
// Built with -fno-rtti, Asio needs ASIO_NO_TYPEID (it otherwise names typeid in its service registry); it is
// defined here when the compiler reports RTTI off, and passed by the CMake/meson targets and seedance.pc.
#pragma once

#if !defined(ASIO_NO_TYPEID)
#if defined(__clang__)
#if !__has_feature(cxx_rtti)
#define ASIO_NO_TYPEID 1
#endif
#elif defined(__GNUC__) && !defined(__GXX_RTTI)
#define ASIO_NO_TYPEID 1
#endif
#endif

#if defined(__clang__) && !defined(ASIO_HAS_CO_AWAIT) && defined(__cpp_impl_coroutine) && \
    (__cpp_impl_coroutine >= 201902L) && __has_include(<coroutine>)
#define ASIO_HAS_CO_AWAIT 1
#endif
