#include "base/source_text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/text.h"

namespace fs = std::filesystem;

namespace cartable {

namespace {

// The position of the first byte that is not valid UTF-8, or npos.
size_t invalid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    // ASCII, most of a text, a word at a time.
    for (uint64_t w; i + 8 <= s.size() && (std::memcpy(&w, s.data() + i, 8), (w & 0x8080808080808080ull) == 0);) i += 8;
    if (i >= s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return i;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    }
    i += n;
  }
  return std::string::npos;
}


SourcePos position_of(const std::string& path, const std::string& text, size_t at) {
  int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  size_t line_start = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
  int col = static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  return {path, line, col};
}

// What every source text must be: UTF-8 without control characters. A BOM
// (Windows editors save one) is dropped: it is not content.
bool check_text(const std::string& path, std::string& out, Diagnostics& diags) {
  if (starts_with(out, "\xEF\xBB\xBF")) out.erase(0, 3);
  char byte[8];
  if (size_t bad = invalid_utf8(out); bad != std::string::npos) {
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(out[bad]));
    diags.error(position_of(path, out, bad), tr("invalid UTF-8 (byte {1})", byte),
                tr("save the file as UTF-8 (in most editors: Save as, then Encoding: UTF-8)"));
    return false;
  }
  if (size_t bad = find_control_character(out); bad != std::string::npos) {
    diags.error(position_of(path, out, bad), tr("control character {1} in the text", control_character_name(out, bad)),
                tr("delete it: it is invisible, and usually comes from a copy and paste"));
    return false;
  }
  return true;
}

void report_too_large(const std::string& path, uint64_t size, Diagnostics& diags) {
  diags.error({path, 0, 0}, tr("file too large ({1} MB; the limit is 8 MB)", size / (1024 * 1024)),
              tr("put long documents in a PDF attachment"));
}

}  // namespace

std::string display_path(const std::string& source_dir, const std::string& rel) {
  fs::path p = fs::path(source_dir) / rel;
  return p.lexically_normal().generic_string();
}

bool read_file(const std::string& file, std::string& out, Diagnostics& diags) {
  const std::string path = fs::path(file).lexically_normal().generic_string();
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxSourceBytes) {
    report_too_large(path, size, diags);
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error({path, 0, 0}, tr("cannot read file"), tr("check the file's name and that you may read it"));
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return check_text(path, out, diags);
}

bool read_text(const FileSystem& files, const std::string& display_root, const std::string& rel, std::string& out,
               Diagnostics& diags, bool* missing) {
  auto shown = [&](const std::string& p) { return display_path(display_root, p); };
  FileResult r = files.read(rel, &out, kMaxSourceBytes);
  if (r.status == FileStatus::TooLarge) {
    FileInfo info;
    files.stat(rel, &info);
    report_too_large(shown(rel), info.size, diags);
    return false;
  }
  if (missing) *missing = r.status == FileStatus::Missing;
  if (missing && *missing) return false;  // the caller's to say
  if (!r) {
    std::string at = r.at.empty() ? rel : r.at;
    report_file_error(r, shown(at), {shown(rel), 0, 0}, diags);
    return false;
  }
  return check_text(shown(rel), out, diags);
}

FrontMatter split_front_matter(std::string_view text, const std::string& path, Diagnostics& diags) {
  FrontMatter fm;
  auto line_end = [&](size_t from) {
    size_t e = text.find('\n', from);
    return e == std::string_view::npos ? text.size() : e;
  };
  auto is_fence = [&](size_t from, size_t to) {
    std::string_view line = text.substr(from, to - from);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line == "---";
  };
  size_t first_end = line_end(0);
  if (!is_fence(0, first_end)) {
    fm.body = std::string(text);
    return fm;
  }
  fm.present = true;
  size_t pos = first_end + 1;
  int line = 2;
  while (pos <= text.size()) {
    size_t end = line_end(pos);
    if (is_fence(pos, end)) {
      fm.yaml = std::string(text.substr(first_end + 1, pos - first_end - 1));
      size_t body_start = std::min(end + 1, text.size());
      fm.body = std::string(text.substr(body_start));
      fm.body_first_line = line + 1;
      return fm;
    }
    if (end >= text.size()) break;
    pos = end + 1;
    ++line;
  }
  diags.error({path, 1, 1}, tr("front matter is not closed"),
              tr("the fields at the top start with a line '---' and end with another: add a line '---' after the last "
                 "field, before the text"));
  fm.present = false;
  fm.unclosed = true;
  return fm;
}

}  // namespace cartable
