#include "sip/events/message_summary.hpp"

#include <fmt/format.h>

namespace callplan::sip {

std::string message_summary_body(const voicemail::MessageCounts& counts, std::string_view account) {
  return fmt::format("Messages-Waiting: {}\r\nMessage-Account: {}\r\nVoice-Message: {}/{} (0/0)\r\n",
                     counts.new_messages > 0 ? "yes" : "no", account, counts.new_messages,
                     counts.old_messages);
}

MessageSummaryPackage::MessageSummaryPackage(CompanyDirectories companies, Counter counter)
    : companies_(std::move(companies)), counter_(std::move(counter)) {}

std::string MessageSummaryPackage::resource(std::string_view subscriber,
                                            std::string_view uri_user) const {
  return company_resource(companies_, subscriber, uri_user);
}

int MessageSummaryPackage::authorize(std::string_view subscriber, std::string_view resource) const {
  // Only the mailbox owner's own devices (company_resource already kept to its company).
  CompanyUser owner = company_user(companies_, resource);
  if (!owner.directory) return 403;
  auto device = owner.directory->device_of(subscriber);
  auto user = owner.directory->engine()->find_user(owner.extension);
  if (!device || !user || owner.directory->engine()->device_user(*device) != *user) return 403;
  return 0;
}

std::string MessageSummaryPackage::body(std::string_view resource) const {
  CompanyUser owner = company_user(companies_, resource);
  if (!owner.directory) return message_summary_body({}, "");  // its company is gone
  voicemail::MessageCounts counts = counter_(owner.directory->company(), owner.extension);
  return message_summary_body(counts,
                              fmt::format("sip:{}@{}", owner.extension, owner.directory->realm()));
}

}  // namespace callplan::sip
