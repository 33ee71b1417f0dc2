#include "base/binary_record.h"

#include <gtest/gtest.h>

namespace cartable {
namespace {

// One of each value, as the records mix them.
std::string sample() {
  std::string out = "header 1\n";
  BinaryWriter w(out);
  w.u8(7);
  w.u32(0xdeadbeef);
  w.u64(0x0123456789abcdefull);
  w.varint(0);
  w.varint(300);
  w.varint(~0ull);
  w.text("café");
  w.text("");
  w.varint_text(std::string(200, 'x'));
  return out;
}

TEST(BinaryRecord, ReadsBackWhatWasWritten) {
  std::string bytes = sample();
  BinaryReader r(bytes);
  EXPECT_EQ(r.line(), "header 1");
  EXPECT_EQ(r.u8(), 7);
  EXPECT_EQ(r.u32(), 0xdeadbeefu);
  EXPECT_EQ(r.u64(), 0x0123456789abcdefull);
  EXPECT_EQ(r.varint(), 0u);
  EXPECT_EQ(r.varint(), 300u);
  EXPECT_EQ(r.varint(), ~0ull);
  EXPECT_EQ(r.text(), "café");
  EXPECT_EQ(r.text(), "");
  EXPECT_EQ(r.varint_text(), std::string(200, 'x'));
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.done());
}

// The files written before this header existed are still read: integers
// little-endian, varints LEB128, strings after their length.
TEST(BinaryRecord, KeepsTheByteLayout) {
  std::string out;
  BinaryWriter w(out);
  w.u32(1);
  w.u64(0x0102030405060708ull);
  w.varint(300);
  w.text("ab");
  w.varint_text("c");
  EXPECT_EQ(out, std::string("\x01\0\0\0"
                             "\x08\x07\x06\x05\x04\x03\x02\x01"
                             "\xac\x02"
                             "\x02\0\0\0ab"
                             "\x01"
                             "c",
                             4 + 8 + 2 + 6 + 2));
}

TEST(BinaryRecord, ATruncatedRecordIsNotOkForGood) {
  std::string bytes = sample();
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    BinaryReader r(std::string_view(bytes).substr(0, cut));
    r.line();
    r.u8();
    r.u32();
    r.u64();
    r.varint();
    r.varint();
    r.varint();
    r.text();
    r.text();
    r.varint_text();
    EXPECT_FALSE(r.ok()) << "cut at " << cut;
    EXPECT_EQ(r.u64(), 0u) << "cut at " << cut;
    EXPECT_EQ(r.text(), "") << "cut at " << cut;
    EXPECT_FALSE(r.ok()) << "cut at " << cut;
  }
}

TEST(BinaryRecord, AStringLongerThanTheRestIsNotRead) {
  std::string out;
  BinaryWriter(out).u32(1000);
  out += "short";
  BinaryReader r(out);
  EXPECT_EQ(r.text(), "");
  EXPECT_FALSE(r.ok());
}

TEST(BinaryRecord, AVarintOfMoreThanTenBytesIsNotRead) {
  std::string bytes = std::string(11, '\x80') + '\x01';
  BinaryReader r(bytes);
  EXPECT_EQ(r.varint(), 0u);
  EXPECT_FALSE(r.ok());
}

TEST(BinaryRecord, FailIsForGood) {
  std::string bytes = sample();
  BinaryReader r(bytes);
  r.fail();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.line(), "");
}

TEST(BinaryRecord, ASealedRecordUnsealsToItsBody) {
  for (SealHash hash : {SealHash::Xxh3_64, SealHash::Xxh3_128Low}) {
    std::string record = sample();
    seal(record, hash);
    ASSERT_EQ(record.size(), sample().size() + 8);
    std::optional<std::string_view> body = unseal(record, hash);
    ASSERT_TRUE(body);
    EXPECT_EQ(*body, sample());
  }
}

TEST(BinaryRecord, AFlippedByteBreaksTheSeal) {
  for (SealHash hash : {SealHash::Xxh3_64, SealHash::Xxh3_128Low}) {
    std::string record = sample();
    seal(record, hash);
    for (size_t at = 0; at < record.size(); ++at) {
      std::string damaged = record;
      damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
      EXPECT_FALSE(unseal(damaged, hash)) << "byte " << at;
    }
  }
}

// Short records tell them apart: beyond 240 bytes, the low half of XXH3-128
// is XXH3-64.
TEST(BinaryRecord, TheTwoSealsDiffer) {
  std::string record = "header 1\n";
  seal(record, SealHash::Xxh3_64);
  EXPECT_FALSE(unseal(record, SealHash::Xxh3_128Low));
  EXPECT_TRUE(unseal(record, SealHash::Xxh3_64));
}

TEST(BinaryRecord, TooShortForASealIsNoRecord) {
  EXPECT_FALSE(unseal("", SealHash::Xxh3_64));
  EXPECT_FALSE(unseal("1234567", SealHash::Xxh3_64));
}

}  // namespace
}  // namespace cartable
