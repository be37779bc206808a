// Media sources, format detection by magic bytes and by URL extension, and check_media() against the
// providers' accepted formats and size limits (real files in a temporary folder).
#include <gtest/gtest.h>

#include <seedance/media/sniff.hpp>
#include <seedance/media/source.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace media = seedance::media;
using media::media_format;
using media::media_kind;

namespace {

const std::string png_head("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 29);
const std::string jpeg_head("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11);
const std::string gif_head = "GIF89a\x01\x00\x01\x00";
const std::string webp_head("RIFF\x24\0\0\0WEBPVP8 ", 16);
const std::string wav_head("RIFF\x24\0\0\0WAVEfmt ", 16);
const std::string bmp_head("BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18);
const std::string mp4_head(
    "\0\0\0\x20"
    "ftypisom\0\0\x02\0",
    16);
const std::string mov_head(
    "\0\0\0\x14"
    "ftypqt  \0\0\0\0",
    16);
const std::string mp3_id3_head("ID3\x03\0\0\0\0\0\0", 10);
const std::string mp3_frame_head("\xFF\xFB\x90\x64", 4);  // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz

class MediaFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ =
        std::filesystem::temp_directory_path() / ("seedance-media-" + std::to_string(::getpid()) + "-" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::filesystem::path write(const std::string& name, const std::string& bytes) {
    const auto path = folder_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::filesystem::path write_sized(const std::string& name, const std::string& head, std::uint64_t size) {
    const auto path = write(name, head);
    std::filesystem::resize_file(path, size);  // sparse: no disk space used
    return path;
  }

  std::filesystem::path folder_;
};

media::media_input file_input(const std::filesystem::path& path, media_kind kind, std::string field) {
  return {media::media_source::from_file(path), kind, std::move(field)};
}

}  // namespace

TEST(MediaSource, CommandLineValuesAreUrlsOrLocalPaths) {
  for (const char* url :
       {"http://x/a.png", "https://x/a.png", "HTTPS://X/A.PNG", "data:image/png;base64,AAAA", "asset://asset-123"}) {
    EXPECT_TRUE(media::is_url_reference(url)) << url;
    const auto s = media::classify_media_argument(url, "/base");
    EXPECT_EQ(s.kind(), media::source_kind::url) << url;
    EXPECT_EQ(s.url(), url);
    EXPECT_FALSE(s.is_local());
  }
  for (const char* path : {"./shot.png", "shot.png", "/abs/shot.png", "ftp://x/y.png", "C:shot.png", "https:/x"}) {
    EXPECT_FALSE(media::is_url_reference(path)) << path;
    EXPECT_EQ(media::classify_media_argument(path, "/base").kind(), media::source_kind::file) << path;
  }
  EXPECT_EQ(media::classify_media_argument("frames/../shot.png", "/data/batch").path(),
            std::filesystem::path("/data/batch/shot.png"));
  EXPECT_EQ(media::classify_media_argument("/abs/shot.png", "/data/batch").path(),
            std::filesystem::path("/abs/shot.png"));
  EXPECT_EQ(media::classify_media_argument("shot.png").path(), std::filesystem::current_path() / "shot.png");
  EXPECT_EQ(media::classify_media_argument("/abs/dir/shot.png").file_name(), "shot.png");
}

TEST(MediaSource, BytesInMemoryAreSharedNotCopied) {
  const auto frame = media::media_source::from_bytes(png_head, "frame.png");
  const auto copy = frame;
  EXPECT_EQ(copy.kind(), media::source_kind::memory);
  EXPECT_EQ(copy.bytes().data(), frame.bytes().data());
  EXPECT_EQ(copy.file_name(), "frame.png");
  EXPECT_EQ(copy.display(), "<memory: frame.png>");
  EXPECT_TRUE(copy.is_local());
}

TEST(MediaSniff, MagicBytes) {
  EXPECT_EQ(media::sniff_format(png_head), media_format::png);
  EXPECT_EQ(media::sniff_format(jpeg_head), media_format::jpeg);
  EXPECT_EQ(media::sniff_format(gif_head), media_format::gif);
  EXPECT_EQ(media::sniff_format(webp_head), media_format::webp);
  EXPECT_EQ(media::sniff_format(wav_head), media_format::wav);
  EXPECT_EQ(media::sniff_format(bmp_head), media_format::bmp);
  EXPECT_EQ(media::sniff_format(mp4_head), media_format::mp4);
  EXPECT_EQ(media::sniff_format(mov_head), media_format::mov);
  EXPECT_EQ(media::sniff_format(std::string("\0\0\0\x08wide\0\0\0\0mdat", 16)), media_format::mov);
  EXPECT_EQ(media::sniff_format(mp3_id3_head), media_format::mp3);
  EXPECT_EQ(media::sniff_format(mp3_frame_head), media_format::mp3);
  EXPECT_EQ(media::sniff_format(std::string("\xFF\xF1\x50\x80", 4)), media_format::aac);  // ADTS, not MP3
  EXPECT_EQ(media::sniff_format(std::string("\x1A\x45\xDF\xA3", 4)), media_format::webm);
  EXPECT_EQ(media::sniff_format("OggS\0"), media_format::ogg);
  EXPECT_EQ(media::sniff_format("fLaC"), media_format::flac);
  EXPECT_EQ(media::sniff_format(std::string("\0\0\0\x18"
                                            "ftypheic",
                                            12)),
            media_format::heic);
  EXPECT_EQ(media::sniff_format(std::string("\0\0\0\x18"
                                            "ftypM4A ",
                                            12)),
            media_format::m4a);
  // Not media: text, truncated signatures, "BM" without a DIB header, RIFF of another type, a bad MPEG frame.
  EXPECT_EQ(media::sniff_format("hello, this is text"), media_format::unknown);
  EXPECT_EQ(media::sniff_format(""), media_format::unknown);
  EXPECT_EQ(media::sniff_format("\x89PN"), media_format::unknown);
  EXPECT_EQ(media::sniff_format("BMP is a nice format!"), media_format::unknown);
  EXPECT_EQ(media::sniff_format(std::string("RIFF\x24\0\0\0AVI LIST", 16)), media_format::unknown);
  EXPECT_EQ(media::sniff_format(std::string("\xFF\xFB\xF0\x64", 4)), media_format::unknown);  // bitrate 1111
  EXPECT_EQ(media::sniff_format(std::string("\xFF\xE0", 2)), media_format::unknown);
}

TEST(MediaSniff, UrlExtensions) {
  EXPECT_EQ(media::format_from_url("https://x/y.gif"), media_format::gif);
  EXPECT_EQ(media::format_from_url("https://cdn.example/a/B.JPEG?sig=1.png#x.mp4"), media_format::jpeg);
  EXPECT_EQ(media::format_from_url("https://x/clip.MOV"), media_format::mov);
  EXPECT_EQ(media::format_from_url("https://x/voice.wav"), media_format::wav);
  EXPECT_EQ(media::format_from_url("data:image/png;base64,AAAA"), media_format::png);
  EXPECT_EQ(media::format_from_url("data:audio/mpeg;base64,AAAA"), media_format::mp3);
  EXPECT_EQ(media::format_from_url("https://x.png/download"), std::nullopt);  // the host is not the path
  EXPECT_EQ(media::format_from_url("https://x/file"), std::nullopt);
  EXPECT_EQ(media::format_from_url("https://x/file.xyz"), std::nullopt);
  EXPECT_EQ(media::format_from_url("asset://asset-1.png"), std::nullopt);
  EXPECT_EQ(media::format_from_url("https://x/dir.d/"), std::nullopt);
}

TEST(MediaSniff, ContentTypesAndKinds) {
  EXPECT_EQ(media::content_type(media_format::png), "image/png");
  EXPECT_EQ(media::content_type(media_format::mov), "video/quicktime");
  EXPECT_EQ(media::content_type(media_format::mp3), "audio/mpeg");
  EXPECT_EQ(media::content_type(media_format::unknown), "application/octet-stream");
  EXPECT_EQ(media::kind_of(media_format::webp), media_kind::image);
  EXPECT_EQ(media::kind_of(media_format::mp4), media_kind::video);
  EXPECT_EQ(media::kind_of(media_format::wav), media_kind::audio);
  EXPECT_EQ(media::kind_of(media_format::unknown), std::nullopt);
}

TEST_F(MediaFiles, MagicBytesDecideNotTheName) {
  const auto png_named_jpg = write("photo.jpg", png_head);
  const auto text_named_png = write("notes.png", "just some text, not an image at all");
  std::vector<media::media_input> inputs{file_input(png_named_jpg, media_kind::image, "images[0]")};
  std::vector<media::checked_media> facts;
  EXPECT_TRUE(media::check_media(inputs, media::kinovi_media_rules(), {}, &facts).empty());
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].format, media_format::png);
  EXPECT_EQ(facts[0].size, png_head.size());

  inputs = {file_input(text_named_png, media_kind::image, "images[0]")};
  const auto problems = media::check_media(inputs, media::kinovi_media_rules());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "images[0]");
  EXPECT_NE(problems[0].rule.find(text_named_png.string()), std::string::npos) << problems[0].rule;
  EXPECT_NE(problems[0].rule.find("not a recognised image, video or audio format"), std::string::npos);
  EXPECT_NE(problems[0].rule.find("Kinovi accepts JPEG, PNG and WebP images"), std::string::npos) << problems[0].rule;
}

TEST_F(MediaFiles, EveryProblemIsListedAtOnce) {
  const auto missing = folder_ / "missing.png";
  const auto gif = write("anim.gif", gif_head);
  const auto empty = write("empty.png", "");
  const auto big_video = write_sized("big.mp4", mp4_head, 50 * media::megabyte);         // "under 50 MB": refused
  const auto fine_audio = write_sized("voice.mp3", mp3_id3_head, 15 * media::megabyte);  // "at most 15 MB": fine
  const auto video_as_image = write("clip.png", mp4_head);
  std::vector<media::media_input> inputs{
      file_input(missing, media_kind::image, "images[0]"),
      file_input(gif, media_kind::image, "images[1]"),
      file_input(empty, media_kind::image, "images[2]"),
      file_input(big_video, media_kind::video, "videos[0]"),
      file_input(fine_audio, media_kind::audio, "audios[0]"),
      file_input(video_as_image, media_kind::image, "images[3]"),
      file_input(folder_, media_kind::image, "images[4]"),
      {media::media_source::from_url("https://x/y.gif"), media_kind::image, "images[5]"},
      {media::media_source::from_url("https://x/y.png"), media_kind::image, "images[6]"},
  };
  const auto problems = media::check_media(inputs, media::aihubmax_media_rules());
  ASSERT_EQ(problems.size(), 7u);
  EXPECT_EQ(problems[0].field, "images[0]");
  EXPECT_EQ(problems[0].rule, "the file " + missing.string() + " does not exist");
  EXPECT_EQ(problems[0].value, missing.string());
  EXPECT_EQ(problems[1].field, "images[1]");
  EXPECT_NE(problems[1].rule.find("is GIF image; aihubmax accepts JPEG, PNG and WebP images"), std::string::npos)
      << problems[1].rule;
  EXPECT_EQ(problems[2].field, "images[2]");
  EXPECT_NE(problems[2].rule.find("is empty"), std::string::npos);
  EXPECT_EQ(problems[3].field, "videos[0]");
  EXPECT_EQ(problems[3].rule, "50,000,000 bytes is too large: aihubmax takes videos under 50 MB (49,999,999 bytes)");
  EXPECT_EQ(problems[4].field, "images[3]");
  EXPECT_NE(problems[4].rule.find("is MP4 video; aihubmax accepts JPEG, PNG and WebP images"), std::string::npos);
  EXPECT_EQ(problems[5].field, "images[4]");
  EXPECT_NE(problems[5].rule.find("is a folder"), std::string::npos);
  EXPECT_EQ(problems[6].field, "images[5]");
  EXPECT_NE(problems[6].rule.find("URL's extension says it is GIF image"), std::string::npos) << problems[6].rule;
}

TEST_F(MediaFiles, ProvidersDiffer) {
  const auto gif = write("anim.gif", gif_head);
  const auto bmp = write("old.bmp", bmp_head);
  std::vector<media::media_input> inputs{file_input(gif, media_kind::image, "images[0]"),
                                         file_input(bmp, media_kind::image, "images[1]")};
  EXPECT_TRUE(media::check_media(inputs, media::seedance2ink_media_rules()).empty());
  EXPECT_EQ(media::check_media(inputs, media::kinovi_media_rules()).size(), 2u);
  EXPECT_TRUE(media::check_media(inputs, media::ark_media_rules()).empty());

  const auto mov = write("clip.mov", mov_head);
  const auto wav = write("voice.wav", wav_head);
  inputs = {file_input(mov, media_kind::video, "videos[0]"), file_input(wav, media_kind::audio, "audios[0]")};
  for (const auto& rules : {media::aihubmax_media_rules(), media::seedance2ink_media_rules(), media::ark_media_rules()})
    EXPECT_TRUE(media::check_media(inputs, rules).empty()) << rules.provider;
  // Kinovi API Omni Reference, materials: "| Videos | 3 | MP4 format." A MOV reference video is refused.
  const auto kinovi = media::check_media(inputs, media::kinovi_media_rules());
  ASSERT_EQ(kinovi.size(), 1u);
  EXPECT_EQ(kinovi[0].field, "videos[0]");
}

TEST_F(MediaFiles, ArkInlineImagesMustFitTheRequestBody) {
  const auto a = write_sized("a.png", png_head, 25 * media::megabyte);
  const auto b = write_sized("b.png", png_head, 25 * media::megabyte);
  std::vector<media::media_input> inputs{file_input(a, media_kind::image, "images[0]"),
                                         file_input(b, media_kind::image, "images[1]")};
  EXPECT_TRUE(media::check_media(inputs, media::ark_media_rules()).empty());  // uploaded: each is under 30 MB
  media::check_options inline_them;
  inline_them.inline_local_images = true;
  const auto problems = media::check_media(inputs, media::ark_media_rules(), inline_them);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "images");
  EXPECT_NE(problems[0].rule.find("request body limit of 64,000,000 bytes"), std::string::npos) << problems[0].rule;

  const auto too_big = write_sized("c.png", png_head, 30 * media::megabyte);
  inputs = {file_input(too_big, media_kind::image, "images[0]")};
  const auto over = media::check_media(inputs, media::ark_media_rules());
  ASSERT_EQ(over.size(), 1u);
  EXPECT_NE(over[0].rule.find("under 30 MB"), std::string::npos);
}

TEST_F(MediaFiles, UnreadableFileNamesThePath) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: a mode-000 file is still readable, nothing to check";
  const auto locked = write("locked.png", png_head);
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  std::vector<media::media_input> inputs{file_input(locked, media_kind::image, "images[0]")};
  const auto problems = media::check_media(inputs, media::kinovi_media_rules());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].rule.find("cannot be read"), std::string::npos);
  EXPECT_NE(problems[0].rule.find(locked.string()), std::string::npos);
}

TEST(MediaCheck, ADeviceIsNotAFile) {
  std::vector<media::media_input> inputs{file_input("/dev/null", media_kind::image, "images[0]")};
  const auto problems = media::check_media(inputs, media::kinovi_media_rules());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rule, "/dev/null is not a regular file");
}

TEST(MediaCheck, MemoryAndUrlInputs) {
  std::vector<media::media_input> inputs{
      {media::media_source::from_bytes(png_head, "frame.png"), media_kind::image, "images[0]"},
      {media::media_source::from_bytes("plain text", "frame.png"), media_kind::image, "images[1]"},
      {media::media_source::from_bytes(png_head, ""), media_kind::image, "images[2]"},
      {media::media_source::from_url(""), media_kind::image, "images[3]"},
      {media::media_source::from_url("https://x/no-extension"), media_kind::image, "images[4]"},
      {media::media_source::from_url("asset://asset-1"), media_kind::image, "images[5]"},
      {media::media_source::from_url("data:image/gif;base64,R0lG"), media_kind::image, "images[6]"},
  };
  const auto problems = media::check_media(inputs, media::kinovi_media_rules());
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].field, "images[1]");
  EXPECT_EQ(problems[0].value, "<memory: frame.png>");
  EXPECT_EQ(problems[1].field, "images[2]");
  EXPECT_EQ(problems[1].rule, "in-memory media needs a file name");
  EXPECT_EQ(problems[2].field, "images[3]");
  EXPECT_EQ(problems[3].field, "images[6]");
}
