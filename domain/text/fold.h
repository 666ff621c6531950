// domain/text/fold.h — text folding for search: lower case, Vietnamese
// diacritics removed (precomposed or combining), đ -> d, so "nghi quyet"
// matches "Nghị quyết".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ecab::text {

// Folds `utf8`: ASCII letters and digits lower-cased, Vietnamese letters to
// their base letter, combining marks dropped, every other ASCII character a
// space; other characters (other scripts) kept as they are. Invalid UTF-8
// bytes become spaces.
std::string Fold(std::string_view utf8);

// The folded words of `utf8`, in order.
std::vector<std::string> Words(std::string_view utf8);

}  // namespace ecab::text
