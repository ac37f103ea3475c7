// voicemail/default_greeting.hpp — what the mailbox says when the user has not recorded a
// greeting (SPEC 10): "<first name> <last name> is not available, please leave a message after
// the tone", in the tenant's speech language (Dutch for nl, English otherwise). The text is
// spoken through the prompt cache (media/prompt/prompt_cache.hpp) like any `text:` prompt.
#pragma once

#include <string>
#include <string_view>

namespace callplan::voicemail {

std::string default_greeting_text(std::string_view first_name, std::string_view last_name,
                                  std::string_view language);

}  // namespace callplan::voicemail
