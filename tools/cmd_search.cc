// Search, duplicates and merge on the command line (docs/search.md):
//
//   qiaolian search [KIND] TEXT [--limit N] [--min-score N] [--json]
//   qiaolian duplicates KIND [--min-score N] [--limit N] [--json]
//   qiaolian merge KIND SURVIVOR MERGED
//   qiaolian pinyin TEXT [--name]
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "qiaolian/duplicates.h"
#include "qiaolian/search.h"
#include "src/search/render.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"
#include "tools/cli.h"

namespace qiaolian {
namespace cli {
namespace {

struct SearchArgs {
  std::string kind;
  std::string text;
  size_t limit = 20;
  int min_score = 1;
  bool json = false;
};

struct DuplicatesArgs {
  std::string kind;
  int min_score = 50;
  size_t limit = 1000;
  bool json = false;
};

struct MergeArgs {
  std::string kind;
  uint64_t survivor = 0;
  uint64_t merged = 0;
};

struct PinyinArgs {
  std::string text;
  bool name = false;
};

// The display name of a record, or "?" when unreadable.
std::string NameOf(const Store& store, Kind kind, uint64_t id) {
  auto m = store.Get(kind, id);
  if (!m.ok()) return "?";
  const auto* f = (*m)->GetDescriptor()->FindFieldByName("name");
  return f == nullptr ? "?" : (*m)->GetReflection()->GetString(**m, f);
}

int RunSearch(const Global& g, const SearchArgs& a) {
  // `search TEXT` (no kind): people and enterprises both, best first.
  std::vector<Kind> kinds;
  std::string text = a.text;
  if (text.empty()) {
    if (ParseKind(a.kind).ok()) {
      return Fail(absl::InvalidArgumentError(
          absl::StrCat("search ", a.kind, ": give the text to look for")));
    }
    text = a.kind;
    kinds = {v1::KIND_PERSON, v1::KIND_ENTERPRISE};
  } else {
    auto kind = ParseKind(a.kind);
    if (!kind.ok()) return Fail(kind.status());
    kinds = {*kind};
  }
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  SearchOptions o;
  o.limit = a.limit;
  o.min_score = a.min_score;
  std::vector<std::pair<Kind, SearchHit>> all;
  for (Kind kind : kinds) {
    auto hits = Search(**store, kind, text, o);
    if (!hits.ok()) return Fail(hits.status());
    for (SearchHit& h : *hits) all.emplace_back(kind, std::move(h));
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& x, const auto& y) {
    return x.second.score > y.second.score;
  });
  if (all.size() > a.limit) all.resize(a.limit);
  for (const auto& [kind, h] : all) {
    if (a.json) {
      std::string j = search::HitToJson(h);
      // Both kinds: each hit says which.
      if (kinds.size() > 1) {
        j.insert(1, absl::StrCat("\"kind\":\"", KindName(kind), "\","));
      }
      std::cout << j << "\n";
      continue;
    }
    const std::string name = NameOf(**store, kind, h.id);
    std::cout << h.score << "\t" << h.match << "\t" << KindName(kind) << " "
              << h.id << "\t" << name;
    if (h.text != name) std::cout << "\t(" << h.field << ": " << h.text << ")";
    std::cout << "\t" << h.reason << "\n";
  }
  const bool none = all.empty();
  if (none && !a.json) std::cerr << "no match\n";
  return 0;
}

int RunDuplicates(const Global& g, const DuplicatesArgs& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  DuplicateOptions o;
  o.min_score = a.min_score;
  o.limit = a.limit;
  auto pairs = FindDuplicates(**store, *kind, o);
  if (!pairs.ok()) return Fail(pairs.status());
  for (const DuplicatePair& p : *pairs) {
    if (a.json) {
      std::cout << search::PairToJson(p) << "\n";
      continue;
    }
    std::cout << p.score << "\t" << KindName(*kind) << " " << p.a << " "
              << NameOf(**store, *kind, p.a) << "\t" << KindName(*kind) << " "
              << p.b << " " << NameOf(**store, *kind, p.b) << "\t"
              << absl::StrJoin(p.reasons, "; ") << "\n";
  }
  if (pairs->empty() && !a.json) std::cerr << "no duplicates found\n";
  return 0;
}

int RunMerge(const Global& g, const MergeArgs& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto store = OpenStore(g, false);
  if (!store.ok()) return Fail(store.status());
  WriteOptions wo;
  wo.actor = g.actor;
  auto r = Merge(**store, *kind, a.survivor, a.merged, wo);
  if (!r.ok()) return Fail(r.status());
  std::cout << search::MergeResultToJson(*r) << "\n";
  return 0;
}

int RunPinyin(const PinyinArgs& a) {
  text::Pinyin p = text::ToPinyin(text::Normalize(a.text), a.name);
  std::cout << p.Spaced() << "\t" << p.Initials() << "\n";
  return 0;
}

}  // namespace

void AddSearchCommands(CLI::App& app, const Global& g, Commands& c) {
  auto s = std::make_shared<SearchArgs>();
  auto* search = app.add_subcommand(
      "search",
      "Find people or enterprises by name, former name, pinyin or address");
  search
      ->add_option("kind", s->kind,
                   "person or enterprise (left out: both, best first)")
      ->required();
  search->add_option("text", s->text, "What to look for (any script)");
  search->add_option("--limit", s->limit, "At most N hits (default 20)")
      ->check(CLI::Range(1, 1000));
  search->add_option("--min-score", s->min_score, "Lowest score (1..100)")
      ->check(CLI::Range(1, 100));
  search->add_flag("--json", s->json, "One JSON object per hit");
  c.Add(search, [&g, s] { return RunSearch(g, *s); });

  auto d = std::make_shared<DuplicatesArgs>();
  auto* dup = app.add_subcommand(
      "duplicates", "List likely duplicate records, with scores and reasons");
  dup->add_option("kind", d->kind, "person or enterprise")->required();
  dup->add_option("--min-score", d->min_score, "Lowest score (default 50)")
      ->check(CLI::Range(1, 100));
  dup->add_option("--limit", d->limit, "At most N pairs (default 1000)");
  dup->add_flag("--json", d->json, "One JSON object per pair");
  c.Add(dup, [&g, d] { return RunDuplicates(g, *d); });

  auto m = std::make_shared<MergeArgs>();
  auto* merge = app.add_subcommand(
      "merge",
      "Merge record MERGED into SURVIVOR: move every reference, keep history");
  merge->add_option("kind", m->kind, "person or enterprise")->required();
  merge->add_option("survivor", m->survivor, "Id of the record kept")
      ->required();
  merge->add_option("merged", m->merged, "Id of the record merged and deleted")
      ->required();
  c.Add(merge, [&g, m] { return RunMerge(g, *m); });

  auto p = std::make_shared<PinyinArgs>();
  auto* pinyin = app.add_subcommand(
      "pinyin", "Print the pinyin (spaced, then initials) of a text");
  pinyin->add_option("text", p->text, "Chinese text")->required();
  pinyin->add_flag("--name", p->name,
                   "Read the first character(s) as a surname (单 shan)");
  c.Add(pinyin, [p] { return RunPinyin(*p); });
}

}  // namespace cli
}  // namespace qiaolian
