#pragma once

// Writes a JSON array of flat objects: the one-parameter-per-table batch
// format that the statements unpack with json_to_recordset. Hand-written
// rather than built with nlohmann::json: the rows are flat and the payloads
// arrive as JSON text already, so one escaping pass into a reserved buffer is
// all the work there is.

#include <cstdint>
#include <string>
#include <string_view>

namespace persistence {

class json_rows {
 public:
  void begin_row();
  void end_row();
  void field(std::string_view key, std::string_view text);  // JSON string, escaped
  void field(std::string_view key, std::int64_t number);
  // A JSON document carried as a JSON string, which the statement casts to
  // json, checking its syntax. Never spliced in raw: a malformed document
  // then fails the statement instead of bleeding into the neighbouring
  // fields. Empty text is written as null (SQL NULL).
  void json_text_field(std::string_view key, std::string_view json);

  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  bool empty() const { return rows_ == 0; }
  std::size_t size() const { return rows_; }
  // The array text; the writer is left empty.
  std::string take();

 private:
  void key(std::string_view key);

  std::string out_{"["};
  std::size_t rows_ = 0;
  bool first_field_ = true;
};

}  // namespace persistence
