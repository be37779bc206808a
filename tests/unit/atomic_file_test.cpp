// detail::atomic_file creates its file as any other new file of the user: mode 0666 minus the umask (mkstemp's
// fixed 0600 would hide downloads from the user's group even with umask 002), and the temporary file is gone
// after commit or abandonment.
#include <seedance/detail/atomic_file.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("seedance-atomic-file-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    saved_umask_ = ::umask(022);
    ::umask(saved_umask_);
  }
  void TearDown() override {
    ::umask(saved_umask_);
    fs::remove_all(dir_);
  }

  /// Writes and commits a file under `mask`; returns its permission bits.
  unsigned mode_with_umask(::mode_t mask, const std::string& name) {
    ::umask(mask);
    const fs::path target = dir_ / name;
    {
      seedance::detail::atomic_file file(target, false);
      file.write("data");
      file.commit();
    }
    ::umask(saved_umask_);
    struct ::stat st {};
    EXPECT_EQ(::stat(target.c_str(), &st), 0);
    return static_cast<unsigned>(st.st_mode & 0777);
  }

  bool only_targets_left() const {
    for (const auto& entry : fs::directory_iterator(dir_))
      if (entry.path().filename().string().find(".part-") != std::string::npos) return false;
    return true;
  }

  fs::path dir_;
  ::mode_t saved_umask_ = 022;
};

TEST_F(AtomicFile, ModeIsReadWriteForAllMinusTheUmask) {
  EXPECT_EQ(mode_with_umask(022, "a.mp4"), 0644u);
  EXPECT_EQ(mode_with_umask(002, "b.mp4"), 0664u);
  EXPECT_EQ(mode_with_umask(077, "c.mp4"), 0600u);
  EXPECT_EQ(mode_with_umask(0, "d.mp4"), 0666u);
  EXPECT_TRUE(only_targets_left());
}

TEST_F(AtomicFile, TemporaryFilesAreUniqueAndRemovedWhenAbandoned) {
  {
    seedance::detail::atomic_file first(dir_ / "same.mp4", false);
    seedance::detail::atomic_file second(dir_ / "same.mp4", false);
    EXPECT_NE(first.temp_path(), second.temp_path());
    EXPECT_TRUE(fs::exists(first.temp_path()));
    EXPECT_TRUE(fs::exists(second.temp_path()));
    EXPECT_EQ(first.temp_path().parent_path(), dir_);
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(AtomicFile, AnUnwritableDirectoryIsAnIoError) {
  try {
    seedance::detail::atomic_file file(dir_ / "missing" / "clip.mp4", false);
    FAIL() << "a file was created in a directory that does not exist";
  } catch (const seedance::error& e) {
    EXPECT_EQ(e.code(), seedance::errc::io_error);
    EXPECT_NE(std::string(e.what()).find("cannot create a temporary file"), std::string::npos) << e.what();
  }
}

}  // namespace
