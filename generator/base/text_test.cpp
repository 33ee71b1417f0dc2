#include "base/text.h"

#include <gtest/gtest.h>

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
