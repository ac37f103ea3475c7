#include "sip/events/message_summary.hpp"

#include <fmt/format.h>

namespace callplan::sip {
namespace {

// The user a SUBSCRIBE names: an extension, or a device's SIP username.
std::optional<UserIndex> named_user(const Directory& directory, std::string_view name) {
  const Engine& engine = *directory.engine();
  if (auto user = engine.find_user(name)) return user;
  if (auto device = directory.device_of(name)) {
    UserIndex user = engine.device_user(*device);
    if (user != kNoUser) return user;
  }
  return std::nullopt;
}

}  // namespace

std::string message_summary_body(const voicemail::MessageCounts& counts, std::string_view account) {
  return fmt::format("Messages-Waiting: {}\r\nMessage-Account: {}\r\nVoice-Message: {}/{} (0/0)\r\n",
                     counts.new_messages > 0 ? "yes" : "no", account, counts.new_messages,
                     counts.old_messages);
}

MessageSummaryPackage::MessageSummaryPackage(std::function<std::shared_ptr<Directory>()> directory,
                                             Counter counter)
    : directory_(std::move(directory)), counter_(std::move(counter)) {}

std::string MessageSummaryPackage::resource(std::string_view uri_user) const {
  std::shared_ptr<Directory> directory = directory_();
  auto user = named_user(*directory, uri_user);
  return user ? std::string(directory->engine()->extension(*user)) : std::string();
}

int MessageSummaryPackage::authorize(std::string_view subscriber, std::string_view resource) const {
  std::shared_ptr<Directory> directory = directory_();
  auto device = directory->device_of(subscriber);
  auto owner = directory->engine()->find_user(resource);
  if (!device || !owner || directory->engine()->device_user(*device) != *owner) return 403;
  return 0;
}

std::string MessageSummaryPackage::body(std::string_view resource) const {
  std::shared_ptr<Directory> directory = directory_();
  voicemail::MessageCounts counts = counter_(directory->company(), resource);
  return message_summary_body(counts, fmt::format("sip:{}@{}", resource, directory->realm()));
}

}  // namespace callplan::sip
