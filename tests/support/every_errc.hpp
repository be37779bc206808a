// support/every_errc.hpp - every seedance::errc value, for tests that check a property of each.
#pragma once

#include <seedance/error.hpp>

namespace seedance::test_support {

/// Every enumerator of seedance::errc (errc_names_test checks that this list matches the category's).
inline constexpr errc every_errc[] = {errc::invalid_request,    errc::unsupported,       errc::connect_failed,
                                      errc::tls_failed,         errc::connection_closed, errc::timeout,
                                      errc::idle_timeout,       errc::protocol_error,    errc::message_too_large,
                                      errc::too_many_redirects, errc::insecure_redirect, errc::proxy_failed,
                                      errc::unauthorized,       errc::forbidden,         errc::insufficient_credits,
                                      errc::not_found,          errc::rate_limited,      errc::server_error,
                                      errc::rejected,           errc::bad_response,      errc::task_failed,
                                      errc::task_cancelled,     errc::task_expired,      errc::deadline_exceeded,
                                      errc::outcome_unknown,    errc::output_expired,    errc::file_exists,
                                      errc::io_error,           errc::invalid_video};

}  // namespace seedance::test_support
