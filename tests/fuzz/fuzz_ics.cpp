// libFuzzer target: the ICS serializer. Whatever the text, a TEXT value is
// folded into lines of at most 75 octets, ending in CRLF, and reads back as
// the same text, less its control characters (a vertical tab becomes a line
// break; the others are dropped).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "calendar/ics.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cartable;
  std::string text(reinterpret_cast<const char*>(data), size);
  IcsWriter w;
  w.raw("BEGIN", "VEVENT");
  w.raw("UID", "x@example.org");
  w.text("LOCATION", text);
  w.raw("END", "VEVENT");
  const std::string& out = w.str();
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find("\r\n", start);
    if (end == std::string::npos || end - start > 75) std::abort();
    start = end + 2;
  }
  auto events = parse_ics_events(out);
  if (events.size() != 1) std::abort();
  // CR LF and lone CR both come back as LF: the escaped form is "\n".
  text = without_control_chars(text);
  std::string expected;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      expected += '\n';
    } else {
      expected += text[i];
    }
  }
  if (events[0].location != expected) std::abort();
  return 0;
}
