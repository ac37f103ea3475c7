// libFuzzer target: the SDP reader, writer and answerer (src/media). Whatever parses must
// format to text that parses again and formats the same (one pass normalises spacing and
// drops what the writer does not keep); every offer gets an answer or a 488, and an answer
// formats to valid SDP.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "media/sdp.hpp"
#include "media/sdp_offer_answer.hpp"

namespace {

using namespace callplan::media;

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  SdpParse parsed = parse_sdp(input);
  if (!parsed.ok()) {
    require(!parsed.problem.text().empty());
    return 0;
  }
  const std::string text = format_sdp(*parsed.description);
  // Bare LF input grows by its CRs when written; past the size limit a reparse is refused.
  if (text.size() <= kMaxSdpSize) {
    SdpParse again = parse_sdp(text);
    require(again.ok());
    require(format_sdp(*again.description) == text);
  }

  LocalAudio local{.address = "192.0.2.1", .port = 4000};
  Answer answer = answer_offer(*parsed.description, local);
  if (answer.outcome == AnswerOutcome::answered) {
    SdpParse back = parse_sdp(format_sdp(answer.description));
    require(back.ok());
    require(back.description->media.size() == parsed.description->media.size());
  } else {
    require(answer.sip_status() == 488 && !answer.reason.empty());
  }
  return 0;
}
