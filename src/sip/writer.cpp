#include "sip/writer.hpp"

#include <charconv>

#include "sip/scanner.hpp"

namespace callplan::sip {
namespace {

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, static_cast<std::size_t>(r.ptr - digits));
}

std::string_view output_name(const Header& h) {
  // Known headers go out in their full canonical form; others as they were written.
  const std::string_view canonical = header_canonical_name(h.id);
  return canonical.empty() ? h.name : canonical;
}

// Writes the values of a list header, skipping the first `skip` values; returns how many
// values were skipped (so the caller can carry the count to the next header line).
std::size_t write_list_skipping(MessageWriter& w, const Header& h, std::size_t skip) {
  std::string joined;
  std::size_t skipped = 0;
  ListSplitter split(h.value);
  std::string_view element;
  while (split.next(element)) {
    if (element.empty()) continue;
    if (skipped < skip) {
      ++skipped;
      continue;
    }
    if (!joined.empty()) joined += ", ";
    joined += element;
  }
  if (!joined.empty()) w.header(output_name(h), joined);
  return skipped;
}

}  // namespace

void MessageWriter::request_line(std::string_view method, std::string_view uri) {
  out_.append(method).append(" ").append(uri).append(" SIP/2.0\r\n");
}

void MessageWriter::status_line(int status, std::string_view reason) {
  out_.append("SIP/2.0 ");
  append_number(out_, static_cast<std::uint64_t>(status));
  out_.append(" ").append(reason).append("\r\n");
}

void MessageWriter::header(std::string_view name, std::string_view value) {
  out_.append(name).append(": ");
  // Copied in runs between folds (most values have none: one append), not byte by byte.
  std::size_t start = 0;
  for (;;) {
    const std::size_t fold = value.find_first_of("\r\n", start);
    if (fold == std::string_view::npos) break;
    out_.append(value.substr(start, fold - start));
    // A fold: collapse CRLF and the following whitespace into one space.
    start = fold + 1;
    while (start < value.size() &&
           (value[start] == '\r' || value[start] == '\n' || detail::is_ws(value[start]))) {
      ++start;
    }
    out_.push_back(' ');
  }
  out_.append(value.substr(start));
  out_.append("\r\n");
}

void MessageWriter::header(std::string_view name, std::uint64_t value) {
  out_.append(name).append(": ");
  append_number(out_, value);
  out_.append("\r\n");
}

void MessageWriter::finish(std::string_view body, std::string_view content_type) {
  if (!body.empty() && !content_type.empty()) header("Content-Type", content_type);
  header("Content-Length", static_cast<std::uint64_t>(body.size()));
  out_.append("\r\n").append(body);
}

std::string build_response(const Message& request, int status, std::string_view reason,
                           const ResponseOptions& options) {
  std::string out;
  out.reserve(512 + options.body.size());
  MessageWriter w(out);
  w.status_line(status, reason);
  for (const Header& h : request.headers) {
    switch (h.id) {
      case HeaderId::via:
      case HeaderId::from:
      case HeaderId::call_id:
      case HeaderId::cseq:
        w.header(output_name(h), h.value);
        break;
      case HeaderId::to:
        if (!options.to_tag.empty() && status > 100 && request.to.tag().empty()) {
          std::string value(h.value);
          value.append(";tag=").append(options.to_tag);
          w.header(output_name(h), value);
        } else {
          w.header(output_name(h), h.value);
        }
        break;
      default:
        break;
    }
  }
  for (const HeaderLine& line : options.extra) w.header(line.name, line.value);
  w.finish(options.body, options.content_type);
  return out;
}

std::string build_forwarded_request(const Message& request, const ForwardOptions& options) {
  std::string out;
  out.reserve(request.raw.size() + options.via.size() + options.record_route.size() + 64);
  MessageWriter w(out);
  w.request_line(request.method_text,
                 options.request_uri.empty() ? request.request_uri_text : options.request_uri);
  w.header("Via", options.via);
  if (!options.record_route.empty()) w.header("Record-Route", options.record_route);
  std::size_t routes_to_pop = options.pop_route ? 1 : 0;
  bool had_max_forwards = false;
  for (const Header& h : request.headers) {
    switch (h.id) {
      case HeaderId::content_length:
        break;  // rewritten by finish()
      case HeaderId::max_forwards:
        had_max_forwards = true;
        w.header("Max-Forwards",
                 static_cast<std::uint64_t>(request.max_forwards > 0 ? request.max_forwards - 1 : 0));
        break;
      case HeaderId::route:
        if (routes_to_pop > 0) {
          routes_to_pop -= write_list_skipping(w, h, routes_to_pop);
        } else {
          w.header(output_name(h), h.value);
        }
        break;
      case HeaderId::from:
        w.header(output_name(h), options.from.empty() ? h.value : options.from);
        break;
      case HeaderId::call_id:
        w.header(output_name(h), options.call_id.empty() ? h.value : options.call_id);
        break;
      case HeaderId::proxy_authorization:
        if (!options.strip_identity) w.header(output_name(h), h.value);
        break;
      default:
        if (options.strip_identity && (detail::iequals(h.name, "P-Asserted-Identity") ||
                                       detail::iequals(h.name, "P-Preferred-Identity")))
          break;
        w.header(output_name(h), h.value);
        break;
    }
  }
  if (!had_max_forwards) w.header("Max-Forwards", std::uint64_t{70});
  for (const HeaderLine& line : options.extra) w.header(line.name, line.value);
  w.finish(request.body);
  return out;
}

std::string build_forwarded_response(const Message& response) {
  std::string out;
  out.reserve(response.raw.size());
  MessageWriter w(out);
  w.status_line(response.status_code, response.reason_phrase);
  std::size_t vias_to_pop = 1;
  for (const Header& h : response.headers) {
    if (h.id == HeaderId::content_length) continue;
    if (h.id == HeaderId::via && vias_to_pop > 0) {
      vias_to_pop -= write_list_skipping(w, h, vias_to_pop);
      continue;
    }
    w.header(output_name(h), h.value);
  }
  w.finish(response.body);
  return out;
}

std::string build_cancel(const Message& request) {
  std::string out;
  out.reserve(512);
  MessageWriter w(out);
  w.request_line("CANCEL", request.request_uri_text);
  w.header("Via", request.top_via.text);
  for (const Header& h : request.headers) {
    switch (h.id) {
      case HeaderId::route:
      case HeaderId::from:
      case HeaderId::to:
      case HeaderId::call_id:
        w.header(output_name(h), h.value);
        break;
      default:
        break;
    }
  }
  std::string cseq;
  append_number(cseq, request.cseq.number);
  cseq.append(" CANCEL");
  w.header("CSeq", cseq);
  w.header("Max-Forwards", std::uint64_t{70});
  w.finish();
  return out;
}

}  // namespace callplan::sip
