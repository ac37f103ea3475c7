// sip/events/message_summary.hpp — the `message-summary` event package (RFC 3842): a user's
// own devices watch the user's voicemail box (SPEC 10, "Message waiting").
//
// The resource is the mailbox owner's extension; a SUBSCRIBE may name the extension or any of
// the user's devices' SIP usernames (phones subscribe to their own address of record).
// Only the user's own devices may watch it (403 for others). The body:
//
//   Messages-Waiting: yes
//   Message-Account: sip:001@acme
//   Voice-Message: 2/5 (0/0)
//
// (new/old, urgent new/old: the store has no urgent messages).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "sip/events/company_resource.hpp"
#include "sip/events/event_package.hpp"
#include "sip/proxy/directory.hpp"
#include "voicemail/voicemail_store.hpp"

namespace callplan::sip {

// The RFC 3842 body for `counts` of mailbox `account` (a SIP URI).
std::string message_summary_body(const voicemail::MessageCounts& counts, std::string_view account);

class MessageSummaryPackage final : public EventPackage {
 public:
  // Counts of a mailbox (company login, extension); the server's reads the voicemail store.
  using Counter = std::function<voicemail::MessageCounts(std::string_view company,
                                                          std::string_view extension)>;
  MessageSummaryPackage(CompanyDirectories companies, Counter counter);

  std::string_view name() const override { return "message-summary"; }
  std::string_view content_type() const override { return "application/simple-message-summary"; }
  std::string resource(std::string_view subscriber, std::string_view uri_user) const override;
  int authorize(std::string_view subscriber, std::string_view resource) const override;
  std::string body(std::string_view resource) const override;

 private:
  CompanyDirectories companies_;
  Counter counter_;
};

}  // namespace callplan::sip
