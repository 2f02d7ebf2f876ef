#pragma once

// An array of one composite type in PostgreSQL's binary form (what array_recv
// and record_recv read), sent as one binary parameter per table: the journal's
// rows arrive typed, field by field, with nothing for the server to parse. As
// JSON (json_to_recordset) every row repeated its field names and the
// server's lexer took every character apart, a fifth of the journal writer's
// database process under a burst of checkouts (docs/PERFORMANCE.md, "Rows in
// PostgreSQL's binary form").
//
// The fields of a row must be added in the order, and with the types, of the
// composite type's attributes (migration 030): the server checks each
// field's type and the row's field count, and refuses the parameter if they
// differ. Names are not sent; the caller's order is what binds a value to a
// column.

#include <cstdint>
#include <string>
#include <string_view>

namespace persistence {

class record_array {
 public:
  /// `element_type`: the composite type's oid (pg_type), which array_recv
  /// checks; composite types have no fixed oid, the caller looks it up.
  explicit record_array(std::uint32_t element_type) : element_type_(element_type) {}

  void begin_row();
  void end_row();

  void text(std::string_view value);          // text, as it is (empty text stays empty)
  void text_or_null(std::string_view value);  // text; empty text is NULL
  void uuid(std::string_view canonical);      // uuid, from its 36-character form; throws if it is none
  void int4(std::int32_t value);
  void int8(std::int64_t value);
  void null_int8();
  void boolean(bool value);

  std::size_t size() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  /// The array's bytes; the builder is left empty.
  std::string take();

 private:
  void field_header(std::uint32_t type, std::int32_t length);

  std::uint32_t element_type_;
  std::string elements_;
  std::size_t rows_ = 0;
  std::size_t row_start_ = 0;  // where the current row's length goes
  std::int32_t fields_ = 0;
};

}  // namespace persistence
