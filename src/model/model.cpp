#include "callplan/model.hpp"

#include "model/overloaded.hpp"

namespace callplan {

using detail::Overloaded;

std::string_view step_kind_name(const Step& step) {
  return std::visit(Overloaded{
                        [](const Transfer&) { return std::string_view("transfer"); },
                        [](const RingGroup&) { return std::string_view("ring_group"); },
                        [](const TimeCondition&) { return std::string_view("time_condition"); },
                        [](const Voicemail&) { return std::string_view("voicemail"); },
                        [](const Announcement&) { return std::string_view("announcement"); },
                        [](const Menu&) { return std::string_view("menu"); },
                        [](const Goto&) { return std::string_view("goto"); },
                        [](const Hangup&) { return std::string_view("hangup"); },
                    },
                    step.body);
}

std::string_view to_string(Strategy s) {
  switch (s) {
    case Strategy::ring_all: return "ring_all";
    case Strategy::memory_hunt: return "memory_hunt";
    case Strategy::round_robin: return "round_robin";
    case Strategy::cascade: return "cascade";
    case Strategy::random: return "random";
  }
  return "ring_all";
}

}  // namespace callplan
