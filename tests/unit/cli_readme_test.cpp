// README.md stays true: the code it shows is quoted verbatim from examples/readme_snippets.cpp (which the build
// compiles and the examples test runs), the provider table is what capabilities.hpp says, and the exit codes
// are the ones the program uses.
#include <cli/exit_codes.hpp>

#include <seedance/capabilities.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef SEEDANCE_SOURCE_DIR
#error "SEEDANCE_SOURCE_DIR must name the source tree"
#endif

namespace {

using namespace seedance;

std::string read(const std::string& relative) {
  std::ifstream in(std::string(SEEDANCE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The regions between "// [readme:NAME]" and "// [readme:end]" lines.
std::vector<std::pair<std::string, std::string>> snippets(const std::string& source) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(source);
  std::string line, name, body;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("// [readme:", 0) == 0) {
      const std::string tag = line.substr(11, line.find(']') - 11);
      if (tag == "end") {
        out.emplace_back(name, body);
        inside = false;
      } else {
        name = tag;
        body.clear();
        inside = true;
      }
      continue;
    }
    if (inside) body += line + "\n";
  }
  return out;
}

// ---- the provider table, derived from the capability tables ------------------------------------------------

std::string join(const std::vector<std::string>& parts, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

std::string durations_text(const model_capability& m) {
  std::vector<std::string> parts;
  for (int s = 0; s < 32;) {
    if (!m.durations.contains(duration{s})) {
      ++s;
      continue;
    }
    int e = s;
    while (e + 1 < 32 && m.durations.contains(duration{e + 1})) ++e;
    parts.push_back(s == e ? std::to_string(s) : std::to_string(s) + "-" + std::to_string(e));
    s = e + 1;
  }
  std::string text = join(parts, " or ") + " s";
  if (m.auto_duration) text += ", auto";
  return text;
}

std::string resolutions_text(const model_capability& m) {
  std::vector<std::string> parts;
  for (auto r : {resolution::p480, resolution::p720, resolution::p1080, resolution::p4k})
    if (m.resolutions.contains(r))
      parts.emplace_back(std::string(to_string(r)) + (m.catalog_only_resolutions.contains(r) ? " (catalog only)" : ""));
  return join(parts);
}

std::string modes_text(const model_capability& m) {
  std::vector<std::string> parts;
  for (auto g : {generation_mode::text, generation_mode::first_frame, generation_mode::first_last_frame,
                 generation_mode::reference})
    if (m.modes.contains(g)) parts.emplace_back(to_string(g));
  return parts.size() == 4 ? "all four" : join(parts);
}

/// One cell: the value when every offered model shares it, else "model: value" per group of models.
template <class F>
std::string per_model(const capability_table& caps, F value_of) {
  std::vector<std::pair<std::string, std::string>> groups;  // value, models
  for (const auto& m : caps.models) {
    if (!m.offered) continue;
    const std::string v = value_of(m);
    bool placed = false;
    for (auto& [value, models] : groups)
      if (value == v) models += ", " + std::string(to_string(m.model)), placed = true;
    if (!placed) groups.emplace_back(v, std::string(to_string(m.model)));
  }
  if (groups.size() == 1) return groups.front().first;
  std::vector<std::string> parts;
  for (const auto& [value, models] : groups) parts.push_back(models + ": " + value);
  return join(parts, "; ");
}

std::string provider_table() {
  std::string text =
      "| provider (`--provider`) | models | modes | resolutions | ratios | durations | cancel | progress % | "
      "webhook |\n|---|---|---|---|---|---|---|---|---|\n";
  for (provider_id p : all_providers) {
    const capability_table& caps = capabilities_for(p);
    std::vector<std::string> models, ratios;
    for (const auto& m : caps.models)
      if (m.offered) models.emplace_back(to_string(m.model));
    for (auto r : {aspect_ratio::r16_9, aspect_ratio::r9_16, aspect_ratio::r1_1, aspect_ratio::r4_3, aspect_ratio::r3_4,
                   aspect_ratio::r21_9, aspect_ratio::adaptive})
      if (caps.offers_ratio(r)) ratios.emplace_back(to_string(r));
    const auto yes = [&](feature f) { return caps.supports(f) ? std::string("yes") : std::string("no"); };
    text += "| " + std::string(caps.display_name) + " (`" + std::string(to_string(p)) + "`) | " + join(models) + " | " +
            per_model(caps, modes_text) + " | " + per_model(caps, resolutions_text) + " | " + join(ratios, " ") +
            " | " + per_model(caps, durations_text) + " | " + yes(feature::cancel) + " | " + yes(feature::progress) +
            " | " + yes(feature::webhook) + " |\n";
  }
  return text;
}

/// The text between "<!-- NAME:begin -->\n" and "<!-- NAME:end -->" in the README.
std::string readme_region(const std::string& readme, const std::string& name) {
  const std::string begin = "<!-- " + name + ":begin -->\n", end = "<!-- " + name + ":end -->";
  const auto b = readme.find(begin);
  const auto e = readme.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) return "(region " + name + " missing)";
  return readme.substr(b + begin.size(), e - b - begin.size());
}

TEST(Readme, QuotesEverySnippetVerbatim) {
  const std::string readme = read("README.md");
  const auto found = snippets(read("examples/readme_snippets.cpp"));
  ASSERT_GE(found.size(), 5u);
  for (const auto& [name, body] : found)
    EXPECT_NE(readme.find("```cpp\n" + body + "```"), std::string::npos)
        << "README.md must show snippet '" << name << "' of examples/readme_snippets.cpp exactly:\n"
        << body;
}

TEST(Readme, ProviderTableMatchesTheCapabilityTables) {
  EXPECT_EQ(readme_region(read("README.md"), "providers"), provider_table());
}

TEST(Readme, ListsEveryExitCode) {
  const std::string codes = readme_region(read("README.md"), "exit-codes");
  for (const auto& row : seedance_cli::exit_code_table)
    EXPECT_NE(codes.find("| " + std::to_string(seedance_cli::to_int(row.code)) + " |"), std::string::npos)
        << row.meaning;
}

TEST(Readme, ShowsTheCopyDropLinkLine) {
  EXPECT_NE(read("README.md").find("-std=c++20 -Ipath/to/include -lboost_json -lboost_url -lssl -lcrypto -pthread"),
            std::string::npos);
}

}  // namespace
