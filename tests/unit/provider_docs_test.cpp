// Every checkable fact of the provider documents the library is built from, one row each: the document (by its
// own title and section), the fact quoted verbatim, and a check against the capability tables, the price tables,
// validation and the wire codecs. A failing row prints the document and the quote.
//
// Rows marked `known_gap` (written `s.row(quote, check)`) state a documented fact the library does
// not hold yet. Their check still runs: while it fails the row is reported as skipped with the gap named; once the
// library holds the fact the row fails and asks for the mark to be removed (turn it into `s.row(quote, check)`),
// so a fixed gap cannot stay hidden. ProviderDocsTable prints the rows and gaps per document.
//
// The documents (titles as used in the rows):
//   "Kinovi API image-to-video"          Generate AI videos from images using Seedance 2.0 via the Kinovi API
//   "Kinovi Image-to-Video model"        Generate videos from images using Seedance 2.0 Image-to-Video model
//                                        (credits and dollars by duration; same request fields as Kinovi)
//   "aihubmax Image to Video"            Seedance 2.0 Image to Video (aihubmax unified API)
//   "Kinovi API Omni Reference"          Generate consistent AI videos with Seedance 2.0 Omni Reference via the
//                                        Kinovi API
//   "seedance2.ink Image to Video"       Image to Video, Seedance 2.0 Open API (www.seedance2.ink)
// All three Kinovi pages describe the legacy request schema (one `urls` array, duration as a string,
// `upscaleResolution`), so their rows use the legacy schema and the legacy price table.
#include <seedance/capabilities.hpp>
#include <seedance/client.hpp>
#include <seedance/create_outcome.hpp>
#include <seedance/error.hpp>
#include <seedance/pricing.hpp>
#include <seedance/providers/aihubmax.hpp>
#include <seedance/providers/kinovi.hpp>
#include <seedance/providers/seedance2ink.hpp>
#include <seedance/request.hpp>
#include <seedance/retry.hpp>
#include <seedance/task.hpp>
#include <seedance/vocabulary.hpp>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace sd = seedance;
using sd::aspect_ratio;
using sd::errc;
using sd::generation_mode;
using sd::model;
using sd::provider_id;
using sd::resolution;
using sd::task_state;
using std::chrono::seconds;

// ---------------------------------------------------------------------------------------------------------------
// Checking

std::string show(std::string_view s) { return "\"" + std::string(s) + "\""; }
std::string show(const std::string& s) { return show(std::string_view(s)); }
std::string show(int n) { return std::to_string(n); }
std::string show(unsigned long n) { return std::to_string(n); }
std::string show(double d) {
  std::ostringstream out;
  out << d;
  return out.str();
}
std::string show(task_state s) { return std::string(sd::to_string(s)); }
std::string show(model m) { return std::string(sd::to_string(m)); }
std::string show(generation_mode m) { return std::string(sd::to_string(m)); }
std::string show(errc e) { return "errc::" + sd::make_error_code(e).message(); }
std::string show(const boost::json::value& v) { return boost::json::serialize(v); }
template <class T>
std::string show(const std::optional<T>& o) {
  return o ? show(*o) : std::string("nothing");
}

/// What one row found: empty when the document's fact holds.
class verdict {
 public:
  void fail(std::string_view what) {
    text_ += "  - ";
    text_ += what;
    text_ += '\n';
  }
  void holds(bool ok, std::string_view what) {
    if (!ok) fail(what);
  }
  template <class A, class B>
  void equal(const A& actual, const B& expected, std::string_view what) {
    if (!(actual == expected))
      fail(std::string(what) + ": the library has " + show(actual) + ", expected " + show(expected));
  }
  void near(std::optional<double> actual, double expected, std::string_view what) {
    if (!actual || std::fabs(*actual - expected) > 1e-9)
      fail(std::string(what) + ": the library has " + show(actual) + ", expected " + show(expected));
  }
  bool ok() const noexcept { return text_.empty(); }
  const std::string& failures() const noexcept { return text_; }

 private:
  std::string text_;
};

/// One documented fact.
struct fact {
  std::string document;  ///< "<document title>, <section>"
  std::string quote;     ///< the fact, verbatim from the document
  std::function<void(verdict&)> check;
  std::string known_gap;  ///< non-empty: the library does not hold this fact yet; what is missing
  std::size_t index = 0;  ///< position within its document
};

void PrintTo(const fact& f, std::ostream* out) { *out << f.document << ": \"" << f.quote << "\""; }

/// The rows of one document, built section by section.
class sheet {
 public:
  explicit sheet(std::string title) : title_(std::move(title)) {}
  /// Rows added from now on belong to `name`, a section (table or field list) of the document.
  void section(std::string name) { section_ = std::move(name); }
  /// A fact the library holds.
  void row(std::string quote, std::function<void(verdict&)> check) { add(std::move(quote), std::move(check), {}); }
  /// A fact the library does not hold yet; `gap` says what is missing.
  void gap(std::string quote, std::string gap, std::function<void(verdict&)> check) {
    add(std::move(quote), std::move(check), std::move(gap));
  }
  std::vector<fact> take() && { return std::move(rows_); }

 private:
  void add(std::string quote, std::function<void(verdict&)> check, std::string gap) {
    rows_.push_back(fact{title_ + ", " + section_, std::move(quote), std::move(check), std::move(gap), rows_.size()});
  }
  std::string title_;
  std::string section_;
  std::vector<fact> rows_;
};

// ---------------------------------------------------------------------------------------------------------------
// The library, seen the way the documents speak of it

const std::string img1 = "https://example.com/media/first.png";
const std::string img2 = "https://example.com/media/last.jpg";
const std::string img3 = "https://example.com/media/third.webp";
const std::string vid1 = "https://example.com/media/motion.mp4";
const std::string vid2 = "https://example.com/media/walk.mp4";
const std::string aud1 = "https://example.com/media/beat.mp3";
const std::string aud2 = "https://example.com/media/voice.wav";
const std::string hook = "https://example.com/hooks/video";
const std::string scene = "A paper boat drifts down a rainy street, cinematic";

boost::json::value json(std::string_view text) { return boost::json::parse(text); }

/// Member at `path` of `v`, or nothing when any step is missing.
std::optional<boost::json::value> at(const boost::json::value& v, std::initializer_list<std::string_view> path) {
  const boost::json::value* cur = &v;
  for (std::string_view key : path) {
    const auto* object = cur->if_object();
    if (!object) return std::nullopt;
    const auto* next = object->if_contains(key);
    if (!next) return std::nullopt;
    cur = next;
  }
  return *cur;
}

/// A request with `images` (frame modes by count), the scene prompt and `model`.
sd::request frames(std::initializer_list<std::string> images, model m = model::seedance_2_0) {
  sd::request r;
  r.model = m;
  r.prompt = scene;
  r.images = sd::media_list(std::vector<std::string>(images));
  return r;
}

/// A reference-mode request with one image and one video.
sd::request omni(model m = model::seedance_2_0) {
  sd::request r = frames({img1}, m);
  r.videos = {vid1};
  return r;
}

// Kinovi, legacy schema (the one the Kinovi documents describe). These four are the only places that choose the
// schema or the price table, so a change in how that choice is made touches only them.
sd::kinovi_codec_options legacy_codec() {
  sd::kinovi_codec_options o;
  o.schema = sd::kinovi_schema::legacy;
  return o;
}
boost::json::value kinovi_body(const sd::request& r) { return json(sd::kinovi::encode_create(r, legacy_codec()).body); }
std::vector<sd::problem> kinovi_problems(const sd::request& r) {
  sd::validate_options o;
  o.kinovi_legacy_schema = true;
  return sd::validate(provider_id::kinovi, r, o);
}
sd::cost_estimate kinovi_estimate(const sd::request& r) {
  sd::pricing_options o;
  o.kinovi_table = sd::kinovi_price_table::legacy;
  return sd::estimate(provider_id::kinovi, r, o);
}
std::optional<int> kinovi_rate(model m, resolution res, bool video = false, bool upscale = false) {
  return sd::kinovi_credits_per_second(sd::kinovi_price_table::legacy, m, res, video, upscale);
}

boost::json::value aihubmax_body(const sd::request& r) { return json(sd::aihubmax::encode_create(r).body); }
boost::json::value ink_body(const sd::request& r) { return json(sd::seedance2ink::encode_create(r).body); }
std::vector<sd::problem> problems_of(provider_id p, const sd::request& r) { return sd::validate(p, r); }

/// True when some problem blames `field` (or an element of it: "images" matches "images[0]").
bool blames(const std::vector<sd::problem>& problems, std::string_view field) {
  for (const auto& p : problems)
    if (p.field == field ||
        (p.field.starts_with(field) && p.field.size() > field.size() && p.field[field.size()] == '['))
      return true;
  return false;
}
bool blames_nothing(const std::vector<sd::problem>& problems) { return problems.empty(); }
std::string listed(const std::vector<sd::problem>& problems) { return sd::describe(problems); }

/// A priced request: one image (or one image and a video), `seconds` (0: unset), `res` (nullopt: unset).
sd::request priced(model m, std::optional<resolution> res, int secs, bool upscale = false, bool video = false) {
  sd::request r = video ? omni(m) : frames({img1}, m);
  r.resolution = res;
  if (secs > 0) r.duration = seconds{secs};
  r.upscale_4k = upscale;
  return r;
}
std::optional<double> credits_of(const sd::cost_estimate& e) {
  if (!e.cost || e.cost->unit != sd::cost_unit::credits) return std::nullopt;
  return e.cost->amount;
}
std::optional<double> usd_of(const sd::cost_estimate& e) {
  if (!e.usd || e.usd->unit != sd::cost_unit::usd) return std::nullopt;
  return e.usd->amount;
}

sd::http::response response(int status, std::string body) {
  sd::http::response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}
errc code_of(const sd::error& e) { return static_cast<errc>(e.code().value()); }

/// Runs `f` and returns the errc of the seedance::error it throws, or nothing when it does not throw.
template <class F>
std::optional<errc> thrown(F&& f) {
  try {
    f();
  } catch (const sd::error& e) {
    return code_of(e);
  }
  return std::nullopt;
}

/// A first-frame request whose one image is `url`.
sd::request with_image(std::string url, model m = model::seedance_2_0) {
  sd::request r = frames({}, m);
  r.images = {std::move(url)};
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows shared by the three Kinovi pages (each page states them again, so each page gets its own rows)

void kinovi_mode_rows(sheet& s) {
  s.section("modes");
  s.row("1 image | One image as the first frame | Video animates outward from that image", [](verdict& v) {
    const auto r = frames({img1});
    v.equal(sd::deduce_mode(r), generation_mode::first_frame, "mode of a request with one image");
    v.equal(at(kinovi_body(r), {"inputs", "urls"}), std::optional(json(R"(["https://example.com/media/first.png"])")),
            "inputs.urls");
    v.holds(blames_nothing(kinovi_problems(r)), "one image is accepted: " + listed(kinovi_problems(r)));
  });
  s.row("2 images | First frame + last frame | Video generates a smooth transition between the two images",
        [](verdict& v) {
          const auto r = frames({img1, img2});
          v.equal(sd::deduce_mode(r), generation_mode::first_last_frame, "mode of a request with two images");
          v.equal(
              at(kinovi_body(r), {"inputs", "urls"}),
              std::optional(json(R"(["https://example.com/media/first.png","https://example.com/media/last.jpg"])")),
              "inputs.urls keeps first frame, then last frame");
          v.equal(at(kinovi_body(r), {"inputs", "mode"}), std::optional(json(R"("keyframe")")), "inputs.mode");
        });
}

/// Per-resolution prices shared by the Kinovi API pages (image-to-video and Omni Reference).
void kinovi_resolution_price_rows(sheet& s) {
  s.section("pricing, Pro (seedance-20)");
  s.row("| 1080p (default) | 83 cr/sec | — |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p1080), std::optional(83), "Pro 1080p credits/s");
    v.equal(credits_of(kinovi_estimate(priced(model::seedance_2_0, resolution::p1080, 5))), std::optional(415.0),
            "5 s Pro 1080p");
  });
  s.row("| 720p | 40 cr/sec | 28 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p720), std::optional(40), "Pro 720p credits/s");
  });
  s.row("| 480p | 15 cr/sec | 10 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p480), std::optional(15), "Pro 480p credits/s");
  });
  s.row("| 4K Upscale | +28 cr/sec | +28 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p1080, false, true), std::optional(83 + 28),
            "Pro 1080p with the 4K upscale");
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p720, false, true), std::optional(40 + 28),
            "Pro 720p with the 4K upscale");
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p480, false, true), std::optional(15 + 28),
            "Pro 480p with the 4K upscale");
  });
  s.section("pricing, Fast (seedance2-fast)");
  s.row("| 1080p (default) | 83 cr/sec | — |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p1080), std::optional<int>{}, "Fast 1080p price");
    v.holds(!sd::offers_resolution(provider_id::kinovi, model::seedance_2_0_fast, resolution::p1080),
            "the Kinovi table must not offer seedance-2.0-fast at 1080p");
    v.holds(blames(kinovi_problems(priced(model::seedance_2_0_fast, resolution::p1080, 5)), "resolution"),
            "validation refuses seedance-2.0-fast at 1080p");
  });
  s.row("| 720p | 40 cr/sec | 28 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p720), std::optional(28), "Fast 720p credits/s");
  });
  s.row("| 480p | 15 cr/sec | 10 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p480), std::optional(10), "Fast 480p credits/s");
  });
  s.row("| 4K Upscale | +28 cr/sec | +28 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p720, false, true), std::optional(28 + 28),
            "Fast 720p with the 4K upscale");
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p480, false, true), std::optional(10 + 28),
            "Fast 480p with the 4K upscale");
  });
  s.section("pricing, the default resolution (Pro)");
  s.row("| 1080p (default) | 83 cr/sec | — |", [](verdict& v) {
    const auto e = kinovi_estimate(priced(model::seedance_2_0, std::nullopt, 5));
    v.equal(credits_of(e), std::optional(415.0), "5 s Pro with no resolution (basis: " + e.basis + ")");
  });
  s.section("pricing, the default resolution (Fast has no 1080p: its default is priced at 720p, 28 cr/sec)");
  s.row("| 1080p (default) | 83 cr/sec | — |", [](verdict& v) {
    const auto e = kinovi_estimate(priced(model::seedance_2_0_fast, std::nullopt, 5));
    v.equal(credits_of(e), std::optional(140.0), "5 s Fast with no resolution (basis: " + e.basis + ")");
  });
}

void kinovi_request_rows(sheet& s, std::string_view model_text) {
  const std::string model_row = "model | string | Yes | " + std::string(model_text);
  s.section("request parameters, model seedance-20");
  s.row(model_row, [](verdict& v) {
    v.equal(at(kinovi_body(frames({img1})), {"model"}), std::optional(json(R"("seedance-20")")),
            "model sent for seedance-2.0");
    v.equal(sd::parse_model("seedance-20"), std::optional(model::seedance_2_0), "parse_model(\"seedance-20\")");
  });
  s.section("request parameters, model seedance2-fast");
  s.row(model_row, [](verdict& v) {
    v.equal(at(kinovi_body(frames({img1}, model::seedance_2_0_fast)), {"model"}),
            std::optional(json(R"("seedance2-fast")")), "model sent for seedance-2.0-fast");
    v.equal(sd::parse_model("seedance2-fast"), std::optional(model::seedance_2_0_fast),
            "parse_model(\"seedance2-fast\")");
  });
  s.section("request parameters, no other model");
  s.row(model_row, [](verdict& v) {
    v.holds(!sd::offers_model(provider_id::kinovi, model::seedance_1_5_pro), "Kinovi must not offer seedance-1.5-pro");
    v.equal(thrown([] { (void)kinovi_body(frames({img1}, model::seedance_1_5_pro)); }),
            std::optional(errc::invalid_request), "encoding seedance-1.5-pro");
  });
  s.section("request parameters");
  s.row("callBackUrl | string | No | Webhook URL to receive task completion notification", [](verdict& v) {
    sd::request r = frames({img1});
    v.equal(at(kinovi_body(r), {"callBackUrl"}), std::optional<boost::json::value>{}, "callBackUrl when not set");
    r.callback_url = hook;
    v.equal(at(kinovi_body(r), {"callBackUrl"}), std::optional(json(R"("https://example.com/hooks/video")")),
            "callBackUrl");
    v.holds(sd::supports(provider_id::kinovi, sd::feature::webhook), "the Kinovi table must offer webhooks");
  });
  s.row("inputs | object | Yes | Generation parameters (see below)", [](verdict& v) {
    const auto inputs = at(kinovi_body(frames({img1})), {"inputs"});
    v.holds(inputs && inputs->is_object(), "the body carries an `inputs` object");
  });
}

void kinovi_common_input_rows(sheet& s) {
  s.row("duration | string | No | Video length in seconds: \"4\" to \"15\".", [](verdict& v) {
    sd::request r = frames({img1});
    r.duration = seconds{4};
    v.equal(at(kinovi_body(r), {"inputs", "duration"}), std::optional(json(R"("4")")), "inputs.duration is a string");
    v.holds(blames_nothing(kinovi_problems(r)), "4 s accepted: " + listed(kinovi_problems(r)));
    r.duration = seconds{15};
    v.equal(at(kinovi_body(r), {"inputs", "duration"}), std::optional(json(R"("15")")), "inputs.duration 15");
    v.holds(blames_nothing(kinovi_problems(r)), "15 s accepted: " + listed(kinovi_problems(r)));
    r.duration = seconds{3};
    v.holds(blames(kinovi_problems(r), "duration"), "3 s refused");
    r.duration = seconds{16};
    v.holds(blames(kinovi_problems(r), "duration"), "16 s refused");
    r.duration = sd::auto_duration;
    v.holds(blames(kinovi_problems(r), "duration"), "auto duration (-1) refused");
  });
  s.row("Defaults to \"5\" if omitted.", [](verdict& v) {
    const sd::request r = priced(model::seedance_2_0, resolution::p720, 0);
    v.equal(at(kinovi_body(r), {"inputs", "duration"}), std::optional<boost::json::value>{},
            "inputs.duration when not set (the provider's default applies)");
    const auto e = kinovi_estimate(r);
    v.equal(credits_of(e), std::optional(200.0), "estimate without a duration (5 s at 720p Pro)");
    v.holds(e.basis.find("5 s") != std::string::npos, "the basis names the 5 s default: " + e.basis);
  });
  s.row("aspectRatio | string | No | Aspect ratio: 16:9, 9:16, 1:1, 3:4, 4:3, 21:9.", [](verdict& v) {
    for (aspect_ratio ratio : {aspect_ratio::r16_9, aspect_ratio::r9_16, aspect_ratio::r1_1, aspect_ratio::r3_4,
                               aspect_ratio::r4_3, aspect_ratio::r21_9}) {
      v.holds(sd::offers_ratio(provider_id::kinovi, ratio),
              "the Kinovi table offers " + std::string(sd::to_string(ratio)));
      sd::request r = frames({img1});
      r.ratio = ratio;
      v.equal(at(kinovi_body(r), {"inputs", "aspectRatio"}),
              std::optional(boost::json::value(std::string(sd::to_string(ratio)))), "inputs.aspectRatio");
    }
    v.holds(!sd::offers_ratio(provider_id::kinovi, aspect_ratio::adaptive), "adaptive is not in the list");
    sd::request r = frames({img1});
    r.ratio = aspect_ratio::adaptive;
    v.holds(blames(kinovi_problems(r), "ratio"), "validation refuses adaptive");
  });
  s.row("Defaults to 16:9.", [](verdict& v) {
    v.equal(at(kinovi_body(frames({img1})), {"inputs", "aspectRatio"}), std::optional<boost::json::value>{},
            "inputs.aspectRatio when not set (the provider's default applies)");
  });
  s.row("upscaleResolution | string | No | Set to 4k to upscale the output to 4K resolution.", [](verdict& v) {
    sd::request r = priced(model::seedance_2_0, resolution::p1080, 5, /*upscale=*/true);
    v.equal(at(kinovi_body(r), {"inputs", "upscaleResolution"}), std::optional(json(R"("4k")")),
            "inputs.upscaleResolution");
    v.holds(blames_nothing(kinovi_problems(r)), "the upscale is accepted: " + listed(kinovi_problems(r)));
    v.equal(at(kinovi_body(frames({img1})), {"inputs", "upscaleResolution"}), std::optional<boost::json::value>{},
            "inputs.upscaleResolution when not asked for");
  });
}

/// The `mode` field of the Kinovi image-to-video pages (the Omni Reference page makes it required instead).
void kinovi_keyframe_mode_rows(sheet& s) {
  s.row("mode | string | No | keyframe (default) — treats image(s) as structural anchor frames.", [](verdict& v) {
    v.equal(at(kinovi_body(frames({img1})), {"inputs", "mode"}), std::optional(json(R"("keyframe")")),
            "inputs.mode for one image");
    v.equal(sd::parse_generation_mode("keyframe"), std::optional(generation_mode::first_frame),
            "parse_generation_mode(\"keyframe\")");
  });
  s.row(
      "reference — treats images as visual style references; enables Omni Reference mode with video and audio "
      "support.",
      [](verdict& v) {
        sd::request r = frames({img1});
        r.mode = generation_mode::reference;
        v.equal(at(kinovi_body(r), {"inputs", "mode"}), std::optional(json(R"("reference")")),
                "inputs.mode for images as references");
        v.holds(blames_nothing(kinovi_problems(r)), "an image as reference accepted: " + listed(kinovi_problems(r)));
        sd::request av = omni();
        av.audios = {aud1};
        v.holds(blames_nothing(kinovi_problems(av)),
                "video and audio references accepted: " + listed(kinovi_problems(av)));
        v.equal(at(kinovi_body(av), {"inputs", "mode"}), std::optional(json(R"("reference")")),
                "inputs.mode with a video and audio");
      });
}

void kinovi_output_resolution_rows(sheet& s) {
  s.row("outputResolution | string | No | Output resolution: 1080p (default), 720p, or 480p.", [](verdict& v) {
    for (resolution res : {resolution::p1080, resolution::p720, resolution::p480}) {
      sd::request r = frames({img1});
      r.resolution = res;
      v.equal(at(kinovi_body(r), {"inputs", "outputResolution"}),
              std::optional(boost::json::value(std::string(sd::to_string(res)))), "inputs.outputResolution");
      v.holds(blames_nothing(kinovi_problems(r)), "accepted: " + listed(kinovi_problems(r)));
    }
    sd::request r = frames({img1});
    r.resolution = resolution::p4k;
    v.holds(blames(kinovi_problems(r), "resolution"), "native 4k is not a legacy outputResolution");
    v.equal(at(kinovi_body(frames({img1})), {"inputs", "outputResolution"}), std::optional<boost::json::value>{},
            "inputs.outputResolution when not set (the provider's default applies)");
  });
}

void kinovi_status_rows(sheet& s) {
  s.section("task status");
  s.row("waiting | Task queued, waiting to start", [](verdict& v) {
    const auto t = sd::kinovi::decode_status(response(200, R"({"taskId":"t1","status":"waiting"})"));
    v.equal(t.state, task_state::queued, "state of `waiting`");
    v.equal(t.provider_state, std::string("waiting"), "provider state");
  });
  s.row("generating | Video is being generated (typically 1–3 minutes)", [](verdict& v) {
    const auto t = sd::kinovi::decode_status(response(200, R"({"taskId":"t1","status":"generating"})"));
    v.equal(t.state, task_state::running, "state of `generating`");
    v.holds(sd::wait_options{}.deadline >= std::chrono::minutes(3), "waiting by default outlasts 3 minutes");
  });
  s.row("success | Generation completed, video URL available in output", [](verdict& v) {
    const auto t = sd::kinovi::decode_status(
        response(200, R"({"taskId":"t1","status":"success","output":[{"url":"https://cdn.example.com/v/t1.mp4"}]})"));
    v.equal(t.state, task_state::succeeded, "state of `success`");
    v.equal(t.videos.size(), std::size_t{1}, "videos read from `output`");
    if (!t.videos.empty()) v.equal(t.videos[0].url, std::string("https://cdn.example.com/v/t1.mp4"), "video URL");
  });
  s.row("fail | Generation failed, check error field for details", [](verdict& v) {
    const auto t =
        sd::kinovi::decode_status(response(200, R"({"taskId":"t1","status":"fail","error":"content rejected"})"));
    v.equal(t.state, task_state::failed, "state of `fail`");
    v.holds(t.error && t.error->message == "content rejected", "the error field is kept");
  });
}

void kinovi_http_rows(sheet& s, std::string cause400, const std::function<void(verdict&)>& check_cause400) {
  s.section("HTTP status");
  s.row("200 | Success | —", [](verdict& v) {
    const auto t = sd::kinovi::decode_created(response(200, R"({"taskId":"task_abc"})"));
    v.equal(t.id, std::string("task_abc"), "task id of a 200 create");
    v.equal(t.state, task_state::queued, "state after a 200 create");
  });
  s.row("400 | Invalid parameters", [](verdict& v) {
    const auto e = sd::kinovi::decode_error(response(400, R"({"message":"Invalid parameters"})"));
    v.equal(code_of(e), errc::invalid_request, "errc of HTTP 400 \"Invalid parameters\"");
    v.equal(e.details().provider_message, std::string("Invalid parameters"), "the provider's message");
  });
  s.section("HTTP status, common causes (refused before sending)");
  s.row("400 | Invalid parameters | " + cause400, check_cause400);
  s.section("HTTP status");
  s.row("401 | Authentication failed | Invalid or missing API key", [](verdict& v) {
    const auto e = sd::kinovi::decode_error(response(401, R"({"message":"Authentication failed"})"));
    v.equal(code_of(e), errc::unauthorized, "errc of HTTP 401");
    v.holds(!sd::is_retryable(sd::operation_kind::status, e.code(), e.details().retry_safe), "401 is not retried");
  });
  s.row("402 | Insufficient credits | Not enough credits for the requested duration", [](verdict& v) {
    const auto e = sd::kinovi::decode_error(response(402, R"({"message":"Insufficient credits"})"));
    v.equal(code_of(e), errc::insufficient_credits, "errc of HTTP 402");
    v.holds(!sd::is_retryable(sd::operation_kind::create, e.code(), e.details().retry_safe), "402 is not retried");
  });
  s.row("429 | Concurrency limit exceeded | Too many tasks in progress", [](verdict& v) {
    const auto e = sd::kinovi::decode_error(response(429, R"({"message":"Concurrency limit exceeded"})"));
    v.equal(code_of(e), errc::rate_limited, "errc of HTTP 429");
    v.holds(e.details().retry_safe, "a 429 create made no task: repeating it is safe");
    v.holds(sd::is_retryable(sd::operation_kind::create, e.code(), e.details().retry_safe),
            "a create refused with 429 may be tried again");
  });
  s.row("429 | Concurrency limit exceeded | Too many tasks in progress, wait for some to complete", [](verdict& v) {
    // The task was not created: the client holds the create until one of its own tasks ends, trying again
    // after a pause of at most 30 s, bounded by the caller's deadline (tests/integration/create_hold_test).
    const auto e = sd::kinovi::decode_error(response(429, R"({"message":"Concurrency limit exceeded"})"));
    v.equal(code_of(e), errc::rate_limited, "errc of a plain 429");
    v.holds(!sd::may_have_created_task(e.code()), "a create refused with 429 made no task");
    v.holds(sd::is_tasks_in_progress_limit(e.details()),
            "a plain 429 counts as the tasks-in-progress limit: held until a task of this client ends");
    const sd::retry_policy policy;
    sd::jitter_source jitter;
    for (int holds = 1; holds <= 40; ++holds) {
      v.holds(sd::hold_delay(policy, holds, std::nullopt, jitter) <= std::chrono::seconds{30},
              "the pause between tries is at most 30 s (hold " + std::to_string(holds) + ")");
      v.holds(sd::hold_delay(policy, holds, std::chrono::seconds{600}, jitter) <= std::chrono::seconds{30},
              "even when Retry-After asks for longer (hold " + std::to_string(holds) + ")");
    }
  });
  s.row("500 | Server error | Internal error, retry later", [](verdict& v) {
    const auto e = sd::kinovi::decode_error(response(500, R"({"message":"Server error"})"));
    v.equal(code_of(e), errc::server_error, "errc of HTTP 500");
    v.holds(sd::is_retryable(sd::operation_kind::status, e.code(), e.details().retry_safe),
            "a status query answered 500 is retried later");
  });
}

/// The image inputs of the Kinovi image-to-video pages (`urls` of images, optional prompt).
void kinovi_image_input_rows(sheet& s) {
  s.section("inputs");
  s.row("urls | array | Yes | Image URL(s) to animate. Provide 1 image (first frame) or 2 images (first + last frame).",
        [](verdict& v) {
          sd::request none = frames({});
          none.mode = generation_mode::first_frame;
          v.holds(blames(kinovi_problems(none), "images"), "a first frame without an image is refused");
          sd::request three = frames({img1, img2, img3});
          three.mode = generation_mode::first_last_frame;
          v.holds(blames(kinovi_problems(three), "images"), "three frames are refused");
        });
  s.row("Images must be publicly accessible URLs.", [](verdict& v) {
    v.holds(blames(kinovi_problems(with_image("data:image/png;base64,iVBORw0KGgo=")), "images"),
            "a data: URI is refused");
    v.holds(blames(kinovi_problems(with_image("ftp://example.com/a.png")), "images"), "an ftp URL is refused");
    v.holds(blames(kinovi_problems(with_image("first.png")), "images"), "a relative path is refused");
  });
  s.row("prompt | string | No | Text description to guide the motion, camera movement, and style.", [](verdict& v) {
    sd::request r = frames({img1});
    r.prompt.clear();
    v.holds(blames_nothing(kinovi_problems(r)), "no prompt accepted for an image: " + listed(kinovi_problems(r)));
    v.equal(at(kinovi_body(r), {"inputs", "prompt"}), std::optional<boost::json::value>{},
            "inputs.prompt when there is none");
    r.prompt = scene;
    v.equal(at(kinovi_body(r), {"inputs", "prompt"}), std::optional(boost::json::value(scene)), "inputs.prompt");
  });
  s.row("Max 4000 characters.", [](verdict& v) {
    sd::request r = frames({img1});
    r.prompt = std::string(3998, 'a') + "\xC3\xA9\xC3\xA9";  // 4000 characters, 4002 bytes
    v.holds(blames_nothing(kinovi_problems(r)), "4000 characters accepted: " + listed(kinovi_problems(r)));
    r.prompt += "a";
    v.holds(blames(kinovi_problems(r), "prompt"), "4001 characters refused");
    v.equal(sd::kinovi_capabilities.prompt_limit(/*legacy_schema=*/true), std::size_t{4000}, "legacy prompt limit");
  });
}

/// The mode table of the Kinovi image-to-video pages.
void kinovi_image_mode_table_rows(sheet& s) {
  s.section("mode");
  s.row("keyframe (default) | Image is used as the actual first/last frame of the video", [](verdict& v) {
    const auto body = kinovi_body(frames({img1, img2}));
    v.equal(at(body, {"inputs", "mode"}), std::optional(json(R"("keyframe")")), "inputs.mode for two frames");
  });
  s.row("reference | Image is used as visual style guidance, not a literal frame", [](verdict& v) {
    sd::request r = frames({img1, img2});
    r.mode = generation_mode::reference;
    const auto body = kinovi_body(r);
    v.equal(at(body, {"inputs", "mode"}), std::optional(json(R"("reference")")), "inputs.mode");
    v.equal(at(body, {"inputs", "urls"}),
            std::optional(json(R"(["https://example.com/media/first.png","https://example.com/media/last.jpg"])")),
            "the images still go into inputs.urls");
  });
}

/// The common causes of a 400 on the Kinovi image-to-video pages, all refused before anything is sent.
void kinovi_image_400_causes(verdict& v) {
  sd::request missing = frames({});
  missing.mode = generation_mode::first_frame;
  v.holds(blames(kinovi_problems(missing), "images"), "missing urls");
  v.holds(blames(kinovi_problems(with_image("not a url")), "images"), "invalid image URL");
  sd::request bad_duration = frames({img1});
  bad_duration.duration = seconds{20};
  v.holds(blames(kinovi_problems(bad_duration), "duration"), "invalid duration value");
}

// ---------------------------------------------------------------------------------------------------------------
// Kinovi API image-to-video

std::vector<fact> kinovi_image_to_video() {
  sheet s("Kinovi API image-to-video");
  s.section("introduction");
  s.row("Single or dual image input, 4K upscale, and multiple aspect ratios.", [](verdict& v) {
    v.holds(blames_nothing(kinovi_problems(frames({img1}))), "single image accepted");
    v.holds(blames_nothing(kinovi_problems(frames({img1, img2}))), "dual image accepted");
    v.holds(sd::kinovi_legacy_capabilities.supports(sd::feature::upscale_4k),
            "the Kinovi table of this page's (legacy) schema offers the 4K upscale");
  });
  kinovi_mode_rows(s);
  kinovi_resolution_price_rows(s);
  kinovi_request_rows(s, "seedance-20 (seedance2.0-pro) or seedance2-fast (seedance2.0-fast)");
  s.section("request parameters, other model names");
  s.row("seedance-20 (seedance2.0-pro) or seedance2-fast (seedance2.0-fast)", [](verdict& v) {
    v.equal(sd::parse_model("seedance2.0-pro"), std::optional(model::seedance_2_0), "parse_model(\"seedance2.0-pro\")");
    v.equal(sd::parse_model("seedance2.0-fast"), std::optional(model::seedance_2_0_fast),
            "parse_model(\"seedance2.0-fast\")");
  });
  kinovi_image_input_rows(s);
  kinovi_common_input_rows(s);
  kinovi_keyframe_mode_rows(s);
  kinovi_output_resolution_rows(s);
  kinovi_image_mode_table_rows(s);
  kinovi_status_rows(s);
  kinovi_http_rows(s, "Missing urls, invalid image URL, invalid duration value", kinovi_image_400_causes);
  return std::move(s).take();
}

// ---------------------------------------------------------------------------------------------------------------
// Kinovi Image-to-Video model (price by duration)

struct duration_price {
  int seconds;
  double credits;
  double dollars;
  double upscale_credits;
  double upscale_dollars;
};

std::string dollars(double d) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(2);
  out << "$" << d;
  return out.str();
}

/// Rows of one "Duration | Credits | Price | With 4K Upscale" table: the credits of each line at 720p (the page
/// names no resolution; 40 and 28 credits/s are the 720p rates of the other Kinovi pages), and its dollars.
void price_by_duration_rows(sheet& s, model m, std::string_view label, std::initializer_list<duration_price> lines) {
  for (const duration_price& p : lines) {
    const std::string line = "| " + std::to_string(p.seconds) + "s | " + show(p.credits) + " | " + dollars(p.dollars) +
                             " | " + show(p.upscale_credits) + " credits (" + dollars(p.upscale_dollars) + ") |";
    s.section("price by duration, " + std::string(label) + ", credits (at 720p)");
    s.row(line, [m, p](verdict& v) {
      const auto plain = kinovi_estimate(priced(m, resolution::p720, p.seconds));
      v.equal(credits_of(plain), std::optional(p.credits), "credits (basis: " + plain.basis + ")");
      const auto upscaled = kinovi_estimate(priced(m, resolution::p720, p.seconds, /*upscale=*/true));
      v.equal(credits_of(upscaled), std::optional(p.upscale_credits),
              "credits with the 4K upscale (basis: " + upscaled.basis + ")");
    });
    s.section("price by duration, " + std::string(label) + ", dollars");
    s.row(line, [m, p](verdict& v) {
      v.near(usd_of(kinovi_estimate(priced(m, resolution::p720, p.seconds))), p.dollars, "price in dollars");
      v.near(usd_of(kinovi_estimate(priced(m, resolution::p720, p.seconds, true))), p.upscale_dollars,
             "price in dollars with the 4K upscale");
    });
  }
}

std::vector<fact> kinovi_image_to_video_model() {
  sheet s("Kinovi Image-to-Video model");
  kinovi_mode_rows(s);
  s.section("price by duration, seedance-20");
  price_by_duration_rows(s, model::seedance_2_0, "seedance-20",
                         {{4, 160, 0.80, 272, 1.36},
                          {5, 200, 1.00, 340, 1.70},
                          {8, 320, 1.60, 544, 2.72},
                          {10, 400, 2.00, 680, 3.40},
                          {15, 600, 3.00, 1020, 5.10}});
  s.section("price by duration, seedance2-fast");
  price_by_duration_rows(s, model::seedance_2_0_fast, "seedance2-fast",
                         {{4, 112, 0.56, 224, 1.12},
                          {5, 140, 0.70, 280, 1.40},
                          {8, 224, 1.12, 448, 2.24},
                          {10, 280, 1.40, 560, 2.80},
                          {15, 420, 2.10, 840, 4.20}});
  s.section("price by duration, seedance-20 (this page has no outputResolution field)");
  s.row("| 5s | 200 | $1.00 | 340 credits ($1.70) |", [](verdict& v) {
    const auto e = kinovi_estimate(priced(model::seedance_2_0, std::nullopt, 5));
    v.holds(credits_of(e) && *credits_of(e) >= 415.0, "5 s Pro with no resolution is at least 415 credits");
    v.holds(e.basis.find("200") != std::string::npos, "the basis names the 200-credit figure: " + e.basis);
  });
  kinovi_request_rows(s, "seedance-20 (standard) or seedance2-fast (faster, lower cost)");
  s.section("request parameters, model");
  s.row("seedance2-fast (faster, lower cost)", [](verdict& v) {
    for (resolution res : {resolution::p480, resolution::p720}) {
      const auto fast = kinovi_rate(model::seedance_2_0_fast, res);
      const auto standard = kinovi_rate(model::seedance_2_0, res);
      v.holds(fast && standard && *fast < *standard,
              "seedance2-fast costs less than seedance-20 at " + std::string(sd::to_string(res)));
    }
  });
  kinovi_image_input_rows(s);
  kinovi_common_input_rows(s);
  kinovi_keyframe_mode_rows(s);
  s.row("Directly affects cost (40 credits/sec standard, 28 credits/sec fast).", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p720), std::optional(40), "standard credits/s");
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p720), std::optional(28), "fast credits/s");
    v.equal(credits_of(kinovi_estimate(priced(model::seedance_2_0, resolution::p720, 10))), std::optional(400.0),
            "10 s standard");
    v.equal(credits_of(kinovi_estimate(priced(model::seedance_2_0_fast, resolution::p720, 10))), std::optional(280.0),
            "10 s fast");
  });
  s.row("Adds 28 credits/sec to the base cost.", [](verdict& v) {
    for (model m : {model::seedance_2_0, model::seedance_2_0_fast})
      for (resolution res : {resolution::p480, resolution::p720}) {
        const auto base = kinovi_rate(m, res);
        const auto upscaled = kinovi_rate(m, res, false, true);
        v.holds(base && upscaled && *upscaled - *base == 28,
                "the upscale adds 28/s for " + show(m) + " at " + std::string(sd::to_string(res)));
      }
  });
  kinovi_image_mode_table_rows(s);
  kinovi_status_rows(s);
  kinovi_http_rows(s, "Missing urls, invalid image URL, invalid duration value", kinovi_image_400_causes);
  return std::move(s).take();
}

// ---------------------------------------------------------------------------------------------------------------
// aihubmax Image to Video

std::vector<fact> aihubmax_image_to_video() {
  sheet s("aihubmax Image to Video");
  s.section("overview");
  s.row("generate videos from a start frame image (optional end frame)", [](verdict& v) {
    const auto one = aihubmax_body(frames({img1}));
    v.equal(at(one, {"image_url"}), std::optional(boost::json::value(img1)), "image_url");
    v.equal(at(one, {"end_image_url"}), std::optional<boost::json::value>{}, "end_image_url without an end frame");
    const auto two = aihubmax_body(frames({img1, img2}));
    v.equal(at(two, {"end_image_url"}), std::optional(boost::json::value(img2)), "end_image_url");
  });
  s.row("Supports 480p / 720p resolution", [](verdict& v) {
    for (model m : {model::seedance_2_0, model::seedance_2_0_fast})
      for (resolution res : {resolution::p480, resolution::p720}) {
        v.holds(sd::offers_resolution(provider_id::aihubmax, m, res),
                "aihubmax offers " + show(m) + " at " + std::string(sd::to_string(res)));
        sd::request r = frames({img1}, m);
        r.resolution = res;
        v.equal(at(aihubmax_body(r), {"resolution"}),
                std::optional(boost::json::value(std::string(sd::to_string(res)))), "resolution");
      }
    v.holds(!sd::offers_resolution(provider_id::aihubmax, resolution::p4k), "no 4k");
    sd::request r = frames({img1});
    r.resolution = resolution::p4k;
    v.holds(blames(problems_of(provider_id::aihubmax, r), "resolution"), "4k refused");
  });
  s.section("overview, 1080p (not listed here; offered from the provider's catalog)");
  s.row("Supports 480p / 720p resolution", [](verdict& v) {
    const auto e = sd::estimate(provider_id::aihubmax, priced(model::seedance_2_0, resolution::p1080, 5));
    v.holds(e.basis.find("catalog") != std::string::npos,
            "the estimate at 1080p says 1080p is catalog only: " + e.basis);
  });
  s.section("overview");
  s.row("4-15 second duration", [](verdict& v) {
    for (model m : {model::seedance_2_0, model::seedance_2_0_fast}) {
      v.holds(sd::duration_ok(provider_id::aihubmax, m, seconds{4}), "4 s for " + show(m));
      v.holds(sd::duration_ok(provider_id::aihubmax, m, seconds{15}), "15 s for " + show(m));
      v.holds(!sd::duration_ok(provider_id::aihubmax, m, seconds{3}), "no 3 s for " + show(m));
      v.holds(!sd::duration_ok(provider_id::aihubmax, m, seconds{16}), "no 16 s for " + show(m));
    }
  });
  s.row("multiple aspect ratios",
        [](verdict& v) { v.holds(sd::aihubmax_capabilities.ratios.size() > 1, "more than one aspect ratio"); });
  s.row("Supports synchronized audio generation", [](verdict& v) {
    v.holds(sd::supports(provider_id::aihubmax, sd::feature::audio_toggle), "the aihubmax table has the audio switch");
    sd::request r = frames({img1});
    r.generate_audio = true;
    v.equal(at(aihubmax_body(r), {"generate_audio"}), std::optional(boost::json::value(true)), "generate_audio");
  });
  s.row("Async processing mode, use the returned task ID to query task status", [](verdict& v) {
    const auto t = sd::aihubmax::decode_created(response(200, R"({"id":"task-unified-1","status":"pending"})"));
    v.equal(t.id, std::string("task-unified-1"), "task id");
    const auto q = sd::aihubmax::status_request(t.id);
    v.equal(q.target, std::string("/v1/tasks/task-unified-1"), "status target");
    v.holds(q.method == sd::http::method::get, "status is a GET");
  });
  s.section("body, model");
  s.row("seedance-2.0-image-to-video— Standard", [](verdict& v) {
    v.equal(at(aihubmax_body(frames({img1})), {"model"}), std::optional(json(R"("seedance-2.0-image-to-video")")),
            "model for seedance-2.0 with a start frame");
    v.equal(at(aihubmax_body(frames({img1, img2})), {"model"}), std::optional(json(R"("seedance-2.0-image-to-video")")),
            "model with start and end frame");
  });
  s.row("seedance-2.0-fast-image-to-video— Fast", [](verdict& v) {
    v.equal(at(aihubmax_body(frames({img1}, model::seedance_2_0_fast)), {"model"}),
            std::optional(json(R"("seedance-2.0-fast-image-to-video")")), "model for seedance-2.0-fast");
  });
  s.section("body, model (no other model)");
  s.row("Seedance 2.0 image-to-video model variant", [](verdict& v) {
    v.holds(!sd::offers_model(provider_id::aihubmax, model::seedance_1_5_pro), "no seedance-1.5-pro");
  });
  s.section("body, prompt");
  s.row("Text prompt describing the desired video content.", [](verdict& v) {
    v.equal(at(aihubmax_body(frames({img1})), {"prompt"}), std::optional(boost::json::value(scene)), "prompt");
  });
  s.row("Supports Chinese and English - Maximum 5000 characters", [](verdict& v) {
    sd::request r = frames({img1});
    r.prompt.clear();
    for (int i = 0; i < 5000; ++i) r.prompt += "\xE9\xA9\xAC";  // 5000 Chinese characters, 15000 bytes
    v.holds(blames_nothing(problems_of(provider_id::aihubmax, r)),
            "5000 Chinese characters accepted: " + listed(problems_of(provider_id::aihubmax, r)));
    r.prompt += "a";
    v.holds(blames(problems_of(provider_id::aihubmax, r), "prompt"), "5001 characters refused");
    v.equal(sd::aihubmax_capabilities.prompt_limit(), std::size_t{5000}, "prompt limit");
  });
  s.section("body, start frame image, the listed formats");
  s.row("Supports JPEG / PNG / WebP, max 30MB", [](verdict& v) {
    for (const char* url : {"https://example.com/a.jpg", "https://example.com/a.jpeg", "https://example.com/a.png",
                            "https://example.com/a.webp"})
      v.holds(blames_nothing(problems_of(provider_id::aihubmax, with_image(url))), std::string("accepted: ") + url);
  });
  s.section("body, start frame image, other formats");
  s.row("Supports JPEG / PNG / WebP, max 30MB", [](verdict& v) {
    v.holds(blames(problems_of(provider_id::aihubmax, with_image("https://example.com/a.gif")), "images"),
            "a .gif start frame is refused");
  });
  s.section("body, start frame image");
  s.row("Used as the starting frame for video generation", [](verdict& v) {
    const auto body = aihubmax_body(frames({img1, img2}));
    v.equal(at(body, {"image_url"}), std::optional(boost::json::value(img1)), "the first image is the start frame");
  });
  s.section("body, resolution");
  s.row("Output video resolution Options: 480p720p— Default", [](verdict& v) {
    v.equal(at(aihubmax_body(frames({img1})), {"resolution"}), std::optional<boost::json::value>{},
            "resolution when not set (the provider's default 720p applies)");
  });
  s.section("body, aspect ratio");
  s.row("16:9,4:3,1:1,3:4,9:16,21:9adaptive", [](verdict& v) {
    for (aspect_ratio ratio : {aspect_ratio::r16_9, aspect_ratio::r4_3, aspect_ratio::r1_1, aspect_ratio::r3_4,
                               aspect_ratio::r9_16, aspect_ratio::r21_9, aspect_ratio::adaptive}) {
      v.holds(sd::offers_ratio(provider_id::aihubmax, ratio), "aihubmax offers " + std::string(sd::to_string(ratio)));
      sd::request r = frames({img1});
      r.ratio = ratio;
      v.equal(at(aihubmax_body(r), {"aspect_ratio"}),
              std::optional(boost::json::value(std::string(sd::to_string(ratio)))), "aspect_ratio");
    }
  });
  s.row("adaptive— Automatically selected by model (default)", [](verdict& v) {
    v.equal(at(aihubmax_body(frames({img1})), {"aspect_ratio"}), std::optional<boost::json::value>{},
            "aspect_ratio when not set (the provider's default adaptive applies)");
  });
  s.section("body, duration");
  s.row("Supports integers from 4 to 15, or -1 to let the model decide.", [](verdict& v) {
    sd::request r = frames({img1});
    r.duration = sd::auto_duration;
    v.equal(at(aihubmax_body(r), {"duration"}), std::optional(boost::json::value(-1)), "duration for auto");
    v.holds(sd::offers_auto_duration(provider_id::aihubmax, model::seedance_2_0), "auto for seedance-2.0");
    v.holds(sd::offers_auto_duration(provider_id::aihubmax, model::seedance_2_0_fast), "auto for seedance-2.0-fast");
    r.duration = seconds{12};
    v.equal(at(aihubmax_body(r), {"duration"}), std::optional(boost::json::value(12)), "duration as an integer");
    r.duration = seconds{16};
    v.equal(thrown([&] { (void)aihubmax_body(r); }), std::optional(errc::invalid_request), "16 s refused");
  });
  s.row("Default 5.", [](verdict& v) {
    v.equal(at(aihubmax_body(frames({img1})), {"duration"}), std::optional<boost::json::value>{},
            "duration when not set (the provider's default applies)");
  });
  s.section("body, generate audio");
  s.row("Whether to generate synchronized audio. Default true.", [](verdict& v) {
    v.equal(at(aihubmax_body(frames({img1})), {"generate_audio"}), std::optional<boost::json::value>{},
            "generate_audio when not set (the provider's default true applies)");
    sd::request r = frames({img1});
    r.generate_audio = false;
    v.equal(at(aihubmax_body(r), {"generate_audio"}), std::optional(boost::json::value(false)), "generate_audio off");
    v.holds(blames_nothing(problems_of(provider_id::aihubmax, r)), "turning audio off is accepted");
  });
  s.section("body, seed");
  s.row("Random seed. -1 means auto-generated by model", [](verdict& v) {
    sd::request r = frames({img1});
    r.seed = -1;
    v.equal(at(aihubmax_body(r), {"seed"}), std::optional(boost::json::value(-1)), "seed -1");
    v.holds(blames_nothing(problems_of(provider_id::aihubmax, r)), "seed -1 accepted");
  });
  s.row("a fixed integer improves result reproducibility.", [](verdict& v) {
    sd::request r = frames({img1});
    r.seed = 42;
    v.equal(at(aihubmax_body(r), {"seed"}), std::optional(boost::json::value(42)), "seed 42");
    v.holds(sd::supports(provider_id::aihubmax, sd::feature::seed), "the aihubmax table has seeds");
  });
  s.section("body, end frame image");
  s.row("When provided, the video will transition from the start frame to the end frame", [](verdict& v) {
    const auto body = aihubmax_body(frames({img1, img2}));
    v.equal(at(body, {"image_url"}), std::optional(boost::json::value(img1)), "image_url");
    v.equal(at(body, {"end_image_url"}), std::optional(boost::json::value(img2)), "end_image_url");
  });
  s.section("body, end frame image, the listed formats");
  s.row("Supports JPEG / PNG / WebP, max 30MB", [](verdict& v) {
    sd::request r = frames({img1, "https://example.com/b.webp"});
    v.holds(blames_nothing(problems_of(provider_id::aihubmax, r)), "a WebP end frame accepted");
  });
  s.section("body, end frame image, other formats");
  s.row("Supports JPEG / PNG / WebP, max 30MB", [](verdict& v) {
    sd::request r = frames({img1, "https://example.com/b.bmp"});
    v.holds(blames(problems_of(provider_id::aihubmax, r), "images"), "a .bmp end frame is refused");
  });
  s.section("body, end frame image");
  s.row("If not provided, the model generates freely based on the prompt", [](verdict& v) {
    v.equal(at(aihubmax_body(frames({img1})), {"end_image_url"}), std::optional<boost::json::value>{},
            "no end_image_url with one image");
  });
  s.section("response");
  s.row(
      "Task created successfully Task creation timestamp 1757165031 Task ID \"task-unified-1757165031-uyujaw3d\"",
      [](verdict& v) {
        const auto t = sd::aihubmax::decode_created(response(
            200,
            R"({"id":"task-unified-1757165031-uyujaw3d","object":"video.generation.task","created":1757165031,)"
            R"("model":"seedance-2.0-image-to-video","status":"pending","progress":0,"task_info":{},"type":"video"})"));
        v.equal(t.id, std::string("task-unified-1757165031-uyujaw3d"), "task id");
        v.holds(t.created_at == std::chrono::system_clock::time_point(seconds{1757165031}),
                "created_at is 1757165031 s after the epoch");
        v.equal(t.state, task_state::queued, "state of the example");
      });
  s.row("Actual model name used", [](verdict& v) {
    const auto t = sd::aihubmax::decode_status(
        response(200, R"({"id":"t","status":"processing","model":"seedance-2.0-fast-image-to-video"})"));
    v.equal(t.model, std::string("seedance-2.0-fast-image-to-video"), "model echoed");
  });
  s.row("Specific task type video.generation.task ... Task output type video", [](verdict& v) {
    const auto t = sd::aihubmax::decode_status(
        response(200, R"({"id":"t","object":"video.generation.task","type":"video","status":"completed",)"
                      R"("results":[{"url":"https://cdn.example.com/t.mp4"}]})"));
    v.equal(t.state, task_state::succeeded, "a completed video task");
    v.equal(t.videos.size(), std::size_t{1}, "one video");
  });
  s.row("Task progress percentage (0-100)", [](verdict& v) {
    const auto t = sd::aihubmax::decode_status(response(200, R"({"id":"t","status":"processing","progress":42})"));
    v.equal(t.progress, std::optional(42), "progress");
  });
  s.section("response, progress (read as a percentage: never above 100)");
  s.row("0 <= x <= 1000", [](verdict& v) {
    const auto t = sd::aihubmax::decode_status(response(200, R"({"id":"t","status":"processing","progress":1000})"));
    v.equal(t.progress, std::optional(100), "progress of 1000");
  });
  s.section("task status, pending");
  s.row("pending, processing, completed, failed", [](verdict& v) {
    v.equal(sd::aihubmax::decode_status(response(200, R"({"id":"t","status":"pending"})")).state, task_state::queued,
            "state of `pending`");
  });
  s.section("task status, processing");
  s.row("pending, processing, completed, failed", [](verdict& v) {
    v.equal(sd::aihubmax::decode_status(response(200, R"({"id":"t","status":"processing"})")).state,
            task_state::running, "state of `processing`");
  });
  s.section("task status, completed");
  s.row("pending, processing, completed, failed", [](verdict& v) {
    const auto t = sd::aihubmax::decode_status(
        response(200, R"({"id":"t","status":"completed","results":["https://cdn.example.com/t.mp4"]})"));
    v.equal(t.state, task_state::succeeded, "state of `completed`");
    if (!t.videos.empty()) v.equal(t.videos[0].url, std::string("https://cdn.example.com/t.mp4"), "video URL");
  });
  s.section("task status, failed");
  s.row("pending, processing, completed, failed", [](verdict& v) {
    const auto t = sd::aihubmax::decode_status(
        response(200, R"({"id":"t","status":"failed","error":{"code":"x","message":"nope"}})"));
    v.equal(t.state, task_state::failed, "state of `failed`");
    v.holds(t.error.has_value(), "the error is kept");
  });
  s.section("task status, the example");
  s.row("\"pending\"", [](verdict& v) {
    const auto t = sd::aihubmax::decode_created(response(200, R"({"id":"t","status":"pending"})"));
    v.equal(t.provider_state, std::string("pending"), "provider state");
    v.holds(!sd::is_terminal(t.state), "pending is not final");
  });
  return std::move(s).take();
}

// ---------------------------------------------------------------------------------------------------------------
// Kinovi API Omni Reference

std::vector<fact> kinovi_omni_reference() {
  sheet s("Kinovi API Omni Reference");
  s.section("introduction");
  s.row("Generate videos that visually match your reference materials — images, videos, and audio.", [](verdict& v) {
    sd::request r = omni();
    r.audios = {aud1};
    v.equal(sd::deduce_mode(r), generation_mode::reference, "mode of a request with image, video and audio");
    v.holds(blames_nothing(kinovi_problems(r)), "accepted: " + listed(kinovi_problems(r)));
  });
  kinovi_resolution_price_rows(s);
  s.section("pricing, video input surcharge");
  s.row("| Video input surcharge (1080p) | +17 cr/sec | — |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p1080, true), std::optional(83 + 17),
            "Pro 1080p with a reference video");
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p1080, true), std::optional<int>{},
            "Fast 1080p with a reference video");
  });
  s.section("pricing, video input surcharge, Pro (seedance-20)");
  s.row("| Video input surcharge (720p) | +8 cr/sec | +6 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p720, true), std::optional(40 + 8), "Pro 720p with video");
  });
  s.section("pricing, video input surcharge, Fast (seedance2-fast)");
  s.row("| Video input surcharge (720p) | +8 cr/sec | +6 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p720, true), std::optional(28 + 6),
            "Fast 720p with video");
  });
  s.section("pricing, video input surcharge, Pro (seedance-20)");
  s.row("| Video input surcharge (480p) | +4 cr/sec | +3 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0, resolution::p480, true), std::optional(15 + 4), "Pro 480p with video");
  });
  s.section("pricing, video input surcharge, Fast (seedance2-fast)");
  s.row("| Video input surcharge (480p) | +4 cr/sec | +3 cr/sec |", [](verdict& v) {
    v.equal(kinovi_rate(model::seedance_2_0_fast, resolution::p480, true), std::optional(10 + 3),
            "Fast 480p with video");
  });
  s.section("pricing, video input surcharge");
  s.row("urls contains video files (MP4). It is per output second, added on top of the base rate.", [](verdict& v) {
    const auto e5 = kinovi_estimate(priced(model::seedance_2_0, resolution::p480, 5, false, true));
    const auto e10 = kinovi_estimate(priced(model::seedance_2_0, resolution::p480, 10, false, true));
    v.equal(credits_of(e5), std::optional(95.0), "5 s Pro 480p with video: (15+4) x 5");
    v.equal(credits_of(e10), std::optional(190.0), "10 s Pro 480p with video: (15+4) x 10");
    const auto no_video = kinovi_estimate(priced(model::seedance_2_0, resolution::p480, 5));
    v.equal(credits_of(no_video), std::optional(75.0), "without a video no surcharge");
  });
  s.row("Example: A 5s Pro 720p video with a reference video = (40+8) × 5 = 240 credits.", [](verdict& v) {
    const auto e = kinovi_estimate(priced(model::seedance_2_0, resolution::p720, 5, false, true));
    v.equal(credits_of(e), std::optional(240.0), "credits (basis: " + e.basis + ")");
  });
  s.section("pricing, the default resolution with a reference video");
  s.row("| 1080p (default) | 83 cr/sec | ... | Video input surcharge (1080p) | +17 cr/sec |", [](verdict& v) {
    const auto e = kinovi_estimate(priced(model::seedance_2_0, std::nullopt, 5, false, true));
    v.equal(credits_of(e), std::optional(500.0), "5 s Pro with a video and no resolution (basis: " + e.basis + ")");
  });
  s.section("@ reference syntax");
  s.row("@image1, @image2 → references images by position in the urls array (images only)", [](verdict& v) {
    sd::request r = frames({img1, img2, img3});
    r.prompt = "@image1 and @image3 walk together";
    v.holds(blames_nothing(kinovi_problems(r)), "tags of existing images accepted: " + listed(kinovi_problems(r)));
    r.prompt = "@image4 waves";
    v.holds(blames(kinovi_problems(r), "prompt"), "@image4 with three images is refused");
    sd::request ordered = omni();
    ordered.images = {img1, img2};
    const auto urls = at(kinovi_body(ordered), {"inputs", "urls"});
    v.equal(urls, std::optional(boost::json::value(boost::json::array{img1, img2, vid1})),
            "images first in urls, in order, then videos");
  });
  s.row("@video1, @video2 → references videos by position in the urls array (videos only)", [](verdict& v) {
    sd::request r = omni();
    r.videos = {vid1, vid2};
    r.prompt = "@image1 performs the moves from @video2";
    v.holds(blames_nothing(kinovi_problems(r)), "@video2 with two videos accepted: " + listed(kinovi_problems(r)));
    r.videos = {vid1};
    v.holds(blames(kinovi_problems(r), "prompt"), "@video2 with one video is refused");
  });
  s.row("@audio1, @audio2 → references audio files by position in the audioUrls array", [](verdict& v) {
    sd::request r = omni();
    r.audios = {aud1, aud2};
    r.prompt = "A scene synced to the rhythm of @audio2";
    v.holds(blames_nothing(kinovi_problems(r)), "@audio2 with two clips accepted: " + listed(kinovi_problems(r)));
    v.equal(at(kinovi_body(r), {"inputs", "audioUrls"}),
            std::optional(boost::json::value(boost::json::array{aud1, aud2})), "inputs.audioUrls in order");
    r.audios = {aud1};
    v.holds(blames(kinovi_problems(r), "prompt"), "@audio2 with one clip is refused");
  });
  s.row("@ syntax is case-insensitive — @image1, @Image1, @VIDEO1, @Audio1 all work the same way.", [](verdict& v) {
    sd::request r = omni();
    r.audios = {aud1};
    r.prompt = "@Image1 dances like @VIDEO1 to @Audio1";
    v.holds(blames_nothing(kinovi_problems(r)), "mixed-case tags accepted: " + listed(kinovi_problems(r)));
    r.prompt = "@IMAGE2 and @Video2";
    const auto problems = kinovi_problems(r);
    v.holds(problems.size() >= 2 && blames(problems, "prompt"),
            "upper-case tags naming missing references are refused too: " + listed(problems));
  });
  s.row("\"A person @image1 walking on the beach\" | Uses the 1st image as the character reference", [](verdict& v) {
    sd::request r = frames({img1});
    r.mode = generation_mode::reference;
    r.prompt = "A person @image1 walking on the beach";
    v.holds(blames_nothing(kinovi_problems(r)), "accepted with one image: " + listed(kinovi_problems(r)));
    v.equal(at(kinovi_body(r), {"inputs", "urls"}), std::optional(boost::json::value(boost::json::array{img1})),
            "the 1st image is the first of inputs.urls");
  });
  s.row("\"@image1 and @image2 having a conversation\" | Uses both images as character references", [](verdict& v) {
    sd::request r = frames({img1, img2});
    r.mode = generation_mode::reference;
    r.prompt = "@image1 and @image2 having a conversation";
    v.holds(blames_nothing(kinovi_problems(r)), "accepted with two images: " + listed(kinovi_problems(r)));
    r.images = {img1};
    v.holds(blames(kinovi_problems(r), "prompt"), "@image2 with one image is refused");
  });
  s.row("\"A scene synced to the rhythm of @audio1\" | Video synced to the audio reference", [](verdict& v) {
    sd::request r = frames({img1});
    r.audios = {aud1};
    r.prompt = "A scene synced to the rhythm of @audio1";
    v.holds(blames_nothing(kinovi_problems(r)), "accepted with an image and a clip: " + listed(kinovi_problems(r)));
    r.audios.clear();
    r.mode = generation_mode::reference;
    v.holds(blames(kinovi_problems(r), "prompt"), "@audio1 without audio is refused");
  });
  s.row("\"@image1 performs the moves from @video1\" | Character from image, motion from video", [](verdict& v) {
    sd::request r = omni();
    r.prompt = "@image1 performs the moves from @video1";
    v.holds(blames_nothing(kinovi_problems(r)), "accepted: " + listed(kinovi_problems(r)));
  });
  s.row("\"A beautiful sunset landscape\" (no @) | First reference is automatically prepended", [](verdict& v) {
    sd::request r = omni();
    r.prompt = "A beautiful sunset landscape";
    v.holds(blames_nothing(kinovi_problems(r)), "a prompt without tags accepted: " + listed(kinovi_problems(r)));
  });
  kinovi_request_rows(s, "seedance-20 (seedance2.0-pro) or seedance2-fast (seedance2.0-fast)");
  s.section("inputs");
  s.row(
      "urls | array | Yes | Reference image and video URLs. Can include images (JPEG, PNG, WebP) and videos (MP4).",
      [](verdict& v) {
        sd::request r = omni();
        r.images = {"https://example.com/a.jpg", "https://example.com/b.jpeg", "https://example.com/c.png",
                    "https://example.com/d.webp"};
        v.holds(blames_nothing(kinovi_problems(r)), "JPEG, PNG, WebP and MP4 accepted: " + listed(kinovi_problems(r)));
        v.equal(at(kinovi_body(omni()), {"inputs", "urls"}),
                std::optional(boost::json::value(boost::json::array{img1, vid1})), "images and videos in inputs.urls");
      });
  s.row("Can include images (JPEG, PNG, WebP) and videos (MP4).", [](verdict& v) {
    sd::request r = omni();
    r.images = {"https://example.com/a.gif"};
    r.videos = {"https://example.com/clip.mov"};
    const auto problems = kinovi_problems(r);
    v.holds(blames(problems, "images"), "a .gif reference image is refused");
    v.holds(blames(problems, "videos"), "a .mov reference video is refused");
  });
  s.row("Must be publicly accessible URLs.", [](verdict& v) {
    sd::request r = omni();
    r.videos = {"data:video/mp4;base64,AAAA"};
    v.holds(blames(kinovi_problems(r), "videos"), "a data: URI video is refused");
  });
  s.row("Use @image1/@video1 in prompt to reference them.", [](verdict& v) {
    sd::request r = omni();
    r.prompt = "@image1 walks like @video1";
    v.holds(blames_nothing(kinovi_problems(r)), "accepted: " + listed(kinovi_problems(r)));
  });
  s.row("audioUrls | array | No | Reference audio URLs. Up to 3 audio files (MP3, WAV, etc.).", [](verdict& v) {
    sd::request r = omni();
    r.audios = {aud1, aud2, "https://example.com/c.mp3"};
    v.holds(blames_nothing(kinovi_problems(r)), "three clips accepted: " + listed(kinovi_problems(r)));
    v.equal(at(kinovi_body(r), {"inputs", "audioUrls"}),
            std::optional(boost::json::value(boost::json::array{aud1, aud2, "https://example.com/c.mp3"})),
            "inputs.audioUrls");
    r.audios.push_back("https://example.com/d.wav");
    v.holds(blames(kinovi_problems(r), "audios"), "four clips refused");
    v.equal(at(kinovi_body(omni()), {"inputs", "audioUrls"}), std::optional<boost::json::value>{},
            "no audioUrls without audio");
  });
  s.row("prompt | string | Yes | Video description using @image1, @video1, @audio1 etc.", [](verdict& v) {
    sd::request r = omni();
    r.prompt.clear();
    v.holds(blames(kinovi_problems(r), "prompt"), "a reference request without a prompt is refused");
    r.prompt = "@image1 dances";
    v.equal(at(kinovi_body(r), {"inputs", "prompt"}), std::optional(json(R"("@image1 dances")")), "inputs.prompt");
  });
  s.row("Max 4000 characters.", [](verdict& v) {
    sd::request r = omni();
    r.prompt = std::string(4000, 'x');
    v.holds(blames_nothing(kinovi_problems(r)), "4000 characters accepted");
    r.prompt += "x";
    v.holds(blames(kinovi_problems(r), "prompt"), "4001 characters refused");
  });
  kinovi_common_input_rows(s);
  s.row("mode | string | Yes | Must be reference for Omni Reference mode.", [](verdict& v) {
    v.equal(at(kinovi_body(omni()), {"inputs", "mode"}), std::optional(json(R"("reference")")),
            "inputs.mode with a video");
    sd::request audio = frames({img1});
    audio.audios = {aud1};
    v.equal(at(kinovi_body(audio), {"inputs", "mode"}), std::optional(json(R"("reference")")),
            "inputs.mode with audio");
  });
  kinovi_output_resolution_rows(s);
  s.section("materials");
  s.row("| Images | 9 | JPEG, PNG, or WebP. Must be publicly accessible. |", [](verdict& v) {
    v.equal(sd::kinovi_capabilities.media.max_images, 9, "most images");
    sd::request r = frames({});
    r.mode = generation_mode::reference;
    for (int i = 0; i < 9; ++i) r.images.push_back("https://example.com/i" + std::to_string(i) + ".png");
    v.holds(blames_nothing(kinovi_problems(r)), "nine images accepted: " + listed(kinovi_problems(r)));
    r.images.push_back("https://example.com/i9.png");
    v.holds(blames(kinovi_problems(r), "images"), "ten images refused");
  });
  s.row("| Images | 9 | JPEG, PNG, or WebP.", [](verdict& v) {
    sd::request r = omni();
    r.images = {"https://example.com/a.bmp"};
    v.holds(blames(kinovi_problems(r), "images"), "a .bmp image is refused");
  });
  s.row("| Videos | 3 | MP4 format. Each video max 15 seconds. |", [](verdict& v) {
    v.equal(sd::kinovi_capabilities.media.max_videos, 3, "most videos");
    sd::request r = omni();
    r.videos = {vid1, vid2, "https://example.com/c.mp4"};
    v.holds(blames_nothing(kinovi_problems(r)), "three videos accepted: " + listed(kinovi_problems(r)));
    r.videos.push_back("https://example.com/d.mp4");
    v.holds(blames(kinovi_problems(r), "videos"), "four videos refused");
  });
  s.row("| Videos | 3 | MP4 format.", [](verdict& v) {
    sd::request r = omni();
    r.videos = {"https://example.com/clip.webm"};
    v.holds(blames(kinovi_problems(r), "videos"), "a .webm video is refused");
  });
  s.row("| Audio | 3 | MP3, WAV, or other common audio formats. Total duration max 15 seconds. |", [](verdict& v) {
    v.equal(sd::kinovi_capabilities.media.max_audios, 3, "most audio clips");
    sd::request r = omni();
    r.audios = {"https://example.com/a.mp3", "https://example.com/b.wav"};
    v.holds(blames_nothing(kinovi_problems(r)), "MP3 and WAV accepted: " + listed(kinovi_problems(r)));
  });
  s.section("image-to-video vs Omni Reference");
  s.row("| Video references | Not supported | Up to 3 videos (MP4, max 15s each) |", [](verdict& v) {
    sd::request r = omni();
    r.mode = generation_mode::first_frame;
    v.holds(!blames_nothing(kinovi_problems(r)), "a video in first-frame mode is refused");
    r.mode.reset();
    v.equal(sd::deduce_mode(r), generation_mode::reference, "a video makes the request a reference request");
  });
  s.row("| Audio references | Not supported | Up to 3 audio files (max 15s total) |", [](verdict& v) {
    sd::request r = frames({img1});
    r.audios = {aud1};
    r.mode = generation_mode::first_frame;
    v.holds(!blames_nothing(kinovi_problems(r)), "audio in first-frame mode is refused");
  });
  s.row("| mode parameter | keyframe (default) | reference (required) |", [](verdict& v) {
    v.equal(at(kinovi_body(frames({img1})), {"inputs", "mode"}), std::optional(json(R"("keyframe")")),
            "image-to-video mode");
    v.equal(at(kinovi_body(omni()), {"inputs", "mode"}), std::optional(json(R"("reference")")), "Omni Reference mode");
  });
  s.row("| prompt | Optional (guides motion) | Required (describes the scene) |", [](verdict& v) {
    sd::request frame = frames({img1});
    frame.prompt.clear();
    v.holds(blames_nothing(kinovi_problems(frame)), "image-to-video without a prompt accepted");
    sd::request reference = omni();
    reference.prompt.clear();
    v.holds(blames(kinovi_problems(reference), "prompt"), "Omni Reference without a prompt refused");
  });
  kinovi_status_rows(s);
  kinovi_http_rows(s, "Missing urls or prompt, invalid mode, invalid image URL", [](verdict& v) {
    sd::request no_media = frames({});
    no_media.mode = generation_mode::reference;
    v.holds(!blames_nothing(kinovi_problems(no_media)), "missing urls");
    sd::request no_prompt = omni();
    no_prompt.prompt.clear();
    v.holds(blames(kinovi_problems(no_prompt), "prompt"), "missing prompt");
    sd::request wrong_mode = omni();
    wrong_mode.mode = generation_mode::first_last_frame;
    v.holds(!blames_nothing(kinovi_problems(wrong_mode)), "invalid mode for the media");
    sd::request bad_url = omni();
    bad_url.images = {"https://"};
    v.holds(blames(kinovi_problems(bad_url), "images"), "invalid image URL");
  });
  return std::move(s).take();
}

// ---------------------------------------------------------------------------------------------------------------
// seedance2.ink Image to Video

sd::request ink_request(model m, std::string prompt, std::vector<std::string> images, std::vector<std::string> audios,
                        aspect_ratio ratio, int secs, resolution res) {
  sd::request r;
  r.model = m;
  r.prompt = std::move(prompt);
  r.images = sd::media_list(std::move(images));
  r.audios = sd::media_list(std::move(audios));
  r.ratio = ratio;
  r.duration = seconds{secs};
  r.resolution = res;
  return r;
}

sd::request ink_first_frame_example() {
  return ink_request(model::seedance_2_0,
                     "A young woman blows out birthday candles, warm indoor lighting, shallow depth of field",
                     {"https://example.com/photo.jpg"}, {}, aspect_ratio::r16_9, 5, resolution::p720);
}

sd::request ink_first_last_example() {
  return ink_request(model::seedance_2_0,
                     "A cinematic transition from sunrise over the ocean to a glowing night skyline",
                     {"https://example.com/first-frame.jpg", "https://example.com/last-frame.jpg"}, {},
                     aspect_ratio::r16_9, 6, resolution::p1080);
}

sd::request ink_multimodal_example() {
  sd::request r =
      ink_request(model::seedance_2_0_fast, "A fashion film with energetic camera motion synced to the beat",
                  {"https://example.com/reference-image.jpg"}, {"https://example.com/reference-audio.mp3"},
                  aspect_ratio::r9_16, 8, resolution::p720);
  r.callback_url = "https://your-app.com/webhooks/seedance";
  return r;
}

/// A seedance2.ink request with the given media, for validation rows.
sd::request ink_media(std::vector<std::string> images, std::vector<std::string> videos = {},
                      std::vector<std::string> audios = {}) {
  sd::request r;
  r.prompt = scene;
  r.images = sd::media_list(std::move(images));
  r.videos = sd::media_list(std::move(videos));
  r.audios = sd::media_list(std::move(audios));
  return r;
}

std::vector<sd::problem> ink_problems(const sd::request& r) { return problems_of(provider_id::seedance2ink, r); }

std::vector<fact> seedance2ink_image_to_video() {
  sheet s("seedance2.ink Image to Video");
  s.section("introduction");
  s.row("you submit one or more public media URLs through mediaUrls together with your prompt.", [](verdict& v) {
    const auto body = ink_body(ink_first_frame_example());
    v.equal(at(body, {"mediaUrls"}), std::optional(json(R"(["https://example.com/photo.jpg"])")), "mediaUrls");
    v.holds(at(body, {"prompt"}).has_value(), "the prompt goes with them");
  });
  s.row(
      "This endpoint supports first-frame generation, first-and-last-frame control, and richer reference-based "
      "workflows.",
      [](verdict& v) {
        for (generation_mode mode :
             {generation_mode::first_frame, generation_mode::first_last_frame, generation_mode::reference})
          v.holds(sd::offers_mode(provider_id::seedance2ink, model::seedance_2_0, mode),
                  "seedance2.ink offers " + show(mode));
      });
  s.row("The generation mode is inferred from the number and type of materials you provide.", [](verdict& v) {
    sd::request one = ink_media({"https://example.com/a.jpg"});
    one.mode = generation_mode::reference;
    v.holds(blames(ink_problems(one), "mode"),
            "asking reference mode for one image is refused (it would be inferred "
            "as first frame)");
    v.equal(thrown([&] { (void)ink_body(one); }), std::optional(errc::invalid_request), "encoding it is refused");
    v.equal(sd::deduce_mode(ink_media({"https://example.com/a.jpg", "https://example.com/b.jpg"})),
            generation_mode::first_last_frame, "two images");
    v.equal(sd::deduce_mode(ink_media({"https://example.com/a.jpg"}, {}, {"https://example.com/b.mp3"})),
            generation_mode::reference, "an image and audio");
    v.holds(!at(ink_body(ink_first_frame_example()), {"mode"}).has_value(), "no mode field is sent");
  });
  s.section("endpoint");
  s.row("POST /api/open/v1/video/generations", [](verdict& v) {
    const auto q = sd::seedance2ink::encode_create(ink_first_frame_example());
    v.holds(q.method == sd::http::method::post, "create is a POST");
    v.equal(q.target, std::string("/api/open/v1/video/generations"), "create target");
    v.equal(sd::seedance2ink::default_base_url, std::string_view("https://www.seedance2.ink"), "base URL");
  });
  s.section("supported reference types");
  s.row("| Image | .jpg, .jpeg, .png, .webp, .gif, .bmp | First frame, last frame, style reference |", [](verdict& v) {
    for (const char* ext : {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"})
      v.holds(blames_nothing(ink_problems(ink_media({std::string("https://example.com/a") + ext}))),
              std::string("an image ending in ") + ext + " is accepted");
    v.holds(blames(ink_problems(ink_media({"https://example.com/a.tiff"})), "images"), "a .tiff image is refused");
  });
  s.row("| Video | .mp4, .mov, .m4v | Motion and shot reference |", [](verdict& v) {
    for (const char* ext : {".mp4", ".mov", ".m4v"})
      v.holds(blames_nothing(
                  ink_problems(ink_media({"https://example.com/a.png"}, {std::string("https://example.com/v") + ext}))),
              std::string("a video ending in ") + ext + " is accepted");
    v.holds(blames(ink_problems(ink_media({"https://example.com/a.png"}, {"https://example.com/v.webm"})), "videos"),
            "a .webm video is refused");
  });
  s.row("| Audio | .mp3, .wav | Rhythm or timing reference |", [](verdict& v) {
    for (const char* ext : {".mp3", ".wav"})
      v.holds(blames_nothing(ink_problems(
                  ink_media({"https://example.com/a.png"}, {}, {std::string("https://example.com/s") + ext}))),
              std::string("audio ending in ") + ext + " is accepted");
    v.holds(blames(ink_problems(ink_media({"https://example.com/a.png"}, {}, {"https://example.com/s.ogg"})), "audios"),
            "an .ogg clip is refused");
  });
  s.row("You can pass up to 5items inmediaUrls.", [](verdict& v) {
    v.equal(sd::seedance2ink_capabilities.media.max_total, 5, "most media URLs");
    v.equal(sd::seedance2ink::max_media_urls, std::size_t{5}, "codec limit");
    const auto five = ink_media({"https://example.com/1.png", "https://example.com/2.png", "https://example.com/3.png"},
                                {"https://example.com/4.mp4"}, {"https://example.com/5.mp3"});
    v.holds(blames_nothing(ink_problems(five)), "five accepted: " + listed(ink_problems(five)));
    auto six = five;
    six.images.push_back("https://example.com/6.png");
    v.holds(blames(ink_problems(six), "media"), "six refused");
  });
  s.row("Use publicly accessible HTTPS URLs.", [](verdict& v) {
    v.holds(blames(ink_problems(ink_media({"http://example.com/a.png"})), "images"), "an http URL is refused");
    v.holds(blames(ink_problems(ink_media({"data:image/png;base64,iVBORw0KGgo="})), "images"),
            "a data: URI is refused");
  });
  s.section("examples");
  s.section("First Frame Example");
  s.row(
      "\"model\": \"seedance-2.0\", \"prompt\": \"A young woman blows out birthday candles, warm indoor lighting, "
      "shallow depth of field\", \"mediaUrls\": [ \"https://example.com/photo.jpg\" ], \"aspectRatio\": \"16:9\", "
      "\"duration\": 5, \"resolution\": \"720p\"",
      [](verdict& v) {
        v.holds(blames_nothing(ink_problems(ink_first_frame_example())), "the example is valid");
        v.equal(ink_body(ink_first_frame_example()),
                json(R"({"model":"seedance-2.0","prompt":"A young woman blows out birthday candles, warm indoor )"
                     R"(lighting, shallow depth of field","mediaUrls":["https://example.com/photo.jpg"],)"
                     R"("aspectRatio":"16:9","duration":5,"resolution":"720p"})"),
                "body");
      });
  s.section("First and Last Frame Example");
  s.row(
      "\"model\": \"seedance-2.0\", \"prompt\": \"A cinematic transition from sunrise over the ocean to a glowing "
      "night "
      "skyline\", \"mediaUrls\": [ \"https://example.com/first-frame.jpg\", \"https://example.com/last-frame.jpg\" ], "
      "\"aspectRatio\": \"16:9\", \"duration\": 6, \"resolution\": \"1080p\"",
      [](verdict& v) {
        v.holds(blames_nothing(ink_problems(ink_first_last_example())), "the example is valid");
        v.equal(
            ink_body(ink_first_last_example()),
            json(R"({"model":"seedance-2.0","prompt":"A cinematic transition from sunrise over the ocean to a )"
                 R"(glowing night skyline","mediaUrls":["https://example.com/first-frame.jpg",)"
                 R"("https://example.com/last-frame.jpg"],"aspectRatio":"16:9","duration":6,"resolution":"1080p"})"),
            "body");
      });
  s.section("Multimodal Reference Example");
  s.row(
      "\"model\": \"seedance-2.0-fast\", \"prompt\": \"A fashion film with energetic camera motion synced to the "
      "beat\", "
      "\"mediaUrls\": [ \"https://example.com/reference-image.jpg\", \"https://example.com/reference-audio.mp3\" ], "
      "\"aspectRatio\": \"9:16\", \"duration\": 8, \"resolution\": \"720p\", \"webhookUrl\": "
      "\"https://your-app.com/webhooks/seedance\"",
      [](verdict& v) {
        v.holds(blames_nothing(ink_problems(ink_multimodal_example())),
                "the example is valid: " + listed(ink_problems(ink_multimodal_example())));
        v.equal(ink_body(ink_multimodal_example()),
                json(R"({"model":"seedance-2.0-fast","prompt":"A fashion film with energetic camera motion synced )"
                     R"(to the beat","mediaUrls":["https://example.com/reference-image.jpg",)"
                     R"("https://example.com/reference-audio.mp3"],"aspectRatio":"9:16","duration":8,)"
                     R"("resolution":"720p","webhookUrl":"https://your-app.com/webhooks/seedance"})"),
                "body");
      });
  s.section("Success Response");
  s.row("\"success\": true, \"requestId\": \"req_1234567890\", \"status\": \"queued\", \"creditsCharged\": 64",
        [](verdict& v) {
          const auto t = sd::seedance2ink::decode_created(
              response(200, R"({"success":true,"requestId":"req_1234567890","status":"queued","creditsCharged":64})"));
          v.equal(t.id, std::string("req_1234567890"), "task id");
          v.equal(t.state, task_state::queued, "state of `queued`");
          v.holds(t.cost && t.cost->amount == 64 && t.cost->unit == sd::cost_unit::credits && !t.cost->estimated,
                  "64 credits charged, as reported");
        });
  s.section("Success Response (of the Multimodal Reference Example: seedance-2.0-fast, 8 s, 720p)");
  s.row("\"creditsCharged\": 64", [](verdict& v) {
    const auto e = sd::estimate(provider_id::seedance2ink, ink_multimodal_example());
    v.equal(credits_of(e), std::optional(64.0), "estimate (basis: " + e.basis + ")");
  });
  s.section("Request Body");
  s.row("model | string | Yes | One of seedance-2.0, seedance-2.0-fast, seedance-1.5-pro.", [](verdict& v) {
    for (model m : {model::seedance_2_0, model::seedance_2_0_fast, model::seedance_1_5_pro}) {
      v.holds(sd::offers_model(provider_id::seedance2ink, m), "seedance2.ink offers " + show(m));
      sd::request r = ink_first_frame_example();
      r.model = m;
      v.equal(at(ink_body(r), {"model"}), std::optional(boost::json::value(std::string(sd::to_string(m)))), "model");
    }
  });
  s.row("prompt | string | Yes | Text instruction describing the target video.", [](verdict& v) {
    sd::request r = ink_first_frame_example();
    r.prompt.clear();
    v.holds(blames(ink_problems(r), "prompt"), "no prompt refused by validation");
    v.equal(thrown([&] { (void)ink_body(r); }), std::optional(errc::invalid_request), "no prompt refused by the codec");
  });
  s.row("mediaUrls | string[] | Yes | One to five public media URLs used as reference material.", [](verdict& v) {
    v.equal(at(ink_body(ink_first_frame_example()), {"mediaUrls"}),
            std::optional(json(R"(["https://example.com/photo.jpg"])")), "one URL");
    auto six = ink_media({"https://example.com/1.png", "https://example.com/2.png", "https://example.com/3.png",
                          "https://example.com/4.png", "https://example.com/5.png", "https://example.com/6.png"});
    v.equal(thrown([&] { (void)ink_body(six); }), std::optional(errc::invalid_request), "six URLs refused");
  });
  s.row("aspectRatio | string | No | One of 16:9, 9:16, 1:1.", [](verdict& v) {
    for (aspect_ratio ratio : {aspect_ratio::r16_9, aspect_ratio::r9_16, aspect_ratio::r1_1})
      v.holds(sd::offers_ratio(provider_id::seedance2ink, ratio), "offers " + std::string(sd::to_string(ratio)));
    for (aspect_ratio ratio : {aspect_ratio::r4_3, aspect_ratio::r3_4, aspect_ratio::r21_9, aspect_ratio::adaptive}) {
      v.holds(!sd::offers_ratio(provider_id::seedance2ink, ratio),
              "does not offer " + std::string(sd::to_string(ratio)));
      sd::request r = ink_first_frame_example();
      r.ratio = ratio;
      v.holds(blames(ink_problems(r), "ratio"), "refuses " + std::string(sd::to_string(ratio)));
    }
  });
  s.row("duration | integer | No | For seedance-2.0 and seedance-2.0-fast: 4-15.", [](verdict& v) {
    for (model m : {model::seedance_2_0, model::seedance_2_0_fast}) {
      v.holds(sd::duration_ok(provider_id::seedance2ink, m, seconds{4}), "4 s for " + show(m));
      v.holds(sd::duration_ok(provider_id::seedance2ink, m, seconds{15}), "15 s for " + show(m));
      v.holds(!sd::duration_ok(provider_id::seedance2ink, m, seconds{3}), "no 3 s for " + show(m));
      v.holds(!sd::duration_ok(provider_id::seedance2ink, m, seconds{16}), "no 16 s for " + show(m));
      v.holds(!sd::offers_auto_duration(provider_id::seedance2ink, m), "no auto duration for " + show(m));
    }
    sd::request r = ink_first_frame_example();
    r.duration = seconds{11};
    v.equal(at(ink_body(r), {"duration"}), std::optional(boost::json::value(11)), "duration as an integer");
  });
  s.row("For seedance-1.5-pro: 5 or 10.", [](verdict& v) {
    for (int secs : {5, 10})
      v.holds(sd::duration_ok(provider_id::seedance2ink, model::seedance_1_5_pro, seconds{secs}),
              std::to_string(secs) + " s for seedance-1.5-pro");
    for (int secs : {4, 6, 8, 15}) {
      sd::request r = ink_first_frame_example();
      r.model = model::seedance_1_5_pro;
      r.duration = seconds{secs};
      v.holds(blames(ink_problems(r), "duration"), std::to_string(secs) + " s refused for seedance-1.5-pro");
    }
  });
  s.row("resolution | string | No | One of 480p, 720p, 1080p.", [](verdict& v) {
    for (model m : {model::seedance_2_0, model::seedance_2_0_fast, model::seedance_1_5_pro})
      for (resolution res : {resolution::p480, resolution::p720, resolution::p1080})
        v.holds(sd::offers_resolution(provider_id::seedance2ink, m, res),
                show(m) + " at " + std::string(sd::to_string(res)));
    sd::request r = ink_first_frame_example();
    r.resolution = resolution::p4k;
    v.holds(blames(ink_problems(r), "resolution"), "4k refused");
  });
  s.row("webhookUrl | string | No | Callback URL that receives the final task result.", [](verdict& v) {
    v.holds(sd::supports(provider_id::seedance2ink, sd::feature::webhook), "the table offers webhooks");
    v.equal(at(ink_body(ink_multimodal_example()), {"webhookUrl"}),
            std::optional(json(R"("https://your-app.com/webhooks/seedance")")), "webhookUrl");
    v.holds(!at(ink_body(ink_first_frame_example()), {"webhookUrl"}).has_value(), "no webhookUrl when not set");
  });
  s.row("metadata | object | No | Custom metadata stored with the request.", [](verdict& v) {
    v.holds(sd::supports(provider_id::seedance2ink, sd::feature::metadata), "the table offers metadata");
    sd::request r = ink_first_frame_example();
    r.metadata["order"] = "A-17";
    v.equal(at(ink_body(r), {"metadata"}), std::optional(json(R"({"order":"A-17"})")), "metadata");
  });
  s.section("query result");
  s.row("curl https://www.seedance2.ink/api/open/v1/video/generations/req_1234567890", [](verdict& v) {
    const auto q = sd::seedance2ink::status_request("req_1234567890");
    v.holds(q.method == sd::http::method::get, "status is a GET");
    v.equal(q.target, std::string("/api/open/v1/video/generations/req_1234567890"), "status target");
  });
  s.row(
      "\"success\": true, \"requestId\": \"req_1234567890\", \"status\": \"succeeded\", \"model\": "
      "\"seedance-2.0\", ... \"output\": { \"type\": \"video\", \"url\": "
      "\"https://pub-your-bucket.r2.dev/open-api-results/req_1234567890.mp4\" }, \"error\": null",
      [](verdict& v) {
        const auto t = sd::seedance2ink::decode_status(response(
            200, R"({"success":true,"requestId":"req_1234567890","status":"succeeded","model":"seedance-2.0",)"
                 R"("prompt":"A young woman blows out birthday candles, warm indoor lighting, shallow depth of )"
                 R"(field","duration":5,"aspectRatio":"16:9","output":{"type":"video",)"
                 R"("url":"https://pub-your-bucket.r2.dev/open-api-results/req_1234567890.mp4"},"error":null})"));
        v.equal(t.id, std::string("req_1234567890"), "task id");
        v.equal(t.state, task_state::succeeded, "state of `succeeded`");
        v.equal(t.model, std::string("seedance-2.0"), "model");
        v.equal(t.videos.size(), std::size_t{1}, "one video");
        if (!t.videos.empty())
          v.equal(t.videos[0].url, std::string("https://pub-your-bucket.r2.dev/open-api-results/req_1234567890.mp4"),
                  "video URL");
        v.holds(!t.error, "\"error\": null is no error");
      });
  s.row("The output URL is only returned when the task reaches succeeded.", [](verdict& v) {
    const auto t = sd::seedance2ink::decode_status(
        response(200, R"({"success":true,"requestId":"req_1","status":"succeeded","output":null})"));
    v.holds(t.state != task_state::succeeded, "a succeeded without an output URL is not reported as done yet");
    const auto queued =
        sd::seedance2ink::decode_status(response(200, R"({"success":true,"requestId":"req_1","status":"queued"})"));
    v.holds(queued.videos.empty() && queued.state == task_state::queued, "a queued task has no video");
  });
  s.section("cancel task");
  s.row("--url https://www.seedance2.ink/api/open/v1/video/generations/req_1234567890/cancel", [](verdict& v) {
    v.holds(sd::supports(provider_id::seedance2ink, sd::feature::cancel), "the table offers cancel");
    const auto q = sd::seedance2ink::cancel_request("req_1234567890");
    v.holds(q.has_value(), "a cancel request exists");
    if (q) {
      v.holds(q->method == sd::http::method::post, "cancel is a POST");
      v.equal(q->target, std::string("/api/open/v1/video/generations/req_1234567890/cancel"), "cancel target");
    }
  });
  s.row("\"requestId\": \"req_1234567890\", \"status\": \"cancelled\"", [](verdict& v) {
    const auto t = sd::seedance2ink::decode_cancelled(
        response(200, R"({"success":true,"requestId":"req_1234567890","status":"cancelled"})"), "req_1234567890");
    v.equal(t.state, task_state::cancelled, "state of `cancelled`");
    v.equal(t.id, std::string("req_1234567890"), "task id");
  });
  return std::move(s).take();
}

// ---------------------------------------------------------------------------------------------------------------
// Running the rows

std::string test_name(const ::testing::TestParamInfo<fact>& info) {
  std::string name = "r";
  const std::string index = std::to_string(info.param.index);
  name += std::string(3 - std::min<std::size_t>(3, index.size()), '0') + index + "_";
  std::size_t letters = 0;
  bool gap = false;
  for (char c : info.param.quote) {
    if (letters >= 40) break;
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      if (gap && letters > 0) name += '_';
      name += c;
      ++letters;
      gap = false;
    } else {
      gap = true;
    }
  }
  return name;
}

class ProviderDocs : public ::testing::TestWithParam<fact> {};

TEST_P(ProviderDocs, FactHolds) {
  const fact& f = GetParam();
  RecordProperty("document", f.document);
  RecordProperty("quote", f.quote);
  verdict v;
  try {
    f.check(v);
  } catch (const std::exception& e) {
    v.fail(std::string("threw: ") + e.what());
  }
  const std::string where = "document: " + f.document + "\nfact:     \"" + f.quote + "\"\n";
  if (!f.known_gap.empty()) {
    if (v.ok()) FAIL() << where << "this known gap is fixed: the library now holds the fact; remove its known_gap mark";
    GTEST_SKIP() << where << "known gap: " << f.known_gap << "\n" << v.failures();
  }
  EXPECT_TRUE(v.ok()) << where << v.failures();
}

INSTANTIATE_TEST_SUITE_P(ProviderDocsKinoviApiImageToVideo, ProviderDocs, ::testing::ValuesIn(kinovi_image_to_video()),
                         test_name);
INSTANTIATE_TEST_SUITE_P(ProviderDocsKinoviImageToVideoModel, ProviderDocs,
                         ::testing::ValuesIn(kinovi_image_to_video_model()), test_name);
INSTANTIATE_TEST_SUITE_P(ProviderDocsAihubmaxImageToVideo, ProviderDocs, ::testing::ValuesIn(aihubmax_image_to_video()),
                         test_name);
INSTANTIATE_TEST_SUITE_P(ProviderDocsKinoviApiOmniReference, ProviderDocs, ::testing::ValuesIn(kinovi_omni_reference()),
                         test_name);
INSTANTIATE_TEST_SUITE_P(ProviderDocsSeedance2inkImageToVideo, ProviderDocs,
                         ::testing::ValuesIn(seedance2ink_image_to_video()), test_name);

// The table itself: every document has rows, every row names its document and quotes something, and the known
// gaps are counted and listed so that they are easy to find.
TEST(ProviderDocsTable, EveryDocumentHasRowsAndEveryGapIsNamed) {
  const std::vector<std::pair<std::string, std::vector<fact>>> documents{
      {"Kinovi API image-to-video", kinovi_image_to_video()},
      {"Kinovi Image-to-Video model", kinovi_image_to_video_model()},
      {"aihubmax Image to Video", aihubmax_image_to_video()},
      {"Kinovi API Omni Reference", kinovi_omni_reference()},
      {"seedance2.ink Image to Video", seedance2ink_image_to_video()},
  };
  std::size_t total = 0;
  std::size_t gaps = 0;
  std::string summary;
  std::string gap_list;
  for (const auto& [title, rows] : documents) {
    EXPECT_GE(rows.size(), 20u) << title;
    std::size_t document_gaps = 0;
    for (const fact& f : rows) {
      EXPECT_TRUE(f.document.starts_with(title + ", ")) << f.document;
      EXPECT_FALSE(f.quote.empty()) << f.document;
      EXPECT_TRUE(static_cast<bool>(f.check)) << f.document << ": " << f.quote;
      if (!f.known_gap.empty()) {
        ++document_gaps;
        gap_list += "  " + f.document + ": \"" + f.quote + "\"\n    " + f.known_gap + "\n";
      }
    }
    total += rows.size();
    gaps += document_gaps;
    summary +=
        "  " + title + ": " + std::to_string(rows.size()) + " rows, " + std::to_string(document_gaps) + " known gaps\n";
  }
  EXPECT_GT(total, 100u);
  RecordProperty("rows", static_cast<int>(total));
  RecordProperty("known_gaps", static_cast<int>(gaps));
  std::cout << "provider documents: " << total << " rows, " << gaps << " known gaps\n" << summary << gap_list;
}

}  // namespace
