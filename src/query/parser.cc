// A hand-written lexer and recursive-descent parser for the grammar in
// src/query/ast.h.
//
// The lexer turns the whole text into tokens first. A malformed literal (an
// unterminated string, a bad escape, invalid UTF-8 in a string, an integer
// that does not fit int64) becomes a kError token carrying its message, and
// lexing stops there; the parser reports it only if it gets that far, so
// errors are always reported left to right. A character that starts no token
// becomes a kUnknown token, which the parser reports as "expected X, found Y"
// in its own context.
#include "src/query/parser.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "qiaolian/limits.h"
#include "src/util/status_macros.h"
#include "unicode/uchar.h"
#include "unicode/utf8.h"

namespace qiaolian {
namespace query {
namespace {

// Deeper nesting of '(' is refused, so that hostile input cannot exhaust the
// stack.
constexpr int kMaxNesting = 64;

// Longest token text quoted in an error message, in bytes.
constexpr size_t kMaxQuotedBytes = 40;

// Words that are never fields, kinds or identifier values. The aggregate and
// bucket names (count, distinct, sum, min, max, month, year) are not here:
// they are special only where the grammar expects them.
constexpr absl::string_view kReserved[] = {
    "where", "and", "or",      "between", "in",  "prefix", "exists", "not",
    "group", "by",  "compute", "order",   "asc", "desc",   "limit"};

bool IsReservedWord(absl::string_view word) {
  for (absl::string_view r : kReserved) {
    if (absl::EqualsIgnoreCase(word, r)) return true;
  }
  return false;
}

bool IsLetter(char c) { return absl::ascii_isalpha(static_cast<uint8_t>(c)); }
bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<uint8_t>(c)); }
bool IsWordChar(char c) { return IsLetter(c) || IsDigit(c) || c == '_'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no
// surrogates, at most U+10FFFF) that starts text[i], or 0.
size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) -> uint8_t {
    return i + k < text.size() ? static_cast<uint8_t>(text[i + k]) : 0;
  };
  const auto cont = [&](size_t k, uint8_t lo = 0x80, uint8_t hi = 0xBF) {
    const uint8_t b = byte(k);
    return i + k < text.size() && b >= lo && b <= hi;
  };
  const uint8_t b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 >= 0xE1 && b0 <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Source text made safe for a one-line message: control characters and
// invalid UTF-8 escaped, long text cut at a character boundary.
std::string Printable(absl::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= kMaxQuotedBytes) {
      out += "...";
      break;
    }
    const uint8_t c = static_cast<uint8_t>(text[i]);
    const size_t n = Utf8SequenceLength(text, i);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (n == 0 || c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {
      absl::StrAppend(&out, text.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  return out;
}

std::string Quoted(absl::string_view text) {
  return absl::StrCat("'", Printable(text), "'");
}

absl::Status SyntaxError(size_t pos, absl::string_view expected,
                         absl::string_view found) {
  return absl::InvalidArgumentError(absl::StrCat(
      "at column ", pos + 1, ": expected ", expected, ", found ", found));
}

// ---------------------------------------------------------------------------
// Lexer.

enum class TokenType {
  kEnd,
  kWord,  // IDENT or FIELD: letters, digits, '_' and inner '.'.
  // A word with letters beyond ASCII (姓名, 陈伟明, QQ号): a field's Chinese
  // name, or a value as if quoted. Never a keyword.
  kText,
  kString,
  kInt,
  kDate,
  kRef,
  kLParen,
  kRParen,
  kComma,
  kOp,       // = != < <= > >=
  kUnknown,  // Starts no token; reported by the parser.
  kError,    // A malformed literal; `error` says why.
};

struct Token {
  TokenType type = TokenType::kEnd;
  size_t pos = 0;          // Byte offset in the query text.
  absl::string_view text;  // Source text (quotes included for a string).
  bool dotted = false;     // kWord: contains '.', so never a keyword.
  std::string value;       // kString: unescaped; kRef: the kind.
  int64_t integer = 0;     // kInt; kRef: the id.
  int32_t year = 0, month = 0, day = 0;  // kDate.
  absl::Status error;                    // kError.
};

class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  // Tokens of the text, ending with kEnd (after a kError, if any).
  std::vector<Token> Lex() {
    std::vector<Token> tokens;
    while (true) {
      while (i_ < text_.size() && IsSpace(text_[i_])) ++i_;
      Token t = Next();
      const TokenType type = t.type;
      tokens.push_back(std::move(t));
      if (type == TokenType::kEnd) break;
      if (type == TokenType::kError) {
        Token end;
        end.pos = text_.size();
        tokens.push_back(std::move(end));
        break;
      }
    }
    return tokens;
  }

 private:
  char At(size_t k) const { return k < text_.size() ? text_[k] : '\0'; }

  Token Make(TokenType type, size_t start, size_t end) {
    Token t;
    t.type = type;
    t.pos = start;
    t.text = text_.substr(start, end - start);
    i_ = end;
    return t;
  }

  static Token Error(size_t pos, absl::Status status) {
    Token t;
    t.type = TokenType::kError;
    t.pos = pos;
    t.error = std::move(status);
    return t;
  }

  // The length of the letter beyond ASCII (Han, or any script's letter, or
  // the middle dot of transcribed names) that starts text_[k], or 0.
  size_t WideLetterAt(size_t k) const {
    if (k >= text_.size() || static_cast<uint8_t>(text_[k]) < 0x80) return 0;
    const size_t n = Utf8SequenceLength(text_, k);
    if (n == 0) return 0;
    UChar32 cp = 0;
    size_t at = k;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text_.data()), at, text_.size(),
            cp);
    const bool letter = u_isalpha(cp) || cp == 0x00B7 || cp == 0x30FB;
    return letter ? n : 0;
  }

  // A run of letters with at least one beyond ASCII, and ASCII letters,
  // digits and '_' (姓名, QQ号, 2号楼): kText.
  Token Text() {
    const size_t start = i_;
    size_t end = start;
    while (end < text_.size()) {
      if (const size_t n = WideLetterAt(end); n > 0) {
        end += n;
      } else if (IsWordChar(At(end))) {
        ++end;
      } else {
        break;
      }
    }
    Token t = Make(TokenType::kText, start, end);
    t.value = std::string(t.text);
    return t;
  }

  // Whether the word starting at `start` (ASCII letters, digits, '_') runs
  // on into letters beyond ASCII (QQ号).
  bool RunsIntoWideLetters(size_t start) const {
    size_t end = start;
    while (IsWordChar(At(end))) ++end;
    return WideLetterAt(end) > 0;
  }

  Token Next() {
    const size_t start = i_;
    if (start >= text_.size()) return Make(TokenType::kEnd, start, start);
    const char c = text_[start];
    if (WideLetterAt(start) > 0 ||
        (IsLetter(c) && RunsIntoWideLetters(start))) {
      return Text();
    }
    if (IsLetter(c)) return Word();
    if (IsDigit(c) || (c == '-' && IsDigit(At(start + 1)))) return Number();
    if (c == '"' || c == '\'') return String();
    switch (c) {
      case '(':
        return Make(TokenType::kLParen, start, start + 1);
      case ')':
        return Make(TokenType::kRParen, start, start + 1);
      case ',':
        return Make(TokenType::kComma, start, start + 1);
      case '=':
        return Make(TokenType::kOp, start, start + 1);
      case '<':
      case '>':
        return Make(TokenType::kOp, start,
                    start + (At(start + 1) == '=' ? 2 : 1));
      case '!':
        if (At(start + 1) == '=') return Make(TokenType::kOp, start, start + 2);
        break;
      default:
        break;
    }
    const size_t n = Utf8SequenceLength(text_, start);
    return Make(TokenType::kUnknown, start, start + (n == 0 ? 1 : n));
  }

  // IDENT { '.' IDENT }, or IDENT ':' digits (a REF).
  Token Word() {
    const size_t start = i_;
    size_t end = start;
    bool dotted = false;
    while (true) {
      while (IsWordChar(At(end))) ++end;
      if (At(end) != '.' || !IsLetter(At(end + 1))) break;
      dotted = true;
      ++end;
    }
    if (!dotted && At(end) == ':' && IsDigit(At(end + 1))) {
      size_t id_end = end + 1;
      while (IsDigit(At(id_end))) ++id_end;
      if (IsNumberChar(At(id_end))) return Malformed(start, id_end);
      Token t = Make(TokenType::kRef, start, id_end);
      t.value = std::string(text_.substr(start, end - start));
      if (!absl::SimpleAtoi(text_.substr(end + 1, id_end - end - 1),
                            &t.integer)) {
        return Error(start, OutOfRange(start, t.text));
      }
      return t;
    }
    Token t = Make(TokenType::kWord, start, end);
    t.dotted = dotted;
    return t;
  }

  static bool IsNumberChar(char c) {
    return IsWordChar(c) || c == '-' || c == '.' || c == ':';
  }

  // Nothing in the grammar may directly follow a number, so the whole run of
  // number-like characters is one token: an INT, a DATE, or a malformed
  // token such as 1.5, 2020-01 or 12abc.
  Token Number() {
    const size_t start = i_;
    size_t end = start + 1;
    while (IsNumberChar(At(end))) ++end;
    const absl::string_view run = text_.substr(start, end - start);

    size_t digits = run[0] == '-' ? 1 : 0;
    while (digits < run.size() && IsDigit(run[digits])) ++digits;
    if (digits == run.size()) {
      Token t = Make(TokenType::kInt, start, end);
      if (!absl::SimpleAtoi(run, &t.integer)) {
        return Error(start, OutOfRange(start, run));
      }
      return t;
    }

    // YYYY-M[M]-D[D].
    const auto digit_run = [&](size_t from) {
      size_t k = from;
      while (k < run.size() && IsDigit(run[k])) ++k;
      return k - from;
    };
    if (digits == 4 && run[4] == '-') {
      const size_t month_len = digit_run(5);
      const size_t dash = 5 + month_len;
      if (month_len >= 1 && month_len <= 2 && dash < run.size() &&
          run[dash] == '-') {
        const size_t day_len = digit_run(dash + 1);
        if (day_len >= 1 && day_len <= 2 && dash + 1 + day_len == run.size()) {
          Token t = Make(TokenType::kDate, start, end);
          // Cannot fail: at most four digits each.
          (void)absl::SimpleAtoi(run.substr(0, 4), &t.year);
          (void)absl::SimpleAtoi(run.substr(5, month_len), &t.month);
          (void)absl::SimpleAtoi(run.substr(dash + 1, day_len), &t.day);
          return t;
        }
      }
    }
    return Malformed(start, end);
  }

  Token Malformed(size_t start, size_t end) {
    while (IsNumberChar(At(end))) ++end;
    return Make(TokenType::kUnknown, start, end);
  }

  static absl::Status OutOfRange(size_t pos, absl::string_view text) {
    return SyntaxError(pos,
                       "an integer from -9223372036854775808 to "
                       "9223372036854775807",
                       Quoted(text));
  }

  // A quoted string; the closing quote is the opening one.
  Token String() {
    const size_t start = i_;
    const char quote = text_[start];
    std::string value;
    size_t k = start + 1;
    while (true) {
      if (k >= text_.size()) {
        return Error(start,
                     SyntaxError(start,
                                 absl::StrCat("a closing ",
                                              quote == '"' ? "'\"'" : "\"'\"",
                                              " for this string"),
                                 "end of query"));
      }
      const char c = text_[k];
      if (c == quote) break;
      if (c == '\\') {
        absl::Status s = Escape(&k, &value);
        if (!s.ok()) return Error(k, std::move(s));
        continue;
      }
      const size_t n = Utf8SequenceLength(text_, k);
      if (n == 0) {
        return Error(k, SyntaxError(k, "UTF-8 text in a string",
                                    Quoted(text_.substr(k, 1))));
      }
      absl::StrAppend(&value, text_.substr(k, n));
      k += n;
    }
    Token t = Make(TokenType::kString, start, k + 1);
    t.value = std::move(value);
    return t;
  }

  // Reads four hex digits at text_[k]; false if there are not four.
  bool Hex4(size_t k, uint32_t* out) const {
    uint32_t v = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = At(k + j);
      if (!absl::ascii_isxdigit(static_cast<uint8_t>(c))) return false;
      v = v * 16 +
          static_cast<uint32_t>(IsDigit(c) ? c - '0'
                                           : absl::ascii_tolower(c) - 'a' + 10);
    }
    *out = v;
    return true;
  }

  // The escape at text_[*k] (a backslash): appends its value and advances.
  absl::Status Escape(size_t* k, std::string* value) {
    const size_t at = *k;
    constexpr absl::string_view kEscapes =
        "an escape (\\\", \\', \\\\, \\n, \\t or \\uXXXX)";
    const auto bad = [&](size_t len) {
      return SyntaxError(at, kEscapes,
                         at + 1 >= text_.size()
                             ? "end of query"
                             : Quoted(text_.substr(at, len)));
    };
    switch (At(at + 1)) {
      case '"':
      case '\'':
      case '\\':
        value->push_back(text_[at + 1]);
        *k = at + 2;
        return absl::OkStatus();
      case 'n':
        value->push_back('\n');
        *k = at + 2;
        return absl::OkStatus();
      case 't':
        value->push_back('\t');
        *k = at + 2;
        return absl::OkStatus();
      case 'u':
        break;
      default: {
        const size_t n = Utf8SequenceLength(text_, at + 1);
        return bad(1 + (n == 0 ? 1 : n));
      }
    }
    uint32_t cp = 0;
    if (!Hex4(at + 2, &cp)) return bad(6);
    size_t end = at + 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low = 0;
      if (At(end) == '\\' && At(end + 1) == 'u' && Hex4(end + 2, &low) &&
          low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        end += 6;
      } else {
        cp = 0xDC00;  // Reported as a lone surrogate below.
      }
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return SyntaxError(at, "a \\uXXXX escape that is not a lone surrogate",
                         Quoted(text_.substr(at, 6)));
    }
    AppendUtf8(cp, value);
    *k = end;
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t i_ = 0;
};

// ---------------------------------------------------------------------------
// Parser.

class Parser {
 public:
  explicit Parser(absl::string_view text)
      : tokens_(Lexer(text).Lex()), closed_(tokens_.size(), false) {
    // closed_[i]: the '(' at tokens_[i] has a matching ')' somewhere.
    std::vector<size_t> open;
    for (size_t i = 0; i < tokens_.size(); ++i) {
      if (tokens_[i].type == TokenType::kLParen) {
        open.push_back(i);
      } else if (tokens_[i].type == TokenType::kRParen && !open.empty()) {
        closed_[open.back()] = true;
        open.pop_back();
      }
    }
  }

  absl::StatusOr<Query> ParseQuery() {
    Query q;
    const Token& kind = Peek();
    if (kind.type != TokenType::kWord || kind.dotted ||
        IsReservedWord(kind.text)) {
      return Fail("a kind (person, enterprise, case, donation, event)");
    }
    q.kind = std::string(kind.text);
    q.kind_pos = kind.pos;
    Advance();

    std::vector<absl::string_view> next = {"'where'", "'group by'", "'compute'",
                                           "'order by'", "'limit'"};
    if (Accept("where")) {
      Expr e;
      QL_RETURN_IF_ERROR(ParseExpr(&e));
      q.where = std::move(e);
      next = {"'and'",     "'or'",       "'group by'",
              "'compute'", "'order by'", "'limit'"};
    }
    if (Accept("group")) {
      QL_RETURN_IF_ERROR(ExpectKeyword("by", "group"));
      GroupBy g;
      QL_RETURN_IF_ERROR(ParseGroup(&g));
      q.group_by = std::move(g);
      next = {"'compute'", "'order by'", "'limit'"};
    }
    if (Accept("compute")) {
      do {
        Aggregate a;
        QL_RETURN_IF_ERROR(ParseAggregate(&a));
        q.aggregates.push_back(std::move(a));
      } while (AcceptType(TokenType::kComma));
      next = {"','", "'order by'", "'limit'"};
    }
    if (Accept("order")) {
      QL_RETURN_IF_ERROR(ExpectKeyword("by", "order"));
      OrderBy o;
      QL_RETURN_IF_ERROR(ParseField(&o.field, &o.pos, "a field after 'by'"));
      next = {"'asc'", "'desc'", "'limit'"};
      if (Accept("desc")) {
        o.descending = true;
        next = {"'limit'"};
      } else if (Accept("asc")) {
        next = {"'limit'"};
      }
      q.order_by = std::move(o);
    }
    if (Accept("limit")) {
      const Token& t = Peek();
      if (t.type != TokenType::kInt || t.integer < 0) {
        return Fail("a non-negative integer after 'limit'");
      }
      q.limit = static_cast<uint64_t>(t.integer);
      Advance();
      next.clear();
    }
    if (Peek().type != TokenType::kEnd) {
      next.push_back("end of query");
      std::string expected;
      if (next.size() == 1) {
        expected = std::string(next[0]);
      } else {
        expected =
            absl::StrCat(absl::StrJoin(next.begin(), next.end() - 1, ", "),
                         " or ", next.back());
      }
      if (Peek().type == TokenType::kRParen) {
        return SyntaxError(Peek().pos, expected, "')' with no matching '('");
      }
      return Fail(expected);
    }
    return q;
  }

 private:
  const Token& Peek() const { return tokens_[i_]; }
  void Advance() {
    if (tokens_[i_].type != TokenType::kEnd) ++i_;
  }

  bool IsKeyword(const Token& t, absl::string_view keyword) const {
    return t.type == TokenType::kWord && !t.dotted &&
           absl::EqualsIgnoreCase(t.text, keyword);
  }

  bool Accept(absl::string_view keyword) {
    if (!IsKeyword(Peek(), keyword)) return false;
    Advance();
    return true;
  }

  bool AcceptType(TokenType type) {
    if (Peek().type != type) return false;
    Advance();
    return true;
  }

  // The error for the current token: its own if it is a malformed literal,
  // else "expected <expected>, found <it>".
  absl::Status Fail(absl::string_view expected) const {
    const Token& t = Peek();
    if (t.type == TokenType::kError) return t.error;
    return SyntaxError(
        t.pos, expected,
        t.type == TokenType::kEnd ? "end of query" : Quoted(t.text));
  }

  absl::Status ExpectKeyword(absl::string_view keyword,
                             absl::string_view after) {
    if (Accept(keyword)) return absl::OkStatus();
    return Fail(absl::StrCat("'", keyword, "' after '", after, "'"));
  }

  // The ')' that closes the '(' at tokens_[open]. If that '(' is never
  // closed, the error points at it; otherwise at the current token.
  absl::Status ExpectClose(size_t open, absl::string_view expected) {
    if (AcceptType(TokenType::kRParen)) return absl::OkStatus();
    const Token& t = Peek();
    if (t.type == TokenType::kError || closed_[open]) return Fail(expected);
    return SyntaxError(
        tokens_[open].pos, "a ')' to close this '('",
        t.type == TokenType::kEnd
            ? std::string("end of query")
            : absl::StrCat(Quoted(t.text), " at column ", t.pos + 1));
  }

  bool IsField(const Token& t) const {
    return (t.type == TokenType::kWord &&
            (t.dotted || !IsReservedWord(t.text))) ||
           t.type == TokenType::kText;
  }

  absl::Status ParseField(std::string* field, size_t* pos,
                          absl::string_view expected) {
    const Token& t = Peek();
    if (!IsField(t)) return Fail(expected);
    *field = std::string(t.text);
    *pos = t.pos;
    Advance();
    return absl::OkStatus();
  }

  // expr := conj { 'or' conj }
  absl::Status ParseExpr(Expr* out) {
    QL_RETURN_IF_ERROR(ParseConj(out));
    if (!IsKeyword(Peek(), "or")) return absl::OkStatus();
    Expr disjunction;
    disjunction.type = Expr::Type::kOr;
    disjunction.children.push_back(std::move(*out));
    while (Accept("or")) {
      Expr e;
      QL_RETURN_IF_ERROR(ParseConj(&e));
      disjunction.children.push_back(std::move(e));
    }
    *out = std::move(disjunction);
    return absl::OkStatus();
  }

  // conj := factor { 'and' factor }
  absl::Status ParseConj(Expr* out) {
    QL_RETURN_IF_ERROR(ParseFactor(out));
    if (!IsKeyword(Peek(), "and")) return absl::OkStatus();
    Expr conjunction;
    conjunction.type = Expr::Type::kAnd;
    conjunction.children.push_back(std::move(*out));
    while (Accept("and")) {
      Expr e;
      QL_RETURN_IF_ERROR(ParseFactor(&e));
      conjunction.children.push_back(std::move(e));
    }
    *out = std::move(conjunction);
    return absl::OkStatus();
  }

  // factor := '(' expr ')' | pred
  absl::Status ParseFactor(Expr* out) {
    if (Peek().type == TokenType::kLParen) {
      if (depth_ >= kMaxNesting) {
        return SyntaxError(
            Peek().pos,
            absl::StrCat("at most ", kMaxNesting, " nested parentheses"),
            "another '('");
      }
      const size_t open = i_;
      Advance();
      ++depth_;
      QL_RETURN_IF_ERROR(ParseExpr(out));
      --depth_;
      return ExpectClose(open, "'and', 'or' or ')'");
    }
    if (!IsField(Peek())) {
      return Fail(
          absl::StrCat("a field or '(' after ", Quoted(tokens_[i_ - 1].text)));
    }
    out->type = Expr::Type::kPredicate;
    return ParsePredicate(&out->predicate);
  }

  absl::Status ParsePredicate(Predicate* p) {
    const Token& field = Peek();
    p->field = std::string(field.text);
    p->field_pos = field.pos;
    Advance();

    const Token& t = Peek();
    if (t.type == TokenType::kOp) {
      static constexpr std::pair<absl::string_view, Predicate::Op> kOps[] = {
          {"=", Predicate::Op::kEq}, {"!=", Predicate::Op::kNe},
          {"<", Predicate::Op::kLt}, {"<=", Predicate::Op::kLe},
          {">", Predicate::Op::kGt}, {">=", Predicate::Op::kGe}};
      for (const auto& [text, op] : kOps) {
        if (t.text == text) p->op = op;
      }
      Advance();
      return ParseValue(p, absl::StrCat("a value after ", Quoted(t.text)));
    }
    if (Accept("between")) {
      p->op = Predicate::Op::kBetween;
      QL_RETURN_IF_ERROR(ParseValue(p, "a value after 'between'"));
      if (!Accept("and")) {
        return Fail("'and' after the lower bound of 'between'");
      }
      return ParseValue(p, "a value after the 'and' of 'between'");
    }
    if (Accept("in")) {
      p->op = Predicate::Op::kIn;
      if (Peek().type != TokenType::kLParen) return Fail("'(' after 'in'");
      const size_t open = i_;
      Advance();
      QL_RETURN_IF_ERROR(ParseValue(p, "a value after '('"));
      while (AcceptType(TokenType::kComma)) {
        QL_RETURN_IF_ERROR(ParseValue(p, "a value after ','"));
      }
      return ExpectClose(open, "',' or ')'");
    }
    // Operators on text: a string follows.
    static constexpr std::pair<absl::string_view, Predicate::Op> kTextOps[] = {
        {"prefix", Predicate::Op::kPrefix},
        {"contains", Predicate::Op::kContains}};
    for (const auto& [word, op] : kTextOps) {
      if (!Accept(word)) continue;
      p->op = op;
      if (Peek().type != TokenType::kString &&
          Peek().type != TokenType::kText) {
        return Fail(absl::StrCat("a string after '", word, "'"));
      }
      return ParseValue(p, "");
    }
    if (Accept("exists")) {
      p->op = Predicate::Op::kExists;
      return absl::OkStatus();
    }
    if (Accept("not")) {
      p->op = Predicate::Op::kNotExists;
      if (!Accept("exists")) return Fail("'exists' after 'not'");
      return absl::OkStatus();
    }
    return Fail(absl::StrCat(
        "an operator ('=', '!=', '<', '<=', '>', '>=', 'between', 'in', "
        "'prefix', 'contains', 'exists' or 'not exists') after ",
        Quoted(field.text)));
  }

  // value := STRING | INT | DATE | REF | IDENT; appended to p->values.
  absl::Status ParseValue(Predicate* p, absl::string_view expected) {
    const Token& t = Peek();
    Literal v;
    v.pos = t.pos;
    switch (t.type) {
      case TokenType::kString:
      case TokenType::kText:  // 陈伟明, 男, 存续: as if quoted.
        v.type = Literal::Type::kString;
        v.text = t.value;
        break;
      case TokenType::kInt:
        v.type = Literal::Type::kInteger;
        v.integer = t.integer;
        break;
      case TokenType::kDate:
        v.type = Literal::Type::kDate;
        v.year = t.year;
        v.month = t.month;
        v.day = t.day;
        break;
      case TokenType::kRef:
        v.type = Literal::Type::kRef;
        v.text = t.value;
        v.integer = t.integer;
        break;
      case TokenType::kWord:
        if (t.dotted || IsReservedWord(t.text)) return Fail(expected);
        v.type = Literal::Type::kIdentifier;
        v.text = std::string(t.text);
        break;
      default:
        return Fail(expected);
    }
    p->values.push_back(std::move(v));
    Advance();
    return absl::OkStatus();
  }

  // group := FIELD | 'month' '(' FIELD ')' | 'year' '(' FIELD ')'
  absl::Status ParseGroup(GroupBy* g) {
    const Token& t = Peek();
    const bool month = IsKeyword(t, "month");
    if ((month || IsKeyword(t, "year")) &&
        tokens_[i_ + 1].type == TokenType::kLParen) {
      g->bucket = month ? GroupBy::Bucket::kMonth : GroupBy::Bucket::kYear;
      Advance();
      const size_t open = i_;
      Advance();
      QL_RETURN_IF_ERROR(ParseField(&g->field, &g->pos, "a field after '('"));
      return ExpectClose(open, "')'");
    }
    g->bucket = GroupBy::Bucket::kValue;
    return ParseField(&g->field, &g->pos,
                      "a field, 'month(field)' or 'year(field)' after "
                      "'group by'");
  }

  // agg := 'count' | 'count' 'distinct' FIELD | ('sum'|'min'|'max') FIELD
  absl::Status ParseAggregate(Aggregate* a) {
    const Token& t = Peek();
    a->pos = t.pos;
    if (Accept("count")) {
      if (Accept("distinct")) {
        a->fn = Aggregate::Fn::kCountDistinct;
        return ParseField(&a->field, &a->pos, "a field after 'distinct'");
      }
      a->fn = Aggregate::Fn::kCount;
      return absl::OkStatus();
    }
    static constexpr std::pair<absl::string_view, Aggregate::Fn> kFns[] = {
        {"sum", Aggregate::Fn::kSum},
        {"min", Aggregate::Fn::kMin},
        {"max", Aggregate::Fn::kMax}};
    for (const auto& [name, fn] : kFns) {
      if (IsKeyword(t, name)) {
        const std::string expected =
            absl::StrCat("a field after ", Quoted(t.text));
        a->fn = fn;
        Advance();
        return ParseField(&a->field, &a->pos, expected);
      }
    }
    return Fail(absl::StrCat(
        "an aggregate ('count', 'count distinct', 'sum', 'min' or 'max') "
        "after ",
        Quoted(tokens_[i_ - 1].text)));
  }

  std::vector<Token> tokens_;
  std::vector<bool> closed_;
  size_t i_ = 0;
  int depth_ = 0;
};

// ---------------------------------------------------------------------------
// Printing.

void AppendString(absl::string_view s, std::string* out) {
  out->push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (static_cast<uint8_t>(c) < 0x20 || c == 0x7F) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<uint8_t>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendLiteral(const Literal& v, std::string* out) {
  switch (v.type) {
    case Literal::Type::kString:
      AppendString(v.text, out);
      break;
    case Literal::Type::kInteger:
      absl::StrAppend(out, v.integer);
      break;
    case Literal::Type::kDate:
      absl::StrAppendFormat(out, "%04d-%02d-%02d", v.year, v.month, v.day);
      break;
    case Literal::Type::kRef:
      absl::StrAppend(out, v.text, ":", v.integer);
      break;
    case Literal::Type::kIdentifier:
      out->append(v.text);
      break;
  }
}

void AppendPredicate(const Predicate& p, std::string* out) {
  out->append(p.field);
  const auto value = [&](size_t i) {
    if (i < p.values.size()) AppendLiteral(p.values[i], out);
  };
  switch (p.op) {
    case Predicate::Op::kEq:
    case Predicate::Op::kNe:
    case Predicate::Op::kLt:
    case Predicate::Op::kLe:
    case Predicate::Op::kGt:
    case Predicate::Op::kGe: {
      static constexpr absl::string_view kOps[] = {" = ",  " != ", " < ",
                                                   " <= ", " > ",  " >= "};
      absl::StrAppend(out, kOps[static_cast<int>(p.op)]);
      value(0);
      break;
    }
    case Predicate::Op::kBetween:
      out->append(" between ");
      value(0);
      out->append(" and ");
      value(1);
      break;
    case Predicate::Op::kIn:
      out->append(" in (");
      for (size_t i = 0; i < p.values.size(); ++i) {
        if (i > 0) out->append(", ");
        value(i);
      }
      out->push_back(')');
      break;
    case Predicate::Op::kPrefix:
      out->append(" prefix ");
      value(0);
      break;
    case Predicate::Op::kContains:
      out->append(" contains ");
      value(0);
      break;
    case Predicate::Op::kExists:
      out->append(" exists");
      break;
    case Predicate::Op::kNotExists:
      out->append(" not exists");
      break;
  }
}

void AppendExpr(const Expr& e, std::string* out) {
  if (e.type == Expr::Type::kPredicate) {
    AppendPredicate(e.predicate, out);
    return;
  }
  const bool is_and = e.type == Expr::Type::kAnd;
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (i > 0) out->append(is_and ? " and " : " or ");
    const Expr& child = e.children[i];
    // 'and' binds tighter than 'or'; other nesting needs parentheses to
    // survive a round trip.
    const bool parens = child.type == Expr::Type::kOr ||
                        (is_and && child.type == Expr::Type::kAnd);
    if (parens) out->push_back('(');
    AppendExpr(child, out);
    if (parens) out->push_back(')');
  }
}

}  // namespace

absl::StatusOr<Query> Parse(absl::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("query of ", text.size(), " bytes exceeds the limit of ",
                     kMaxQueryBytes, " bytes"));
  }
  return Parser(text).ParseQuery();
}

std::string ToString(const Query& q) {
  std::string out = q.kind;
  if (q.where.has_value()) {
    out.append(" where ");
    AppendExpr(*q.where, &out);
  }
  if (q.group_by.has_value()) {
    out.append(" group by ");
    switch (q.group_by->bucket) {
      case GroupBy::Bucket::kValue:
        out.append(q.group_by->field);
        break;
      case GroupBy::Bucket::kMonth:
        absl::StrAppend(&out, "month(", q.group_by->field, ")");
        break;
      case GroupBy::Bucket::kYear:
        absl::StrAppend(&out, "year(", q.group_by->field, ")");
        break;
    }
  }
  for (size_t i = 0; i < q.aggregates.size(); ++i) {
    out.append(i == 0 ? " compute " : ", ");
    const Aggregate& a = q.aggregates[i];
    switch (a.fn) {
      case Aggregate::Fn::kCount:
        out.append("count");
        break;
      case Aggregate::Fn::kCountDistinct:
        absl::StrAppend(&out, "count distinct ", a.field);
        break;
      case Aggregate::Fn::kSum:
        absl::StrAppend(&out, "sum ", a.field);
        break;
      case Aggregate::Fn::kMin:
        absl::StrAppend(&out, "min ", a.field);
        break;
      case Aggregate::Fn::kMax:
        absl::StrAppend(&out, "max ", a.field);
        break;
    }
  }
  if (q.order_by.has_value()) {
    absl::StrAppend(&out, " order by ", q.order_by->field,
                    q.order_by->descending ? " desc" : "");
  }
  if (q.limit.has_value()) absl::StrAppend(&out, " limit ", *q.limit);
  return out;
}

}  // namespace query
}  // namespace qiaolian
