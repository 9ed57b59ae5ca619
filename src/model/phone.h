// Phone numbers as people write them, read with Google's libphonenumber:
// how two ways of writing one number are known to be the same. An office's
// records hold a number as its source wrote it (13900001111, +86 139 0000
// 1111, 0086-139-0000-1111; an association in Singapore writes 9123 4567
// for +65 9123 4567, one in Malaysia 012-345 6789 for +60 12-345 6789);
// search and duplicate detection compare them by what this reads.
#ifndef QIAOLIAN_SRC_MODEL_PHONE_H_
#define QIAOLIAN_SRC_MODEL_PHONE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace qiaolian {
namespace model {

struct PhoneNumber {
  // The national significant number without its leading zeros: the digits
  // after the country code (+65 9123 4567: 91234567), or for a number
  // written without one, after its trunk prefix (012-345 6789: 123456789;
  // 0519-82345678: 51982345678), which is how its country would dial it
  // from abroad. Leading zeros are left out so that an Italian number, whose
  // zero stays after +39, reads the same written either way.
  std::string national;
  // The country calling code the number gives (+65, 0065 from mainland
  // China, 86 before a mainland mobile number), else 0: a number without one
  // is of an unknown country (mainland China's most often, but a list from
  // abroad writes its own country's numbers so).
  int country_code = 0;
};

// `value` as a phone number: digits with the usual separators (spaces,
// - . / ( )), an optional + or 00 and country code, an extension (ext.,
// x, 转 or 分机, left out). Numbers without a country code are read as
// mainland China dials them (trunk prefix 0, the carriers' IP prefixes such
// as 17951). nullopt when `value` is not a phone number or has fewer than
// five digits in its national number. Never fails otherwise; thread-safe.
std::optional<PhoneNumber> ParsePhoneNumber(absl::string_view value);

// Why `value`, given as a phone number, is not a valid one, or "" when it
// is or cannot be told: "is not a phone number: ...", "is not a valid
// number of SG (+65): too short", "has 10 digits, where a mainland mobile
// number has 11". A number written without its country code is checked
// only when it is a mainland mobile number's shape (1 then 9 to 12 digits
// in all): a list from abroad writes its own country's numbers so, which
// libphonenumber cannot tell from mainland numbers that are wrong.
std::string PhoneNumberProblem(absl::string_view value);

// Whether `a` and `b` are one number: the same national number, and the
// same country code unless one of them gives none.
bool SamePhoneNumber(const PhoneNumber& a, const PhoneNumber& b);

}  // namespace model
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_MODEL_PHONE_H_
