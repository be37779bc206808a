// How the `seedance` program's sources hang together: the headers of examples/cli include one another without a
// cycle, and the tests reach them through the seedance_cli_internal target (<cli/...>), never by a relative
// path into examples/.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path source_dir{SEEDANCE_SOURCE_DIR};

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The quoted includes of a file ("x.hpp" of `#include "x.hpp"`).
std::vector<std::string> quoted_includes(const fs::path& file) {
  static const std::regex include_line(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<std::string> out;
  std::istringstream lines(read(file));
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, include_line)) out.push_back(m[1]);
  }
  return out;
}

/// A cycle in `graph` as "a -> b -> a", or "" when there is none.
std::string find_cycle(const std::map<std::string, std::vector<std::string>>& graph) {
  enum class mark { unvisited, open, done };
  std::map<std::string, mark> marks;
  std::vector<std::string> path;
  std::string cycle;
  std::function<bool(const std::string&)> visit = [&](const std::string& node) {
    marks[node] = mark::open;
    path.push_back(node);
    if (auto it = graph.find(node); it != graph.end()) {
      for (const auto& next : it->second) {
        if (marks[next] == mark::open) {
          for (auto at = std::find(path.begin(), path.end(), next); at != path.end(); ++at) cycle += *at + " -> ";
          cycle += next;
          return true;
        }
        if (marks[next] == mark::unvisited && visit(next)) return true;
      }
    }
    path.pop_back();
    marks[node] = mark::done;
    return false;
  };
  for (const auto& [node, edges] : graph)
    if (marks[node] == mark::unvisited && visit(node)) return cycle;
  return {};
}

TEST(CliLayout, TheProgramsHeadersIncludeEachOtherWithoutACycle) {
  const fs::path cli = source_dir / "examples" / "cli";
  std::map<std::string, std::vector<std::string>> graph;
  for (const auto& entry : fs::directory_iterator(cli)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".hpp" && entry.path().extension() != ".cpp") continue;
    graph[name] = quoted_includes(entry.path());
    for (const auto& included : graph[name])
      EXPECT_TRUE(fs::exists(cli / included))
          << name << " includes \"" << included << "\", which is not in examples/cli";
  }
  ASSERT_TRUE(graph.count("commands.hpp") && graph.count("batch.hpp")) << "examples/cli was not found";
  EXPECT_EQ(find_cycle(graph), "");
  const auto& batch = graph.at("batch.hpp");
  EXPECT_EQ(std::count(batch.begin(), batch.end(), "commands.hpp"), 0) << "batch.hpp must stand on its own";
}

TEST(CliLayout, TheCycleFinderFindsCycles) {
  EXPECT_EQ(find_cycle({{"a.hpp", {"b.hpp"}}, {"b.hpp", {"c.hpp"}}, {"c.hpp", {"a.hpp"}}}),
            "a.hpp -> b.hpp -> c.hpp -> a.hpp");
  EXPECT_EQ(find_cycle({{"a.hpp", {"b.hpp", "c.hpp"}}, {"b.hpp", {"c.hpp"}}, {"c.hpp", {}}}), "");
}

TEST(CliLayout, TestsIncludeNothingByARelativePathIntoExamples) {
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(source_dir / "tests")) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    ++files;
    for (const auto& included : quoted_includes(entry.path()))
      EXPECT_EQ(included.find("examples/"), std::string::npos)
          << entry.path().lexically_relative(source_dir).string() << " includes \"" << included
          << "\": use the seedance_cli_internal target's <cli/...> instead";
  }
  EXPECT_GT(files, 10u);
}

}  // namespace
