// seedance/testing/detail/sim_faults.hpp - the simulator's fault plan: which request (or webhook delivery)
// misbehaves, and how. Pure; the random choices use the generator passed in (seeded by the simulator).
#pragma once

#include <seedance/testing/simulator_options.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace seedance::testing::detail {

/// Where in the life of a request a fault is being looked for.
enum class fault_stage : std::uint8_t {
  arrival,  ///< bytes of a new request arrived, nothing parsed: drop_before_request rules with no path only
  request,  ///< the request head is parsed: every other request rule
  webhook,  ///< a webhook is about to be delivered: webhook rules; the "path" is the callback URL
};

/// Ordered fault rules with their counters. Thread-compatible.
class fault_plan {
 public:
  /// Adds a rule; returns its id (never 0).
  std::uint64_t add(fault_rule rule) {
    rules_.push_back(entry{++last_id_, std::move(rule), 0, 0});
    return last_id_;
  }

  /// Removes a rule; false when the id is unknown.
  bool remove(std::uint64_t id) {
    for (auto it = rules_.begin(); it != rules_.end(); ++it)
      if (it->id == id) {
        rules_.erase(it);
        return true;
      }
    return false;
  }

  /// Removes every rule.
  void clear() { rules_.clear(); }

  /// How many times rule `id` struck (0 for unknown ids).
  std::uint64_t hits(std::uint64_t id) const {
    for (const auto& e : rules_)
      if (e.id == id) return e.hits;
    return 0;
  }

  /// True when a rule could apply at `stage` (lets the server skip work).
  bool any(fault_stage stage) const {
    for (const auto& e : rules_)
      if (applies(e.rule, stage)) return true;
    return false;
  }

  /// Counts the request against every rule of `stage` whose path matches, and returns the fault of the first
  /// rule that strikes, if any.
  std::optional<fault> pick(std::string_view target, fault_stage stage, std::mt19937_64& rng) {
    std::optional<fault> chosen;
    for (auto& e : rules_) {
      if (!applies(e.rule, stage)) continue;
      if (!e.rule.path_contains.empty() && target.find(e.rule.path_contains) == std::string_view::npos) continue;
      const std::uint64_t number = ++e.seen;
      if (chosen) continue;
      if (number < e.rule.nth) continue;
      if (e.rule.times != 0 && number >= e.rule.nth + e.rule.times) continue;
      if (e.rule.probability < 1.0) {
        std::bernoulli_distribution coin(e.rule.probability < 0 ? 0.0 : e.rule.probability);
        if (!coin(rng)) continue;
      }
      ++e.hits;
      chosen = e.rule.fault;
    }
    return chosen;
  }

 private:
  struct entry {
    std::uint64_t id;
    fault_rule rule;
    std::uint64_t seen;
    std::uint64_t hits;
  };

  static bool applies(const fault_rule& r, fault_stage stage) {
    const bool early = r.fault.kind == fault_kind::drop_before_request && r.path_contains.empty();
    switch (stage) {
      case fault_stage::arrival:
        return early;
      case fault_stage::request:
        return !early && !is_webhook_fault(r.fault.kind);
      case fault_stage::webhook:
        return is_webhook_fault(r.fault.kind);
    }
    return false;
  }

  std::vector<entry> rules_;
  std::uint64_t last_id_ = 0;
};

}  // namespace seedance::testing::detail
