// The `seedance` command line: every flag parsed into the request it means, and every mistake refused with a
// message naming the flag and the rule, before anything is sent.
#include <cli/args.hpp>
#include <cli/exit_codes.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using seedance_cli::command;
using seedance_cli::parse_command_line;
using seedance_cli::usage_error;
using namespace std::chrono_literals;

seedance_cli::options parse(std::vector<std::string> args) { return parse_command_line(args); }

std::string error_of(std::vector<std::string> args) {
  try {
    parse_command_line(args);
  } catch (const usage_error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(CliArgs, NoArgumentsIsTheHelpOverview) {
  const auto o = parse({});
  EXPECT_EQ(o.cmd, command::help);
  EXPECT_TRUE(o.help_topic.empty());
}

TEST(CliArgs, VersionAndHelpForms) {
  EXPECT_EQ(parse({"--version"}).cmd, command::version);
  EXPECT_EQ(parse({"--help"}).cmd, command::help);
  const auto a = parse({"help", "batch"});
  EXPECT_EQ(a.cmd, command::help);
  EXPECT_EQ(a.help_topic, "batch");
  const auto b = parse({"generate", "--prompt", "x", "--help"});
  EXPECT_EQ(b.cmd, command::help);
  EXPECT_EQ(b.help_topic, "generate");
  EXPECT_NE(error_of({"help", "nope"}).find("unknown command"), std::string::npos);
  EXPECT_NE(error_of({"frobnicate"}).find("unknown command \"frobnicate\""), std::string::npos);
}

TEST(CliArgs, GenerateEveryFlag) {
  const auto o = parse({"generate",
                        "--provider",
                        "ark",
                        "--base-url",
                        "https://127.0.0.1:9/ark/api/v3",
                        "--ca-file",
                        "ca.pem",
                        "--api-key-file",
                        "key.txt",
                        "--model",
                        "fast",
                        "--image",
                        "https://e.com/a.png",
                        "--image",
                        "https://e.com/b.png",
                        "--prompt",
                        "a cat",
                        "--ratio",
                        "16:9",
                        "--resolution",
                        "720p",
                        "--duration",
                        "5",
                        "--seed",
                        "42",
                        "--no-audio",
                        "--callback-url",
                        "https://hooks.example.com/x",
                        "--deadline",
                        "10m",
                        "-o",
                        "out.mp4",
                        "--json",
                        "--poll-interval",
                        "250ms",
                        "--overwrite"});
  EXPECT_EQ(o.cmd, command::generate);
  EXPECT_EQ(o.conn.provider, seedance::provider_id::ark);
  EXPECT_EQ(o.conn.base_url, "https://127.0.0.1:9/ark/api/v3");
  EXPECT_EQ(o.conn.ca_file, "ca.pem");
  EXPECT_EQ(o.conn.api_key_file, "key.txt");
  EXPECT_EQ(o.req.model, seedance::model::seedance_2_0_fast);
  EXPECT_TRUE(o.req.model_id.empty());
  ASSERT_EQ(o.req.images.size(), 2u);
  EXPECT_EQ(o.req.images[1], "https://e.com/b.png");
  EXPECT_FALSE(o.req.mode.has_value());
  EXPECT_EQ(seedance::deduce_mode(o.req), seedance::generation_mode::first_last_frame);
  EXPECT_EQ(o.req.prompt, "a cat");
  EXPECT_EQ(o.req.ratio, seedance::aspect_ratio::r16_9);
  EXPECT_EQ(o.req.resolution, seedance::resolution::p720);
  EXPECT_EQ(o.req.duration, 5s);
  EXPECT_EQ(o.req.seed, 42);
  EXPECT_EQ(o.req.generate_audio, false);
  EXPECT_EQ(o.req.callback_url, "https://hooks.example.com/x");
  EXPECT_EQ(o.deadline, std::chrono::milliseconds(10min));
  EXPECT_EQ(o.poll_interval, 250ms);
  EXPECT_EQ(o.output, "out.mp4");
  EXPECT_TRUE(o.json);
  EXPECT_TRUE(o.overwrite);
}

TEST(CliArgs, InlineValuesAndRawModelIds) {
  const auto o = parse({"generate", "--model=ep-20260101-abc", "--prompt=hi", "--duration=auto", "--seed=-1"});
  EXPECT_EQ(o.req.model_id, "ep-20260101-abc");
  EXPECT_EQ(o.req.prompt, "hi");
  EXPECT_EQ(o.req.duration, seedance::auto_duration);
  EXPECT_EQ(o.req.seed, -1);
}

TEST(CliArgs, ReferenceFlagsSelectReferenceMode) {
  const auto o = parse({"generate", "--reference-image", "https://e.com/a.png", "--reference-video",
                        "https://e.com/b.mp4", "--reference-audio", "https://e.com/c.mp3", "--prompt", "@image1"});
  EXPECT_EQ(o.req.mode, seedance::generation_mode::reference);
  EXPECT_EQ(o.req.images.size(), 1u);
  EXPECT_EQ(o.req.videos.size(), 1u);
  EXPECT_EQ(o.req.audios.size(), 1u);
  EXPECT_NE(error_of({"generate", "--image", "https://e.com/a.png", "--reference-video", "https://e.com/b.mp4"})
                .find("--image: cannot be combined"),
            std::string::npos);
  EXPECT_NE(error_of({"generate", "--image", "a", "--image", "b", "--image", "c"}).find("--image: at most two"),
            std::string::npos);
}

TEST(CliArgs, FourKMeansNativeResolutionOrLegacyUpscale) {
  const auto native = parse({"generate", "--4k"});
  EXPECT_EQ(native.req.resolution, seedance::resolution::p4k);
  EXPECT_FALSE(native.req.upscale_4k);
  const auto legacy = parse({"generate", "--legacy", "--4k", "--resolution", "1080p"});
  EXPECT_TRUE(legacy.conn.legacy);
  EXPECT_TRUE(legacy.req.upscale_4k);
  EXPECT_EQ(legacy.req.resolution, seedance::resolution::p1080);
  EXPECT_NE(error_of({"generate", "--4k", "--resolution", "720p"}).find("--4k: conflicts with --resolution 720p"),
            std::string::npos);
  EXPECT_NE(error_of({"generate", "--provider", "ark", "--legacy"}).find("--legacy: only Kinovi"), std::string::npos);
}

TEST(CliArgs, BadValuesNameTheFlagAndTheRule) {
  EXPECT_EQ(error_of({"generate", "--ratio", "5:4"}),
            "--ratio: must be 16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive (got \"5:4\")");
  EXPECT_NE(error_of({"generate", "--resolution", "8k"}).find("--resolution: must be"), std::string::npos);
  EXPECT_NE(error_of({"generate", "--duration", "five"}).find("--duration: must be"), std::string::npos);
  EXPECT_NE(error_of({"generate", "--seed", "x"}).find("--seed: must be -1 (random) or 0..4294967295"),
            std::string::npos);
  EXPECT_NE(error_of({"generate", "--seed", "4294967296"}).find("--seed:"), std::string::npos);
  EXPECT_NE(error_of({"generate", "--provider", "acme"}).find("--provider: must be kinovi, aihubmax"),
            std::string::npos);
  EXPECT_NE(error_of({"generate", "--base-url", "http://x"}).find("--base-url: must be an https:// URL"),
            std::string::npos);
  EXPECT_NE(error_of({"generate", "--deadline", "10"}).find("--deadline: must be a length of time"), std::string::npos);
  EXPECT_NE(error_of({"generate", "--deadline", "0s"}).find("--deadline: must be longer than zero"), std::string::npos);
  EXPECT_EQ(error_of({"generate", "--prompt"}), "--prompt: needs a value");
  EXPECT_EQ(error_of({"generate", "--no-audio=yes"}), "--no-audio: takes no value (got \"yes\")");
  EXPECT_NE(error_of({"generate", "--frobnicate"}).find("unknown flag --frobnicate for seedance generate"),
            std::string::npos);
  EXPECT_NE(error_of({"status", "--prompt", "x", "id"}).find("unknown flag --prompt for seedance status"),
            std::string::npos);
  EXPECT_NE(error_of({"generate", "--sim", "--base-url", "https://x"}).find("--sim: cannot be combined"),
            std::string::npos);
}

TEST(CliArgs, ApiKeyOnTheCommandLineIsRefused) {
  const auto e = error_of({"generate", "--api-key", "sk-secret-123"});
  EXPECT_NE(e.find("--api-key: refused"), std::string::npos);
  EXPECT_EQ(e.find("sk-secret-123"), std::string::npos) << "the key must never be echoed";
}

TEST(CliArgs, TimeSpans) {
  EXPECT_EQ(seedance_cli::parse_time_span("--deadline", "90s"), 90s);
  EXPECT_EQ(seedance_cli::parse_time_span("--deadline", "1h30m"), std::chrono::milliseconds(90min));
  EXPECT_EQ(seedance_cli::parse_time_span("--deadline", "2h"), std::chrono::milliseconds(2h));
  EXPECT_EQ(seedance_cli::parse_time_span("--poll-interval", "500ms"), 500ms);
  EXPECT_THROW(seedance_cli::parse_time_span("--deadline", "m"), usage_error);
  EXPECT_THROW(seedance_cli::parse_time_span("--deadline", "5d"), usage_error);
  EXPECT_THROW(seedance_cli::parse_time_span("--deadline", ""), usage_error);
}

TEST(CliArgs, IdCommandsTakeExactlyOneArgument) {
  EXPECT_EQ(parse({"status", "task_1"}).target, "task_1");
  EXPECT_EQ(parse({"wait", "task_1", "--deadline", "5m"}).deadline, std::chrono::milliseconds(5min));
  EXPECT_EQ(parse({"cancel", "--provider", "ark", "cgt-1"}).target, "cgt-1");
  const auto d = parse({"download", "https://e.com/v.mp4", "-o", "v.mp4"});
  EXPECT_EQ(d.target, "https://e.com/v.mp4");
  EXPECT_EQ(d.output, "v.mp4");
  EXPECT_NE(error_of({"status"}).find("missing task ID"), std::string::npos);
  EXPECT_NE(error_of({"status", "a", "b"}).find("unexpected argument \"b\""), std::string::npos);
  EXPECT_NE(error_of({"download", "task_1"}).find("-o FILE is required"), std::string::npos);
  EXPECT_NE(error_of({"generate", "stray"}).find("unexpected argument \"stray\""), std::string::npos);
}

TEST(CliArgs, Batch) {
  const auto o = parse({"batch", "jobs.jsonl", "--concurrency", "5", "--out-dir", "out", "--resolve", "3=task_9",
                        "--resolve", "kite.mp4=none"});
  EXPECT_EQ(o.cmd, command::batch);
  EXPECT_EQ(o.manifest, "jobs.jsonl");
  EXPECT_EQ(o.journal, "jobs.jsonl.journal");
  EXPECT_EQ(o.concurrency, 5u);
  EXPECT_EQ(o.out_dir, "out");
  ASSERT_EQ(o.resolutions.size(), 2u);
  EXPECT_EQ(o.resolutions[0].first, "3");
  EXPECT_EQ(o.resolutions[0].second, "task_9");
  EXPECT_EQ(o.resolutions[1].second, "none");
  EXPECT_NE(error_of({"batch", "m", "--concurrency", "0"}).find("--concurrency: must be 1..1000"), std::string::npos);
  EXPECT_NE(error_of({"batch", "m", "--resolve", "3"}).find("--resolve: must be JOB=TASK_ID"), std::string::npos);
}

TEST(CliArgs, EstimateAcceptsEveryGenerateFlag) {
  const auto o = parse({"estimate", "--sim", "--provider", "kinovi", "--image", "https://e.com/a.png", "--prompt", "x",
                        "--resolution", "1080p", "--duration", "10", "-o", "x.mp4", "--deadline", "1m"});
  EXPECT_EQ(o.cmd, command::estimate);
  EXPECT_EQ(o.req.resolution, seedance::resolution::p1080);
}

TEST(CliArgs, SimFlags) {
  const auto o = parse({"sim", "--port", "8443", "--time-scale", "0.5", "--ca-out", "ca.pem", "--fault-rate", "0.05"});
  EXPECT_EQ(o.port, 8443);
  EXPECT_DOUBLE_EQ(o.time_scale, 0.5);
  EXPECT_EQ(o.ca_out, "ca.pem");
  EXPECT_DOUBLE_EQ(o.fault_rate, 0.05);
  EXPECT_NE(error_of({"sim", "--fault-rate", "2"}).find("--fault-rate:"), std::string::npos);
}

TEST(CliExitCodes, MapEveryErrorClass) {
  using seedance::errc;
  using seedance_cli::exit_code;
  using seedance_cli::exit_code_for;
  const auto code = [](errc e) { return exit_code_for(seedance::make_error_code(e)); };
  EXPECT_EQ(exit_code_for({}), exit_code::ok);
  EXPECT_EQ(code(errc::task_failed), exit_code::task_failed);
  EXPECT_EQ(code(errc::task_cancelled), exit_code::task_failed);
  EXPECT_EQ(code(errc::task_expired), exit_code::task_failed);
  EXPECT_EQ(code(errc::invalid_request), exit_code::usage);
  EXPECT_EQ(code(errc::unsupported), exit_code::usage);
  EXPECT_EQ(code(errc::unauthorized), exit_code::auth);
  EXPECT_EQ(code(errc::insufficient_credits), exit_code::auth);
  EXPECT_EQ(code(errc::connect_failed), exit_code::transport);
  EXPECT_EQ(code(errc::server_error), exit_code::transport);
  EXPECT_EQ(code(errc::rate_limited), exit_code::transport);
  EXPECT_EQ(code(errc::deadline_exceeded), exit_code::deadline);
  EXPECT_EQ(code(errc::outcome_unknown), exit_code::outcome_unknown);
  EXPECT_EQ(exit_code_for(std::make_error_code(std::errc::operation_canceled)), exit_code::interrupted);
  EXPECT_EQ(exit_code_for(std::make_error_code(std::errc::connection_refused)), exit_code::transport);
  EXPECT_EQ(seedance_cli::to_int(exit_code::interrupted), 130);
}

}  // namespace
