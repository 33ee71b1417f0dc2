#include "base/text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <regex>

using namespace cartable;

TEST(Text, EditDistance) {
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("rc-num-so/3.2", "rc-num-so/3.1"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Text, DidYouMeanPicksClosest) {
  std::vector<std::string> ids = {"rc-num-so/1.0", "rc-num-so/1.2", "rc-num-so/2.2", "rc-num-so/3.1", "rc-num-so/4.1"};
  EXPECT_EQ(english(did_you_mean("rc-num-so/3.2", ids)), "did you mean rc-num-so/3.1?");
  EXPECT_EQ(english(did_you_mean("m9", {"m1", "m2"})), "did you mean m1?");
}

// Candidates of every length, many of them equally close: the one chosen
// is the one comparing every candidate would choose (nearest, then the
// longest common prefix, then the first in order), though most are skipped.
TEST(Text, ClosestMatchIsTheNearestOfAll) {
  std::srand(7);
  auto word = [] {
    std::string w;
    for (int n = std::rand() % 12; n >= 0; --n) w += static_cast<char>('a' + std::rand() % 3);
    return w;
  };
  for (int round = 0; round < 300; ++round) {
    std::string wanted = word();
    std::vector<std::string> candidates;
    for (int n = std::rand() % 40; n >= 0; --n) candidates.push_back(word());
    const size_t limit = std::max<size_t>(2, wanted.size() / 3);
    std::string best;
    size_t best_distance = limit + 1, best_prefix = 0;
    for (const std::string& c : candidates) {
      size_t d = edit_distance(wanted, c), prefix = 0;
      while (prefix < c.size() && prefix < wanted.size() && c[prefix] == wanted[prefix]) ++prefix;
      if (d < best_distance || (d == best_distance && (prefix > best_prefix || (prefix == best_prefix && c < best)))) {
        best = c;
        best_distance = d;
        best_prefix = prefix;
      }
    }
    EXPECT_EQ(closest_match(wanted, candidates), best) << wanted;
  }
}

TEST(Text, DidYouMeanStaysQuietWhenNothingIsClose) {
  EXPECT_EQ(english(did_you_mean("zzzzzzzz", {"m1", "m2"})), "");
}

TEST(Text, HtmlEscape) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST(Text, FrenchNumbers) {
  EXPECT_EQ(format_number_fr(4), "4");
  EXPECT_EQ(format_number_fr(3.5), "3,5");
}

TEST(Text, SlugifyFoldsFrenchLetters) {
  EXPECT_EQ(slugify("6. Crédits ECTS et volume horaire"), "6-credits-ects-et-volume-horaire");
  EXPECT_EQ(slugify("Mise en œuvre"), "mise-en-oeuvre");
}

TEST(Text, SlugifyTransliteratesAnyScript) {
  EXPECT_EQ(slugify("Jürgen Straße"), "jurgen-strasse");
  EXPECT_EQ(slugify("Œuvre d'Ærø"), "oeuvre-d-aero");
  EXPECT_EQ(slugify("Иван Петров"), "ivan-petrov");
  EXPECT_EQ(slugify("Łukasz Żółć"), "lukasz-zolc");
  EXPECT_EQ(slugify("Zoe\xCC\x81 Mu\xCC\x88ller"), "zoe-muller");  // decomposed accents, as macOS writes them
  EXPECT_EQ(slugify("Νίκος"), "nikos");
}

TEST(Text, SlugifyIsNeverEmptyNorSection) {
  std::string blank = slugify("   ");
  std::string emoji = slugify("\xF0\x9F\x8E\x89");
  EXPECT_TRUE(std::regex_match(blank, std::regex("x-[0-9a-f]{8}"))) << blank;
  EXPECT_TRUE(std::regex_match(emoji, std::regex("x-[0-9a-f]{8}"))) << emoji;
  EXPECT_NE(blank, emoji);
  EXPECT_EQ(slugify("   "), blank);  // stable
  EXPECT_NE(slugify(""), "");
}

TEST(Text, TodayFollowsSourceDateEpoch) {
  // 1800000000 is 2027-01-15 08:00 UTC: the same date in every time zone
  // from UTC-8 to UTC+15, so the machine's own zone does not matter.
  setenv("SOURCE_DATE_EPOCH", "1800000000", 1);
  EXPECT_EQ(today(), "2027-01-15");
  unsetenv("SOURCE_DATE_EPOCH");
}

// Texts are passed over a word at a time: a control character is found
// wherever it falls, against a byte-by-byte reading of the rule.
TEST(Text, FindsAControlCharacterAtAnyPlace) {
  auto byte_by_byte = [](std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<unsigned char>(s[i]);
      bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                static_cast<unsigned char>(s[i + 1]) <= 0x9F;
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || c1) return i;
    }
    return std::string_view::npos;
  };
  const std::string clean = "Une trace réflexive, écrite\tà la main ~ {x}\r\nFin.";
  EXPECT_EQ(find_control_character(clean), std::string_view::npos);
  for (const std::string& bad : {std::string(1, '\0'), std::string("\x01"), std::string("\x1F"), std::string("\x7F"),
                                std::string("\xC2\x85"), std::string("\xC2\x9F")}) {
    for (size_t at = 0; at <= clean.size(); ++at) {
      std::string text = clean.substr(0, at) + bad + clean.substr(at);
      ASSERT_EQ(find_control_character(text), byte_by_byte(text)) << at;
      ASSERT_NE(find_control_character(text), std::string_view::npos) << at;
    }
  }
  EXPECT_EQ(find_control_character("\xC2\xA0 espace insécable"), std::string_view::npos);  // U+00A0 is text
}
