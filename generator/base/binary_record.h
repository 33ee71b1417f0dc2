// Binary records: the files a build leaves in the state folder for the next
// one (the manifests, output/manifest.h; the page log, cache/page_log.h; the
// input record, cache/cache.h; the entry cache, load/entry_cache.h). Each is
// a text header, then integers (fixed-width little-endian, or LEB128
// varints) and strings (their length first), then a seal: the hash of
// everything before it, so that a damaged file is no record rather than a
// wrong page. Binary because at 550,000 pages the text forms took seconds to
// read and write. Implemented in binary_record.cpp (the seal) and here.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace cartable {

// Appends to `out`, which may already hold the record's header.
class BinaryWriter {
 public:
  explicit BinaryWriter(std::string& out) : out_(out) {}
  void u8(uint8_t v) { out_ += static_cast<char>(v); }
  void u32(uint32_t v) { fixed(v); }
  void u64(uint64_t v) { fixed(v); }
  // LEB128: seven bits a byte, the lowest first; below 128, one byte.
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  // The length as a u32, then the bytes.
  void text(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  // The length as a varint, then the bytes.
  void varint_text(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }

 private:
  template <typename T>
  void fixed(T v) {
    char bytes[sizeof v];
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(bytes, &v, sizeof v);
    } else {
      for (size_t i = 0; i < sizeof v; ++i) bytes[i] = static_cast<char>(v >> (8 * i) & 0xff);
    }
    out_.append(bytes, sizeof bytes);
  }
  std::string& out_;
};

// Reads what a BinaryWriter wrote. A read past the end, or fail(), makes
// ok() false for good and every later read 0 or "": the caller checks once,
// after the record, never uses a value read from a damaged one.
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  // Bytes left: a count read from a damaged file must not allocate more
  // items than they could hold.
  size_t left() const { return in_.size(); }
  // For a value read whole but out of range.
  void fail() {
    ok_ = false;
    in_ = {};
  }

  uint8_t u8() { return fixed<uint8_t>(); }
  uint32_t u32() { return fixed<uint32_t>(); }
  uint64_t u64() { return fixed<uint64_t>(); }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) break;
      auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    fail();  // cut short, or more than ten bytes
    return 0;
  }
  std::string_view text() { return bytes(u32()); }
  std::string_view varint_text() { return bytes(varint()); }
  // Up to the next '\n', which is skipped: the text lines of a header.
  std::string_view line() {
    size_t end = in_.find('\n');
    if (end == std::string_view::npos) return fail(), std::string_view();
    std::string_view l = in_.substr(0, end);
    in_.remove_prefix(end + 1);
    return l;
  }

 private:
  template <typename T>
  T fixed() {
    if (in_.size() < sizeof(T)) return fail(), T{0};
    T v = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, in_.data(), sizeof v);
    } else {
      for (size_t i = 0; i < sizeof v; ++i) v |= static_cast<T>(static_cast<unsigned char>(in_[i])) << (8 * i);
    }
    in_.remove_prefix(sizeof v);
    return v;
  }
  std::string_view bytes(uint64_t n) {
    if (n > in_.size()) return fail(), std::string_view();
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  std::string_view in_;
  bool ok_ = true;
};

// The hash a record is sealed with, as each was first written (another
// would be a new file format): XXH3-64 for the input record and the entry
// cache, the low half of XXH3-128 (output.h's hash_content) for the
// manifests and the page log.
enum class SealHash { Xxh3_64, Xxh3_128Low };

// Appends the hash of `record` (everything in it so far), as a u64.
void seal(std::string& record, SealHash hash);
// `record` without its seal when the seal matches what comes before it;
// nullopt when it is too short to hold one, or damaged.
std::optional<std::string_view> unseal(std::string_view record, SealHash hash);

}  // namespace cartable
