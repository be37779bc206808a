// seedance/jobs/runner.hpp - job_runner: `co_await jobs.run(key, req, path)` over a client and a job store.
//
// run() returns the same result whether it starts the job, finds it running (another worker or coroutine holds
// it: it waits for that one) or finds it done (returns at once). Every transition is committed to the store
// before the network step that depends on it:
//
//   commit creating        -> send the create request
//   commit created(id)     -> wait for the task           (the task id is durable before the wait starts)
//   commit succeeded(url)  -> download to the path
//   commit downloaded
//
// so a process that dies anywhere leaves the store saying what may exist. A create the provider refused (4xx,
// 429, no connection) leaves the job at `intent` (nothing exists: a later run() creates it); a create whose answer
// was lost or a 5xx makes it outcome_unknown. A job found in `creating` by anyone
// else than the coroutine that moved it there becomes outcome_unknown (the create may have been sent) and is
// never submitted again until `resolve()`. A second run() with the same key therefore never creates a second
// task, in this process or after a restart; compare-and-set on the job's version makes that hold across
// processes and machines too (two workers cannot both move intent -> creating).
//
// Thread safety: a runner, its client and its store run on one executor (or strand); not thread-safe otherwise.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <seedance/client.hpp>
#include <seedance/create_outcome.hpp>
#include <seedance/error.hpp>
#include <seedance/jobs/job.hpp>
#include <seedance/request.hpp>

#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/multiple_exceptions.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace seedance::jobs {

/// Options of `job_runner`.
struct runner_options {
  /// This worker's name in leases. Empty: "<hostname>:<pid>". A process restarted with the same id takes its
  /// leases back at once; a different id waits for them to expire.
  std::string worker_id{};
  /// How long a claim holds a job without renewal. Renewed every third of it while the job is worked on.
  std::chrono::milliseconds lease{std::chrono::seconds(30)};
  /// How often a run() whose job another worker holds looks at the store again (stores with notifications
  /// wake it earlier).
  std::chrono::milliseconds watch_interval{std::chrono::seconds(1)};
  /// Options of every wait (deadline, webhook listener, progress).
  wait_options wait{};
  /// Options of every download (`overwrite` is always set: the store says the job owns its path).
  download_options download{};
  /// Called after every transition this runner commits, with the job as stored. Runs on the runner's executor.
  /// May throw: the exception ends the run() at once, without any further store write (tests use this to
  /// stop a worker between a commit and the next step).
  std::function<void(const job&)> on_transition{};
};

/// What a finished job produced.
struct job_result {
  std::string key{};
  std::string task_id{};
  std::filesystem::path path{};
  std::uint64_t bytes = 0;
};

/// One job's outcome in `resume()`.
struct resume_outcome {
  std::string key{};
  std::optional<job_result> result{};  ///< set when the job ended downloaded
  std::error_code error{};             ///< otherwise what stopped it
  std::string message{};
};

namespace detail {

inline std::string default_worker_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "localhost") + ":" + std::to_string(::getpid());
}

/// Thrown inside the runner when the stored job moved under it (another worker wrote first).
struct job_conflict {};

}  // namespace detail

/// Drives durable jobs through a `client<Provider>` and a store (see the top of this header).
template <class Provider, job_store Store>
class job_runner {
 public:
  /// A runner over `c` and `s` (both must outlive it; both on the same executor).
  job_runner(client<Provider>& c, Store& s, runner_options options = {})
      : client_(c), store_(s), options_(std::move(options)) {
    if (options_.worker_id.empty()) options_.worker_id = detail::default_worker_id();
    if (options_.lease < std::chrono::milliseconds(30))
      throw error(errc::invalid_request,
                  "lease: must be at least 30 ms (got " + std::to_string(options_.lease.count()) + " ms)");
    options_.download.overwrite = true;
  }

  /// This runner's worker id.
  const std::string& worker_id() const noexcept { return options_.worker_id; }

  /// Runs the job `key` to a complete file at `path` and returns it. The first call records the job and creates
  /// its task; later calls (here, in another process, after a restart) find it and wait for or return the same
  /// result. Errors: invalid_request (bad key, path or request, or the key already names another request or path;
  /// nothing stored or sent), outcome_unknown (the create may have made a task: look at the provider, then
  /// `resolve()`; also after a 5xx answer to the create), the provider's refusal of the create (insufficient_credits,
  /// rejected, rate_limited, unauthorized...: nothing exists, the job stays at intent and a later call creates it),
  /// task_failed / task_cancelled / task_expired (stored: every later call reports the same),
  /// the client's errors for waits and downloads (the job stays where it was: call run() or resume() again),
  /// io_error from the store. Cancellation: stops the wait or download; the job stays resumable.
  asio::awaitable<job_result> run(std::string key, const request& req, std::filesystem::path path) {
    // Not a coroutine itself: the request is copied into the operation's frame here, not in the caller's co_await
    // expression (GCC 12 destroys aggregates there twice).
    return run_impl(std::move(key), req, std::move(path));
  }

 private:
  asio::awaitable<job_result> run_impl(std::string key, request req, std::filesystem::path path) {
    check_key(key);
    if (path.empty()) throw error(errc::invalid_request, "path: must not be empty");
    // Every problem at once, before anything is stored (a run-time provider's client checks at submit).
    if constexpr (seedance::detail::static_provider<Provider>) check(Provider::id, req);
    job fresh;
    fresh.key = key;
    fresh.request_json = request_to_json(req);
    fresh.path = path.string();
    const job stored = co_await store_.insert_if_absent(fresh);
    if (stored.request_json != fresh.request_json)
      throw error(errc::invalid_request, "key: \"" + key + "\" already names a different request in the store");
    if (stored.path != fresh.path)
      throw error(errc::invalid_request,
                  "path: job \"" + key + "\" already writes to " + stored.path + ", not " + fresh.path);
    co_return co_await drive_key(key);
  }

 public:
  /// Picks up every unfinished job in the store (after a restart): each one is driven as run() would, all of them
  /// concurrently (the client's max_in_flight bounds the tasks in flight). outcome_unknown jobs are reported, not
  /// touched. Never throws for a job's failure (each outcome says it); throws io_error when the store cannot be
  /// listed. Cancellation: cancels every job (each stays resumable) and throws operation_aborted once all ended.
  asio::awaitable<std::vector<resume_outcome>> resume() {
    const std::vector<job> pending = co_await store_.list_unfinished();
    std::vector<resume_outcome> outcomes(pending.size());
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer all_done(executor, asio::steady_timer::time_point::max());
    std::size_t remaining = pending.size();
    // One signal per job: cancelling resume() cancels every job, and resume() returns only once all have ended
    // (they write into `outcomes`).
    std::vector<asio::cancellation_signal> signals(pending.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
      outcomes[i].key = pending[i].key;
      asio::co_spawn(executor, drive_key(pending[i].key),
                     asio::bind_cancellation_slot(
                         signals[i].slot(), [&outcomes, i, &remaining, &all_done](std::exception_ptr ep, job_result r) {
                           if (!ep) {
                             outcomes[i].result = std::move(r);
                           } else {
                             try {
                               std::rethrow_exception(ep);
                             } catch (const std::system_error& e) {
                               outcomes[i].error = e.code();
                               outcomes[i].message = e.what();
                             } catch (const std::exception& e) {
                               outcomes[i].error = make_error_code(errc::io_error);
                               outcomes[i].message = e.what();
                             } catch (...) {
                               outcomes[i].error = make_error_code(errc::io_error);
                               outcomes[i].message = "job " + outcomes[i].key + ": stopped by an unknown exception";
                             }
                           }
                           if (--remaining == 0) all_done.cancel();
                         }));
    }
    bool cancelled = false;
    while (remaining > 0) {
      std::error_code ec;
      co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (remaining > 0 && ec == asio::error::operation_aborted && !cancelled) {
        cancelled = true;  // resume() itself was cancelled: pass it on, then wait for every job to end
        for (auto& signal : signals) signal.emit(asio::cancellation_type::terminal);
      }
    }
    if (cancelled) throw std::system_error(asio::error::operation_aborted, "resume");
    co_return outcomes;
  }

  /// Works as one member of a fleet: claims any job that needs work (`claim_next`), drives it, and repeats, with
  /// up to `concurrency` jobs at once, until no job in the store needs work (jobs other workers hold are waited
  /// for: when a worker dies, its jobs are claimed here once its leases run out). Cancellation: cancels its jobs
  /// (each stays resumable) and throws operation_aborted once all ended. Returns how
  /// many jobs it finished (downloaded). Failures of single jobs are stored and do not stop it; store errors do.
  asio::awaitable<std::size_t> work(std::size_t concurrency = 1) {
    if (concurrency == 0) throw error(errc::invalid_request, "concurrency: must be at least 1");
    auto executor = co_await asio::this_coro::executor;
    std::size_t finished = 0;
    std::size_t running = 0;
    std::exception_ptr fatal;
    asio::steady_timer slot_freed(executor, asio::steady_timer::time_point::max());
    std::list<asio::cancellation_signal> signals;  // one per job started (cancelled with work())
    try {
      for (;;) {
        if (fatal) break;
        std::optional<job> claimed;
        if (running < concurrency) claimed = co_await store_.claim_next(options_.worker_id, options_.lease);
        if (claimed && !local_.insert(claimed->key).second) {
          claimed.reset();  // a run() of this process drives it already
        } else if (claimed) {
          ++running;
          asio::co_spawn(
              executor, drive_claimed(*claimed),
              asio::bind_cancellation_slot(signals.emplace_back().slot(), [&finished, &running, &fatal, &slot_freed](
                                                                              std::exception_ptr ep, job_result) {
                --running;
                if (!ep) {
                  ++finished;
                } else {
                  try {
                    std::rethrow_exception(ep);
                  } catch (const detail::job_conflict&) {
                    // another worker took it over
                  } catch (const error& e) {
                    if (e.code() == make_error_code(errc::io_error)) fatal = ep;  // the store broke
                  } catch (const std::system_error&) {
                    // a job's wait or download failed: it stays in the store for a later worker
                  } catch (...) {
                    fatal = ep;
                  }
                }
                slot_freed.cancel();
              }));
          continue;
        }
        if (running == 0) {
          // Nothing claimable and nothing of ours running: done, unless jobs held by other workers still need
          // work (their leases may run out: a dead worker's jobs come back to the fleet).
          bool others_busy = false;
          for (const job& j : co_await store_.list_unfinished()) others_busy = others_busy || needs_work(j.state);
          if (!others_busy) break;
        }
        // Full, or nothing claimable right now: wait until one of ours ends (or look again a little later).
        slot_freed.expires_after(options_.watch_interval);
        std::error_code ignored;
        co_await slot_freed.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      }
    } catch (...) {
      // Cancelled, or the store failed: stop every job of ours (they stay resumable), and wait for them below.
      if (!fatal) fatal = std::current_exception();
      for (auto& signal : signals) signal.emit(asio::cancellation_type::terminal);
    }
    // The jobs write into this frame: it must outlive them, whatever ended the loop.
    co_await asio::this_coro::throw_if_cancelled(false);
    while (running > 0) {
      slot_freed.expires_after(options_.watch_interval);
      std::error_code ignored;
      co_await slot_freed.async_wait(
          asio::bind_cancellation_slot(asio::cancellation_slot(), asio::redirect_error(asio::use_awaitable, ignored)));
    }
    co_await asio::this_coro::throw_if_cancelled(true);
    if (fatal) std::rethrow_exception(fatal);
    co_return finished;
  }

  /// Resolves an outcome_unknown job (see job_store::resolve); then run() or resume() carries on with it.
  asio::awaitable<job> resolve(std::string key, std::optional<std::string> task_id) {
    co_return co_await store_.resolve(std::move(key), std::move(task_id));
  }

 private:
  /// The job's outcome when it is final (or outcome_unknown): the result, or the stored error thrown.
  static std::optional<job_result> final_result(const job& j) {
    switch (j.state) {
      case job_state::downloaded:
        return job_result{j.key, j.task_id, j.path, j.bytes};
      case job_state::failed:
      case job_state::cancelled: {
        error_details d;
        d.task_id = j.task_id;
        const errc code = j.error_code.empty()
                              ? (j.state == job_state::cancelled ? errc::task_cancelled : errc::task_failed)
                              : error_code_from_name(j.error_code);
        throw error(code,
                    "job " + j.key + ": " + std::string(to_string(j.state)) +
                        (j.error_message.empty() ? std::string() : ": " + j.error_message),
                    std::move(d));
      }
      case job_state::outcome_unknown:
        throw error(errc::outcome_unknown,
                    "job " + j.key + ": outcome unknown: the create request may have made a task (" +
                        (j.error_message.empty() ? std::string("no answer recorded") : j.error_message) +
                        "); look for it at the provider, then resolve the job with its task id or with none");
      default:
        return std::nullopt;
    }
  }

  /// run() after the job is stored: claim it, or watch it while another worker holds it.
  asio::awaitable<job_result> drive_key(std::string key) {
    for (;;) {
      auto current = co_await store_.get(key);
      if (!current) throw error(errc::not_found, "job " + key + ": no such job in the store");
      if (auto done = final_result(*current)) co_return std::move(*done);
      std::optional<job> claimed;
      if (local_.insert(key).second) {  // reserved before the claim: one coroutine of this worker drives a key
        std::exception_ptr failure;
        try {
          claimed = co_await store_.claim(key, options_.worker_id, options_.lease);
        } catch (...) {
          failure = std::current_exception();
        }
        if (failure || !claimed) local_.erase(key);
        if (failure) std::rethrow_exception(failure);
      }
      if (!claimed) {
        co_await store_.wait_for_change(key, options_.watch_interval);
        continue;
      }
      std::optional<job_result> result;
      try {
        result = co_await drive_claimed(std::move(*claimed));
      } catch (const detail::job_conflict&) {
        continue;  // someone else moved it: look again
      }
      co_return std::move(*result);
    }
  }

  /// Drives a job this worker holds the lease of, to downloaded; releases the lease however it ends. The key is
  /// in local_ (the caller reserved it) and is taken out at the end.
  asio::awaitable<job_result> drive_claimed(job j) {
    const std::string key = j.key;
    std::exception_ptr failure;
    std::optional<job_result> result;
    try {
      result = co_await drive(std::move(j));
    } catch (...) {
      failure = std::current_exception();
    }
    local_.erase(key);
    bool stop_now = false;
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const detail::job_conflict&) {
      } catch (const stop_signal&) {
        stop_now = true;  // on_transition threw: no further store write
      } catch (...) {
      }
    }
    // A job that ended (downloaded) had its lease freed by its last commit. A cancelled run still gives its lease
    // back: the store's statements are not cancelled for the release.
    if (!stop_now && !result) {
      const bool throwing = co_await asio::this_coro::throw_if_cancelled();
      co_await asio::this_coro::throw_if_cancelled(false);
      std::exception_ptr release_failure;
      try {
        co_await store_.release(key, options_.worker_id);
      } catch (...) {
        release_failure = std::current_exception();
      }
      co_await asio::this_coro::throw_if_cancelled(throwing);
      if (release_failure && !failure) std::rethrow_exception(release_failure);
    }
    if (failure) {
      if (stop_now) {
        try {
          std::rethrow_exception(failure);
        } catch (const stop_signal& s) {
          std::rethrow_exception(s.original);
        }
      }
      std::rethrow_exception(failure);
    }
    co_return std::move(*result);
  }

  /// Wraps an exception thrown by on_transition so that nothing else is written before it propagates.
  struct stop_signal {
    std::exception_ptr original;
  };

  /// Commits `j -> to` with `data`; throws job_conflict when another writer moved the job first. (`data` by
  /// reference, and callers pass named variables: GCC 12 destroys an aggregate temporary of a co_await twice.)
  asio::awaitable<void> commit(job& j, job_state to, const transition_data& data) {
    job next = apply(j, to, data);
    if (!co_await store_.compare_and_set(j, next)) throw detail::job_conflict{};
    j = std::move(next);
    notify_transition(j);
  }

  /// Commits `j -> to` with no data.
  asio::awaitable<void> commit(job& j, job_state to) {
    const transition_data none;
    co_await commit(j, to, none);
  }

  void notify_transition(const job& j) {
    if (!options_.on_transition) return;
    try {
      options_.on_transition(j);
    } catch (...) {
      throw stop_signal{std::current_exception()};
    }
  }

  /// True when a failed create provably made no task: the provider refused it with a 4xx answer (a 429, a
  /// rejected or unauthorized request, no credits), the connection failed before anything was sent, or the client
  /// calls it safe to repeat. A 5xx answer, an unreadable 2xx or a lost connection may have made one.
  /// Built on the library's decision (may_have_created_task), and stricter: a 5xx answer counts as "may have
  /// made one" here, since a store that resubmits runs unattended.
  static bool nothing_created(const error& e) {
    if (may_have_created_task(e.code())) return false;
    if (e.details().retry_safe) return true;
    if (e.code().category() != error_category() || e.details().http_status >= 500) return false;
    switch (static_cast<errc>(e.code().value())) {
      case errc::invalid_request:
      case errc::unsupported:
      case errc::connect_failed:
      case errc::tls_failed:
      case errc::proxy_failed:
      case errc::unauthorized:
      case errc::forbidden:
      case errc::insufficient_credits:
      case errc::not_found:
      case errc::rate_limited:
      case errc::rejected:
        return true;
      default:
        return false;
    }
  }

  static transition_data failure_data(const std::system_error& e) {
    transition_data d;
    d.error_code = error_code_name(e.code());
    d.error_message = e.what();
    return d;
  }

  /// The end of a download: what it wrote, or what stopped it.
  struct download_outcome {
    std::optional<download_result> done{};
    std::optional<error> failure{};
  };

  /// Downloads the job's video (by its stored URL; by task id when there is none or it expired), with the
  /// seedance errors returned instead of thrown (see wait_for_task).
  asio::awaitable<download_outcome> download_job(const job& j) {
    download_outcome out;
    try {
      std::optional<error> expired;
      if (!j.video_url.empty()) {
        try {
          download_options dl = options_.download;
          out.done = co_await client_.download(j.video_url, j.path, std::move(dl));
        } catch (const error& e) {
          if (e.code() != make_error_code(errc::output_expired)) throw;
          expired.emplace(e);
        }
      }
      if (j.video_url.empty() || expired) {
        download_options dl = options_.download;
        out.done = co_await client_.download_task(j.task_id, j.path, std::move(dl));  // a fresh URL by task id
      }
    } catch (const error& e) {
      out.failure.emplace(e);
    }
    co_return out;
  }

  /// The first exception of a failed `a || b || c` (nested groups unwrapped).
  static std::exception_ptr first_of(const asio::multiple_exceptions& all_failed) {
    std::exception_ptr ep = all_failed.first_exception();
    for (;;) {
      try {
        std::rethrow_exception(ep);
      } catch (const asio::multiple_exceptions& nested) {
        ep = nested.first_exception();
      } catch (...) {
        return ep;
      }
    }
  }

  /// The end of a wait: the succeeded task, or what ended it.
  struct wait_outcome {
    std::optional<task> done{};
    std::optional<error> failure{};
  };

  /// client.wait() with its seedance errors returned instead of thrown (cancellation still throws).
  asio::awaitable<wait_outcome> wait_for_task(std::string task_id) {
    wait_outcome out;
    try {
      wait_options wo = options_.wait;
      out.done = co_await client_.wait(std::move(task_id), std::move(wo));
    } catch (const error& e) {
      out.failure.emplace(e);
    }
    co_return out;
  }

  /// Renews the lease every third of its length; returns when it is lost.
  asio::awaitable<void> keep_lease(std::string key) {
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    for (;;) {
      timer.expires_after(options_.lease / 3);
      co_await timer.async_wait(asio::use_awaitable);
      if (!co_await store_.renew(key, options_.worker_id, options_.lease)) co_return;
    }
  }

  /// Returns when the stored job's version differs from `version` (another writer moved it: a webhook handler
  /// or another replica recorded the outcome).
  asio::awaitable<void> watch_version(std::string key, std::int64_t version) {
    for (;;) {
      co_await store_.wait_for_change(key, options_.watch_interval);
      auto now = co_await store_.get(key);
      if (!now || now->version != version) co_return;
    }
  }

  asio::awaitable<job_result> drive(job j) {
    for (;;) {
      switch (j.state) {
        case job_state::intent: {
          co_await commit(j, job_state::creating);  // durable before the request can reach the provider
          task created;
          std::optional<error> refused;
          try {
            const request req = request_from_json(j.request_json);
            created = co_await client_.submit(req);
          } catch (const error& e) {
            refused.emplace(e);
          }
          if (refused) {
            const transition_data why = failure_data(*refused);
            if (nothing_created(*refused)) {
              co_await commit(j, job_state::intent, why);  // a later run() may create it
            } else {
              co_await commit(j, job_state::outcome_unknown, why);  // resolve first: it may exist and be charged
            }
            throw *refused;
          }
          transition_data d;
          d.task_id = created.id;
          job next = apply(j, job_state::created, d);
          if (!co_await store_.compare_and_set(j, next)) {
            // Someone decided this worker was dead and marked the create outcome_unknown: this worker knows the
            // answer, so it records it (the resolve move) instead of leaving the task orphaned.
            auto now = co_await store_.get(j.key);
            if (!now || now->state != job_state::outcome_unknown) throw detail::job_conflict{};
            j = std::move(*now);
            co_await commit(j, job_state::created, d);
          } else {
            j = std::move(next);
            notify_transition(j);
          }
          break;
        }
        case job_state::creating: {
          // Moved to creating by a worker that is gone (this coroutine never re-enters a state it left): it may
          // have sent the request.
          transition_data d;
          d.error_code = "outcome_unknown";
          d.error_message = "worker " + (j.lease_owner.empty() ? std::string("?") : j.lease_owner) +
                            " stopped while creating the task";
          co_await commit(j, job_state::outcome_unknown, d);
          break;
        }
        case job_state::created: {
          using namespace asio::experimental::awaitable_operators;
          std::optional<error> ended;
          std::optional<task> done;
          try {
            // operator|| ends at the first branch that completes without an exception: the wait's errors are
            // therefore caught inside wait_for_task and handed back as a value.
            using wait_result = std::variant<wait_outcome, std::monostate, std::monostate>;
            std::optional<wait_result> ended_as;
            try {
              ended_as.emplace(
                  co_await (wait_for_task(j.task_id) || keep_lease(j.key) || watch_version(j.key, j.version)));
            } catch (const asio::multiple_exceptions& all_failed) {
              std::rethrow_exception(first_of(all_failed));  // cancelled: every branch ended with it
            }
            auto& result = *ended_as;
            if (result.index() != 0) {  // lease lost, or the job moved elsewhere: look again
              client_.forget(j.task_id);
              throw detail::job_conflict{};
            }
            auto outcome = std::get<0>(std::move(result));
            if (outcome.failure) throw *outcome.failure;
            done = std::move(outcome.done);
          } catch (const error& e) {
            ended.emplace(e);
          }
          if (ended) {
            const auto code = ended->code();
            const transition_data why = failure_data(*ended);
            if (code == make_error_code(errc::task_failed) || code == make_error_code(errc::task_expired))
              co_await commit(j, job_state::failed, why);
            else if (code == make_error_code(errc::task_cancelled))
              co_await commit(j, job_state::cancelled, why);
            throw *ended;  // other errors (deadline, transport) leave it created: run again to keep waiting
          }
          transition_data d;
          if (!done->videos.empty()) d.video_url = done->videos.front().url;
          co_await commit(j, job_state::succeeded, d);
          break;
        }
        case job_state::succeeded: {
          // The lease is renewed while the file streams in (a long download must not look like a dead worker).
          using namespace asio::experimental::awaitable_operators;
          std::optional<std::variant<download_outcome, std::monostate>> ended_as;
          try {
            ended_as.emplace(co_await (download_job(j) || keep_lease(j.key)));
          } catch (const asio::multiple_exceptions& all_failed) {
            std::rethrow_exception(first_of(all_failed));
          }
          if (ended_as->index() != 0) throw detail::job_conflict{};  // lease lost: another worker may have it
          auto outcome = std::get<0>(std::move(*ended_as));
          if (outcome.failure) throw *outcome.failure;
          transition_data d;
          d.bytes = outcome.done->bytes;
          co_await commit(j, job_state::downloaded, d);
          break;
        }
        default:
          if (auto done = final_result(j)) co_return std::move(*done);
          throw detail::job_conflict{};
      }
    }
  }

  client<Provider>& client_;
  Store& store_;
  runner_options options_;
  std::unordered_set<std::string> local_;  ///< keys this runner is driving right now
};

}  // namespace seedance::jobs
