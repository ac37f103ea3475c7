// measure_prompts() (CP410-CP412): the lengths of the tenant's prompts, from the host's meter
// (SPEC 3.9). The engine itself never opens audio or runs a synthesizer; it only asks, once per
// prompt while the tenant is loaded, and keeps the answer in the model for compile().
#include "callplan/prompts.hpp"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "diagnostics/make_issue.hpp"

namespace callplan {

namespace {

// Walks the steps (with branches) in file order, mutably: the lengths are written into them.
template <class Visit>
void for_each_step(StepList& steps, const Visit& visit) {
  for (Step& step : steps) {
    visit(step);
    if (auto* c = std::get_if<TimeCondition>(&step.body)) {
      if (c->then_steps) for_each_step(*c->then_steps, visit);
      if (c->else_steps) for_each_step(*c->else_steps, visit);
    } else if (auto* m = std::get_if<Menu>(&step.body)) {
      for (MenuOption& o : m->options) for_each_step(o.steps, visit);
      if (m->invalid) for_each_step(*m->invalid, visit);
    }
  }
}

class PromptMeasurer {
 public:
  PromptMeasurer(Tenant& tenant, const PromptMeter& meter)
      : tenant_(tenant), meter_(meter), language_(speech_language(tenant.info)) {}

  // Measures one prompt: `audio` (a file) when given, else `text`.
  PromptSeconds measure(const Located<std::string>& audio, const Located<std::string>& text,
                        std::string_view what) {
    const bool is_file = audio.given();
    const Located<std::string>& value = is_file ? audio : text;
    if (!value.given() || value.value.empty()) return std::nullopt;  // the loader reported it
    const Location where = tenant_.sources.location(value.where);
    const std::string folder = std::filesystem::path(where.file).parent_path().string();
    PromptRequest request;
    request.kind = is_file ? PromptRequest::Kind::audio_file : PromptRequest::Kind::text;
    request.value = value.value;
    request.base_folder = folder;
    request.language = language_;
    PromptMeasurement m = meter_(request);
    if (m.status == PromptMeasurement::Status::known) return m.seconds;
    report(m, value, where, what);
    return std::nullopt;
  }

  Issues take_issues() { return std::move(issues_); }

 private:
  void report(const PromptMeasurement& m, const Located<std::string>& value,
              const Location& where, std::string_view what) {
    using Status = PromptMeasurement::Status;
    const std::string detail = m.detail.empty() ? std::string() : ": " + m.detail;
    switch (m.status) {
      case Status::known: return;
      case Status::missing_file: {
        Issue& i = issues_.emplace_back(detail::make_issue(
            "CP410",
            fmt::format("the {} `{}` does not exist; it counts 0 s and plays nothing", what,
                        value.value),
            where));
        i.hints.push_back(
            "audio files are found relative to the YAML file that names them; or speak the "
            "words with `text:` (`prompt_text:` in a menu)");
        return;
      }
      case Status::unreadable_file: {
        Issue& i = issues_.emplace_back(detail::make_issue(
            "CP411",
            fmt::format("the {} `{}` cannot be read as audio{}; it counts 0 s and plays nothing",
                        what, value.value, detail),
            where));
        i.hints.push_back("use a WAV file (any rate; 8 kHz mono plays without resampling)");
        return;
      }
      case Status::no_speech: {
        Issue& i = issues_.emplace_back(detail::make_issue(
            "CP412",
            fmt::format("the spoken {} cannot be rendered in `{}`{}; it counts 0 s and plays "
                        "nothing",
                        what, language_, detail),
            where));
        i.hints.push_back("install espeak-ng (scripts/install-deps.sh), or record the words "
                          "into an audio file");
        return;
      }
    }
  }

  Tenant& tenant_;
  const PromptMeter& meter_;
  std::string language_;
  Issues issues_;
};

}  // namespace

std::string speech_language(const TenantInfo& tenant) {
  if (!tenant.language.value.empty()) return tenant.language.value;
  return tenant.country.value == "NL" ? "nl" : "en";
}

Issues measure_prompts(Tenant& tenant, const PromptMeter& meter) {
  PromptMeasurer measurer(tenant, meter);
  for (Plan& plan : tenant.plans) {
    for_each_step(plan.steps, [&](Step& step) {
      if (auto* a = std::get_if<Announcement>(&step.body)) {
        a->seconds = measurer.measure(a->audio, a->text,
                                      a->audio.given() ? "announcement" : "announcement text");
      } else if (auto* m = std::get_if<Menu>(&step.body)) {
        m->seconds = measurer.measure(m->prompt, m->prompt_text,
                                      m->prompt.given() ? "menu prompt" : "menu prompt text");
      }
    });
  }
  return measurer.take_issues();
}

std::uint32_t prompt_timeline_seconds(const PromptSeconds& seconds) {
  if (!seconds || !(*seconds > 0.0)) return 0;
  // A microsecond of slack: a file of exactly 2 s (16000 samples) is 2 s, not 3.
  const double whole = std::ceil(*seconds - 1e-6);
  constexpr double kMax = 24.0 * 60 * 60;
  return static_cast<std::uint32_t>(whole < kMax ? whole : kMax);
}

}  // namespace callplan
