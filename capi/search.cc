// The C API of search, duplicate detection and merge, and of the text
// functions behind them (include/qiaolian/c.h, "Search and duplicates").
#include "qiaolian/search.h"

#include "capi/internal.h"
#include "qiaolian/duplicates.h"
#include "src/search/render.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"

using qiaolian::capi::CheckKind;
using qiaolian::capi::CheckText;
using qiaolian::capi::Fail;
using qiaolian::capi::GiveText;
using qiaolian::capi::Guard;
using qiaolian::capi::Null;
using qiaolian::capi::Ok;
using qiaolian::capi::WithStore;

extern "C" {

int qiaolian_search(qiaolian_db_t* db, int kind, const char* text,
                    size_t text_len, uint64_t limit, int min_score,
                    char** hits_json, size_t* hits_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (text == nullptr) return Null(errmsg, "text");
    if (hits_json == nullptr) return Null(errmsg, "hits_json");
    if (hits_len == nullptr) return Null(errmsg, "hits_len");
    return WithStore(db, errmsg, [&](Store& store) {
      if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
      if (absl::Status st = CheckText(text, text_len); !st.ok()) {
        return Fail(errmsg, st);
      }
      qiaolian::SearchOptions o;
      o.limit = limit == 0 ? 20 : static_cast<size_t>(limit);
      o.min_score = min_score == 0 ? 1 : min_score;
      auto hits = qiaolian::Search(store, static_cast<qiaolian::Kind>(kind),
                                   absl::string_view(text, text_len), o);
      if (!hits.ok()) return Fail(errmsg, hits.status());
      return GiveText(qiaolian::search::HitsToJson(*hits), hits_json, hits_len,
                      errmsg);
    });
  });
}

int qiaolian_duplicates(qiaolian_db_t* db, int kind, int min_score,
                        uint64_t limit, char** pairs_json, size_t* pairs_len,
                        char** errmsg) {
  return Guard(errmsg, [&] {
    if (pairs_json == nullptr) return Null(errmsg, "pairs_json");
    if (pairs_len == nullptr) return Null(errmsg, "pairs_len");
    return WithStore(db, errmsg, [&](Store& store) {
      if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
      qiaolian::DuplicateOptions o;
      if (min_score != 0) o.min_score = min_score;
      if (limit != 0) o.limit = static_cast<size_t>(limit);
      auto pairs =
          qiaolian::FindDuplicates(store, static_cast<qiaolian::Kind>(kind), o);
      if (!pairs.ok()) return Fail(errmsg, pairs.status());
      return GiveText(qiaolian::search::PairsToJson(*pairs), pairs_json,
                      pairs_len, errmsg);
    });
  });
}

int qiaolian_merge(qiaolian_db_t* db, const qiaolian_write_options_t* options,
                   int kind, uint64_t survivor, uint64_t merged,
                   char** result_json, size_t* result_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (result_json != nullptr && result_len == nullptr) {
      return Null(errmsg, "result_len");
    }
    return WithStore(db, errmsg, [&](Store& store) {
      if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
      qiaolian::WriteOptions wo;
      if (options != nullptr) wo = options->o;
      auto r = qiaolian::Merge(store, static_cast<qiaolian::Kind>(kind),
                               survivor, merged, wo);
      if (!r.ok()) return Fail(errmsg, r.status());
      if (result_json == nullptr) return Ok(errmsg);
      return GiveText(qiaolian::search::MergeResultToJson(*r), result_json,
                      result_len, errmsg);
    });
  });
}

int qiaolian_text_normalize(const char* text, size_t text_len, int compact,
                            char** out, size_t* out_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (text == nullptr) return Null(errmsg, "text");
    if (out == nullptr) return Null(errmsg, "out");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    if (absl::Status st = CheckText(text, text_len); !st.ok()) {
      return Fail(errmsg, st);
    }
    const absl::string_view in(text, text_len);
    return GiveText(
        compact ? qiaolian::text::Compact(in) : qiaolian::text::Normalize(in),
        out, out_len, errmsg);
  });
}

int qiaolian_text_pinyin(const char* text, size_t text_len, int person_name,
                         char** pinyin_json, size_t* pinyin_len,
                         char** errmsg) {
  return Guard(errmsg, [&] {
    if (text == nullptr) return Null(errmsg, "text");
    if (pinyin_json == nullptr) return Null(errmsg, "pinyin_json");
    if (pinyin_len == nullptr) return Null(errmsg, "pinyin_len");
    if (absl::Status st = CheckText(text, text_len); !st.ok()) {
      return Fail(errmsg, st);
    }
    qiaolian::text::Pinyin p = qiaolian::text::ToPinyin(
        qiaolian::text::Normalize(absl::string_view(text, text_len)),
        person_name != 0);
    return GiveText(
        absl::StrCat("{\"full\":", qiaolian::JsonQuote(p.Full()),
                     ",\"spaced\":", qiaolian::JsonQuote(p.Spaced()),
                     ",\"initials\":", qiaolian::JsonQuote(p.Initials()), "}"),
        pinyin_json, pinyin_len, errmsg);
  });
}

}  // extern "C"
