#include "persistence/record_array.hpp"

#include <limits>
#include <stdexcept>

#include "domain/access.hpp"

namespace persistence {

namespace {

// Built-in type oids (PostgreSQL's pg_type.dat): fixed for every server.
constexpr std::uint32_t bool_oid = 16;
constexpr std::uint32_t int8_oid = 20;
constexpr std::uint32_t int4_oid = 23;
constexpr std::uint32_t text_oid = 25;
constexpr std::uint32_t uuid_oid = 2950;

constexpr auto int32_max = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());

// Network byte order, as every binary form of PostgreSQL's wire protocol.
void put_uint32(std::string& out, std::uint32_t bits) {
  out.push_back(static_cast<char>(bits >> 24));
  out.push_back(static_cast<char>(bits >> 16));
  out.push_back(static_cast<char>(bits >> 8));
  out.push_back(static_cast<char>(bits));
}

void put_int32(std::string& out, std::int32_t value) {
  put_uint32(out, static_cast<std::uint32_t>(value));
}

void put_int64(std::string& out, std::int64_t value) {
  const auto bits = static_cast<std::uint64_t>(value);
  put_uint32(out, static_cast<std::uint32_t>(bits >> 32));
  put_uint32(out, static_cast<std::uint32_t>(bits));
}

}  // namespace

void record_array::begin_row() {
  if (rows_ == int32_max) throw std::length_error("record_array: too many rows");
  ++rows_;
  row_start_ = elements_.size();
  put_int32(elements_, 0);  // the row's length, set by end_row
  put_int32(elements_, 0);  // its field count, likewise
  fields_ = 0;
}

void record_array::end_row() {
  const auto length = elements_.size() - row_start_ - 4;
  if (length > int32_max) throw std::length_error("record_array: row too long");
  std::string header;
  put_int32(header, static_cast<std::int32_t>(length));
  put_int32(header, fields_);
  elements_.replace(row_start_, header.size(), header);
}

void record_array::field_header(std::uint32_t type, std::int32_t length) {
  ++fields_;
  put_uint32(elements_, type);
  put_int32(elements_, length);
}

void record_array::text(std::string_view value) {
  if (value.size() > int32_max) throw std::length_error("record_array: text too long");
  field_header(text_oid, static_cast<std::int32_t>(value.size()));
  elements_.append(value);
}

void record_array::text_or_null(std::string_view value) {
  if (value.empty())
    field_header(text_oid, -1);
  else
    text(value);
}

void record_array::uuid(std::string_view canonical) {
  const auto bytes = domain::uuid_bytes(canonical);
  if (!bytes) throw std::invalid_argument("record_array: not a uuid: " + std::string{canonical});
  field_header(uuid_oid, 16);
  elements_.append(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

void record_array::int4(std::int32_t value) {
  field_header(int4_oid, 4);
  put_int32(elements_, value);
}

void record_array::int8(std::int64_t value) {
  field_header(int8_oid, 8);
  put_int64(elements_, value);
}

void record_array::null_int8() {
  field_header(int8_oid, -1);
}

void record_array::boolean(bool value) {
  field_header(bool_oid, 1);
  elements_.push_back(value ? 1 : 0);
}

std::string record_array::take() {
  std::string out;
  out.reserve(20 + elements_.size());
  // An empty array has no dimensions; a row is never NULL.
  put_int32(out, rows_ == 0 ? 0 : 1);
  put_int32(out, 0);
  put_uint32(out, element_type_);
  if (rows_ > 0) {
    put_int32(out, static_cast<std::int32_t>(rows_));
    put_int32(out, 1);  // lower bound
  }
  out += elements_;
  elements_.clear();
  rows_ = 0;
  return out;
}

}  // namespace persistence
