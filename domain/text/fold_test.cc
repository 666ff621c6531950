#include "domain/text/fold.h"

#include <gtest/gtest.h>

namespace ecab::text {
namespace {

TEST(Fold, VietnameseDiacriticsAndCaseFoldAway) {
  EXPECT_EQ(Fold("Nghị quyết"), "nghi quyet");
  EXPECT_EQ(Fold("ĐỊNH DANH và xác thực điện tử"), "dinh danh va xac thuc dien tu");
  EXPECT_EQ(Fold("Thủ tướng Chính phủ"), "thu tuong chinh phu");
  EXPECT_EQ(Fold("Ủy ban Dân tộc; Bộ Y tế"), "uy ban dan toc  bo y te");
  EXPECT_EQ(Fold("Phó Thủ tướng, Bộ trưởng Bộ Ngoại giao"),
            "pho thu tuong  bo truong bo ngoai giao");
}

TEST(Fold, DecomposedInputFoldsLikePrecomposed) {
  // "Nghị" written as N g h i + combining dot below (U+0323).
  EXPECT_EQ(Fold("Nghi\xCC\xA3 quye\xCC\x82\xCC\x81t"), "nghi quyet");
}

TEST(Fold, WordsSplitOnPunctuationAndKeepNumbers) {
  EXPECT_EQ(Words("Nghị quyết số 12/NQ-CP, ngày 24-6-2019"),
            (std::vector<std::string>{"nghi", "quyet", "so", "12", "nq", "cp", "ngay", "24", "6",
                                      "2019"}));
  EXPECT_TRUE(Words(" ,.; ").empty());
}

TEST(Fold, OtherScriptsAreKeptAndInvalidBytesBecomeSpaces) {
  EXPECT_EQ(Fold("政府"), "政府");
  EXPECT_EQ(Fold(std::string("a\xFF"
                             "b",
                             3)),
            "a b");
  EXPECT_EQ(Fold(std::string("\xE1\xBB", 2)), "  ");
}

TEST(Fold, OverlongFormsAndSurrogatesAreInvalidNotLetters) {
  // 'a' as two bytes, 'đ' (U+0111) as three: overlong, so neither folds to a letter.
  EXPECT_EQ(Fold(std::string("x\xC1\xA1y", 4)), "x  y");
  EXPECT_EQ(Fold(std::string("\xE0\x84\x91", 3)), "   ");
  // An encoded surrogate (U+D800) and a code point above U+10FFFF.
  EXPECT_EQ(Fold(std::string("\xED\xA0\x80", 3)), "   ");
  EXPECT_EQ(Fold(std::string("\xF4\x90\x80\x80", 4)), "    ");
}

}  // namespace
}  // namespace ecab::text
