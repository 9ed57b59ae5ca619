// The C ABI of donation totals, event counts, relations and the timeline
// (include/qiaolian/c.h, "Donations, events, relations and timeline").
// Requests arrive as JSON objects; results leave as the JSON of the C++ API
// (include/qiaolian/donations.h, events.h, relations.h).
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "capi/internal.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "qiaolian/donations.h"
#include "qiaolian/events.h"
#include "qiaolian/relations.h"
#include "src/records/common.h"

using qiaolian::capi::CheckKind;
using qiaolian::capi::CopyString;
using qiaolian::capi::Fail;
using qiaolian::capi::Guard;
using qiaolian::capi::Null;
using qiaolian::capi::Ok;
using qiaolian::capi::SetError;
using qiaolian::capi::WithStore;

namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr size_t kMaxRequestBytes = 16 << 20;

absl::StatusOr<Struct> ParseRequest(const char* request, size_t len) {
  if (request == nullptr) return absl::InvalidArgumentError("request is NULL");
  if (len > kMaxRequestBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "request of ", len, " bytes exceeds the limit of ", kMaxRequestBytes));
  }
  Struct s;
  absl::string_view text(request, len);
  if (text.empty()) return s;
  auto st = google::protobuf::util::JsonStringToMessage(
      std::string(text), &s, google::protobuf::util::JsonParseOptions());
  if (!st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request is not a JSON object: ", std::string(st.message())));
  }
  return s;
}

// The string member `name` of `s`, or "" when absent; INVALID_ARGUMENT when
// of another type or unknown to `known`.
absl::StatusOr<std::string> Text(const Struct& s, const char* name) {
  auto it = s.fields().find(name);
  if (it == s.fields().end() || it->second.kind_case() == Value::kNullValue) {
    return std::string();
  }
  if (it->second.kind_case() != Value::kStringValue) {
    return absl::InvalidArgumentError(
        absl::StrCat("request.", name, ": a string is expected"));
  }
  return it->second.string_value();
}

absl::Status CheckMembers(const Struct& s,
                          std::initializer_list<const char*> known) {
  for (const auto& [k, v] : s.fields()) {
    bool ok = false;
    for (const char* n : known) ok = ok || k == n;
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("request: unknown member \"", k,
                       "\" (expected: ", absl::StrJoin(known, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status Period(const Struct& s, std::optional<qiaolian::v1::Date>* from,
                    std::optional<qiaolian::v1::Date>* to) {
  for (const char* name : {"from", "to"}) {
    absl::StatusOr<std::string> t = Text(s, name);
    if (!t.ok()) return t.status();
    if (t->empty()) continue;
    auto d = qiaolian::records::ParseDate(*t, absl::StrCat("request.", name));
    if (!d.ok()) return d.status();
    (std::string(name) == "from" ? *from : *to) = *d;
  }
  return absl::OkStatus();
}

int GiveJson(const std::string& s, char** json, size_t* json_len,
             char** errmsg) {
  *json = CopyString(s);
  if (*json == nullptr) {
    return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
  }
  *json_len = s.size();
  return Ok(errmsg);
}

absl::StatusOr<std::string> DonationTotals(const Store& store,
                                           const Struct& req) {
  if (auto st = CheckMembers(req, {"by", "from", "to", "direction", "rates"});
      !st.ok()) {
    return st;
  }
  qiaolian::DonationTotalsOptions o;
  absl::StatusOr<std::string> by = Text(req, "by");
  if (!by.ok()) return by.status();
  auto group = qiaolian::ParseDonationGroupBy(*by);
  if (!group.ok()) return group.status();
  o.by = *group;
  if (auto st = Period(req, &o.from, &o.to); !st.ok()) return st;
  absl::StatusOr<std::string> dir = Text(req, "direction");
  if (!dir.ok()) return dir.status();
  if (!dir->empty()) {
    std::string name = absl::AsciiStrToUpper(*dir);
    if (!absl::StartsWith(name, "DIRECTION_")) name = "DIRECTION_" + name;
    if (!qiaolian::v1::Donation::Direction_Parse(name, &o.direction) ||
        o.direction == qiaolian::v1::Donation::DIRECTION_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request.direction: \"", *dir, "\" is not inbound or outbound"));
    }
  }
  absl::StatusOr<std::string> rates_text = Text(req, "rates");
  if (!rates_text.ok()) return rates_text.status();
  std::optional<qiaolian::RateTable> rates;
  if (!rates_text->empty()) {
    auto t = qiaolian::RateTable::Parse(*rates_text);
    if (!t.ok()) return t.status();
    rates = std::move(*t);
    o.rates = &*rates;
  }
  auto totals = qiaolian::ComputeDonationTotals(store, o);
  if (!totals.ok()) return totals.status();
  return totals->ToJson();
}

absl::StatusOr<std::string> EventCounts(const Store& store, const Struct& req) {
  if (auto st =
          CheckMembers(req, {"by", "from", "to", "types", "outlet", "channel"});
      !st.ok()) {
    return st;
  }
  qiaolian::EventCountsOptions o;
  absl::StatusOr<std::string> by = Text(req, "by");
  if (!by.ok()) return by.status();
  auto group = qiaolian::ParseEventGroupBy(*by);
  if (!group.ok()) return group.status();
  o.by = *group;
  if (auto st = Period(req, &o.from, &o.to); !st.ok()) return st;
  auto types = req.fields().find("types");
  if (types != req.fields().end() &&
      types->second.kind_case() != Value::kNullValue) {
    if (types->second.kind_case() != Value::kListValue) {
      return absl::InvalidArgumentError(
          "request.types: a list of type names is expected");
    }
    for (const Value& v : types->second.list_value().values()) {
      if (v.kind_case() != Value::kStringValue) {
        return absl::InvalidArgumentError(
            "request.types: a list of type names is expected");
      }
      auto t = qiaolian::ParseEventType(v.string_value());
      if (!t.ok()) return t.status();
      o.types.push_back(*t);
    }
  }
  absl::StatusOr<std::string> outlet = Text(req, "outlet");
  if (!outlet.ok()) return outlet.status();
  o.outlet = *outlet;
  absl::StatusOr<std::string> channel = Text(req, "channel");
  if (!channel.ok()) return channel.status();
  if (!channel->empty()) {
    std::string name = absl::AsciiStrToUpper(*channel);
    if (!absl::StartsWith(name, "CHANNEL_")) name = "CHANNEL_" + name;
    if (!qiaolian::v1::Event::Channel_Parse(name, &o.channel) ||
        o.channel == qiaolian::v1::Event::CHANNEL_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request.channel: \"", *channel, "\" is not an event channel"));
    }
  }
  auto counts = qiaolian::ComputeEventCounts(store, o);
  if (!counts.ok()) return counts.status();
  return counts->ToJson();
}

// Runs `f(store, request)` for the JSON-request calls.
template <typename F>
int RequestCall(qiaolian_db_t* db, const char* request, size_t request_len,
                char** json, size_t* json_len, char** errmsg, F f) {
  return Guard(errmsg, [&] {
    if (request == nullptr) return Null(errmsg, "request");
    if (json == nullptr) return Null(errmsg, "json");
    if (json_len == nullptr) return Null(errmsg, "json_len");
    auto req = ParseRequest(request, request_len);
    if (!req.ok()) return Fail(errmsg, req.status());
    return WithStore(db, errmsg, [&](Store& store) {
      absl::StatusOr<std::string> out = f(store, *req);
      if (!out.ok()) return Fail(errmsg, out.status());
      return GiveJson(*out, json, json_len, errmsg);
    });
  });
}

qiaolian::v1::Ref MakeRef(int kind, uint64_t id) {
  qiaolian::v1::Ref r;
  r.set_kind(static_cast<qiaolian::v1::Kind>(kind));
  r.set_id(id);
  return r;
}

}  // namespace

extern "C" {

int qiaolian_donation_totals(qiaolian_db_t* db, const char* request,
                             size_t request_len, char** json, size_t* json_len,
                             char** errmsg) {
  return RequestCall(db, request, request_len, json, json_len, errmsg,
                     DonationTotals);
}

int qiaolian_event_counts(qiaolian_db_t* db, const char* request,
                          size_t request_len, char** json, size_t* json_len,
                          char** errmsg) {
  return RequestCall(db, request, request_len, json, json_len, errmsg,
                     EventCounts);
}

int qiaolian_relations(qiaolian_db_t* db, int kind, uint64_t id, char** json,
                       size_t* json_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (json == nullptr) return Null(errmsg, "json");
    if (json_len == nullptr) return Null(errmsg, "json_len");
    if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
    return WithStore(db, errmsg, [&](Store& store) {
      auto r = qiaolian::Relations(store, MakeRef(kind, id));
      if (!r.ok()) return Fail(errmsg, r.status());
      return GiveJson(qiaolian::RelationsToJson(*r), json, json_len, errmsg);
    });
  });
}

int qiaolian_timeline(qiaolian_db_t* db, int kind, uint64_t id, uint64_t limit,
                      const char* cursor, size_t cursor_len, char** json,
                      size_t* json_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (cursor == nullptr && cursor_len > 0) return Null(errmsg, "cursor");
    if (json == nullptr) return Null(errmsg, "json");
    if (json_len == nullptr) return Null(errmsg, "json_len");
    if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
    qiaolian::TimelineOptions o;
    o.limit = limit;
    if (cursor != nullptr) o.cursor.assign(cursor, cursor_len);
    return WithStore(db, errmsg, [&](Store& store) {
      auto page = qiaolian::Timeline(store, MakeRef(kind, id), o);
      if (!page.ok()) return Fail(errmsg, page.status());
      return GiveJson(page->ToJson(), json, json_len, errmsg);
    });
  });
}

}  // extern "C"
