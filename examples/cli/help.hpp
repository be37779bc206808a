// examples/cli/help.hpp - the help texts of the `seedance` program (`seedance --help`, `seedance help CMD`,
// `seedance CMD --help`).
#pragma once

#include "exit_codes.hpp"

#include <string>
#include <string_view>

namespace seedance_cli {

namespace detail {

inline constexpr std::string_view connection_help = R"(Connection:
  --provider NAME        kinovi (default), aihubmax, seedance2ink or ark (also byteplus, volcengine)
  --base-url URL         the provider's API base URL (default: the provider's public endpoint)
  --ca-file PEM          also trust the CA certificates in this PEM file
  --api-key-file FILE    read the API key from FILE (default: $SEEDANCE_API_KEY, then the provider's
                         variable: KINOVI_API_KEY, AIHUBMAX_API_KEY, SEEDANCE2INK_API_KEY, ARK_API_KEY).
                         Keys are never accepted as command-line arguments and never printed.
  --legacy               Kinovi: use the legacy request schema
  --poll-interval T      poll status every T (e.g. 500ms, 5s) instead of the adaptive schedule
  --json                 print one JSON object per event on stdout (progress, result, errors)
)";

inline constexpr std::string_view request_help = R"(Request:
  --prompt TEXT          what to generate; may address references as @image1, @video1, @audio1
  --image URL            first frame; give it twice for first + last frame
  --reference-image URL  reference image (repeatable, up to 9): Omni Reference mode
  --reference-video URL  reference video (repeatable, up to 3)
  --reference-audio URL  reference audio clip (repeatable, up to 3; never alone)
  --model NAME           seedance-2.0 (default), seedance-2.0-fast (or "fast"), seedance-1.5-pro; any
                         other text is sent as the provider's own model id (e.g. an Ark "ep-..." endpoint)
  --ratio R              16:9, 9:16, 1:1, 4:3, 3:4, 21:9 or adaptive
  --resolution R         480p, 720p, 1080p or 4k
  --duration D           seconds (e.g. 5) or auto
  --seed N               -1 (random) or 0..4294967295
  --no-audio             a silent video
  --4k                   4K output (--resolution 4k; with --legacy: Kinovi's 4K upscale)
  --callback-url URL     ask the provider to POST status changes to URL
)";

inline std::string exit_code_help() {
  std::string text = "Exit codes:\n";
  for (const auto& row : exit_code_table) {
    std::string code = std::to_string(to_int(row.code));
    code.resize(5, ' ');
    text += "  " + code + std::string(row.meaning) + "\n";
  }
  return text;
}

}  // namespace detail

/// The help text for `topic` ("" or an unknown topic: the overview). Never throws except bad_alloc.
inline std::string help_text(std::string_view topic) {
  using namespace detail;
  const std::string codes = exit_code_help();
  if (topic == "generate")
    return "Usage: seedance generate [flags]\n\n"
           "Creates a video, shows its progress, waits for it and downloads the mp4. Input is checked before\n"
           "anything is sent; the task id is printed as soon as it exists, so an interrupted or timed-out run\n"
           "can be resumed with `seedance wait ID -o FILE`.\n\n"
           "  seedance generate --image https://example.com/first.png --prompt \"slow dolly-in\" -o clip.mp4\n"
           "  seedance generate --sim --image https://example.com/first.png --prompt \"try it offline\"\n\n" +
           std::string(request_help) +
           "\nOutput and waiting:\n"
           "  -o, --output FILE      where to save the mp4 (default: <task id>.mp4)\n"
           "  --overwrite            replace FILE if it exists\n"
           "  --deadline T           stop waiting after T (e.g. 90s, 10m, 1h; default 30m)\n"
           "  --sim                  run against the built-in simulator (no key, no network, nothing charged;\n"
           "                         clearly labelled SIMULATED); media URLs are not fetched\n\n" +
           std::string(connection_help) + "\n" + codes;
  if (topic == "estimate")
    return "Usage: seedance estimate [generate flags]\n\n"
           "Prints what the generate command with the same flags would cost, and how the figure was worked\n"
           "out: credits or tokens, and US dollars with their rate where a dollar price is known. Nothing is\n"
           "sent. Invalid input is refused as generate would refuse it.\n\n"
           "  seedance estimate --provider ark --prompt \"a kite\" --resolution 1080p --duration 10\n\n" +
           std::string(request_help) + "\n" + codes;
  if (topic == "status")
    return "Usage: seedance status TASK_ID [flags]\n\nPrints the task's state, progress, video URL, cost and "
           "error.\n\n" +
           std::string(connection_help) + "\n" + codes;
  if (topic == "wait")
    return "Usage: seedance wait TASK_ID [-o FILE] [flags]\n\n"
           "Waits for a task created earlier (by this program, another process or before a restart), showing\n"
           "its progress; with -o also downloads the video.\n\n"
           "  --deadline T           stop waiting after T (default 30m)\n"
           "  -o, --output FILE      download the video to FILE when the task succeeds\n"
           "  --overwrite            replace FILE if it exists\n\n" +
           std::string(connection_help) + "\n" + codes;
  if (topic == "cancel")
    return "Usage: seedance cancel TASK_ID [flags]\n\n"
           "Asks the provider to cancel the task (seedance2.ink; Ark cancels queued tasks and deletes finished\n"
           "ones). Kinovi and aihubmax have no cancel endpoint: nothing is sent and the exit code is 2.\n\n" +
           std::string(connection_help) + "\n" + codes;
  if (topic == "download")
    return "Usage: seedance download TASK_ID|URL -o FILE [flags]\n\n"
           "Downloads a task's video (fetching a fresh URL by id) or a video URL. The file appears complete or\n"
           "not at all; a dropped transfer resumes where it stopped.\n\n"
           "  --overwrite            replace FILE if it exists\n\n" +
           std::string(connection_help) + "\n" + codes;
  if (topic == "batch")
    return "Usage: seedance batch MANIFEST.jsonl [--concurrency N] [--journal FILE] [--out-dir DIR] [flags]\n\n"
           "Runs one request per manifest line, at most N tasks in flight (default 4), and downloads each video\n"
           "to DIR/<output>. Fields per line: prompt, images, videos, audios, model, ratio, resolution,\n"
           "duration, seed, generate_audio, mode, output (file name; default line-<N>.mp4). Every line is\n"
           "checked before anything is sent; problems are listed with line, field and rule.\n\n"
           "  {\"prompt\": \"a kite over dunes\", \"images\": [\"https://example.com/kite.png\"], \"output\": "
           "\"kite.mp4\"}\n\n"
           "The journal (default MANIFEST.jsonl.journal) records every task id the moment it exists (write +\n"
           "fsync). Run the same command again after a crash, kill -9 or Ctrl-C: finished jobs are skipped,\n"
           "running tasks are waited for and downloaded, and no task is created twice. A job whose create may\n"
           "or may not have reached the provider is not resubmitted: it is listed as needing attention. Check\n"
           "the provider's task list, then run again with --resolve JOB=TASK_ID (the task exists) or\n"
           "--resolve JOB=none (it does not); JOB is the line number or the output name.\n\n"
           "  --concurrency N        tasks in flight at once (client max_in_flight; default 4)\n"
           "  --journal FILE         the journal (default: MANIFEST.jsonl.journal)\n"
           "  --out-dir DIR          where videos go (default: .)\n"
           "  --deadline T           longest wait per task (default 30m)\n"
           "  --resolve JOB=ID|none  settle a job that needs attention (repeatable)\n"
           "  --sim                  run against the built-in simulator (a fresh one each run: a --sim batch\n"
           "                         cannot be resumed)\n\n" +
           std::string(connection_help) + "\n" + codes;
  if (topic == "sim")
    return "Usage: seedance sim [--port N] [--time-scale X] [--ca-out FILE] [--fault-rate P] [--verbose] [--json]\n\n"
           "Runs the built-in provider simulator in the foreground until Ctrl-C: a loopback HTTPS fake of\n"
           "Kinovi, aihubmax, seedance2.ink and Ark with real TLS (a CA made at start-up), real mp4 outputs and\n"
           "webhooks. Point any client at it with --base-url, --ca-file and the printed key.\n\n"
           "  --port N               listen on 127.0.0.1:N (default: any free port)\n"
           "  --time-scale X         multiply simulated task durations by X (default 1: about 1.2 s a task)\n"
           "  --ca-out FILE          write the CA certificate here (default: a temporary file)\n"
           "  --fault-rate P         inject faults (503s, 429s, dropped connections) with probability P\n"
           "  --verbose              print one line per request and webhook on stderr\n\n"
           "Prompt markers steer a task: [sim:fail] [sim:fail-server] [sim:expire] [sim:stall] [sim:slow]\n"
           "[sim:empty-results]\n";
  return "seedance - Seedance 2.0 video generation from the command line\n\n"
         "Usage: seedance COMMAND [flags]\n\n"
         "Commands:\n"
         "  generate     create a video, wait for it and download it\n"
         "  estimate     what a generate command line would cost (nothing is sent)\n"
         "  status ID    a task's state, progress, video URL and cost\n"
         "  wait ID      wait for a task created earlier (and download it with -o)\n"
         "  cancel ID    cancel a task (seedance2.ink, Ark)\n"
         "  download     download a task's video (by id) or a video URL\n"
         "  batch        run a JSON-lines manifest with a concurrency limit; resumable after a crash\n"
         "  sim          run the built-in provider simulator in the foreground\n"
         "  help CMD     help for one command (also: seedance CMD --help)\n\n"
         "  seedance generate --sim --image https://example.com/first.png --prompt \"a first try, offline\"\n\n"
         "The API key comes from $SEEDANCE_API_KEY (or the provider's own variable, e.g. KINOVI_API_KEY) or\n"
         "--api-key-file FILE. On a terminal progress is drawn as bars; otherwise plain lines; --json prints\n"
         "one JSON object per event.\n\n" +
         codes + "\nseedance --version prints the version.\n";
}

}  // namespace seedance_cli
